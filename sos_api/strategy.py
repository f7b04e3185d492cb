"""Strategy discussions and the section 47 enquiries they start (domain 2.16, 3.5, 3.6, 4.2; BR-13, BR-20).

A strategy discussion is written up as a draft (every save a new version, If-Match) and finalised by the team
manager once its outcome, immediate protection, the three flags and whether the family was told are recorded
(`strategy-incomplete` names each one missing). Finalised, it is read-only: its decisions are fixed (3.6). An
outcome of s47_single_agency or s47_joint_with_police starts a section 47 enquiry on finalising; a manager records
its result once (`s47-outcome`), and that is fixed too. A correction after finalising is an amendment: a new
version carrying the reason, who (from the token) and when, checked as on finalising.

While the enquiry is under way, or when it recommends a conference, the initial child protection conference is
due 15 working days after the discussion (BR-13): worked out on every read, from today until an initial
conference naming this discussion has been held, and from the day it was held after that (a late one stays late).
Until then it is on the team's due work (`due`).

Strategy discussions are professionals only by default (4.2): never the family's or the child's to read. A
partner agency reads one only where it was shared with agencies, and then not the information shared at it
that the agency may not see (restricted police intelligence, or professionals only items of a record shared with
the family but not with agencies).
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    Case,
    CaseStatus,
    ChildProtectionConference,
    ConferenceType,
    DueWork,
    DueWorkKind,
    FieldError,
    InformationShared,
    MemberRole,
    S47Outcome,
    S47OutcomeCreate,
    S47Recommendation,
    S47Status,
    StrategyAmendment,
    StrategyDiscussion,
    StrategyDiscussionAmend,
    StrategyDiscussionCreate,
    StrategyStatus,
    Visibility,
)
from sos_schema._base import SOME
from sos_schema.statutory import STARTS_S47

from . import problems
from .auth.policy import (
    ALL_VISIBILITIES,
    CASE_WRITERS,
    MANAGERS,
    PARTNERS,
    PROFESSIONALS,
    Access,
    Scope,
    signed_by,
)
from .context import Actor
from .db import records as q
from .db.records import Columns, StoredRecord, columns_of
from .db.tables import records
from .resources.members import not_children
from .resources.presets import KEPT_IN_CMS
from .resources.registry import (
    Action,
    Create,
    Listing,
    Names,
    Record,
    Replace,
    Resource,
    kinds,
    register,
    resource,
)
from .resources.service import error, fields_of, load, new_meta, next_meta, now, refuse, today
from .timescales import add_working_days, due, due_work, london_date

KIND = "strategy_discussion"
MAP_KIND, CONFERENCE_KIND = "assessment_map", "conference"
ICPC_WITHIN_WORKING_DAYS = 15  # BR-13, Working Together: the ICPC follows the strategy discussion that started s47
# Domain 2.16: what the manager needs recorded before the discussion's decisions are fixed.
NEEDED_TO_FINALISE = (
    "outcome",
    "immediate_protection",
    "criminal_investigation",
    "medical_needed",
    "interview_planned",
    "family_informed",
)
# The conferences that follow a strategy discussion (a pre-birth conference is the initial one for an unborn child).
INITIAL_CONFERENCES = frozenset({ConferenceType.initial, ConferenceType.pre_birth_initial})
FAMILY_ROLES = frozenset(MemberRole) - {MemberRole.professional}


def decode(stored: StoredRecord) -> StrategyDiscussion:
    return msgspec.json.decode(stored.doc, type=StrategyDiscussion)


def strategy_columns(discussion: StrategyDiscussion) -> Columns:
    return columns_of(discussion, child_ids=tuple(discussion.child_ids))


# --- what a discussion names ---------------------------------------------------------------------------------


async def unknown_people(
    conn: AsyncConnection, actor: Actor, case: Case, body: StrategyDiscussionCreate, within: str = ""
) -> list[FieldError]:
    """The chair and participants are practitioners the council has recorded, not the family of this case; anyone
    named to carry out an immediate action is someone the council has recorded."""
    practitioners = [(f"{within}/chair", body.chair)]
    practitioners += [(f"{within}/participants/{i}/person_id", p.person_id) for i, p in enumerate(body.participants)]
    actions = enumerate(body.immediate_actions)
    doers = [(f"{within}/immediate_actions/{i}/who_person_id", a.who_person_id) for i, a in actions]
    named = practitioners + [(at, p) for at, p in doers if p is not None]
    found = await q.select_where(conn, actor.scope, resource("person"), q.having_ids({p for _, p in named}))
    known = {r.id for r in found}
    roles = {m.person_id: m.role for m in case.members}
    errors = [
        error(at, "unknown_reference", f"{p} is not a person recorded in this council")
        for at, p in named
        if p not in known
    ]
    errors += [
        error(at, "not_a_practitioner", f"{p} is {roles[p].value} in this case, not a practitioner")
        for at, p in practitioners
        if p in known and roles.get(p) in FAMILY_ROLES
    ]
    return errors


async def not_in_case(
    conn: AsyncConnection, actor: Actor, case_id: UUID, map_id: UUID | None, within: str = ""
) -> list[FieldError]:
    """A strategy map, when named, is one of this case's maps."""
    if map_id is None:
        return []
    found = await q.select_where(
        conn, actor.scope, resource(MAP_KIND), q.having_ids([map_id]), records.c.case_id == case_id
    )
    return (
        []
        if found
        else [error(f"{within}/map_id", "not_a_map_of_case", f"{map_id} is not an assessment map of this case")]
    )


