"""Contributions from partner agencies (domain 2.22, interop R14, R15): who may send one, where it goes, how the
council matches it to a child, and who may follow it.

`POST /v1/contributions` takes every kind of contribution (sos_schema.contributions) from health and police
organisations (their systems and practitioners) and from the council's own practitioners. It goes to the council
the contributor names (`la_code`), or a council caller's own, and is matched in the same transaction as its
receipt: to one person of that council by identifier (an NHS number first), else by names, date of birth and
postcode all agreeing; then to that child's open case. The answer is 202 with the same receipt whether or not the
child is known, after the same queries either way (R15: a contributor cannot probe a council's children).

The contributor follows it at `GET /v1/contributions/{id}` in its own view: what it sent and the council's
decision, with `matched` shown as `received` (policy.contributor_view). The council sees it whole: unmatched ones
in the front-door pool of its case workers, matched ones with the child's case (`GET /v1/cases/{id}/contributions`,
whose worries, strengths and scaling are the agency's view: nothing is written into a map), and its staff move it
on (`.../status`). Contributions are professionals_only (domain 4.2).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import msgspec
import sqlalchemy as sa
from litestar import Request, Response
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    Contribution,
    ContributionCreate,
    ContributionDecision,
    ContributionMatch,
    ContributionMove,
    ContributionReceipt,
    ContributionStatus,
    ContributionSubject,
)
from sos_schema.identifiers import in_council

from . import idempotency, problems
from .audit import record as audit
from .auth.policy import (
    CONTRIBUTION_READERS,
    CONTRIBUTION_TRIAGERS,
    CONTRIBUTORS,
    PARTNER_SYSTEMS,
    PROFESSIONALS,
    Access,
    Reach,
    Rule,
    contributor_view,
    receiving_council,
    receiving_scope,
    register_rules,
)
from .context import Actor
from .db.engine import Database, enter_councils
from .db.records import Columns, StoredRecord, columns_of
from .db.tables import case_access, person_identifiers, records
from .http import api_route, db_of, json_response, read_body
from .resources.registry import OPERATION_KINDS, Action, Listing, Names, Record, Resource, register
from .resources.routes import NONE, read_route
from .resources.service import insert, new_id, new_meta, next_meta, now, read_one

KIND = "contribution"
SCOPE = "contributions"
# No id matches this member grant: the case lookup runs (and costs the same) when no child was matched.
NOBODY = "member:00000000-0000-0000-0000-000000000000"


def contribution_columns(contribution: Contribution) -> Columns:
    child = contribution.matched_person_id
    return columns_of(contribution, child_ids=(child,) if child is not None else ())


# --- matching (in the receiving council, inside the receipt's transaction) ---------------------------------


def _live_people(la_code: str) -> sa.Select[Any]:
    return sa.select(records.c.id).where(
        records.c.la_code == la_code, records.c.kind == "person", records.c.entered_in_error.is_(False)
    )


async def by_identifier(conn: AsyncConnection, la_code: str, subject: ContributionSubject | None) -> set[UUID]:
    """The council's people holding any identifier the contributor sent (each system's own value; the issuer too
    where the system is issued per force or council)."""
    sent = in_council(subject.identifiers, la_code) if subject else []
    pairs = [(str(i.system), i.key_issuer, i.value) for i in sent]
    held = sa.tuple_(person_identifiers.c.system, person_identifiers.c.issuer, person_identifiers.c.value)
    query = sa.select(person_identifiers.c.person_id).where(
        person_identifiers.c.la_code == la_code,
        held.in_(pairs) if pairs else sa.false(),
        person_identifiers.c.person_id.in_(_live_people(la_code)),
    )
    return set((await conn.scalars(query.distinct().limit(2))).all())


async def by_demographics(conn: AsyncConnection, la_code: str, subject: ContributionSubject | None) -> set[UUID]:
    """The council's people whose names, date of birth and a postcode all agree with the subject's (every one of
    the four is needed: fewer would match strangers). Runs, and finds nobody, when any is missing."""
    given, family = (subject.given_names, subject.family_name) if subject else (None, None)
    born, postcode = (subject.date_of_birth, subject.postcode) if subject else (None, None)
    complete = None not in (given, family, born, postcode)
    doc = records.c.doc
    address = sa.func.jsonb_array_elements(doc["addresses"]).table_valued(sa.column("value", JSONB)).alias("address")
    compact = sa.func.upper(sa.func.replace(address.c.value["postcode"].astext, " ", ""))
    query = _live_people(la_code).where(
        sa.true() if complete else sa.false(),
        sa.func.lower(doc["given_names"].astext) == (given or "").lower(),
        sa.func.lower(doc["family_name"].astext) == (family or "").lower(),
        doc["date_of_birth"].astext == (born.isoformat() if born else ""),
        sa.exists(sa.select(1).select_from(address).where(compact == (postcode or "").replace(" ", "").upper())),
    )
    return set((await conn.scalars(query.limit(2))).all())


async def by_ids(conn: AsyncConnection, la_code: str, child_ids: list[UUID]) -> set[UUID]:
    """The ids a council gave the contributor, as far as they are this council's people."""
    query = _live_people(la_code).where(records.c.id.in_(child_ids) if child_ids else sa.false())
    return set((await conn.scalars(query)).all())


