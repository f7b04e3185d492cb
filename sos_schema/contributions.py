"""Contributions from partner agencies: health, police, schools and others (domain 2.22, interop 5 and R14/R15).

One endpoint takes every kind of contribution, chosen by `kind`: a health attendance or concern, a police
incident or domestic abuse notification (PPN, Operation Encompass), a MASH referral, a professional's view,
or an agency's report to a child protection conference, review or core group. The common denominator of
the forms police and health use today is accepted as plain JSON, with optional Signs of Safety framing
(worries, what is working well, what needs to happen, the contributor's scaling).

Contributions are `professionals_only` by default (domain 4.2). A submitted contribution is frozen; a
change is a new version that names the one it replaces and why, and both are kept (domain 3.6). The
acknowledgement never reveals whether the child is known to children's services (R15).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Literal
from uuid import UUID

from msgspec import Meta

from ._base import (
    FEW,
    AgencyType,
    Code,
    Input,
    Instant,
    LaCode,
    LongText,
    Name,
    Output,
    OwnWords,
    PersonRef,
    RecordMeta,
    Shareable,
    ShortText,
    Text,
    Visibility,
    no_duplicates,
    require,
)
from .identifiers import ConsistentIdentifierException, Identifier, IdentifierSystem
from .scaling import ScaleAnswer

__all__ = [
    "AgencyFact",
    "AttachmentRef",
    "ConferenceReport",
    "Contribution",
    "ContributionChildVoice",
    "ContributionConsent",
    "ContributionCreate",
    "ContributionDecision",
    "ContributionMatch",
    "ContributionMove",
    "ContributionReceipt",
    "ContributionReplace",
    "ContributionStatus",
    "ContributionSubject",
    "ContributorOrganisation",
    "ContributorPerson",
    "DashRisk",
    "DomesticAbuseNotification",
    "HealthAttendance",
    "HealthConcern",
    "HealthSetting",
    "MashReferral",
    "NotForFamily",
    "OrganisationCodeSystem",
    "PlanRecommendation",
    "PoliceIncident",
    "PpnRiskGrade",
    "ProfessionalView",
    "ReportAttendance",
    "Urgency",
    "WorkingWellBlock",
    "WorryBlock",
]


# --- enums ----------------------------------------------------------------------------------------


class OrganisationCodeSystem(enum.StrEnum):
    """Which code identifies the contributing organisation.

    `ods` = NHS Organisation Data Service code; `urn` = school or setting URN (6 digits, DfE GIAS);
    `police_force` = police force code; `la` = 3-digit DfE local authority number.
    """

    ods = "ods"
    urn = "urn"
    police_force = "police_force"
    la = "la"
    other = "other"


class Urgency(enum.StrEnum):
    """How soon the contributor believes the council must act. `immediate`: the child may be at risk now;
    also telephone the front door.
    """

    routine = "routine"
    urgent = "urgent"
    immediate = "immediate"


class PpnRiskGrade(enum.StrEnum):
    """Police Public Protection Notice risk grade (red / amber / green)."""

    high = "high"
    medium = "medium"
    low = "low"


class DashRisk(enum.StrEnum):
    """Domestic abuse risk grade from the DASH risk checklist."""

    standard = "standard"
    medium = "medium"
    high = "high"


class PlanRecommendation(enum.StrEnum):
    """The agency's recommendation to a child protection conference."""

    cp_plan_needed = "cp_plan_needed"
    cin_sufficient = "cin_sufficient"
    early_help = "early_help"
    no_further_involvement = "no_further_involvement"
    unsure = "unsure"


class ReportAttendance(enum.StrEnum):
    """Whether the author will attend the meeting or send the report only."""

    attending = "attending"
    report_only = "report_only"


class HealthSetting(enum.StrEnum):
    """Where a child was seen by health services."""

    emergency_department = "emergency_department"
    urgent_treatment_centre = "urgent_treatment_centre"
    minor_injuries_unit = "minor_injuries_unit"
    walk_in_centre = "walk_in_centre"
    gp_practice = "gp_practice"
    out_of_hours = "out_of_hours"
    ambulance = "ambulance"
    inpatient = "inpatient"
    outpatient = "outpatient"
    maternity = "maternity"
    health_visiting = "health_visiting"
    school_nursing = "school_nursing"
    sexual_health = "sexual_health"
    mental_health = "mental_health"
    other = "other"


