"""The person: children, parents, carers, network members and practitioners, in the council's register."""

from __future__ import annotations

from sos_schema import Person, PersonCreate, PersonMerge

from ..auth.policy import CASE_WRITERS, MANAGERS, PROFESSIONALS, SHARED_WORK_READERS, SYNC_CLIENTS, Access, Reach
from ..auth.roles import Role
from ..resources.registry import WHOLE, Action, Create, Names, Record, Replace, Resource, register
from . import merge, service

CHANGING_SOMEONE = (
    "Needs write access to one of the person's cases (unless they are on no case yet): the register is read "
    "council-wide for matching, but a child's record is changed by those working with them."
)

CREATE_IF_ABSENT = (
    "With `If-None-Exist: identifier=system|value` (interop R2, FHIR conditional create): when one person in your "
    "council already holds the identifier, 200 with their record and nothing made; several: 412 "
    "`ambiguous-identifier`; one you may not see: 409."
)

MERGE = (
    "Interop R4, one transaction: the person in the path (If-Match) is merged into `into`, which answers (200, its "
    "ETag). Their identifiers move to the survivor (one that would be a second current identifier of its system is "
    "kept ended today, like CP-IS's inactive NHS number); every case, involvement and relationship naming them names "
    "the survivor, each as a new version. The person merged away becomes a tombstone: their GET answers 410 `gone` "
    "with `reason: merged` and `merged_into` (never a redirect), and the changes feed lists a `merge` naming the "
    "survivor. 409 `merge-refused`: merging someone into themselves, into anyone not a current person of your "
    "council (another council's, one merged away or entered in error), or where one person would be in a case twice. "
    "Team managers and the council's own systems may merge."
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
        actions=(
            Action(
                "mergePerson",
                "Merge a duplicate person into the surviving one (If-Match on the person merged away)",
                "merge",
                None,
                MANAGERS | SYNC_CLIENTS,
                run=merge.merge,
                body=PersonMerge,
                problems=(404, 409),
                description=MERGE,
            ),
        ),
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