async def open_case_of(conn: AsyncConnection, la_code: str, person: UUID | None) -> UUID | None:
    """The child's newest open case in this council, if any."""
    grant = f"member:{person}" if person is not None else NOBODY
    cases = sa.select(case_access.c.case_id).where(case_access.c.la_code == la_code, case_access.c.grant == grant)
    query = (
        sa.select(records.c.id)
        .where(
            records.c.la_code == la_code,
            records.c.kind == "case",
            records.c.id.in_(cases),
            records.c.status != "closed",
            records.c.entered_in_error.is_(False),
        )
        .order_by(records.c.created_at.desc())
        .limit(1)
    )
    return await conn.scalar(query)


async def match(
    conn: AsyncConnection, la_code: str, body: Any
) -> tuple[UUID | None, ContributionMatch | None, UUID | None]:
    """One person of the council, how they were matched, and their open case. Every lookup runs every time, so
    the receipt takes the same work whether the child is known or not; more than one candidate is no match
    (left for the front door to triage)."""
    named = await by_ids(conn, la_code, list(body.child_ids))
    identified = await by_identifier(conn, la_code, body.subject)
    described = await by_demographics(conn, la_code, body.subject)
    person, how = None, None
    for found, way in (
        (named, ContributionMatch.identifier),
        (identified, ContributionMatch.identifier),
        (described, ContributionMatch.demographics),
    ):
        if len(found) == 1:
            person, how = next(iter(found)), way
            break
    return person, how, await open_case_of(conn, la_code, person)


# --- services -----------------------------------------------------------------------------------------------


async def receive(db: Database, actor: Actor, body: Any) -> ContributionReceipt:
    """Store a contribution in the council it is for, matched in the same transaction, and acknowledge it."""
    la_code = receiving_council(actor.principal, body.la_code)
    if la_code is None:
        raise problems.CouncilRequired("Name the council to receive this contribution in la_code.")
    at = now()
    async with db.begin(actor.scope) as conn:
        await enter_councils(conn, [la_code])
        person, how, case_id = await match(conn, la_code, body)
        contribution = Contribution(
            id=new_id(),
            meta=new_meta(actor, at, case_id, la_code),
            status=ContributionStatus.matched if person is not None else ContributionStatus.received,
            submitted_at=at,
            content=body,
            received_from=actor.principal.organisation,
            matched_person_id=person,
            matched_by=how,
        )
        # The server's matching acts for the receiving council; the contributor gets the receipt only.
        council = msgspec.structs.replace(actor, scope=receiving_scope(la_code))
        await insert(conn, council, CONTRIBUTIONS, contribution, at)
    return ContributionReceipt(id=contribution.id, received_at=at)


def is_contributor_only(actor: Actor) -> bool:
    """Agencies reach a contribution only as its contributor; council callers through their council's scope."""
    return actor.principal.la_code is None


async def read_as_contributor(db: Database, actor: Actor, contribution_id: UUID) -> StoredRecord:
    """The contributor's own contribution, in its view; 404 for any other (another organisation's, or none)."""
    organisation = actor.principal.organisation
    async with db.begin(actor.scope) as conn:
        la_code = await conn.scalar(sa.select(sa.func.sos_contribution_council(contribution_id, organisation)))
        if la_code is None:
            raise problems.NotFound("No such contribution of yours.")
        await enter_councils(conn, [la_code])
        row = (
            await conn.execute(
                sa.select(
                    records.c.version, records.c.child_ids, records.c.case_id, sa.cast(records.c.doc, sa.Text)
                ).where(
                    records.c.id == contribution_id,
                    records.c.kind == KIND,
                    records.c.la_code == la_code,
                    records.c.doc["received_from"].astext == organisation,
                )
            )
        ).one()
        await audit.record(
            conn,
            actor,
            "read",
            object_type=KIND,
            object_id=contribution_id,
            object_version=row.version,
            case_id=row.case_id,
            child_ids=row.child_ids or [],
            la_code=la_code,
        )
    shown = msgspec.json.encode(contributor_view(msgspec.json.decode(row.doc)))
    return StoredRecord(
        id=contribution_id,
        la_code=la_code,
        kind=KIND,
        version=row.version,
        status=None,
        case_id=None,
        parent_id=None,
        child_ids=[],
        chain_no=None,
        created_at=dt.datetime.now(dt.UTC),
        doc=shown,
    )


