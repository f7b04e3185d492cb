"""Safety plans and their check-ins (domain 2.12, 3.4; BR-07, BR-08, BR-09).

A safety plan is the family's and network's own rules for everyday life, each written against a danger
statement. Each version of a plan is a record of its own, chained by `previous_version_id`: a draft is edited in
place (every save a new record version, If-Match), people agree to it, the team manager agrees it (BR-07), its
trial starts, check-ins are recorded while it is tried, and it is sustained (BR-08), reviewed or ended. An agreed
plan is never edited: `revisions` copies it into a new draft (rule ids carry over, so check-ins can be followed),
and agreeing that draft ends the old version as superseded, so one version is agreed at a time.

A plan is stale when a danger statement it was agreed on has changed since, or a new active danger about its
children has been recorded (BR-09): worked out on every read, never stored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    AgencyApproval,
    Agreement,
    Case,
    DangerStatement,
    DangerVersionRef,
    FieldError,
    MemberRole,
    Network,
    NetworkStatus,
    Person,
    PlanAgreementCreate,
    PlanCheckIn,
    PlanCheckInCreate,
    RuleStatus,
    SafetyPlan,
    SafetyPlanAgree,
    SafetyPlanCreate,
    SafetyPlanEnd,
    SafetyPlanEndReason,
    SafetyPlanReview,
    SafetyPlanStatus,
    SafetyPlanTrialStart,
    SafetyRuleCreate,
    knows_current_dangers,
)
from sos_schema._base import SOME

from . import problems
from .auth.policy import (
    CASE_WORKERS,
    CASE_WRITERS,
    FAMILY,
    JUDGES,
    SHARED_WORK_READERS,
    SIGNERS,
    Access,
    check_own_voice,
    no_wider_than,
    signed_by,
)
from .context import Actor
from .db import records as q
from .db.engine import Database
from .db.records import Columns, StoredRecord, columns_of
from .db.tables import records
from .resources.members import CHILD_ROLES
from .resources.registry import (
    Action,
    Create,
    Listing,
    Names,
    Record,
    Replace,
    Resource,
    register,
    resource,
    revision,
)
from .resources.service import (
    Written,
    error,
    fields_of,
    load,
    new_id,
    new_meta,
    next_meta,
    now,
    refuse,
    require_existing,
    revise,
    today,
    update,
)

KIND, CHECK_IN_KIND = "safety_plan", "plan_check_in"
S = SafetyPlanStatus
# Versions the family is living by: agreed, being tried, sustained, or being reviewed (domain 3.4).
AGREED_STATES = frozenset({S.agreed, S.in_trial, S.sustained, S.under_review})
PARENTS = frozenset({MemberRole.parent, MemberRole.carer})
# [VBC] The age from which a child is expected to act on "if I feel unsafe" steps (BR-07); councils set their own.
CHILD_ACTS_FROM_AGE = 5
# [VBC] How often the rules are checked during a trial when the plan does not say (BR-08).
DEFAULT_CHECK_IN_EVERY_DAYS = 14
ISO_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def plans() -> Resource:
    return resource(KIND)


def decode(stored: StoredRecord) -> SafetyPlan:
    return msgspec.json.decode(stored.doc, type=SafetyPlan)


def plan_columns(plan: SafetyPlan) -> Columns:
    return columns_of(plan, child_ids=tuple(plan.child_ids))


def not_after_today(on: dt.date, pointer: str) -> None:
    refuse(
        [error(pointer, "in_the_future", f"{on.isoformat()} is in the future")] if on > today() else [],
        "An agreement is recorded once it has been given:",
    )


# --- the case around a plan --------------------------------------------------------------------------


async def case_of(conn: AsyncConnection, actor: Actor, case_id: UUID | None) -> Case:
    return msgspec.json.decode((await load(conn, actor, resource("case"), case_id)).doc, type=Case)


async def dangers_of(conn: AsyncConnection, actor: Actor, case_id: UUID | None) -> list[tuple[DangerStatement, int]]:
    """The case's danger statements the caller may see, each with the version its words were last changed in
    (a new scale on a statement is a new version but not new words: nobody needs telling again)."""
    found = await q.select_where(conn, actor.scope, resource("danger_statement"), records.c.case_id == case_id)
    dangers = [(msgspec.json.decode(d.doc, type=DangerStatement), d.version) for d in found]
    return [(d, d.wording_version or version) for d, version in dangers]


def active_for(dangers: list[tuple[DangerStatement, int]], child_ids: Sequence[UUID]) -> list[DangerStatement]:
    """The active dangers about any of these children: the ones a plan for them must cover (BR-07)."""
    children = set(child_ids)
    return [d for d, _ in dangers if d.status.value == "active" and children.intersection(d.child_ids)]


async def check_references(conn: AsyncConnection, actor: Actor, case_id: UUID | None, body: SafetyPlanCreate) -> None:
    """Children of the case, its own danger statements, and people the council has recorded."""
    case = await case_of(conn, actor, case_id)
    children = {m.person_id for m in case.members if m.role in CHILD_ROLES}
    dangers = {d.id for d, _ in await dangers_of(conn, actor, case_id)}
    errors = [
        error(f"/child_ids/{i}", "not_a_child_of_case", f"{c} is not a child in this case")
        for i, c in enumerate(body.child_ids)
        if c not in children
    ] + [
        error(f"/danger_ids/{i}", "not_a_danger_of_case", f"{d} is not a danger statement of this case")
        for i, d in enumerate(body.danger_ids)
        if d not in dangers
    ]
    refuse(errors, "The plan names records outside this case:")
    people: list[tuple[str, UUID | None]] = [
        (f"/rules/{i}/responsible/{j}", p) for i, r in enumerate(body.rules) for j, p in enumerate(r.responsible)
    ]
    people += [(f"/rules/{i}/{f}", getattr(r, f)) for i, r in enumerate(body.rules) for f in ("backup", "checked_by")]
    people += [(f"/if_child_feels_unsafe/{i}/contact", s.contact) for i, s in enumerate(body.if_child_feels_unsafe)]
    await require_existing(conn, actor, "person", [(at, p) for at, p in people if p is not None])


def with_rule_ids(rules: list[SafetyRuleCreate], known: set[UUID]) -> list[SafetyRuleCreate]:
    """New rules get the id they keep for life; an id sent must be one of this plan's rules."""
    refuse(
        [
            error(f"/rules/{i}/id", "unknown_rule", f"{r.id} is not a rule of this plan")
            for i, r in enumerate(rules)
            if r.id is not None and r.id not in known
        ],
        "Rules carried over must keep their ids:",
    )
    return [r if r.id is not None else msgspec.structs.replace(r, id=new_id()) for r in rules]


