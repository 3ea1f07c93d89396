"""groupnet: a federated server for networks of local groups."""

__version__ = "0.1.0"
