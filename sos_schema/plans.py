"""Safety plans, child-centred safety plans and words-and-pictures explanations (domain 2.12-2.14, 3.4).

A safety plan is the family's and network's own rules for everyday life that keep the child safe against
each danger statement. Its lifecycle is driven by the server (domain 3.4): a plan is drafted, agreed, tried
for a period, then sustained or reviewed. An agreed plan is never edited in place: changes create a new
version in `draft`, and rule ids persist across versions so check-ins can be followed over the whole trial.
Rules that need other records (every active danger covered, responsible people committed, BR-07/BR-08) are
for the server when the plan changes status; rules visible inside one payload are checked here.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from ._base import (
    FEW,
    INT4_MAX,
    SOME,
    Attribution,
    Input,
    Instant,
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
from .maps import DangerVersionRef
from .scaling import ScaleAnswer

__all__ = [
    "AgencyApproval",
    "Agreement",
    "AgreementMethod",
    "ChildPlanFormat",
    "ChildSafetyPlan",
    "ChildSafetyPlanCreate",
    "ImageOrigin",
    "Kept",
    "NetworkShowing",
    "Page",
    "ParentsPosition",
    "ParentsStance",
    "PlanAgreementCreate",
    "PlanCheckIn",
    "PlanCheckInCreate",
    "RuleStatus",
    "SafetyPlan",
    "SafetyPlanAgree",
    "SafetyPlanCreate",
    "SafetyPlanEnd",
    "SafetyPlanEndReason",
    "SafetyPlanKind",
    "SafetyPlanReview",
    "SafetyPlanStatus",
    "SafetyPlanTrialStart",
    "SafetyRuleCreate",
    "UnsafeStep",
    "WordsAndPictures",
    "WordsAndPicturesAgreement",
    "WordsAndPicturesCreate",
    "WordsAndPicturesPresent",
    "WordsAndPicturesPurpose",
    "WordsAndPicturesShare",
    "WordsAndPicturesStatus",
]


# --- enums ----------------------------------------------------------------------------------------


class SafetyPlanKind(enum.StrEnum):
    """`immediate` = short-term arrangements made at once while the full family safety plan is built."""

    immediate = "immediate"
    family_safety_plan = "family_safety_plan"


class SafetyPlanStatus(enum.StrEnum):
    """Where a safety plan version is in its lifecycle (domain 3.4). Set by the server, never by a client."""

    draft = "draft"
    agreed = "agreed"
    in_trial = "in_trial"
    sustained = "sustained"
    under_review = "under_review"
    ended = "ended"


class SafetyPlanEndReason(enum.StrEnum):
    """Why a safety plan ended."""

    goals_sustained = "goals_sustained"
    superseded = "superseded"
    broke_down = "broke_down"
    child_moved_to_alternative_care = "child_moved_to_alternative_care"
    family_withdrew = "family_withdrew"
    transferred = "transferred"


class RuleStatus(enum.StrEnum):
    """Whether a safety rule is in force. A removed rule stays in the record so check-ins keep their meaning."""

    active = "active"
    paused = "paused"
    removed = "removed"


class AgreementMethod(enum.StrEnum):
    """How a person agreed to the plan."""

    signed = "signed"
    verbal = "verbal"
    electronic = "electronic"


class Kept(enum.StrEnum):
    """Whether a safety rule was kept since the last check-in."""

    yes = "yes"
    partly = "partly"
    no = "no"


class ImageOrigin(enum.StrEnum):
    """Who made a picture in a words-and-pictures story or child-centred plan."""

    drawn_by_parent = "drawn_by_parent"
    drawn_by_worker = "drawn_by_worker"
    drawn_by_child = "drawn_by_child"
    stock = "stock"
    photo = "photo"


class ParentsStance(enum.StrEnum):
    """The parents' position on a words-and-pictures story."""

    agree = "agree"
    partly = "partly"
    disagree = "disagree"


class WordsAndPicturesPurpose(enum.StrEnum):
    """What a words-and-pictures story explains to the child."""

    why_we_are_involved = "why_we_are_involved"
    why_in_care = "why_in_care"
    what_happens_next = "what_happens_next"
    explain_safety_plan = "explain_safety_plan"


class WordsAndPicturesStatus(enum.StrEnum):
    """Where a words-and-pictures story is in its lifecycle. Set by the server from the actions taken."""

    draft = "draft"
    agreed_by_parents = "agreed_by_parents"
    agreed_by_agency = "agreed_by_agency"
    presented_to_child = "presented_to_child"
    shared_with_network = "shared_with_network"
    retired = "retired"