async def wrong_references(
    conn: AsyncConnection, actor: Actor, case: Case, body: StrategyDiscussionCreate, within: str = ""
) -> list[FieldError]:
    """Everything a discussion names (`within` the JSON Pointer of the discussion in the request), checked in one
    pass so the caller can put it all right at once (BR-20)."""
    errors = await not_children(conn, actor, case, body.child_ids, within + "/child_ids/{i}")
    errors += await not_in_case(conn, actor, case.id, body.map_id, within)
    return errors + await unknown_people(conn, actor, case, body, within)


async def check_references(conn: AsyncConnection, actor: Actor, case: Case, body: StrategyDiscussionCreate) -> None:
    refuse(
        await wrong_references(conn, actor, case, body), "The strategy discussion names people or records it cannot:"
    )


async def case_of(conn: AsyncConnection, actor: Actor, stored: StoredRecord) -> Case:
    """The case a discussion belongs to."""
    return msgspec.json.decode((await load(conn, actor, resource("case"), stored.case_id)).doc, type=Case)


def open_case(stored: StoredRecord) -> Case:
    case = msgspec.json.decode(stored.doc, type=Case)
    if case.status is CaseStatus.closed:
        raise problems.Conflict("The case is closed: a new contact at the front door starts new work.")
    return case


# --- create and edit a draft ---------------------------------------------------------------------------------


async def new_strategy(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord | None, body: StrategyDiscussionCreate, strategy_id: UUID
) -> StrategyDiscussion:
    assert stored is not None
    case = open_case(stored)
    await check_references(conn, actor, case, body)
    meta = new_meta(actor, now(), stored.id, stored.la_code)
    return StrategyDiscussion(**fields_of(body), id=strategy_id, meta=meta, status=StrategyStatus.draft)


async def next_strategy(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: StrategyDiscussionCreate
) -> StrategyDiscussion:
    """A draft's next save; a finalised discussion's decisions are fixed (domain 3.6)."""
    old = decode(stored)
    if old.status is StrategyStatus.finalised:
        raise problems.ReadOnly("This strategy discussion is finalised: its record and decisions are fixed.")
    await check_references(conn, actor, await case_of(conn, actor, stored), body)
    return msgspec.structs.replace(old, **fields_of(body), meta=next_meta(old.meta, actor, now()))


# --- finalising and the s47 enquiry --------------------------------------------------------------------------


def not_ready(discussion: StrategyDiscussionCreate, at: dt.datetime, within: str = "") -> list[FieldError]:
    errors = [
        error(f"{within}/{f}", "required_to_finalise", f"{f} is required before the discussion is finalised")
        for f in NEEDED_TO_FINALISE
        if getattr(discussion, f) is None
    ]
    if discussion.held_at > at:
        errors.append(error(f"{within}/held_at", "in_the_future", "a discussion is finalised once it has been held"))
    return errors


