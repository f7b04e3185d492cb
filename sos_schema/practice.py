"""Court work and practice quality: supervision, group supervision, case audit, family survey and measures.

Covers domain 2.23 and 2.24. Court work, supervision and audit records are `restricted` by default
(domain 4.2). The 26-week deadline for care proceedings (Children Act 1989 s32(1)(a)) is computed by the
server; the duty to offer family group decision-making before applying for a care or supervision order
(s31ZA, inserted 2026) is checked here as far as one payload allows.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from ._base import (
    FEW,
    SOME,
    Code,
    Input,
    Instant,
    LaCode,
    LongText,
    Output,
    PersonRef,
    PractitionerRef,
    RecordMeta,
    Score,
    Shareable,
    ShortText,
    Text,
    Visibility,
    check_order,
    no_duplicates,
    require,
)
from .statutory import Action

__all__ = [
    "AuditGrade",
    "AuditStandard",
    "CaseAudit",
    "CaseAuditCreate",
    "CaseAuditModeration",
    "CaseAuditType",
    "CourtEvidence",
    "CourtOrder",
    "CourtOrderType",
    "CourtStage",
    "CourtWork",
    "CourtWorkCreate",
    "DangerGoalDraft",
    "FamilySurveyResponse",
    "FamilySurveyResponseCreate",
    "FgdmResponse",
    "GroupSupervision",
    "GroupSupervisionCreate",
    "MeasureCatalogue",
    "MeasureDefinition",
    "MeasureGrouping",
    "MeasureParameter",
    "MeasurePeriod",
    "MeasurePoint",
    "MeasureSeries",
    "MeasureValue",
    "StandardMet",
    "SupervisedCase",
    "SupervisionRecord",
    "SupervisionRecordCreate",
    "SupervisionSignature",
    "SupervisionSummary",
    "SurveyAnswer",
    "SurveyRespondentRole",
]

_RESTRICTED = Visibility.restricted

# --- court work (2.23) ----------------------------------------------------------------------------


class CourtStage(enum.StrEnum):
    """Stage of the court work, from the Public Law Outline's pre-proceedings to the end of proceedings."""

    pre_proceedings = "pre_proceedings"
    issued = "issued"
    case_management = "case_management"
    issues_resolution = "issues_resolution"
    final_hearing = "final_hearing"
    concluded = "concluded"


# Stages at which an application has been made to court, so its issue date is known.
_ISSUED_STAGES = frozenset(
    {CourtStage.issued, CourtStage.case_management, CourtStage.issues_resolution, CourtStage.final_hearing}
)


class FgdmResponse(enum.StrEnum):
    """The family's answer to the offer of family group decision-making, or why it was not offered."""

    accepted = "accepted"
    declined = "declined"
    not_offered_best_interests = "not_offered_best_interests"


class CourtOrderType(enum.StrEnum):
    """Kinds of order made in family proceedings about the child."""

    emergency_protection_order = "emergency_protection_order"
    interim_care_order = "interim_care_order"
    care_order = "care_order"
    interim_supervision_order = "interim_supervision_order"
    supervision_order = "supervision_order"
    placement_order = "placement_order"
    special_guardianship_order = "special_guardianship_order"
    child_arrangements_order = "child_arrangements_order"
    contact_order_s34 = "contact_order_s34"
    other = "other"


class CourtOrder(Input, kw_only=True):
    """An order the court made, and when it ends."""

    type: CourtOrderType
    made_on: dt.date
    ends_on: dt.date | None = None

    def __post_init__(self) -> None:
        check_order(self.made_on, self.ends_on, "court order")


class CourtEvidence(Input, kw_only=True):
    """The social work evidence (SWET), built from the Signs of Safety record rather than retyped."""

    map_id: UUID | None = None
    danger_ids: Annotated[list[UUID], Meta(max_length=FEW)] = []
    goal_ids: Annotated[list[UUID], Meta(max_length=FEW)] = []
    network_id: UUID | None = None
    judgement_ids: Annotated[list[UUID], Meta(max_length=SOME)] = []
    analysis: LongText | None = None


_COURT_WITHHELD = "Court work is restricted to the allocated team, managers and legal (domain 4.2)."


