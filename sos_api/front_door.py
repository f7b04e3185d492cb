"""The front door: contacts and referrals about children, and the manager's decision on each (domain 2.6, 3.1;
BR-19).

A referral records the referrer's answers to the four Signs of Safety questions. It waits in the council's
front-door pool, seen by every council case worker like an unallocated case, until a team manager decides, within
1 working day of its arrival (BR-19: the due day is worked out by the server, and whether the decision is late on
every read). A decision to act accepts the referral into a case, an existing one or one opened for its children,
in the same transaction; from then on the referral is seen with that case. A referral about children the council
is already working names their case when it is recorded, and is seen with that case from the start.

A referral about a child referred in the 12 months before it is a re-referral (domain 3.1, the DfE measure).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    Case,
    CaseCreate,
    CaseMember,
    CaseStatus,
    DueWork,
    DueWorkKind,
    FieldError,
    MemberRole,
    Person,
    Referral,
    ReferralCreate,
    ReferralDecision,
    ReferralDecisionCreate,
)
from sos_schema.frontdoor import NOT_ACCEPTED

from . import problems
from .auth.policy import (
    ALL_VISIBILITIES,
    CASE_WORKERS,
    CASE_WRITERS,
    COUNCIL_WIDE,
    MANAGERS,
    SYNC_CLIENTS,
    Access,
    Reach,
    Scope,
    signed_by,
)
from .context import Actor
from .db import records as q
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
    SourceKeyed,
    register,
    resource,
)
from .resources.service import (
    fields_of,
    insert,
    load,
    new_id,
    new_meta,
    next_meta,
    now,
    refuse,
    require_existing,
    today,
)
from .timescales import add_working_days, due, due_work, london_date

KIND = "referral"
# Domain 2.6: the referrer's answers a manager needs before deciding (questions 1 to 4; question 1 is required).
QUESTIONS = ("worried_what_might_happen", "working_well", "what_needs_to_happen", "referrer_scale")
DECISION_WITHIN_WORKING_DAYS = 1  # BR-19, Working Together
URGENT = frozenset({ReferralDecision.immediate_protection, ReferralDecision.strategy_discussion})


def decode(stored: StoredRecord) -> Referral:
    return msgspec.json.decode(stored.doc, type=Referral)


def referral_columns(referral: Referral) -> Columns:
    return columns_of(referral, child_ids=tuple(referral.subjects))


# --- the case a referral belongs to --------------------------------------------------------------------------


async def case_for(conn: AsyncConnection, actor: Actor, case_id: UUID, subjects: Sequence[UUID]) -> Case:
    """An open case of the council the caller may see, with every child the referral is about."""
    await require_existing(conn, actor, "case", [("/case_id", case_id)])
    case = msgspec.json.decode((await load(conn, actor, resource("case"), case_id)).doc, type=Case)
    children = {m.person_id for m in case.members if m.role in CHILD_ROLES}
    errors = [
        FieldError(pointer="/case_id", code="not_a_child_of_case", detail=f"{s} is not a child in case {case_id}")
        for s in subjects
        if s not in children
    ]
    if case.status is CaseStatus.closed:
        errors.append(FieldError(pointer="/case_id", code="case_closed", detail=f"case {case_id} is closed"))
    refuse(errors, "The referral cannot join this case:")
    return case


async def open_case(conn: AsyncConnection, actor: Actor, referral: Referral, family_label: str) -> UUID:
    """A new case for the referral's children, opened today through the case kind's own rules and bookkeeping,
    so its access grants are written; unallocated, so it lands in the triage pool."""
    found = await q.select_where(conn, actor.scope, resource("person"), q.having_ids(referral.subjects))
    unborn = {
        p.id
        for p in (msgspec.json.decode(r.doc, type=Person) for r in found)
        if p.date_of_birth is None and p.expected_date_of_birth is not None
    }
    members = [
        CaseMember(person_id=s, role=MemberRole.unborn_child if s in unborn else MemberRole.child)
        for s in referral.subjects
    ]
    body = CaseCreate(family_label=family_label, members=members, opened_on=today())
    cases, case_id = resource("case"), new_id()
    assert cases.create is not None
    case = await cases.create.build(conn, actor, None, body, case_id)
    await insert(conn, actor, cases, case, case.meta.created_at)
    if cases.after is not None:
        await cases.after(conn, actor, case, None)
    return case_id


# --- recording a referral ---------------------------------------------------------------------------------------


def a_year_before(at: dt.datetime) -> dt.datetime:
    try:
        return at.replace(year=at.year - 1)
    except ValueError:  # 29 February
        return at.replace(year=at.year - 1, day=28)


async def earlier_referrals(
    conn: AsyncConnection, actor: Actor, body: ReferralCreate, itself: UUID | None = None
) -> list[UUID]:
    """Referrals about any of the same children received in the 12 months before this one (`itself` aside),
    across the whole council (the re-referral measure is the council's, not the caller's); those entered in error
    do not count."""
    council = Scope(la_code=actor.scope.tenant, visibilities=ALL_VISIBILITIES)
    found = await q.select_where(conn, council, resource(KIND), records.c.child_ids.overlap(list(body.subjects)))
    since = a_year_before(body.received_at)
    return [r.id for r in map(decode, found) if since <= r.received_at < body.received_at and r.id != itself]


async def checked_contact(conn: AsyncConnection, actor: Actor, body: ReferralCreate, *, case: bool = True) -> None:
    """A contact that has arrived, about people the council has recorded, and (with `case`) the open case of its
    children when it names one."""
    if body.received_at > now():
        detail = "received_at is in the future"
        refuse(
            [FieldError(pointer="/received_at", code="in_the_future", detail=detail)],
            "A contact is recorded once it has arrived:",
        )
    people = [(f"/subjects/{i}", p) for i, p in enumerate(body.subjects)]
    people += [(f"/household_members/{i}", p) for i, p in enumerate(body.household_members)]
    await require_existing(conn, actor, "person", people)
    if case and body.case_id is not None:
        await case_for(conn, actor, body.case_id, body.subjects)


async def new_referral(
    conn: AsyncConnection, actor: Actor, _: StoredRecord | None, body: ReferralCreate, referral_id: UUID
) -> Referral:
    """The children and household are people the council has recorded; the decision is due 1 working day after
    the day the contact arrived (BR-19)."""
    at = now()
    await checked_contact(conn, actor, body)
    previous = await earlier_referrals(conn, actor, body)
    return Referral(
        **fields_of(body),
        id=referral_id,
        meta=new_meta(actor, at, body.case_id),
        decision_due_by=add_working_days(london_date(body.received_at), DECISION_WITHIN_WORKING_DAYS),
        re_referral=bool(previous),
        previous_referral_ids=previous[-100:],
    )


# Once decided, the facts the decision rests on: who it is about and when it arrived (its clock, BR-19).
DECIDED_ON = ("subjects", "received_at")


async def next_referral(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: ReferralCreate) -> Referral:
    """The contact as corrected (a council's system re-syncing it, or a worker): the referrer's facts and answers
    may change at any time, the decision never (it is not in the body; `decideReferral` makes it once). While
    undecided, everything in the body may change, its case included; once decided, the children and the time it
    arrived stay as the decision found them (`referral-decided`, 409), and so does the case the decision linked
    (send it, or leave `case_id` out)."""
    old = decode(stored)
    case_id = body.case_id
    if old.decision is not None:
        errors = [
            FieldError(pointer=f"/{f}", code="decided_on", detail=f"{f} is as the decision found it")
            for f in DECIDED_ON
            if getattr(body, f) != getattr(old, f)
        ]
        if case_id not in (None, old.case_id):
            detail = f"the decision linked the referral to case {old.case_id}"
            errors.append(FieldError(pointer="/case_id", code="decided_on", detail=detail))
        if errors:
            raise problems.ReferralDecided(
                f"This referral was decided ({old.decision.value}) at {old.decided_at}: "
                + "; ".join(e.detail for e in errors)
                + ". Correct the other facts, or mark the referral entered in error and record it again.",
                rule="BR-19",
                errors=errors,
            )
        case_id = old.case_id
        body = msgspec.structs.replace(body, case_id=case_id)
    # A decided referral's case was checked when the decision linked it (it may have closed since).
    await checked_contact(conn, actor, body, case=old.decision is None)
    decided = old.decision is not None
    previous = old.previous_referral_ids if decided else await earlier_referrals(conn, actor, body, old.id)
    meta = msgspec.structs.replace(next_meta(old.meta, actor, now()), case_id=case_id)
    return msgspec.structs.replace(
        old,
        **fields_of(body),
        meta=meta,
        decision_due_by=add_working_days(london_date(body.received_at), DECISION_WITHIN_WORKING_DAYS),
        re_referral=bool(previous),
        previous_referral_ids=previous[-100:],
        decision_days_remaining=None,
        decision_overdue=None,
    )


# --- the decision (BR-19) ---------------------------------------------------------------------------------------


async def decide(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: ReferralDecisionCreate) -> Referral:
    """The team manager's decision (the role says manager; the token says who, BR-19), once, on a referral whose
    front-door questions were asked. Acting on it links the referral to its case: the one it names, the one in the
    body, or a new one."""
    referral = decode(stored)
    if referral.decision is not None:
        raise problems.ReferralDecided(
            f"This referral was decided ({referral.decision.value}) at {referral.decided_at}.", rule="BR-19"
        )
    # A child in danger is protected first: the questions wait for an urgent decision, never the other way round.
    urgent = referral.immediate_danger or body.decision in URGENT
    missing = [
        FieldError(pointer=f"/{f}", code="required_to_decide", detail=f"{f} is required before the referral is decided")
        for f in QUESTIONS
        if getattr(referral, f) is None and not urgent
    ]
    if missing:
        detail = "Ask the referrer first: " + "; ".join(e.detail for e in missing) + "."
        raise problems.ReferralIncomplete(detail, rule="BR-19", errors=missing)
    case_id = referral.case_id
    if referral.case_id is not None and (body.family_label or body.case_id not in (None, referral.case_id)):
        detail = f"the referral is already about case {referral.case_id}"
        refuse(
            [FieldError(pointer="/case_id", code="already_linked", detail=detail)], "The decision stays with its case:"
        )
    if body.decision not in NOT_ACCEPTED and case_id is None:
        if body.case_id is not None:
            case_id = (await case_for(conn, actor, body.case_id, referral.subjects)).id
        elif body.family_label is not None:
            case_id = await open_case(conn, actor, referral, body.family_label)
        else:
            detail = "name the case to accept the referral into (case_id), or give family_label for a new case"
            refuse(
                [FieldError(pointer="/case_id", code="required", detail=detail)], "Accepting a referral needs a case:"
            )
    at = now()
    # The policy reaches a referral through its case: from this version on it is that case's content.
    meta = msgspec.structs.replace(next_meta(referral.meta, actor, at), case_id=case_id)
    return msgspec.structs.replace(
        referral,
        decision=body.decision,
        decision_by=signed_by(actor.principal),
        decided_by_user=actor.name,
        decided_at=at,
        decision_rationale=body.decision_rationale,
        rag_rating=body.rag_rating,
        case_id=case_id,
        meta=meta,
    )


async def with_clock(_: AsyncConnection, __: Actor, shown: list[StoredRecord]) -> list[StoredRecord]:
    """How the decision stands against its due day, worked out on every read: from today while undecided, from
    the day of the decision once made (a late decision stays late)."""
    out = []
    for stored in shown:
        referral = decode(stored)
        on = london_date(referral.decided_at) if referral.decided_at is not None else today()
        clock = due(referral.decision_due_by, on)
        shown_as = msgspec.structs.replace(
            referral, decision_days_remaining=clock.days_remaining, decision_overdue=clock.overdue
        )
        out.append(msgspec.structs.replace(stored, doc=msgspec.json.encode(shown_as)))
    return out


def decision_due(referral: Referral) -> list[DueWork]:
    """An undecided referral owes its manager's decision (BR-19)."""
    if referral.decision is not None:
        return []
    what, due_on = DueWorkKind.referral_decision, referral.decision_due_by
    return [due_work(what, KIND, referral.id, referral.case_id, referral.subjects, due_on)]


REFERRALS = register(
    Resource(
        Names(KIND, "Referral", "/v1/referrals", "referral_id", "front door"),
        Record(Referral, ReferralCreate, referral_columns, reach=Reach.front_door),
        # The front door and quality staff; a referrer, the family and partners are not shown the council's record.
        Access(read=CASE_WORKERS | COUNCIL_WIDE | SYNC_CLIENTS),
        listing=Listing("listReferrals", "The referrals the caller may see, newest first", newest_first=True),
        create=Create(
            "createReferral",
            "Record a contact or referral about one or more children (the decision is due in 1 working day)",
            new_referral,
            CASE_WRITERS,
            problems=(422,),
        ),
        replace=Replace(
            "replaceReferral",
            "Correct a contact or referral's facts and the referrer's answers (If-Match; the decision stays)",
            next_referral,
            CASE_WRITERS,
            problems=(409, 422),
            description=(
                "Every version is kept. The decision is never in the body: `decideReferral` makes it once. Once "
                "decided, `subjects` and `received_at` stay as the decision found them, and so does the case the "
                "decision linked (send it, or leave `case_id` out): a change to any of them is refused with "
                "`referral-decided` (409) naming each field. While undecided, the case may be named, changed or "
                "left out (the referral then waits in the front-door pool), and the due day follows `received_at`."
            ),
        ),
        present=with_clock,
        due=decision_due,
        # Interop R3, R11: kept by the council's own system (its case management system), which owns all of it.
        sync=SourceKeyed(("referral",), aliases="`cont_contact_id` or `cine_referral_id` (referral)"),
        actions=(
            Action(
                "decideReferral",
                "The team manager decides what happens to a referral (BR-19; If-Match)",
                "decision",
                decide,
                MANAGERS,
                body=ReferralDecisionCreate,
                problems=(404, 409, 422),
                description=(
                    "Once per referral (`referral-decided`, 409). Refused with `referral-incomplete` (422) until "
                    "worried_what_might_happen, working_well, what_needs_to_happen and referrer_scale are recorded, "
                    "unless the child is in immediate danger or the decision is immediate protection or a strategy "
                    "discussion. "
                    "A decision other than nfa_advice_given or signpost_universal accepts the referral into a case "
                    "in the same transaction: the case it already names, the open case named by `case_id` (it must "
                    "hold the referral's children), or a new unallocated case labelled `family_label`."
                ),
            ),
        ),
    )
)
ROUTES: list[object] = []
