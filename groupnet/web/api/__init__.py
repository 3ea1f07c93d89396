"""The JSON API: one module per area, routes gathered in `routes`."""
