"""Court work: the summary record of pre-proceedings and care proceedings about children of a case (domain 2.23,
3.5, 4.2).

Care proceedings are to finish within 26 weeks of the application being issued, unless the court extends them
(Children Act 1989 s32(1)(a)): the deadline is the issue date plus 26 calendar weeks, and how it stands (working
days remaining, overdue) is worked out on every read, from today while proceedings are open and from the day they
concluded once they have (a late finish stays late).

Before applying for a care or supervision order the council offers the family a family group decision-making
meeting, in the letter before proceedings, unless that is not in the child's best interests (CA 1989 s31ZA): a
record whose application has been issued needs the offer's date or that reason (`fgdm-not-offered`, 422).

Court work is restricted by default (4.2): the council's professionals read it (case workers and managers of the
case, its chair and IRO, quality staff), never the family, the child or partner agencies. Every save is a new
version (If-Match).
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    Case,
    CourtStage,
    CourtWork,
    CourtWorkCreate,
    DangerStatement,
    DueWork,
    DueWorkKind,
    FgdmResponse,
    FieldError,
    Visibility,
)

from . import problems
from .auth.policy import CASE_WRITERS, PROFESSIONALS, Access
from .context import Actor
from .db import records as q
from .db.records import Columns, StoredRecord, columns_of
from .db.tables import records
from .resources.members import not_children, not_of_case
from .resources.registry import (
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
from .resources.service import error, fields_of, load, new_meta, next_meta, now, refuse, today
from .timescales import due, due_work

KIND = "court_work"
# CA 1989 s32(1)(a): calendar weeks from the day the application was issued.
PROCEEDINGS_WITHIN = dt.timedelta(weeks=26)
# The evidence a statement draws on, by field: the kind of record each id names (all of this case).
EVIDENCE_KINDS = {"map_id": "assessment_map", "network_id": "network"}
EVIDENCE_LISTS = {"danger_ids": "danger_statement", "judgement_ids": "scaling_judgement"}
DATES = ("letter_before_proceedings_on", "fgdm_offered_on", "application_issued_on", "concluded_on")


def decode(stored: StoredRecord) -> CourtWork:
    return msgspec.json.decode(stored.doc, type=CourtWork)


def court_columns(court: CourtWork) -> Columns:
    return columns_of(court, child_ids=tuple(court.child_ids), status=court.stage.value)


def deadline_of(body: CourtWorkCreate) -> dt.date | None:
    issued = body.application_issued_on
    return issued + PROCEEDINGS_WITHIN if issued is not None else None


# --- the rules ----------------------------------------------------------------------------------------------


def fgdm_missing(body: CourtWorkCreate) -> list[FieldError]:
    """s31ZA: an issued application follows an offer of family group decision-making, or the reason it was not in
    the child's best interests (the schema already holds the offer before the issue date, and the reason)."""
    offered = body.fgdm_offered_on is not None
    not_offered = body.fgdm_response is FgdmResponse.not_offered_best_interests
    if body.application_issued_on is None or offered or not_offered:
        return []
    detail = (
        "an application was issued with no offer of family group decision-making recorded: give fgdm_offered_on, "
        "or fgdm_response not_offered_best_interests with the reason"
    )
    return [error("/fgdm_offered_on", "fgdm_not_offered", detail)]


def future_dates(body: CourtWorkCreate) -> list[FieldError]:
    """Letters, offers, applications, orders and conclusions are recorded once they have happened."""
    on = today()
    errors = [
        error(f"/{f}", "in_the_future", f"{f} ({getattr(body, f)}) is in the future")
        for f in DATES
        if getattr(body, f) is not None and getattr(body, f) > on
    ]
    errors += [
        error(f"/orders/{i}/made_on", "in_the_future", f"order {i + 1} is made on {o.made_on}, in the future")
        for i, o in enumerate(body.orders)
        if o.made_on > on
    ]
    return errors


async def evidence_outside(
    conn: AsyncConnection, actor: Actor, case_id: UUID, body: CourtWorkCreate
) -> list[FieldError]:
    """The evidence is built from this case's own Signs of Safety record: its map, dangers and their goals,
    network and judgements (domain 2.23)."""
    evidence = body.evidence
    if evidence is None:
        return []
    named = [(f"/evidence/{f}", kind, getattr(evidence, f)) for f, kind in EVIDENCE_KINDS.items()]
    named += [
        (f"/evidence/{f}/{i}", kind, ref)
        for f, kind in EVIDENCE_LISTS.items()
        for i, ref in enumerate(getattr(evidence, f))
    ]
    named = [(at, kind, ref) for at, kind, ref in named if ref is not None]
    errors: list[FieldError] = []
    for kind in dict.fromkeys(k for _, k, _ in named):
        errors += await not_of_case(conn, actor, kind, case_id, [(at, ref) for at, k, ref in named if k == kind])
    order = [at for at, _, _ in named]
    errors.sort(key=lambda e: order.index(e.pointer))
    if evidence.goal_ids:
        dangers = await q.select_where(conn, actor.scope, resource("danger_statement"), records.c.case_id == case_id)
        goals = {msgspec.json.decode(d.doc, type=DangerStatement).safety_goal.id for d in dangers}
        errors += [
            error(f"/evidence/goal_ids/{i}", "not_of_case", f"{ref} is not the safety goal of a danger in this case")
            for i, ref in enumerate(evidence.goal_ids)
            if ref not in goals
        ]
    return errors