class ContributionStatus(enum.StrEnum):
    """Where a contribution is (R15): received, matched to a child, triaged, then accepted, declined or
    redirected. `superseded` = a newer version replaced it; `withdrawn` = the contributor withdrew it.
    """

    draft = "draft"
    submitted = "submitted"
    received = "received"
    matched = "matched"
    triaged = "triaged"
    accepted = "accepted"
    declined = "declined"
    redirected = "redirected"
    withdrawn = "withdrawn"
    superseded = "superseded"


class ContributionMatch(enum.StrEnum):
    """How the council matched a contribution to a person it holds: by an identifier (the NHS number first), or
    by demographics (names, date of birth and postcode all agreeing, and only one person doing so)."""

    identifier = "identifier"
    demographics = "demographics"


class ContributionDecision(enum.StrEnum):
    """The statuses council staff move a contribution to (R15): triaged, then accepted, declined or redirected."""

    triaged = "triaged"
    accepted = "accepted"
    declined = "declined"
    redirected = "redirected"


# --- value objects --------------------------------------------------------------------------------

Postcode = Annotated[
    str,
    Meta(
        pattern=r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$",
        description="UK postcode.",
        examples=["LS1 4AP"],
    ),
]
Phone = Annotated[
    str,
    Meta(pattern=r"^\+?[0-9][0-9 ()\-]{5,24}$", description="A telephone number.", examples=["0113 496 0000"]),
]
Email = Annotated[
    str,
    Meta(
        max_length=254,
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        description="An e-mail address.",
        examples=["safeguarding@example.nhs.uk"],
    ),
]
MediaType = Annotated[
    str,
    Meta(
        max_length=100,
        pattern=r"^[a-z]+/[A-Za-z0-9.+\-]+$",
        description="IANA media type of the file.",
        examples=["application/pdf"],
    ),
]
Reference = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9 ./_:#\-]*$",
        description="A force's own reference; formats differ by force and carry no national check.",
    ),
]
SchoolUrn = Annotated[str, Meta(pattern=r"^[0-9]{6}$", description="School URN (DfE GIAS).", examples=["100000"])]


class ContributionSubject(Input, kw_only=True):
    """The child the contribution is about, as the contributor knows them; the council matches it (R14).

    Send the NHS number where known (Children Act 2004 s16LC); when it is absent, say which exception
    applied in `no_nhs_number_reason`. For an unborn child send the expected date of birth.
    """

    identifiers: Annotated[list[Identifier], Meta(max_length=FEW)] = []
    no_nhs_number_reason: ConsistentIdentifierException | None = None
    given_names: Name | None = None
    family_name: Name | None = None
    date_of_birth: dt.date | None = None
    expected_date_of_birth: dt.date | None = None
    postcode: Postcode | None = None

    def __post_init__(self) -> None:
        require(
            bool(self.identifiers or self.given_names or self.family_name or self.expected_date_of_birth),
            "the subject needs an identifier, a name or an expected date of birth",
        )
        require(
            self.date_of_birth is None or self.expected_date_of_birth is None,
            "send date_of_birth or expected_date_of_birth, not both",
        )
        has_nhs = any(i.system is IdentifierSystem.nhs_number for i in self.identifiers)
        require(
            not (has_nhs and self.no_nhs_number_reason is not None),
            "no_nhs_number_reason is only for a subject sent without an NHS number",
        )


class ContributorOrganisation(Input, kw_only=True):
    """The contributing organisation and its code (ODS code, school URN, police force or council)."""

    name: Annotated[ShortText, Meta(examples=["Leeds Teaching Hospitals NHS Trust"])]
    code: Annotated[Code, Meta(examples=["RR8", "100000", "WYP"])]
    code_system: OrganisationCodeSystem

    def __post_init__(self) -> None:
        if self.code_system is OrganisationCodeSystem.urn:
            require(self.code.isdigit() and len(self.code) == 6, "a URN code is 6 digits")
        elif self.code_system is OrganisationCodeSystem.la:
            require(self.code.isdigit() and len(self.code) == 3, "an la code is the 3-digit DfE number")


class ContributorPerson(Input, kw_only=True):
    """The practitioner who wrote the contribution, and how to reach them (phone or e-mail at least)."""

    name: Name
    role: Annotated[ShortText, Meta(examples=["Named nurse for safeguarding children"])]
    phone: Phone | None = None
    email: Email | None = None

    def __post_init__(self) -> None:
        require(self.phone is not None or self.email is not None, "the author needs a phone or an email")


