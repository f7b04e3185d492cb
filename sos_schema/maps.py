"""The assessment map, its entries, and the danger statement / safety goal pairs it scales (domain 2.7, 2.8, 3.3).

A map is the one-page record built in conversation with the family: what we are worried about, what is
working well, what needs to happen, and a 0-10 judgement. Entries are a tagged union on `category`, so each
kind carries exactly the fields it needs (BR-06) and a JSON Schema validator enforces them.

Framing changes words, never shapes: under `wellbeing` framing (early help, Signs of Wellbeing) a danger
statement is shown as a "worry statement" and a safety goal as a "wellbeing goal"; under `success` framing
(children in care, care leavers) the map asks what helps the young person succeed.

Versions (domain 3.3): finalising a `draft` makes it `current` and the previous `current` map `superseded`;
a finalised map is read-only and any change is a new version (`previous_map_id`). Danger statement, safety
goal and entry ids persist across versions so judgements can be charted per danger over the life of a case.
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
    MANY,
    SOME,
    AgencyType,
    Attribution,
    Input,
    Instant,
    IsoDuration,
    LongText,
    Order,
    Output,
    OwnWords,
    PersonRef,
    PractitionerRef,
    RecordMeta,
    Shareable,
    ShortText,
    Text,
    UserRef,
    check_order,
    no_duplicates,
    require,
)
from .scaling import ScalingQuestionCreate

__all__ = [
    "AssessmentMap",
    "AssessmentMapCreate",
    "ComplicatingFactorEntry",
    "DangerStatement",
    "DangerStatementCreate",
    "DangerStatus",
    "DangerVersionRef",
    "ExistingSafetyEntry",
    "ExistingStrengthEntry",
    "FamilyGoal",
    "FamilyPosition",
    "GoalHolder",
    "GreyAreaEntry",
    "HarmEntry",
    "MapContext",
    "MapEntry",
    "MapEntryCategory",
    "MapFinalise",
    "MapFraming",
    "MapStatus",
    "NextStepEntry",
    "Participant",
    "SafetyGoal",
    "SafetyGoalCreate",
    "Severity",
    "StepStatus",
    "When",
    "WhoIsWorried",
]


# --- enums ----------------------------------------------------------------------------------------


class MapContext(enum.StrEnum):
    """Where the map was made. Decides, for example, whether danger statements are needed before `current`."""

    front_door = "front_door"
    assessment = "assessment"
    strategy = "strategy"
    conference = "conference"
    core_group = "core_group"
    cin_review = "cin_review"
    early_help = "early_help"
    lac_review = "lac_review"
    pathway = "pathway"
    supervision = "supervision"
    group_supervision = "group_supervision"
    court = "court"
    network_meeting = "network_meeting"


class MapFraming(enum.StrEnum):
    """Which wording the map uses. Labels only: `wellbeing` says worry statement / wellbeing goal."""

    safety = "safety"
    wellbeing = "wellbeing"
    success = "success"


class MapStatus(enum.StrEnum):
    """Map lifecycle (domain 3.3). Only `draft` maps can be edited."""

    draft = "draft"
    current = "current"
    superseded = "superseded"
    withdrawn = "withdrawn"


class MapEntryCategory(enum.StrEnum):
    """The analysis category of a map entry; it decides the column.

    Column 1 (worried about): harm, complicating_factor. Column 2 (working well): existing_strength,
    existing_safety. Column 3 (needs to happen): next_step. grey_area sits where the council's template puts it.
    """

    harm = "harm"
    complicating_factor = "complicating_factor"
    existing_strength = "existing_strength"
    existing_safety = "existing_safety"
    grey_area = "grey_area"
    next_step = "next_step"


class Severity(enum.StrEnum):
    """How serious a past harm was, where the council uses a harm matrix."""

    low = "low"
    moderate = "moderate"
    serious = "serious"
    critical = "critical"


class StepStatus(enum.StrEnum):
    """Progress of a next step."""

    planned = "planned"
    done = "done"
    not_done = "not_done"
    dropped = "dropped"


class FamilyPosition(enum.StrEnum):
    """Whether the family agrees with a danger (worry) statement."""

    agrees = "agrees"
    partly_agrees = "partly_agrees"
    disagrees = "disagrees"
    not_yet_discussed = "not_yet_discussed"


class DangerStatus(enum.StrEnum):
    """Lifecycle of a danger (worry) statement; `withdrawn` needs a reason."""

    active = "active"
    achieved = "achieved"
    withdrawn = "withdrawn"


class GoalHolder(enum.StrEnum):
    """Whose goal a safety (wellbeing) goal is."""

    agency = "agency"
    family = "family"
    shared = "shared"


# --- map entries (2.7) ----------------------------------------------------------------------------


class When(Input, kw_only=True):
    """When something happened: a single date or a period, and whether it keeps happening.

    Give either `date`, or `start` (with `end` once it stopped), not both.
    """

    date: dt.date | None = None
    start: dt.date | None = None
    end: Annotated[dt.date | None, Meta(description="Empty while it continues.")] = None
    recurring: Annotated[bool, Meta(description="True when it has happened more than once.")] = False
    frequency: Annotated[
        ShortText | None,
        Meta(description="How often, in plain words.", examples=["most weekends", "twice a month"]),
    ] = None

    def __post_init__(self) -> None:
        require(self.date is not None or self.start is not None, "when needs a date or a period start")
        require(self.date is None or self.start is None, "when takes either a date or a period, not both")
        require(self.end is None or self.start is not None, "a period end needs a period start")
        check_order(self.start, self.end, "when")


ChildIds = Annotated[
    list[PersonRef],
    Meta(max_length=FEW, description="Children on the map this is about; empty means all of them."),
]


class MapEntryBase(Input, kw_only=True, tag_field="category"):
    """Fields every map entry has. Not sent on its own: send one of the `MapEntry` kinds."""

    id: Annotated[
        UUID | None,
        Meta(description="Entry id. Optional on create; the server fills it and keeps it across map versions."),
    ] = None
    text: Annotated[
        Text,
        Meta(description="Behavioural and specific: what was done or seen, not a diagnostic label on its own."),
    ]
    perspective: Annotated[Attribution, Meta(description="Whose view this entry is (BR-05).")]
    child_ids: ChildIds = []
    order: Order

    def __post_init__(self) -> None:
        no_duplicates(self.child_ids, "child_ids")


class HarmEntry(MapEntryBase, kw_only=True, tag="harm"):
    """Past harm: what a carer did or failed to do, when, and its effect on the child (BR-06)."""

    when: When
    impact_on_child: Annotated[Text, Meta(description="The effect the harm had on the child.")]
    severity: Annotated[Severity | None, Meta(description="Only where the council uses a harm matrix.")] = None


class ComplicatingFactorEntry(MapEntryBase, kw_only=True, tag="complicating_factor"):
    """Something that makes the worries harder to solve (debt, housing, a language barrier); not itself harm."""

    when: When | None = None


class ExistingStrengthEntry(MapEntryBase, kw_only=True, tag="existing_strength"):
    """A good thing about the family or child that does not, on its own, protect against a danger."""

    when: When | None = None


class ExistingSafetyEntry(MapEntryBase, kw_only=True, tag="existing_safety"):
    """Protective action someone took while the danger was present: the strongest evidence on a map (BR-06)."""

    when: When
    danger_ids: Annotated[
        list[UUID],
        Meta(min_length=1, max_length=FEW, description="The danger (worry) statements it protected against."),
    ]

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates(self.danger_ids, "danger_ids")


class GreyAreaEntry(MapEntryBase, kw_only=True, tag="grey_area"):
    """Something not yet known, or disputed."""

    when: When | None = None


class NextStepEntry(MapEntryBase, kw_only=True, tag="next_step"):
    """A small, immediate action towards the goals, with who will do it and by when (BR-06)."""

    owner: Annotated[PersonRef, Meta(description="The person who will do it.")]
    due_on: dt.date
    step_status: StepStatus = StepStatus.planned


MapEntry = (
    HarmEntry | ComplicatingFactorEntry | ExistingStrengthEntry | ExistingSafetyEntry | GreyAreaEntry | NextStepEntry
)
"""One row in a map column; `category` says which kind (and which column)."""


# --- map header (2.7) -----------------------------------------------------------------------------


class Participant(Input, kw_only=True):
    """Someone who contributed to the map."""

    person_id: PersonRef
    role: Annotated[ShortText, Meta(description="Their part in the family or work.", examples=["mum", "school nurse"])]
    present: Annotated[bool, Meta(description="False when their views came another way (by phone, via the worker).")]


class FamilyGoal(Input, kw_only=True):
    """The family's own best hope, in their words."""

    text: OwnWords
    perspective: Attribution


