"""people area."""
