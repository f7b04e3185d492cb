"""Scaling questions, judgements and series (domain 2.9)."""

from .resource import JUDGEMENTS, QUESTIONS
from .routes import ROUTES

__all__ = ["JUDGEMENTS", "QUESTIONS", "ROUTES"]
