"""Statutory plans: early help, child in need, child protection, care, placement and pathway plans (domain 2.18-2.21,
3.4, 3.5; BR-15, BR-16, BR-17, BR-18, BR-20).

One kind for the six plans: the body is the tagged union `PlanCreate` (`plan_type`), kept in a `PlanRecord` with
its status and version chain. A draft is edited in place (If-Match); the team manager agrees it once the rules of
its type are met, each rule its own problem type; an agreed version is read-only, and `revisions` copies it into a
new draft, whose agreement ends the old version, so one version is agreed at a time. Reviews are recorded on the
agreed version and move its next review date; ending needs what the law asks of each type (an RCPC decision, the
child no longer looked after, the young person 21 or declining support). BR-18: early help is voluntary, so the
family's withdrawal of consent ends the plan (`closure_outcome: consent_withdrawn`); when worry statements the plan
addresses are still active, the same transaction records a front-door contact about its children, on their case,
with those worries carried over and the plan named as its source (`raised_by`), through the referral kind's own
rules (so its decision clock and re-referral flag are the front door's).

The due date (placement and care plans) and the next review are worked out on every read (domain 3.5).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    STATUTORY_NEED_AREAS,
    CarePlan,
    Case,
    CaseLevel,
    ChildEpisode,
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceDecision,
    DangerStatement,
    DangerStatus,
    DueWork,
    DueWorkKind,
    EarlyHelpClosure,
    EarlyHelpPlan,
    FieldError,
    PathwayCategory,
    PathwayPlan,
    Person,
    PlacementPlan,
    PlanAgreement,
    PlanCreate,
    PlanEnd,
    PlanRecord,
    PlanStatus,
    ReferralChannel,
    ReferralConsent,
    ReferralCreate,
    ReferralSource,
    Referrer,
    ReferrerType,
    StatutoryPlanReview,
    StatutoryPlanReviewCreate,
)
from sos_schema._base import SOME

from . import problems
from .auth.policy import CASE_WRITERS, MANAGERS, SHARED_WORK_READERS, Access, signed_by
from .context import Actor
from .db import records as q
from .db.engine import Database
from .db.records import Columns, StoredRecord, columns_of
from .db.tables import records
from .resources.members import not_children
from .resources.registry import (
    Action,
    Create,
    Listing,
    Names,
    Record,
    Replace,
    Resource,
    SourceKeyed,
    register,
    resource,
    revision,
)
from .resources.service import (
    Written,
    error,
    insert,
    load,
    new_id,
    new_meta,
    next_meta,
    now,
    refuse,
    revise,
    today,
    update,
)
from .timescales import add_months, add_working_days, due, due_work

KIND = "statutory_plan"
S = PlanStatus
# Conference decisions that start or continue a child protection plan.
PLAN_DECISIONS = frozenset({ConferenceDecision.cp_plan, ConferenceDecision.cp_plan_continues})
# [STAT] CPPCR 2010 reg 9(2): a placement plan within 5 working days of the placement; reg 4: a care plan within 10
# working days of the first placement (domain 3.5).
PLACEMENT_PLAN_DAYS, CARE_PLAN_DAYS = 5, 10
# Pathway plans are reviewed at most 6 months apart (BR-17); support lasts to 21, or to 25 for former relevant
# young people who ask for it (Children Act 1989 s23C, s23CZB).
PATHWAY_REVIEW_MONTHS, PATHWAY_ENDS_AT, PATHWAY_21_TO_25_ENDS_AT = 6, 21, 25
# Looked-after reviews (CPPCR 2010 reg 33): the first within 20 working days of becoming looked after, the second
# within 3 months of the first, then at most 6 months apart.
LAC_FIRST_REVIEW_WORKING_DAYS, LAC_SECOND_REVIEW_MONTHS, LAC_LATER_REVIEW_MONTHS = 20, 3, 6
EVERY = re.compile(r"every\s+(\d{1,2})\s+(week|month)s?", re.IGNORECASE)


def plans() -> Resource:
    return resource(KIND)


def decode(stored: StoredRecord) -> PlanRecord:
    return msgspec.json.decode(stored.doc, type=PlanRecord)


def plan_columns(record: PlanRecord) -> Columns:
    """Status, and the plan's own children and visibility (the `PlanRecord` reads them through from its plan)."""
    return columns_of(record, child_ids=tuple(record.plan.child_ids))


def plan_type(plan: PlanCreate) -> str:
    """The `plan_type` tag (a tag, not an attribute, of msgspec's tagged union)."""
    return str(type(plan).__struct_config__.tag)


def age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# --- other records a plan names ---------------------------------------------------------------------------


async def case_of(conn: AsyncConnection, actor: Actor, case_id: UUID | None) -> Case:
    return msgspec.json.decode((await load(conn, actor, resource("case"), case_id)).doc, type=Case)


