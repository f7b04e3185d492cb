"""The flag lookup (interop R17, R18; CP-IS parity): is this child on a plan, and whom to call.

`GET /v1/flags?subject=<system>|<value>` answers partner systems and practitioners holding the flag-search
permission (`system/flags.s`, Entra `Flags.Search`) with every plan the child is on, or left within the last 12
months, in any council here: child protection, looked after, child in need, each with its dates and the responsible
council's contact routes (SOS_COUNCILS_FILE), and nothing else about the child. Plans are read from the children's
episodes (episodes.py), the record of each child's level over time.

Every lookup leaves an access event in each council holding the child (one with no council when none does). With
`X-Unscheduled-Access: true` (CP-IS `IsUnscheduledAccessEvent`) the owning council is told in the same
transaction: an alert for the workers on the child's open case, and a `flag.accessed` row in its outbox.
Council staff list a child's last 25 lookups at `GET /v1/people/{id}/flag-accesses`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

import msgspec
import sqlalchemy as sa
from litestar import Request, Response
from litestar.params import HeaderParameter, Parameter
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    Alert,
    AlertReason,
    AlertSource,
    Case,
    CaseLevel,
    Flag,
    FlagAccess,
    FlagAccessList,
    FlagList,
    FlagPlanType,
    RaisedFor,
    ResponsibleCouncil,
    parse_identifier_token,
)

from . import problems
from .audit import record as audit
from .auth.policy import FLAG_ACCESS_READERS, FLAG_SEARCHERS, Rule, receiving_scope, register_rules
from .context import Actor
from .db import records as q
from .db.engine import Database, enter_councils
from .db.records import StoredRecord
from .db.tables import access_events, case_access, outbox, person_identifiers, records
from .http import api_route, db_of, json_response
from .resources.registry import resource
from .resources.service import insert, load, new_id, new_meta, now, today
from .settings import Settings

SCOPE = "flags"
LOOKUP, UNSCHEDULED = "flag_query", "unscheduled_flag_query"
# CP-IS keeps the 25 most recent accesses.
LAST_ACCESSES = 25
PLAN_OF_LEVEL = {
    CaseLevel.child_protection.value: FlagPlanType.child_protection,
    CaseLevel.looked_after.value: FlagPlanType.looked_after,
    CaseLevel.child_in_need.value: FlagPlanType.child_in_need,
}

register_rules(
    {
        "searchFlags": Rule(FLAG_SEARCHERS, SCOPE, "s", scoped=FLAG_SEARCHERS),
        "listPersonFlagAccesses": Rule(FLAG_ACCESS_READERS, SCOPE, "r"),
    }
)


def parse_subject(subject: str) -> tuple[str, str]:
    try:
        system, value = parse_identifier_token(subject)
    except ValueError as exc:
        raise problems.InvalidSubject(f"subject: {exc}.") from exc
    return system.value, value


def parse_unscheduled(value: str | None) -> bool:
    if value is None:
        return False
    word = value.strip().lower()
    if word not in {"true", "false"}:
        raise problems.InvalidUnscheduledFlag("Send X-Unscheduled-Access: true or false.")
    return word == "true"


async def holders(conn: AsyncConnection, la_codes: list[str], system: str, value: str) -> dict[str, list[UUID]]:
    """The people holding the identifier, by council."""
    query = sa.select(person_identifiers.c.la_code, person_identifiers.c.person_id).where(
        person_identifiers.c.la_code.in_(la_codes),
        person_identifiers.c.system == system,
        person_identifiers.c.value == value,
        person_identifiers.c.person_id.in_(
            sa.select(records.c.id).where(records.c.kind == "person", records.c.entered_in_error.is_(False))
        ),
    )
    found: dict[str, list[UUID]] = {}
    for row in (await conn.execute(query)).all():
        found.setdefault(row.la_code, []).append(row.person_id)
    return found


async def plans_of(
    conn: AsyncConnection, councils: list[str], people: list[UUID], since: dt.date
) -> list[tuple[str, str, str, str | None]]:
    """(council, level, start, end) of the people's episodes at a flagged level, current or ended since `since`."""
    doc = records.c.doc
    end = doc["end_date"].astext
    query = (
        sa.select(records.c.la_code, doc["level"].astext, doc["start_date"].astext, end)
        .where(
            records.c.la_code.in_(councils),
            records.c.kind == "child_episode",
            records.c.entered_in_error.is_(False),
            records.c.child_ids.overlap(sa.cast(people, records.c.child_ids.type)),
            doc["level"].astext.in_(sorted(PLAN_OF_LEVEL)),
            sa.or_(end.is_(None), end >= since.isoformat()),
        )
        .order_by(doc["start_date"].astext, records.c.id)
    )
    return [tuple(row) for row in (await conn.execute(query)).all()]


