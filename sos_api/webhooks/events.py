"""The named domain events (interop R31) beside the generic `<kind>.created|updated|deleted`: the one place that
maps a change to its event name.

Each name is a condition on the outbox row and on the stored documents it points at: the version it wrote
(`current`) and, where a change must be detected, the version before (`previous`), both from `record_versions`
(every write keeps its document there). The worker's owing query (queries.owe_events) joins the two and evaluates
`named_event()` for each change; the first definition that matches names it. A change has at most one name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from sos_schema import DomainEvent

from ..db.tables import outbox, record_versions, records

current = record_versions.alias("current_version")
previous = record_versions.alias("previous_version")
o = outbox.c

WRITES = ("create", "update")


def _field(version: Any, *path: str) -> ColumnElement[Any]:
    column: Any = version.c.doc
    for step in path[:-1]:
        column = column[step]
    text: ColumnElement[Any] = column[path[-1]].astext
    return text


def _plan_type(plan_type: str) -> ColumnElement[bool]:
    return sa.and_(o.kind == "statutory_plan", _field(current, "plan", "plan_type") == plan_type)


def _superseded() -> ColumnElement[bool]:
    """A plan version ended because a revision of it was agreed (plans.supersede_previous): the plan goes on."""
    successor = records.alias("successor")
    return sa.exists().where(
        successor.c.kind == "statutory_plan",
        successor.c.doc["previous_version_id"].astext == sa.cast(o.record_id, sa.Text),
        successor.c.status != "draft",
    )


def _cp_started() -> ColumnElement[bool]:
    return sa.and_(_plan_type("child_protection"), o.op == "create", _field(current, "previous_version_id").is_(None))


def _cp_ended() -> ColumnElement[bool]:
    return sa.and_(
        _plan_type("child_protection"),
        o.op == "update",
        _field(current, "status") == "ended",
        _field(previous, "status").is_distinct_from("ended"),
        sa.not_(_superseded()),
    )


# In order: the first that matches names the change.
DEFINITIONS: tuple[tuple[DomainEvent, Callable[[], ColumnElement[bool]]], ...] = (
    (DomainEvent.flag_accessed, lambda: o.kind == "flag_access"),
    (DomainEvent.person_updated, lambda: o.kind == "person"),
    (DomainEvent.cp_plan_started, _cp_started),
    (DomainEvent.cp_plan_ended, _cp_ended),
    # A placement plan made or changed (child episodes record no placement of their own).
    (DomainEvent.placement_changed, lambda: sa.and_(_plan_type("placement"), o.op.in_(WRITES))),
    (
        DomainEvent.assessment_map_published,
        lambda: sa.and_(
            o.kind == "assessment_map",
            _field(current, "status") == "current",
            _field(previous, "status") == "draft",
        ),
    ),
    (DomainEvent.safety_plan_updated, lambda: sa.and_(o.kind == "safety_plan", o.op.in_(WRITES))),
    (DomainEvent.contribution_received, lambda: sa.and_(o.kind == "contribution", o.op == "create")),
    (
        DomainEvent.contribution_status_changed,
        lambda: sa.and_(
            o.kind == "contribution",
            o.op == "update",
            _field(current, "status").is_distinct_from(_field(previous, "status")),
        ),
    ),
)
assert {name for name, _ in DEFINITIONS} == set(DomainEvent), "every published event has its definition"


def named_event() -> ColumnElement[Any]:
    """The change's event name, or NULL: evaluated over `outbox` joined with `with_versions()`."""
    return sa.case(*((when(), sa.literal(name.value)) for name, when in DEFINITIONS), else_=sa.null())


def with_versions(source: Any) -> Any:
    """`source` (with the outbox in it) joined to the version the change wrote and the one before it."""
    return source.outerjoin(
        current, sa.and_(current.c.record_id == o.record_id, current.c.version == o.version)
    ).outerjoin(previous, sa.and_(previous.c.record_id == o.record_id, previous.c.version == o.version - 1))
