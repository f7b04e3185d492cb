"""Roles (domain 4.1) and the Principal: who is calling, for which organisation, with which roles."""

from __future__ import annotations

import enum
from uuid import UUID

import msgspec


class Role(enum.StrEnum):
    social_worker = "social_worker"
    early_help_worker = "early_help_worker"
    personal_adviser = "personal_adviser"
    team_manager = "team_manager"
    conference_chair = "conference_chair"
    iro = "iro"
    practice_lead = "practice_lead"
    auditor = "auditor"
    partner_practitioner = "partner_practitioner"
    parent_carer = "parent_carer"
    family_member = "family_member"
    network_member = "network_member"
    child = "child"
    integration_client = "integration_client"
    partner_system = "partner_system"
    admin = "admin"


class OrgType(enum.StrEnum):
    la = "la"  # a council, by 3-digit DfE code
    ods = "ods"  # an NHS body, by ODS code
    police = "police"  # a police force, by force code


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """The authenticated caller, built from a verified token. Never from anything else in the request."""

    subject: str
    issuer: str
    roles: tuple[Role, ...]
    org_type: OrgType
    org_code: str
    client_app: str | None = None
    scopes: frozenset[str] = frozenset()
    # The caller's own Person record (2.3): a practitioner's, for allocation; a parent's or child's, for
    # "their own case only". From the `person_id` claim.
    person_id: UUID | None = None
    # Teams the practitioner belongs to or manages (`teams` claim), matched against a case's allocated team.
    teams: frozenset[str] = frozenset()

    @property
    def organisation(self) -> str:
        return f"{self.org_type.value}:{self.org_code}"

    @property
    def la_code(self) -> str | None:
        """The council (tenant) this caller belongs to, if it is a council caller."""
        return self.org_code if self.org_type is OrgType.la else None

    @property
    def primary_role(self) -> Role:
        return self.roles[0]


def parse_organisation(value: str) -> tuple[OrgType, str]:
    """Parse "la:845" / "ods:RX1" / "police:01"; raise ValueError otherwise."""
    kind, _, code = value.partition(":")
    org_type = OrgType(kind)
    if org_type is OrgType.la and not (len(code) == 3 and code.isdigit()):
        raise ValueError("a council organisation is la:<3-digit DfE code>")
    if not code or len(code) > 20 or not code.isalnum():
        raise ValueError("organisation code must be 1-20 letters or digits")
    return org_type, code