async def people(conn: AsyncConnection, actor: Actor, ids: list[UUID]) -> dict[UUID, Person]:
    found = await q.select_where(conn, actor.scope, resource("person"), q.having_ids(ids))
    return {p.id: msgspec.json.decode(p.doc, type=Person) for p in found}


async def episodes_of(
    conn: AsyncConnection, actor: Actor, case_id: UUID | None, level: CaseLevel
) -> list[ChildEpisode]:
    found = await q.select_where(conn, actor.scope, resource("child_episode"), records.c.case_id == case_id)
    return [e for e in (msgspec.json.decode(f.doc, type=ChildEpisode) for f in found) if e.level is level]


async def conferences_of(conn: AsyncConnection, actor: Actor, case_id: UUID | None) -> list[ChildProtectionConference]:
    """The case's child protection conferences."""
    found = await q.select_where(conn, actor.scope, resource("conference"), records.c.case_id == case_id)
    return [msgspec.json.decode(f.doc, type=ChildProtectionConference) for f in found]


async def plans_of(conn: AsyncConnection, actor: Actor, case_id: UUID | None, *ids: UUID) -> list[PlanRecord]:
    found = await q.select_where(conn, actor.scope, plans(), records.c.case_id == case_id, q.having_ids(ids))
    return [decode(f) for f in found]


async def wrong_date_of_birth(conn: AsyncConnection, actor: Actor, plan: PathwayPlan) -> list[FieldError]:
    """BR-17: the age rule is checked on the plan's own date of birth, so it must be the young person's."""
    person = (await people(conn, actor, [plan.young_person_id])).get(plan.young_person_id)
    if person is None or person.date_of_birth == plan.young_person_date_of_birth:
        return []
    recorded = person.date_of_birth.isoformat() if person.date_of_birth else "no date of birth"
    detail = f"the young person's recorded date of birth is {recorded}"
    return [error("/young_person_date_of_birth", "not_the_persons_date_of_birth", detail)]


async def check_body(conn: AsyncConnection, actor: Actor, case_id: UUID | None, plan: PlanCreate) -> None:
    """BR-20: the plan's children are children of the case; a pathway plan carries the young person's own date
    of birth."""
    case = await case_of(conn, actor, case_id)
    errors = await not_children(conn, actor, case, plan.child_ids, "/child_ids/{i}")
    if isinstance(plan, PathwayPlan):
        errors += await wrong_date_of_birth(conn, actor, plan)
    refuse(errors, "The plan cannot be saved:")


def with_action_ids(plan: PlanCreate) -> PlanCreate:
    """New actions get the id they keep across versions, so reviews and core groups can follow them."""
    actions = [a if a.id is not None else msgspec.structs.replace(a, id=new_id()) for a in plan.actions]
    return msgspec.structs.replace(plan, actions=actions)


# --- create and edit a draft ------------------------------------------------------------------------------


async def new_plan(
    conn: AsyncConnection, actor: Actor, case: StoredRecord | None, body: PlanCreate, plan_id: UUID
) -> PlanRecord:
    assert case is not None
    await check_body(conn, actor, case.id, body)
    meta = new_meta(actor, now(), case.id, case.la_code)
    return PlanRecord(id=plan_id, meta=meta, status=S.draft, plan=with_action_ids(body))


def draft_only(record: PlanRecord) -> None:
    if record.status is not S.draft:
        raise problems.ReadOnly(
            f"This plan version is {record.status.value}: an agreed plan is never edited in place. "
            "POST /v1/statutory-plans/{statutory_plan_id}/revisions makes a new draft from it."
        )


async def next_draft(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: PlanCreate) -> PlanRecord:
    """A draft's next save; the kind of plan never changes across versions (a new kind is a new plan)."""
    old = decode(stored)
    draft_only(old)
    if type(body) is not type(old.plan):
        detail = f"this is a {plan_type(old.plan)} plan; a plan of another kind is a new plan"
        refuse([error("/plan_type", "plan_type_changed", detail)], "The plan cannot be saved:")
    await check_body(conn, actor, stored.case_id, body)
    return msgspec.structs.replace(old, plan=with_action_ids(body), meta=next_meta(old.meta, actor, now()))


# --- agreeing (domain 3.4) --------------------------------------------------------------------------------


async def not_ready(conn: AsyncConnection, actor: Actor, plan: PlanCreate) -> list[FieldError]:
    """Every plan: actions (each with who and by when, checked on decode), a review schedule (a pathway plan has
    next_review_by instead), and its named practitioners recorded as people of this council."""
    errors = []
    if not plan.actions:
        errors.append(error("/actions", "required_to_agree", "the plan has no actions"))
    if plan.review_schedule is None and not isinstance(plan, PathwayPlan):
        errors.append(error("/review_schedule", "required_to_agree", "the plan has no review schedule"))
    named = [("lead", plan.lead)]
    if isinstance(plan, CarePlan):
        named.append(("iro", plan.iro))
    if isinstance(plan, PathwayPlan):
        named.append(("personal_adviser", plan.personal_adviser))
    known = await people(conn, actor, [p for _, p in named])
    errors += [
        error(f"/{field}", "unknown_reference", f"{field} {p} is not a person recorded in this council")
        for field, p in named
        if p not in known
    ]
    return errors