class CourtWorkCreate(Shareable, kw_only=True):
    """A summary record of pre-proceedings and care proceedings for the children of a case (domain 2.23).

    Restricted by default. Family group decision-making must be offered before applying for a care or
    supervision order, unless not in the child's best interests (CA 1989 s31ZA): a `not_offered_best_interests`
    response needs `fgdm_not_offered_reason`, and an offer comes before the application is issued.
    """

    visibility: Visibility = _RESTRICTED
    withheld_reason: Text | None = _COURT_WITHHELD
    child_ids: Annotated[list[PersonRef], Meta(min_length=1, max_length=FEW)]
    stage: CourtStage
    letter_before_proceedings_on: dt.date | None = None
    fgdm_offered_on: dt.date | None = None
    fgdm_response: FgdmResponse | None = None
    fgdm_not_offered_reason: Annotated[
        Text | None,
        Meta(description="Why offering FGDM was not in the child's best interests (required then)."),
    ] = None
    application_issued_on: Annotated[
        dt.date | None,
        Meta(description="Required once the stage is issued or later; starts the 26-week clock."),
    ] = None
    evidence: CourtEvidence | None = None
    orders: Annotated[list[CourtOrder], Meta(max_length=FEW)] = []
    concluded_on: Annotated[
        dt.date | None,
        Meta(description="When the proceedings ended (final order or withdrawal); only at stage concluded."),
    ] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates(self.child_ids, "child_ids")
        require(
            self.concluded_on is None or self.stage is CourtStage.concluded,
            "concluded_on is recorded only at stage concluded",
        )
        check_order(self.application_issued_on, self.concluded_on, "proceedings")
        if self.fgdm_response is FgdmResponse.not_offered_best_interests:
            require(
                self.fgdm_not_offered_reason is not None,
                "fgdm_not_offered_reason is required when FGDM was not offered",
            )
            require(self.fgdm_offered_on is None, "fgdm_offered_on must be empty when FGDM was not offered")
        else:
            require(
                self.fgdm_not_offered_reason is None,
                "fgdm_not_offered_reason is only recorded when fgdm_response is not_offered_best_interests",
            )
            if self.fgdm_response is not None:
                require(self.fgdm_offered_on is not None, "fgdm_offered_on is required when the family responded")
        if self.stage in _ISSUED_STAGES:
            require(self.application_issued_on is not None, f"application_issued_on is required at stage {self.stage}")
        require(
            self.stage is not CourtStage.pre_proceedings or self.application_issued_on is None,
            "application_issued_on is empty at stage pre_proceedings: an issued application moves the stage on",
        )
        # s31ZA: the offer is made before the application.
        check_order(self.fgdm_offered_on, self.application_issued_on, "FGDM offer to application")
        check_order(self.letter_before_proceedings_on, self.application_issued_on, "letter before proceedings")


