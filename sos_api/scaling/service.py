"""Scales and judgements: every question stores both anchors and its polarity (BR-01); each danger/goal pair has
exactly one safety or wellbeing scale (BR-03); one judgement per person per question per occasion (BR-02);
judgements are append-only and corrected by new judgements that point at the old one (domain 2.9, 3.6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    Attribution,
    DangerStatement,
    FieldError,
    PerspectiveRole,
    Polarity,
    ScalingJudgement,
    ScalingJudgementCreate,
    ScalingKind,
    ScalingQuestion,
    ScalingQuestionCreate,
    ScalingSubject,
    ScalingSubjectType,
)
from sos_schema.series import MAX_POINTS, ScalingPoint, ScalingSeries

from .. import charts, problems
from ..auth.policy import check_own_voice, no_wider_than
from ..context import Actor
from ..db import records as q
from ..db.engine import Database
from ..db.records import Columns, StoredRecord, columns_of
from ..resources.registry import Resource, resource
from ..resources.service import Written, fields_of, insert, new_meta, next_meta, now, update
from . import queries
from .queries import DANGER_KIND as DANGER_KIND
from .queries import JUDGEMENT_KIND as JUDGEMENT_KIND
from .queries import QUESTION_KIND as QUESTION_KIND

LONDON = ZoneInfo(queries.LONDON)
# BR-03: a danger statement's scale is a safety (or wellbeing) scale.
DANGER_SCALES = frozenset({ScalingKind.safety, ScalingKind.wellbeing})
QUESTION_PER_DANGER = "uq_records_question_per_danger"


def questions() -> Resource:
    return resource(QUESTION_KIND)


def judgements() -> Resource:
    return resource(JUDGEMENT_KIND)


# --- questions -------------------------------------------------------------------------------------


def question_columns(question: ScalingQuestion) -> Columns:
    return columns_of(question, parent_id=question.subject.id)


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
    holder: Any,
) -> Written:
    """Store a question about `subject` (its parent record, `holder`), inside the caller's transaction."""
    meta = new_meta(actor, at, case_id)
    question = ScalingQuestion(**fitted(body, holder), id=question_id, subject=subject, meta=meta)
    return await insert(conn, actor, questions(), question, at, child_ids=child_ids)


def fitted(body: ScalingQuestionCreate, holder: Any) -> dict[str, Any]:
    """A question's fields, classified no more openly than the record it is about (BR-26)."""
    return fields_of(body) | no_wider_than(body, holder)


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
    holder: Any,
) -> None:
    """Bring a locked stored question in line with `body`; a new version only when something changed."""
    old = msgspec.json.decode(stored.doc, type=ScalingQuestion)
    fields = fitted(body, holder)
    if as_input(old) == ScalingQuestionCreate(**fields) and list(child_ids) == stored.child_ids:
        return
    question = ScalingQuestion(**fields, id=old.id, subject=old.subject, meta=next_meta(old.meta, actor, at))
    await update(conn, actor, questions(), stored, question, at, child_ids=child_ids)


def already_scaled(question: UUID | str) -> problems.ProblemError:
    return problems.Duplicate(
        f"This danger statement already has its scaling question ({question}); record judgements on that one.",
        rule="BR-03",
    )


# The partial unique index guards the race the danger's row lock already serialises.
QUESTION_CONFLICTS = {QUESTION_PER_DANGER: lambda: already_scaled("saved just now")}


async def new_danger_question(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord | None, body: ScalingQuestionCreate, question_id: UUID
) -> ScalingQuestion:
    """BR-03: each danger/goal pair has exactly one safety (or wellbeing) scale; the goal points at it. The
    danger statement (locked) gets a new version naming its scale."""
    assert stored is not None
    if body.kind not in DANGER_SCALES:
        detail = "BR-03: a danger statement's scale must be a safety or wellbeing scale."
        raise problems.RuleBroken(
            detail, rule="BR-03", errors=[FieldError(pointer="/kind", code="BR-03", detail=detail)]
        )
    danger = msgspec.json.decode(stored.doc, type=DangerStatement)
    if danger.safety_goal.scale_question_id is not None:
        raise already_scaled(danger.safety_goal.scale_question_id)
    at = now()
    goal = msgspec.structs.replace(danger.safety_goal, scale_question_id=question_id)
    linked = msgspec.structs.replace(danger, safety_goal=goal, meta=next_meta(danger.meta, actor, at))
    await update(conn, actor, resource(DANGER_KIND), stored, linked, at)
    subject = ScalingSubject(type=ScalingSubjectType.danger_goal, id=danger.id)
    meta = new_meta(actor, at, danger.case_id, stored.la_code)
    return ScalingQuestion(**fitted(body, danger), id=question_id, subject=subject, meta=meta)


# --- judgements ------------------------------------------------------------------------------------