class WorryBlock(Input, kw_only=True):
    """What the agency is worried about, behavioural and dated (Signs of Safety framing). At least one."""

    harm: Annotated[Text | None, Meta(description="What has already happened to the child, and when.")] = None
    danger: Annotated[Text | None, Meta(description="What the agency believes will happen if nothing changes.")] = None
    complicating_factors: Text | None = None

    def __post_init__(self) -> None:
        require(
            self.harm is not None or self.danger is not None or self.complicating_factors is not None,
            "worries needs harm, danger or complicating_factors",
        )


class WorkingWellBlock(Input, kw_only=True):
    """What is working well, as the agency sees it. At least one."""

    strengths: Text | None = None
    existing_safety: Annotated[
        Text | None, Meta(description="Protective actions someone took when the danger was present.")
    ] = None

    def __post_init__(self) -> None:
        require(
            self.strengths is not None or self.existing_safety is not None,
            "working_well needs strengths or existing_safety",
        )


class ContributionChildVoice(Input, kw_only=True):
    """Whether the child was spoken to, what they said, and who else was there."""

    spoken_to: bool
    what_they_said: Annotated[OwnWords | None, Meta(description="The child's own words.")] = None
    who_present: Text | None = None


class ContributionConsent(Input, kw_only=True):
    """Consent to the referral or information sharing (MASH referral forms)."""

    parents_informed: bool
    consent_obtained: bool
    given_by: Annotated[Name | None, Meta(description="Who gave consent. Required when consent_obtained.")] = None
    scope: Annotated[Text | None, Meta(description="What the consent covers.")] = None
    reason_if_not: Annotated[
        Text | None,
        Meta(description="Why consent was not sought or not obtained. Required when consent_obtained is false."),
    ] = None

    def __post_init__(self) -> None:
        if self.consent_obtained:
            require(self.given_by is not None, "given_by is required when consent_obtained is true")
        else:
            require(self.reason_if_not is not None, "reason_if_not is required when consent_obtained is false")


class AttachmentRef(Input, kw_only=True):
    """A file sent separately and referred to by id."""

    id: UUID
    title: ShortText
    media_type: MediaType


class AgencyFact(Input, kw_only=True):
    """One fact the agency holds, e.g. attendance, missed appointments, immunisations."""

    label: Annotated[ShortText, Meta(examples=["School attendance this term"])]
    value: Annotated[ShortText, Meta(examples=["82%"])]


class NotForFamily(Input, kw_only=True):
    """Parts of a report withheld from the family, why, and whether the chair was told beforehand."""

    parts: Annotated[list[ShortText], Meta(min_length=1, max_length=FEW)]
    reason: Text
    chair_informed: Annotated[
        bool,
        Meta(description="The chair must be told before the meeting: true once the report is submitted."),
    ]


# --- the contribution kinds (tagged union on `kind`) ----------------------------------------------

_DEFAULT_WITHHELD = "Partner agency information: shared with professionals only until the council decides."


class ContributionBase(Shareable, kw_only=True, tag_field="kind"):
    """Fields every contribution has. Send one of its kinds, chosen by `kind`.

    Name the child with `subject` (as the contributor knows them) or `child_ids` (when the council has
    given the contributor the ids, e.g. for a conference), or both. Visibility defaults to
    professionals_only with a standard withheld_reason; send visibility family_shareable and no
    withheld_reason for information the family may see.
    """

    visibility: Visibility = Visibility.professionals_only
    withheld_reason: Text | None = _DEFAULT_WITHHELD
    la_code: Annotated[
        LaCode | None,
        Meta(
            description=(
                "The council to receive it (3-digit DfE number). Required from health, police and other agencies; "
                "a council's own practitioner may leave it out (their council receives it) or name their own."
            )
        ),
    ] = None
    subject: ContributionSubject | None = None
    child_ids: Annotated[
        list[PersonRef], Meta(max_length=FEW, description="Ids of children already known to the contributor.")
    ] = []
    contributor: ContributorOrganisation
    author: ContributorPerson
    agency_type: AgencyType
    occurred_at: Annotated[Instant | None, Meta(description="When the incident, attendance or concern happened.")] = (
        None
    )
    location: Annotated[Text | None, Meta(description="Where it happened.")] = None
    narrative: Annotated[LongText, Meta(description="What happened or what the agency knows, in plain language.")]
    worries: WorryBlock | None = None
    working_well: WorkingWellBlock | None = None
    needs_to_happen: Text | None = None
    child_present: Annotated[bool | None, Meta(description="Whether the child was present.")] = None
    child_where: Annotated[Text | None, Meta(description="Where the child was; only when child_present.")] = None
    child_voice: ContributionChildVoice | None = None
    consent: ContributionConsent | None = None
    source_anonymous: Annotated[
        bool, Meta(description="The original source (e.g. a neighbour) asked not to be named.")
    ] = False
    urgency: Urgency = Urgency.routine
    scaling: Annotated[
        ScaleAnswer | None, Meta(description="The contributor's number on a 0-10 scale, with the question.")
    ] = None
    attachments: Annotated[list[AttachmentRef], Meta(max_length=FEW)] = []

    def __post_init__(self) -> None:
        super().__post_init__()
        require(self.subject is not None or bool(self.child_ids), "name the child with subject or child_ids")
        no_duplicates(self.child_ids, "child_ids")
        no_duplicates([a.id for a in self.attachments], "attachments")
        require(
            self.child_where is None or self.child_present is True,
            "child_where is only set when child_present is true",
        )