async def finalise(conn: AsyncConnection, actor: Actor, stored: StoredRecord, _: None) -> StrategyDiscussion:
    """The team manager fixes the discussion's decisions (who, from the token); an s47 outcome starts the
    enquiry, and with it the ICPC's clock."""
    discussion, at = decode(stored), now()
    if discussion.status is StrategyStatus.finalised:
        raise problems.ReadOnly(f"This strategy discussion was finalised at {discussion.finalised_at}.")
    refuse(
        not_ready(discussion, at), "The strategy discussion is not ready to be finalised:", problems.StrategyIncomplete
    )
    return msgspec.structs.replace(
        discussion,
        status=StrategyStatus.finalised,
        finalised_at=at,
        finalised_by=signed_by(actor.principal),
        finalised_by_user=actor.name,
        s47_status=S47Status.under_way if discussion.outcome in STARTS_S47 else S47Status.none,
        meta=next_meta(discussion.meta, actor, at),
    )


def no_enquiry(discussion: StrategyDiscussion) -> problems.S47NotUnderWay:
    if discussion.s47_outcome is not None:
        return problems.S47NotUnderWay(
            f"The section 47 enquiry was completed on {discussion.s47_outcome.completed_on}; its outcome is fixed."
        )
    if discussion.status is StrategyStatus.draft:
        return problems.S47NotUnderWay("The discussion is a draft: an s47 enquiry starts when it is finalised.")
    outcome = discussion.outcome.value if discussion.outcome else "none"
    return problems.S47NotUnderWay(f"The discussion's outcome ({outcome}) started no section 47 enquiry.")


async def record_s47_outcome(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: S47OutcomeCreate
) -> StrategyDiscussion:
    """The enquiry's result, once, authorised by the manager whose token it is; completed between the discussion
    and today."""
    discussion = decode(stored)
    if discussion.s47_status is not S47Status.under_way:
        raise no_enquiry(discussion)
    held_on = london_date(discussion.held_at)
    errors = []
    if body.completed_on < held_on:
        detail = f"completed_on cannot be before the strategy discussion ({held_on.isoformat()})"
        errors.append(error("/completed_on", "before_start", detail))
    if body.completed_on > today():
        errors.append(error("/completed_on", "in_the_future", "an enquiry is recorded once it is completed"))
    refuse(errors, "The s47 outcome cannot be recorded:")
    at = now()
    outcome = S47Outcome(
        **fields_of(body), authorised_by=signed_by(actor.principal), authorised_by_user=actor.name, recorded_at=at
    )
    return msgspec.structs.replace(
        discussion, s47_status=S47Status.completed, s47_outcome=outcome, meta=next_meta(discussion.meta, actor, at)
    )


# --- amendments after finalising (domain 3.6) ----------------------------------------------------------------


def unsettling(old: StrategyDiscussion, new: StrategyDiscussionCreate) -> list[FieldError]:
    """An amendment corrects the record; it does not undo or start an s47 enquiry, nor move the discussion after
    the enquiry it started was completed."""
    errors = []
    if (old.outcome in STARTS_S47) != (new.outcome in STARTS_S47):
        detail = "whether the outcome starts an s47 enquiry was settled when the discussion was finalised"
        errors.append(error("/discussion/outcome", "s47_settled", detail))
    if old.s47_outcome is not None and london_date(new.held_at) > old.s47_outcome.completed_on:
        detail = f"the s47 enquiry it started was completed on {old.s47_outcome.completed_on.isoformat()}"
        errors.append(error("/discussion/held_at", "after_s47_completed", detail))
    return errors


