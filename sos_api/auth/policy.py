"""Who may call which operation, and which records they may then see: the one place for access rules.

Two questions, answered here and nowhere else (domain 4):
1. Role: may a caller with these roles call this operation at all? `OPERATIONS` maps every operationId to the
   roles allowed (and, for integration clients, the SMART v2 scope needed, interop R21). An operation with no
   rule is refused for everyone, so a new route cannot ship without a decision here. Refusals are 403.
2. Object: which records may the acting role see? `scope_for` turns the token into a `Scope` (council, the
   visibilities it may read, and the case grants it holds). Every query starts from that scope
   (db/records.py `scoped`) and PostgreSQL row-level security checks the council again. Records outside the
   scope are 404, so a caller cannot learn that another family's record exists.

Case grants are strings matched against the `case_access` table, kept up to date on every case and
involvement write: `person:<id>` (allocated worker, team manager, chair, IRO), `team:<name>` (allocated
team), `member:<id>` (a family member of the case), `org:<type:code>` (an agency involved), and `unallocated`
(a case no team has been given yet: the council's front door triage pool, visible to its case workers).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from ..problems import Forbidden, NotFound
from .roles import Principal, Role

R = Role

# Council practitioners who hold cases: they see cases allocated to them or their team (domain 4.1).
CASE_WORKERS = frozenset({R.social_worker, R.early_help_worker, R.personal_adviser, R.team_manager})
MANAGERS = frozenset({R.team_manager})
# Independent chairs and reviewing officers: cases where they chair or review (an involvement record).
INDEPENDENT = frozenset({R.conference_chair, R.iro})
# Quality and audit staff: every case of the council, read only, purpose `audit`.
COUNCIL_WIDE = frozenset({R.practice_lead, R.auditor})
AUDITORS = COUNCIL_WIDE
SYNC_CLIENTS = frozenset({R.integration_client})
PARTNERS = frozenset({R.partner_practitioner})
FAMILY = frozenset({R.parent_carer, R.family_member, R.network_member})
CHILD = frozenset({R.child})

PROFESSIONALS = CASE_WORKERS | INDEPENDENT | COUNCIL_WIDE | SYNC_CLIENTS
# Everyone who may read a family's shared Signs of Safety work, each within their own scope.
SHARED_WORK_READERS = PROFESSIONALS | PARTNERS | FAMILY | CHILD
# Scaling: the chair and IRO give their own judgements; the family and child give their own numbers.
JUDGES = CASE_WORKERS | INDEPENDENT | FAMILY | CHILD

ALL_VISIBILITIES = frozenset({"family_shareable", "professionals_only", "restricted"})
PROFESSIONAL_VISIBILITIES = frozenset({"family_shareable", "professionals_only"})
FAMILY_VISIBILITIES = frozenset({"family_shareable"})


class Rule(msgspec.Struct, frozen=True):
    """Who may call one operation. `resource` and `access` (one SMART letter: c r u d s) are what an
    integration client's scopes must cover, e.g. `system/cases.r`."""

    roles: frozenset[Role]
    resource: str
    access: str
    purpose: str = "direct_work"


def _rules(resource: str, **by_operation: tuple[frozenset[Role], str]) -> dict[str, Rule]:
    return {op: Rule(roles, resource, access) for op, (roles, access) in by_operation.items()}


