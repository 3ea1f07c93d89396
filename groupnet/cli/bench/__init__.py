"""`groupnet bench ...`: measured figures."""
