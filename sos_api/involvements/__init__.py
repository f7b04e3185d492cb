"""Case involvements: who outside the allocated team works on a case (domain 4.1). Every route is the
registry's (resource.py)."""

from .resource import INVOLVEMENTS

ROUTES: list[object] = []

__all__ = ["INVOLVEMENTS", "ROUTES"]
