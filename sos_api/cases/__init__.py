"""Cases: a family's casework container (domain 2.2)."""