class CourtWork(CourtWorkCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored court work record, with the 26-week deadline the server computes."""

    id: UUID
    meta: RecordMeta
    deadline_26_weeks: Annotated[
        dt.date | None,
        Meta(description="application_issued_on + 26 weeks, unless the court extends it (CA 1989 s32(1)(a))."),
    ] = None
    deadline_days_remaining: (
        Annotated[
            int,
            Meta(
                ge=-100_000,
                le=100_000,
                description=(
                    "Working days from today (or from concluded_on once concluded) to deadline_26_weeks; negative when "
                    "past it. Worked out on every read; empty before the application is issued."
                ),
            ),
        ]
        | None
    ) = None
    deadline_overdue: Annotated[
        bool | None,
        Meta(description="The proceedings ran (or are running) past deadline_26_weeks. Worked out on every read."),
    ] = None


# --- supervision (2.24) ---------------------------------------------------------------------------

_SUPERVISION_WITHHELD = "Supervision records are restricted (domain 4.2)."


class SupervisedCase(Input, kw_only=True):
    """One case discussed in supervision, in the Signs of Safety questions: what we are worried about, what is
    working well, what needs to happen, where we are on the scale, and what was decided, by whom and when.

    The decisions, actions, map, judgement and scale are copied to the case as a `SupervisionSummary` for its
    workers; the three columns stay in the supervision record."""

    case_id: UUID
    worries: Annotated[Text | None, Meta(description="What we are worried about.")] = None
    working_well: Annotated[Text | None, Meta(description="What is working well.")] = None
    needs_to_happen: Annotated[Text | None, Meta(description="What needs to happen.")] = None
    scale: Annotated[
        Score | None,
        Meta(description="The supervisor's and worker's safety scale for the case today (0 most worried, 10 safe)."),
    ] = None
    map_id: Annotated[UUID | None, Meta(description="The three-column map used in the discussion.")] = None
    judgement_id: Annotated[UUID | None, Meta(description="A scaling judgement of the case discussed.")] = None
    decisions: Text | None = None
    actions: Annotated[list[Action], Meta(max_length=FEW)] = []


class SupervisionSignature(Input, kw_only=True):
    """Whether both supervisor and supervisee signed the record, and when."""

    both: bool
    on: dt.date


class SupervisionRecordCreate(Shareable, kw_only=True):
    """An individual supervision session (domain 2.24). Restricted by default.

    A case-specific summary is copied to the child's file as professionals-only by the API.
    """

    visibility: Visibility = _RESTRICTED
    withheld_reason: Text | None = _SUPERVISION_WITHHELD
    supervisee: PractitionerRef
    supervisor: PractitionerRef
    held_on: dt.date
    cases: Annotated[list[SupervisedCase], Meta(max_length=SOME)] = []
    reflection: Text | None = None
    wellbeing_check: Text | None = None
    signed: SupervisionSignature | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        require(self.supervisee != self.supervisor, "supervisee and supervisor must be different people")
        no_duplicates([c.case_id for c in self.cases], "cases")
        if self.signed is not None:
            check_order(self.held_on, self.signed.on, "supervision signature")


class SupervisionRecord(SupervisionRecordCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored supervision record. Read by its supervisor and supervisee and by the council's quality staff;
    changed only by its supervisor."""

    id: UUID
    meta: RecordMeta
    child_ids: Annotated[
        list[PersonRef],
        Meta(
            max_length=SOME * FEW,
            description="The children of the cases discussed (set by the server): each read is in their access log.",
        ),
    ] = []


class SupervisionSummary(Output, kw_only=True):
    """What an individual supervision decided about one case, kept with the case for its workers (domain 2.24):
    the decisions and actions, never the reflective conversation. The server writes it with the supervision record,
    in the same transaction, and changes it with it; a case taken off the record has its summary marked entered in
    error. Professionals only."""

    id: UUID
    meta: RecordMeta
    supervision_id: Annotated[UUID, Meta(description="The supervision record it summarises.")]
    held_on: dt.date
    supervisor: PractitionerRef
    supervisee: PractitionerRef
    scale: Score | None = None
    map_id: UUID | None = None
    judgement_id: UUID | None = None
    decisions: Text | None = None
    actions: Annotated[list[Action], Meta(max_length=FEW)] = []


class DangerGoalDraft(Input, kw_only=True):
    """A draft danger statement and its safety goal, worked up in group supervision."""

    danger: Text
    goal: Text


class GroupSupervisionCreate(Shareable, kw_only=True):
    """A group supervision discussion of one case, with fixed roles (domain 2.24). Restricted by default.

    The record names the case only by id (names are kept to a minimum). `decisions` are recorded only when
    an accountable manager was present; otherwise the group offers `ideas_for_next_steps` to the worker and
    their manager.
    """

    visibility: Visibility = _RESTRICTED
    withheld_reason: Text | None = _SUPERVISION_WITHHELD
    held_on: dt.date
    facilitator: PractitionerRef
    advisor: PractitionerRef | None = None
    case_presenter: PractitionerRef
    participants: Annotated[
        list[PractitionerRef],
        Meta(max_length=SOME, description="May include partner agency practitioners."),
    ] = []
    case_id: UUID
    purpose: Annotated[Text, Meta(examples=["Are we worried enough to hold a strategy discussion?"])]
    map_id: UUID | None = None
    danger_goal_drafts: Annotated[list[DangerGoalDraft], Meta(max_length=FEW)] = []
    judgement_ids: Annotated[list[UUID], Meta(max_length=SOME)] = []
    ideas_for_next_steps: Text | None = None
    accountable_manager_present: bool
    decisions: Annotated[
        list[Text],
        Meta(max_length=FEW, description="Only when accountable_manager_present is true."),
    ] = []
    appreciative_inquiry: Text | None = None
    summary_for_child_record: Text | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        require(
            self.accountable_manager_present or not self.decisions,
            "decisions are recorded only when an accountable manager is present; record ideas_for_next_steps instead",
        )
        no_duplicates(self.participants, "participants")


class GroupSupervision(GroupSupervisionCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored group supervision record."""

    id: UUID
    meta: RecordMeta


# --- case audit (2.24) ----------------------------------------------------------------------------


class CaseAuditType(enum.StrEnum):
    """Kind of audit. `together_with` is done alongside the worker as a reflective conversation."""

    single_agency = "single_agency"
    together_with = "together_with"
    multi_agency = "multi_agency"
    thematic = "thematic"
    dip_sample = "dip_sample"


class StandardMet(enum.StrEnum):
    """Whether a practice standard was met."""

    yes = "yes"
    partly = "partly"
    no = "no"
    n_a = "n_a"


class AuditGrade(enum.StrEnum):
    """Overall grade (council setting)."""

    outstanding = "outstanding"
    good = "good"
    requires_improvement = "requires_improvement"
    inadequate = "inadequate"


class AuditStandard(Input, kw_only=True):
    """One practice standard and whether the case meets it (the standards are council configuration)."""

    standard_id: Annotated[Code, Meta(examples=["danger-statements-behavioural"])]
    met: StandardMet
    evidence: Text | None = None


_AUDIT_WITHHELD = "Audit records are restricted (domain 4.2)."


class CaseAuditCreate(Shareable, kw_only=True):
    """A case audit, graded against Signs of Safety-aligned standards and written in three columns (domain 2.24).

    Restricted by default. A `together_with` audit is done with the practitioner present. Moderation is not part
    of the audit's body: another member of quality staff moderates it (`CaseAuditModeration`), as themselves.
    """

    visibility: Visibility = _RESTRICTED
    withheld_reason: Text | None = _AUDIT_WITHHELD
    type: CaseAuditType
    case_id: UUID
    child_ids: Annotated[list[PersonRef], Meta(max_length=FEW)] = []
    auditor: PractitionerRef
    practitioner: PractitionerRef | None = None
    practitioner_present: bool
    held_on: dt.date
    standards: Annotated[list[AuditStandard], Meta(max_length=SOME)] = []
    worries: Text | None = None
    working_well: Text | None = None
    needs_to_happen: Text | None = None
    grade: AuditGrade | None = None
    actions: Annotated[list[Action], Meta(max_length=FEW)] = []
    family_feedback: Text | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates(self.child_ids, "child_ids")
        no_duplicates([s.standard_id for s in self.standards], "standards")
        if self.practitioner_present:
            require(self.practitioner is not None, "practitioner is required when practitioner_present is true")
        if self.type is CaseAuditType.together_with:
            require(self.practitioner_present, "a together_with audit is done with the practitioner present")


class CaseAuditModeration(Input, kw_only=True):
    """A second auditor's moderation of a case audit: the grade they agree (empty keeps the auditor's) and why.
    The moderator is the caller (from the token), never the audit's own auditor."""

    grade: Annotated[AuditGrade | None, Meta(description="The moderated grade; empty keeps the auditor's.")] = None
    note: Text | None = None


class CaseAudit(CaseAuditCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored case audit. Once moderated it is read-only."""

    id: UUID
    meta: RecordMeta
    moderated_by: Annotated[
        PractitionerRef | None, Meta(description="The moderator's person id, from their token (set by moderation).")
    ] = None
    moderated_by_user: Annotated[ShortText | None, Meta(description="The moderator's user, from their token.")] = None
    moderated_on: dt.date | None = None
    moderation_note: Text | None = None
    grade_before_moderation: Annotated[
        AuditGrade | None, Meta(description="The auditor's grade, when moderation changed it.")
    ] = None


# --- family survey (2.24) -------------------------------------------------------------------------


class SurveyRespondentRole(enum.StrEnum):
    """Who answered the family survey."""

    child = "child"
    parent_carer = "parent_carer"
    family_member = "family_member"
    network_member = "network_member"


class SurveyAnswer(Input, kw_only=True):
    """One answer: a 0-10 score or a choice from the question's list, and an optional comment."""

    question_id: Code
    score: Score | None = None
    choice: Annotated[Code | None, Meta(description="The chosen option's code, for multiple-choice questions.")] = None
    comment: Text | None = None

    def __post_init__(self) -> None:
        require(self.score is None or self.choice is None, "an answer takes a score or a choice, not both")


AnonymousToken = Annotated[
    str,
    Meta(
        min_length=16,
        max_length=64,
        pattern=r"^[A-Za-z0-9_\-]+$",
        description="Opaque token that links answers from one respondent without saying who they are.",
    ),
]


class FamilySurveyResponseCreate(Input, kw_only=True):
    """A family member's or child's answers to the council's family survey (domain 2.24).

    Linked either to a case (`case_id`) or to an `anonymous_token`, never both. A family member or child answers
    as themselves (the token says who); a worker recording a paper form may name who answered (`respondent_id`).
    """

    survey_id: UUID
    case_id: UUID | None = None
    anonymous_token: AnonymousToken | None = None
    respondent_role: SurveyRespondentRole
    respondent_id: Annotated[
        PersonRef | None,
        Meta(description="Who answered: a member of the case. Family and children answer as themselves."),
    ] = None
    answers: Annotated[list[SurveyAnswer], Meta(min_length=1, max_length=SOME)]
    submitted_on: dt.date

    def __post_init__(self) -> None:
        require(
            (self.case_id is None) != (self.anonymous_token is None),
            "a survey response needs exactly one of case_id or anonymous_token",
        )
        no_duplicates([a.question_id for a in self.answers], "answers")


class FamilySurveyResponse(FamilySurveyResponseCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored family survey response."""

    id: UUID
    meta: RecordMeta


# --- measures (2.24) ------------------------------------------------------------------------------


class MeasurePeriod(enum.StrEnum):
    """The period a measure is reported over."""

    month = "month"
    quarter = "quarter"
    year = "year"
    rolling_12_months = "rolling_12_months"


class MeasureDefinition(Input, kw_only=True):
    """A scorecard measure: how it is counted (council configuration), e.g. % maps with a danger statement and goal."""

    code: Annotated[Code, Meta(examples=["maps-with-danger-and-goal"])]
    name: ShortText
    definition: Text
    numerator_rule: Text
    denominator_rule: Annotated[Text | None, Meta(description="Empty for counts that are not a proportion.")] = None
    period: MeasurePeriod
    higher_is_better: bool | None = None
    unit: Annotated[
        ShortText | None, Meta(description="What is counted, e.g. `children on open cases`, `danger statements`.")
    ] = None
    parameters: Annotated[
        list[MeasureParameter], Meta(max_length=FEW, description="Settings a caller may change, with defaults.")
    ] = []
    suppression: Annotated[
        Text | None,
        Meta(description="How small numbers are hidden when the figures leave the council (CSV exports)."),
    ] = None


class MeasureParameter(Input, kw_only=True):
    """A setting of a measure (e.g. `weeks`: how recent a map must be), its default and its allowed range."""

    name: Code
    description: Text
    default: Annotated[int, Meta(ge=0, le=1000)]
    minimum: Annotated[int, Meta(ge=0, le=1000)]
    maximum: Annotated[int, Meta(ge=0, le=1000)]

    def __post_init__(self) -> None:
        require(self.minimum <= self.default <= self.maximum, "default must lie between minimum and maximum")


class MeasureGrouping(enum.StrEnum):
    """How a measure's values are split: the whole council, each team, each allocated worker (person id), or (for
    scaling measures) each perspective, the judge's role."""

    council = "council"
    team = "team"
    worker = "worker"
    perspective = "perspective"


class MeasureCatalogue(Output, kw_only=True):
    """Every measure the server computes, each with its definition (GET /v1/measures)."""

    measures: Annotated[list[MeasureDefinition], Meta(max_length=SOME)]


MeasureNumber = Annotated[float, Meta(ge=-1e12, le=1e12, description="The measure's value for the period.")]
Count = Annotated[int, Meta(ge=0, le=1_000_000_000)]


class MeasureValue(Output, kw_only=True):
    """A measure's value for one council and period, computed by the server."""

    code: Code
    la_code: LaCode
    period_start: dt.date
    period_end: dt.date
    value: MeasureNumber
    numerator: Count | None = None
    denominator: Count | None = None
    computed_at: Instant

    def __post_init__(self) -> None:
        check_order(self.period_start, self.period_end, "measure period")


class MeasurePoint(Output, kw_only=True):
    """One period's value of a measure for one group (the council, a team or a worker).

    `value` is a percentage (0-100) for a proportion, or the measure's own figure (a mean score); empty when
    nothing was counted (denominator 0)."""

    period_start: dt.date
    period_end: dt.date
    group: Annotated[
        ShortText | None,
        Meta(
            description=(
                "The team's name, the worker's person id or the perspective; empty for the council, or for records "
                "with no team or worker."
            )
        ),
    ] = None
    value: MeasureNumber | None = None
    numerator: Count | None = None
    denominator: Count | None = None

    def __post_init__(self) -> None:
        check_order(self.period_start, self.period_end, "measure period")


class MeasureSeries(Output, kw_only=True):
    """A measure's values over time for one council, period by period and group by group, computed on request from
    the stored records (current versions, records entered in error left out)."""

    code: Code
    la_code: LaCode
    period: MeasurePeriod
    group_by: MeasureGrouping
    from_date: dt.date
    to_date: dt.date
    parameters: Annotated[
        dict[Code, Annotated[int, Meta(ge=0, le=1000)]],
        Meta(max_length=FEW, description="The settings used, defaults filled in."),
    ]
    points: Annotated[list[MeasurePoint], Meta(max_length=100_000)]
    computed_at: Instant
