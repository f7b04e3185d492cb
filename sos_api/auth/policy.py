"""Who may call which operation, which records they then see, in which view, and who signs off: the one place
for access rules (domain 4).

1. Role: may a caller with these roles call this operation at all? Every operation has a `Rule` (the roles
   allowed and, for integration clients, the SMART v2 scope needed, interop R21). Standard operations get
   theirs from their kind's registry declaration (`Access`), special ones from the same declaration, and the
   audit log's below. An operation with no rule is refused for everyone, so a route cannot ship without a
   decision here. Refusals are 403.
2. Object: which records may the acting role see? `scope_for` turns the token into a `Scope` (council,
   visibilities, case grants), and `row_filter` turns a scope and a kind's `Reach` into the conditions every
   query starts from (db/records.py asks, it has no kind branches of its own). PostgreSQL row-level security
   checks the council again (`councils_of` for agencies). Records outside the scope are 404, so a caller
   cannot learn that another family's record exists. A record that belongs to no case (an individual supervision)
   has a reach of its own, `Reach.named`: the people it names see it, and only the first of them changes it.
3. View: `view_for` picks what a caller sees of a record it may see (BR-27: confidential addresses removed).
4. Sign-off: finalising a map or agreeing a plan is the team manager's (`SIGNERS`), and the signer is always
   the caller's token (`signed_by`), never a body field.

Case grants are strings matched against the `case_access` table, kept up to date on every case and
involvement write (`case_grants`, `involvement_grants`): `person:<id>` (allocated worker, team manager, chair,
IRO), `team:<name>` (allocated team), `member:<id>` (a family member of the case), `org:<type:code>` (an agency
involved), and `unallocated` (a case no team has been given yet: the front-door triage pool, visible to the
council's case workers).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from typing import Any
from uuid import UUID

import msgspec
import sqlalchemy as sa
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from sqlalchemy.dialects.postgresql import UUID as PG_UUID

from sos_schema import Case, CaseInvolvement, InvolvementKind, InvolvementStatus

from ..db.tables import case_access, records
from ..problems import Forbidden, NotFound, NotTheSupervisor, NotYourCouncil
from .roles import Principal, Role

R = Role

# Council practitioners who hold cases: they see cases allocated to them or their team (domain 4.1).
CASE_WORKERS = frozenset({R.social_worker, R.early_help_worker, R.personal_adviser, R.team_manager})
MANAGERS = frozenset({R.team_manager})
# Domain 4.1: finalising a map and agreeing a plan are the team manager's; the token says who signed.
SIGNERS = MANAGERS
# Independent chairs and reviewing officers: cases where they chair or review (an involvement record).
INDEPENDENT = frozenset({R.conference_chair, R.iro})
# Quality and audit staff: every case of the council, read only, purpose `audit`.
COUNCIL_WIDE = frozenset({R.practice_lead, R.auditor})
AUDITORS = COUNCIL_WIDE
# Domain 2.24: individual supervision is given by a team manager or a practice lead (the record says which person).
SUPERVISORS = MANAGERS | frozenset({R.practice_lead})
SYNC_CLIENTS = frozenset({R.integration_client})
PARTNERS = frozenset({R.partner_practitioner})
# An NHS or police system (no person): nothing of case content; contributions and flags within its scopes (4.1).
PARTNER_SYSTEMS = frozenset({R.partner_system})
FAMILY = frozenset({R.parent_carer, R.family_member, R.network_member})
CHILD = frozenset({R.child})

PROFESSIONALS = CASE_WORKERS | INDEPENDENT | COUNCIL_WIDE | SYNC_CLIENTS
# Everyone who may read a family's shared Signs of Safety work, each within their own scope.
SHARED_WORK_READERS = PROFESSIONALS | PARTNERS | FAMILY | CHILD
# Council staff who write case content (domain 4.1 "may write"), and the council's own record system.
CASE_WRITERS = CASE_WORKERS | SYNC_CLIENTS
# Scaling: workers, the chair and IRO, an involved agency's practitioner, the family and the child each give
# their own judgements (domain 4.1).
JUDGES = CASE_WORKERS | INDEPENDENT | PARTNERS | FAMILY | CHILD

ALL_VISIBILITIES = frozenset({"family_shareable", "professionals_only", "restricted"})
PROFESSIONAL_VISIBILITIES = frozenset({"family_shareable", "professionals_only"})
FAMILY_VISIBILITIES = frozenset({"family_shareable"})


class Rule(msgspec.Struct, frozen=True):
    """Who may call one operation. `resource` and `access` (SMART letters: c r u d s; every one needed) are what
    an integration client's scopes must cover, e.g. `system/cases.r`."""

    roles: frozenset[Role]
    resource: str
    access: str
    purpose: str = "direct_work"
    # Roles besides integration clients that need the SMART scope as well as the role (R21: a partner system
    # sends contributions with system/contributions.c; a flag lookup needs system/flags.s, Entra `Flags.Search`).
    scoped: frozenset[Role] = frozenset()


