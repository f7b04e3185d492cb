"""Examples for sos_schema.people."""

from typing import Any

from sos_schema import (
    Address,
    ContactDetail,
    Disability,
    Organisation,
    Person,
    PersonCreate,
    PersonMerge,
    PractitionerDetails,
    Relationship,
    RelationshipCreate,
)

CHILD = "0b0c0d0e-0000-4000-8000-000000000002"
MUM = "0b0c0d0e-0000-4000-8000-000000000001"
DAD = "0b0c0d0e-0000-4000-8000-000000000003"
ID = "0b0c0d0e-0000-4000-8000-0000000000aa"
META = {
    "la_code": "845",
    "version": 1,
    "created_at": "2026-11-02T10:00:00Z",
    "created_by": "worker-1",
    "recorded_by": "worker-1",
    "updated_at": "2026-11-02T10:00:00Z",
}

ADDRESS: dict[str, Any] = {"lines": ["1 Example Street"], "town": "Exampleton", "postcode": "LS1 4AP"}
REFUGE: dict[str, Any] = {
    "lines": ["Flat 2", "10 Sample Road"],
    "postcode": "sw1a1aa",
    "confidential": True,
    "confidential_reason": "Refuge address: not to be shared with Dad.",
    "valid_from": "2026-09-01",
}
PHONE: dict[str, Any] = {"kind": "mobile", "value": "07700 900123", "safe_to_contact": False}
CHILD_PERSON: dict[str, Any] = {
    "given_names": "Amira Grace",
    "family_name": "Khan",
    "date_of_birth": "2019-05-04",
    "sex": "female",
    "ethnicity": "WBRI",
    "first_language": "en",
    "identifiers": [{"system": "nhs_number", "value": "943 476 5919", "verification": "01"}],
}
UNBORN: dict[str, Any] = {
    "given_names": "Baby",
    "family_name": "Khan",
    "expected_date_of_birth": "2027-02-14",
    "nhs_number_absent_reason": "not_found_without_unreasonable_delay",
}
PRACTITIONER: dict[str, Any] = {
    "organisation": {"name": "Riverside Primary School", "code": "100000"},
    "agency_type": "school_dsl",
    "job_title": "Designated safeguarding lead",
    "work_contact": [{"kind": "email", "value": "dsl@school.example", "safe_to_contact": True}],
}
RELATIONSHIP: dict[str, Any] = {
    "person_a": MUM,
    "person_b": CHILD,
    "kind": "birth_parent",
    "has_pr": True,
    "pr_basis": "birth_mother",
    "lives_with": True,
    "emotional_quality": "close",
    "from": "2019-05-04",
    "perspective": {"perspective_role": "child", "perspective_person_id": CHILD, "own_words": True},
}

