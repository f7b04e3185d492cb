"""The case summary (GET /v1/cases/{case_id}/summary): one screen of a family's Signs of Safety work.

Built in one transaction from the records the caller may see, through the same scoped reads as every other
endpoint, so visibility, consent to share (BR-11) and entered-in-error apply here as everywhere. Every record it
draws on is recorded as read (BR-25). It reads other areas' kinds through the registry only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar
from uuid import UUID

import msgspec
from litestar import Request, Response
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    Alert,
    AlertBrief,
    AssessmentMap,
    Case,
    CaseSummary,
    ChildVoiceRecord,
    DangerBrief,
    DangerStatement,
    LatestJudgement,
    MapBrief,
    Network,
    NetworkBrief,
    NetworkStatus,
    PlanBrief,
    PlanCheckIn,
    Polarity,
    RuleStatus,
    SafetyPlan,
    ScalingJudgement,
    ScalingPoint,
    Trend,
    TrialBrief,
    VoiceBrief,
    knows_current_dangers,
)

from .audit import record as audit
from .auth.policy import SHARED_WORK_READERS, Rule, register_rules
from .context import Actor
from .db import records as q
from .db.engine import Database
from .db.records import StoredRecord
from .db.tables import records
from .http import api_route, db_of, json_response
from .resources.registry import resource
from .resources.service import LONDON, load, today

OPERATION = "getCaseSummary"
register_rules({OPERATION: Rule(SHARED_WORK_READERS, "cases", "r")})
LIVING_BY = ("agreed", "in_trial", "sustained", "under_review")
NEWEST_VOICE = 5
B = TypeVar("B", bound=msgspec.Struct)


class Reader:
    """The caller's scoped reads within one transaction, remembering every record drawn on for the audit."""

    def __init__(self, conn: AsyncConnection, actor: Actor) -> None:
        self.conn, self.actor, self.seen = conn, actor, list[StoredRecord]()

    async def all(self, kind: str, *conditions: Any) -> list[tuple[StoredRecord, Any]]:
        res = resource(kind)
        found = await q.select_where(self.conn, self.actor.scope, res, *conditions)
        if found and res.present is not None:
            found = await res.present(self.conn, self.actor, found)
        self.seen += found
        return [(stored, res.decode(stored)) for stored in found]


def brief(kind: type[B], source: Any, **more: Any) -> B:
    """A brief of a record: the fields it shares by name with `source`, then those given."""
    shared = {f: getattr(source, f) for f in kind.__struct_fields__ if f not in more and hasattr(source, f)}
    return kind(**shared, **more)


def day_of(judgement: ScalingJudgement) -> dt.date:
    return judgement.given_on or judgement.recorded_at.astimezone(LONDON).date()


def standing(judgements: Sequence[ScalingJudgement]) -> list[ScalingJudgement]:
    """Judgements no later one corrects, oldest first."""
    corrected = {j.corrects for j in judgements}
    return sorted((j for j in judgements if j.id not in corrected), key=lambda j: (day_of(j), j.recorded_at))


def trend(latest: int, previous: int | None, polarity: Polarity) -> Trend:
    if previous is None:
        return Trend.first
    if latest == previous:
        return Trend.unchanged
    better = latest > previous if polarity is Polarity.ten_is_best else latest < previous
    return Trend.improving if better else Trend.worsening


def latest_by_perspective(judgements: list[ScalingJudgement], polarity: Polarity) -> list[LatestJudgement]:
    """Each perspective's newest standing number and the one before it (a shared number is its own voice)."""
    voices: dict[tuple[str, UUID | None], list[ScalingJudgement]] = {}
    for j in standing(judgements):
        voices.setdefault((j.perspective.perspective_role.value, j.perspective.perspective_person_id), []).append(j)
    latest = []
    for said in voices.values():
        last, before = said[-1], (said[-2].value if len(said) > 1 else None)
        latest.append(
            LatestJudgement(
                perspective_role=last.perspective.perspective_role,
                person_id=last.perspective.perspective_person_id,
                value=last.value,
                date=day_of(last),
                previous_value=before,
                trend=trend(last.value, before, polarity),
                judgement_id=last.id,
            )
        )
    return latest


async def judgements_on(read: Reader, question_ids: Sequence[UUID]) -> dict[UUID, list[ScalingJudgement]]:
    found: dict[UUID, list[ScalingJudgement]] = {question: [] for question in question_ids}
    if question_ids:
        for _, judgement in await read.all("scaling_judgement", records.c.parent_id.in_(list(question_ids))):
            found[judgement.question_id].append(judgement)
    return found


async def dangers_brief(read: Reader, case_id: UUID) -> tuple[list[DangerBrief], dict[UUID, int]]:
    dangers: list[tuple[StoredRecord, DangerStatement]] = await read.all(
        "danger_statement", records.c.case_id == case_id
    )
    asked = [d.safety_goal.scale_question_id for _, d in dangers if d.safety_goal.scale_question_id]
    questions = (
        {s.id: question for s, question in await read.all("scaling_question", q.having_ids(asked))} if asked else {}
    )
    said = await judgements_on(read, list(questions))
    briefs = []
    for stored, danger in dangers:
        question = questions.get(danger.safety_goal.scale_question_id or danger.id)
        briefs.append(
            brief(
                DangerBrief,
                danger,
                version=stored.version,
                question_id=question.id if question else None,
                polarity=question.polarity if question else None,
                latest=latest_by_perspective(said[question.id], question.polarity) if question else [],
            )
        )
    # What a network member must have been told: each active statement as it now reads.
    return briefs, {d.id: d.wording_version or s.version for s, d in dangers if d.status.value == "active"}


