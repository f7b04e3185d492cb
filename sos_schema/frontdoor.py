"""The front door: contacts and referrals about a child, and the manager's decision on each (domain 2.6).

A referral records the referrer's answers to the Signs of Safety front-door questions: what are you
worried about, what is working well, what needs to happen, and where they are on a 0-10 scale. A manager
decides within 1 working day of receipt (BR-19, [STAT] Working Together); the server computes
`decision_due_by`. The decision is recorded separately with `ReferralDecisionCreate`, so a referral
never holds half a decision.
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
    AgencyType,
    DayCount,
    Input,
    Instant,
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
    no_duplicates,
    require,
)
from .people import ContactDetail
from .scaling import ScaleAnswer

__all__ = [
    "AgencyInvolved",
    "ChildSeenOrHeard",
    "RagRating",
    "Referral",
    "ReferralChannel",
    "ReferralConsent",
    "ReferralCreate",
    "ReferralDecision",
    "ReferralDecisionCreate",
    "ReferralSource",
    "Referrer",
    "ReferrerType",
]


class ReferralChannel(enum.StrEnum):
    """How the contact reached the front door."""

    phone = "phone"
    email = "email"
    online_form = "online_form"
    in_person = "in_person"
    police_notification = "police_notification"
    operation_encompass = "operation_encompass"
    other = "other"


class ReferrerType(enum.StrEnum):
    """Who made the referral; mapped to DfE referral-source codes in interop.md."""

    public = "public"
    family_member = "family_member"
    child_self = "child_self"
    school = "school"
    early_years = "early_years"
    health_visitor = "health_visitor"
    school_nurse = "school_nurse"
    gp = "gp"
    hospital = "hospital"
    midwife = "midwife"
    camhs = "camhs"
    police = "police"
    probation = "probation"
    housing = "housing"
    la_service = "la_service"
    voluntary = "voluntary"
    anonymous = "anonymous"
    other = "other"


# Referrers who act for an organisation: we need to know which, to tell them the outcome.
_PROFESSIONAL_REFERRERS = frozenset(
    {
        ReferrerType.school,
        ReferrerType.early_years,
        ReferrerType.health_visitor,
        ReferrerType.school_nurse,
        ReferrerType.gp,
        ReferrerType.hospital,
        ReferrerType.midwife,
        ReferrerType.camhs,
        ReferrerType.police,
        ReferrerType.probation,
        ReferrerType.housing,
        ReferrerType.la_service,
        ReferrerType.voluntary,
    }
)


class Referrer(Input, kw_only=True):
    """The person who made the referral.

    An anonymous referrer has no name or contact; anyone else gives a name. Professional referrers (school,
    health, police, council services, voluntary sector) also give their organisation.
    """

    type: ReferrerType
    name: Name | None = None
    organisation: ShortText | None = None
    contact: ContactDetail | None = None
    relationship_to_child: Annotated[
        ShortText | None,
        Meta(description="How the referrer knows the child.", examples=["class teacher", "neighbour"]),
    ] = None

    def __post_init__(self) -> None:
        if self.type is ReferrerType.anonymous:
            require(
                self.name is None and self.contact is None,
                "an anonymous referrer has no name or contact",
            )
        else:
            require(self.name is not None, "name is required unless the referrer is anonymous")
        if self.type in _PROFESSIONAL_REFERRERS:
            require(self.organisation is not None, "organisation is required for a professional referrer")


class ReferralConsent(enum.StrEnum):
    """Whether the family consented to the referral (BR-19: consent not sought needs a reason)."""

    given = "given"
    refused = "refused"
    not_sought_safeguarding_risk = "not_sought_safeguarding_risk"
    not_applicable = "not_applicable"


class ReferralDecision(enum.StrEnum):
    """What the front door decided to do."""

    nfa_advice_given = "nfa_advice_given"
    signpost_universal = "signpost_universal"
    early_help = "early_help"
    child_and_family_assessment = "child_and_family_assessment"
    strategy_discussion = "strategy_discussion"
    immediate_protection = "immediate_protection"
    pass_to_allocated_worker = "pass_to_allocated_worker"


class RagRating(enum.StrEnum):
    """Red / amber / green urgency rating used by some councils' front doors [VBC]."""

    red = "red"
    amber = "amber"
    green = "green"