class Access(msgspec.Struct, frozen=True, kw_only=True):
    """The roles allowed to read one kind, its history, and to mark it entered in error (its registry
    declaration carries this; its creates, replaces and actions name their own roles)."""

    read: frozenset[Role]
    # Saved versions: the same callers as the record unless the kind keeps its history to professionals.
    history: frozenset[Role] | None = None
    # Marking a record entered in error (BR-23): practitioners and managers, and the council's own system.
    correct: frozenset[Role] = CASE_WRITERS


class Reach(enum.Enum):
    """How a kind's records are reached from the cases a caller may see."""

    case = "case"  # the record is a case
    case_content = "case_content"  # the record belongs to a case (case_id)
    person = "person"  # a person: the council's register, or members of the caller's cases
    # A referral: in the council's front-door pool (seen like an unallocated case) until linked to a case, then
    # seen with that case.
    front_door = "front_door"
    # A record of no case, about people (an individual supervision, domain 2.24): seen by the people it names (its
    # `audience` column) and by council-wide readers; changed only by the first person it names, its author.
    named = "named"


# Every operation's rule. Kinds add theirs when they register (resources/registry.py).
OPERATIONS: dict[str, Rule] = {
    op: Rule(AUDITORS, "audit-events", access, purpose="audit")
    for op, access in (("listAuditEvents", "s"), ("getPersonAccessHistory", "r"))
}
# No token: about the service itself, nothing about a person or a record (getMetrics: sos_api/metrics.py says who
# should reach it).
PUBLIC_OPERATIONS = frozenset({"getHealth", "getReady", "getJwks", "getApiConfiguration", "getMetrics"})


def register_rules(rules: dict[str, Rule]) -> None:
    clash = rules.keys() & OPERATIONS.keys()
    if clash:
        raise ValueError(f"operations declared twice: {sorted(clash)}")
    OPERATIONS.update(rules)


# --- who the caller is allowed to see --------------------------------------------------------------


class Scope(msgspec.Struct, frozen=True, kw_only=True):
    """What one caller may see.

    la_code: the council; None only for an agency caller, whose grants then span the councils that involved it.
    grants: case grants (see module doc); None means every case of the council.
    person_register: may see every person of the council, not only members of the cases it can see.
    redact_confidential: confidential addresses are removed from what it reads (BR-27).
    agency: a partner agency: `professionals_only` records only where shared with agencies (domain 4.1).
    sees_entered_in_error: records marked entered in error stay visible (auditors, domain 3.6).
    family: a family, network or child caller, who sees a record with an `audience` only when named in it
        (BR-11: a child's tool goes to the parents and network the child agreed to).
    person: who the caller is (the token's person_id), for records that name people (`audience`).
    """

    la_code: str | None
    visibilities: frozenset[str]
    grants: frozenset[str] | None = None
    person_register: bool = False
    redact_confidential: bool = True
    agency: bool = False
    sees_entered_in_error: bool = False
    family: bool = False
    person: UUID | None = None

    @property
    def tenant(self) -> str:
        """The council new records belong to. Only council callers create top-level records."""
        if self.la_code is None:
            raise Forbidden("Only council callers may record this.")
        return self.la_code