class HealthAttendance(ContributionBase, kw_only=True, tag="health_attendance"):
    """A child's attendance at a health setting the council should know about (e.g. an injury seen in A&E)."""

    setting: HealthSetting
    attended_at: Instant
    reason: Annotated[Text, Meta(description="Why the child attended, as recorded.")]


class HealthConcern(ContributionBase, kw_only=True, tag="health_concern"):
    """A health practitioner's safeguarding concern about a child, or about a parent's health affecting them."""

    setting: HealthSetting | None = None
    was_not_brought: Annotated[
        Annotated[int, Meta(ge=0, le=100)] | None,
        Meta(description="Appointments the child was not brought to in the last 12 months."),
    ] = None
    about_parent_or_carer: Annotated[
        bool, Meta(description="The concern is a parent's or carer's health (e.g. mental health, substance use).")
    ] = False


class PoliceIncident(ContributionBase, kw_only=True, tag="police_incident"):
    """A police incident involving a child, usually a Public Protection Notice (PPN) or coming-to-notice report."""

    incident_ref: Reference
    crime_ref: Reference | None = None
    risk_grade: Annotated[PpnRiskGrade, Meta(description="PPN risk grade.")]

    def __post_init__(self) -> None:
        super().__post_init__()
        require(self.occurred_at is not None, "occurred_at is required for a police incident")


class DomesticAbuseNotification(ContributionBase, kw_only=True, tag="domestic_abuse_notification"):
    """A domestic abuse incident a child may have witnessed or been caught up in.

    With `operation_encompass` the child's school was notified under Domestic Abuse Act 2021 s49A;
    give its URN, or mark the child electively home educated (the council is notified instead).
    """

    dash_risk: Annotated[DashRisk | None, Meta(description="DASH risk grade; empty when not completed.")] = None
    incident_ref: Reference | None = None
    operation_encompass: bool = False
    school_urn: SchoolUrn | None = None
    electively_home_educated: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        require(self.occurred_at is not None, "occurred_at is required for a domestic abuse notification")
        if self.operation_encompass:
            require(
                self.school_urn is not None or self.electively_home_educated,
                "an Operation Encompass notification needs the school_urn or electively_home_educated",
            )


class MashReferral(ContributionBase, kw_only=True, tag="mash_referral"):
    """A multi-agency referral to the council's front door (MASH referral form). Consent is required."""

    threshold_level: Annotated[
        Code | None,
        Meta(description="The council's threshold-of-need level as its document names it [VBC].", examples=["3"]),
    ] = None
    actions_taken: Annotated[Text | None, Meta(description="What the referrer has already done.")] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        require(self.consent is not None, "consent is required for a MASH referral")


class ProfessionalView(ContributionBase, kw_only=True, tag="professional_view"):
    """A professional's view of a child and family, e.g. for an assessment or strategy discussion."""

    about_request_id: Annotated[
        UUID | None, Meta(description="The council's request this answers (an assessment, a strategy discussion).")
    ] = None
    involvement: Annotated[Text | None, Meta(description="How long and how the agency knows the family.")] = None