async def amend(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: StrategyDiscussionAmend
) -> StrategyDiscussion:
    """A finalised discussion as it should now read: a new version with the manager (from the token), the time
    and the reason; every earlier version stays readable. Checked as on finalising."""
    old, at = decode(stored), now()
    if old.status is StrategyStatus.draft:
        raise problems.Conflict("This strategy discussion is a draft: edit it (PUT) until it is finalised.")
    if len(old.amendments) >= SOME:
        raise problems.Conflict(f"This strategy discussion has been amended {SOME} times: record a new one.")
    new = body.discussion
    errors = await wrong_references(conn, actor, await case_of(conn, actor, stored), new, "/discussion")
    refuse(errors, "The amendment names people or records it cannot:")
    refuse(
        not_ready(new, at, "/discussion") + unsettling(old, new),
        "The amended strategy discussion is not complete:",
        problems.StrategyIncomplete,
    )
    amendment = StrategyAmendment(
        version=stored.version + 1, reason=body.reason, by=signed_by(actor.principal), by_user=actor.name, at=at
    )
    return msgspec.structs.replace(
        old, **fields_of(new), amendments=[*old.amendments, amendment], meta=next_meta(old.meta, actor, at)
    )


# --- on every read: the ICPC's clock and what the reader may see ---------------------------------------------


async def conferences_held(conn: AsyncConnection, stored: StoredRecord) -> dict[UUID, dt.date]:
    """The day each strategy discussion of the case was followed by an initial conference that has been held.
    Read across the council, whoever is reading: the clock is the same for everyone."""
    if CONFERENCE_KIND not in kinds():
        return {}
    council = Scope(la_code=stored.la_code, visibilities=ALL_VISIBILITIES)
    found = await q.select_where(conn, council, resource(CONFERENCE_KIND), records.c.case_id == stored.case_id)
    held: dict[UUID, dt.date] = {}
    for conference in (msgspec.json.decode(f.doc, type=ChildProtectionConference) for f in found):
        followed, day = conference.strategy_discussion_id, conference.held_on
        if conference.type in INITIAL_CONFERENCES and followed is not None and day is not None:
            held[followed] = min(day, held.get(followed, day))
    return held


def needs_icpc(discussion: StrategyDiscussion) -> bool:
    """An enquiry under way may end in a conference; a completed one needs one only when it recommends it."""
    if discussion.s47_status is S47Status.under_way:
        return True
    outcome = discussion.s47_outcome
    return outcome is not None and outcome.recommendation is S47Recommendation.icpc


def seen_by(scope: Scope, discussion: StrategyDiscussion, item: InformationShared) -> bool:
    """An item of information shared, as the row filter decides for records (domain 4.1, BR-26)."""
    if scope.agency:
        return item.visibility is Visibility.family_shareable or (
            item.visibility is Visibility.professionals_only and discussion.shared_with_agencies
        )
    return item.visibility.value in scope.visibilities


async def as_seen(conn: AsyncConnection, actor: Actor, shown: list[StoredRecord]) -> list[StoredRecord]:
    """Each discussion with the ICPC's due day, days remaining and whether it is late (from today, or from the
    day the conference was held), and without the information the reader may not see."""
    held_by_case: dict[UUID | None, dict[UUID, dt.date]] = {}
    out = []
    for stored in shown:
        discussion = decode(stored)
        changes: dict[str, object] = {}
        if needs_icpc(discussion):
            if stored.case_id not in held_by_case:
                held_by_case[stored.case_id] = await conferences_held(conn, stored)
            due_on = add_working_days(london_date(discussion.held_at), ICPC_WITHIN_WORKING_DAYS)
            held_on = held_by_case[stored.case_id].get(discussion.id)
            clock = due(due_on, held_on)
            changes |= {
                "icpc_held_on": held_on,
                "icpc_due_by": due_on,
                "icpc_days_remaining": clock.days_remaining,
                "icpc_overdue": clock.overdue,
            }
        visible = [i for i in discussion.information_shared if seen_by(actor.scope, discussion, i)]
        if len(visible) < len(discussion.information_shared):
            changes["information_shared"] = visible
        if changes:
            stored = msgspec.structs.replace(
                stored, doc=msgspec.json.encode(msgspec.structs.replace(discussion, **changes))
            )
        out.append(stored)
    return out