VISIBILITY_ORDER = ("family_shareable", "professionals_only", "restricted")


def no_wider_than(record: Any, holder: Any) -> dict[str, Any]:
    """The classification a record takes so it is never seen more widely than the record it belongs to (BR-26:
    a professionals_only danger's scale and judgements are professionals_only too): its own, or its holder's
    when that is stricter. Fields to build the record with."""
    mine, theirs = VISIBILITY_ORDER.index(record.visibility.value), VISIBILITY_ORDER.index(holder.visibility.value)
    if theirs <= mine:
        return {}
    return {
        "visibility": holder.visibility,
        "withheld_reason": holder.withheld_reason,
        "shared_with_agencies": holder.shared_with_agencies,
    }


def practitioner_grants(who: Principal) -> frozenset[str]:
    grants = {f"team:{team}" for team in who.teams}
    if who.person_id is not None:
        grants.add(f"person:{who.person_id}")
    return frozenset(grants)


def scope_for(who: Principal, role: Role) -> Scope:
    """The object scope of a caller acting in `role`. A caller with no council and no agency role sees nothing."""
    la_code = who.la_code
    if role in PARTNERS:
        return Scope(
            la_code=la_code,
            visibilities=PROFESSIONAL_VISIBILITIES,
            grants=frozenset({f"org:{who.organisation}"}),
            agency=True,
        )
    if role in PARTNER_SYSTEMS:
        # No case content at all: its own contributions and flag lookups are reached by their own rules below.
        return Scope(la_code=la_code, visibilities=frozenset(), grants=frozenset(), agency=True)
    if la_code is None:
        raise NotFound("No such record.")
    if role in CASE_WORKERS:
        return Scope(
            la_code=la_code,
            visibilities=ALL_VISIBILITIES,
            grants=practitioner_grants(who) | {"unallocated"},
            person_register=True,
            redact_confidential=False,
            person=who.person_id,
        )
    if role in INDEPENDENT:
        return Scope(
            la_code=la_code,
            visibilities=ALL_VISIBILITIES,
            grants=practitioner_grants(who),
            redact_confidential=False,
            person=who.person_id,
        )
    if role in COUNCIL_WIDE:
        return Scope(
            la_code=la_code,
            visibilities=ALL_VISIBILITIES,
            person_register=True,
            redact_confidential=False,
            sees_entered_in_error=True,
            person=who.person_id,
        )
    if role in SYNC_CLIENTS:
        return Scope(la_code=la_code, visibilities=ALL_VISIBILITIES, person_register=True, redact_confidential=False)
    if role in FAMILY or role in CHILD:
        mine = frozenset({f"member:{who.person_id}"}) if who.person_id else frozenset()
        return Scope(la_code=la_code, visibilities=FAMILY_VISIBILITIES, grants=mine, family=True, person=who.person_id)
    return Scope(la_code=la_code, visibilities=frozenset(), grants=frozenset())


def visible_cases(scope: Scope) -> sa.Select[Any]:
    """Ids of the cases a grant-limited scope may see."""
    assert scope.grants is not None
    query = sa.select(case_access.c.case_id).where(case_access.c.grant.in_(sorted(scope.grants)))
    if scope.la_code is not None:
        query = query.where(case_access.c.la_code == scope.la_code)
    return query


def _members_of(cases: sa.Select[Any] | None) -> sa.Select[Any]:
    """Ids of the people who are members of these cases (all cases when None)."""
    member = sa.cast(sa.func.substr(case_access.c.grant, 8), PG_UUID(as_uuid=True))
    query = sa.select(member).where(case_access.c.grant.like("member:%"))
    return query.where(case_access.c.case_id.in_(cases)) if cases is not None else query