def content_of(plan: SafetyPlan) -> SafetyPlanCreate:
    return SafetyPlanCreate(**{name: getattr(plan, name) for name in SafetyPlanCreate.__struct_fields__})


# --- create and edit a draft -------------------------------------------------------------------------------


async def new_plan(
    conn: AsyncConnection, actor: Actor, case: StoredRecord | None, body: SafetyPlanCreate, plan_id: UUID
) -> SafetyPlan:
    assert case is not None
    await check_references(conn, actor, case.id, body)
    fields = fields_of(body) | {"rules": with_rule_ids(body.rules, set())}
    return SafetyPlan(**fields, id=plan_id, meta=new_meta(actor, now(), case.id, case.la_code), status=S.draft)


async def next_plan(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: SafetyPlanCreate) -> SafetyPlan:
    """A draft's next save. Agreements were given to the words as they stood, so a change clears them."""
    old = decode(stored)
    if old.status is not S.draft:
        raise problems.ReadOnly(
            f"This plan version is {old.status.value}: an agreed plan is never edited in place. "
            "POST /v1/safety-plans/{plan_id}/revisions makes a new draft from it."
        )
    await check_references(conn, actor, stored.case_id, body)
    new = msgspec.structs.replace(body, rules=with_rule_ids(body.rules, {r.id for r in old.rules if r.id}))
    kept = old.agreements if new == content_of(old) else []
    return msgspec.structs.replace(old, **fields_of(new), agreements=kept, meta=next_meta(old.meta, actor, now()))


# --- agreement (BR-07) -------------------------------------------------------------------------------------