class ChildSeenOrHeard(Input, kw_only=True):
    """Whether the referrer saw or heard from the child, and what the child said, word for word."""

    seen_or_heard: bool
    child_words: Annotated[
        OwnWords | None,
        Meta(description="The child's own words, verbatim; only when the child was seen or heard."),
    ] = None

    def __post_init__(self) -> None:
        require(self.seen_or_heard or self.child_words is None, "child_words needs seen_or_heard to be true")


class AgencyInvolved(Input, kw_only=True):
    """Another agency already working with the child or family."""

    agency: Annotated[ShortText, Meta(examples=["Riverside Primary School"])]
    agency_type: AgencyType | None = None
    contact: ContactDetail | None = None


class ReferralCreate(Shareable, kw_only=True):
    """A contact or referral about one or more children (domain 2.6).

    Record the referrer's answers in their words: what happened, what they fear might happen, what is
    working well ("not known" is an answer), what needs to happen, and their 0-10 safety scale.
    `worried_what_might_happen`, `working_well`, `what_needs_to_happen` and `referrer_scale` are required
    before the referral is decided. `consent_note` is required unless consent was given (BR-19).
    `immediate_danger` true sends the referral down the immediate protection route and alerts a manager.
    """

    received_at: Annotated[Instant, Meta(description="When the contact arrived; starts the 1-working-day clock.")]
    channel: ReferralChannel
    referrer: Referrer
    subjects: Annotated[
        list[PersonRef],
        Meta(min_length=1, max_length=FEW, description="The children the referral is about, unborn included."),
    ]
    household_members: Annotated[
        list[PersonRef],
        Meta(max_length=FEW, description="Other people in the household, listed separately from the children."),
    ] = []
    parents_aware: Annotated[bool, Meta(description="Whether the parents know about the referral.")]
    consent: ReferralConsent
    consent_note: Annotated[
        Text | None,
        Meta(description="Why consent was not given or not sought; required unless consent is given."),
    ] = None
    worried_what_happened: Annotated[
        LongText,
        Meta(description="What happened, when, who was involved, and the effect on the child (question 1)."),
    ]
    worried_what_might_happen: Annotated[
        Text | None,
        Meta(description="What the referrer fears if nothing changes; required before the referral is decided."),
    ] = None
    complicating_factors: Text | None = None
    working_well: Annotated[
        Text | None,
        Meta(
            description=(
                "What is working well (question 2); must be asked, 'not known' is an answer; "
                "required before the referral is decided."
            )
        ),
    ] = None
    existing_safety: Annotated[Text | None, Meta(description="Who has protected the child, and how.")] = None
    what_needs_to_happen: Annotated[
        Text | None,
        Meta(
            description=(
                "What the referrer needs to see to feel the child is safe (question 3); "
                "required before the referral is decided."
            )
        ),
    ] = None
    grey_areas: Annotated[Text | None, Meta(description="What is not known or is disputed.")] = None
    referrer_scale: Annotated[
        ScaleAnswer | None,
        Meta(description="The referrer's 0-10 safety scale with its anchors (question 4); required before decision."),
    ] = None
    child_seen_or_heard: ChildSeenOrHeard | None = None
    immediate_danger: bool
    agencies_involved: Annotated[list[AgencyInvolved], Meta(max_length=SOME)] = []
    case_id: Annotated[
        UUID | None,
        Meta(
            description=(
                "The open case the children already have, when the contact is about a case the council is working "
                "(a step up from early help, a new worry on an allocated case): the referral is then seen with that "
                "case rather than in the front-door pool, and its decision stays with that case."
            )
        ),
    ] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        require(
            self.consent is ReferralConsent.given or self.consent_note is not None,
            "consent_note is required unless consent is given",
        )
        no_duplicates(self.subjects, "subjects")
        no_duplicates(self.household_members, "household_members")
        require(
            not set(self.subjects) & set(self.household_members),
            "a child in subjects is not also listed in household_members",
        )