def judgement_columns(judgement: ScalingJudgement) -> Columns:
    return columns_of(judgement, parent_id=judgement.question_id)


def london_day(at: dt.datetime) -> dt.date:
    return at.astimezone(LONDON).date()


def judge_of(body: ScalingJudgementCreate) -> tuple[str, ...]:
    """Whose judgements a new one must take turns with (BR-02's check): the same person's, or the same group's."""
    return whose(body.perspective)


def whose(perspective: Attribution) -> tuple[str, ...]:
    """Who a judgement belongs to for BR-02: the person, or for a shared number everyone who agreed."""
    if perspective.perspective_role is PerspectiveRole.shared:
        return ("shared", *sorted(str(p) for p in perspective.agreed_by))
    return ("person", str(perspective.perspective_person_id))


async def check_correction(conn: AsyncConnection, actor: Actor, question_id: UUID, corrects: UUID) -> None:
    """A correction must point at a judgement on the same question (domain 3.6)."""
    earlier = await q.select_record(conn, actor.scope, judgements(), corrects)
    if earlier is None or earlier.parent_id != question_id:
        raise problems.RuleBroken(
            "corrects must be the id of an earlier judgement on this scaling question.",
            errors=[FieldError(pointer="/corrects", code="unknown_judgement", detail="not a judgement on this scale")],
        )


async def check_one_per_occasion(
    conn: AsyncConnection, actor: Actor, question_id: UUID, body: ScalingJudgementCreate, day: dt.date
) -> None:
    """BR-02: one judgement per person per question per occasion, unless the new one corrects it."""
    perspective = body.perspective
    key = whose(perspective)
    # Only a person's own judgements can be theirs (a shared number is anyone's who agreed to it).
    person = False if perspective.perspective_role is PerspectiveRole.shared else perspective.perspective_person_id
    standing = []
    same = await queries.select_same_occasion(conn, actor.scope, question_id, body.occasion_id, day, person=person)
    for doc, corrected in same:
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


async def new_judgement(
    conn: AsyncConnection, actor: Actor, question: StoredRecord | None, body: ScalingJudgementCreate, judgement_id: UUID
) -> ScalingJudgement:
    """One person's number on a scale, appended (never updated afterwards). The same person's (or group's)
    judgements on the question take turns (`judge_of`, the create's lock), so two writers cannot both pass the
    BR-02 check for one person; other people's run alongside."""
    assert question is not None
    at = now()
    today = london_day(at)
    if body.given_on is not None and body.given_on > today:
        raise problems.RuleBroken(
            "given_on cannot be in the future.",
            errors=[FieldError(pointer="/given_on", code="in_future", detail="given_on is after today")],
        )
    perspective = body.perspective
    check_own_voice(actor.role, actor.principal, perspective.perspective_role.value, perspective.perspective_person_id)
    if body.corrects is not None:
        await check_correction(conn, actor, question.id, body.corrects)
    await check_one_per_occasion(conn, actor, question.id, body, body.given_on or today)
    scale = msgspec.json.decode(question.doc, type=ScalingQuestion)
    return ScalingJudgement(
        **(fields_of(body) | no_wider_than(body, scale)),
        id=judgement_id,
        question_id=question.id,
        recorded_at=at,
        # The question's council: an involved agency records on the council's case.
        meta=new_meta(actor, at, question.case_id, question.la_code),
    )


# --- series ----------------------------------------------------------------------------------------


async def danger_series(db: Database, actor: Actor, danger_id: UUID) -> bytes:
    """Every judgement on a danger's scale as one series, oldest first (domain 3.3: charted per danger)."""
    rows = await queries.select_danger_series(db, actor, danger_id, limit=MAX_POINTS)
    if not rows:
        raise problems.NotFound("No danger statement with that id.")
    first = rows[0]
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


def scaling_chart(series: ScalingSeries) -> bytes:
    """The danger's trajectory as SVG: one line per perspective, corrected judgements left out (their corrections
    are drawn instead), each point at the day the number was given."""
    lines: dict[str, list[tuple[dt.date, float]]] = {}
    for point in series.points:
        if not point.corrected:
            lines.setdefault(point.perspective_role.value.replace("_", " "), []).append((point.date, point.value))
    ends = "10 is the best" if series.polarity is not Polarity.ten_is_worst else "10 is the worst"
    told = "; ".join(
        f"{name}: " + ", ".join(f"{value:g} on {day.isoformat()}" for day, value in points)
        for name, points in lines.items()
    )
    description = (
        f"Scaling judgements on one danger statement over time, one line per perspective (0 to 10, {ends}). "
        + (told + "." if told else "No judgements yet.")
    )
    return charts.dated_lines(
        series.question_text or "Scaling on this danger statement",
        description,
        list(lines.items()),
        y_range=(0, 10),
        y_title="Scale (0-10)",
    )
