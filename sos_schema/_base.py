"""Base Structs, the record envelope, attribution and the constrained aliases every module shares.

Conventions (see ../shared/conventions.md section 4):
* `Input` Structs are what a client sends: unknown fields are refused, server-owned fields never appear.
* `Output` Structs are what the server returns: they tolerate fields added later, so an old client
  keeps decoding a newer server's answers.
* Every string and list is bounded; every number has its range. Constraints and `__post_init__`
  rules run on decode (`msgspec.json.decode(..., type=X)` / `msgspec.convert`), not on `X(...)`.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

__all__ = [
    "AgencyType",
    "Attribution",
    "Dispute",
    "EnteredInError",
    "EnteredInErrorCreate",
    "Period",
    "PerspectiveRole",
    "RecordMeta",
    "SourceRef",
    "Visibility",
]

# PostgreSQL int4: the upper bound of every stored count and version number.
INT4_MIN, INT4_MAX = -(2**31), 2**31 - 1

# --- constrained aliases, named for meaning ------------------------------------------------------

ShortText = Annotated[str, Meta(min_length=1, max_length=200, description="A short single-line value.")]
Name = Annotated[str, Meta(min_length=1, max_length=100, description="A name as the person uses it.")]
Text = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=2000,
        description="Plain-language text the family can read: behavioural and specific, no jargon.",
    ),
]
LongText = Annotated[str, Meta(min_length=1, max_length=10000, description="A longer plain-language narrative.")]
OwnWords = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=2000,
        description="Words exactly as the child or family member said or wrote them; never paraphrased.",
    ),
]
Code = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=40,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$",
        description="A code from a code list or another system (letters, digits, . _ - /).",
    ),
]
LaCode = Annotated[
    str,
    Meta(pattern=r"^[0-9]{3}$", description="3-digit DfE local authority number of a council.", examples=["845"]),
]
OrganisationCode = Annotated[
    str,
    Meta(
        pattern=r"^(la:[0-9]{3}|ods:[A-Za-z0-9]{1,20}|police:[A-Za-z0-9]{1,20})$",
        description="An organisation as `la:<DfE code>`, `ods:<NHS ODS code>` or `police:<force code>`.",
        examples=["la:845", "ods:RX1", "police:01"],
    ),
]
LanguageCode = Annotated[
    str,
    Meta(
        max_length=35,  # RFC 5646 section 4.4.1: 35 characters hold any tag that matters in practice
        pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        description="ISO 639 language code (BCP 47 form).",
        examples=["en", "pa", "pl"],
    ),
]
Score = Annotated[
    int,
    Meta(ge=0, le=10, description="A 0-10 scaling value: whole numbers only, both ends inclusive (BR-01)."),
]
Order = Annotated[int, Meta(ge=0, le=10000, description="Display order within its list, lowest first.")]
IsoDuration = Annotated[
    str,
    Meta(
        max_length=32,
        pattern=r"^P(?!$)([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?$",
        description="ISO 8601 duration in years, months, weeks or days.",
        examples=["P3M", "P6W"],
    ),
]
Instant = Annotated[dt.datetime, Meta(tz=True, description="An instant with a UTC offset (RFC 3339).")]
DayCount = Annotated[int, Meta(ge=INT4_MIN, le=INT4_MAX)]
PersonRef = Annotated[UUID, Meta(description="Id of a Person (2.3).")]
PractitionerRef = Annotated[UUID, Meta(description="Id of a Person who is a practitioner (2.3).")]
UserRef = Annotated[str, Meta(min_length=1, max_length=200, description="Subject of the user or client who acted.")]

# Lists are bounded everywhere; these are the usual bounds.
FEW = 20
SOME = 100
MANY = 500


def check_order(start: dt.date | dt.datetime | None, end: dt.date | dt.datetime | None, what: str) -> None:
    """Raise when an end comes before its start (impossible order)."""
    if start is not None and end is not None and end < start:
        raise ValueError(f"{what}: the end ({end.isoformat()}) is before the start ({start.isoformat()})")


def require(condition: bool, message: str) -> None:
    """Raise a plain-English validation error when a conditional requirement (Req C) is not met."""
    if not condition:
        raise ValueError(message)


def no_duplicates(values: list[UUID] | list[str], what: str) -> None:
    """Raise when a list that names things names one of them twice."""
    if len(set(values)) != len(values):
        raise ValueError(f"{what} lists the same item more than once")


# --- base Structs --------------------------------------------------------------------------------


class Input(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of every shape a client sends."""


class Output(msgspec.Struct, kw_only=True):
    """Base of every shape the server returns."""


# --- shared enums ---------------------------------------------------------------------------------


class Visibility(enum.StrEnum):
    """Who may see a record (domain 2.0, 4.2)."""

    family_shareable = "family_shareable"
    professionals_only = "professionals_only"
    restricted = "restricted"


class PerspectiveRole(enum.StrEnum):
    """Whose view a statement, entry or judgement is (domain 2.1)."""

    child = "child"
    parent_carer = "parent_carer"
    family_member = "family_member"
    network_member = "network_member"
    social_worker = "social_worker"
    early_help_worker = "early_help_worker"
    personal_adviser = "personal_adviser"
    manager = "manager"
    conference_chair = "conference_chair"
    iro = "iro"
    agency = "agency"
    shared = "shared"


