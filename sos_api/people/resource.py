"""The person: children, parents, carers, network members and practitioners, in the council's register."""

from __future__ import annotations

from sos_schema import Person, PersonCreate

from ..auth.policy import CASE_WRITERS, PROFESSIONALS, SHARED_WORK_READERS, Access, Reach
from ..resources.registry import Create, Names, Record, Replace, Resource, register
from . import service

CHANGING_SOMEONE = (
    "Needs write access to one of the person's cases (unless they are on no case yet): the register is read "
    "council-wide for matching, but a child's record is changed by those working with them."
)

PEOPLE = register(
    Resource(
        Names(service.KIND, "Person", "/v1/people", "person_id", "people"),
        Record(Person, PersonCreate, service.columns_for, reach=Reach.person, holds_addresses=True),
        Access(read=SHARED_WORK_READERS, history=PROFESSIONALS),
        create=Create("createPerson", "Record a person", service.new_person, CASE_WRITERS),
        replace=Replace(
            "replacePerson",
            "Update a person (If-Match required; the previous version is kept)",
            service.next_person,
            CASE_WRITERS,
            description=CHANGING_SOMEONE,
        ),
        after=service.keep_identifiers,
        # Searching the person register is for council professionals; others reach people through a case.
        special={"listPeople": (PROFESSIONALS, "s")},
    )
)
