"""Statutory work: strategy discussions, child protection conferences, core groups and the six statutory plans.

Covers domain 2.16-2.21 and the plan lifecycle of 3.4. Rules that can be checked inside one payload are
enforced here on decode (BR-14 category, BR-17 pathway plan age, category and review date, who-and-by-when
on every action). Rules that need other records (BR-13 conference timescales, BR-15 signatures before a
placement plan is agreed, BR-17 "all ten need areas before agreed", BR-20 the child exists) belong to the API.

Plans are one tagged union on `plan_type`: send one of `EarlyHelpPlan`, `ChildInNeedPlan`,
`ChildProtectionPlan`, `CarePlan`, `PlacementPlan` or `PathwayPlan`. The server wraps the stored plan in a
`PlanRecord` carrying its status, version chain and computed due date.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
from msgspec import Meta

from ._base import (
    FEW,
    INT4_MAX,
    SOME,
    AgencyType,
    Attribution,
    Code,
    DayCount,
    Input,
    Instant,
    IsoDuration,
    LongText,
    Name,
    Output,
    OwnWords,
    PersonRef,
    PractitionerRef,
    RecordMeta,
    Shareable,
    ShortText,
    Text,
    UserRef,
    Visibility,
    check_order,
    no_duplicates,
    require,
)

__all__ = [
    "STATUTORY_NEED_AREAS",
    "AbuseCategory",
    "AccommodationSuitability",
    "Action",
    "ActionProgress",
    "ActionStatus",
    "AgencyView",
    "CarePlan",
    "CareSignsOfSuccess",
    "ChildInNeedPlan",
    "ChildProtectionConference",
    "ChildProtectionConferenceCreate",
    "ChildProtectionPlan",
    "ChildWishesFeelings",
    "ConferenceDecision",
    "ConferenceDecisionCreate",
    "ConferenceMinutesChange",
    "ConferenceType",
    "CoreGroupMeeting",
    "CoreGroupMeetingCreate",
    "CoreGroupStatus",
    "DelegatedAuthority",
    "DelegatedTo",
    "Dissent",
    "EarlyHelpClosure",
    "EarlyHelpConsent",
    "EarlyHelpPlan",
    "FamilyAndSocialRelationships",
    "FamilyInformed",
    "FosterSpecific",
    "HealthArrangements",
    "HealthPlan",
    "ImmediateAction",
    "ImmediateProtection",
    "IndependentVisitor",
    "InformationShared",
    "InitialDecision",
    "Invitation",
    "InvitationStatus",
    "MinutesAmendment",
    "MinutesStatus",
    "NeedArea",
    "NeedAreaKind",
    "NeedAreaStatement",
    "ParentSignature",
    "ParticipantAgency",
    "Participation",
    "PathwayCategory",
    "PathwayPlan",
    "PermanenceRoute",
    "PersonalEducationPlan",
    "PlacedWithParent",
    "PlacementAddress",
    "PlacementContact",
    "PlacementContactArrangement",
    "PlacementDetails",
    "PlacementEducation",
    "PlacementHealth",
    "PlacementKeyContact",
    "PlacementKeyContacts",
    "PlacementPlan",
    "PlacementSignsOfSuccess",
    "PlacementType",
    "PlanAgreement",
    "PlanCreate",
    "PlanEnd",
    "PlanFamilyAgreement",
    "PlanForPermanence",
    "PlanGoalProgress",
    "PlanRecord",
    "PlanReviewSchedule",
    "PlanSignature",
    "PlanStatus",
    "PlanType",
    "ProviderDetails",
    "ReviewDecision",
    "S47Finding",
    "S47Outcome",
    "S47OutcomeCreate",
    "S47Recommendation",
    "S47Status",
    "SocialWorkerVisits",
    "StatutoryPlanReview",
    "StatutoryPlanReviewCreate",
    "StayingArrangement",
    "StayingPutOrClose",
    "StrategyAmendment",
    "StrategyDiscussion",
    "StrategyDiscussionAmend",
    "StrategyDiscussionCreate",
    "StrategyFormat",
    "StrategyOutcome",
    "StrategyParticipant",
    "StrategyStatus",
    "WishesAndFeelings",
    "YoungPersonInvolvement",
]


# --- date helpers ---------------------------------------------------------------------------------


def _age_on(date_of_birth: dt.date, on: dt.date) -> int:
    """Age in whole years on a date.

    Someone born on 29 February reaches each new age on 1 March in a non-leap year (the anniversary
    of their birth has not begun on 28 February), which the tuple comparison gives.
    """
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def _add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, clamped to the month's last day (31 Aug + 6 = 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


# --- agencies and actions -------------------------------------------------------------------------


class ParticipantAgency(enum.StrEnum):
    """The council's own children's social care, or one of the partner agency kinds of domain 2.22."""

    childrens_social_care = "childrens_social_care"
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


# ParticipantAgency must stay a superset of AgencyType, so an agency_type always maps across.
assert {a.value for a in AgencyType} <= {a.value for a in ParticipantAgency}


class ActionStatus(enum.StrEnum):
    """Where an action in a plan has got to."""

    not_started = "not_started"
    in_progress = "in_progress"
    done = "done"
    not_done = "not_done"
    dropped = "dropped"


class Action(Input, kw_only=True):
    """One thing that needs to happen in a plan: what, who, and by when (domain 2.18).

    Every action names who will do it (a person, an agency, or both) and a date. Used by every statutory
    plan, by pathway plan need areas, and by supervision and audit records.
    """

    id: Annotated[
        UUID | None,
        Meta(
            description=(
                "Action id. Optional on create; the server fills it. Send it back unchanged when editing a new plan "
                "version, so core group progress and reviews can follow the same action across versions."
            )
        ),
    ] = None
    what: Annotated[Text, Meta(examples=["Dad will go to the alcohol service every Tuesday."])]
    who_person_id: Annotated[PersonRef | None, Meta(description="The person who will do it.")] = None
    who_agency: Annotated[
        ParticipantAgency | None,
        Meta(description="The agency that will do it, when no single person is named (or as well as the person)."),
    ] = None
    by: Annotated[dt.date, Meta(description="The date by which it will be done.")]
    how_we_will_know: Annotated[Text | None, Meta(description="What everyone will see when it has happened.")] = None
    goal_id: Annotated[UUID | None, Meta(description="The safety (or wellbeing) goal it works towards.")] = None
    status: ActionStatus = ActionStatus.not_started
    done_on: Annotated[dt.date | None, Meta(description="When it was done; required when status is done.")] = None

    def __post_init__(self) -> None:
        require(
            self.who_person_id is not None or self.who_agency is not None,
            "an action needs who will do it: who_person_id or who_agency",
        )
        if self.status is ActionStatus.done:
            require(self.done_on is not None, "done_on is required when an action's status is done")
        else:
            require(self.done_on is None, "done_on is only recorded when an action's status is done")


class ActionProgress(Input, kw_only=True):
    """Progress on one plan action, as reported at a core group meeting."""

    action_id: UUID
    status: ActionStatus
    note: Text | None = None


# --- strategy discussion and s47 (2.16) -----------------------------------------------------------


class StrategyFormat(enum.StrEnum):
    """How the strategy discussion was held."""

    meeting = "meeting"
    virtual = "virtual"
    telephone = "telephone"


class StrategyOutcome(enum.StrEnum):
    """What the strategy discussion decided. The first two start a section 47 enquiry."""

    s47_single_agency = "s47_single_agency"
    s47_joint_with_police = "s47_joint_with_police"
    police_investigation_only = "police_investigation_only"
    no_s47_child_and_family_assessment = "no_s47_child_and_family_assessment"
    no_s47_early_help = "no_s47_early_help"
    nfa = "nfa"


# The outcomes that start a section 47 enquiry when the discussion is finalised.
STARTS_S47 = frozenset({StrategyOutcome.s47_single_agency, StrategyOutcome.s47_joint_with_police})


class ImmediateProtection(enum.StrEnum):
    """Immediate protective step agreed at the strategy discussion."""

    none = "none"
    epo_sought = "epo_sought"
    police_protection = "police_protection"
    voluntary_alternative_care = "voluntary_alternative_care"


class S47Finding(enum.StrEnum):
    """Whether the concerns behind the section 47 enquiry were substantiated."""

    yes = "yes"
    partly = "partly"
    no = "no"


class S47Recommendation(enum.StrEnum):
    """What the section 47 enquiry recommends next."""

    icpc = "icpc"
    cin_plan = "cin_plan"
    early_help = "early_help"
    nfa = "nfa"


class StrategyParticipant(Input, kw_only=True):
    """Someone who took part in the strategy discussion, and for which agency."""

    agency: ParticipantAgency
    person_id: PractitionerRef
    role: Annotated[ShortText | None, Meta(examples=["detective sergeant, child abuse investigation team"])] = None


class InformationShared(Input, kw_only=True):
    """Information an agency brought to the discussion. Police intelligence is usually professionals only."""

    agency: ParticipantAgency
    text: LongText
    visibility: Visibility = Visibility.professionals_only


class ImmediateAction(Input, kw_only=True):
    """An action agreed at the strategy discussion: what, who (person or agency) and by when."""

    what: Text
    who_person_id: PersonRef | None = None
    who_agency: ParticipantAgency | None = None
    by: dt.date

    def __post_init__(self) -> None:
        require(
            self.who_person_id is not None or self.who_agency is not None,
            "an immediate action needs who will do it: who_person_id or who_agency",
        )


class FamilyInformed(Input, kw_only=True):
    """Whether the family has been told about the strategy discussion, and why not yet if not."""

    informed: bool
    reason_if_delayed: Annotated[
        Text | None,
        Meta(description="Required when the family has not been told, e.g. telling them would put the child at risk."),
    ] = None

    def __post_init__(self) -> None:
        require(self.informed or self.reason_if_delayed is not None, "reason_if_delayed is required when not informed")


class S47OutcomeCreate(Input, kw_only=True):
    """The result of the section 47 enquiry a strategy discussion started, as the team manager records it (the
    manager who authorised it comes from their token)."""

    concerns_substantiated: S47Finding
    recommendation: S47Recommendation
    completed_on: Annotated[
        dt.date,
        Meta(description="The day the enquiry was completed: not before the strategy discussion, not in the future."),
    ]


class S47Outcome(S47OutcomeCreate, kw_only=True, forbid_unknown_fields=False):
    """The recorded result of the section 47 enquiry, authorised by a manager. Fixed once recorded (domain 3.6)."""

    authorised_by: Annotated[
        PractitionerRef | None,
        Meta(description="The manager who authorised it, when their token names them (never from the body)."),
    ] = None
    authorised_by_user: Annotated[UserRef, Meta(description="The user who recorded it (the token's subject).")]
    recorded_at: Instant


class StrategyStatus(enum.StrEnum):
    """A strategy discussion's record: a draft while it is written up, then finalised (read-only)."""

    draft = "draft"
    finalised = "finalised"


