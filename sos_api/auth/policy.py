"""Who may call which operation, and which records they may see: the one place for access rules.

Every route is guarded by `guard`, which looks the route's operationId up in OPERATIONS. An operation with no
rule is refused for everyone, so a new route cannot ship without a decision here. Object scope (tenant,
visibility) is the `Scope` every query starts from (db/records.py `scoped`).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from ..problems import Forbidden, NotFound
from .roles import Principal, Role

R = Role

# Council practitioners who work cases, and those who may read them (domain 4.1).
CASE_WORKERS = frozenset({R.social_worker, R.early_help_worker, R.personal_adviser, R.team_manager})
CASE_READERS = CASE_WORKERS | {R.conference_chair, R.iro, R.practice_lead, R.auditor}
SYNC_CLIENTS = frozenset({R.integration_client})
MANAGERS = frozenset({R.team_manager})
# Scaling: the chair and IRO give their own judgements in conferences and reviews.
JUDGES = CASE_WORKERS | {R.conference_chair, R.iro}


class Rule(msgspec.Struct, frozen=True):
    roles: frozenset[Role]
    purpose: str = "direct_work"


OPERATIONS: dict[str, Rule] = {
    # cases
    "listCases": Rule(CASE_READERS | SYNC_CLIENTS),
    "createCase": Rule(CASE_WORKERS | SYNC_CLIENTS),
    "getCase": Rule(CASE_READERS | SYNC_CLIENTS),
    "replaceCase": Rule(CASE_WORKERS | SYNC_CLIENTS),
    "closeCase": Rule(MANAGERS | SYNC_CLIENTS),
    "listCaseVersions": Rule(CASE_READERS | SYNC_CLIENTS),
    "getCaseVersion": Rule(CASE_READERS | SYNC_CLIENTS),
    # people
    "listPeople": Rule(CASE_READERS | SYNC_CLIENTS),
    "createPerson": Rule(CASE_WORKERS | SYNC_CLIENTS),
    "getPerson": Rule(CASE_READERS | SYNC_CLIENTS),
    "replacePerson": Rule(CASE_WORKERS | SYNC_CLIENTS),
    "listPersonVersions": Rule(CASE_READERS | SYNC_CLIENTS),
    "getPersonVersion": Rule(CASE_READERS | SYNC_CLIENTS),
    # assessment maps
    "listCaseMaps": Rule(CASE_READERS | SYNC_CLIENTS),
    "createMap": Rule(CASE_WORKERS),
    "getCurrentMap": Rule(CASE_READERS | SYNC_CLIENTS),
    "getCaseMapVersion": Rule(CASE_READERS | SYNC_CLIENTS),
    "getMap": Rule(CASE_READERS | SYNC_CLIENTS),
    "replaceMap": Rule(CASE_WORKERS),
    "finaliseMap": Rule(CASE_WORKERS),
    "createMapRevision": Rule(CASE_WORKERS),
    "listMapVersions": Rule(CASE_READERS | SYNC_CLIENTS),
    "getMapVersion": Rule(CASE_READERS | SYNC_CLIENTS),
    # danger statements and goals
    "listDangerStatements": Rule(CASE_READERS | SYNC_CLIENTS),
    "createDangerStatement": Rule(CASE_WORKERS),
    "getDangerStatement": Rule(CASE_READERS | SYNC_CLIENTS),
    "replaceDangerStatement": Rule(CASE_WORKERS),
    "listDangerStatementVersions": Rule(CASE_READERS | SYNC_CLIENTS),
    "getDangerStatementVersion": Rule(CASE_READERS | SYNC_CLIENTS),
    # scaling
    "createDangerScalingQuestion": Rule(CASE_WORKERS),
    "getScalingQuestion": Rule(CASE_READERS | SYNC_CLIENTS),
    "listJudgements": Rule(CASE_READERS | SYNC_CLIENTS),
    "recordJudgement": Rule(JUDGES),
    "getDangerScalingSeries": Rule(CASE_READERS | SYNC_CLIENTS),
}

PUBLIC_OPERATIONS = frozenset({"getHealth", "getReady", "getJwks"})


class Scope(msgspec.Struct, frozen=True):
    """What one caller may see: one council's records, at these visibilities, optionally only these cases."""

    la_code: str
    visibilities: frozenset[str]
    case_ids: frozenset[Any] | None = None


ALL_VISIBILITIES = frozenset({"family_shareable", "professionals_only", "restricted"})


def scope_for(who: Principal) -> Scope:
    """The tenant and visibility scope of a caller. Callers outside any council see nothing (404, not 403)."""
    if who.la_code is None:
        raise NotFound("No such record.")
    return Scope(la_code=who.la_code, visibilities=ALL_VISIBILITIES)


def rule_for(operation_id: str) -> Rule | None:
    return OPERATIONS.get(operation_id)


def default_purpose(operation_id: str, who: Principal) -> str:
    if Role.integration_client in who.roles:
        return "integration_sync"
    if who.roles[0] in {Role.practice_lead, Role.auditor}:
        return "audit"
    rule = OPERATIONS.get(operation_id)
    return rule.purpose if rule else "direct_work"


async def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Refuse the call unless one of the caller's roles is allowed this operation."""
    operation_id = handler.opt.get("operation_id_key") or getattr(handler, "operation_id", None)
    if operation_id in PUBLIC_OPERATIONS:
        return
    rule = OPERATIONS.get(str(operation_id))
    who: Principal = connection.user
    if rule is None or not any(role in rule.roles for role in who.roles):
        raise Forbidden("Your role may not do this.")
