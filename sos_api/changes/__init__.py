"""The changes feed (interop R5, R6): `GET /v1/changes` for a council's integration clients, and its pruning."""

from .routes import ROUTES

__all__ = ["ROUTES"]