class S47Status(enum.StrEnum):
    """Where the section 47 enquiry a strategy discussion started has got to."""

    none = "none"
    under_way = "under_way"
    completed = "completed"


_STRATEGY_WITHHELD = "Strategy discussions hold police and agency information that is not shared with the family."


class StrategyDiscussionCreate(Shareable, kw_only=True):
    """A strategy discussion (Children Act 1989 s47; Working Together): do we start a child protection enquiry?

    Professionals only by default (domain 4.2). Participants must include children's social care and police;
    health, school and the referrer are expected where relevant. `outcome`, `immediate_protection`, the three
    flags and `family_informed` are required before the record is finalised (`immediate_actions` and
    `information_shared` may stay empty when there were none). An outcome of s47_single_agency or
    s47_joint_with_police starts a section 47 enquiry when the record is finalised; its result is recorded by a
    manager afterwards (POST /v1/strategy-discussions/{strategy_id}/s47-outcome), never in this body.
    """

    visibility: Visibility = Visibility.professionals_only
    withheld_reason: Text | None = _STRATEGY_WITHHELD
    child_ids: Annotated[list[PersonRef], Meta(min_length=1, max_length=FEW)]
    held_at: Instant
    format: StrategyFormat
    chair: Annotated[PractitionerRef, Meta(description="A children's social care manager.")]
    participants: Annotated[list[StrategyParticipant], Meta(min_length=2, max_length=SOME)]
    information_shared: Annotated[
        list[InformationShared],
        Meta(max_length=SOME, description="What each agency brought; each item keeps its own visibility."),
    ] = []
    map_id: Annotated[UUID | None, Meta(description="A Signs of Safety strategy map, where the council uses one.")] = (
        None
    )
    outcome: Annotated[StrategyOutcome | None, Meta(description="Required before finalised.")] = None
    immediate_actions: Annotated[
        list[ImmediateAction],
        Meta(max_length=FEW, description="Actions agreed at the discussion (empty when there were none)."),
    ] = []
    immediate_protection: Annotated[
        ImmediateProtection | None,
        Meta(description="Required before finalised."),
    ] = None
    criminal_investigation: Annotated[bool | None, Meta(description="Required before finalised.")] = None
    medical_needed: Annotated[bool | None, Meta(description="Required before finalised.")] = None
    interview_planned: Annotated[bool | None, Meta(description="Required before finalised.")] = None
    family_informed: Annotated[FamilyInformed | None, Meta(description="Required before finalised.")] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates(self.child_ids, "child_ids")
        agencies = {p.agency for p in self.participants}
        # Working Together: a strategy discussion is at least children's social care and the police.
        require(
            ParticipantAgency.childrens_social_care in agencies and ParticipantAgency.police in agencies,
            "participants must include childrens_social_care and police",
        )


class StrategyDiscussionAmend(Input, kw_only=True):
    """An amendment to a finalised strategy discussion (domain 3.6): the whole record as it should now read, and
    why. The team manager who amends it comes from their token; the version before stays readable."""

    reason: Annotated[Text, Meta(examples=["The police officer's name was recorded wrongly."])]
    discussion: StrategyDiscussionCreate


class StrategyAmendment(Output, kw_only=True):
    """One amendment made to a finalised strategy discussion: why, by whom, when, and the version it made."""

    version: Annotated[int, Meta(ge=2, le=INT4_MAX, description="The record version the amendment made.")]
    reason: Text
    by: Annotated[
        PractitionerRef | None, Meta(description="The manager who amended it, when their token names them.")
    ] = None
    by_user: Annotated[UserRef, Meta(description="The user who amended it (the token's subject).")]
    at: Instant