class ChildPlanFormat(enum.StrEnum):
    """How a child-centred safety plan is told to the child."""

    words_and_pictures = "words_and_pictures"
    safety_house = "safety_house"
    letter = "letter"
    audio_video = "audio_video"
    other = "other"


# --- safety plan (2.12) ---------------------------------------------------------------------------


class UnsafeStep(Input, kw_only=True):
    """One thing the child can do if they feel unsafe, and who they can go to."""

    step: Annotated[Text, Meta(examples=["Go next door to Auntie Sam's and tell her."])]
    contact: Annotated[PersonRef | None, Meta(description="The person the child goes to or calls.")] = None


class Agreement(Input, kw_only=True):
    """A person's agreement to a safety plan version: parents, each network member with a role, the agency."""

    person_id: PersonRef
    role: Annotated[
        ShortText,
        Meta(description="The part they play in the plan.", examples=["mum", "overnight carer", "social worker"]),
    ]
    on: dt.date
    method: AgreementMethod


class AgencyApproval(Input, kw_only=True):
    """The team manager's agreement to the plan for the agency, taken from their token: the practitioner they
    are (when the token names one) and the user who signed."""

    by: Annotated[PractitionerRef | None, Meta(description="The manager, when their token names them.")] = None
    user: Annotated[UserRef | None, Meta(description="The user who agreed (the token's subject).")] = None
    on: dt.date


class SafetyRuleCreate(Input, kw_only=True):
    """One rule of the safety plan: what will happen, in the family's words, and who makes sure it does.

    Send `id` to carry a rule over from the previous plan version so its check-ins stay linked; leave it
    empty for a new rule and the server assigns one (always set in responses). Each person in
    `responsible` must be a parent/carer or a network member whose commitment is `agreed` and who knows
    the danger statements (BR-07, checked by the API).
    """

    id: Annotated[UUID | None, Meta(description="Stable rule id across plan versions; empty for a new rule.")] = None
    text: Annotated[
        Text,
        Meta(
            description="What will happen, in the family's words.",
            examples=["Grandma Rose stays overnight whenever Dad has been drinking."],
        ),
    ]
    danger_id: Annotated[UUID, Meta(description="The danger statement (2.8) this rule protects against.")]
    applies_when: Annotated[
        Text | None,
        Meta(description="The trigger or situation.", examples=["after Dad has been drinking", "bedtime"]),
    ] = None
    responsible: Annotated[
        list[PersonRef],
        Meta(min_length=1, max_length=FEW, description="Who makes this rule happen (at least one)."),
    ]
    backup: Annotated[
        PersonRef | None, Meta(description="Who steps in if the responsible people cannot; not one of them.")
    ] = None
    how_checked: Annotated[
        Text | None, Meta(description="How anyone will know the rule is kept. Required before agreed.")
    ] = None
    checked_by: Annotated[PersonRef | None, Meta(description="Who checks the rule. Required before agreed.")] = None
    child_knows: Annotated[bool | None, Meta(description="Whether the child has been told about this rule.")] = None
    status: RuleStatus = RuleStatus.active

    def __post_init__(self) -> None:
        no_duplicates(self.responsible, "responsible")
        require(self.backup not in self.responsible, "backup must be someone other than the responsible people")


class SafetyPlanCreate(Shareable, kw_only=True):
    """A safety plan version as the practitioner drafts it with the family and network (domain 2.12).

    Fields marked "required before agreed" may be empty in a draft; BR-07 says a plan is agreed only once
    they are filled and every active danger of the children is covered by a rule (a rule across records, not
    checked on this payload). `status`,
    `end_reason` and the link to the child-centred version are set by the server (domain 3.4).
    """

    child_ids: Annotated[list[PersonRef], Meta(min_length=1, max_length=FEW)]
    kind: SafetyPlanKind
    danger_ids: Annotated[
        list[UUID],
        Meta(max_length=FEW, description="Danger statements (2.8) the plan covers. At least one before agreed."),
    ] = []
    bottom_lines: Annotated[
        list[Text],
        Meta(max_length=FEW, description="The agency's non-negotiables, shown to the family."),
    ] = []
    rules: Annotated[
        list[SafetyRuleCreate],
        Meta(max_length=SOME, description="At least one per covered danger before agreed."),
    ] = []
    if_child_feels_unsafe: Annotated[
        list[UnsafeStep],
        Meta(
            max_length=FEW,
            description="What the child can do if they feel unsafe. Required before agreed when a child is old "
            "enough to act on it (council age rule [VBC]).",
        ),
    ] = []
    if_plan_not_followed: Annotated[
        Text | None,
        Meta(
            description="Who notices, who they tell and what happens next, including out of hours. "
            "Required before agreed."
        ),
    ] = None
    monitoring: Annotated[
        Text | None,
        Meta(description="How the network and professionals will know the rules are kept. Required before agreed."),
    ] = None
    review_on: Annotated[dt.date | None, Meta(description="Required before agreed.")] = None
    trial_ends_on: Annotated[
        dt.date | None,
        Meta(description="End of the trial period; required before the trial starts (from the goals' sustain_for)."),
    ] = None
    check_in_every_days: Annotated[
        Annotated[int, Meta(ge=1, le=92)] | None,
        Meta(
            description="How often, in days, the rules are checked during the trial: every period of this length "
            "needs a check-in before the plan can be sustained (BR-08). Required before the trial starts.",
            examples=[14],
        ),
    ] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates(self.child_ids, "child_ids")
        no_duplicates(self.danger_ids, "danger_ids")
        no_duplicates([r.id for r in self.rules if r.id is not None], "rules (by id)")
        if self.danger_ids:
            covered = set(self.danger_ids)
            require(
                all(r.danger_id in covered for r in self.rules),
                "every rule's danger_id must be one of the plan's danger_ids",
            )