def icpc_owed(discussion: StrategyDiscussion) -> list[DueWork]:
    """A team's due work: the initial conference, until one following this discussion has been held (BR-13)."""
    if discussion.icpc_due_by is None or discussion.icpc_held_on is not None:
        return []
    what, case_id = DueWorkKind.initial_conference, discussion.meta.case_id
    return [due_work(what, KIND, discussion.id, case_id, discussion.child_ids, discussion.icpc_due_by)]


# --- the declaration -----------------------------------------------------------------------------------------

FINALISE = (
    "The team manager finalises the discussion (who, from the token). Refused with `strategy-incomplete` (422) "
    "naming each of outcome, immediate_protection, criminal_investigation, medical_needed, interview_planned and "
    "family_informed still missing, and held_at when it is in the future; with `read-only` (409) when already "
    "finalised. An outcome of s47_single_agency or s47_joint_with_police starts the section 47 enquiry "
    "(s47_status under_way) and the ICPC's clock: due 15 working days after held_at (BR-13)."
)
S47 = (
    "Once, while the enquiry the discussion started is under way (`s47-not-under-way`, 409, otherwise: a draft, an "
    "outcome that started no enquiry, or one already completed, whose outcome is fixed). completed_on is not before "
    "the discussion nor in the future (422). Who authorised it comes from the token."
)
AMEND = (
    "Domain 3.6: a finalised discussion's decisions are fixed; a correction is a new version carrying the whole "
    "record as it should now read, with who amended it (from the token), when and why in `amendments`. 409 for a "
    "draft (edit it instead). The same checks as recording one and finalising one (422, `strategy-incomplete` for "
    "missing decisions); an amendment may not change whether the outcome starts an s47 enquiry, nor move the "
    "discussion after the enquiry it started was completed."
)
CHECKS = (
    "The children are children of the case (BR-20), the map is one of the case's, the chair and participants are "
    "people the council has recorded and not the family of this case, and anyone named for an immediate action is "
    "recorded (422 naming each). "
)

STRATEGY_DISCUSSIONS = register(
    Resource(
        Names(KIND, "StrategyDiscussion", "/v1/strategy-discussions", "strategy_id", "statutory"),
        Record(
            StrategyDiscussion,
            StrategyDiscussionCreate,
            strategy_columns,
            parent="case",
            default_visibility=Visibility.professionals_only.value,
        ),
        # Domain 4.2: professionals only, never the family or the child; partners where it was shared with agencies.
        Access(read=PROFESSIONALS | PARTNERS),
        system_owns=KEPT_IN_CMS,
        listing=Listing(
            "listCaseStrategyDiscussions", "The case's strategy discussions, newest first", newest_first=True
        ),
        create=Create(
            "createStrategyDiscussion",
            "Record a strategy discussion about children of the case (a draft until the team manager finalises it)",
            new_strategy,
            CASE_WRITERS,
            problems=(409, 422),
            description=CHECKS + "409 when the case is closed.",
        ),
        replace=Replace(
            "replaceStrategyDiscussion",
            "Edit a draft strategy discussion (If-Match; finalised ones are read-only)",
            next_strategy,
            CASE_WRITERS,
            problems=(409, 422),
            description=CHECKS + "`read-only` (409) once finalised.",
        ),
        present=as_seen,
        due=icpc_owed,
        actions=(
            Action(
                "finaliseStrategyDiscussion",
                "The team manager finalises the strategy discussion; an s47 outcome starts the enquiry (If-Match)",
                "finalise",
                finalise,
                MANAGERS,
                problems=(404, 409, 422),
                description=FINALISE,
            ),
            Action(
                "amendStrategyDiscussion",
                "The team manager amends a finalised strategy discussion, with the reason (If-Match; a new version)",
                "amendments",
                amend,
                MANAGERS,
                body=StrategyDiscussionAmend,
                problems=(404, 409, 422),
                description=AMEND,
            ),
            Action(
                "recordS47Outcome",
                "A manager records the result of the section 47 enquiry the discussion started (If-Match)",
                "s47-outcome",
                record_s47_outcome,
                MANAGERS,
                body=S47OutcomeCreate,
                problems=(404, 409, 422),
                description=S47,
            ),
        ),
    )
)
ROUTES: list[object] = []