def early_help_gaps(plan: EarlyHelpPlan) -> list[FieldError]:
    """BR-18: early help is voluntary; the consent recorded must cover sharing information with the team."""
    if plan.consent.covers_information_sharing:
        return []
    detail = "the family's consent does not cover information sharing"
    return [error("/consent/covers_information_sharing", "consent_not_covering_sharing", detail)]


async def conference_gaps(
    conn: AsyncConnection, actor: Actor, case_id: UUID | None, plan: ChildProtectionPlan
) -> list[FieldError]:
    """A child protection plan rests on a conference of this case that decided a plan (or its continuation) for
    these children, in the category the plan records (BR-14)."""
    found = {c.id: c for c in await conferences_of(conn, actor, case_id)}
    conference = found.get(plan.conference_id)
    if conference is None:
        return [
            error(
                "/conference_id", "not_a_conference_of_case", f"{plan.conference_id} is not a conference of this case"
            )
        ]
    errors = []
    if conference.decision not in PLAN_DECISIONS:
        decided = conference.decision.value if conference.decision else "no decision yet"
        errors.append(
            error("/conference_id", "no_plan_decision", f"the conference's decision is {decided}, not a plan")
        )
    errors += [
        error(f"/child_ids/{i}", "not_in_conference", f"{c} was not considered at the conference")
        for i, c in enumerate(plan.child_ids)
        if c not in conference.child_ids
    ]
    if conference.category is not None and conference.category is not plan.category:
        detail = f"the conference decided category {conference.category.value}"
        errors.append(error("/category", "category_differs", detail))
    return errors


async def care_gaps(conn: AsyncConnection, actor: Actor, case_id: UUID | None, plan: CarePlan) -> list[FieldError]:
    """BR-16: the current placement plan is named (unless the council did not place the child), and each child is
    looked after now. The IRO and the plan for permanence are required by the schema."""
    errors = []
    if plan.placed_by_council:
        linked = await plans_of(conn, actor, case_id, plan.placement_plan_id) if plan.placement_plan_id else []
        if not any(isinstance(p.plan, PlacementPlan) for p in linked):
            detail = "name the placement plan of this case (or say placed_by_council is false)"
            errors.append(error("/placement_plan_id", "no_placement_plan", detail))
    looked_after = {
        e.child_id for e in await episodes_of(conn, actor, case_id, CaseLevel.looked_after) if e.end_date is None
    }
    errors += [
        error(f"/child_ids/{i}", "not_looked_after", f"{c} has no open looked_after episode")
        for i, c in enumerate(plan.child_ids)
        if c not in looked_after
    ]
    return errors


def placement_gaps(plan: PlacementPlan) -> list[FieldError]:
    """BR-15, reg 9(3): signed by the carer. The child's wishes and feelings and the day the IRO was told are
    required by the schema."""
    if plan.signed_by_appropriate_person is not None:
        return []
    return [error("/signed_by_appropriate_person", "required_to_agree", "the carer has not signed the placement plan")]


async def pathway_gaps(conn: AsyncConnection, actor: Actor, plan: PathwayPlan) -> list[FieldError]:
    """BR-17: all ten statutory need areas, and the young person's own date of birth."""
    present = {a.area for a in plan.need_areas}
    errors = [
        error("/need_areas", "need_area_missing", f"need area {area.value} is missing")
        for area in sorted(STATUTORY_NEED_AREAS - present)
    ]
    return errors + await wrong_date_of_birth(conn, actor, plan)


async def type_rules(conn: AsyncConnection, actor: Actor, case_id: UUID | None, plan: PlanCreate) -> None:
    """The rules of the plan's own type, each with its problem type."""
    if isinstance(plan, EarlyHelpPlan):
        refuse(early_help_gaps(plan), "Early help needs consent:", problems.EarlyHelpConsent, "BR-18")
    elif isinstance(plan, ChildProtectionPlan):
        gaps = await conference_gaps(conn, actor, case_id, plan)
        refuse(gaps, "The plan does not follow a conference decision:", problems.NoConferenceDecision, "BR-14")
    elif isinstance(plan, CarePlan):
        refuse(
            await care_gaps(conn, actor, case_id, plan),
            "The care plan is not ready:",
            problems.CarePlanNotReady,
            "BR-16",
        )
    elif isinstance(plan, PlacementPlan):
        refuse(placement_gaps(plan), "The placement plan is not signed:", problems.PlacementPlanUnsigned, "BR-15")
    elif isinstance(plan, PathwayPlan):
        gaps = await pathway_gaps(conn, actor, plan)
        refuse(gaps, "The pathway plan is not complete:", problems.PathwayPlanIncomplete, "BR-17")


