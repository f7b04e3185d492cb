"""The person: children, parents, carers, network members and practitioners, in the council's register."""

from __future__ import annotations

from sos_schema import Person, PersonCreate

from ..auth.policy import CASE_WRITERS, PROFESSIONALS, SHARED_WORK_READERS, Access, Reach
from ..auth.roles import Role
from ..resources.registry import WHOLE, Create, Names, Record, Replace, Resource, register
from . import service

CHANGING_SOMEONE = (
    "Needs write access to one of the person's cases (unless they are on no case yet): the register is read "
    "council-wide for matching, but a child's record is changed by those working with them."
)

CREATE_IF_ABSENT = (
    "With `If-None-Exist: identifier=system|value` (interop R2, FHIR conditional create): when one person in your "
    "council already holds the identifier, 200 with their record and nothing made; several: 412 "
    "`ambiguous-identifier`; one you may not see: 409."
)

PEOPLE = register(
    Resource(
        Names(service.KIND, "Person", "/v1/people", "person_id", "people"),
        Record(Person, PersonCreate, service.columns_for, reach=Reach.person, holds_addresses=True),
        Access(read=SHARED_WORK_READERS, history=PROFESSIONALS),
        create=Create(
            "createPerson",
            "Record a person",
            service.new_person,
            CASE_WRITERS,
            problems=(409, 412),
            description=CREATE_IF_ABSENT,
            if_none_exist=service.existing_person,
            if_none_exist_doc="`identifier=system|value` (and `&issuer=...` for systems issued per force): create only "
            "if no one in your council holds it.",
        ),
        replace=Replace(
            "replacePerson",
            "Update a person (If-Match required; the previous version is kept)",
            service.next_person,
            CASE_WRITERS,
            description=CHANGING_SOMEONE,
        ),
        after=service.keep_identifiers,
        # Interop R3, R11: a council's system upserts people by its own person id (an identifier system of the
        # council, upsertPersonByIdentifier) and owns their demographics and identifiers.
        system_owns=WHOLE,
        # Searching the person register is for council professionals; others reach people through a case.
        # Upserting by identifier creates or updates: the roles that may do both (interop R2).
        # The identifier system registry holds no one's data: every signed-in caller may read it.
        special={
            "listPeople": (PROFESSIONALS, "s"),
            "upsertPersonByIdentifier": (CASE_WRITERS, "cu"),
            "listIdentifierSystems": (frozenset(Role), "r"),
        },
    )
)
