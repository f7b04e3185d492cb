"""Child protection conferences and core groups (domain 2.17, 3.5, 3.6; BR-13, BR-14).

The case team arranges a conference (create, and edit while its minutes are a draft). Only the chair named on it,
as themselves, records the decision (BR-14): creates and edits never carry the decision, category, dissent, outline
plan or core group. The chair moves the minutes on: draft -> circulated (held, decided, and a plan that starts or
continues has its outline child protection plan and core group) -> agreed (everything "required before
finalised"). Once agreed the decision is fixed; an amendment is a new version with its reason (domain 3.6).

Timescales (BR-13, domain 3.5) are worked out on every read, never stored: an ICPC is due 15 working days after the
strategy discussion that started the s47; the first RCPC 3 months after the ICPC, later RCPCs 6 months after the
previous review; the first core group 10 working days after an ICPC that started a plan. Breaches are allowed, with
a recorded `late_reason`.

A core group's notes are edited while a draft and frozen once final: they are the record of what was said at the
meeting (domain 3.6), like a map attached to a meeting (3.3); a correction is entered in error and recorded again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    Case,
    ChildProtectionConference,
    ChildProtectionConferenceCreate,
    ChildProtectionPlan,
    ConferenceDecision,
    ConferenceDecisionCreate,
    ConferenceMinutesChange,
    ConferenceType,
    CoreGroupMeeting,
    CoreGroupMeetingCreate,
    CoreGroupStatus,
    DueWork,
    DueWorkKind,
    FieldError,
    InitialDecision,
    MinutesAmendment,
    MinutesStatus,
    PlanRecord,
    ReviewDecision,
)

from . import problems
from .auth.policy import ALL_VISIBILITIES, CASE_WRITERS, SHARED_WORK_READERS, Access, Scope, signed_by
from .auth.roles import Role
from .context import Actor
from .db import records as q
from .db.records import Columns, StoredRecord, columns_of
from .db.tables import records
from .resources.members import not_children, not_of_case
from .resources.presets import KEPT_IN_CMS
from .resources.registry import Action, Create, Listing, Names, Record, Replace, Resource, register, resource
from .resources.service import error, fields_of, load, new_meta, next_meta, now, refuse, require_existing, today
from .timescales import add_months, add_working_days, due, due_work, london_date

KIND, CORE_KIND = "conference", "core_group"
M = MinutesStatus
CHAIRS = frozenset({Role.conference_chair})
# Domain 2.17: what only the chair records (BR-14), never sent on a create or an edit.
DECISION_FIELDS = ("decision", "category", "dissent", "outline_plan_id", "core_group")
PLAN_DECISIONS = frozenset({ConferenceDecision.cp_plan, ConferenceDecision.cp_plan_continues})
# A review decision other than continuing the plan ends it (domain 3.2: the only way to step down from CP).
ENDS_PLAN = frozenset(ConferenceDecision(d.value) for d in ReviewDecision) - PLAN_DECISIONS
INITIAL_DECISIONS = frozenset(ConferenceDecision(d.value) for d in InitialDecision)
REVIEW_DECISIONS = frozenset(ConferenceDecision(d.value) for d in ReviewDecision)
SHARED_MINUTES = frozenset({M.circulated, M.agreed, M.amended})
MOVES = {M.draft: {M.circulated}, M.circulated: {M.agreed}, M.agreed: {M.amended}, M.amended: {M.amended}}
# Domain 2.16: the strategy discussion outcomes that start a section 47 enquiry.
STARTS_S47 = frozenset({"s47_single_agency", "s47_joint_with_police"})
FINALISED = "finalised"
# Domain 3.5 and BR-13 (Working Together, as applied in local procedures).
ICPC_WITHIN_WORKING_DAYS = 15
FIRST_CORE_GROUP_WITHIN_WORKING_DAYS = 10
FIRST_REVIEW_MONTHS, LATER_REVIEW_MONTHS = 3, 6
# Domain 2.17: "required before finalised", checked when the chair agrees the minutes.
REQUIRED_TO_AGREE = (
    "invitations",
    "parents_participation",
    "child_participation",
    "map_id",
    "judgements",
    "agency_views",
)


def conferences() -> Resource:
    return resource(KIND)


def decode(stored: StoredRecord) -> ChildProtectionConference:
    return msgspec.json.decode(stored.doc, type=ChildProtectionConference)


def decode_core_group(stored: StoredRecord) -> CoreGroupMeeting:
    return msgspec.json.decode(stored.doc, type=CoreGroupMeeting)


def conference_columns(conference: ChildProtectionConference) -> Columns:
    """The minutes' status is the record's status: the step-down check reads circulated and agreed decisions."""
    return columns_of(conference, child_ids=tuple(conference.child_ids), status=conference.minutes_status.value)


def council(la_code: str) -> Scope:
    """The whole council's records, for working out dates only: a parent's ICPC is due 15 working days after a
    strategy discussion they may not read (professionals_only), and they are still told when it is due."""
    return Scope(la_code=la_code, visibilities=ALL_VISIBILITIES)


# --- the records a conference names --------------------------------------------------------------------------


async def of_case(
    conn: AsyncConnection, scope: Scope, kind: str, case_id: UUID | None, ids: Sequence[UUID]
) -> dict[UUID, StoredRecord]:
    """The records of one kind, of this case, among `ids` (all of the case's when `ids` is empty)."""
    where = [records.c.case_id == case_id]
    if ids:
        where.append(q.having_ids(ids))
    return {r.id: r for r in await q.select_where(conn, scope, resource(kind), *where)}


async def cp_plans(conn: AsyncConnection, scope: Scope, case_id: UUID | None) -> dict[UUID, PlanRecord]:
    """The case's child protection plan versions (helper P's `statutory_plan` kind)."""
    found = await of_case(conn, scope, "statutory_plan", case_id, [])
    plans = {i: msgspec.json.decode(r.doc, type=PlanRecord) for i, r in found.items()}
    return {i: p for i, p in plans.items() if isinstance(p.plan, ChildProtectionPlan)}


async def not_a_cp_plan(conn: AsyncConnection, actor: Actor, case_id: UUID | None, plan_id: UUID) -> list[FieldError]:
    if plan_id in await cp_plans(conn, actor.scope, case_id):
        return []
    return [
        error("/outline_plan_id", "not_a_cp_plan_of_case", f"{plan_id} is not a child protection plan of this case")
    ]


async def strategy_errors(
    conn: AsyncConnection, actor: Actor, case_id: UUID | None, strategy_id: UUID | None
) -> list[FieldError]:
    """The strategy discussion is this case's, finalised, and its outcome started an s47 (domain 2.16, 3.1)."""
    if strategy_id is None:
        return []
    found = (await of_case(conn, actor.scope, "strategy_discussion", case_id, [strategy_id])).get(strategy_id)
    at = "/strategy_discussion_id"
    if found is None:
        return [error(at, "not_of_case", f"{strategy_id} is not a strategy discussion of this case")]
    if found.status != FINALISED:
        return [error(at, "not_finalised", "the strategy discussion is not finalised yet")]
    outcome = msgspec.json.decode(found.doc).get("outcome")
    if outcome not in STARTS_S47:
        return [
            error(at, "no_s47", f"the strategy discussion's outcome ({outcome}) did not start a section 47 enquiry")
        ]
    return []


async def people_of_council(conn: AsyncConnection, la_code: str, named: Sequence[tuple[str, UUID]]) -> None:
    """Each person named is recorded in the council. Read from the council's register: a chair sees only the
    people of the cases they chair, and the core group's professionals are members of none."""
    found = await q.select_where(conn, council(la_code), resource("person"), q.having_ids([p for _, p in named]))
    known = {r.id for r in found}
    errors = [error(at, "unknown_reference", f"{p} is not a person recorded in this council") for at, p in named]
    refuse([e for e, (_, p) in zip(errors, named, strict=True) if p not in known], "The decision cannot be recorded:")


# --- timescales (BR-13, domain 3.5) ------------------------------------------------------------------------


class CaseFacts(NamedTuple):
    """What a case's conference dates are worked out from, read once per case."""

    conferences: list[ChildProtectionConference]
    strategy_held: dict[UUID, dt.date]
    core_groups: list[CoreGroupMeeting]
    plans: dict[UUID, PlanRecord]


async def facts_of(conn: AsyncConnection, la_code: str, case_id: UUID | None) -> CaseFacts:
    scope = council(la_code)
    found = await of_case(conn, scope, KIND, case_id, [])
    strategies = await of_case(conn, scope, "strategy_discussion", case_id, [])
    held = {i: msgspec.json.decode(r.doc).get("held_at") for i, r in strategies.items()}
    core_groups = await of_case(conn, scope, CORE_KIND, case_id, [])
    return CaseFacts(
        conferences=[decode(r) for r in found.values()],
        strategy_held={i: london_date(dt.datetime.fromisoformat(h)) for i, h in held.items() if h},
        core_groups=[decode_core_group(r) for r in core_groups.values()],
        plans=await cp_plans(conn, scope, case_id),
    )


def previous_review_basis(conference: ChildProtectionConference, facts: CaseFacts) -> ChildProtectionConference | None:
    """The latest conference before this one, about any of the same children, that started or continued a plan."""
    children, mine = set(conference.child_ids), conference.held_on
    earlier = [
        c
        for c in facts.conferences
        if c.id != conference.id
        and c.held_on is not None
        and c.decision in PLAN_DECISIONS
        and children & set(c.child_ids)
        and (mine is None or c.held_on < mine)
    ]
    return max(earlier, key=lambda c: c.held_at or dt.datetime.min, default=None)


def due_by(conference: ChildProtectionConference, facts: CaseFacts) -> dt.date | None:
    """ICPC: 15 working days after the strategy discussion. RCPC: 3 months after the ICPC that started the plan,
    then 6 months after the previous review (BR-13). Transfer-in conferences: set locally [VBC], none here."""
    if conference.type in (ConferenceType.initial, ConferenceType.pre_birth_initial):
        strategy = (
            facts.strategy_held.get(conference.strategy_discussion_id) if conference.strategy_discussion_id else None
        )
        return add_working_days(strategy, ICPC_WITHIN_WORKING_DAYS) if strategy else None
    if conference.type is ConferenceType.review:
        previous = previous_review_basis(conference, facts)
        if previous is None or previous.held_on is None:
            return None
        months = LATER_REVIEW_MONTHS if previous.type is ConferenceType.review else FIRST_REVIEW_MONTHS
        return add_months(previous.held_on, months)
    return None


def first_core_group(conference: ChildProtectionConference, facts: CaseFacts) -> dt.date | None:
    """When the first core group of the plan this conference started met: a core group on its outline plan, a plan
    naming the conference, or a later version of either."""
    linked = {conference.outline_plan_id} | {
        i
        for i, p in facts.plans.items()
        if isinstance(p.plan, ChildProtectionPlan) and p.plan.conference_id == conference.id
    }
    grew = True
    while grew:
        later = {i for i, p in facts.plans.items() if p.previous_version_id in linked} - linked
        linked |= later
        grew = bool(later)
    held = conference.held_on or dt.date.min
    return min((g.held_on for g in facts.core_groups if g.cp_plan_id in linked and g.held_on >= held), default=None)


def next_review_held(conference: ChildProtectionConference, facts: CaseFacts) -> dt.date | None:
    """The day the review following this conference was held, if it has been."""
    later = [
        london_date(c.held_at)
        for c in facts.conferences
        if c.type is ConferenceType.review
        and c.held_at is not None
        and set(c.child_ids) & set(conference.child_ids)
        and conference.held_at is not None
        and c.held_at > conference.held_at
    ]
    return min(later, default=None)


def with_dates(conference: ChildProtectionConference, facts: CaseFacts) -> ChildProtectionConference:
    """The conference as shown: each date it is measured against and how it stands, from the day the thing
    happened, or from today while it has not."""
    shown: dict[str, Any] = {"due_by": due_by(conference, facts)}
    held = conference.held_on
    if shown["due_by"] is not None:
        clock = due(shown["due_by"], held or today())
        shown |= {"due_days_remaining": clock.days_remaining, "overdue": clock.overdue}
    if held is not None and conference.decision in PLAN_DECISIONS:
        months = FIRST_REVIEW_MONTHS if conference.decision is ConferenceDecision.cp_plan else LATER_REVIEW_MONTHS
        review_by, reviewed = add_months(held, months), next_review_held(conference, facts)
        clock = due(review_by, reviewed or today())
        shown |= {
            "next_review_by": review_by,
            "next_review_held_on": reviewed,
            "next_review_days_remaining": clock.days_remaining,
            "next_review_overdue": clock.overdue,
        }
    if held is not None and conference.decision is ConferenceDecision.cp_plan:
        by = add_working_days(held, FIRST_CORE_GROUP_WITHIN_WORKING_DAYS)
        met = first_core_group(conference, facts)
        shown |= {
            "first_core_group_by": by,
            "first_core_group_held_on": met,
            "first_core_group_in_time": None if met is None else met <= by,
            "first_core_group_overdue": met is None and today() > by,
        }
    return msgspec.structs.replace(conference, **shown)


def still_due(conference: ChildProtectionConference) -> list[DueWork]:
    """For the team's due-work list: the first core group and the next review this conference set, until they are
    held. (An initial conference still to be held is the strategy discussion's deadline; a review still to be held
    is the previous conference's.)"""
    owed = []
    if conference.first_core_group_by is not None and conference.first_core_group_held_on is None:
        owed.append((DueWorkKind.first_core_group, conference.first_core_group_by))
    if conference.next_review_by is not None and conference.next_review_held_on is None:
        owed.append((DueWorkKind.review_conference, conference.next_review_by))
    case_id, children = conference.meta.case_id, conference.child_ids
    return [due_work(what, KIND, conference.id, case_id, children, on) for what, on in owed]


async def with_timescales(conn: AsyncConnection, _: Actor, shown: list[StoredRecord]) -> list[StoredRecord]:
    """Every conference read carries its dates, worked out now (domain 3.5), one read of each case's facts."""
    facts: dict[tuple[str, UUID | None], CaseFacts] = {}
    out = []
    for stored in shown:
        key = (stored.la_code, stored.case_id)
        if key not in facts:
            facts[key] = await facts_of(conn, *key)
        doc = msgspec.json.encode(with_dates(decode(stored), facts[key]))
        out.append(msgspec.structs.replace(stored, doc=doc))
    return out


async def check_late(conn: AsyncConnection, conference: ChildProtectionConference) -> None:
    """BR-13: a conference held after its due date is allowed, with the reason recorded."""
    held = conference.held_on
    if held is None or conference.late_reason is not None:
        return
    due_on = due_by(conference, await facts_of(conn, conference.meta.la_code, conference.meta.case_id))
    if due_on is not None and held > due_on:
        detail = f"held on {held.isoformat()}, after its due date {due_on.isoformat()}: record why in late_reason"
        refuse(
            [error("/late_reason", "required_when_late", detail)],
            "BR-13:",
            problems.LateReasonRequired,
            "BR-13",
        )


# --- arranging a conference (the case team) ---------------------------------------------------------------


async def check_arranged(conn: AsyncConnection, actor: Actor, case_id: UUID | None, body: Any) -> None:
    """What the case team sends: never the chair's decision (BR-14; minutes past draft carry one, so they are the
    chair's too), and only records of this case: its children, a finalised strategy discussion that started the
    s47, its map, judgements and agency reports."""
    decided = [
        error(f"/{f}", "chair_decides", f"{f} is recorded by the chair (POST /v1/conferences/{{id}}/decision)")
        for f in DECISION_FIELDS
        if getattr(body, f) not in (None, [])
    ]
    refuse(decided, "BR-14: only the chair records the decision:", problems.ChairDecides, "BR-14")
    case = msgspec.json.decode((await load(conn, actor, resource("case"), case_id)).doc, type=Case)
    errors = await not_children(conn, actor, case, body.child_ids, "/child_ids/{i}")
    errors += await strategy_errors(conn, actor, case_id, body.strategy_discussion_id)
    errors += await not_of_case(
        conn, actor, "assessment_map", case_id, [("/map_id", body.map_id)] if body.map_id else []
    )
    judged = [(f"/judgements/{i}", j) for i, j in enumerate(body.judgements)]
    errors += await not_of_case(conn, actor, "scaling_judgement", case_id, judged)
    # Agency reports are contributions the council matched to this case (domain 2.22, POST /v1/contributions).
    reported = [(f"/reports/{i}", r) for i, r in enumerate(body.reports)]
    errors += await not_of_case(conn, actor, "contribution", case_id, reported)
    if body.held_at is not None and body.held_at > now():
        errors.append(error("/held_at", "in_the_future", "a conference is recorded as held once it has been"))
    refuse(errors, "The conference cannot be recorded:")
    await require_existing(conn, actor, "person", [("/chair", body.chair)])


async def new_conference(
    conn: AsyncConnection,
    actor: Actor,
    case: StoredRecord | None,
    body: ChildProtectionConferenceCreate,
    conference_id: UUID,
) -> ChildProtectionConference:
    assert case is not None
    await check_arranged(conn, actor, case.id, body)
    conference = ChildProtectionConference(
        **fields_of(body), id=conference_id, meta=new_meta(actor, now(), case.id, case.la_code)
    )
    await check_late(conn, conference)
    return conference


async def next_conference(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: ChildProtectionConferenceCreate
) -> ChildProtectionConference:
    """An edit while the minutes are a draft; the chair's decision, if made, is kept as it is."""
    old = decode(stored)
    if old.minutes_status is not M.draft:
        raise problems.ReadOnly(
            f"The minutes are {old.minutes_status.value}: the record is the chair's now; agreed minutes are amended "
            "through POST /v1/conferences/{conference_id}/minutes."
        )
    await check_arranged(conn, actor, stored.case_id, body)
    if old.decision is not None and body.type is not old.type:
        refuse(
            [error("/type", "decided", "the chair has decided: the kind of conference is fixed")],
            "The conference cannot change kind:",
        )
    kept = {f: getattr(old, f) for f in DECISION_FIELDS}
    new = msgspec.structs.replace(old, **(fields_of(body) | kept), meta=next_meta(old.meta, actor, now()))
    await check_late(conn, new)
    return new


# --- the chair: decision and minutes (BR-14) ----------------------------------------------------------------


def the_chair(actor: Actor, conference: ChildProtectionConference) -> None:
    if actor.principal.person_id != conference.chair:
        raise problems.NotTheChair("Only the chair named on this conference records its decision and minutes.")


async def decide(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: ConferenceDecisionCreate
) -> ChildProtectionConference:
    """The chair's decision, while the minutes are a draft (BR-14): the kind the conference can make, on a
    conference that has been held; the outline plan, if named yet, a child protection plan of this case."""
    conference = decode(stored)
    the_chair(actor, conference)
    if conference.minutes_status is not M.draft:
        raise problems.ReadOnly(f"The minutes are {conference.minutes_status.value}: the decision is fixed.")
    review = conference.type is ConferenceType.review
    errors = []
    if body.decision not in (REVIEW_DECISIONS if review else INITIAL_DECISIONS):
        kind = "ReviewDecision" if review else "InitialDecision"
        errors.append(error("/decision", "wrong_kind", f"a {conference.type.value} conference makes a {kind}"))
    held_at = conference.held_at or body.held_at
    if held_at is None:
        errors.append(error("/held_at", "required", "a decision is made at the conference: when was it held?"))
    elif body.held_at is not None and body.held_at != held_at:
        errors.append(error("/held_at", "already_recorded", f"the conference is recorded as held at {held_at}"))
    elif held_at > now():
        errors.append(error("/held_at", "in_the_future", "a decision is recorded once the conference is held"))
    if body.outline_plan_id is not None:
        errors += await not_a_cp_plan(conn, actor, stored.case_id, body.outline_plan_id)
    refuse(errors, "The decision cannot be recorded:")
    await people_of_council(conn, stored.la_code, [(f"/core_group/{i}", p) for i, p in enumerate(body.core_group)])
    at = now()
    decided = msgspec.structs.replace(
        conference,
        decision=body.decision,
        category=body.category,
        dissent=body.dissent,
        core_group=body.core_group,
        outline_plan_id=body.outline_plan_id,
        held_at=held_at,
        late_reason=body.late_reason or conference.late_reason,
        decided_by=signed_by(actor.principal),
        decided_at=at,
        meta=next_meta(conference.meta, actor, at),
    )
    await check_late(conn, decided)
    return decided


async def not_ready_to_move(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, conference: ChildProtectionConference, to: MinutesStatus
) -> list[FieldError]:
    """Circulated minutes record a held conference's decision and, for a plan, its outline plan and core group;
    agreed minutes everything domain 2.17 marks required before finalised."""
    errors = []
    if to is M.circulated:
        errors += [
            error(f"/{f}", "required_to_circulate", f"{f} is required before the minutes are circulated")
            for f in ("held_at", "decision")
            if getattr(conference, f) is None
        ]
        if conference.decision in PLAN_DECISIONS:
            if conference.outline_plan_id is None:
                errors.append(error("/outline_plan_id", "required_to_circulate", "name the outline CP plan"))
            else:
                errors += await not_a_cp_plan(conn, actor, stored.case_id, conference.outline_plan_id)
            if not conference.core_group:
                errors.append(error("/core_group", "required_to_circulate", "name the core group"))
    if to is M.agreed:
        errors += [
            error(f"/{f}", "required_to_agree", f"{f} is required before the minutes are agreed")
            for f in REQUIRED_TO_AGREE
            if getattr(conference, f) in (None, [])
        ]
    return errors


async def move_minutes(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: ConferenceMinutesChange
) -> ChildProtectionConference:
    """The chair moves the minutes on: draft -> circulated -> agreed, and agreed -> amended with a reason."""
    conference = decode(stored)
    the_chair(actor, conference)
    now_at, to = conference.minutes_status, body.status
    if to not in MOVES[now_at]:
        raise problems.Conflict(f"The minutes are {now_at.value}; they cannot become {to.value}.")
    errors = await not_ready_to_move(conn, actor, stored, conference, to)
    refuse(errors, f"The minutes cannot be {to.value}:", problems.MinutesIncomplete)
    at = now()
    amendments = conference.amendments
    if to is M.amended:
        assert body.reason is not None
        amended = MinutesAmendment(reason=body.reason, by=actor.name, at=at, version=stored.version + 1)
        amendments = [*amendments, amended]
    return msgspec.structs.replace(
        conference, minutes_status=to, amendments=amendments, meta=next_meta(conference.meta, actor, at)
    )


# --- core groups -----------------------------------------------------------------------------------------


def later_version(plans: dict[UUID, PlanRecord], newer: UUID, older: UUID) -> bool:
    """`newer` is a version of the plan that follows `older` (its chain of previous versions reaches it)."""
    seen: set[UUID] = set()
    at = plans[newer].previous_version_id if newer in plans else None
    while at is not None and at not in seen:
        if at == older:
            return True
        seen.add(at)
        at = plans[at].previous_version_id if at in plans else None
    return False


async def check_core_group(
    conn: AsyncConnection, actor: Actor, case_id: UUID | None, body: CoreGroupMeetingCreate
) -> None:
    """The meeting works on a child protection plan of this case: progress on that plan's actions, changes as a
    later version of it, and this case's map and judgements."""
    plans = await cp_plans(conn, actor.scope, case_id)
    plan = plans.get(body.cp_plan_id)
    errors = []
    if plan is None:
        errors.append(error("/cp_plan_id", "not_a_cp_plan_of_case", f"{body.cp_plan_id} is not a CP plan of this case"))
    else:
        actions = {a.id for a in plan.plan.actions if a.id is not None}
        errors += [
            error(f"/progress/{i}/action_id", "not_an_action_of_plan", f"{p.action_id} is not an action of the plan")
            for i, p in enumerate(body.progress)
            if p.action_id not in actions
        ]
        if body.plan_changes is not None and not later_version(plans, body.plan_changes, plan.id):
            detail = f"{body.plan_changes} is not a later version of the plan {plan.id}"
            errors.append(error("/plan_changes", "not_a_later_version", detail))
    errors += await not_of_case(
        conn, actor, "assessment_map", case_id, [("/map_id", body.map_id)] if body.map_id else []
    )
    judged = [(f"/judgements/{i}", j) for i, j in enumerate(body.judgements)]
    errors += await not_of_case(conn, actor, "scaling_judgement", case_id, judged)
    if body.held_on > today():
        errors.append(error("/held_on", "in_the_future", "a meeting's notes are recorded once it has met"))
    refuse(errors, "The core group meeting cannot be recorded:")
    await require_existing(conn, actor, "person", [("/chair", body.chair)])


async def new_core_group(
    conn: AsyncConnection, actor: Actor, case: StoredRecord | None, body: CoreGroupMeetingCreate, meeting_id: UUID
) -> CoreGroupMeeting:
    assert case is not None
    await check_core_group(conn, actor, case.id, body)
    return CoreGroupMeeting(**fields_of(body), id=meeting_id, meta=new_meta(actor, now(), case.id, case.la_code))


async def next_core_group(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: CoreGroupMeetingCreate
) -> CoreGroupMeeting:
    old = decode_core_group(stored)
    if old.status is CoreGroupStatus.final:
        raise problems.ReadOnly("These notes are final: they are the record of the meeting (domain 3.6).")
    await check_core_group(conn, actor, stored.case_id, body)
    return msgspec.structs.replace(old, **fields_of(body), meta=next_meta(old.meta, actor, now()))


async def finalise_core_group(conn: AsyncConnection, actor: Actor, stored: StoredRecord, _: None) -> CoreGroupMeeting:
    old = decode_core_group(stored)
    if old.status is CoreGroupStatus.final:
        raise problems.Conflict("These notes are already final.")
    at = now()
    return msgspec.structs.replace(
        old, status=CoreGroupStatus.final, finalised_by=actor.name, finalised_at=at, meta=next_meta(old.meta, actor, at)
    )


# --- the declarations --------------------------------------------------------------------------------------

CONFERENCES = register(
    Resource(
        Names(KIND, "Conference", "/v1/conferences", "conference_id", "statutory", title="child protection conference"),
        # Family-shareable by default (domain 4.2 by its purpose): parents are invited to the conference, take part
        # in it and are sent the minutes (Working Together). What must be kept from them lives in the agencies'
        # reports (contributions, professionals_only); a worker withholds a whole conference with a reason.
        Record(ChildProtectionConference, ChildProtectionConferenceCreate, conference_columns, parent="case"),
        Access(read=SHARED_WORK_READERS),
        system_owns=KEPT_IN_CMS,
        listing=Listing("listCaseConferences", "The case's child protection conferences, oldest first"),
        create=Create(
            "createConference",
            "Arrange a child protection conference (the chair's decision is recorded by the chair)",
            new_conference,
            CASE_WRITERS,
            problems=(422,),
            description=(
                "Refused with `chair-decides` (422, BR-14) when the body carries decision, category, dissent, "
                "outline_plan_id or core_group, and with `late-reason-required` (422, BR-13) when held_at is after "
                "the conference's due date and no late_reason is given. strategy_discussion_id names a finalised "
                "strategy discussion of the case whose outcome started a section 47 enquiry."
            ),
        ),
        replace=Replace(
            "replaceConference",
            "Edit a conference while its minutes are a draft (If-Match; the chair's decision is kept)",
            next_conference,
            CASE_WRITERS,
            problems=(409, 422),
        ),
        present=with_timescales,
        due=still_due,
        actions=(
            Action(
                "recordConferenceDecision",
                "The conference's chair records the decision (BR-14; If-Match)",
                "decision",
                decide,
                CHAIRS,
                body=ConferenceDecisionCreate,
                problems=(403, 404, 409, 422),
                description=(
                    "Only the chair named on the conference, as themselves (`not-the-chair`, 403), while the minutes "
                    "are a draft (`read-only`, 409). A decision that starts or continues a plan needs its category; "
                    "`late-reason-required` (422, BR-13) when the conference was held after its due date."
                ),
            ),
            Action(
                "changeConferenceMinutes",
                "The chair moves the minutes on: circulated, agreed, or amended with a reason (If-Match)",
                "minutes",
                move_minutes,
                CHAIRS,
                body=ConferenceMinutesChange,
                problems=(403, 404, 409, 422),
                description=(
                    "`minutes-incomplete` (422) when circulating minutes without held_at and decision, or, for "
                    "cp_plan and cp_plan_continues, without an outline_plan_id naming a child protection plan of the "
                    "case and a core group; or when agreeing them without invitations, participation, map, "
                    "judgements and agency views. Once agreed, the decision, category and dissent are fixed."
                ),
            ),
        ),
    )
)

CORE_GROUPS = register(
    Resource(
        Names(
            CORE_KIND, "CoreGroupMeeting", "/v1/core-groups", "core_group_id", "statutory", title="core group meeting"
        ),
        # Family-shareable by default: parents are members of the core group (domain 1.2).
        Record(CoreGroupMeeting, CoreGroupMeetingCreate, parent="case"),
        Access(read=SHARED_WORK_READERS),
        system_owns=KEPT_IN_CMS,
        listing=Listing("listCaseCoreGroupMeetings", "The case's core group meetings, oldest first"),
        create=Create(
            "recordCoreGroupMeeting",
            "Record a core group meeting on the case's child protection plan (notes start as a draft)",
            new_core_group,
            CASE_WRITERS,
            problems=(422,),
        ),
        replace=Replace(
            "replaceCoreGroupMeeting",
            "Edit a core group meeting's draft notes (If-Match; final notes are read-only)",
            next_core_group,
            CASE_WRITERS,
            problems=(409, 422),
        ),
        actions=(
            Action(
                "finaliseCoreGroupMeeting",
                "Make a core group meeting's notes final: the record of what was said (If-Match)",
                "finalise",
                finalise_core_group,
                CASE_WRITERS,
            ),
        ),
    )
)
ROUTES: list[object] = []
