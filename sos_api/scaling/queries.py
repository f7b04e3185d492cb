"""SQL for scaling judgements: same-occasion lookups (BR-02) and a danger's whole series in one statement."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, NamedTuple
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncConnection

from ..audit import record as audit
from ..auth.policy import Scope
from ..context import Actor
from ..db.engine import Database
from ..db.records import scoped
from ..db.tables import records
from ..resources.registry import resource

DANGER_KIND = "danger_statement"
QUESTION_KIND = "scaling_question"
JUDGEMENT_KIND = "scaling_judgement"
LONDON = "Europe/London"


def judgement_day(table: Any) -> sa.ColumnElement[dt.date]:
    """The day a judgement was given: its `given_on`, else the London calendar day it was recorded."""
    return sa.func.coalesce(
        sa.cast(table.c.doc["given_on"].astext, sa.Date),
        sa.cast(sa.func.timezone(LONDON, table.c.created_at), sa.Date),
    )


def _written(path: str, op: str = "->>") -> sa.ColumnElement[str]:
    """A judgement's field as the partial indexes of migration 0019 have it: the path written into the SQL, not
    bound, and the kind too (`_judgements`), so that generic plans match them."""
    return sa.type_coerce(records.c.doc.op(op)(sa.literal_column(path)), sa.Text)


def _judgements(scope: Scope) -> sa.Select[Any]:
    return scoped(scope, resource(JUDGEMENT_KIND)).where(records.c.kind == sa.literal_column(f"'{JUDGEMENT_KIND}'"))


def _corrections(scope: Scope) -> Any:
    """Visible judgements that correct another: (question, corrected judgement id as text)."""
    corrects = _written("'corrects'")
    return (
        _judgements(scope)
        .where(corrects.is_not(None))
        .with_only_columns(records.c.parent_id, corrects.label("corrects"))
        .subquery("correction")
    )


async def select_same_occasion(
    conn: AsyncConnection,
    scope: Scope,
    question_id: UUID,
    occasion_id: UUID | None,
    day: dt.date,
    *,
    person: UUID | bool | None,
) -> list[tuple[bytes, bool]]:
    """Judgements on one question at one occasion (the occasion id, else the day given), each with whether a
    later judgement corrects it; with `person` (an id, or None for none named), only those whose perspective names
    that person (False: any)."""
    statement = _same_occasion_statement(scope, occasion_id is not None, "any" if person is False else person is None)
    params = {"question_id": question_id, "occasion": str(occasion_id), "day": day, "person": str(person)}
    return [(row.doc.encode(), bool(row.corrected)) for row in await conn.execute(statement, params)]


@lru_cache(maxsize=1024)
def _same_occasion_statement(scope: Scope, by_occasion: bool, unnamed: bool | str) -> sa.Select[Any]:
    """`select_same_occasion`'s statement, built once per scope and shape (a write's check under the question's
    lock: building it cost more than running it)."""
    correction = _corrections(scope)
    corrected = (
        sa.exists()
        .where(correction.c.parent_id == records.c.parent_id, correction.c.corrects == sa.cast(records.c.id, sa.Text))
        .label("corrected")
    )
    occasion = records.c.doc["occasion_id"].astext
    same = (
        occasion == sa.bindparam("occasion", type_=sa.Text)
        if by_occasion
        else sa.and_(occasion.is_(None), judgement_day(records) == sa.bindparam("day", type_=sa.Date))
    )
    question = records.c.parent_id == sa.bindparam("question_id", type_=PG_UUID(as_uuid=True))
    query = _judgements(scope).where(question, same).add_columns(corrected)
    if unnamed != "any":
        named = _written("'{perspective,perspective_person_id}'", "#>>")
        query = query.where(named.is_(None) if unnamed else named == sa.bindparam("person", type_=sa.Text))
    return query


class SeriesRow(NamedTuple):
    """A row of the series statement, by position (the driver's rows have no attributes). The judgement's fields
    (Any) are None only on the one row of a scale with no judgements, or of a danger with no scale."""

    danger_id: UUID
    danger_version: int
    la_code: str
    case_id: UUID | None
    child_ids: list[UUID] | None
    question_id: Any
    kind: str | None
    question_text: str | None
    anchor_10: str | None
    anchor_0: str | None
    polarity: str | None
    escalation_threshold: int | None
    judgement_id: UUID | None
    recorded_at: Any
    day: Any
    value: Any
    perspective_role: Any
    person_id: str | None
    agreed_by: str | None
    reason: str | None
    corrects: str | None
    corrected: bool | None


async def select_danger_series(db: Database, actor: Actor, danger_id: UUID, *, limit: int) -> list[SeriesRow]:
    """One row per judgement on the danger's scale, newest first (at most `limit`), each carrying the danger's
    audit facts and the question's anchors; a single row with no judgement when there are none yet, and no
    rows when the danger is not visible. One statement, which also records the read of the danger (one access
    event, only when it is visible): this is the chart's hot path. Planned once (a generic plan): planning it
    cost four times running it."""
    params = audit.event_params(actor, "read") | {"danger_id": danger_id}
    rows = await db.fetch(actor.scope, _series_statement(actor.scope, limit), params, generic=True)
    return [SeriesRow(*row) for row in rows]


@lru_cache(maxsize=1024)
def _series_statement(scope: Scope, limit: int) -> sa.Select[Any]:
    """Built once per caller scope: constructing this statement cost more than running it (bench/)."""
    danger = (
        scoped(scope, resource(DANGER_KIND))
        .where(records.c.id == sa.bindparam("danger_id", type_=PG_UUID(as_uuid=True)))
        .with_only_columns(
            records.c.id,
            records.c.la_code,
            records.c.kind,
            records.c.version,
            records.c.case_id,
            records.c.child_ids,
        )
        .cte("danger")
    )
    question = (
        scoped(scope, resource(QUESTION_KIND))
        .where(records.c.doc[("subject", "type")].astext == "danger_goal")
        .with_only_columns(records.c.id, records.c.parent_id, records.c.doc)
        .subquery("question")
    )
    judgement = (
        scoped(scope, resource(JUDGEMENT_KIND))
        .with_only_columns(records.c.id, records.c.parent_id, records.c.created_at, records.c.doc)
        .subquery("judgement")
    )
    correction = _corrections(scope)
    day = judgement_day(judgement)
    q_doc, j_doc = question.c.doc, judgement.c.doc
    query = (
        sa.select(
            danger.c.id.label("danger_id"),
            danger.c.version.label("danger_version"),
            danger.c.la_code,
            danger.c.case_id,
            danger.c.child_ids,
            question.c.id.label("question_id"),
            q_doc["kind"].astext.label("kind"),
            q_doc["question_text"].astext.label("question_text"),
            q_doc["anchor_10"].astext.label("anchor_10"),
            q_doc["anchor_0"].astext.label("anchor_0"),
            q_doc["polarity"].astext.label("polarity"),
            sa.cast(q_doc["escalation_threshold"].astext, sa.Integer).label("escalation_threshold"),
            judgement.c.id.label("judgement_id"),
            judgement.c.created_at.label("recorded_at"),
            day.label("day"),
            sa.cast(j_doc["value"].astext, sa.Integer).label("value"),
            j_doc[("perspective", "perspective_role")].astext.label("perspective_role"),
            j_doc[("perspective", "perspective_person_id")].astext.label("person_id"),
            sa.cast(j_doc[("perspective", "agreed_by")], sa.Text).label("agreed_by"),
            j_doc["reason"].astext.label("reason"),
            j_doc["corrects"].astext.label("corrects"),
            sa.exists()
            .where(
                correction.c.parent_id == judgement.c.parent_id,
                correction.c.corrects == sa.cast(judgement.c.id, sa.Text),
            )
            .label("corrected"),
        )
        .select_from(
            danger.outerjoin(question, question.c.parent_id == danger.c.id).outerjoin(
                judgement, judgement.c.parent_id == question.c.id
            )
        )
        .order_by(day.desc().nulls_last(), judgement.c.created_at.desc(), judgement.c.id.desc())
        .limit(limit)
        .add_cte(audit.recording(danger))
    )
    return query
