"""Child episodes and step changes: each child's level of involvement over time (domain 2.2, 3.1, 3.2; BR-20).

Each child has episodes of their own, one per level from start to end, and at most one open per level; opening a
higher level leaves a lower one open until the worker ends it (domain 3.1). A step up or down is a StepChange,
append-only (3.6), and one transaction: each child's episode at `from_level` ends on the day of the decision and
a new one at `to_level` starts that day, linked back by `stepped_from` (3.2). A child who already has an open
episode at `to_level` keeps it, and only the `from_level` one ends: many councils keep child in need open beside
child protection (3.1). Opening an episode and stepping both lock the case row, so two writers cannot open one
child's level twice, nor open one while the case closes.

Step down from child protection happens only through a review conference (3.2, 3.4): each child stepped down needs
a review conference of the case, held by the day of the step, whose circulated or agreed decision ends the plan
(`no-rcpc-decision`, 409). A declined step or a correction moves nobody, so it needs none.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    Case,
    CaseLevel,
    CaseStatus,
    ChildEpisode,
    ChildEpisodeCreate,
    ChildEpisodeEnd,
    ChildProtectionConference,
    EpisodeEndReason,
    EpisodeStartReason,
    FieldError,
    LegalBasis,
    StepChange,
    StepChangeCreate,
)

from . import problems
from .auth.policy import CASE_WRITERS, MANAGERS, SHARED_WORK_READERS, Access, signed_by
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
    SourceKeyed,
    register,
    resource,
)
from .resources.service import (
    ending,
    error,
    fields_of,
    insert,
    load,
    new_id,
    new_meta,
    next_meta,
    now,
    refuse,
    today,
    update,
)

KIND, STEP_KIND = "child_episode", "step_change"
OPEN, ENDED = "open", "ended"
RANK = {level: rank for rank, level in enumerate(CaseLevel)}
# The legal basis a stepped-to episode gets when the step change names none (looked_after always names one).
DEFAULT_BASIS = {
    CaseLevel.child_in_need: LegalBasis.s17,
    CaseLevel.child_protection: LegalBasis.s47,
    CaseLevel.care_leaver: LegalBasis.care_leaver_duty,
}


def episodes() -> Resource:
    return resource(KIND)


def decode(stored: StoredRecord) -> ChildEpisode:
    return msgspec.json.decode(stored.doc, type=ChildEpisode)


def episode_columns(episode: ChildEpisode) -> Columns:
    """Open or ended, as a column: the case reads its open episodes in one query (current level, closing)."""
    return columns_of(episode, child_ids=(episode.child_id,), status=OPEN if episode.end_date is None else ENDED)


def step_columns(step: StepChange) -> Columns:
    return columns_of(step, child_ids=tuple(step.child_ids))


async def open_at(
    conn: AsyncConnection, actor: Actor, case_id: UUID, level: CaseLevel, *, lock: bool = False
) -> dict[UUID, StoredRecord]:
    """The case's open episodes at one level, by child."""
    where = (records.c.case_id == case_id, records.c.status == OPEN)
    found = [(decode(f), f) for f in await q.select_where(conn, actor.scope, episodes(), *where, for_update=lock)]
    return {episode.child_id: f for episode, f in found if episode.level is level}


def open_case(stored: StoredRecord) -> Case:
    case = msgspec.json.decode(stored.doc, type=Case)
    if case.status is CaseStatus.closed:
        raise problems.Conflict("The case is closed: a new contact at the front door starts new work.")
    return case


def already_open(child: UUID, level: CaseLevel, stored: StoredRecord) -> problems.Duplicate:
    return problems.Duplicate(
        f"Child {child} already has an open {level.value} episode ({stored.id}): one open episode per level."
    )


# --- episodes ---------------------------------------------------------------------------------------------


async def new_episode(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord | None, body: ChildEpisodeCreate, episode_id: UUID
) -> ChildEpisode:
    """An open episode (or, with both dates, a past one) for a child of the case; one open per level."""
    assert stored is not None
    case = open_case(stored) if body.end_date is None else msgspec.json.decode(stored.doc, type=Case)
    refuse(await not_children(conn, actor, case, [body.child_id], "/child_id"), "The episode cannot be opened:")
    if body.end_date is None:
        clash = (await open_at(conn, actor, stored.id, body.level)).get(body.child_id)
        if clash is not None:
            raise already_open(body.child_id, body.level, clash)
    return ChildEpisode(**fields_of(body), id=episode_id, meta=new_meta(actor, now(), stored.id, stored.la_code))


async def end_episode(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: ChildEpisodeEnd) -> ChildEpisode:
    episode = decode(stored)
    already = "This episode has already ended." if episode.end_date is not None else None
    ended = {"end_date": body.end_date, "end_reason": body.end_reason, "end_reason_note": body.end_reason_note}
    done: ChildEpisode = ending(episode, actor, already, (body.end_date, episode.start_date, "end_date"), **ended)
    return done