def first_review(plan: PlanCreate) -> dt.date | None:
    if isinstance(plan, PathwayPlan):
        return plan.next_review_by
    return plan.review_schedule.next_on if plan.review_schedule else None


async def looked_after_since(conn: AsyncConnection, actor: Actor, case_id: UUID | None, plan: CarePlan) -> dt.date:
    """The day the plan's children became looked after this time: the start of their open looked_after episode
    (a care plan is agreed only while there is one, BR-16)."""
    starts = [
        e.start_date
        for e in await episodes_of(conn, actor, case_id, CaseLevel.looked_after)
        if e.child_id in plan.child_ids and e.end_date is None
    ]
    return min(starts, default=today())


def looked_after_review_by(since: dt.date, reviews: list[StatutoryPlanReview]) -> dt.date:
    """reg 33: when the next looked-after review is due, from the reviews held since the child became looked after."""
    held = sorted(r.held_on for r in reviews if r.held_on >= since)
    if not held:
        return add_working_days(since, LAC_FIRST_REVIEW_WORKING_DAYS)
    return add_months(held[-1], LAC_SECOND_REVIEW_MONTHS if len(held) == 1 else LAC_LATER_REVIEW_MONTHS)


async def review_due(conn: AsyncConnection, actor: Actor, case_id: UUID | None, plan: PlanCreate) -> dt.date | None:
    """The next review an agreed plan is due: its schedule's (pathway plans: next_review_by), and for a care plan no
    later than the looked-after review reg 33 requires."""
    scheduled = first_review(plan)
    if not isinstance(plan, CarePlan):
        return scheduled
    statutory = looked_after_review_by(await looked_after_since(conn, actor, case_id, plan), plan.reviews)
    return min(scheduled, statutory) if scheduled is not None else statutory


async def supersede_previous(
    conn: AsyncConnection, actor: Actor, record: PlanRecord, agreed_on: dt.date, at: dt.datetime
) -> None:
    """The version this one revises ends the day this one is agreed: one agreed version at a time."""
    if record.previous_version_id is None:
        return
    stored = await load(conn, actor, plans(), record.previous_version_id, lock=True)
    old = decode(stored)
    if old.status in (S.agreed, S.under_review):
        if old.agreed_on is not None and agreed_on < old.agreed_on:
            detail = f"the version it revises was agreed on {old.agreed_on}"
            refuse([error("/agreed_on", "before_previous_version", detail)], "The plan cannot be agreed:")
        ended = msgspec.structs.replace(
            old,
            status=S.ended,
            end_reason=f"Superseded by version {record.id}.",
            ended_on=agreed_on,
            next_review_on=None,
            meta=next_meta(old.meta, actor, at),
        )
        await update(conn, actor, plans(), stored, ended, at)


async def agreement_date_gaps(
    conn: AsyncConnection, actor: Actor, case_id: UUID | None, plan: PlanCreate, agreed_on: dt.date
) -> list[FieldError]:
    """An agreement recorded afterwards is dated in the past, and a child protection plan on or after the conference
    it follows."""
    if agreed_on > today():
        return [error("/agreed_on", "in_the_future", "a plan is recorded as agreed once it has been")]
    if isinstance(plan, ChildProtectionPlan):
        held = [c.held_on for c in await conferences_of(conn, actor, case_id) if c.id == plan.conference_id]
        if held and held[0] is not None and agreed_on < held[0]:
            detail = f"the conference it follows was held on {held[0]}"
            return [error("/agreed_on", "before_conference", detail)]
    return []


async def agree(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: PlanAgreement) -> PlanRecord:
    """The team manager agrees the draft (who agreed comes from the token), today or on the day given."""
    record = decode(stored)
    if record.status is not S.draft:
        raise problems.Conflict(f"This plan version is {record.status.value}; the manager agrees a draft only.")
    plan, agreed_on = record.plan, body.agreed_on or today()
    refuse(await not_ready(conn, actor, plan), "The plan is not ready to be agreed:", problems.StatutoryPlanNotReady)
    await type_rules(conn, actor, stored.case_id, plan)
    refuse(await agreement_date_gaps(conn, actor, stored.case_id, plan, agreed_on), "The plan cannot be agreed:")
    at = now()
    await supersede_previous(conn, actor, record, agreed_on, at)
    return msgspec.structs.replace(
        record,
        status=S.agreed,
        agreed_on=agreed_on,
        agreed_by=signed_by(actor.principal),
        next_review_on=await review_due(conn, actor, stored.case_id, plan),
        meta=next_meta(record.meta, actor, at),
    )