async def read(db: Database, actor: Actor, contribution_id: UUID) -> StoredRecord:
    if is_contributor_only(actor):
        return await read_as_contributor(db, actor, contribution_id)
    return await read_one(db, actor, CONTRIBUTIONS, contribution_id)


# R15: the steps council staff take, from each status.
NEXT_STEPS: dict[ContributionStatus, frozenset[ContributionDecision]] = {
    ContributionStatus.received: frozenset({ContributionDecision.triaged}),
    ContributionStatus.matched: frozenset({ContributionDecision.triaged}),
    ContributionStatus.triaged: frozenset(
        {ContributionDecision.accepted, ContributionDecision.declined, ContributionDecision.redirected}
    ),
}


async def move(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: ContributionMove) -> Contribution:
    """Triage, then accept, decline or redirect: one step at a time (409 out of order)."""
    old = msgspec.json.decode(stored.doc, type=Contribution)
    allowed = NEXT_STEPS.get(old.status, frozenset())
    if body.status not in allowed:
        steps = ", ".join(sorted(s.value for s in allowed)) or "none: it is decided"
        raise problems.ContributionOutOfOrder(
            f"This contribution is {old.status.value}; the next steps are {steps}, not {body.status.value}."
        )
    return msgspec.structs.replace(
        old,
        status=ContributionStatus(body.status.value),
        status_reason=body.reason,
        redirected_to=body.redirected_to,
        meta=next_meta(old.meta, actor, now()),
    )


CONTRIBUTIONS = register(
    Resource(
        Names(KIND, "Contribution", "/v1/contributions", "contribution_id", "contributions", scope=SCOPE),
        Record(
            Contribution,
            None,
            contribution_columns,
            parent="case",
            reach=Reach.front_door,
            default_visibility="professionals_only",
        ),
        Access(read=PROFESSIONALS),
        listing=Listing(
            "listCaseContributions",
            "Partner agencies' contributions matched to the case, newest first (each agency's own view)",
            newest_first=True,
        ),
        actions=(
            Action(
                "moveContribution",
                "Move a contribution on: triaged, then accepted, declined or redirected (If-Match)",
                "status",
                move,
                CONTRIBUTION_TRIAGERS,
                body=ContributionMove,
                problems=(404, 409),
            ),
        ),
        # The read is the contributor's as well as the council's: its own route below.
        standard=("versions", "version", "entered_in_error"),
    )
)
register_rules(
    {
        # R21: a partner system sends contributions with system/contributions.c.
        "createContribution": Rule(CONTRIBUTORS, SCOPE, "c", scoped=PARTNER_SYSTEMS),
        "getContribution": Rule(CONTRIBUTION_READERS, SCOPE, "r", scoped=PARTNER_SYSTEMS),
    }
)
OPERATION_KINDS.update(dict.fromkeys(("createContribution", "getContribution"), KIND))


# --- routes -------------------------------------------------------------------------------------------------

RECEIPT = (
    "Answers 202 with the same receipt whether or not the council knows the child (R15), and Location where the "
    "contributor follows it. Agencies name the council in `la_code`; a council's practitioner may leave it out."
)


class Received(msgspec.Struct, frozen=True):
    """A receipt as idempotency.once keeps it: the contribution written, at its first version."""

    receipt: ContributionReceipt
    version: int = 1

    @property
    def id(self) -> UUID:
        return self.receipt.id


def acknowledge(received: Received) -> Response[bytes]:
    location = f"{CONTRIBUTIONS.names.path}/{received.id}"
    return json_response(msgspec.json.encode(received.receipt), status=202, location=location)


@api_route(
    "POST",
    "/v1/contributions",
    operation_id="createContribution",
    tag="contributions",
    summary="Send a contribution about a child to a council (health, police, other agencies)",
    description=RECEIPT,
    body=ContributionCreate,
    returns=ContributionReceipt,
    status=202,
    location=True,
    problems_=(422,),
    idempotent=True,
)
async def create_contribution(request: Request[Any, Any, Any], actor: Actor) -> Response[bytes]:
    body = await read_body(request, ContributionCreate)

    async def write() -> Received:
        return Received(await receive(db_of(request), actor, body))

    # A partner system that lost the 202 retries with the same Idempotency-Key and gets the same receipt (R12, R14).
    return await idempotency.once(request, actor, KIND, write, acknowledge)


async def _find(db: Database, actor: Actor, contribution_id: UUID) -> StoredRecord:
    return await read(db, actor, contribution_id)


get_contribution = read_route(
    CONTRIBUTIONS,
    CONTRIBUTIONS.item_path,
    "getContribution",
    "Follow a contribution: its contributor sees what it sent and the council's decision; the council all of it",
    [("contribution_id", UUID, NONE)],
    _find,
)

ROUTES = [create_contribution, get_contribution]