OPERATIONS: dict[str, Rule] = {
    **_rules(
        "cases",
        listCases=(SHARED_WORK_READERS, "s"),
        createCase=(CASE_WORKERS | SYNC_CLIENTS, "c"),
        getCase=(SHARED_WORK_READERS, "r"),
        replaceCase=(CASE_WORKERS | SYNC_CLIENTS, "u"),
        closeCase=(MANAGERS | SYNC_CLIENTS, "u"),
        listCaseVersions=(PROFESSIONALS, "r"),
        getCaseVersion=(PROFESSIONALS, "r"),
    ),
    **_rules(
        "case-involvements",
        listCaseInvolvements=(PROFESSIONALS, "s"),
        getCaseInvolvement=(PROFESSIONALS, "r"),
        createCaseInvolvement=(CASE_WORKERS | SYNC_CLIENTS, "c"),
        endCaseInvolvement=(CASE_WORKERS | SYNC_CLIENTS, "u"),
    ),
    **_rules(
        "people",
        # Searching the person register is for council professionals; others reach people through a case.
        listPeople=(PROFESSIONALS, "s"),
        createPerson=(CASE_WORKERS | SYNC_CLIENTS, "c"),
        getPerson=(SHARED_WORK_READERS, "r"),
        replacePerson=(CASE_WORKERS | SYNC_CLIENTS, "u"),
        listPersonVersions=(PROFESSIONALS, "r"),
        getPersonVersion=(PROFESSIONALS, "r"),
    ),
    **_rules(
        "assessment-maps",
        listCaseMaps=(SHARED_WORK_READERS, "s"),
        createMap=(CASE_WORKERS, "c"),
        getCurrentMap=(SHARED_WORK_READERS, "r"),
        getCaseMapVersion=(SHARED_WORK_READERS, "r"),
        getMap=(SHARED_WORK_READERS, "r"),
        replaceMap=(CASE_WORKERS, "u"),
        finaliseMap=(CASE_WORKERS, "u"),
        createMapRevision=(CASE_WORKERS, "c"),
        listMapVersions=(SHARED_WORK_READERS, "r"),
        getMapVersion=(SHARED_WORK_READERS, "r"),
    ),
    **_rules(
        "danger-statements",
        listDangerStatements=(SHARED_WORK_READERS, "s"),
        createDangerStatement=(CASE_WORKERS, "c"),
        getDangerStatement=(SHARED_WORK_READERS, "r"),
        replaceDangerStatement=(CASE_WORKERS, "u"),
        listDangerStatementVersions=(SHARED_WORK_READERS, "r"),
        getDangerStatementVersion=(SHARED_WORK_READERS, "r"),
    ),
    **_rules(
        "scaling",
        createDangerScalingQuestion=(CASE_WORKERS, "c"),
        getScalingQuestion=(SHARED_WORK_READERS, "r"),
        listJudgements=(SHARED_WORK_READERS, "s"),
        recordJudgement=(JUDGES, "c"),
        getDangerScalingSeries=(SHARED_WORK_READERS, "r"),
    ),
    **{
        op: Rule(AUDITORS, "audit-events", access, purpose="audit")
        for op, access in (("listAuditEvents", "s"), ("getPersonAccessHistory", "r"))
    },
}

PUBLIC_OPERATIONS = frozenset({"getHealth", "getReady", "getJwks", "getApiConfiguration"})


class Scope(msgspec.Struct, frozen=True, kw_only=True):
    """What one caller may see.

    la_code: the council; None only for an agency caller, whose grants then span the councils that involved it.
    grants: case grants (see module doc); None means every case of the council.
    person_register: may see every person of the council, not only members of the cases it can see.
    redact_confidential: confidential addresses are removed from what it reads (BR-27).
    """

    la_code: str | None
    visibilities: frozenset[str]
    grants: frozenset[str] | None = None
    person_register: bool = False
    redact_confidential: bool = True

    @property
    def tenant(self) -> str:
        """The council new records belong to. Only council callers write, so this is always set for a write."""
        if self.la_code is None:
            raise Forbidden("Only council callers may record this.")
        return self.la_code


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
        )
    if la_code is None:
        raise NotFound("No such record.")
    if role in CASE_WORKERS:
        return Scope(
            la_code=la_code,
            visibilities=ALL_VISIBILITIES,
            grants=practitioner_grants(who) | {"unallocated"},
            person_register=True,
            redact_confidential=False,
        )
    if role in INDEPENDENT:
        return Scope(
            la_code=la_code, visibilities=ALL_VISIBILITIES, grants=practitioner_grants(who), redact_confidential=False
        )
    if role in COUNCIL_WIDE or role in SYNC_CLIENTS:
        return Scope(la_code=la_code, visibilities=ALL_VISIBILITIES, person_register=True, redact_confidential=False)
    if role in FAMILY or role in CHILD:
        mine = frozenset({f"member:{who.person_id}"}) if who.person_id else frozenset()
        return Scope(la_code=la_code, visibilities=FAMILY_VISIBILITIES, grants=mine)
    return Scope(la_code=la_code, visibilities=frozenset(), grants=frozenset())


def scope_covers(scopes: frozenset[str], rule: Rule) -> bool:
    """SMART v2 style `system/<resource>.<letters>` (or `system/*.<letters>`) covering the rule's access."""
    for scope in scopes:
        context, _, rest = scope.partition("/")
        resource, _, letters = rest.rpartition(".")
        if context == "system" and resource in {rule.resource, "*"} and rule.access in letters:
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
        if role in SYNC_CLIENTS and not scope_covers(who.scopes, rule):
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


def check_own_voice(role: Role, who: Principal, perspective_role: str, person_id: UUID | None) -> None:
    """Family members and children record only their own words and numbers, as themselves (domain 4.1)."""
    if role not in FAMILY and role not in CHILD:
        return
    if perspective_role != role.value or person_id is None or person_id != who.person_id:
        raise Forbidden("You may record only your own view, in your own name.")


async def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Refuse the call unless one of the caller's roles is allowed this operation (the role half of policy)."""
    operation_id = str(getattr(handler, "operation_id", None))
    if operation_id in PUBLIC_OPERATIONS:
        return
    who: Principal = connection.user
    connection.state.acting_role = acting_role(operation_id, who)