async def create_revision(db: Database, actor: Actor, plan_id: UUID, _: int | None, __: None) -> Written:
    """Copy an agreed version into a new draft; one draft revision at a time."""

    def revisable(old: PlanRecord) -> bool:
        return old.status in (S.agreed, S.under_review)

    def draft_of(old: PlanRecord, source: StoredRecord, at: dt.datetime) -> PlanRecord:
        meta = new_meta(actor, at, source.case_id, source.la_code)
        return PlanRecord(id=new_id(), meta=meta, status=S.draft, previous_version_id=old.id, plan=old.plan)

    return await revise(db, actor, plans(), plan_id, revisable, draft_of)


# --- reviews ----------------------------------------------------------------------------------------------


def next_review(plan: PlanCreate, body: StatutoryPlanReviewCreate) -> tuple[dt.date | None, list[FieldError]]:
    """The date the review sets: the one given, else by the plan's rule. Pathway plans at most 6 months on."""
    held, given = body.held_on, body.next_review_on
    if isinstance(plan, PathwayPlan):
        latest = add_months(held, PATHWAY_REVIEW_MONTHS)
        if given is not None and given > latest:
            detail = f"a pathway plan is reviewed at most 6 months apart: by {latest.isoformat()} (BR-17)"
            return None, [error("/next_review_on", "too_far_apart", detail)]
        return given or latest, []
    if given is not None:
        return given, []
    rule = plan.review_schedule.rule if plan.review_schedule else None
    match = EVERY.search(rule or "")
    if match is None:
        return None, [error("/next_review_on", "required", "give next_review_on: the plan's rule gives no date")]
    n = int(match.group(1))
    return (held + dt.timedelta(weeks=n) if match.group(2).lower() == "week" else add_months(held, n)), []


async def next_looked_after_review(
    conn: AsyncConnection, actor: Actor, case_id: UUID | None, plan: CarePlan, body: StatutoryPlanReviewCreate
) -> tuple[dt.date | None, list[FieldError]]:
    """A care plan's review is a looked-after review: the next one is the date given, or the plan's rule, never later
    than reg 33 allows (3 months after the first review, 6 after later ones)."""
    statutory = looked_after_review_by(await looked_after_since(conn, actor, case_id, plan), [*plan.reviews, body])
    if body.next_review_on is not None and body.next_review_on > statutory:
        detail = f"the next looked-after review is due by {statutory.isoformat()} (reg 33)"
        return None, [error("/next_review_on", "too_far_apart", detail)]
    by_rule, gaps = next_review(plan, body)
    return (statutory if gaps or by_rule is None else min(by_rule, statutory)), []


async def record_review(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: StatutoryPlanReviewCreate
) -> PlanRecord:
    """A review held on the agreed plan: kept on the plan, and the next review date moved."""
    record = decode(stored)
    if record.status is not S.agreed:
        raise problems.Conflict(f"This plan version is {record.status.value}; reviews are of the agreed plan.")
    if len(record.plan.reviews) >= SOME:
        raise problems.Conflict("This version holds its 100 reviews; make a new version to record more.")
    errors = []
    assert record.agreed_on is not None
    if not record.agreed_on <= body.held_on <= today():
        detail = f"a review is held between the day the plan was agreed ({record.agreed_on}) and today"
        errors.append(error("/held_on", "outside_plan", detail))
    if isinstance(record.plan, CarePlan):
        next_on, gaps = await next_looked_after_review(conn, actor, stored.case_id, record.plan, body)
    else:
        next_on, gaps = next_review(record.plan, body)
    errors += gaps
    if next_on is not None and next_on <= body.held_on:
        errors.append(error("/next_review_on", "not_after_review", "the next review comes after this one"))
    refuse(errors, "The review cannot be recorded:")
    held = StatutoryPlanReview(**{f: getattr(body, f) for f in StatutoryPlanReview.__struct_fields__})
    changes: dict[str, Any] = {"reviews": [*record.plan.reviews, held]}
    if record.plan.review_schedule is not None and next_on is not None:
        changes["review_schedule"] = msgspec.structs.replace(record.plan.review_schedule, next_on=next_on)
    kept = msgspec.structs.replace(record.plan, **changes)
    return msgspec.structs.replace(record, plan=kept, next_review_on=next_on, meta=next_meta(record.meta, actor, now()))


# --- ending -----------------------------------------------------------------------------------------------


async def cp_end_gaps(conn: AsyncConnection, actor: Actor, record: PlanRecord, body: PlanEnd) -> list[FieldError]:
    """A CP plan ends only on the decision of a review conference held since the plan was agreed, ending it for
    these children (domain 3.2, 3.4)."""
    children, agreed_on = set(record.plan.child_ids), record.agreed_on
    assert agreed_on is not None
    ended_by = [
        c
        for c in await conferences_of(conn, actor, record.meta.case_id)
        if c.ends_plan and c.held_on is not None and c.held_on >= agreed_on and children <= set(c.child_ids)
    ]
    if ended_by:
        return []
    detail = "no review conference of this case held since the plan was agreed decided to end it"
    return [error("/ended_on", "no_review_conference", detail)]