async def add_agreement(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: PlanAgreementCreate) -> Any:
    """A person's agreement to this version. The family agree as themselves (the token says who); a worker records
    the agreement someone gave on paper or in a meeting. Agreeing again replaces one's own. BR-07 wants them before
    the manager agrees; someone who joins later (a new network member) may still agree to the version in force."""
    plan = decode(stored)
    if plan.status is S.ended:
        raise problems.Conflict("This plan version has ended; agree to the version in force.")
    person = body.person_id
    if actor.role in FAMILY:
        me = actor.principal.person_id
        if me is None or person not in (None, me):
            raise problems.Forbidden("You may agree to a plan only as yourself.")
        person = me
    elif person is None:
        refuse(
            [error("/person_id", "required", "name who agreed")],
            "Recording someone's agreement:",
        )
    else:
        await require_existing(conn, actor, "person", [("/person_id", person)])
    on = body.on or today()
    not_after_today(on, "/on")
    assert person is not None
    agreement = Agreement(person_id=person, role=body.role, on=on, method=body.method)
    others = [a for a in plan.agreements if a.person_id != person]
    return msgspec.structs.replace(plan, agreements=[*others, agreement], meta=next_meta(plan.meta, actor, now()))


def uncovered(plan: SafetyPlan, active: list[DangerStatement]) -> list[FieldError]:
    """Active dangers of the plan's children with no rule in force against them."""
    ruled = {r.danger_id for r in plan.rules if r.status is RuleStatus.active}
    return [
        error("/danger_ids", "danger_not_covered", f'danger statement {d.id} ("{d.text[:80]}") has no active rule')
        for d in active
        if d.id not in plan.danger_ids or d.id not in ruled
    ]


async def helpers_who_qualify(
    conn: AsyncConnection, actor: Actor, plan: SafetyPlan, current: Mapping[UUID, int]
) -> set[UUID]:
    """Network members who may hold a rule: committed (`agreed`), still in the network, and told every danger
    statement the plan covers in its current version (BR-07)."""
    found = await q.select_where(conn, actor.scope, resource("network"), records.c.case_id == plan.meta.case_id)
    networks = [msgspec.json.decode(n.doc, type=Network) for n in found]
    return {
        m.person_id
        for n in networks
        if n.status is not NetworkStatus.ended and set(n.child_ids) & set(plan.child_ids)
        for m in n.members
        if m.commitment.value == "agreed" and m.left_on is None and knows_current_dangers(m, current)
    }


def age_on(person: Person, on: dt.date) -> int | None:
    born = person.date_of_birth
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


async def not_ready(conn: AsyncConnection, actor: Actor, plan: SafetyPlan, case: Case, on: dt.date) -> list[FieldError]:
    """BR-07 beyond covering the dangers: who holds each rule, how it is checked, the review date, what happens if
    the plan is not followed, the child's own steps, and everyone's agreement."""
    current = {d.id: v for d, v in await dangers_of(conn, actor, case.id) if d.id in plan.danger_ids}
    parents = {m.person_id for m in case.members if m.role in PARENTS}
    qualified = parents | await helpers_who_qualify(conn, actor, plan, current)
    errors = [
        error(f"/{f}", "required_to_agree", f"{f} is required before the plan is agreed")
        for f in ("review_on", "if_plan_not_followed", "monitoring")
        if getattr(plan, f) is None
    ]
    needs_agreement = set(parents)
    for i, rule in enumerate(plan.rules):
        if rule.status is not RuleStatus.active:
            continue
        errors += [
            error(f"/rules/{i}/{f}", "required_to_agree", f"rule {i + 1} needs {f}")
            for f in ("how_checked", "checked_by")
            if getattr(rule, f) is None
        ]
        if not qualified.intersection(rule.responsible):
            errors.append(
                error(
                    f"/rules/{i}/responsible",
                    "no_qualified_person",
                    f"rule {i + 1} needs a parent or carer, or a network member who has agreed to help and knows "
                    "the current danger statements",
                )
            )
        needs_agreement |= qualified.intersection(rule.responsible)
    children = await q.select_where(conn, actor.scope, resource("person"), q.having_ids(plan.child_ids))
    old_enough = [
        p
        for p in (msgspec.json.decode(c.doc, type=Person) for c in children)
        if (age_on(p, on) or 0) >= CHILD_ACTS_FROM_AGE
    ]
    if old_enough and not plan.if_child_feels_unsafe:
        errors.append(
            error(
                "/if_child_feels_unsafe",
                "required_to_agree",
                f"what the child can do if they feel unsafe is required for a child aged {CHILD_ACTS_FROM_AGE} or over",
            )
        )
    agreed = {a.person_id for a in plan.agreements}
    errors += [
        error("/agreements", "agreement_missing", f"{p} has not agreed to this version")
        for p in sorted(needs_agreement - agreed, key=str)
    ]
    return errors