class ConferenceReport(ContributionBase, kw_only=True, tag="conference_report"):
    """An agency's report to a child protection conference, review or core group (domain 2.22).

    Fields marked "required before submitted" may be empty in a draft. Reports are shared with the
    parents before the meeting; any part withheld needs a reason, and the chair must be told beforehand.
    """

    for_meeting_id: Annotated[UUID, Meta(description="The conference, review or core group.")]
    involvement: Annotated[
        Text | None,
        Meta(description="How long and how the agency knows the family; when it last saw the child. Before submit."),
    ] = None
    plan_recommendation: Annotated[PlanRecommendation | None, Meta(description="Required for conferences.")] = None
    agency_facts: Annotated[list[AgencyFact], Meta(max_length=FEW)] = []
    attending: ReportAttendance
    shared_with_family_on: dt.date | None = None
    not_for_family: NotForFamily | None = None


ContributionCreate = (
    HealthAttendance
    | HealthConcern
    | PoliceIncident
    | DomesticAbuseNotification
    | MashReferral
    | ProfessionalView
    | ConferenceReport
)
"""One contribution, chosen by `kind` (R14): what a partner sends to `POST /v1/contributions`."""


class ContributionReplace(Input, kw_only=True):
    """A replacement for a submitted contribution: a new version, with why it replaces the old one."""

    reason: Text
    content: ContributionCreate


_NOT_SENT = frozenset({ContributionStatus.draft, ContributionStatus.withdrawn})
"""Statuses of a contribution that goes to no meeting: a draft, or one its contributor withdrew."""


class Contribution(Output, kw_only=True):
    """A stored contribution version. Frozen after submission; a replacement is a new version (domain 3.6).

    A conference report that withholds parts from the family (`not_for_family`) may be drafted before the
    chair is told, but once submitted it must record `chair_informed` true (domain 2.22).
    """

    id: UUID
    meta: RecordMeta
    status: ContributionStatus
    submitted_at: Instant | None = None
    replaces_id: Annotated[UUID | None, Meta(description="The version this one replaces.")] = None
    replacement_reason: Text | None = None
    content: ContributionCreate
    received_from: Annotated[
        Annotated[str, Meta(max_length=60)] | None,
        Meta(description="The organisation whose token sent it (`ods:RX1`, `police:01`, `la:845`): it may follow it."),
    ] = None
    matched_person_id: Annotated[
        PersonRef | None, Meta(description="The child the council matched it to. Council staff only.")
    ] = None
    matched_by: Annotated[ContributionMatch | None, Meta(description="How it was matched. Council staff only.")] = None
    status_reason: Annotated[Text | None, Meta(description="Why it was declined or redirected, or a triage note.")] = (
        None
    )
    redirected_to: Annotated[ShortText | None, Meta(description="Where it was redirected (another council).")] = None

    def __post_init__(self) -> None:
        require(
            self.replaces_id is None or self.replacement_reason is not None,
            "replacement_reason is required when replaces_id is set",
        )
        if (
            isinstance(self.content, ConferenceReport)
            and self.content.not_for_family is not None
            and self.status not in _NOT_SENT
        ):
            # Domain 2.22: the chair must be told before the meeting; a submitted report is frozen (3.6).
            require(
                self.content.not_for_family.chair_informed,
                "not_for_family needs chair_informed true once the report is submitted: "
                "the chair must be told before the meeting",
            )


class ContributionMove(Input, kw_only=True):
    """Council staff move a contribution on (R15, If-Match): received or matched -> triaged -> accepted, declined or
    redirected. A decline needs a reason, a redirect where it went."""

    status: ContributionDecision
    reason: Annotated[
        Text | None,
        Meta(
            description=(
                "Required to decline or redirect. The contributor reads it: say why in terms of the referral, never "
                "what the council holds about the child (R15)."
            )
        ),
    ] = None
    redirected_to: Annotated[
        ShortText | None, Meta(description="Required to redirect, e.g. the council the child lives in.")
    ] = None

    def __post_init__(self) -> None:
        decided = self.status in (ContributionDecision.declined, ContributionDecision.redirected)
        require(not decided or self.reason is not None, "reason is required to decline or redirect")
        require(
            (self.status is ContributionDecision.redirected) == (self.redirected_to is not None),
            "redirected_to is required to redirect, and only then",
        )


class ContributionReceipt(Output, kw_only=True):
    """The acknowledgement of a contribution (202). It never says whether the child is known (R15)."""

    id: UUID
    status: Literal["received"] = "received"
    received_at: Instant
