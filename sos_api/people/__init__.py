"""People and their identifiers (domain 2.3, 2.4)."""

from .resource import PEOPLE
from .routes import ROUTES

__all__ = ["PEOPLE", "ROUTES"]
