"""The safety / family network around a case's children, and the meetings where it meets (domain 2.10, 2.11).

Two kinds on the registry and nothing else: the standard routes (create and list under the case, read,
replace, versions, entered in error) come from the declarations at the bottom; this module holds their rules.
A member keeps its id across the network's versions, so what they agreed to and were told can be followed
over time. Knowing the danger statements is recorded per statement version (BR-07 needs the current ones);
overnight care and supervising contact wait for clear checks (BR-10). An ended network is read-only: a
network that forms again is a new one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    Checks,
    DangerKnown,
    DatedFlag,
    FieldError,
    Network,
    NetworkCreate,
    NetworkMeeting,
    NetworkMeetingCreate,
    NetworkMember,
    NetworkMemberCreate,
    NetworkStatus,
)
from sos_schema.network import ROLES_NEEDING_CHECKS

from . import problems
from .auth.policy import CASE_WRITERS, SHARED_WORK_READERS, Access
from .context import Actor
from .db import records as q
from .db.records import Columns, StoredRecord, columns_of
from .db.tables import records
from .resources.members import not_of_case, records_in_case
from .resources.registry import Create, Listing, Names, Record, Replace, Resource, register, resource
from .resources.service import error, fields_of, load, new_id, new_meta, next_meta, now, refuse, require_existing, today

KIND, MEETING_KIND = "network", "network_meeting"
# Private contact details reach family callers only where the member agreed (domain 2.10 `contact`).
PRIVATE_CONTACT = re.compile(rb'"share_with_family":\s*false')
# An id and where the body names it; with the version it names, and where.
Named = tuple[str, UUID]
Versioned = tuple[str, UUID, str, int]


def optional(at: str, value: UUID | None) -> list[Named]:
    return [(at, value)] if value is not None else []


async def written_in_case(
    conn: AsyncConnection, actor: Actor, case_id: UUID, kind: str, named: Sequence[Versioned]
) -> list[FieldError]:
    """Each id names a record of `kind` in this case, in a version already written: nobody can have been told,
    or have signed, a version that does not exist yet."""
    found, errors = await records_in_case(conn, actor, kind, case_id, [(at, i) for at, i, _, _ in named])
    return errors + [
        FieldError(pointer=at, code="version_not_written", detail=f"{i} is at version {found[i].version}, not {v}")
        for _, i, at, v in named
        if i in found and v > found[i].version
    ]


# --- networks ----------------------------------------------------------------------------------------


def network_columns(network: Network) -> Columns:
    return columns_of(network, child_ids=tuple(network.child_ids))


def kept_members(body: NetworkCreate, before: Network | None) -> list[FieldError]:
    """A member id sent must be one of the network's members, for the same person (ids persist, never move)."""
    people = {m.id: m.person_id for m in before.members} if before else {}
    errors = []
    for i, member in enumerate(body.members):
        if member.id is None:
            continue
        if member.id not in people:
            detail = f"{member.id} is not a member of this network; leave id empty for a new member"
        elif people[member.id] != member.person_id:
            detail = f"member {member.id} is {people[member.id]}; a different person is a new member"
        else:
            continue
        errors.append(FieldError(pointer=f"/members/{i}/id", code="unknown_member", detail=detail))
    return errors


def checks_not_clear(body: NetworkCreate) -> list[FieldError]:
    """BR-10: overnight care and supervising contact wait for clear checks (`roles_note` says what is meant)."""
    return [
        FieldError(
            pointer=f"/members/{i}/checks",
            code="checks_not_clear",
            detail=f"{m.person_id} cannot hold {', '.join(sorted(ROLES_NEEDING_CHECKS.intersection(m.roles)))} "
            f"until checks are clear (checks: {m.checks.value if m.checks else 'not recorded'})",
        )
        for i, m in enumerate(body.members)
        if ROLES_NEEDING_CHECKS.intersection(m.roles) and m.checks is not Checks.clear
    ]


