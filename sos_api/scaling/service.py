"""Scales and judgements: every question stores both anchors and its polarity (BR-01); one judgement per
person per question per occasion (BR-02); judgements are append-only and corrected by new judgements that
point at the old one (domain 2.9, 3.6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    Attribution,
    FieldError,
    PerspectiveRole,
    Polarity,
    ScalingJudgement,
    ScalingJudgementCreate,
    ScalingKind,
    ScalingQuestion,
    ScalingQuestionCreate,
    ScalingSubject,
)
from sos_schema.series import MAX_POINTS, ScalingPoint, ScalingSeries

from .. import problems
from ..audit import record as audit
from ..auth.policy import check_own_voice
from ..context import Actor
from ..db import records as q
from ..db.engine import Database
from ..db.records import StoredRecord
from ..db.tables import records
from ..http import Cursors
from ..versioned import Columns, Written, fields_of, insert, new_id, new_meta, next_meta, now, read_page, update
from . import queries
from .queries import JUDGEMENT_KIND, QUESTION_KIND

LONDON = ZoneInfo(queries.LONDON)

# --- questions -------------------------------------------------------------------------------------


def question_columns(question: ScalingQuestion, child_ids: Sequence[UUID], parent_id: UUID | None) -> Columns:
    return Columns(
        visibility=question.visibility.value,
        child_ids=tuple(child_ids),
        case_id=question.meta.case_id,
        parent_id=parent_id,
    )


async def create_question(
    conn: AsyncConnection,
    actor: Actor,
    question_id: UUID,
    body: ScalingQuestionCreate,
    subject: ScalingSubject,
    *,
    case_id: UUID | None,
    child_ids: Sequence[UUID],
    at: dt.datetime,
) -> Written:
    """Store a question about `subject` (its parent record), inside the caller's transaction."""
    question = ScalingQuestion(**fields_of(body), id=question_id, subject=subject, meta=new_meta(actor, at, case_id))
    return await insert(
        conn, actor, QUESTION_KIND, question_id, question, question_columns(question, child_ids, subject.id), at
    )


def as_input(question: ScalingQuestion) -> ScalingQuestionCreate:
    """The client-sent part of a stored question."""
    return ScalingQuestionCreate(**{name: getattr(question, name) for name in ScalingQuestionCreate.__struct_fields__})


async def revise_question(
    conn: AsyncConnection,
    actor: Actor,
    stored: StoredRecord,
    body: ScalingQuestionCreate,
    child_ids: Sequence[UUID],
    at: dt.datetime,
) -> None:
    """Bring a locked stored question in line with `body`; a new version only when something changed."""
    old = msgspec.json.decode(stored.doc, type=ScalingQuestion)
    if as_input(old) == body and list(child_ids) == stored.child_ids:
        return
    question = ScalingQuestion(**fields_of(body), id=old.id, subject=old.subject, meta=next_meta(old.meta, actor, at))
    await update(conn, actor, stored, question, question_columns(question, child_ids, stored.parent_id), at)


# --- judgements ------------------------------------------------------------------------------------


def london_day(at: dt.datetime) -> dt.date:
    return at.astimezone(LONDON).date()


def whose(perspective: Attribution) -> tuple[str, ...]:
    """Who a judgement belongs to for BR-02: the person, or for a shared number everyone who agreed."""
    if perspective.perspective_role is PerspectiveRole.shared:
        return ("shared", *sorted(str(p) for p in perspective.agreed_by))
    return ("person", str(perspective.perspective_person_id))


async def check_correction(conn: AsyncConnection, actor: Actor, question_id: UUID, corrects: UUID) -> None:
    """A correction must point at a judgement on the same question (domain 3.6)."""
    earlier = await q.select_record(conn, actor.scope, JUDGEMENT_KIND, corrects)
    if earlier is None or earlier.parent_id != question_id:
        raise problems.RuleBroken(
            "corrects must be the id of an earlier judgement on this scaling question.",
            errors=[FieldError(pointer="/corrects", code="unknown_judgement", detail="not a judgement on this scale")],
        )