async def map_brief(read: Reader, case_id: UUID) -> MapBrief | None:
    current = await read.all("assessment_map", records.c.case_id == case_id, records.c.status == "current")
    if not current:
        return None
    found: AssessmentMap = current[0][1]
    series: list[ScalingPoint] = []
    if found.overall_question_id is not None:
        judgements = (await judgements_on(read, [found.overall_question_id]))[found.overall_question_id]
        corrected = {j.corrects for j in judgements}
        series = [
            ScalingPoint(
                date=day_of(j),
                recorded_at=j.recorded_at,
                value=j.value,
                perspective_role=j.perspective.perspective_role,
                person_id=j.perspective.perspective_person_id,
                agreed_by=j.perspective.agreed_by,
                reason=j.reason,
                judgement_id=j.id,
                question_id=j.question_id,
                corrects=j.corrects,
                corrected=j.id in corrected,
            )
            for j in sorted(judgements, key=lambda j: (day_of(j), j.recorded_at))
        ]
    return brief(MapBrief, found, overall_series=series)


async def plan_brief(read: Reader, case_id: UUID) -> PlanBrief | None:
    """The newest agreed version the family lives by, with its trial's progress."""
    living = await read.all("safety_plan", records.c.case_id == case_id, records.c.status.in_(LIVING_BY))
    if not living:
        return None
    plan: SafetyPlan = max((p for _, p in living), key=lambda p: p.agreed_at or p.meta.created_at)
    trial = None
    if plan.trial_started_on is not None and plan.trial_ends_on is not None:
        check_ins: list[PlanCheckIn] = [c for _, c in await read.all("plan_check_in", records.c.parent_id == plan.id)]
        corrected = {c.corrects for c in check_ins}
        during = [c for c in check_ins if c.id not in corrected and plan.trial_started_on <= c.on <= plan.trial_ends_on]
        active = {r.id for r in plan.rules if r.status is RuleStatus.active}
        trial = TrialBrief(
            started_on=plan.trial_started_on,
            ends_on=plan.trial_ends_on,
            check_in_every_days=plan.check_in_every_days or 1,
            days_left=max((plan.trial_ends_on - today()).days, 0),
            check_ins=len(during),
            rules_active=len(active),
            rules_checked=len(active & {c.rule_id for c in during}),
        )
    return brief(PlanBrief, plan, trial=trial)


async def network_brief(
    read: Reader, case_id: UUID, active: dict[UUID, int], dangers: list[DangerBrief]
) -> NetworkBrief:
    networks: list[Network] = [
        n for _, n in await read.all("network", records.c.case_id == case_id) if n.status is not NetworkStatus.ended
    ]
    members, natural, committed, knowing = set(), set(), set(), set()
    for network in networks:
        about = {d.id: active[d.id] for d in dangers if d.id in active and set(d.child_ids) & set(network.child_ids)}
        for m in network.members:
            if m.left_on is not None:
                continue
            members.add(m.person_id)
            if not m.is_professional:
                natural.add(m.person_id)
            if m.commitment.value == "agreed":
                committed.add(m.person_id)
            if about and knows_current_dangers(m, about):
                knowing.add(m.person_id)
    return NetworkBrief(
        networks=len(networks),
        members=len(members),
        natural_members=len(natural),
        committed=len(committed),
        know_dangers=len(knowing),
    )


async def case_summary(db: Database, actor: Actor, case_id: UUID) -> bytes:
    async with db.begin(actor.scope) as conn:
        cases = resource("case")
        case_stored = await load(conn, actor, cases, case_id)
        if cases.present is not None:  # current_level, worked out from the children's open episodes
            [case_stored] = await cases.present(conn, actor, [case_stored])
        case = msgspec.json.decode(case_stored.doc, type=Case)
        read = Reader(conn, actor)
        dangers, active = await dangers_brief(read, case_id)
        voices: list[ChildVoiceRecord] = [v for _, v in await read.all("child_voice", records.c.case_id == case_id)]
        alerts: list[Alert] = [
            a for _, a in await read.all("alert", records.c.case_id == case_id, records.c.status == "open")
        ]
        summary = brief(
            CaseSummary,
            case,
            case_id=case.id,
            current_map=await map_brief(read, case_id),
            dangers=dangers,
            safety_plan=await plan_brief(read, case_id),
            network=await network_brief(read, case_id, active, dangers),
            voice=[
                brief(VoiceBrief, v.tool, id=v.id, tool=str(v.tool.__struct_config__.tag))
                for v in sorted(voices, key=lambda v: v.meta.created_at, reverse=True)[:NEWEST_VOICE]
            ],
            open_alerts=[
                brief(AlertBrief, a, raised_at=a.meta.created_at)
                for a in sorted(alerts, key=lambda a: a.meta.created_at, reverse=True)
            ],
        )
        await audit.record_rows(conn, actor, "read", [case_stored, *read.seen])
    return msgspec.json.encode(summary)


@api_route(
    "GET",
    "/v1/cases/{case_id:uuid}/summary",
    operation_id=OPERATION,
    tag="cases",
    summary="One screen of the family's Signs of Safety work: map, dangers and scales, safety plan, network, voice",
    returns=CaseSummary,
    problems_=(404,),
)
async def get_case_summary(request: Request[Any, Any, Any], actor: Actor, case_id: UUID) -> Response[bytes]:
    return json_response(await case_summary(db_of(request), actor, case_id))


ROUTES = [get_case_summary]