class SafetyPlan(SafetyPlanCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored safety plan version. Agreed versions are read-only; changes create a new draft version.

    Agreements and the agency's approval are recorded by the people themselves through the plan's actions, never
    sent in the plan's body: each is to this version, so a draft that changes loses the agreements given to it.
    """

    id: UUID
    meta: RecordMeta
    status: SafetyPlanStatus
    end_reason: SafetyPlanEndReason | None = None
    end_note: Text | None = None
    child_version_id: Annotated[UUID | None, Meta(description="The child-centred safety plan (2.13).")] = None
    previous_version_id: Annotated[UUID | None, Meta(description="The version this one replaces.")] = None
    agreements: Annotated[
        list[Agreement],
        Meta(max_length=SOME, description="Parents, each responsible network member and the agency (BR-07)."),
    ] = []
    agency_approval: Annotated[
        AgencyApproval | None, Meta(description="The team manager's agreement (domain 4.1), from their token.")
    ] = None
    agreed_at: Instant | None = None
    agreed_dangers: Annotated[
        list[DangerVersionRef],
        Meta(max_length=FEW, description="The danger statements covered, at the versions the plan was agreed on."),
    ] = []
    trial_started_on: dt.date | None = None
    review_reason: Annotated[Text | None, Meta(description="Why the plan went under review.")] = None
    stale: Annotated[
        bool,
        Meta(
            description="Worked out on reading: a danger statement the plan was agreed on has changed since, or a "
            "new active danger about its children has been recorded (BR-09). Review the plan."
        ),
    ] = False
    stale_dangers: Annotated[
        list[UUID], Meta(max_length=SOME, description="The danger statements that make the plan stale.")
    ] = []

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates([a.person_id for a in self.agreements], "agreements")
        ended = self.status is SafetyPlanStatus.ended
        require(ended or self.end_reason is None, "end_reason is only set when status is ended")
        require(not ended or self.end_reason is not None, "end_reason is required when status is ended")
        if self.status in (SafetyPlanStatus.in_trial, SafetyPlanStatus.sustained):
            require(self.trial_ends_on is not None, "trial_ends_on is required once the plan is in trial")


class PlanAgreementCreate(Input, kw_only=True):
    """A person's agreement to a draft safety plan version (BR-07).

    A parent, family or network member agrees as themselves: `person_id` is taken from their token. A worker
    recording an agreement given on paper or in a meeting names the person."""

    person_id: Annotated[PersonRef | None, Meta(description="Who agreed; leave empty when agreeing as yourself.")] = (
        None
    )
    role: Annotated[
        ShortText,
        Meta(description="The part they play in the plan.", examples=["mum", "overnight carer"]),
    ]
    on: Annotated[dt.date | None, Meta(description="When they agreed; today when empty.")] = None
    method: AgreementMethod


class SafetyPlanAgree(Input, kw_only=True):
    """The team manager's agreement to a safety plan version (domain 4.1): who agreed comes from the token."""

    on: Annotated[dt.date | None, Meta(description="When it was agreed (a meeting's date); today when empty.")] = None
    note: Text | None = None


class SafetyPlanTrialStart(Input, kw_only=True):
    """The start of an agreed plan's trial period (BR-08). Dates and cadence sent here replace the plan's."""

    started_on: Annotated[dt.date | None, Meta(description="Today when empty.")] = None
    trial_ends_on: Annotated[
        dt.date | None, Meta(description="Else the plan's, else after the longest sustain_for of its goals.")
    ] = None
    check_in_every_days: Annotated[int, Meta(ge=1, le=92)] | None = None


class SafetyPlanReview(Input, kw_only=True):
    """Puts a plan under review (a rule was broken, the plan is failing, or the review date came)."""

    reason: Text


class SafetyPlanEnd(Input, kw_only=True):
    """A request to end a safety plan, from any state, with the reason (domain 3.4)."""

    end_reason: SafetyPlanEndReason
    note: Text | None = None


class PlanCheckInCreate(Shareable, kw_only=True):
    """Whether one rule was kept, as reported while the plan is tried (append-only, domain 3.6).

    To correct a check-in, record a new one whose `corrects` names the old one.
    """

    on: dt.date
    reporter: Attribution
    rule_id: UUID
    kept: Kept
    note: Text | None = None
    judgement: Annotated[
        ScaleAnswer | None, Meta(description="The reporter's number on the plan's safety scale, if asked.")
    ] = None
    action_taken: Text | None = None
    corrects: Annotated[UUID | None, Meta(description="Id of the check-in this one corrects.")] = None


class PlanCheckIn(PlanCheckInCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored check-in. Never edited."""

    id: UUID
    plan_id: UUID
    recorded_at: Instant
    meta: RecordMeta


# --- pages (shared by 2.13 and 2.14) --------------------------------------------------------------

PageText = Annotated[str, Meta(min_length=1, max_length=400, description="The words on the page, 400 at most.")]
AltText = Annotated[
    str,
    Meta(min_length=1, max_length=400, description="What the picture shows, for screen readers (BR-12)."),
]


class Page(Input, kw_only=True):
    """One page of a words-and-pictures story or child-centred plan. Alt text is always required (BR-12)."""

    number: Annotated[int, Meta(ge=1, le=SOME, description="Page number, contiguous from 1.")]
    text: Annotated[PageText, Meta(examples=["Mum and Dad love Amira very much."])]
    image_id: Annotated[UUID | None, Meta(description="The picture (Media id).")] = None
    alt_text: AltText
    image_origin: ImageOrigin | None = None


def _check_pages(pages: list[Page]) -> None:
    require(
        [p.number for p in pages] == list(range(1, len(pages) + 1)),
        "pages must be numbered 1, 2, 3... in order with no gaps",
    )


# --- words and pictures (2.14) --------------------------------------------------------------------


class ParentsPosition(Input, kw_only=True):
    """Whether the parents agree with the story. Disagreement may be told in the story itself."""

    position: ParentsStance
    note: Text | None = None


class NetworkShowing(Input, kw_only=True):
    """A network member who was shown the story, and when (updates their has_seen_words_and_pictures)."""

    person_id: PersonRef
    on: dt.date


class WordsAndPicturesCreate(Shareable, kw_only=True):
    """A words-and-pictures story explaining to a child why professionals are involved (domain 2.14).

    Written with the parents (primary authors) and the worker. Pages are numbered 1, 2, 3... in order.
    """

    child_ids: Annotated[list[PersonRef], Meta(min_length=1, max_length=FEW)]
    purpose: WordsAndPicturesPurpose
    authors: Annotated[
        list[PersonRef], Meta(min_length=1, max_length=FEW, description="Parents (primary) and the worker.")
    ]
    pages: Annotated[list[Page], Meta(min_length=1, max_length=SOME)]
    parents_position: Annotated[
        ParentsPosition | None, Meta(description="Required before the agency agrees the story.")
    ] = None
    danger_ids: Annotated[list[UUID], Meta(max_length=FEW)] = []
    safety_plan_id: Annotated[
        UUID | None,
        Meta(description="The safety plan (2.12) the story explains: required for, and only for, explain_safety_plan."),
    ] = None
    safety_plan_version: Annotated[
        Annotated[int, Meta(ge=1, le=INT4_MAX)] | None,
        Meta(description="The version of that plan the story was made from."),
    ] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates(self.child_ids, "child_ids")
        no_duplicates(self.authors, "authors")
        no_duplicates(self.danger_ids, "danger_ids")
        _check_pages(self.pages)
        explains_plan = self.purpose is WordsAndPicturesPurpose.explain_safety_plan
        require(
            explains_plan is (self.safety_plan_id is not None),
            "safety_plan_id is required for, and only for, purpose explain_safety_plan",
        )
        require(
            (self.safety_plan_id is None) is (self.safety_plan_version is None),
            "safety_plan_id and safety_plan_version are sent together",
        )


class WordsAndPicturesPresent(Input, kw_only=True):
    """Records that the story was told to the child. The presented version is frozen (BR-12)."""

    presented_on: dt.date
    presented_by: Annotated[list[PersonRef], Meta(min_length=1, max_length=FEW)]
    child_reaction: Annotated[OwnWords | None, Meta(description="What the child said, in their own words.")] = None

    def __post_init__(self) -> None:
        no_duplicates(self.presented_by, "presented_by")


class WordsAndPicturesShare(Input, kw_only=True):
    """Records the network members the presented story was shown to, and when."""

    shown_to: Annotated[list[NetworkShowing], Meta(min_length=1, max_length=FEW)]

    def __post_init__(self) -> None:
        no_duplicates([s.person_id for s in self.shown_to], "shown_to")


class WordsAndPicturesAgreement(Output, kw_only=True):
    """One agreement to a story as its words then stood, recorded by the person agreeing (from their token)."""

    by: UserRef
    person_id: Annotated[PersonRef | None, Meta(description="Their Person record, when their token names one.")] = None
    at: Instant


class WordsAndPictures(WordsAndPicturesCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored words-and-pictures story. Once presented to the child it is read-only (BR-12): a change is a new
    draft (`previous_version_id`); the presented record only gains the network showings and its retirement.
    Agreements are to the words as they stood: a draft whose words change loses them."""

    id: UUID
    meta: RecordMeta
    status: WordsAndPicturesStatus
    parents_agreements: Annotated[
        list[WordsAndPicturesAgreement], Meta(max_length=FEW, description="Each parent or author who agreed.")
    ] = []
    agency_agreement: Annotated[
        WordsAndPicturesAgreement | None, Meta(description="The team manager's agreement (domain 4.1).")
    ] = None
    presented_on: dt.date | None = None
    presented_by: Annotated[list[PersonRef], Meta(max_length=FEW)] = []
    child_reaction: OwnWords | None = None
    shown_to_network: Annotated[list[NetworkShowing], Meta(max_length=SOME)] = []
    stale: Annotated[
        bool, Meta(description="A newer safety plan version changed the rules this story explains (BR-09).")
    ] = False
    previous_version_id: UUID | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.status is WordsAndPicturesStatus.presented_to_child:
            require(
                self.presented_on is not None and len(self.presented_by) >= 1,
                "presented_on and presented_by are required when status is presented_to_child",
            )


# --- child-centred safety plan (2.13) -------------------------------------------------------------


class ChildSafetyPlanCreate(Shareable, kw_only=True):
    """The safety plan re-told for one child, in language and pictures that fit their age (domain 2.13).

    Fields marked "required before agreed" may be empty while it is being made.
    """

    source_plan_id: Annotated[UUID, Meta(description="The safety plan (2.12) this re-tells.")]
    source_plan_version: Annotated[
        int, Meta(ge=1, le=INT4_MAX, description="The version of that plan it was made from.")
    ]
    child_id: PersonRef
    format: ChildPlanFormat
    pages: Annotated[list[Page], Meta(min_length=1, max_length=SOME)]
    who_looks_after_me: Annotated[Text | None, Meta(description="Required before agreed.")] = None
    what_grown_ups_will_do: Annotated[
        Text | None, Meta(description="The rules re-told for the child. Required before agreed.")
    ] = None
    what_i_can_do_if_not_safe: Annotated[
        Text | None, Meta(description="Who to tell, where to go, how. Required before agreed.")
    ] = None
    my_safe_people: Annotated[
        list[PersonRef], Meta(max_length=FEW, description="Chosen with the child. Required before agreed.")
    ] = []
    explained_on: dt.date | None = None
    explained_by: Annotated[
        list[PersonRef],
        Meta(max_length=FEW, description="Ideally the parents with the worker. Required when explained_on is set."),
    ] = []
    child_response: Annotated[OwnWords | None, Meta(description="What the child said, in their own words.")] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates(self.my_safe_people, "my_safe_people")
        no_duplicates(self.explained_by, "explained_by")
        _check_pages(self.pages)
        require(
            self.explained_on is None or len(self.explained_by) >= 1,
            "explained_by is required when explained_on is set",
        )
        require(
            self.explained_on is not None or not self.explained_by,
            "explained_on is required when explained_by is set",
        )


class ChildSafetyPlan(ChildSafetyPlanCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored child-centred safety plan."""

    id: UUID
    meta: RecordMeta
    stale: Annotated[bool, Meta(description="The source plan's rules changed in a newer agreed version (BR-09).")] = (
        False
    )