class AssessmentMapCreate(Shareable, kw_only=True):
    """An assessment map as a client sends it: header, entries, the dangers it pairs, and the overall scale.

    `participants`, `entries`, `danger_ids` and `overall_question` may be empty in a draft; they are
    required before the map is finalised (at least one danger except in front_door and early_help contexts,
    and an active safety goal and scale for each active danger in assessment, conference, core group, CIN
    and CP contexts: BR-03). Under `wellbeing` framing dangers read as worries and safety goals as
    wellbeing goals; the shapes do not change.
    """

    children: Annotated[
        list[PersonRef],
        Meta(min_length=1, max_length=FEW, description="Children the map covers (siblings may share one map)."),
    ]
    context: MapContext
    framing: MapFraming
    meeting_id: Annotated[
        UUID | None,
        Meta(description="Meeting the map was made in; such a map is frozen when the meeting ends."),
    ] = None
    mapped_on: dt.date
    participants: Annotated[
        list[Participant],
        Meta(max_length=SOME, description="Who contributed; required before the map is finalised."),
    ] = []
    entries: Annotated[
        list[MapEntry],
        Meta(max_length=MANY, description="Map rows; required before the map is finalised."),
    ] = []
    danger_ids: Annotated[
        list[UUID],
        Meta(
            max_length=FEW,
            description="Danger (worry) statements this map pairs with safety goals; their ids persist across "
            "versions. Required before the map is finalised.",
        ),
    ] = []
    family_goals: Annotated[list[FamilyGoal], Meta(max_length=FEW)] = []
    overall_question: Annotated[
        ScalingQuestionCreate | None,
        Meta(description="Overall safety (wellbeing, success) scale; required before the map is finalised."),
    ] = None
    analysis: Annotated[LongText | None, Meta(description="The worker's analysis in plain language.")] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates(self.children, "children")
        no_duplicates(self.danger_ids, "danger_ids")
        no_duplicates([p.person_id for p in self.participants], "participants")
        no_duplicates([e.id for e in self.entries if e.id is not None], "entries (by id)")
        on_map = set(self.children)
        for entry in self.entries:
            require(
                set(entry.child_ids) <= on_map,
                "an entry's child_ids must be children on this map",
            )