def stored_member(member: NetworkMemberCreate, current: Sequence[tuple[UUID, int]]) -> NetworkMember:
    """The member as stored: its id (kept, or new), and the overall flag true once any statement was told. A
    member said to know the danger statements, with no statement named, was told them as they read now
    (`current`: the active statements about the network's children, each at its current version)."""
    knows, told = member.knows_danger_statements, member.knows_dangers
    if knows is None and told:
        knows = DatedFlag(value=True, on=min(k.on for k in told))
    if knows is not None and knows.value and not told:
        told = [DangerKnown(danger_id=d, version=v, on=knows.on or today()) for d, v in current]
    return NetworkMember(
        **{**fields_of(member), "id": member.id or new_id(), "knows_danger_statements": knows, "knows_dangers": told},
    )


async def dangers_now(
    conn: AsyncConnection, actor: Actor, case_id: UUID, child_ids: Sequence[UUID]
) -> list[tuple[UUID, int]]:
    """The case's active danger statements about these children, each at its current version."""
    found = await q.select_where(
        conn,
        actor.scope,
        resource("danger_statement"),
        q.belonging_to("case_id", case_id),
        records.c.status == "active",
    )
    return [(d.id, d.version) for d in found if set(d.child_ids) & set(child_ids)]


async def checked_members(
    conn: AsyncConnection, actor: Actor, case: StoredRecord, body: NetworkCreate, before: Network | None
) -> list[NetworkMember]:
    """The members to store, once the body names the case's children, people of the council, its own members,
    and this case's danger statements and safety plans in versions already written; then BR-10."""
    members = list(enumerate(body.members))
    await require_existing(conn, actor, "person", [(f"/members/{i}/person_id", m.person_id) for i, m in members])
    children = set(case.child_ids)
    errors = [
        error(f"/child_ids/{i}", "not_a_child_of_case", f"{c} is not a child in this case")
        for i, c in enumerate(body.child_ids)
        if c not in children
    ]
    told: list[Versioned] = []
    signed: list[Versioned] = []
    for i, m in members:
        for k, known in enumerate(m.knows_dangers):
            at = f"/members/{i}/knows_dangers/{k}"
            told.append((f"{at}/danger_id", known.danger_id, f"{at}/version", known.version))
        plan = m.signed_safety_plan
        if plan is not None and plan.plan_id is not None:
            at = f"/members/{i}/signed_safety_plan"
            signed.append((f"{at}/plan_id", plan.plan_id, f"{at}/plan_version", plan.plan_version or 1))
    errors += kept_members(body, before)
    errors += await written_in_case(conn, actor, case.id, "danger_statement", told)
    errors += await written_in_case(conn, actor, case.id, "safety_plan", signed)
    refuse(errors, "The network names records that are not this case's:")
    refuse(checks_not_clear(body), "BR-10:", problems.ChecksNotClear, "BR-10")
    current = await dangers_now(conn, actor, case.id, body.child_ids)
    return [stored_member(m, current) for m in body.members]


async def new_network(
    conn: AsyncConnection, actor: Actor, case: StoredRecord | None, body: NetworkCreate, network_id: UUID
) -> Network:
    assert case is not None
    members = await checked_members(conn, actor, case, body, None)
    meta = new_meta(actor, now(), case.id, case.la_code)
    return Network(**{**fields_of(body), "members": members}, id=network_id, meta=meta)


async def next_network(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: NetworkCreate) -> Network:
    old = msgspec.json.decode(stored.doc, type=Network)
    if old.status is NetworkStatus.ended:
        raise problems.ReadOnly("This network has ended and is read-only; record a network that forms again anew.")
    case = await load(conn, actor, resource("case"), stored.case_id)
    members = await checked_members(conn, actor, case, body, old)
    return Network(**{**fields_of(body), "members": members}, id=old.id, meta=next_meta(old.meta, actor, now()))


def without_private_contacts(doc: bytes) -> bytes:
    """The network with each member's contact details the family may not see taken out."""
    if not PRIVATE_CONTACT.search(doc):
        return doc
    value = msgspec.json.decode(doc)
    for member in value.get("members", []):
        member["contact"] = [c for c in member.get("contact", []) if c.get("share_with_family")]
    return msgspec.json.encode(value)


