"""Alerts for the workers on a case, raised only by the server (today by a child's voice record whose child
says they feel unsafe, voice.py) and acknowledged by a worker once acted on.

No create route: clients never raise one. Council professionals read them; the family, the child and partner
agencies never do (professionals_only, and their roles are not among the readers). A false alarm is
acknowledged with a note; one raised by a record entered in error can be marked entered in error too.
"""

from __future__ import annotations

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import Alert, AlertAcknowledge, AlertStatus

from . import problems
from .auth.policy import CASE_WORKERS, PROFESSIONALS, Access
from .context import Actor
from .db.records import Columns, StoredRecord, columns_of
from .resources.registry import Action, Listing, Names, Record, Resource, register
from .resources.service import next_meta, now

KIND = "alert"


def alert_columns(alert: Alert) -> Columns:
    return columns_of(alert, child_ids=(alert.child_id,))


async def acknowledge(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: AlertAcknowledge) -> Alert:
    """Who acknowledged comes from the token; an alert is acknowledged once (409 after)."""
    old = msgspec.json.decode(stored.doc, type=Alert)
    if old.status is AlertStatus.acknowledged:
        raise problems.Conflict(f"This alert was already acknowledged by {old.acknowledged_by}.")
    at = now()
    return msgspec.structs.replace(
        old,
        status=AlertStatus.acknowledged,
        acknowledged_by=actor.name,
        acknowledged_at=at,
        note=body.note,
        meta=next_meta(old.meta, actor, at),
    )


ALERTS = register(
    Resource(
        Names(KIND, "Alert", "/v1/alerts", "alert_id", "alerts"),
        Record(Alert, None, alert_columns, parent="case", default_visibility="professionals_only"),
        Access(read=PROFESSIONALS),
        listing=Listing("listCaseAlerts", "The case's alerts, newest first", newest_first=True),
        actions=(
            Action(
                "acknowledgeAlert",
                "Acknowledge an alert, with what was done (If-Match; once only)",
                "acknowledge",
                acknowledge,
                CASE_WORKERS,
                body=AlertAcknowledge,
            ),
        ),
    )
)
ROUTES: list[object] = []
