"""The append-only record of every access to a child's data (domain 2.25, BR-25)."""