async def shown_to(_: AsyncConnection, actor: Actor, stored: list[StoredRecord]) -> list[StoredRecord]:
    """Family, network and child callers see only the contact details marked `share_with_family`."""
    if not actor.scope.family:
        return stored
    return [msgspec.structs.replace(r, doc=without_private_contacts(r.doc)) for r in stored]


# --- network meetings --------------------------------------------------------------------------------


async def check_meeting(conn: AsyncConnection, actor: Actor, case_id: UUID, body: NetworkMeetingCreate) -> None:
    """The people are the council's; the map, judgements, safety plan (in a version already written) and
    network are this case's."""
    people = [("/facilitator", body.facilitator)]
    people += [(f"/attendance/{i}/person_id", a.person_id) for i, a in enumerate(body.attendance)]
    people += [(f"/next_steps/{i}/owner", s.owner) for i, s in enumerate(body.next_steps)]
    people += [(f"/record_shared_with/{i}/person_id", s.person_id) for i, s in enumerate(body.record_shared_with)]
    await require_existing(conn, actor, "person", people)
    errors: list[FieldError] = []
    for kind, named in (
        ("assessment_map", optional("/map_id", body.map_id)),
        ("scaling_judgement", [(f"/judgement_ids/{i}", j) for i, j in enumerate(body.judgement_ids)]),
        (KIND, optional("/network_id", body.network_id)),
    ):
        errors += await not_of_case(conn, actor, kind, case_id, named)
    if body.safety_plan_id is not None:
        plan = ("/safety_plan_id", body.safety_plan_id, "/safety_plan_version", body.safety_plan_version or 1)
        errors += await written_in_case(conn, actor, case_id, "safety_plan", [plan])
    refuse(errors, "The meeting names records that are not this case's:")


def with_step_ids(body: NetworkMeetingCreate) -> dict[str, Any]:
    """The body's fields, its next steps keeping the ids sent (they persist across versions) and new ones given one."""
    steps = [s if s.id is not None else msgspec.structs.replace(s, id=new_id()) for s in body.next_steps]
    return {**fields_of(body), "next_steps": steps}


async def new_meeting(
    conn: AsyncConnection, actor: Actor, case: StoredRecord | None, body: NetworkMeetingCreate, meeting_id: UUID
) -> NetworkMeeting:
    assert case is not None
    await check_meeting(conn, actor, case.id, body)
    return NetworkMeeting(**with_step_ids(body), id=meeting_id, meta=new_meta(actor, now(), case.id, case.la_code))


async def next_meeting(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: NetworkMeetingCreate
) -> NetworkMeeting:
    assert stored.case_id is not None
    await check_meeting(conn, actor, stored.case_id, body)
    old = msgspec.json.decode(stored.doc, type=NetworkMeeting)
    return NetworkMeeting(**with_step_ids(body), id=old.id, meta=next_meta(old.meta, actor, now()))


IF_MATCH = "(If-Match required; the previous version is kept)"

NETWORKS = register(
    Resource(
        Names(KIND, "Network", "/v1/networks", "network_id", "network"),
        Record(Network, NetworkCreate, network_columns, parent="case"),
        Access(read=SHARED_WORK_READERS),
        listing=Listing("listCaseNetworks", "The case's safety and family networks, oldest first"),
        create=Create("createNetwork", "Record a child's safety or family network", new_network, CASE_WRITERS),
        replace=Replace(
            "replaceNetwork",
            f"Change a network {IF_MATCH}; member ids persist, an ended network is read-only",
            next_network,
            CASE_WRITERS,
            problems=(409,),
        ),
        present=shown_to,
    )
)

MEETINGS = register(
    Resource(
        Names(MEETING_KIND, "NetworkMeeting", "/v1/network-meetings", "meeting_id", "network"),
        Record(NetworkMeeting, NetworkMeetingCreate, parent="case"),
        Access(read=SHARED_WORK_READERS),
        listing=Listing("listCaseNetworkMeetings", "The case's network meetings, newest first", newest_first=True),
        create=Create("createNetworkMeeting", "Record a network meeting", new_meeting, CASE_WRITERS),
        replace=Replace(
            "replaceNetworkMeeting", f"Change a network meeting's record {IF_MATCH}", next_meeting, CASE_WRITERS
        ),
    )
)
ROUTES: list[object] = []
