"""People, practitioners, addresses and relationships: who is in a child's life and how they are connected.

A Person is anyone the casework names: child, unborn child, parent, carer, network member or practitioner
(domain 2.3). Relationships draw the genogram and ecomap (domain 2.5); each carries whose view it is,
because children and parents often draw the family differently. Demographics, identifiers and addresses
change with history (`valid_from` / `valid_to`), never by silent overwrite (domain 3.6).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from ._base import (
    FEW,
    AgencyType,
    Attribution,
    Code,
    Input,
    LanguageCode,
    Name,
    PersonRef,
    RecordMeta,
    Shareable,
    ShortText,
    Text,
    UserRef,
    check_order,
    require,
)
from .identifiers import ConsistentIdentifierException, Identifier, IdentifierSystem

__all__ = [
    "Address",
    "ContactDetail",
    "ContactKind",
    "Disability",
    "EcomapFlow",
    "EcomapStrength",
    "EmotionalQuality",
    "Organisation",
    "Person",
    "PersonCreate",
    "PersonMerge",
    "PrBasis",
    "PractitionerDetails",
    "Relationship",
    "RelationshipCreate",
    "RelationshipKind",
    "Sex",
]


# --- small value objects ----------------------------------------------------------------------------

Postcode = Annotated[
    str,
    Meta(
        pattern=r"^([A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}|[Gg][Ii][Rr] ?0[Aa]{2})$",
        description="UK postcode, with or without the space.",
        examples=["LS1 4AP", "SW1A 1AA"],
    ),
]


class Address(Input, kw_only=True):
    """A postal address and the period it applied.

    Mark refuge, placement and victims' addresses `confidential` and say why: they are never returned to the
    roles the confidentiality is aimed at, such as the parents (BR-27).
    """

    lines: Annotated[
        list[ShortText],
        Meta(min_length=1, max_length=6, description="Address lines before the town, first line first."),
    ]
    town: ShortText | None = None
    postcode: Postcode | None = None
    confidential: bool = False
    confidential_reason: Annotated[
        Text | None,
        Meta(description="Why and from whom the address is withheld; required when confidential."),
    ] = None
    valid_from: dt.date | None = None
    valid_to: Annotated[dt.date | None, Meta(description="Last day at this address; empty while current.")] = None

    def __post_init__(self) -> None:
        require(
            not self.confidential or self.confidential_reason is not None,
            "confidential_reason is required when the address is confidential",
        )
        check_order(self.valid_from, self.valid_to, "address period")


class ContactKind(enum.StrEnum):
    """How someone can be reached."""

    phone = "phone"
    mobile = "mobile"
    email = "email"
    post = "post"
    other = "other"


class ContactDetail(Input, kw_only=True):
    """A phone number, email address or other way to reach someone, and whether it is safe to use.

    `safe_to_contact` must be stated: in domestic abuse cases a message to a shared phone or inbox can
    put an adult or child at risk.
    """

    kind: ContactKind
    value: ShortText
    safe_to_contact: Annotated[
        bool,
        Meta(description="False when using this contact could put someone at risk (e.g. a shared phone)."),
    ]
    note: Text | None = None

    def __post_init__(self) -> None:
        if self.kind is ContactKind.email:
            require("@" in self.value, "an email contact must contain @")


class Disability(Input, kw_only=True):
    """Whether a person is disabled, and how it affects them (described in plain language)."""

    disabled: bool
    description: Text | None = None


class Sex(enum.StrEnum):
    """Sex as recorded for DfE returns (F/M/U mapping in interop.md); gender identity is recorded separately."""

    female = "female"
    male = "male"
    unknown = "unknown"


class Organisation(Input, kw_only=True):
    """An organisation by name and, where it has one, its national code."""

    name: ShortText
    code: Annotated[
        Code | None,
        Meta(
            description="NHS ODS code, school URN, police force code or DfE LA number.",
            examples=["RR8", "100000", "01"],
        ),
    ] = None


class PractitionerDetails(Input, kw_only=True):
    """What makes a Person a practitioner: their agency, organisation, role and work contact (domain 2.3)."""

    agency_type: Annotated[
        AgencyType | None,
        Meta(description="Kind of partner agency (2.22); empty for council children's services staff."),
    ] = None
    organisation: Organisation
    job_title: ShortText | None = None
    team: ShortText | None = None
    work_contact: Annotated[list[ContactDetail], Meta(max_length=FEW)] = []
    user_id: Annotated[UserRef | None, Meta(description="Their user subject, when they sign in.")] = None


# --- person -----------------------------------------------------------------------------------------

Ethnicity = Annotated[
    str,
    Meta(
        pattern=r"^[A-Z]{4}$",
        description="DfE 4-character ethnicity code (including NOBT not obtained and REFU refused).",
        examples=["WBRI", "MWBA", "NOBT"],
    ),
]

# Systems where a person holds one current value at a time; police, court and former-UPN references
# legitimately run several at once. A council's own systems hold one current value per council.
_ONE_CURRENT = frozenset(
    {
        IdentifierSystem.nhs_number,
        IdentifierSystem.upn,
        IdentifierSystem.uln,
        IdentifierSystem.pnc_id,
        IdentifierSystem.la_person_id,
        IdentifierSystem.legacy_person_id,
    }
)


class PersonCreate(Shareable, kw_only=True):
    """A person the casework names: a child (born or unborn), parent, carer, relative, network member or
    practitioner (domain 2.3).

    Names are legal names; `known_as` is what the person likes to be called. Give `date_of_birth` for a
    born child, or `expected_date_of_birth` for an unborn one, never both. Identifiers are checked on decode
    (BR-21); a person has at most one current identifier per system (per issuer for `la_person_id`). When a
    child has no current NHS number, `nhs_number_absent_reason` records which s16LC exception applied.
    A practitioner also carries `practitioner`.
    """

    given_names: Annotated[Name, Meta(examples=["Amira Grace"])]
    family_name: Annotated[Name, Meta(examples=["Khan"])]
    known_as: Name | None = None
    aliases: Annotated[list[Name], Meta(max_length=FEW, description="Previous or other names.")] = []
    date_of_birth: Annotated[
        dt.date | None,
        Meta(description="Required for a child once born (checked by the API, which knows their role)."),
    ] = None
    dob_estimated: Annotated[bool, Meta(description="True when the date of birth is an estimate.")] = False
    expected_date_of_birth: Annotated[
        dt.date | None,
        Meta(description="For an unborn child; cleared and replaced by date_of_birth at birth."),
    ] = None
    date_of_death: dt.date | None = None
    sex: Sex | None = None
    gender_identity: Annotated[
        ShortText | None, Meta(description="Gender identity in the person's own terms, if they want it recorded.")
    ] = None
    ethnicity: Ethnicity | None = None
    first_language: LanguageCode | None = None
    religion: ShortText | None = None
    disability: Disability | None = None
    immigration_status: Annotated[
        ShortText | None,
        Meta(description="Sensitive: shown to professionals only by default."),
    ] = None
    addresses: Annotated[list[Address], Meta(max_length=FEW)] = []
    contact: Annotated[list[ContactDetail], Meta(max_length=FEW)] = []
    identifiers: Annotated[list[Identifier], Meta(max_length=FEW)] = []
    nhs_number_absent_reason: Annotated[
        ConsistentIdentifierException | None,
        Meta(description="Children Act 2004 s16LC exception that applies when there is no current NHS number."),
    ] = None
    practitioner: Annotated[
        PractitionerDetails | None,
        Meta(description="Set when the person is a practitioner (professional)."),
    ] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        require(
            self.date_of_birth is None or self.expected_date_of_birth is None,
            "give date_of_birth or expected_date_of_birth, not both",
        )
        require(
            not self.dob_estimated or self.date_of_birth is not None,
            "dob_estimated needs a date_of_birth",
        )
        if self.date_of_death is not None and self.date_of_birth is not None:
            require(self.date_of_death >= self.date_of_birth, "date_of_death is before date_of_birth")
        seen_values: set[tuple[str, str, str]] = set()
        current: set[tuple[IdentifierSystem, str | None]] = set()
        for ident in self.identifiers:
            scheme = ident.scheme
            value_key = (ident.system, ident.key_issuer, ident.value)
            require(value_key not in seen_values, f"identifiers lists {scheme.alias} {ident.value} twice")
            seen_values.add(value_key)
            if ident.valid_to is None and scheme in _ONE_CURRENT:
                issuer = ident.issuer if scheme.per_council else None
                require(
                    (scheme, issuer) not in current,
                    f"more than one current {scheme.alias} identifier; end the old one with valid_to",
                )
                current.add((scheme, issuer))
        require(
            self.nhs_number_absent_reason is None or (IdentifierSystem.nhs_number, None) not in current,
            "nhs_number_absent_reason is only for a person without a current NHS number",
        )


class Person(PersonCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored person."""

    id: UUID
    meta: RecordMeta