# Decisions that close the contact at the front door; any other decision accepts it into a case.
NOT_ACCEPTED = frozenset({ReferralDecision.nfa_advice_given, ReferralDecision.signpost_universal})


class ReferralDecisionCreate(Input, kw_only=True):
    """A manager's decision on a referral, with the reason (BR-19). Who decided and when come from the token and
    the server's clock, never from the body.

    A decision other than `nfa_advice_given` or `signpost_universal` accepts the referral into a case: name an open
    case of the council that has the referral's children (`case_id`), or give `family_label` to open a new case
    for them (unallocated, so it lands in the triage pool). A referral already linked to a case stays with it.
    Due 1 working day after the referral was received; a late decision is accepted and shows as overdue.
    """

    decision: ReferralDecision
    decision_rationale: Annotated[Text, Meta(description="Why the manager decided this (BR-19).")]
    rag_rating: RagRating | None = None
    case_id: Annotated[UUID | None, Meta(description="The open case to accept the referral into.")] = None
    family_label: Annotated[
        ShortText | None,
        Meta(description="Label of the new case opened for the referral's children.", examples=["Khan family"]),
    ] = None

    def __post_init__(self) -> None:
        require(
            self.case_id is None or self.family_label is None,
            "give case_id (an existing case) or family_label (a new case), not both",
        )
        require(
            self.decision not in NOT_ACCEPTED or (self.case_id is None and self.family_label is None),
            "a decision of no further action or signposting opens or links no case",
        )


class ReferralSource(Output, kw_only=True):
    """The record whose change raised a contact the system recorded by itself, and the rule that made it (BR-18:
    consent to early help withdrawn while the plan's worries were still active)."""

    rule: Annotated[str, Meta(pattern=r"^BR-[0-9]{2}$", examples=["BR-18"])]
    kind: Annotated[str, Meta(min_length=1, max_length=40, examples=["statutory_plan"])]
    record_id: UUID
    record_version: Annotated[int, Meta(ge=1, le=1_000_000)]


class Referral(ReferralCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored referral, with its decision once made.

    `decision`, `decided_by_user`, `decided_at` and `decision_rationale` are all present or all empty.
    `decision_days_remaining` and `decision_overdue` are worked out on every read, never stored.
    """

    id: UUID
    meta: RecordMeta
    decision_due_by: Annotated[
        dt.date,
        Meta(
            description=(
                "The working day the decision is due: 1 working day after the day received_at falls on in England, "
                "England and Wales bank holidays excluded [STAT]."
            )
        ),
    ]
    decision_days_remaining: Annotated[
        DayCount | None,
        Meta(
            description=(
                "Working days from today (or, once decided, from the day of the decision) to decision_due_by; "
                "negative when late. Worked out on read."
            )
        ),
    ] = None
    decision_overdue: Annotated[
        bool | None,
        Meta(description="The decision is late: not made by decision_due_by, or made after it. Worked out on read."),
    ] = None
    re_referral: Annotated[
        bool,
        Meta(description="A child of this referral was referred before in the 12 months before it (DfE measure)."),
    ] = False
    previous_referral_ids: Annotated[
        list[UUID],
        Meta(max_length=SOME, description="The earlier referrals within 12 months about the same children."),
    ] = []
    decision: ReferralDecision | None = None
    decision_by: Annotated[
        PractitionerRef | None, Meta(description="The manager who decided, when their token names them.")
    ] = None
    decided_by_user: Annotated[UserRef | None, Meta(description="The user who decided (the token's subject).")] = None
    decided_at: Instant | None = None
    decision_rationale: Text | None = None
    rag_rating: RagRating | None = None
    referrer_informed_at: Annotated[
        Instant | None,
        Meta(description="When the referrer was told the outcome (professional referrers should be)."),
    ] = None
    raised_by: Annotated[
        ReferralSource | None,
        Meta(description="Set when the system raised the contact itself: the record and rule that raised it."),
    ] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        parts = (self.decision, self.decided_by_user, self.decided_at, self.decision_rationale)
        require(
            all(p is None for p in parts) or all(p is not None for p in parts),
            "decision, decided_by_user, decided_at and decision_rationale go together: all or none",
        )
