"""Steps on the shared log: joining a network, sharing and following motions."""