VALID: list[tuple[type, dict[str, Any]]] = [
    (Address, ADDRESS),
    (Address, REFUGE),
    (Address, {"lines": ["Unit 4"], "postcode": "GIR 0AA", "valid_from": "2020-01-01", "valid_to": "2024-12-31"}),
    (ContactDetail, PHONE),
    (ContactDetail, {"kind": "email", "value": "mum@example.org", "safe_to_contact": True, "note": "Evenings only."}),
    (Disability, {"disabled": True, "description": "Uses a wheelchair outside the home."}),
    (Disability, {"disabled": False}),
    (Organisation, {"name": "Synthetic Constabulary"}),
    (PractitionerDetails, PRACTITIONER),
    (PractitionerDetails, {"organisation": {"name": "Exampleshire Council", "code": "845"}, "user_id": "worker-1"}),
    (PersonCreate, CHILD_PERSON),
    (PersonMerge, {"into": CHILD, "reason": "The same child recorded twice."}),
    (PersonMerge, {"into": CHILD}),
    (PersonCreate, UNBORN),
    (
        PersonCreate,
        {
            "given_names": "Sara",
            "family_name": "Khan",
            "known_as": "Sas",
            "aliases": ["Sara Malik"],
            "date_of_birth": "1994-01-01",
            "dob_estimated": True,
            "gender_identity": "Woman",
            "religion": "Muslim",
            "disability": {"disabled": False},
            "immigration_status": "British citizen",
            "addresses": [ADDRESS | {"valid_to": "2026-08-31"}, REFUGE],
            "contact": [PHONE],
            "identifiers": [
                # an old NHS number ended, a new one current: history is kept
                {"system": "nhs_number", "value": "9990000182", "valid_to": "2020-01-01"},
                {"system": "nhs_number", "value": "9434765919", "valid_from": "2020-01-02"},
                {"system": "https://sos-casework.org.uk/id/la/845/person", "value": "PERS01", "issuer": "845"},
                {"system": "legacy_person_id", "value": "A99", "issuer": "845"},
                # another council's person id for them too: one current per council
                {"system": "la_person_id", "value": "PERS01", "issuer": "846"},
                {"system": "police_crime_ref", "value": "CR/1/26", "issuer": "Synthetic Constabulary"},
                # two forces may issue the same reference
                {"system": "police_crime_ref", "value": "CR/1/26", "issuer": "Another Constabulary"},
                {"system": "police_crime_ref", "value": "CR/2/26", "issuer": "Synthetic Constabulary"},
            ],
            "visibility": "professionals_only",
            "withheld_reason": "Holds the refuge address.",
        },
    ),
    (PersonCreate, {"given_names": "Jo", "family_name": "Bloggs", "practitioner": PRACTITIONER}),
    (Person, {**CHILD_PERSON, "id": ID, "meta": META}),
    (RelationshipCreate, RELATIONSHIP),
    (
        RelationshipCreate,
        {
            "person_a": DAD,
            "person_b": CHILD,
            "kind": "birth_parent",
            "has_pr": False,
            "ecomap_strength": "stressful",
            "ecomap_flow": "from_family",
            "from": "2019-05-04",
            "to": "2023-01-01",
            "perspective": {"perspective_role": "parent_carer", "perspective_person_id": MUM, "own_words": False},
        },
    ),
    (Relationship, {**RELATIONSHIP, "id": ID, "meta": META}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (PersonMerge, {}, "into", False),
    (PersonMerge, {"into": "someone"}, "$.into", False),
    (Address, {**ADDRESS, "postcode": "12345"}, "$.postcode", False),
    (Address, {**ADDRESS, "lines": []}, "$.lines", False),
    (Address, {**ADDRESS, "confidential": True}, "confidential_reason is required", True),
    (Address, {**ADDRESS, "valid_from": "2026-01-02", "valid_to": "2026-01-01"}, "address period", True),
    (ContactDetail, {"kind": "email", "value": "not-an-email", "safe_to_contact": True}, "must contain @", True),
    (ContactDetail, {"kind": "phone", "value": "07700 900123"}, "safe_to_contact", False),
    (ContactDetail, {**PHONE, "kind": "pager"}, "$.kind", False),
    (PractitionerDetails, {"job_title": "Nurse"}, "organisation", False),
    (PractitionerDetails, {**PRACTITIONER, "agency_type": "wizard"}, "$.agency_type", False),
    (PersonCreate, {**CHILD_PERSON, "expected_date_of_birth": "2019-06-01"}, "not both", True),
    (PersonCreate, {**UNBORN, "dob_estimated": True}, "dob_estimated needs a date_of_birth", True),
    (PersonCreate, {**CHILD_PERSON, "date_of_death": "2019-05-03"}, "date_of_death is before date_of_birth", True),
    (PersonCreate, {**CHILD_PERSON, "ethnicity": "White British"}, "$.ethnicity", False),
    (PersonCreate, {**CHILD_PERSON, "sex": "f"}, "$.sex", False),
    (
        PersonCreate,
        {**CHILD_PERSON, "identifiers": [{"system": "nhs_number", "value": "9434765918"}]},
        "not a valid NHS number",
        True,
    ),
    (
        PersonCreate,
        {
            **CHILD_PERSON,
            "identifiers": [
                {"system": "nhs_number", "value": "9434765919"},
                {"system": "nhs_number", "value": "9990000182"},
            ],
        },
        "more than one current nhs_number",
        True,
    ),
    (
        PersonCreate,
        {
            **CHILD_PERSON,
            "identifiers": [
                {"system": "la_person_id", "value": "PERS01", "issuer": "845"},
                {"system": "https://sos-casework.org.uk/id/la/845/person", "value": "PERS02"},
            ],
        },
        "more than one current la_person_id",
        True,
    ),
    (
        PersonCreate,
        {
            **CHILD_PERSON,
            "identifiers": [
                {"system": "police_crime_ref", "value": "CR/1/26", "issuer": "Synthetic Constabulary"},
                {"system": "police_crime_ref", "value": "CR/1/26", "issuer": "Synthetic Constabulary"},
            ],
        },
        "twice",
        True,
    ),
    (
        PersonCreate,
        {**CHILD_PERSON, "nhs_number_absent_reason": "more_harmful_to_child"},
        "nhs_number_absent_reason is only for a person without a current NHS number",
        True,
    ),
    (PersonCreate, {**UNBORN, "nhs_number_absent_reason": "lost"}, "$.nhs_number_absent_reason", False),
    (PersonCreate, {**CHILD_PERSON, "visibility": "restricted"}, "withheld_reason", True),
    (PersonCreate, {**CHILD_PERSON, "id": ID}, "id", False),
    (PersonCreate, {k: v for k, v in CHILD_PERSON.items() if k != "family_name"}, "family_name", False),
    (PersonCreate, {**CHILD_PERSON, "aliases": ["x"] * 21}, "$.aliases", False),
    (RelationshipCreate, {**RELATIONSHIP, "person_b": MUM}, "must be different people", True),
    (RelationshipCreate, {**RELATIONSHIP, "has_pr": False}, "pr_basis is only given when has_pr is true", True),
    (RelationshipCreate, {**RELATIONSHIP, "has_pr": None}, "pr_basis is only given when has_pr is true", True),
    (RelationshipCreate, {**RELATIONSHIP, "to": "2019-01-01"}, "relationship period", True),
    (RelationshipCreate, {k: v for k, v in RELATIONSHIP.items() if k != "perspective"}, "perspective", False),
    (RelationshipCreate, {**RELATIONSHIP, "kind": "uncle"}, "$.kind", False),
    (RelationshipCreate, {**RELATIONSHIP, "pr_basis": "vibes"}, "$.pr_basis", False),
    (RelationshipCreate, {**RELATIONSHIP, "emotional_quality": "warm"}, "$.emotional_quality", False),
    (RelationshipCreate, {**RELATIONSHIP, "from_": "2019-05-04"}, "from_", False),
]