async def care_end_gaps(conn: AsyncConnection, actor: Actor, record: PlanRecord) -> list[FieldError]:
    """A care plan ends once the child stops being looked after."""
    open_ = {
        e.child_id
        for e in await episodes_of(conn, actor, record.meta.case_id, CaseLevel.looked_after)
        if e.end_date is None
    }
    return [
        error(f"/child_ids/{i}", "still_looked_after", f"{c} is still looked after (open looked_after episode)")
        for i, c in enumerate(record.plan.child_ids)
        if c in open_
    ]


def pathway_end_gaps(plan: PathwayPlan, body: PlanEnd) -> list[FieldError]:
    """At 21 (25 for former relevant young people supported to 25), or when the young person declines support."""
    if body.support_declined:
        return []
    ends_at = PATHWAY_21_TO_25_ENDS_AT if plan.category is PathwayCategory.former_relevant_21_to_25 else PATHWAY_ENDS_AT
    age = age_on(plan.young_person_date_of_birth, body.ended_on)
    if age >= ends_at:
        return []
    detail = f"the young person is {age} on ended_on; support lasts to {ends_at} unless they decline it"
    return [error("/ended_on", "too_young_to_end", detail)]


def end_fields(plan: PlanCreate, body: PlanEnd) -> list[FieldError]:
    """closure_outcome is for (and required of) early help plans; support_declined for pathway plans."""
    errors = []
    early_help = isinstance(plan, EarlyHelpPlan)
    if early_help != (body.closure_outcome is not None):
        detail = "required to close an early help plan" if early_help else "only for early help plans"
        errors.append(error("/closure_outcome", "early_help_only", detail))
    if body.support_declined and not isinstance(plan, PathwayPlan):
        errors.append(error("/support_declined", "pathway_only", "only for pathway plans"))
    return errors


async def active_worries(conn: AsyncConnection, actor: Actor, record: PlanRecord) -> list[DangerStatement]:
    """The worry (danger) statements of the plan's case that the plan addresses and that are still active."""
    if not record.plan.danger_ids:
        return []
    dangers = resource("danger_statement")
    found = await q.select_where(conn, actor.scope, dangers, q.having_ids(record.plan.danger_ids))
    statements = [msgspec.json.decode(d.doc, type=DangerStatement) for d in found if d.case_id == record.meta.case_id]
    return [d for d in statements if d.status is DangerStatus.active]


def clipped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def refer_on_withdrawal(conn: AsyncConnection, actor: Actor, record: PlanRecord, body: PlanEnd) -> UUID | None:
    """BR-18: consent to early help withdrawn while its worries are still active is a front-door contact, recorded
    here in the plan's transaction through the referral kind's own rules; None when nothing is left to worry about."""
    worries = await active_worries(conn, actor, record)
    if not worries:
        return None
    happened = (
        f"The family withdrew consent to early help on {body.ended_on.isoformat()} ({body.reason}). The worries the "
        "early help plan was addressing are still active: "
        + " ".join(f"{i}. {w.text}" for i, w in enumerate(worries, 1))
    )
    contact = ReferralCreate(
        received_at=now(),
        channel=ReferralChannel.other,
        referrer=Referrer(
            type=ReferrerType.la_service,
            name=clipped(actor.name, 100),
            organisation="Early help",
            relationship_to_child="Manager of the child's early help plan",
        ),
        subjects=list(record.plan.child_ids),
        # Nobody has told the family of this contact yet: the front door decides whether and how.
        parents_aware=False,
        consent=ReferralConsent.refused,
        consent_note="The family withdrew consent to early help; safeguarding worries remain (BR-18).",
        worried_what_happened=clipped(happened, 10_000),
        worried_what_might_happen=clipped(" ".join(w.likely_impact for w in worries), 2000),
        immediate_danger=False,
        case_id=record.meta.case_id,
    )
    referrals = resource("referral")
    assert referrals.create is not None
    referral = await referrals.create.build(conn, actor, None, contact, new_id())
    source = ReferralSource(rule="BR-18", kind=KIND, record_id=record.id, record_version=record.meta.version + 1)
    referral = msgspec.structs.replace(referral, raised_by=source)
    await insert(conn, actor, referrals, referral, referral.meta.created_at)
    if referrals.after is not None:
        await referrals.after(conn, actor, referral, None)
    return UUID(str(referral.id))


