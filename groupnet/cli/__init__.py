"""The `groupnet` command line: one module per area."""
