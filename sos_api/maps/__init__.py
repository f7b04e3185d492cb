"""Assessment maps and danger statements (domain 2.7, 2.8, 3.3)."""

from .resource import DANGERS, MAPS
from .routes import ROUTES

__all__ = ["DANGERS", "MAPS", "ROUTES"]