async def checked(conn: AsyncConnection, actor: Actor, case_stored: StoredRecord, body: CourtWorkCreate) -> None:
    """Every rule a create or a save must meet: one 422 naming each failing field."""
    case = msgspec.json.decode(case_stored.doc, type=Case)
    errors = await not_children(conn, actor, case, body.child_ids, "/child_ids/{i}")
    errors += future_dates(body)
    errors += await evidence_outside(conn, actor, case.id, body)
    refuse(errors, "The court work cannot be recorded:")
    refuse(fgdm_missing(body), "Family group decision-making comes first (CA 1989 s31ZA):", problems.FgdmNotOffered)


# --- create and save ----------------------------------------------------------------------------------------


async def new_court_work(
    conn: AsyncConnection, actor: Actor, case: StoredRecord | None, body: CourtWorkCreate, court_id: UUID
) -> CourtWork:
    assert case is not None
    await checked(conn, actor, case, body)
    meta = new_meta(actor, now(), case.id, case.la_code)
    return CourtWork(**fields_of(body), id=court_id, meta=meta, deadline_26_weeks=deadline_of(body))


async def next_court_work(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: CourtWorkCreate
) -> CourtWork:
    """The record as it now stands (proceedings move on stage by stage); the earlier versions are kept."""
    old = decode(stored)
    await checked(conn, actor, await load(conn, actor, resource("case"), stored.case_id), body)
    return CourtWork(
        **fields_of(body), id=old.id, meta=next_meta(old.meta, actor, now()), deadline_26_weeks=deadline_of(body)
    )


# --- the 26-week clock on every read --------------------------------------------------------------------------


async def with_clock(_: AsyncConnection, __: Actor, shown: list[StoredRecord]) -> list[StoredRecord]:
    """How the proceedings stand against 26 weeks: from today while open, from concluded_on once concluded (with
    no date of conclusion, a concluded record shows the deadline only)."""
    out = []
    for stored in shown:
        court = decode(stored)
        deadline = court.deadline_26_weeks
        on = court.concluded_on if court.stage is CourtStage.concluded else today()
        if deadline is None or on is None:
            out.append(stored)
            continue
        clock = due(deadline, on)
        shown_as = msgspec.structs.replace(
            court, deadline_days_remaining=clock.days_remaining, deadline_overdue=clock.overdue
        )
        out.append(msgspec.structs.replace(stored, doc=msgspec.json.encode(shown_as)))
    return out


CHECKS = (
    "Refused with 422 naming each failing field when a child is not a child of the case (BR-20), a date is in "
    "the future, or the evidence names a map, danger, goal, network or judgement of another case; with "
    "`fgdm-not-offered` (422, CA 1989 s31ZA) when the application was issued with no offer of family group "
    "decision-making recorded and no reason it was not in the child's best interests. "
)


def still_due(court: CourtWork) -> list[DueWork]:
    """For the team's due-work list: proceedings issued and not yet concluded, against their 26 weeks."""
    if court.deadline_26_weeks is None or court.stage is CourtStage.concluded:
        return []
    what, on = DueWorkKind.care_proceedings, court.deadline_26_weeks
    return [due_work(what, KIND, court.id, court.meta.case_id, court.child_ids, on)]


COURT_WORK = register(
    Resource(
        Names(KIND, "CourtWork", "/v1/court-work", "court_work_id", "statutory", scope="court-work"),
        Record(
            CourtWork, CourtWorkCreate, court_columns, parent="case", default_visibility=Visibility.restricted.value
        ),
        # Domain 4.2: restricted; the council's professionals only, never the family, the child or partners.
        Access(read=PROFESSIONALS),
        listing=Listing("listCaseCourtWork", "The case's court work records, newest first", newest_first=True),
        create=Create(
            "createCourtWork",
            "Record pre-proceedings or care proceedings about children of the case (26-week deadline computed)",
            new_court_work,
            CASE_WRITERS,
            problems=(422,),
            description=CHECKS,
        ),
        replace=Replace(
            "replaceCourtWork",
            "Update a court work record as proceedings move on (If-Match; every version kept)",
            next_court_work,
            CASE_WRITERS,
            problems=(422,),
            description=CHECKS,
        ),
        present=with_clock,
        due=still_due,
        # Legal status and proceedings are the council's record (interop R11): its system owns all of it.
        sync=SourceKeyed(
            ("court-work", "legal-status"),
            aliases="`prep_table_id` (court-work), `lega_legal_status_id` (legal-status)",
        ),
    )
)
ROUTES: list[object] = []