def row_filter(scope: Scope, reach: Reach, *, write: bool = False) -> list[sa.ColumnElement[bool]]:
    """The conditions that keep a query to the records of one reach that this scope may see (or change)."""
    conditions: list[sa.ColumnElement[bool]] = []
    if not scope.sees_entered_in_error:
        conditions.append(records.c.entered_in_error.is_(False))
    if scope.agency:
        # Domain 4.1: an agency sees professionals_only items only where they were shared with agencies.
        conditions.append(
            sa.or_(
                records.c.visibility == "family_shareable",
                sa.and_(records.c.visibility == "professionals_only", records.c.shared_with_agencies.is_(True)),
            )
        )
    else:
        conditions.append(records.c.visibility.in_(sorted(scope.visibilities)))
    if scope.family:
        # BR-11: a record with an audience reaches only the family members named in it (the child's consent).
        named = (
            sa.literal(scope.person, PG_UUID(as_uuid=True)) == sa.any_(records.c.audience)
            if scope.person is not None
            else sa.false()
        )
        conditions.append(sa.or_(records.c.audience.is_(None), named))
    if scope.la_code is not None:
        conditions.append(records.c.la_code == scope.la_code)
    if reach is Reach.named:
        return [*conditions, _named(scope, write)]
    if scope.grants is None:
        return conditions
    if reach is Reach.case:
        conditions.append(records.c.id.in_(visible_cases(scope)))
    elif reach is Reach.person:
        if write:
            # Changing a person needs write access to one of their cases; a person on no case yet (just
            # registered at the front door) is changed by the council's case workers.
            conditions.append(
                sa.or_(records.c.id.in_(_members_of(visible_cases(scope))), records.c.id.not_in(_members_of(None)))
            )
        elif not scope.person_register:
            conditions.append(records.c.id.in_(_members_of(visible_cases(scope))))
    elif reach is Reach.front_door:
        # Only callers who triage the unallocated pool (the council's case workers) see the front-door pool.
        pool = records.c.case_id.is_(None) if "unallocated" in scope.grants else sa.false()
        conditions.append(sa.or_(pool, records.c.case_id.in_(visible_cases(scope))))
    else:
        conditions.append(records.c.case_id.in_(visible_cases(scope)))
    return conditions


def _named(scope: Scope, write: bool) -> sa.ColumnElement[bool]:
    """A record of no case (Reach.named): changed only by the first person it names, whatever the caller's role;
    read by the people it names, or by a caller who reads the whole council. Never by a family or an agency."""
    if scope.family or scope.agency:
        return sa.false()
    me = sa.literal(scope.person, PG_UUID(as_uuid=True)) if scope.person is not None else None
    if write:
        return records.c.audience[1] == me if me is not None else sa.false()
    if scope.grants is None:
        return sa.true()
    return me == sa.any_(records.c.audience) if me is not None else sa.false()


def councils_of(scope: Scope) -> sa.Select[Any]:
    """The councils (comma-separated) whose rows an agency's transaction may touch: those whose cases
    involve it, and no others (row-level security, db/engine.py)."""
    return sa.select(sa.func.coalesce(sa.func.string_agg(sa.distinct(case_access.c.la_code), ","), "")).where(
        case_access.c.grant.in_(sorted(scope.grants or ()))
    )


# --- the grants a record gives -----------------------------------------------------------------------


def case_grants(case: Case) -> list[str]:
    """Who the case itself lets in: its allocation, its family, or the triage pool until allocated. A case
    entered in error lets nobody in: its content goes with it (auditors still see everything)."""
    if case.meta.entered_in_error is not None:
        return []
    grants = [f"member:{m.person_id}" for m in case.members]
    grants += [f"person:{p}" for p in (case.allocated_worker, case.team_manager) if p is not None]
    if case.restricted is not None:
        # Domain 2.2: a restricted case is seen by named users only, not by the whole team or the triage pool.
        return grants + [f"person:{p}" for p in case.restricted.named_users]
    if case.team is not None:
        grants.append(f"team:{case.team}")
    if case.team is None and case.allocated_worker is None:
        grants.append("unallocated")
    return grants


def involvement_grants(involvement: CaseInvolvement) -> list[str]:
    """An active involvement lets in the agency, or the chair or IRO in person; an ended one (or one entered in
    error), nobody."""
    if involvement.status is InvolvementStatus.ended or involvement.meta.entered_in_error is not None:
        return []
    if involvement.kind is InvolvementKind.agency:
        return [f"org:{involvement.organisation}"]
    return [f"person:{involvement.person_id}"]