async def supersede_previous(conn: AsyncConnection, actor: Actor, plan: SafetyPlan, at: dt.datetime) -> None:
    """The version this one replaces stops being the plan the family lives by: one agreed version at a time."""
    previous_id = plan.previous_version_id
    while previous_id is not None:
        stored = await load(conn, actor, plans(), previous_id, lock=True)
        old = decode(stored)
        if old.status in AGREED_STATES:
            ended = msgspec.structs.replace(
                old, status=S.ended, end_reason=SafetyPlanEndReason.superseded, meta=next_meta(old.meta, actor, at)
            )
            await update(conn, actor, plans(), stored, ended, at)
        previous_id = old.previous_version_id


async def agree(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: SafetyPlanAgree) -> Any:
    """The team manager agrees the draft (domain 4.1; who agreed comes from the token). BR-07: every active danger
    of the children has a rule (`danger-not-covered`, naming each danger), and the plan is otherwise complete
    (`plan-not-ready`)."""
    plan = decode(stored)
    if plan.status is not S.draft:
        raise problems.Conflict(f"This plan version is {plan.status.value}; the team manager agrees a draft only.")
    on = body.on or today()
    not_after_today(on, "/on")
    case = await case_of(conn, actor, stored.case_id)
    dangers = await dangers_of(conn, actor, case.id)
    refuse(
        uncovered(plan, active_for(dangers, plan.child_ids)),
        "The plan leaves active danger statements without a rule:",
        problems.DangerNotCovered,
        "BR-07",
    )
    refuse(
        await not_ready(conn, actor, plan, case, on),
        "The plan is not ready to be agreed:",
        problems.PlanNotReady,
        "BR-07",
    )
    at = now()
    await supersede_previous(conn, actor, plan, at)
    versions = {d.id: v for d, v in dangers}
    return msgspec.structs.replace(
        plan,
        status=S.agreed,
        agency_approval=AgencyApproval(by=signed_by(actor.principal), user=actor.name, on=on),
        agreed_at=at,
        agreed_dangers=[DangerVersionRef(id=d, version=versions[d]) for d in plan.danger_ids if d in versions],
        meta=next_meta(plan.meta, actor, at),
    )


# --- the trial (BR-08) -------------------------------------------------------------------------------------


def days_in(duration: str | None) -> int:
    """An ISO 8601 duration (P3M, P6W) as days, months counted as 30: near enough for a trial's length."""
    match = ISO_DURATION.match(duration or "")
    if match is None:
        return 0
    years, months, weeks, days = (int(n or 0) for n in match.groups())
    return years * 365 + months * 30 + weeks * 7 + days


def in_trial(plan: SafetyPlan) -> tuple[dt.date, dt.date, int]:
    assert plan.trial_started_on is not None
    assert plan.trial_ends_on is not None
    return plan.trial_started_on, plan.trial_ends_on, plan.check_in_every_days or DEFAULT_CHECK_IN_EVERY_DAYS