STEPPED = frozenset({EpisodeEndReason.stepped_up, EpisodeEndReason.stepped_down})


async def next_episode(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: ChildEpisodeCreate
) -> ChildEpisode:
    """The episode as corrected (a council's system re-syncing it, or a worker): its level, legal basis, dates and
    reasons, still one open episode per child per level. The child is the episode's own; an ended episode stays
    ended (its end may be corrected), and one a step change ended or started keeps what the step decided."""
    old = decode(stored)
    # The case row, locked: opening and stepping lock it too, so a level cannot be opened twice meanwhile.
    case = await load(conn, actor, resource("case"), stored.case_id, lock=True)
    if body.child_id != old.child_id:
        detail = f"the episode is {old.child_id}'s: another child's episode is a new one"
        refuse([FieldError(pointer="/child_id", code="fixed", detail=detail)], "The episode cannot change child:")
    if old.end_date is not None and body.end_date is None:
        raise problems.Conflict("This episode has ended and stays ended: open a new episode for the child.")
    stepped = old.end_reason in STEPPED
    if (stepped or body.end_reason in STEPPED) and (body.end_date, body.end_reason) != (old.end_date, old.end_reason):
        raise problems.Conflict(
            "An episode ends stepped_up or stepped_down only through a step change, on the day it was decided: "
            "record a step change that corrects it."
        )
    if old.stepped_from is not None and (body.level, body.start_date) != (old.level, old.start_date):
        raise problems.Conflict(
            "This episode was started by a step change: its level and start date are the step's (record a step "
            "change that corrects it)."
        )
    if body.end_date is None and body.level is not old.level:
        clash = (await open_at(conn, actor, case.id, body.level)).get(body.child_id)
        if clash is not None:
            raise already_open(body.child_id, body.level, clash)
    return msgspec.structs.replace(old, **fields_of(body), meta=next_meta(old.meta, actor, now()))


# --- step changes -------------------------------------------------------------------------------------------


async def step_child(
    conn: AsyncConnection,
    actor: Actor,
    case: StoredRecord,
    old_stored: StoredRecord,
    body: StepChangeCreate,
    *,
    already_there: bool,
) -> None:
    """End the child's episode at `from_level` and start the one at `to_level`, both on `decided_on`; a child
    already open at `to_level` stays in that episode (domain 3.1)."""
    old, at = decode(old_stored), now()
    up = RANK[body.to_level] > RANK[body.from_level]
    why_end, why_start = (
        (EpisodeEndReason.stepped_up, EpisodeStartReason.stepped_up)
        if up
        else (EpisodeEndReason.stepped_down, EpisodeStartReason.stepped_down)
    )
    when = (body.decided_on, old.start_date, "decided_on")
    ended = ending(old, actor, None, when, end_date=body.decided_on, end_reason=why_end)
    await update(conn, actor, episodes(), old_stored, ended, at)
    if already_there:
        return
    basis = body.legal_basis or DEFAULT_BASIS.get(body.to_level, LegalBasis.none_consent)
    new = ChildEpisode(
        child_id=old.child_id,
        level=body.to_level,
        legal_basis=basis,
        start_date=body.decided_on,
        start_reason=why_start,
        visibility=old.visibility,
        withheld_reason=old.withheld_reason,
        shared_with_agencies=old.shared_with_agencies,
        id=new_id(),
        meta=new_meta(actor, at, case.id, case.la_code),
        stepped_from=old.id,
    )
    await insert(conn, actor, episodes(), new, at, case)


async def plan_ended_by_review(conn: AsyncConnection, actor: Actor, case_id: UUID, body: StepChangeCreate) -> None:
    """Domain 3.2: a child steps down from child protection only through a review conference of this case, held by
    the day of the step, whose chair decided to end the plan. The plan ends on the chair's decision, as ending the
    CP plan itself does (plans.cp_end_gaps), not when the minutes go out weeks later: until then a flag lookup
    would still show a plan that has ended."""
    found = await q.select_where(conn, actor.scope, resource("conference"), records.c.case_id == case_id)
    ended: set[UUID] = set()
    for conference in (msgspec.json.decode(c.doc, type=ChildProtectionConference) for c in found):
        held = conference.held_on
        if conference.ends_plan and held is not None and held <= body.decided_on:
            ended.update(conference.child_ids)
    ended_by = "no review conference of this case has ended {}'s child protection plan"
    missing = [
        error(f"/child_ids/{i}", "no_rcpc_decision", ended_by.format(child))
        for i, child in enumerate(body.child_ids)
        if child not in ended
    ]
    refuse(missing, "Step down from child protection follows a review conference's decision:", problems.NoRcpcDecision)


