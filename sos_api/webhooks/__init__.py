"""Webhooks (interop R25, R30, R31): subscriptions per client organisation, and the worker that delivers the
changes feed's events to them, signed as Standard Webhooks (routes, service, queries, worker)."""

from .routes import ROUTES

__all__ = ["ROUTES"]
