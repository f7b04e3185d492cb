"""Cases: the family work container (domain 2.2). Every route is the registry's (resource.py)."""

from .resource import CASES

ROUTES: list[object] = []

__all__ = ["CASES", "ROUTES"]