class PersonMerge(Input, kw_only=True):
    """Merge a duplicate person (the one named in the path) into the surviving one (interop R4)."""

    into: Annotated[UUID, Meta(description="The surviving person, in the same council; not the same person.")]
    reason: Annotated[
        Text | None, Meta(description="Why they are one person, e.g. the same NHS number recorded twice.")
    ] = None


# --- relationships (2.5) ----------------------------------------------------------------------------


class RelationshipKind(enum.StrEnum):
    """How person_a is related to person_b (genogram and ecomap lines)."""

    birth_parent = "birth_parent"
    adoptive_parent = "adoptive_parent"
    step_parent = "step_parent"
    foster_carer = "foster_carer"
    kinship_carer = "kinship_carer"
    special_guardian = "special_guardian"
    partner_married = "partner_married"
    partner_civil = "partner_civil"
    partner_cohabiting = "partner_cohabiting"
    partner_separated = "partner_separated"
    partner_divorced = "partner_divorced"
    sibling_full = "sibling_full"
    sibling_half = "sibling_half"
    sibling_step = "sibling_step"
    grandparent = "grandparent"
    aunt_uncle = "aunt_uncle"
    cousin = "cousin"
    other_relative = "other_relative"
    friend = "friend"
    neighbour = "neighbour"
    professional = "professional"
    other = "other"