class AgencyType(enum.StrEnum):
    """Kinds of partner agency (domain 2.22)."""

    health_visitor = "health_visitor"
    school_nurse = "school_nurse"
    midwife = "midwife"
    gp = "gp"
    paediatrician = "paediatrician"
    hospital = "hospital"
    camhs = "camhs"
    adult_mental_health = "adult_mental_health"
    substance_misuse = "substance_misuse"
    school_dsl = "school_dsl"
    early_years = "early_years"
    college = "college"
    police = "police"
    probation = "probation"
    youth_justice = "youth_justice"
    housing = "housing"
    domestic_abuse_service = "domestic_abuse_service"
    voluntary = "voluntary"
    other = "other"


# --- attribution (2.1) ----------------------------------------------------------------------------


class Dispute(Input, kw_only=True):
    """Someone who disagrees with a view, and why. Disagreement is recorded, never erased."""

    person_id: PersonRef
    note: Text | None = None


class Attribution(Input, kw_only=True):
    """Whose view this is. Embedded in every map entry, statement, view and judgement (domain 2.1, BR-05)."""

    perspective_role: PerspectiveRole
    perspective_person_id: PersonRef | None = None
    agency_type: AgencyType | None = None
    own_words: bool
    agreed_by: Annotated[list[PersonRef], Meta(max_length=SOME)] = []
    disputed_by: Annotated[list[Dispute], Meta(max_length=SOME)] = []
    source_note: Text | None = None

    def __post_init__(self) -> None:
        if self.perspective_role is PerspectiveRole.shared:
            # BR-05: a shared view must name the people who hold it.
            require(len(self.agreed_by) >= 1, "a shared perspective must list the people who agree in agreed_by")
        else:
            require(
                self.perspective_person_id is not None,
                "perspective_person_id is required unless perspective_role is shared",
            )
        if self.perspective_role is PerspectiveRole.agency:
            require(self.agency_type is not None, "agency_type is required when perspective_role is agency")
        no_duplicates(self.agreed_by, "agreed_by")


# --- envelope (2.0) -------------------------------------------------------------------------------


class SourceRef(Input, kw_only=True):
    """Where a synced record came from: the council system and its own key (required for synced records). Written
    by upserts by source key (interop R3), whose system is a council system URI naming the council
    (`https://sos-casework.org.uk/id/la/845/cp-plan`); unique per council, kind, system and key."""

    system: Annotated[str, Meta(min_length=1, max_length=200, description="URI or name of the source system.")]
    source_id: Annotated[
        str,
        Meta(
            min_length=1,
            max_length=64,
            pattern=r"^[A-Za-z0-9][A-Za-z0-9._:\-/]*$",
            description="The source system's key.",
        ),
    ]


class Shareable(Input, kw_only=True):
    """Mixin for records a practitioner classifies: visibility, and why it is withheld from the family."""

    visibility: Visibility = Visibility.family_shareable
    withheld_reason: Text | None = None
    shared_with_agencies: Annotated[
        bool,
        Meta(
            description="A professionals_only record is shown to the partner agencies involved in the case only "
            "when this is true (domain 4.1). Restricted records never are."
        ),
    ] = False
    source: SourceRef | None = None

    def __post_init__(self) -> None:
        require(
            self.visibility is Visibility.family_shareable or self.withheld_reason is not None,
            "withheld_reason is required when visibility is not family_shareable",
        )
        require(
            not self.shared_with_agencies or self.visibility is Visibility.professionals_only,
            "shared_with_agencies applies to professionals_only records only",
        )


class EnteredInErrorCreate(Input, kw_only=True):
    """Mark a record entered in error (BR-23: no hard deletes): why it should not have been recorded."""

    reason: Annotated[Text, Meta(description="Why the record is wrong, e.g. recorded on the wrong child.")]


class EnteredInError(Output, kw_only=True):
    """Soft deletion: the record stays, hidden from normal reads and visible to auditors (BR-23)."""

    reason: Text
    by: UserRef
    at: Instant


class RecordMeta(Output, kw_only=True):
    """Server-owned facts about a stored record (domain 2.0). Never sent by clients."""

    la_code: LaCode
    version: Annotated[
        int, Meta(ge=1, le=INT4_MAX, description="Starts at 1, +1 per accepted change; sent as the ETag.")
    ]
    created_at: Instant
    created_by: UserRef
    recorded_by: UserRef
    updated_at: Instant
    case_id: UUID | None = None
    entered_in_error: EnteredInError | None = None
    # A record synced from a council system (interop R3): its key there.
    source: SourceRef | None = None
    # A person merged into another (interop R4): the survivor. The record is then a tombstone.
    merged_into: UUID | None = None


class Period(Input, kw_only=True):
    """A span of dates; `end` is empty while it continues."""

    start: dt.date
    end: dt.date | None = None

    def __post_init__(self) -> None:
        check_order(self.start, self.end, "period")


_WS = re.compile(r"[\s\-]")


def compact(value: str) -> str:
    """Strip spaces and hyphens, as identifier check algorithms require."""
    return _WS.sub("", value)