# --- views -------------------------------------------------------------------------------------------

CONFIDENTIAL = re.compile(rb'"confidential":\s*true')


def without_confidential_addresses(doc: bytes) -> bytes:
    """BR-27: confidential addresses (refuge, placement, a victim's) removed. The byte check keeps every
    document without one free of decoding."""
    if not CONFIDENTIAL.search(doc):
        return doc
    value = msgspec.json.decode(doc)
    if isinstance(value.get("addresses"), list):
        value["addresses"] = [a for a in value["addresses"] if not a.get("confidential")]
    if isinstance(value.get("household_address"), dict) and value["household_address"].get("confidential"):
        value["household_address"] = None
    return msgspec.json.encode(value)


def view_for(scope: Scope, holds_addresses: bool) -> Callable[[bytes], bytes] | None:
    """The view of a kind's documents this caller gets: None for the whole document."""
    if holds_addresses and scope.redact_confidential:
        return without_confidential_addresses
    return None


# --- contributions and flags (interop R14, R15, R17, R18) ---------------------------------------------------

# Who sends contributions: partner agencies' practitioners and systems, and the council's own practitioners.
CONTRIBUTORS = PARTNERS | PARTNER_SYSTEMS | CASE_WORKERS
# Who reads one: its contributor (the organisation that sent it, its own view) and the council's professionals
# within their usual reach (the front-door pool until matched to a case, then with that case).
CONTRIBUTION_READERS = CONTRIBUTORS | PROFESSIONALS
# Council staff move it through triage to a decision (R15).
CONTRIBUTION_TRIAGERS = CASE_WORKERS
# A flag lookup needs the flag-search permission as well as the role (R17).
FLAG_SEARCHERS = PARTNERS | PARTNER_SYSTEMS
# The council's staff who may list a child's latest flag lookups (R18).
FLAG_ACCESS_READERS = CASE_WORKERS | INDEPENDENT | COUNCIL_WIDE


def is_council_caller(who: Principal) -> bool:
    return who.la_code is not None


def receiving_council(who: Principal, named: str | None) -> str | None:
    """The council a contribution goes to: the one the contributor names, or a council caller's own. A council's
    practitioner contributes to their own council only. None when an agency named none (the caller must)."""
    if who.la_code is not None and named is not None and named != who.la_code:
        raise NotYourCouncil("A council's practitioners send contributions to their own council only.")
    return named or who.la_code


def receiving_scope(la_code: str) -> Scope:
    """What the server itself may look at to match a contribution in the receiving council (its people and their
    cases). The server's matching only: nothing found through it is returned to the contributor (R15)."""
    return Scope(la_code=la_code, visibilities=ALL_VISIBILITIES, person_register=True, redact_confidential=False)


def contributor_view(doc: dict[str, Any]) -> dict[str, Any]:
    """What the contributor sees of its own contribution (R15): what it sent, and the council's decision, never
    whether or to whom it was matched. `matched` shows as `received`, so following the status cannot tell a
    contributor whether the child is known."""
    shown = dict(doc)
    shown["status"] = "received" if shown.get("status") == "matched" else shown.get("status")
    shown["matched_person_id"] = None
    shown["matched_by"] = None
    shown["meta"] = dict(shown["meta"]) | {"case_id": None}
    return shown


# --- webhooks (interop R30, R31) ------------------------------------------------------------------------------

# A council's own systems and its administrators keep the council's subscriptions; a partner agency's system
# keeps its agency's (with the scope system/webhooks.*, as for its other calls).
ADMINS = frozenset({R.admin})
SUBSCRIBERS = SYNC_CLIENTS | ADMINS | PARTNER_SYSTEMS