class PrBasis(enum.StrEnum):
    """How an adult holds parental responsibility for a child (domain 2.3). Verify with council legal teams."""

    birth_mother = "birth_mother"
    married_father = "married_father"
    father_on_birth_register = "father_on_birth_register"
    pr_agreement = "pr_agreement"
    pr_order = "pr_order"
    child_arrangements_order = "child_arrangements_order"
    special_guardianship_order = "special_guardianship_order"
    adoption_order = "adoption_order"
    care_order_local_authority = "care_order_local_authority"
    emergency_protection_order = "emergency_protection_order"


class EmotionalQuality(enum.StrEnum):
    """What a genogram line means to the person whose view it is."""

    close = "close"
    distant = "distant"
    conflicted = "conflicted"
    hostile = "hostile"
    cut_off = "cut_off"
    abusive = "abusive"
    unknown = "unknown"


class EcomapStrength(enum.StrEnum):
    """Strength of an ecomap link to someone outside the household (school, GP, friends)."""

    strong = "strong"
    moderate = "moderate"
    tenuous = "tenuous"
    stressful = "stressful"


class EcomapFlow(enum.StrEnum):
    """Which way support or energy flows along an ecomap link."""

    to_family = "to_family"
    from_family = "from_family"
    both = "both"


class RelationshipCreate(Shareable, kw_only=True):
    """A line on the genogram or ecomap between two people, as one person sees it (domain 2.5).

    Directed where the kind needs it: `person_a` is the parent, carer, grandparent or professional and
    `person_b` the child. Parental responsibility is recorded on the adult-child line: `pr_basis` only
    when `has_pr` is true. `from` / `to` give the period of the relationship.
    """

    person_a: PersonRef
    person_b: PersonRef
    kind: RelationshipKind
    has_pr: Annotated[
        bool | None,
        Meta(description="Whether person_a holds parental responsibility for person_b (adult-child lines only)."),
    ] = None
    pr_basis: PrBasis | None = None
    lives_with: bool | None = None
    emotional_quality: EmotionalQuality | None = None
    ecomap_strength: EcomapStrength | None = None
    ecomap_flow: EcomapFlow | None = None
    from_: Annotated[dt.date | None, Meta(description="When the relationship began.")] = msgspec.field(
        default=None, name="from"
    )
    to: Annotated[dt.date | None, Meta(description="When the relationship ended; empty while it continues.")] = None
    perspective: Annotated[
        Attribution,
        Meta(description="Whose view this line is: children and parents often draw the family differently."),
    ]

    def __post_init__(self) -> None:
        super().__post_init__()
        require(self.person_a != self.person_b, "person_a and person_b must be different people")
        require(self.pr_basis is None or self.has_pr is True, "pr_basis is only given when has_pr is true")
        check_order(self.from_, self.to, "relationship period")


class Relationship(RelationshipCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored relationship."""

    id: UUID
    meta: RecordMeta