async def cases_of(conn: AsyncConnection, actor: Actor, person: UUID) -> list[StoredRecord]:
    """The person's cases the caller may see."""
    member = sa.select(case_access.c.case_id).where(case_access.c.grant == f"member:{person}")
    return await q.select_where(conn, actor.scope, resource("case"), records.c.id.in_(member))


async def open_case(conn: AsyncConnection, actor: Actor, la_code: str, person: UUID) -> Case | None:
    """The child's newest open case in the council, to tell its workers."""
    cases = sa.select(case_access.c.case_id).where(
        case_access.c.la_code == la_code, case_access.c.grant == f"member:{person}"
    )
    found = await q.select_where(
        conn, actor.scope, resource("case"), records.c.id.in_(cases), records.c.status != "closed"
    )
    return msgspec.json.decode(found[-1].doc, type=Case) if found else None


async def tell_council(conn: AsyncConnection, actor: Actor, la_code: str, people: list[UUID], at: dt.datetime) -> None:
    """R18: the owning council hears of an unscheduled lookup: an alert on the child's open case, and the
    `flag.accessed` outbox row its webhooks and feed carry."""
    who = actor.principal
    detail = (
        f"{who.organisation} looked up this child's flags from unscheduled care"
        f" ({actor.role.value} {who.subject}) at {at.isoformat(timespec='minutes')}."
    )
    # The notice is the server's, written into the owning council's records as its front door would see them.
    council = msgspec.structs.replace(actor, scope=receiving_scope(la_code))
    for person in people:
        await conn.execute(
            outbox.insert().values(
                la_code=la_code,
                kind="flag_access",
                record_id=person,
                version=1,
                op="flag.accessed",
                changed_at=at,
                actor=who.subject[:200],
            )
        )
        case = await open_case(conn, council, la_code, person)
        if case is None:
            continue
        alert = Alert(
            id=new_id(),
            meta=new_meta(council, at, case.id, la_code),
            child_id=person,
            reason=AlertReason.flag_accessed_unscheduled,
            detail=detail[:2000],
            source=AlertSource(kind=UNSCHEDULED, id=person),
            raised_for=RaisedFor(allocated_worker=case.allocated_worker, team=case.team),
        )
        await insert(conn, council, resource("alert"), alert, at, child_ids=[person])


def flags_from(plans: list[tuple[str, str, str, str | None]], settings: Settings) -> FlagList:
    items = []
    for la_code, level, start, end in plans:
        contact = settings.council(la_code)
        items.append(
            Flag(
                plan_type=PLAN_OF_LEVEL[level],
                start=dt.date.fromisoformat(start),
                end=dt.date.fromisoformat(end) if end else None,
                responsible_la=ResponsibleCouncil(
                    code=contact.code,
                    name=contact.name,
                    office_hours_phone=contact.office_hours_phone,
                    out_of_hours_phone=contact.out_of_hours_phone,
                ),
            )
        )
    return FlagList(items=items)