async def check_one_per_occasion(
    conn: AsyncConnection, actor: Actor, question_id: UUID, body: ScalingJudgementCreate, day: dt.date
) -> None:
    """BR-02: one judgement per person per question per occasion, unless the new one corrects it."""
    key = whose(body.perspective)
    standing = []
    for doc, corrected in await queries.select_same_occasion(conn, actor.scope, question_id, body.occasion_id, day):
        earlier = msgspec.json.decode(doc, type=ScalingJudgement)
        if not corrected and whose(earlier.perspective) == key:
            standing.append(earlier.id)
    if standing and body.corrects not in standing:
        occasion = "at this occasion" if body.occasion_id else f"on {day.isoformat()}"
        raise problems.Duplicate(
            f"This person already gave a judgement on this scale {occasion} ({standing[0]}). To change it, record "
            "a new judgement whose corrects is that id.",
            rule="BR-02",
        )


async def record_judgement(db: Database, actor: Actor, question_id: UUID, body: ScalingJudgementCreate) -> Written:
    """Append one person's number on a scale (never updated afterwards)."""
    at = now()
    today = london_day(at)
    if body.given_on is not None and body.given_on > today:
        raise problems.RuleBroken(
            "given_on cannot be in the future.",
            errors=[FieldError(pointer="/given_on", code="in_future", detail="given_on is after today")],
        )
    perspective = body.perspective
    check_own_voice(actor.role, actor.principal, perspective.perspective_role.value, perspective.perspective_person_id)
    async with db.begin(actor.scope) as conn:
        # The question row is locked so two writers cannot both pass the BR-02 check for one person.
        question = await q.select_record(conn, actor.scope, QUESTION_KIND, question_id, for_update=True)
        if question is None:
            raise problems.NotFound("No scaling question with that id.")
        if body.corrects is not None:
            await check_correction(conn, actor, question_id, body.corrects)
        await check_one_per_occasion(conn, actor, question_id, body, body.given_on or today)
        judgement_id = new_id()
        judgement = ScalingJudgement(
            **fields_of(body),
            id=judgement_id,
            question_id=question_id,
            recorded_at=at,
            meta=new_meta(actor, at, question.case_id),
        )
        columns = Columns(
            visibility=judgement.visibility.value,
            child_ids=tuple(question.child_ids),
            case_id=question.case_id,
            parent_id=question_id,
        )
        return await insert(conn, actor, JUDGEMENT_KIND, judgement_id, judgement, columns, at)


async def list_judgements(
    db: Database, actor: Actor, cursors: Cursors, question_id: UUID, *, cursor: str | None, limit: int
) -> bytes:
    """A question's judgements, oldest first; 404 when the question is not visible."""
    return await read_page(
        db,
        actor,
        cursors,
        JUDGEMENT_KIND,
        records.c.parent_id == question_id,
        binding=f"judgements:{question_id}",
        cursor=cursor,
        limit=limit,
        within=(QUESTION_KIND, question_id),
    )


# --- series ----------------------------------------------------------------------------------------


async def danger_series(db: Database, actor: Actor, danger_id: UUID) -> bytes:
    """Every judgement on a danger's scale as one series, oldest first (domain 3.3: charted per danger)."""
    async with db.begin(actor.scope) as conn:
        rows = await queries.select_danger_series(conn, actor.scope, danger_id, limit=MAX_POINTS)
        if not rows:
            raise problems.NotFound("No danger statement with that id.")
        first = rows[0]
        await audit.record(
            conn,
            actor,
            "read",
            object_type=queries.DANGER_KIND,
            object_id=danger_id,
            object_version=first.danger_version,
            case_id=first.case_id,
            child_ids=list(first.child_ids or []),
            la_code=first.la_code,
        )
    points = [
        ScalingPoint(
            date=row.day,
            recorded_at=row.recorded_at,
            value=row.value,
            perspective_role=PerspectiveRole(row.perspective_role),
            person_id=UUID(row.person_id) if row.person_id else None,
            agreed_by=msgspec.json.decode(row.agreed_by or "[]", type=list[UUID]),
            reason=row.reason,
            judgement_id=row.judgement_id,
            question_id=row.question_id,
            corrects=UUID(row.corrects) if row.corrects else None,
            corrected=bool(row.corrected),
        )
        for row in reversed(rows)
        if row.judgement_id is not None
    ]
    series = ScalingSeries(
        danger_id=danger_id,
        question_id=first.question_id,
        kind=ScalingKind(first.kind) if first.kind else None,
        question_text=first.question_text,
        anchor_10=first.anchor_10,
        anchor_0=first.anchor_0,
        polarity=Polarity(first.polarity) if first.polarity else None,
        escalation_threshold=first.escalation_threshold,
        points=points,
    )
    return msgspec.json.encode(series)
