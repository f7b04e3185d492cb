"""Alerts the server raises for the workers on a case: today, a child whose own record says they feel unsafe
(a worry marked `makes_me_unsafe`, or their own safety number at or below the council's threshold).

Alerts are never created by clients and never shown to the family: a worker acknowledges one once they have
acted on it.
"""

from __future__ import annotations

import enum
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from ._base import Input, Instant, Output, PersonRef, PractitionerRef, RecordMeta, ShortText, Text, UserRef

__all__ = ["Alert", "AlertAcknowledge", "AlertReason", "AlertSource", "AlertStatus", "RaisedFor"]


class AlertReason(enum.StrEnum):
    """Why the alert was raised."""

    child_feels_unsafe = "child_feels_unsafe"
    # Interop R18: a partner looked the child's flags up from unscheduled care (an emergency department, 111).
    flag_accessed_unscheduled = "flag_accessed_unscheduled"


class AlertStatus(enum.StrEnum):
    open = "open"
    acknowledged = "acknowledged"


class AlertSource(Output, kw_only=True):
    """The record that raised the alert: its kind (e.g. `child_voice`) and id."""

    kind: ShortText
    id: UUID


class RaisedFor(Output, kw_only=True):
    """Who the alert was for: the case's allocated worker and team when it was raised."""

    allocated_worker: PractitionerRef | None = None
    team: ShortText | None = None


class Alert(Output, kw_only=True):
    """Something a worker must look at now. Raised by the server in the same transaction as the record that
    caused it; seen by the council's professionals only."""

    id: UUID
    meta: RecordMeta
    child_id: PersonRef
    reason: AlertReason
    detail: Annotated[Text, Meta(description="Why, in plain words: which worry, or which number.")]
    source: AlertSource
    raised_for: RaisedFor
    status: AlertStatus = AlertStatus.open
    acknowledged_by: UserRef | None = None
    acknowledged_at: Instant | None = None
    note: Text | None = None


class AlertAcknowledge(Input, kw_only=True):
    """Acknowledge an alert (the token says who), with what was done about it."""

    note: Annotated[Text | None, Meta(description="What was done, e.g. visited the child the same day.")] = None
