"""The resource registry and the machinery every registered kind shares (routes, service)."""