async def end(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: PlanEnd) -> PlanRecord:
    """An agreed plan ends with its date and reason; each type's law decides when."""
    record = decode(stored)
    if record.status not in (S.agreed, S.under_review):
        raise problems.Conflict(f"This plan version is {record.status.value}; only an agreed plan is ended.")
    plan = record.plan
    errors = end_fields(plan, body)
    assert record.agreed_on is not None
    if not record.agreed_on <= body.ended_on <= today():
        detail = f"a plan ends between the day it was agreed ({record.agreed_on}) and today"
        errors.append(error("/ended_on", "outside_plan", detail))
    refuse(errors, "The plan cannot end:")
    if isinstance(plan, ChildProtectionPlan):
        gaps = await cp_end_gaps(conn, actor, record, body)
        refuse(gaps, "The plan cannot end:", problems.NoConferenceDecisionToEnd)
    elif isinstance(plan, CarePlan):
        refuse(
            await care_end_gaps(conn, actor, record), "The care plan cannot end:", problems.StillLookedAfter, "BR-16"
        )
    elif isinstance(plan, PathwayPlan):
        refuse(
            pathway_end_gaps(plan, body), "The pathway plan cannot end yet:", problems.PathwaySupportContinues, "BR-17"
        )
    closed = (
        msgspec.structs.replace(plan, closure_outcome=body.closure_outcome) if isinstance(plan, EarlyHelpPlan) else plan
    )
    withdrawn = isinstance(plan, EarlyHelpPlan) and body.closure_outcome is EarlyHelpClosure.consent_withdrawn
    return msgspec.structs.replace(
        record,
        plan=closed,
        referral_id=await refer_on_withdrawal(conn, actor, record, body) if withdrawn else None,
        status=S.ended,
        end_reason=body.reason,
        ended_on=body.ended_on,
        next_review_on=None,
        meta=next_meta(record.meta, actor, now()),
    )


# --- timescales on read (domain 3.5) ----------------------------------------------------------------------


async def first_placement(conn: AsyncConnection, actor: Actor, record: PlanRecord) -> dt.date | None:
    """The first placement a care plan follows: its placement plan's start, else the child's first day looked
    after."""
    plan = record.plan
    assert isinstance(plan, CarePlan)
    if plan.placement_plan_id is not None:
        for linked in await plans_of(conn, actor, record.meta.case_id, plan.placement_plan_id):
            if isinstance(linked.plan, PlacementPlan):
                return linked.plan.placement.start
    starts = [
        e.start_date
        for e in await episodes_of(conn, actor, record.meta.case_id, CaseLevel.looked_after)
        if e.child_id in plan.child_ids
    ]
    return min(starts, default=None)


async def due_by(conn: AsyncConnection, actor: Actor, record: PlanRecord) -> dt.date | None:
    plan = record.plan
    if isinstance(plan, PlacementPlan):
        return add_working_days(plan.placement.start, PLACEMENT_PLAN_DAYS)
    if isinstance(plan, CarePlan):
        placed = await first_placement(conn, actor, record)
        return add_working_days(placed, CARE_PLAN_DAYS) if placed is not None else None
    return None


def redacted(record: PlanRecord, actor: Actor) -> PlanRecord:
    """BR-27: a confidential placement address is never shown to the roles it is withheld from."""
    plan = record.plan
    if not (isinstance(plan, PlacementPlan) and actor.scope.redact_confidential):
        return record
    address = plan.placement.address
    if address is None or not address.confidential:
        return record
    placement = msgspec.structs.replace(plan.placement, address=None)
    return msgspec.structs.replace(record, plan=msgspec.structs.replace(plan, placement=placement))


REVIEW_KIND = {PathwayPlan: DueWorkKind.pathway_plan_review, CarePlan: DueWorkKind.looked_after_review}


def still_due(record: PlanRecord) -> list[DueWork]:
    """For the team's due-work list: a care or placement plan not yet agreed by its due day, and the next review of
    an agreed plan."""
    owed = []
    if record.status is S.draft and record.due_by is not None:
        what = DueWorkKind.placement_plan if isinstance(record.plan, PlacementPlan) else DueWorkKind.care_plan
        owed.append((what, record.due_by))
    if record.status in (S.agreed, S.under_review) and record.next_review_on is not None:
        owed.append((REVIEW_KIND.get(type(record.plan), DueWorkKind.plan_review), record.next_review_on))
    case_id, children = record.meta.case_id, record.plan.child_ids
    return [due_work(what, KIND, record.id, case_id, children, on) for what, on in owed]


async def with_timescales(conn: AsyncConnection, actor: Actor, shown: list[StoredRecord]) -> list[StoredRecord]:
    """The due date (counted to the day it was agreed, once agreed) and the next review, on every read."""
    out = []
    for stored in shown:
        record = decode(stored)
        changes: dict[str, Any] = {}
        due_on = await due_by(conn, actor, record)
        if due_on is not None:
            clock = due(due_on, record.agreed_on)
            changes |= {"due_by": due_on, "due_days_remaining": clock.days_remaining, "due_overdue": clock.overdue}
        if record.status in (S.agreed, S.under_review) and record.next_review_on is not None:
            review = due(record.next_review_on)
            changes |= {"review_days_remaining": review.days_remaining, "review_overdue": review.overdue}
        shown_as = redacted(msgspec.structs.replace(record, **changes), actor)
        out.append(msgspec.structs.replace(stored, doc=msgspec.json.encode(shown_as)))
    return out


# --- the declaration --------------------------------------------------------------------------------------