class DangerVersionRef(Output, kw_only=True):
    """A danger statement at one version, as pinned when a map was finalised."""

    id: UUID
    version: Annotated[int, Meta(ge=1, le=1000000)]


class AssessmentMap(AssessmentMapCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored map version. Read-only once `current`; a change creates a new version."""

    id: UUID
    meta: RecordMeta
    status: MapStatus
    map_version: Annotated[
        int,
        Meta(ge=1, le=10000, description="Position in the case's map version chain: 1, 2, 3..."),
    ]
    previous_map_id: UUID | None = None
    finalised_at: Instant | None = None
    finalised_by: Annotated[
        UserRef | None, Meta(description="The team manager who finalised it: from their token, never a body.")
    ] = None
    approved_by: Annotated[
        PractitionerRef | None,
        Meta(description="The signing manager's Person record, from their token (domain 4.1: sign-off is theirs)."),
    ] = None
    finalise_note: Annotated[Text | None, Meta(description="The note sent when the map was finalised.")] = None
    pinned_dangers: Annotated[
        list[DangerVersionRef],
        Meta(max_length=FEW, description="Danger statement versions frozen when the map was finalised."),
    ] = []
    overall_question_id: Annotated[
        UUID | None,
        Meta(description="The stored ScalingQuestion created from `overall_question`."),
    ] = None


class MapFinalise(Input, kw_only=True):
    """Request to finalise a draft map: it becomes `current` and the previous current map `superseded`.

    Only a team manager finalises (domain 4.1); who signed comes from their token, never from this body."""

    note: Text | None = None


# --- danger statement and safety goal (2.8) -------------------------------------------------------


class WhoIsWorried(Input, kw_only=True):
    """One of the people or agencies who hold a worry: a role (e.g. "school"), a person, or both."""

    role: Annotated[
        ShortText | None,
        Meta(examples=["school", "police", "children's services"]),
    ] = None
    person_id: PersonRef | None = None
    agency_type: AgencyType | None = None

    def __post_init__(self) -> None:
        require(
            self.role is not None or self.person_id is not None,
            "who_is_worried needs a role or a person_id",
        )


class SafetyGoalCreate(Input, kw_only=True):
    """What life will look like when professionals are confident enough to close or step down.

    Called a wellbeing goal under `wellbeing` framing. Written as what will be happening, not only what will
    stop, and how long it must be seen for.
    """

    text: Annotated[Text, Meta(description="What will be happening (positive), not only what will stop.")]
    carer_behaviour: Annotated[Text, Meta(description="What the parents or carers will be doing differently.")]
    child_experience: Annotated[Text, Meta(description="What the child's everyday life will be like.")]
    professional_evidence: Annotated[
        Text,
        Meta(description="What professionals will see that shows it is enough."),
    ]
    sustain_for: Annotated[
        IsoDuration | None,
        Meta(
            description="How long the change must be seen before closure or step down; required before the "
            "map is finalised."
        ),
    ] = None
    goal_holder: GoalHolder


class SafetyGoal(SafetyGoalCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored safety (wellbeing) goal; its id persists across versions."""

    id: UUID
    scale_question_id: Annotated[
        UUID | None,
        Meta(description="The safety (or wellbeing) ScalingQuestion anchored to this danger/goal pair."),
    ] = None


class DangerStatementCreate(Shareable, kw_only=True):
    """What the worried people believe will happen to the child if nothing changes, paired with its goal.

    Called a worry statement under `wellbeing` framing. Names who is worried, the carer behaviour and the
    likely impact (BR-04); if the family partly agrees or disagrees, the dispute is kept in the statement.
    One worry per statement.
    """

    text: Text
    who_is_worried: Annotated[list[WhoIsWorried], Meta(min_length=1, max_length=FEW)]
    behaviour: Annotated[
        Text,
        Meta(description="The carer action or inaction of concern, in the family's words where possible."),
    ]
    likely_impact: Annotated[
        Text,
        Meta(description="What could happen to the child, short and long term, if nothing changes."),
    ]
    opening_acknowledgement: Annotated[
        Text | None,
        Meta(description="Optional opening that honours safety already shown."),
    ] = None
    family_position: Annotated[
        FamilyPosition | None,
        Meta(description="Required before the map is finalised."),
    ] = None
    dispute: Annotated[
        Text | None,
        Meta(description="What the family disagrees with; required when they partly agree or disagree."),
    ] = None
    child_ids: Annotated[list[PersonRef], Meta(min_length=1, max_length=FEW)]
    status: DangerStatus = DangerStatus.active
    status_reason: Annotated[Text | None, Meta(description="Required when withdrawn.")] = None
    perspective: Attribution
    safety_goal: SafetyGoalCreate

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates(self.child_ids, "child_ids")
        if self.family_position in (FamilyPosition.partly_agrees, FamilyPosition.disagrees):
            # BR-04: disagreement is recorded in the statement, never erased.
            require(self.dispute is not None, "dispute is required when the family partly agrees or disagrees")
        if self.status is DangerStatus.withdrawn:
            require(self.status_reason is not None, "status_reason is required when a statement is withdrawn")


# The parts of a danger statement (and its goal) that are its words: a change to any is a new wording (BR-09).
WORDING = ("text", "behaviour", "likely_impact", "child_ids")


class DangerStatement(DangerStatementCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored danger (worry) statement. Its id persists across map versions; text changes are versioned."""

    id: UUID
    meta: RecordMeta
    safety_goal: SafetyGoal
    case_id: UUID
    wording_version: Annotated[
        Annotated[int, Meta(ge=1, le=INT4_MAX)] | None,
        Meta(
            description="The version in which the statement's words (text, behaviour, likely impact, children, goal) "
            "last changed. Someone told this version or a later one knows the statement as it reads now; a new "
            "scale or a status change does not change it.",
        ),
    ] = None
