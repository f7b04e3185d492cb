"""Relationships between the people of a case: the lines of a genogram or ecomap, each as one person sees it
(domain 2.5), with parental responsibility held on the adult-child line (domain 2.3).

A kind on the registry and nothing else: the standard routes (create and list under the case, read, replace,
versions, entered in error) come from the declaration at the bottom; this module holds only its rules.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import Case, FieldError, PrBasis, Relationship, RelationshipCreate, RelationshipKind

from . import problems
from .auth.policy import CASE_WRITERS, SHARED_WORK_READERS, Access
from .context import Actor
from .db.records import StoredRecord
from .resources.members import CHILD_ROLES
from .resources.presets import KEPT_IN_CMS
from .resources.registry import Create, Listing, Names, Record, Replace, Resource, register, resource
from .resources.service import fields_of, load, new_meta, next_meta, now

KIND = "relationship"
# Parental responsibility that only one kind of line can carry (who holds PR by birth, adoption, SGO).
PR_BASIS_KIND = {
    PrBasis.birth_mother: RelationshipKind.birth_parent,
    PrBasis.married_father: RelationshipKind.birth_parent,
    PrBasis.father_on_birth_register: RelationshipKind.birth_parent,
    PrBasis.adoption_order: RelationshipKind.adoptive_parent,
    PrBasis.special_guardianship_order: RelationshipKind.special_guardian,
}


def check_against_case(case: Case, body: RelationshipCreate) -> None:
    """Both people are members of the case; parental responsibility sits on an adult-to-child line, with a
    basis that fits the kind of line."""
    roles = {m.person_id: m.role for m in case.members}
    errors = [
        FieldError(pointer=f"/{name}", code="not_a_member_of_case", detail=f"{person} is not a member of this case")
        for name, person in (("person_a", body.person_a), ("person_b", body.person_b))
        if person not in roles
    ]
    if body.has_pr is not None and not errors:
        adult_to_child = roles[body.person_b] in CHILD_ROLES and roles[body.person_a] not in CHILD_ROLES
        if not adult_to_child:
            errors.append(
                FieldError(
                    pointer="/has_pr",
                    code="not_adult_to_child",
                    detail="parental responsibility is recorded on an adult (person_a) to child (person_b) line only",
                )
            )
    needed = PR_BASIS_KIND.get(body.pr_basis) if body.pr_basis is not None else None
    if needed is not None and body.kind is not needed:
        errors.append(
            FieldError(
                pointer="/pr_basis",
                code="basis_does_not_fit_kind",
                detail=f"pr_basis {body.pr_basis.value if body.pr_basis else ''} needs kind {needed.value}",
            )
        )
    if errors:
        raise problems.RuleBroken("; ".join(e.detail for e in errors) + ".", errors=errors)


async def new_relationship(
    _: AsyncConnection, actor: Actor, case: StoredRecord | None, body: RelationshipCreate, relationship_id: UUID
) -> Relationship:
    assert case is not None
    check_against_case(msgspec.json.decode(case.doc, type=Case), body)
    meta = new_meta(actor, now(), case.id, case.la_code)
    return Relationship(**fields_of(body), id=relationship_id, meta=meta)


async def next_relationship(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: RelationshipCreate
) -> Relationship:
    case = await load(conn, actor, resource("case"), stored.case_id)
    check_against_case(msgspec.json.decode(case.doc, type=Case), body)
    old = msgspec.json.decode(stored.doc, type=Relationship)
    return Relationship(**fields_of(body), id=old.id, meta=next_meta(old.meta, actor, now()))


RELATIONSHIPS = register(
    Resource(
        Names(KIND, "Relationship", "/v1/relationships", "relationship_id", "people"),
        # A line is about the case's children (taken from the case when stored).
        Record(Relationship, RelationshipCreate, parent="case"),
        Access(read=SHARED_WORK_READERS),
        system_owns=KEPT_IN_CMS,
        listing=Listing("listCaseRelationships", "The relationships between the case's people (a genogram)"),
        create=Create(
            "createRelationship",
            "Record a relationship between two people of the case, as one person sees it",
            new_relationship,
            CASE_WRITERS,
        ),
        replace=Replace(
            "replaceRelationship",
            "Change a relationship (If-Match required; the previous version is kept)",
            next_relationship,
            CASE_WRITERS,
        ),
    )
)
ROUTES: list[object] = []