AGREE_RULES = (
    "Refused (422) with `statutory-plan-not-ready` when actions or the review schedule (pathway plans: "
    "next_review_by) are missing, or the lead, IRO or personal adviser is not a recorded person; then by the "
    "plan's type: `early-help-consent` (BR-18) when consent does not cover information sharing; "
    "`no-conference-decision` (BR-14) when conference_id is not a conference of this case deciding a plan for "
    "these children in this category; `care-plan-not-ready` (BR-16) without the case's placement plan (unless "
    "placed_by_council is false) or an open looked_after episode for each child; `placement-plan-unsigned` "
    "(BR-15) without the carer's signature; `pathway-plan-incomplete` (BR-17) without all ten statutory need "
    "areas, or when young_person_date_of_birth is not the young person's. Agreeing a revision ends the version "
    "it revises."
)
END_RULES = (
    "Refused (422) with `no-conference-decision-to-end` for a child protection plan no review conference of "
    "the case, held since the plan was agreed, decided to end; `still-looked-after` (BR-16) for a care plan "
    "while the child has an open looked_after episode; `pathway-support-continues` (BR-17) for a pathway plan "
    "before 21 (25 for former_relevant_21_to_25) unless support_declined. Early help plans need closure_outcome. "
    "BR-18: an early help plan ended with closure_outcome consent_withdrawn while a worry statement it addresses "
    "is still active records a front-door contact about its children on the case, in the same transaction "
    "(referral_id; the referral's raised_by names the plan)."
)

# Interop R11: what a council's case management system owns of a plan by default: its type, children and lead,
# its statutory dates and frequencies, and the legal facts it records (conference, category, placement, IRO). The
# plan's content (actions, contingency, the family's agreement, reviews, the words of the plan) is the practitioners'.
CMS_OWNS = tuple(
    f"/plan/{name}"
    for name in (
        "plan_type",
        "child_ids",
        "lead",
        "review_schedule",
        "legal_basis",
        "review_frequency",
        "visit_frequency",
        "taf_frequency",
        "conference_id",
        "category",
        "core_group",
        "placed_by_council",
        "placement_plan_id",
        "iro",
        "placement",
        "placed_with_parent",
        "young_person_id",
        "young_person_date_of_birth",
        "personal_adviser",
        "effective_on",
        "next_review_by",
    )
)

STATUTORY_PLANS = register(
    Resource(
        Names(KIND, "StatutoryPlan", "/v1/statutory-plans", "statutory_plan_id", "statutory"),
        Record(PlanRecord, PlanCreate, plan_columns, parent="case", holds_addresses=True),
        # Plans are worked out with the family (domain 4.2: family-shareable unless a worker withholds one).
        Access(read=SHARED_WORK_READERS),
        listing=Listing(
            "listCaseStatutoryPlans", "The case's statutory plans and their versions, newest first", newest_first=True
        ),
        create=Create(
            "createStatutoryPlan",
            "Start a draft statutory plan (early help, CIN, CP, care, placement or pathway; `plan_type` says which)",
            new_plan,
            CASE_WRITERS,
            problems=(422,),
        ),
        replace=Replace(
            "replaceStatutoryPlan",
            "Edit a draft statutory plan (If-Match; agreed versions are read-only, plan_type never changes)",
            next_draft,
            CASE_WRITERS,
            problems=(409, 422),
        ),
        present=with_timescales,
        due=still_due,
        sync=SourceKeyed(
            ("cp-plan", "cin-plan", "care-plan", "placement-plan", "pathway-plan", "early-help-plan"),
            owns=CMS_OWNS,
            aliases="`cppl_cp_plan_id` (cp-plan), the `ssd_cin_plans` plan id (cin-plan), `lacp_table_id` (care-plan), "
            "`clap_cla_placement_id` (placement-plan), `clea_table_id` (pathway-plan), `earl_episode_id` "
            "(early-help-plan)",
        ),
        actions=(
            Action(
                "agreeStatutoryPlan",
                "The team manager agrees a draft plan; the version it revises ends",
                "agree",
                agree,
                MANAGERS,
                body=PlanAgreement,
                problems=(404, 409, 422),
                description=AGREE_RULES,
            ),
            Action(
                "recordStatutoryPlanReview",
                "Record a review held on the agreed plan and move its next review date",
                "reviews",
                record_review,
                CASE_WRITERS,
                body=StatutoryPlanReviewCreate,
                problems=(404, 409, 422),
            ),
            Action(
                "endStatutoryPlan",
                "End an agreed plan, with the date and reason",
                "end",
                end,
                MANAGERS,
                body=PlanEnd,
                problems=(404, 409, 422),
                description=END_RULES,
            ),
            revision(
                "createStatutoryPlanRevision",
                "Copy an agreed plan into a new draft version",
                create_revision,
                CASE_WRITERS,
                problems=(404, 409),
            ),
        ),
    )
)
ROUTES: list[object] = []