async def search(db: Database, actor: Actor, settings: Settings, subject: str, unscheduled: bool) -> FlagList:
    """The subject's flags in every council holding it, with each council's access event (and notice)."""
    system, value = parse_subject(subject)
    at = now()
    object_type = UNSCHEDULED if unscheduled else LOOKUP
    async with db.begin(actor.scope) as conn:
        # Which councils hold the identifier is the only thing read across councils, by a narrow function.
        councils = list(await conn.scalar(sa.select(sa.func.sos_councils_holding(system, value))) or [])
        await enter_councils(conn, councils)
        found = await holders(conn, councils, system, value)
        people = [p for ids in found.values() for p in ids]
        plans = await plans_of(conn, councils, people, today() - dt.timedelta(days=365)) if people else []
        for la_code, ids in found.items():
            await audit.record(
                conn, actor, "search_result", object_type=object_type, object_id=ids[0], child_ids=ids, la_code=la_code
            )
            if unscheduled:
                await tell_council(conn, actor, la_code, ids, at)
        if not found:
            await audit.record(conn, actor, "search_result", object_type=object_type, object_id=None)
    return flags_from(plans, settings)


async def accesses(db: Database, actor: Actor, person_id: UUID) -> FlagAccessList:
    """The child's last 25 flag lookups, newest first (404 unless the caller may see the person)."""
    async with db.begin(actor.scope) as conn:
        person = await load(conn, actor, resource("person"), person_id)
        if actor.scope.grants is not None and not await cases_of(conn, actor, person_id):
            # Who looked a child up is about the child's casework: the register alone does not reach it.
            raise problems.NotFound("No such person.")
        events = access_events.c
        rows = (
            await conn.execute(
                sa.select(events.at, events.actor, events.role, events.organisation, events.client_app)
                .add_columns(events.object_type, events.purpose)
                .where(
                    events.la_code == person.la_code,
                    events.object_type.in_((LOOKUP, UNSCHEDULED)),
                    events.child_ids.contains(sa.cast([person_id], events.child_ids.type)),
                )
                .order_by(events.seq.desc())
                .limit(LAST_ACCESSES)
            )
        ).all()
        await audit.record(conn, actor, "read", object_type="flag_accesses", object_id=person_id, child_ids=[person_id])
    return FlagAccessList(
        items=[
            FlagAccess(
                at=r.at,
                user=r.actor,
                role=r.role,
                organisation=r.organisation,
                client_app=r.client_app,
                unscheduled=r.object_type == UNSCHEDULED,
                purpose=r.purpose,
            )
            for r in rows
        ]
    )


# --- routes -------------------------------------------------------------------------------------------------

Subject = Annotated[
    str,
    Parameter(
        max_length=120,
        pattern=r"^[^\x00]*$",
        description=(
            "The child's identifier as `system|value` (send | as %7C), e.g. the NHS number's system and the number."
        ),
    ),
]
Unscheduled = Annotated[
    str | None,
    HeaderParameter(
        name="x-unscheduled-access",
        max_length=10,
        description="`true` from unscheduled care (CP-IS IsUnscheduledAccessEvent): the owning council is told.",
    ),
]


@api_route(
    "GET",
    "/v1/flags",
    operation_id="searchFlags",
    tag="flags",
    summary="Is this child on a plan? Plan type, dates and whom to call, for partner agencies with flag search",
    returns=FlagList,
)
async def search_flags(
    request: Request[Any, Any, Any], actor: Actor, subject: Subject, unscheduled: Unscheduled = None
) -> Response[bytes]:
    settings: Settings = request.app.state.settings
    found = await search(db_of(request), actor, settings, subject, parse_unscheduled(unscheduled))
    return json_response(msgspec.json.encode(found))


@api_route(
    "GET",
    "/v1/people/{person_id:uuid}/flag-accesses",
    operation_id="listPersonFlagAccesses",
    tag="flags",
    summary="Who looked up this child's flags: the latest 25, newest first",
    returns=FlagAccessList,
    problems_=(404,),
)
async def list_person_flag_accesses(request: Request[Any, Any, Any], actor: Actor, person_id: UUID) -> Response[bytes]:
    return json_response(msgspec.json.encode(await accesses(db_of(request), actor, person_id)))


ROUTES = [search_flags, list_person_flag_accesses]