def subscriber_scope(role: Role, organisation: str) -> Scope:
    """What a webhook subscription may be told of: the records its organisation may read, by the same row filter
    as a read. A council's subscription: every record of the council, as its sync client reads them. A partner
    agency's: the records of cases that involve it, as its practitioners see them, in whichever council. Records
    marked entered in error stay in reach, so the subscriber hears of the tombstone (a thin event, no content)."""
    kind, _, code = organisation.partition(":")
    if role in PARTNER_SYSTEMS or kind != "la":
        return Scope(
            la_code=None,
            visibilities=PROFESSIONAL_VISIBILITIES,
            grants=frozenset({f"org:{organisation}"}),
            agency=True,
            sees_entered_in_error=True,
        )
    return Scope(
        la_code=code,
        visibilities=ALL_VISIBILITIES,
        person_register=True,
        redact_confidential=False,
        sees_entered_in_error=True,
    )


# --- roles ---------------------------------------------------------------------------------------------


def scope_covers(scopes: frozenset[str], rule: Rule) -> bool:
    """SMART v2 style `system/<resource>.<letters>` (or `system/*.<letters>`) covering the rule's access."""
    for scope in scopes:
        context, _, rest = scope.partition("/")
        resource, _, letters = rest.rpartition(".")
        # Every letter the rule needs: an upsert that may create needs both `c` and `u` (interop R2).
        if context == "system" and resource in {rule.resource, "*"} and all(a in letters for a in rule.access):
            return True
    return False


def acting_role(operation_id: str, who: Principal) -> Role:
    """The first of the caller's roles allowed this operation; 403 if none is (or a client lacks the scope)."""
    rule = OPERATIONS.get(operation_id)
    if rule is None:
        raise Forbidden("Nobody may do this yet.")
    for role in who.roles:
        if role not in rule.roles:
            continue
        if (role in SYNC_CLIENTS or role in rule.scoped) and not scope_covers(who.scopes, rule):
            raise Forbidden(f"Your client's scopes do not include system/{rule.resource}.{rule.access}.")
        return role
    raise Forbidden("Your role may not do this.")


def default_purpose(operation_id: str, role: Role) -> str:
    """The purpose of use recorded when the caller does not send X-Purpose-Of-Use (interop R24)."""
    if role in SYNC_CLIENTS:
        return "integration_sync"
    if role in COUNCIL_WIDE:
        return "audit"
    if role in INDEPENDENT:
        return "conference"
    rule = OPERATIONS.get(operation_id)
    return rule.purpose if rule else "direct_work"


OWN_VOICE_ROLES = {R.partner_practitioner: "agency"}


def check_own_voice(role: Role, who: Principal, perspective_role: str, person_id: UUID | None) -> None:
    """Family members, children and partner practitioners record only their own words and numbers, as
    themselves (domain 4.1: "their own views, scaling")."""
    if role not in FAMILY and role not in CHILD and role not in PARTNERS:
        return
    expected = OWN_VOICE_ROLES.get(role, role.value)
    if perspective_role != expected or person_id is None or person_id != who.person_id:
        raise Forbidden("You may record only your own view, in your own name.")


def check_supervisor(who: Principal, supervisor: UUID) -> None:
    """Domain 2.24: a supervision record is written by its supervisor, as themselves (the token says who)."""
    if who.person_id is None or who.person_id != supervisor:
        raise NotTheSupervisor("A supervision record is written by its supervisor: name yourself as the supervisor.")


# Domain 2.2: who works a case (worker, team, manager) and whether it is restricted are the manager's to set.
ALLOCATORS = MANAGERS | SYNC_CLIENTS
ALLOCATION = ("allocated_worker", "team", "team_manager", "restricted")


def check_allocation(role: Role, before: Any, after: Any) -> None:
    """Once a case exists, only a team manager (or the council's own system) changes its allocation."""
    if role not in ALLOCATORS and any(getattr(before, f) != getattr(after, f) for f in ALLOCATION):
        raise Forbidden("Allocating a case (worker, team, manager) or restricting it is the team manager's.")


def signed_by(who: Principal) -> UUID | None:
    """The practitioner who signs off (finalises, agrees, approves): always the caller, from the token."""
    return who.person_id


async def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Refuse the call unless one of the caller's roles is allowed this operation (the role half of policy)."""
    operation_id = str(getattr(handler, "operation_id", None))
    if operation_id in PUBLIC_OPERATIONS:
        return
    who: Principal = connection.user
    connection.state.acting_role = acting_role(operation_id, who)