async def start_trial(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: SafetyPlanTrialStart) -> Any:
    """Agreed -> in_trial. The trial ends on the date given, else after the longest `sustain_for` of the goals of
    the dangers it covers; it starts on or after the day the plan was agreed and no later than today."""
    plan = decode(stored)
    if plan.status is not S.agreed:
        raise problems.Conflict(f"This plan version is {plan.status.value}; only an agreed plan starts its trial.")
    assert plan.agency_approval is not None
    started = body.started_on or today()
    ends = body.trial_ends_on or plan.trial_ends_on
    if ends is None:
        dangers = [d for d, _ in await dangers_of(conn, actor, stored.case_id) if d.id in plan.danger_ids]
        longest = max((days_in(d.safety_goal.sustain_for) for d in dangers), default=0)
        ends = started + dt.timedelta(days=longest) if longest else None
    every = body.check_in_every_days or plan.check_in_every_days or DEFAULT_CHECK_IN_EVERY_DAYS
    errors = []
    if ends is None:
        errors.append(error("/trial_ends_on", "required", "give trial_ends_on: no goal says how long to sustain"))
    elif ends <= started:
        errors.append(error("/trial_ends_on", "before_start", f"the trial must end after it starts ({started})"))
    if started < plan.agency_approval.on:
        errors.append(error("/started_on", "before_agreed", f"the plan was agreed on {plan.agency_approval.on}"))
    if started > today():
        errors.append(error("/started_on", "in_the_future", "a trial is recorded once it has started"))
    refuse(errors, "The trial cannot start:", problems.TrialPeriod, "BR-08")
    return msgspec.structs.replace(
        plan,
        status=S.in_trial,
        trial_started_on=started,
        trial_ends_on=ends,
        check_in_every_days=every,
        meta=next_meta(plan.meta, actor, now()),
    )


async def standing_check_ins(conn: AsyncConnection, actor: Actor, plan_id: UUID) -> list[PlanCheckIn]:
    """The plan's check-ins, less those a later one corrects."""
    found = await q.select_where(conn, actor.scope, resource(CHECK_IN_KIND), q.belonging_to("parent_id", plan_id))
    check_ins = [msgspec.json.decode(c.doc, type=PlanCheckIn) for c in found]
    corrected = {c.corrects for c in check_ins}
    return [c for c in check_ins if c.id not in corrected]