async def new_step_change(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord | None, body: StepChangeCreate, step_id: UUID
) -> StepChange:
    """The manager's decision (decided_by from the token), and, unless it was declined or corrects an earlier
    record, the children's episodes moved in the same transaction."""
    assert stored is not None
    case = open_case(stored)
    if body.decided_on > today():
        refuse(
            [FieldError(pointer="/decided_on", code="in_the_future", detail="a decision is recorded once made")],
            "The step change cannot be recorded:",
        )
    errors = await not_children(conn, actor, case, body.child_ids, "/child_ids/{i}")
    if body.corrects is not None:
        earlier = await q.select_where(
            conn, actor.scope, resource(STEP_KIND), q.having_ids([body.corrects]), records.c.case_id == stored.id
        )
        if not earlier:
            detail = f"{body.corrects} is not a step change of this case"
            errors.append(FieldError(pointer="/corrects", code="unknown_reference", detail=detail))
    refuse(errors, "The step change cannot be recorded:")
    start = await open_at(conn, actor, stored.id, body.from_level, lock=True)
    missing = [
        error(f"/child_ids/{i}", "no_open_episode", f"{child} has no open {body.from_level.value} episode")
        for i, child in enumerate(body.child_ids)
        if child not in start
    ]
    refuse(missing, "Nothing to step from:", problems.Conflict)
    if body.rejected_reason is None and body.corrects is None:
        if body.from_level is CaseLevel.child_protection:
            await plan_ended_by_review(conn, actor, stored.id, body)
        target = await open_at(conn, actor, stored.id, body.to_level)
        for child in body.child_ids:
            await step_child(conn, actor, stored, start[child], body, already_there=child in target)
    at = now()
    meta = new_meta(actor, at, stored.id, stored.la_code)
    return StepChange(**fields_of(body), id=step_id, meta=meta, decided_by=signed_by(actor.principal), recorded_at=at)


# --- the declarations --------------------------------------------------------------------------------------

EPISODES = register(
    Resource(
        Names(KIND, "ChildEpisode", "/v1/child-episodes", "episode_id", "cases"),
        # Family-shareable by default, like the case itself: the family know the level they are at (they consent
        # to early help, they attend the conference); a worker can withhold one with a reason.
        Record(ChildEpisode, ChildEpisodeCreate, episode_columns, parent="case"),
        Access(read=SHARED_WORK_READERS),
        listing=Listing("listChildEpisodes", "The case's child episodes, oldest first"),
        create=Create(
            "openChildEpisode",
            "Open a child's episode at a level (one open per child per level), or record a past one with both dates",
            new_episode,
            CASE_WRITERS,
            lock_parent=True,
            problems=(409, 422),
        ),
        replace=Replace(
            "replaceChildEpisode",
            "Correct a child's episode: level, legal basis, dates and reasons (If-Match; every version kept)",
            next_episode,
            CASE_WRITERS,
            problems=(409, 422),
            description=(
                "The child never changes (422). Still one open episode per child per level (`duplicate`, 409). An "
                "ended episode stays ended, though its end date and reason may be corrected (409 when the body "
                "leaves it open); an end by stepped_up or stepped_down, and the level and start date of an episode "
                "a step change started, are the step change's (409: record a step change that corrects it)."
            ),
        ),
        # Interop R3, R11: kept by the council's own system (its case management system), which owns all of it.
        sync=SourceKeyed(
            ("cla-episode", "episode"),
            aliases="`clae_cla_episode_id` (cla-episode), the case management system's own episode id (episode)",
        ),
        actions=(
            Action(
                "endChildEpisode",
                "End a child's open episode, with the date and reason (If-Match required)",
                "end",
                end_episode,
                CASE_WRITERS,
                body=ChildEpisodeEnd,
                problems=(404, 409, 422),
            ),
        ),
    )
)

STEP_CHANGES = register(
    Resource(
        Names(STEP_KIND, "StepChange", "/v1/step-changes", "step_change_id", "cases"),
        Record(StepChange, StepChangeCreate, step_columns, parent="case"),
        Access(read=SHARED_WORK_READERS, correct=MANAGERS),
        system_owns=KEPT_IN_CMS,
        listing=Listing("listStepChanges", "The case's step ups and step downs, oldest first"),
        create=Create(
            "recordStepChange",
            "Record a manager's step up or down: each child's episode ends and the next one starts, in one go",
            new_step_change,
            MANAGERS,
            lock_parent=True,
            problems=(409, 422),
            description=(
                "Append-only: a correction is a new step change naming the one it `corrects`. A step change with "
                "`rejected_reason` or `corrects` moves no episode. A child already open at `to_level` keeps that "
                "episode and only the `from_level` one ends. Refused with 409 when a child has no open episode at "
                "`from_level`, and with `no-rcpc-decision` (409) when stepping a child down from child_protection "
                "without a review conference of the case, held by `decided_on`, whose circulated or agreed decision "
                "ends the plan."
            ),
        ),
    )
)
ROUTES: list[object] = []