class StrategyDiscussion(StrategyDiscussionCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored strategy discussion. Read-only once finalised: its outcome, and the s47 outcome recorded later,
    are fixed (domain 3.6). While a section 47 enquiry it started is under way, or when that enquiry recommends a
    conference, the server shows when the initial child protection conference is due (15 working days after the
    discussion, BR-13), worked out on every read. Information shared with a visibility the reader may not see
    (restricted police intelligence, for a partner agency) is left out of what they are shown."""

    id: UUID
    meta: RecordMeta
    status: StrategyStatus = StrategyStatus.draft
    finalised_at: Instant | None = None
    finalised_by: Annotated[
        PractitionerRef | None,
        Meta(description="The manager who finalised it, when their token names them (never from the body)."),
    ] = None
    finalised_by_user: Annotated[
        UserRef | None, Meta(description="The user who finalised it (the token's subject).")
    ] = None
    s47_status: Annotated[
        S47Status,
        Meta(description="under_way from finalising with an s47 outcome; completed once its outcome is recorded."),
    ] = S47Status.none
    s47_outcome: Annotated[
        S47Outcome | None,
        Meta(description="The section 47 enquiry's result, once completed (POST .../s47-outcome)."),
    ] = None
    amendments: Annotated[
        list[StrategyAmendment],
        Meta(max_length=SOME, description="Amendments made after it was finalised, oldest first (domain 3.6)."),
    ] = []
    icpc_due_by: Annotated[
        dt.date | None,
        Meta(
            description=(
                "The initial child protection conference is due by this day: 15 working days after the discussion "
                "(BR-13). Shown while the enquiry is under way or recommends a conference. Worked out on read."
            )
        ),
    ] = None
    icpc_days_remaining: Annotated[
        DayCount | None,
        Meta(
            description=(
                "Working days from today (or, once the conference is held, from that day) to icpc_due_by; negative "
                "when late. Worked out on read."
            )
        ),
    ] = None
    icpc_overdue: Annotated[
        bool | None,
        Meta(description="The conference is late: not held by icpc_due_by, or held after it. Worked out on read."),
    ] = None
    icpc_held_on: Annotated[
        dt.date | None,
        Meta(description="The day the initial conference that followed this discussion was held. Worked out on read."),
    ] = None


# --- child protection conference and core group (2.17) --------------------------------------------


class ConferenceType(enum.StrEnum):
    """Initial (ICPC), review (RCPC), pre-birth initial, or transfer-in from another council."""

    initial = "initial"
    review = "review"
    pre_birth_initial = "pre_birth_initial"
    transfer_in = "transfer_in"


class InvitationStatus(enum.StrEnum):
    """Whether an invited person came. `excluded` needs `excluded_reason`."""

    attended = "attended"
    apologies_report_sent = "apologies_report_sent"
    apologies_no_report = "apologies_no_report"
    declined = "declined"
    excluded = "excluded"


class Invitation(Input, kw_only=True):
    """Someone invited to a conference or core group, and whether they came."""

    person_id: PersonRef | None = None
    agency: Annotated[ParticipantAgency | None, Meta(description="Empty for family members.")] = None
    status: Annotated[
        InvitationStatus | None,
        Meta(description="Empty until the person answers or the meeting is held."),
    ] = None
    excluded_reason: Annotated[Text | None, Meta(description="Why the chair excluded them (required then).")] = None

    def __post_init__(self) -> None:
        require(self.person_id is not None or self.agency is not None, "an invitation needs person_id or agency")
        if self.status is InvitationStatus.excluded:
            require(self.excluded_reason is not None, "excluded_reason is required when status is excluded")
        else:
            require(self.excluded_reason is None, "excluded_reason is only recorded when status is excluded")


class Participation(enum.StrEnum):
    """How a parent or the child took part in the conference."""

    attended = "attended"
    part = "part"
    views_shared = "views_shared"
    advocate = "advocate"
    not_attended = "not_attended"


class AgencyView(Input, kw_only=True):
    """One agency's view on whether a child protection plan is needed, and why."""

    agency: ParticipantAgency
    plan_needed: bool
    reason: Text


class InitialDecision(enum.StrEnum):
    """Decisions open to an initial, pre-birth initial or transfer-in conference."""

    cp_plan = "cp_plan"
    cin_plan = "cin_plan"
    early_help = "early_help"
    nfa = "nfa"


class ReviewDecision(enum.StrEnum):
    """Decisions open to a review conference."""

    cp_plan_continues = "cp_plan_continues"
    ends_to_cin = "ends_to_cin"
    ends_to_early_help = "ends_to_early_help"
    ends_nfa = "ends_nfa"
    ends_child_looked_after = "ends_child_looked_after"
    ends_moved_la = "ends_moved_la"
    ends_turned_18 = "ends_turned_18"
    ends_died_or_left_uk = "ends_died_or_left_uk"


class ConferenceDecision(enum.StrEnum):
    """Every conference decision: `InitialDecision` values for initial kinds, `ReviewDecision` values for reviews."""

    cp_plan = "cp_plan"
    cin_plan = "cin_plan"
    early_help = "early_help"
    nfa = "nfa"
    cp_plan_continues = "cp_plan_continues"
    ends_to_cin = "ends_to_cin"
    ends_to_early_help = "ends_to_early_help"
    ends_nfa = "ends_nfa"
    ends_child_looked_after = "ends_child_looked_after"
    ends_moved_la = "ends_moved_la"
    ends_turned_18 = "ends_turned_18"
    ends_died_or_left_uk = "ends_died_or_left_uk"


assert {d.value for d in ConferenceDecision} == {d.value for d in InitialDecision} | {d.value for d in ReviewDecision}

_INITIAL_DECISIONS = frozenset(d.value for d in InitialDecision)
_REVIEW_DECISIONS = frozenset(d.value for d in ReviewDecision)
_PLAN_DECISIONS = frozenset({ConferenceDecision.cp_plan, ConferenceDecision.cp_plan_continues})
# A review's decisions that end the child protection plan: every ReviewDecision but cp_plan_continues.
# Statutory timescales are counted in days as they fall in England.
ENGLAND = ZoneInfo("Europe/London")
_ENDS_PLAN = frozenset(ConferenceDecision(d.value) for d in ReviewDecision) - {ConferenceDecision.cp_plan_continues}


class AbuseCategory(enum.StrEnum):
    """Category of abuse recorded when a child protection plan starts, and reviewed at each RCPC."""

    neglect = "neglect"
    physical = "physical"
    emotional = "emotional"
    sexual = "sexual"
    multiple = "multiple"


class Dissent(Input, kw_only=True):
    """Someone (a person or an agency) who disagrees with the conference decision, and why."""

    person_id: PersonRef | None = None
    agency: ParticipantAgency | None = None
    reason: Text

    def __post_init__(self) -> None:
        require(self.person_id is not None or self.agency is not None, "a dissent needs person_id or agency")


class MinutesStatus(enum.StrEnum):
    """Where the conference minutes are. Amendments after `agreed` are new versions (domain 3.6)."""

    draft = "draft"
    circulated = "circulated"
    agreed = "agreed"
    amended = "amended"


class ChildProtectionConferenceCreate(Shareable, kw_only=True):
    """A child protection conference: initial (ICPC), review (RCPC), pre-birth or transfer-in (domain 2.17).

    `decision` takes an `InitialDecision` value for initial, pre-birth initial and transfer-in conferences,
    and a `ReviewDecision` value for reviews. A decision that starts or continues a child protection plan
    needs `category` (BR-14); only the chair may set the decision (checked by the API). Once minutes are
    circulated, `held_at` and `decision` are required. Other fields marked "required before finalised"
    must be filled before the minutes are agreed.
    """

    type: ConferenceType
    child_ids: Annotated[
        list[PersonRef],
        Meta(min_length=1, max_length=FEW, description="Every child in the household is considered."),
    ]
    strategy_discussion_id: Annotated[
        UUID | None,
        Meta(description="The strategy discussion that started the s47 enquiry; required for an initial conference."),
    ] = None
    held_at: Annotated[Instant | None, Meta(description="Required before finalised.")] = None
    chair: Annotated[PractitionerRef, Meta(description="Independent of the case's line management.")]
    invitations: Annotated[list[Invitation], Meta(max_length=SOME, description="Required before finalised.")] = []
    parents_participation: Annotated[Participation | None, Meta(description="Required before finalised.")] = None
    child_participation: Annotated[Participation | None, Meta(description="Required before finalised.")] = None
    reports: Annotated[
        list[UUID],
        Meta(max_length=SOME, description="Agency contributions (2.22), including the social worker's report."),
    ] = []
    map_id: Annotated[UUID | None, Meta(description="The conference map. Required before finalised.")] = None
    judgements: Annotated[
        list[UUID],
        Meta(max_length=SOME, description="Scaling judgements of each agency and parent. Required before finalised."),
    ] = []
    agency_views: Annotated[list[AgencyView], Meta(max_length=SOME, description="Required before finalised.")] = []
    decision: Annotated[
        ConferenceDecision | None,
        Meta(description="The chair's decision after seeking consensus. Required before finalised."),
    ] = None
    category: Annotated[
        AbuseCategory | None,
        Meta(description="Required when the decision starts or continues a child protection plan (BR-14)."),
    ] = None
    dissent: Annotated[list[Dissent], Meta(max_length=FEW)] = []
    outline_plan_id: Annotated[
        UUID | None,
        Meta(description="The outline child protection plan, when the decision starts or continues one."),
    ] = None
    core_group: Annotated[
        list[PersonRef],
        Meta(max_length=FEW, description="Core group members, when the decision starts or continues a plan."),
    ] = []
    minutes_status: MinutesStatus = MinutesStatus.draft
    late_reason: Annotated[
        Text | None,
        Meta(description="Why the conference was held after its due date (BR-13 allows breaches with a reason)."),
    ] = None

    @property
    def held_on(self) -> dt.date | None:
        """The day the conference was held in England, where statutory timescales are counted (None until then)."""
        return self.held_at.astimezone(ENGLAND).date() if self.held_at is not None else None

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates(self.child_ids, "child_ids")
        no_duplicates(self.core_group, "core_group")
        no_duplicates(self.reports, "reports")
        no_duplicates(self.judgements, "judgements")
        if self.type is ConferenceType.initial:
            require(
                self.strategy_discussion_id is not None, "strategy_discussion_id is required for an initial conference"
            )
        if self.minutes_status is not MinutesStatus.draft:
            require(
                self.held_at is not None and self.decision is not None,
                "held_at and decision are required once minutes are circulated",
            )
        if self.decision is not None:
            if self.type is ConferenceType.review:
                require(self.decision in _REVIEW_DECISIONS, "a review conference's decision must be a ReviewDecision")
            else:
                require(
                    self.decision in _INITIAL_DECISIONS,
                    f"a {self.type} conference's decision must be an InitialDecision",
                )
            if self.decision in _PLAN_DECISIONS:
                # BR-14: a plan that starts or continues carries its category of abuse.
                require(self.category is not None, "category is required when the decision starts or continues a plan")
            else:
                require(
                    self.category is None and self.outline_plan_id is None,
                    "category and outline_plan_id are only recorded when the decision starts or continues a plan",
                )


class MinutesAmendment(Output, kw_only=True):
    """An amendment to agreed minutes: why, who and when (domain 3.6). The decision, category and dissent stay."""

    reason: Text
    by: UserRef
    at: Instant
    version: Annotated[int, Meta(ge=1, le=INT4_MAX, description="The version of the conference the amendment made.")]


class ChildProtectionConference(ChildProtectionConferenceCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored conference, with the dates the server computes from working days (domain 3.5, BR-13).

    The dates and how each stands (working days remaining, overdue) are worked out on every read: the
    conference's own due date is seen from the day it was held (or today until then), the first core group's
    from the day it met, and the next review's from today.
    """

    id: UUID
    meta: RecordMeta
    decided_by: Annotated[
        PractitionerRef | None, Meta(description="The chair who recorded the decision, from their token (BR-14).")
    ] = None
    decided_at: Instant | None = None
    amendments: Annotated[list[MinutesAmendment], Meta(max_length=SOME)] = []
    due_days_remaining: Annotated[
        DayCount | None,
        Meta(description="Working days from today (or the day it was held) to due_by; negative when late."),
    ] = None
    overdue: Annotated[bool | None, Meta(description="Held, or still not held, after due_by.")] = None
    first_core_group_held_on: Annotated[
        dt.date | None, Meta(description="When the first core group of the plan this conference started met.")
    ] = None
    first_core_group_in_time: Annotated[
        bool | None, Meta(description="Whether the first core group met by first_core_group_by; empty until it met.")
    ] = None
    first_core_group_overdue: Annotated[
        bool | None, Meta(description="No core group yet and first_core_group_by has passed.")
    ] = None
    next_review_days_remaining: Annotated[
        DayCount | None, Meta(description="Working days from today (or the day the review was held) to next_review_by.")
    ] = None
    next_review_overdue: bool | None = None
    next_review_held_on: Annotated[
        dt.date | None, Meta(description="When the review conference following this one was held; empty until then.")
    ] = None
    due_by: Annotated[
        dt.date | None,
        Meta(
            description=(
                "ICPC: 15 working days after the strategy discussion that started the s47. First RCPC: 3 months "
                "after the ICPC; later RCPCs: 6 months after the previous one."
            )
        ),
    ] = None
    first_core_group_by: Annotated[
        dt.date | None,
        Meta(description="Initial conferences that start a plan: 10 working days after held_at."),
    ] = None
    next_review_by: Annotated[
        dt.date | None,
        Meta(description="When a plan starts or continues: the date the next review conference is due."),
    ] = None

    @property
    def ends_plan(self) -> bool:
        """A review conference whose decision ends the child protection plan (any `ends_*` decision)."""
        return self.type is ConferenceType.review and self.decision in _ENDS_PLAN


class CoreGroupMeetingCreate(Shareable, kw_only=True):
    """A core group meeting: the group that turns the child protection plan into a working plan (domain 2.17).

    Meets every 4-6 weeks (council setting). Changes to the plan are made as a new plan version, named in
    `plan_changes`.
    """

    cp_plan_id: UUID
    held_on: dt.date
    chair: Annotated[PractitionerRef, Meta(description="Usually the lead social worker.")]
    attendance: Annotated[list[Invitation], Meta(max_length=SOME)] = []
    progress: Annotated[list[ActionProgress], Meta(max_length=SOME)] = []
    map_id: UUID | None = None
    judgements: Annotated[list[UUID], Meta(max_length=SOME)] = []
    plan_changes: Annotated[UUID | None, Meta(description="The new plan version agreed at this meeting.")] = None
    concerns_escalated: Text | None = None
    next_on: dt.date | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates([p.action_id for p in self.progress], "progress")
        no_duplicates(self.judgements, "judgements")
        check_order(self.held_on, self.next_on, "next core group")


class CoreGroupStatus(enum.StrEnum):
    """A core group's notes are a draft while being written up, then final: the record of what was said."""

    draft = "draft"
    final = "final"


class CoreGroupMeeting(CoreGroupMeetingCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored core group meeting. Its notes are edited while `draft` and frozen once `final` (domain 3.6)."""

    id: UUID
    meta: RecordMeta
    status: CoreGroupStatus = CoreGroupStatus.draft
    finalised_by: Annotated[UserRef | None, Meta(description="Who finalised the notes, from their token.")] = None
    finalised_at: Instant | None = None


class ConferenceDecisionCreate(Input, kw_only=True):
    """The chair's decision (BR-14: only the conference's chair records it, as themselves).

    `category` is required when the decision starts or continues a child protection plan; `category`,
    `outline_plan_id` and `core_group` are only recorded then. `decision` takes an `InitialDecision` value for
    initial, pre-birth initial and transfer-in conferences and a `ReviewDecision` value for reviews (checked by
    the API). `held_at` may be given here if the conference record does not have it yet.
    """

    decision: ConferenceDecision
    category: AbuseCategory | None = None
    dissent: Annotated[list[Dissent], Meta(max_length=FEW)] = []
    core_group: Annotated[list[PersonRef], Meta(max_length=FEW)] = []
    outline_plan_id: Annotated[UUID | None, Meta(description="The outline child protection plan.")] = None
    held_at: Instant | None = None
    late_reason: Annotated[Text | None, Meta(description="Why it was held after its due date (BR-13).")] = None

    def __post_init__(self) -> None:
        no_duplicates(self.core_group, "core_group")
        if self.decision in _PLAN_DECISIONS:
            require(self.category is not None, "category is required when the decision starts or continues a plan")
        else:
            require(
                self.category is None and self.outline_plan_id is None and not self.core_group,
                "category, outline_plan_id and core_group are only recorded when the decision starts or continues "
                "a plan",
            )


class ConferenceMinutesChange(Input, kw_only=True):
    """Move the minutes on: draft -> circulated -> agreed, and agreed -> amended (with `reason`)."""

    status: Annotated[
        MinutesStatus, Meta(description="The new status: circulated, agreed or amended (draft is never sent).")
    ]
    reason: Annotated[Text | None, Meta(description="Why agreed minutes are amended; required for amended.")] = None

    def __post_init__(self) -> None:
        require(self.status is not MinutesStatus.draft, "minutes never go back to draft")
        require(
            (self.status is MinutesStatus.amended) == (self.reason is not None),
            "reason is given when, and only when, the minutes are amended",
        )


# --- shared plan shape (2.18) ---------------------------------------------------------------------


class PlanType(enum.StrEnum):
    """The six statutory plan kinds; also the `plan_type` tag of `PlanCreate`."""

    early_help = "early_help"
    child_in_need = "child_in_need"
    child_protection = "child_protection"
    care = "care"
    placement = "placement"
    pathway = "pathway"


class PlanFamilyAgreement(Input, kw_only=True):
    """A family member's agreement to the plan, and anything they want to say about it."""

    person_id: PersonRef
    on: dt.date
    comment: Text | None = None


class PlanReviewSchedule(Input, kw_only=True):
    """When the plan is next reviewed, and the rule that sets review dates."""

    next_on: dt.date
    rule: Annotated[ShortText | None, Meta(examples=["every 3 months", "at each core group"])] = None


class PlanGoalProgress(Input, kw_only=True):
    """Progress towards one goal, as seen at a plan review."""

    goal_id: UUID
    note: Text
    judgement_id: UUID | None = None


class StatutoryPlanReview(Input, kw_only=True):
    """A review of the plan: who came, how far each goal has come, and what was decided."""

    held_on: dt.date
    attendees: Annotated[list[PersonRef], Meta(max_length=SOME)] = []
    judgements: Annotated[list[UUID], Meta(max_length=SOME)] = []
    progress_by_goal: Annotated[list[PlanGoalProgress], Meta(max_length=FEW)] = []
    decision: Text


class PlanBase(Shareable, kw_only=True, tag_field="plan_type"):
    """Fields every statutory plan has. Not sent on its own: send one of the `PlanCreate` kinds."""

    child_ids: Annotated[
        list[PersonRef],
        Meta(min_length=1, max_length=FEW, description="Statutory plans are per child; usually one id."),
    ]
    lead: Annotated[PractitionerRef, Meta(description="Lead practitioner, lead social worker or personal adviser.")]
    danger_ids: Annotated[
        list[UUID],
        Meta(max_length=FEW, description="Danger (or worry) statements the plan addresses. Required before agreed."),
    ] = []
    actions: Annotated[list[Action], Meta(max_length=SOME, description="Required before agreed.")] = []
    contingency: Annotated[
        Text | None,
        Meta(description="What happens if the plan is not working. Required before agreed."),
    ] = None
    family_agreement: Annotated[list[PlanFamilyAgreement], Meta(max_length=FEW)] = []
    review_schedule: Annotated[PlanReviewSchedule | None, Meta(description="Required before agreed.")] = None
    reviews: Annotated[list[StatutoryPlanReview], Meta(max_length=SOME)] = []

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates(self.child_ids, "child_ids")
        no_duplicates(self.danger_ids, "danger_ids")
        no_duplicates([a.id for a in self.actions if a.id is not None], "action ids")


# --- early help, child in need, child protection (2.18) -------------------------------------------


class EarlyHelpConsent(Input, kw_only=True):
    """The family's consent to early help, which is voluntary (BR-18)."""

    given_by: PersonRef
    on: dt.date
    covers_information_sharing: bool


class EarlyHelpClosure(enum.StrEnum):
    """How an early help plan closed."""

    needs_met = "needs_met"
    stepped_up = "stepped_up"
    consent_withdrawn = "consent_withdrawn"
    moved = "moved"
    universal_only = "universal_only"


class EarlyHelpPlan(PlanBase, kw_only=True, tag="early_help"):
    """An early help plan: voluntary support below the statutory threshold. Consent is required (BR-18)."""

    consent: EarlyHelpConsent
    assessment_id: Annotated[UUID | None, Meta(description="The early help assessment (EHA).")] = None
    taf_frequency: Annotated[
        IsoDuration | None,
        Meta(description="How often the team around the family meets (council setting)."),
    ] = None
    wellbeing_scale_id: Annotated[
        UUID | None,
        Meta(
            description=(
                "The wellbeing scaling question: 10 = wellbeing secure and safety assured; 0 = a referral to "
                "children's social care is needed."
            )
        ),
    ] = None
    closure_outcome: EarlyHelpClosure | None = None


class ChildInNeedPlan(PlanBase, kw_only=True, tag="child_in_need"):
    """A child in need plan under Children Act 1989 s17."""

    legal_basis: Literal["s17"] = "s17"
    assessment_id: Annotated[UUID | None, Meta(description="The child and family assessment.")] = None
    review_frequency: Annotated[IsoDuration | None, Meta(description="Council setting, e.g. P3M.")] = None
    visit_frequency: Annotated[IsoDuration | None, Meta(description="Council setting.")] = None


class ChildProtectionPlan(PlanBase, kw_only=True, tag="child_protection"):
    """A child protection plan, started by a conference decision with a category of abuse (BR-14)."""

    conference_id: Annotated[UUID, Meta(description="The conference that started or last continued the plan.")]
    category: AbuseCategory
    core_group: Annotated[list[PersonRef], Meta(max_length=FEW)] = []
    outline: Annotated[
        bool,
        Meta(description="True for the outline plan made at conference; false for the detailed core group plan."),
    ]
    visit_frequency: Annotated[IsoDuration | None, Meta(description="Council setting, e.g. P2W.")] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates(self.core_group, "core_group")


# --- care plan (2.19; CPPCR 2010 reg 5 and Schedule 1) --------------------------------------------


class PermanenceRoute(enum.StrEnum):
    """The long-term plan for where and with whom the child will grow up."""

    return_home = "return_home"
    kinship = "kinship"
    long_term_fostering = "long_term_fostering"
    special_guardianship = "special_guardianship"
    child_arrangements_order = "child_arrangements_order"
    adoption = "adoption"
    residential = "residential"
    supported_independence = "supported_independence"


class PlanForPermanence(Input, kw_only=True):
    """The long-term plan for the child; expected to be settled by the second review."""

    route: PermanenceRoute
    text: Text


class HealthArrangements(Input, kw_only=True):
    """Arrangements for the child's health care (Schedule 1 para 1)."""

    checks: Text
    treatment: Text
    immunisation: Text
    sight_hearing_screening: Text
    health_advice: Text


class HealthPlan(Input, kw_only=True):
    """The child's health plan (Schedule 1 para 1)."""

    state_of_health: Text
    health_history_incl_family: Annotated[Text, Meta(description="Including family health history, where known.")]
    effect_on_development: Text
    arrangements: HealthArrangements
    planned_changes: Text | None = None
    carer_role: Annotated[Text, Meta(description="What the carer will do to promote the child's health.")]


class PersonalEducationPlan(Input, kw_only=True):
    """The personal education plan summary (Schedule 1 para 2); the full PEP is often held by the school."""

    history_attendance_achievement_sen: Annotated[
        Text,
        Meta(description="Education history, attendance, achievement and special educational needs."),
    ]
    current_arrangements: Text
    planned_changes_and_disruption: Annotated[
        Text | None,
        Meta(description="Planned changes, and how any disruption will be kept small."),
    ] = None
    leisure_interests: Text
    carer_role: Annotated[Text, Meta(description="What the carer will do to support the child's education.")]


class FamilyAndSocialRelationships(Input, kw_only=True):
    """The child's family and social relationships, and contact arrangements (Schedule 1 para 3)."""

    text: Text
    contact_arrangements: Text


class WishesAndFeelings(Input, kw_only=True):
    """What the child, each parent or PR holder, or someone else wants, ascertained on a date."""

    person_id: PersonRef
    text: Text
    own_words: Annotated[bool, Meta(description="True when `text` is exactly what the person said.")] = False
    on: dt.date


class CareSignsOfSuccess(Input, kw_only=True):
    """Signs of Success overlay for a child in care: the map, the network and the scales."""

    map_id: UUID | None = None
    network_id: UUID | None = None
    judgement_ids: Annotated[list[UUID], Meta(max_length=SOME)] = []


class CarePlan(PlanBase, kw_only=True, tag="care"):
    """The care plan of a looked after child (CPPCR 2010 reg 5, Schedule 1).

    Needs a named IRO and a plan for permanence (BR-16). Due before the first placement, or within 10
    working days of it (the server computes `due_by` on the `PlanRecord`).
    """

    plan_for_permanence: PlanForPermanence
    health_plan: HealthPlan
    personal_education_plan: PersonalEducationPlan
    emotional_behavioural_development: Text
    identity: Annotated[Text, Meta(description="Religion, racial origin, culture and language.")]
    family_and_social_relationships: FamilyAndSocialRelationships
    social_presentation: Text
    self_care_skills: Text
    placed_by_council: Annotated[
        bool,
        Meta(description="False when the child is in care but not placed by the council (then no placement plan)."),
    ] = True
    placement_plan_id: Annotated[
        UUID | None,
        Meta(description="The current placement plan; required before agreed unless placed_by_council is false."),
    ] = None
    iro: Annotated[PractitionerRef, Meta(description="The named independent reviewing officer (BR-16).")]
    wishes_and_feelings: Annotated[
        list[WishesAndFeelings],
        Meta(min_length=1, max_length=FEW, description="The child, each parent or PR holder, and others."),
    ]
    signs_of_success: CareSignsOfSuccess | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        require(
            self.placed_by_council or self.placement_plan_id is None,
            "placement_plan_id is only recorded when placed_by_council is true",
        )


# --- placement plan (2.20; CPPCR 2010 reg 9 and Schedule 2) ---------------------------------------


class PlacementType(enum.StrEnum):
    """Kind of placement. The DfE SSDA903 code, where the council returns one, goes in `ssda903_code`."""

    foster_connected_person = "foster_connected_person"
    foster_other = "foster_other"
    placed_with_parents = "placed_with_parents"
    placed_for_adoption = "placed_for_adoption"
    childrens_home = "childrens_home"
    supported_accommodation = "supported_accommodation"
    independent_living = "independent_living"
    residential_school = "residential_school"
    secure_childrens_home = "secure_childrens_home"
    hospital = "hospital"
    youth_justice_custody = "youth_justice_custody"
    other = "other"


_FOSTER_TYPES = frozenset({PlacementType.foster_connected_person, PlacementType.foster_other})

Postcode = Annotated[
    str,
    Meta(
        pattern=r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$",
        description="UK postcode.",
        examples=["LS1 4AP"],
    ),
]


class PlacementAddress(Input, kw_only=True):
    """A placement address. Confidential by default: never returned to the roles it is withheld from (BR-27)."""

    lines: Annotated[list[ShortText], Meta(min_length=1, max_length=6)]
    postcode: Postcode
    confidential: bool = True


class PlacementDetails(Input, kw_only=True):
    """Where and with whom the child is placed."""

    start: dt.date
    type: PlacementType
    ssda903_code: Annotated[Code | None, Meta(description="DfE placement type code.", examples=["U4"])] = None
    provider_name: ShortText
    provider_urn: Annotated[Code | None, Meta(description="Ofsted URN of the setting.")] = None
    address: PlacementAddress | None = None


class PlacementContactArrangement(Input, kw_only=True):
    """Contact with one person: how, how often, and any supervision."""

    person_id: PersonRef
    arrangements: Text


class PlacementContact(Input, kw_only=True):
    """Contact arrangements for the placement (Schedule 2 para 1(2)).

    `s8_order_details` applies when the child is not in care, `s34_order_details` when in care, so at most
    one of them is filled.
    """

    arrangements: Annotated[list[PlacementContactArrangement], Meta(max_length=FEW)] = []
    reasons_if_not_practicable_or_not_in_welfare: Annotated[
        Text | None,
        Meta(description="Why contact with someone is not reasonably practicable or not in the child's welfare."),
    ] = None
    s8_order_details: Text | None = None
    s34_order_details: Text | None = None
    how_changes_notified: Text

    def __post_init__(self) -> None:
        require(
            self.s8_order_details is None or self.s34_order_details is None,
            "s8_order_details (not in care) and s34_order_details (in care) cannot both apply",
        )


class ProviderDetails(Input, kw_only=True):
    """The name and address of a GP practice, dentist, school or other provider."""

    name: ShortText
    address: Text | None = None


class PlacementHealth(Input, kw_only=True):
    """Health arrangements for the placement (Schedule 2 para 1(3))."""

    gp: ProviderDetails | None = None
    dentist: ProviderDetails | None = None
    new_registrations: Annotated[Text | None, Meta(description="Registrations still to be made, and by whom.")] = None
    consent_to_treatment_arrangements: Text


class PlacementEducation(Input, kw_only=True):
    """Education arrangements for the placement (Schedule 2 para 1(4)); EHC plan replaces "statement of SEN"."""

    school: ProviderDetails | None = None
    designated_teacher: Annotated[Name | None, Meta(description="The school's designated teacher.")] = None
    other_provider: ProviderDetails | None = None
    ehcp_and_maintaining_la: Annotated[
        Text | None,
        Meta(description="The child's EHC plan, if any, and the council that maintains it."),
    ] = None


class SocialWorkerVisits(Input, kw_only=True):
    """How often the council's representative will visit, and support between visits."""

    frequency: Annotated[IsoDuration, Meta(examples=["P6W"])]
    support_between_visits: Text | None = None


class IndependentVisitor(Input, kw_only=True):
    """The child's independent visitor, if one is appointed."""

    person_id: PersonRef
    visiting_arrangements: Text


class PlacementKeyContact(Input, kw_only=True):
    """A named person and how to reach them."""

    person_id: PersonRef
    name: Name
    contact: Annotated[ShortText, Meta(description="Phone number or email address.")]


class PlacementKeyContacts(Input, kw_only=True):
    """Names and contact details the carer needs."""

    iro: PlacementKeyContact
    independent_visitor: PlacementKeyContact | None = None
    social_worker: PlacementKeyContact
    personal_adviser: Annotated[
        PlacementKeyContact | None,
        Meta(description="When the child is an eligible child."),
    ] = None


class PlacedWithParent(Input, kw_only=True):
    """Extra arrangements when the child is placed with a parent (CPPCR 2010 reg 9 and Schedule 2)."""

    support_to_parent: Text
    duty_to_notify_changes: Text
    confidentiality_duty: Text
    approval_needed_to_live_elsewhere: Text
    how_to_request_change: Text
    termination_circumstances: Text


class FosterSpecific(Input, kw_only=True):
    """Extra arrangements for a foster placement (check the current consolidated Schedule 2 text)."""

    financial_support: Text
    other_arrangements: Text | None = None


class DelegatedTo(enum.StrEnum):
    """Who makes a day-to-day decision about the child."""

    carer = "carer"
    social_worker = "social_worker"
    parent = "parent"
    shared = "shared"


class DelegatedAuthority(Input, kw_only=True):
    """Who decides one area of the child's day-to-day life; a reason is needed when it is not the carer."""

    decision_area: Annotated[ShortText, Meta(examples=["overnight stays with friends", "haircuts"])]
    delegated_to: DelegatedTo
    reason_if_not_carer: Text | None = None

    def __post_init__(self) -> None:
        require(
            self.delegated_to is DelegatedTo.carer or self.reason_if_not_carer is not None,
            "reason_if_not_carer is required when a decision is not delegated to the carer",
        )


class ChildWishesFeelings(Input, kw_only=True):
    """The child's wishes and feelings about the placement, in their own words (reg 9(1)(b)(i))."""

    text: OwnWords
    on: dt.date


class PlanSignature(Input, kw_only=True):
    """Who signed, and when."""

    person_id: PersonRef
    on: dt.date


class ParentSignature(Input, kw_only=True):
    """A parent's signature on the placement plan and their view; good practice, not required."""

    person_id: PersonRef
    on: dt.date
    view: Text | None = None


class PlacementSignsOfSuccess(Input, kw_only=True):
    """Signs of Success overlay for a placement (council option)."""

    worries: Annotated[list[Text], Meta(max_length=FEW)] = []
    working_well: Annotated[list[Text], Meta(max_length=FEW)] = []
    needs_to_happen: Annotated[list[Text], Meta(max_length=FEW)] = []
    child_tool_ids: Annotated[list[UUID], Meta(max_length=FEW)] = []
    stability_scale_id: Annotated[UUID | None, Meta(description="The placement stability scaling question.")] = None


class PlacementPlan(PlanBase, kw_only=True, tag="placement"):
    """The plan for one placement (CPPCR 2010 reg 9 and Schedule 2).

    Due before the placement, else within 5 working days of its start (`due_by` on the `PlanRecord`). It
    cannot be agreed without the appropriate person's signature (BR-15, checked by the API).
    `placed_with_parent` is required for, and only for, placements with parents; `foster_specific` likewise
    for foster placements.
    """

    placement: PlacementDetails
    how_placement_meets_needs: Annotated[Text, Meta(description="reg 9(1)(a)(i).")]
    day_to_day_care: Annotated[Text, Meta(description="How the carer will look after the child, safe and well.")]
    contact: PlacementContact
    health: PlacementHealth
    education: PlacementEducation
    visits: SocialWorkerVisits
    independent_visitor: Annotated[IndependentVisitor | None, Meta(description="When one is appointed.")] = None
    termination_circumstances: Annotated[Text, Meta(description="When the placement may be ended.")]
    key_contacts: PlacementKeyContacts
    placed_with_parent: PlacedWithParent | None = None
    foster_specific: FosterSpecific | None = None
    delegated_authority: Annotated[
        list[DelegatedAuthority],
        Meta(max_length=SOME, description="Required before agreed (statutory guidance since 2013)."),
    ] = []
    child_wishes_feelings: ChildWishesFeelings
    iro_informed_on: Annotated[dt.date, Meta(description="reg 9(1)(b)(ii).")]
    signed_by_appropriate_person: Annotated[
        PlanSignature | None,
        Meta(description="The carer's signature, reg 9(3). Required before agreed (BR-15)."),
    ] = None
    parents_signature: ParentSignature | None = None
    signs_of_success: PlacementSignsOfSuccess | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        with_parents = self.placement.type is PlacementType.placed_with_parents
        require(
            (self.placed_with_parent is not None) == with_parents,
            "placed_with_parent is required when, and only when, the placement type is placed_with_parents",
        )
        require(
            (self.foster_specific is not None) == (self.placement.type in _FOSTER_TYPES),
            "foster_specific is required when, and only when, the placement is a foster placement",
        )
        if self.independent_visitor is not None:
            require(
                self.key_contacts.independent_visitor is not None,
                "key_contacts.independent_visitor is required when an independent visitor is appointed",
            )
        no_duplicates([d.decision_area for d in self.delegated_authority], "delegated_authority decision areas")


# --- pathway plan (2.21) --------------------------------------------------------------------------


class PathwayCategory(enum.StrEnum):
    """Care-leaver category. `qualifying` young people get advice, not a pathway plan, so it is not a member."""

    eligible = "eligible"
    relevant = "relevant"
    former_relevant = "former_relevant"
    former_relevant_21_to_25 = "former_relevant_21_to_25"


class NeedAreaKind(enum.StrEnum):
    """Pathway plan need areas: the ten statutory areas, then three a council may add."""

    contact_and_personal_support = "contact_and_personal_support"
    education_training = "education_training"
    employment_purposeful_activity = "employment_purposeful_activity"
    contingency = "contingency"
    accommodation = "accommodation"
    family_social_relationships = "family_social_relationships"
    practical_independent_living_skills = "practical_independent_living_skills"
    financial_support = "financial_support"
    health_including_mental_health = "health_including_mental_health"
    identity = "identity"
    emotional_wellbeing = "emotional_wellbeing"
    immigration_legal = "immigration_legal"
    parenting = "parenting"


STATUTORY_NEED_AREAS: frozenset[NeedAreaKind] = frozenset(
    {
        NeedAreaKind.contact_and_personal_support,
        NeedAreaKind.education_training,
        NeedAreaKind.employment_purposeful_activity,
        NeedAreaKind.contingency,
        NeedAreaKind.accommodation,
        NeedAreaKind.family_social_relationships,
        NeedAreaKind.practical_independent_living_skills,
        NeedAreaKind.financial_support,
        NeedAreaKind.health_including_mental_health,
        NeedAreaKind.identity,
    }
)
"""The ten areas every pathway plan must cover before it is agreed (Care Leavers (England) Regulations 2010 Sch 1)."""


class NeedAreaStatement(Input, kw_only=True):
    """A worry or something working well in a need area, with whose view it is."""

    text: Text
    perspective: Attribution


class AccommodationSuitability(Input, kw_only=True):
    """Suitability of the young person's accommodation (Care Leavers Regulations 2010 Schedule 2 factors)."""

    facilities: Text | None = None
    repair: Text | None = None
    safety: Text | None = None
    location: Text | None = None
    support: Text | None = None
    tenancy_status: Text | None = None
    affordability: Text | None = None
    young_person_view: OwnWords | None = None
    understanding_of_rights: Annotated[
        Text | None,
        Meta(description="How well the young person understands their rights and duties as a tenant."),
    ] = None


class NeedArea(Input, kw_only=True):
    """One pathway plan need area, assessed in three columns with scaling.

    Worries, what is working well, what needs to happen, the young person's view and the judgements are
    required before the plan is agreed. `accommodation_suitability` is only for the accommodation area.
    """

    area: NeedAreaKind
    worries: Annotated[list[NeedAreaStatement], Meta(max_length=FEW, description="Required before agreed.")] = []
    working_well: Annotated[list[NeedAreaStatement], Meta(max_length=FEW, description="Required before agreed.")] = []
    needs_to_happen: Annotated[
        list[Action],
        Meta(max_length=FEW, description="How the needs will be met and by whom. Required before agreed."),
    ] = []
    young_person_view: Annotated[OwnWords | None, Meta(description="Required before agreed.")] = None
    judgement_ids: Annotated[
        list[UUID],
        Meta(
            max_length=FEW,
            description=(
                "Scaling judgements of kind need_met (10 = all I need in this area is in place): the young "
                "person's own and the PA's. Required before agreed."
            ),
        ),
    ] = []
    accommodation_suitability: AccommodationSuitability | None = None

    def __post_init__(self) -> None:
        require(
            self.accommodation_suitability is None or self.area is NeedAreaKind.accommodation,
            "accommodation_suitability is only recorded for the accommodation area",
        )
        no_duplicates(self.judgement_ids, "judgement_ids")


class YoungPersonInvolvement(Input, kw_only=True):
    """Whether the young person took part in making the plan, and what they said."""

    attended: bool
    views: OwnWords | None = None


class StayingArrangement(enum.StrEnum):
    """Staying put (with former foster carers after 18) or staying close (near a former children's home)."""

    staying_put = "staying_put"
    staying_close = "staying_close"


class StayingPutOrClose(Input, kw_only=True):
    """A staying put or staying close arrangement and its dates."""

    arrangement: StayingArrangement
    from_: dt.date = msgspec.field(name="from")
    to: dt.date | None = None

    def __post_init__(self) -> None:
        check_order(self.from_, self.to, "staying put or close")


# BR-17 and the statutory definitions of each category, by age on effective_on.
_MIN_AGE = 16
_MAX_AGE_EXCLUSIVE = 25
_ADULT = 18
_FORMER_RELEVANT_21 = 21


class PathwayPlan(PlanBase, kw_only=True, tag="pathway"):
    """A care leaver's pathway plan (Children Act 1989 s23E; Care Leavers (England) Regulations 2010).

    Accepted only for a young person aged at least 16 and under 25 on `effective_on`, in category eligible,
    relevant or former relevant (`qualifying` is refused: those young people get advice, not a plan; BR-17).
    Eligible and relevant young people are 16 or 17; former relevant ones are 18 or over, and 21 or over
    for `former_relevant_21_to_25`. `next_review_by` is at most 6 months after `effective_on`.
    Before the plan is agreed every one of the ten statutory need areas must be present (checked by the
    API with `STATUTORY_NEED_AREAS`); each area appears at most once.
    """

    young_person_id: PersonRef
    young_person_date_of_birth: Annotated[
        dt.date,
        Meta(
            description=(
                "Carried on the plan so the age rule (BR-17) can be checked on the payload itself; it should "
                "match the young person's Person record."
            )
        ),
    ]
    category: PathwayCategory
    personal_adviser: PractitionerRef
    needs_assessment_id: UUID
    effective_on: dt.date
    next_review_by: Annotated[
        dt.date,
        Meta(description="At most 6 months after effective_on; sooner if the young person or PA asks."),
    ]
    young_person_involvement: Annotated[
        YoungPersonInvolvement | None,
        Meta(description="Required before agreed."),
    ] = None
    copy_given_and_explained_on: Annotated[dt.date | None, Meta(description="Required before agreed.")] = None
    need_areas: Annotated[
        list[NeedArea],
        Meta(max_length=len(NeedAreaKind), description="Each area at most once; all ten statutory ones before agreed."),
    ] = []
    contingency_plan: Annotated[
        Text | None,
        Meta(description="Statutory area 4, also kept here. Required before agreed."),
    ] = None
    staying_put_or_close: StayingPutOrClose | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        require(self.young_person_id in self.child_ids, "young_person_id must be one of child_ids")
        age = _age_on(self.young_person_date_of_birth, self.effective_on)
        require(
            _MIN_AGE <= age < _MAX_AGE_EXCLUSIVE,
            f"a pathway plan needs a young person aged 16 to 24 on effective_on; they are {age} (BR-17)",
        )
        if self.category in (PathwayCategory.eligible, PathwayCategory.relevant):
            require(age < _ADULT, f"an {self.category} young person is 16 or 17 on effective_on; they are {age}")
        elif self.category is PathwayCategory.former_relevant:
            require(age >= _ADULT, f"a former relevant young person is 18 or over on effective_on; they are {age}")
        else:
            require(
                age >= _FORMER_RELEVANT_21,
                f"former_relevant_21_to_25 is for young people aged 21 or over on effective_on; they are {age}",
            )
        check_order(self.effective_on, self.next_review_by, "pathway plan review")
        require(
            self.next_review_by <= _add_months(self.effective_on, 6),
            "next_review_by must be at most 6 months after effective_on (BR-17)",
        )
        no_duplicates([a.area.value for a in self.need_areas], "need_areas")


PlanCreate = EarlyHelpPlan | ChildInNeedPlan | ChildProtectionPlan | CarePlan | PlacementPlan | PathwayPlan
"""A statutory plan; `plan_type` says which kind."""


# --- plan records and lifecycle (3.4) -------------------------------------------------------------


class PlanStatus(enum.StrEnum):
    """Statutory plan lifecycle (domain 3.4). An agreed plan is never edited: edits make a new draft version."""

    draft = "draft"
    agreed = "agreed"
    under_review = "under_review"
    ended = "ended"


class PlanRecord(Output, kw_only=True):
    """A stored version of a statutory plan, with its server-driven status (domain 3.4).

    Only one version of a plan is `agreed` at a time; a new version points at the one it replaces. An ended
    plan has its `end_reason`; `end_reason` and `ended_on` are only set once the plan has ended.
    """

    id: UUID
    meta: RecordMeta
    status: PlanStatus
    end_reason: Annotated[Text | None, Meta(description="Set when the plan has ended.")] = None
    ended_on: dt.date | None = None
    referral_id: Annotated[
        UUID | None,
        Meta(
            description=(
                "BR-18: the front-door contact raised, in the same transaction, when the family withdrew consent to "
                "early help while worries the plan addresses were still active."
            )
        ),
    ] = None
    previous_version_id: UUID | None = None
    due_by: Annotated[
        dt.date | None,
        Meta(
            description=(
                "Placement plans: placement start + 5 working days (BR-15). Care plans: first placement + 10 "
                "working days. Empty for other kinds."
            )
        ),
    ] = None
    due_days_remaining: Annotated[
        DayCount | None,
        Meta(
            description=(
                "Working days from today (once agreed, from the day it was agreed) to due_by; negative when late. "
                "Worked out on read."
            )
        ),
    ] = None
    due_overdue: Annotated[
        bool | None,
        Meta(description="The plan was not agreed by due_by, or was agreed after it. Worked out on read."),
    ] = None
    agreed_on: Annotated[dt.date | None, Meta(description="The day the manager agreed this version.")] = None
    agreed_by: Annotated[
        PractitionerRef | None,
        Meta(description="The manager who agreed this version (from their token, never the body)."),
    ] = None
    next_review_on: Annotated[
        dt.date | None,
        Meta(
            description=(
                "While agreed: when the plan is next reviewed. Set on agreeing (review_schedule.next_on; "
                "pathway plans next_review_by) and moved by each review recorded. A care plan's reviews are the "
                "looked-after reviews of CPPCR 2010 reg 33, never later than it allows: the first within 20 working "
                "days of becoming looked after, the second within 3 months, then every 6 months."
            )
        ),
    ] = None
    review_days_remaining: Annotated[
        DayCount | None,
        Meta(description="Working days from today to next_review_on; negative when late. Worked out on read."),
    ] = None
    review_overdue: Annotated[
        bool | None,
        Meta(description="The review date has passed without a review recorded. Worked out on read."),
    ] = None
    plan: PlanCreate

    # Who may see the record is the plan's own classification (domain 4.2), read where every kind's is read.
    @property
    def visibility(self) -> Visibility:
        return self.plan.visibility

    @property
    def shared_with_agencies(self) -> bool:
        return self.plan.shared_with_agencies

    def __post_init__(self) -> None:
        ended = self.status is PlanStatus.ended
        require(not ended or self.end_reason is not None, "end_reason is required when status is ended")
        require(
            ended or (self.end_reason is None and self.ended_on is None),
            "end_reason and ended_on are only set when status is ended",
        )


class PlanAgreement(Input, kw_only=True):
    """The team manager's agreement to a draft plan (who agreed comes from their token).

    Send `{}` for a plan agreed today; `agreed_on` records one agreed earlier, e.g. at last week's conference, and
    is never in the future, nor before the version it revises was agreed or the conference a child protection plan
    follows was held.
    """

    agreed_on: Annotated[
        dt.date | None, Meta(description="The day the plan was agreed, when recorded afterwards; today when empty.")
    ] = None


class PlanEnd(Input, kw_only=True):
    """Ending a plan: an update with a date and reason, never a delete.

    Ending a CP plan needs an RCPC decision; a care plan ends only when the child stops being looked after;
    a pathway plan at 21/25 or when the young person declines further support (checked by the API).
    """

    ended_on: dt.date
    reason: Text
    closure_outcome: Annotated[
        EarlyHelpClosure | None, Meta(description="Early help plans only, and required for them.")
    ] = None
    support_declined: Annotated[
        bool,
        Meta(description="Pathway plans only: the young person has declined further support (say why in reason)."),
    ] = False


class StatutoryPlanReviewCreate(StatutoryPlanReview, kw_only=True):
    """A review held on an agreed plan, and when the next one is due.

    Without `next_review_on` the server moves the date by the plan's `review_schedule.rule` when it reads as
    "every N weeks" or "every N months" (pathway plans: 6 months). A pathway plan's next review is at most 6
    months after the review (BR-17).
    """

    next_review_on: Annotated[dt.date | None, Meta(description="When the next review is due.")] = None

    def __post_init__(self) -> None:
        check_order(self.held_on, self.next_review_on, "plan review")