def trial_gaps(plan: SafetyPlan, check_ins: list[PlanCheckIn]) -> list[FieldError]:
    """BR-08: the trial is over, every active rule was checked during it, and no stretch of `check_in_every_days`
    went by without a check-in."""
    started, ends, every = in_trial(plan)
    if today() < ends:
        return [error("/trial_ends_on", "trial_not_over", f"the trial runs until {ends.isoformat()}")]
    during = [c for c in check_ins if started <= c.on <= ends]
    checked = {c.rule_id for c in during}
    errors = [
        error(f"/rules/{i}", "rule_not_checked", f'rule {i + 1} ("{r.text[:60]}") has no check-in during the trial')
        for i, r in enumerate(plan.rules)
        if r.status is RuleStatus.active and r.id not in checked
    ]
    days = {c.on for c in during}
    # Whole stretches of `every` days from the start; a last stub shorter than that needs no check-in of its own.
    for n in range(((ends - started).days + 1) // every):
        first = started + dt.timedelta(days=n * every)
        last = first + dt.timedelta(days=every - 1)
        if not any(first <= d <= last for d in days):
            errors.append(error("/check_ins", "no_check_in", f"no check-in between {first} and {last}"))
    return errors


async def sustain(conn: AsyncConnection, actor: Actor, stored: StoredRecord, _: None) -> Any:
    """In trial -> sustained, once the trial has been kept (BR-08)."""
    plan = decode(stored)
    if plan.status is not S.in_trial:
        raise problems.Conflict(f"This plan version is {plan.status.value}; only a plan in trial is sustained.")
    gaps = trial_gaps(plan, await standing_check_ins(conn, actor, plan.id))
    refuse(gaps, "The trial is not complete:", problems.TrialPeriod, "BR-08")
    return msgspec.structs.replace(plan, status=S.sustained, meta=next_meta(plan.meta, actor, now()))


async def review(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: SafetyPlanReview) -> Any:
    """A rule was broken, the plan is failing, or its review date came: the plan goes under review, and a new
    version (`revisions`) is made and agreed to replace it."""
    plan = decode(stored)
    if plan.status not in (S.agreed, S.in_trial, S.sustained):
        raise problems.Conflict(f"This plan version is {plan.status.value}; only an agreed plan goes under review.")
    return msgspec.structs.replace(
        plan, status=S.under_review, review_reason=body.reason, meta=next_meta(plan.meta, actor, now())
    )


async def end(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: SafetyPlanEnd) -> Any:
    """Any state -> ended, with the reason. `goals_sustained` only after a sustained trial (BR-08); a version is
    `superseded` only by agreeing the next one."""
    plan = decode(stored)
    if plan.status is S.ended:
        raise problems.Conflict("This plan version has already ended.")
    reason = body.end_reason
    if reason is SafetyPlanEndReason.superseded:
        refuse(
            [error("/end_reason", "server_set", "a version is superseded when the next one is agreed")],
            "The plan cannot end as superseded:",
        )
    if reason is SafetyPlanEndReason.goals_sustained and plan.status is not S.sustained:
        refuse(
            [error("/end_reason", "not_sustained", "the plan has not been sustained through its trial")],
            "The plan cannot end with its goals sustained:",
            problems.TrialPeriod,
            "BR-08",
        )
    return msgspec.structs.replace(
        plan, status=S.ended, end_reason=reason, end_note=body.note, meta=next_meta(plan.meta, actor, now())
    )


async def create_revision(db: Database, actor: Actor, plan_id: UUID, _: int | None, __: None) -> Written:
    """Copy an agreed version into a new draft (rule ids carry over); one draft revision at a time."""

    def revisable(old: SafetyPlan) -> bool:
        return old.status in AGREED_STATES

    def draft_of(old: SafetyPlan, source: StoredRecord, at: dt.datetime) -> SafetyPlan:
        meta = new_meta(actor, at, source.case_id, source.la_code)
        return SafetyPlan(
            **fields_of(content_of(old)), id=new_id(), meta=meta, status=S.draft, previous_version_id=old.id
        )

    return await revise(db, actor, plans(), plan_id, revisable, draft_of)


# --- stale on read (BR-09) ---------------------------------------------------------------------------------


async def with_staleness(conn: AsyncConnection, actor: Actor, shown: list[StoredRecord]) -> list[StoredRecord]:
    """Agreed plans flagged stale where a danger they were agreed on has a newer version, or a new active danger
    about their children has been recorded since. Worked out against the dangers the reader may see."""
    by_case: dict[UUID | None, list[tuple[DangerStatement, int]]] = {}
    out = []
    for stored in shown:
        plan = decode(stored)
        if plan.status not in AGREED_STATES:
            out.append(stored)
            continue
        if stored.case_id not in by_case:
            by_case[stored.case_id] = await dangers_of(conn, actor, stored.case_id)
        dangers = by_case[stored.case_id]
        pinned = {ref.id: ref.version for ref in plan.agreed_dangers}
        changed = [d.id for d, version in dangers if d.id in pinned and version > pinned[d.id]]
        new = [d.id for d in active_for(dangers, plan.child_ids) if d.id not in pinned]
        stale = (changed + new)[:SOME]
        if stale:
            doc = msgspec.json.encode(msgspec.structs.replace(plan, stale=True, stale_dangers=stale))
            stored = msgspec.structs.replace(stored, doc=doc)
        out.append(stored)
    return out


# --- check-ins ---------------------------------------------------------------------------------------------


def check_in_columns(check_in: PlanCheckIn) -> Columns:
    return columns_of(check_in, parent_id=check_in.plan_id)


async def new_check_in(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord | None, body: PlanCheckInCreate, check_in_id: UUID
) -> PlanCheckIn:
    """Whether one rule was kept, in the reporter's own voice (append-only: a correction is a new check-in naming
    the one it corrects)."""
    assert stored is not None
    plan = decode(stored)
    if plan.status not in AGREED_STATES:
        raise problems.Conflict(
            f"This plan version is {plan.status.value}; check-ins are recorded once the plan is agreed."
        )
    reporter = body.reporter
    check_own_voice(actor.role, actor.principal, reporter.perspective_role.value, reporter.perspective_person_id)
    if body.judgement is not None:
        said = body.judgement.perspective
        check_own_voice(actor.role, actor.principal, said.perspective_role.value, said.perspective_person_id)
    rules = {r.id: r for r in plan.rules}
    errors = []
    if body.rule_id not in rules or rules[body.rule_id].status is RuleStatus.removed:
        errors.append(error("/rule_id", "not_a_rule_of_plan", f"{body.rule_id} is not a rule in force in this plan"))
    assert plan.agency_approval is not None
    if body.on < plan.agency_approval.on or body.on > today():
        errors.append(
            error(
                "/on",
                "outside_plan",
                f"a check-in falls between the day the plan was agreed ({plan.agency_approval.on}) and today",
            )
        )
    if body.corrects is not None and body.corrects not in {
        c.id for c in await standing_check_ins(conn, actor, plan.id)
    }:
        errors.append(
            error("/corrects", "unknown_reference", f"{body.corrects} is not a standing check-in of this plan")
        )
    refuse(errors, "The check-in cannot be recorded:")
    at = now()
    return PlanCheckIn(
        **(fields_of(body) | no_wider_than(body, plan)),
        id=check_in_id,
        plan_id=plan.id,
        recorded_at=at,
        meta=new_meta(actor, at, stored.case_id, stored.la_code),
    )


# --- the declarations --------------------------------------------------------------------------------------

PLANS = register(
    Resource(
        Names(KIND, "SafetyPlan", "/v1/safety-plans", "plan_id", "safety plans"),
        Record(SafetyPlan, SafetyPlanCreate, plan_columns, parent="case"),
        Access(read=SHARED_WORK_READERS),
        listing=Listing(
            "listCaseSafetyPlans", "The case's safety plans and their versions, newest first", newest_first=True
        ),
        create=Create("createSafetyPlan", "Start a draft safety plan", new_plan, CASE_WRITERS),
        replace=Replace(
            "replaceSafetyPlan",
            "Edit a draft safety plan (If-Match; agreed versions are read-only, and a change clears agreements)",
            next_plan,
            CASE_WRITERS,
            problems=(409,),
        ),
        present=with_staleness,
        actions=(
            Action(
                "recordSafetyPlanAgreement",
                "Record a person's agreement to a plan version (the family agree as themselves)",
                "agreements",
                add_agreement,
                CASE_WRITERS | FAMILY,
                body=PlanAgreementCreate,
                problems=(404, 409, 422),
            ),
            Action(
                "agreeSafetyPlan",
                "The team manager agrees the plan (BR-07); the version it revises ends as superseded",
                "agree",
                agree,
                SIGNERS,
                body=SafetyPlanAgree,
                problems=(404, 409, 422),
                description=(
                    "Refused with `danger-not-covered` (422, BR-07) naming each active danger statement of the "
                    "plan's children that has no active rule, and with `plan-not-ready` (422, BR-07) when a rule has "
                    "no parent, carer or committed network member who knows the current danger statements, when the "
                    "review date, what happens if the plan is not followed, monitoring, how each rule is checked, "
                    "the child's own steps (a child aged 5 or over) or an agreement (each parent or carer, each "
                    "responsible network member) is missing."
                ),
            ),
            Action(
                "startSafetyPlanTrial",
                "Start the agreed plan's trial period (BR-08)",
                "trial",
                start_trial,
                CASE_WORKERS,
                body=SafetyPlanTrialStart,
                problems=(404, 409, 422),
            ),
            Action(
                "sustainSafetyPlan",
                "Record that the plan was sustained through its trial (BR-08: trial over, check-ins at the cadence)",
                "sustain",
                sustain,
                CASE_WORKERS,
                problems=(404, 409, 422),
            ),
            Action(
                "reviewSafetyPlan",
                "Put an agreed plan under review",
                "review",
                review,
                CASE_WORKERS,
                body=SafetyPlanReview,
            ),
            Action(
                "endSafetyPlan",
                "End a plan, with the reason",
                "end",
                end,
                CASE_WORKERS,
                body=SafetyPlanEnd,
                problems=(404, 409, 422),
            ),
            revision(
                "createSafetyPlanRevision",
                "Copy an agreed plan into a new draft version (rule ids carry over)",
                create_revision,
                CASE_WORKERS,
            ),
        ),
    )
)

CHECK_INS = register(
    Resource(
        Names(CHECK_IN_KIND, "PlanCheckIn", "/v1/plan-check-ins", "check_in_id", "safety plans", title="plan check-in"),
        Record(PlanCheckIn, PlanCheckInCreate, check_in_columns, parent=KIND, segment="check-ins"),
        Access(read=SHARED_WORK_READERS),
        listing=Listing("listPlanCheckIns", "A safety plan's check-ins, oldest first", by="parent_id"),
        create=Create(
            "recordPlanCheckIn",
            "Record whether a rule was kept (append-only; a correction names the check-in it corrects)",
            new_check_in,
            JUDGES,
            lock_parent=True,
            problems=(409,),
        ),
    )
)
ROUTES: list[object] = []
