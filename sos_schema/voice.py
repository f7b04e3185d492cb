"""The child's voice tools: Three Houses, Wizards and Fairies and the Safety House (domain 2.15).

The content is the child's own words and drawings, kept exactly as the child gave them: never paraphrased,
never edited after the session (domain 3.6). A worker adds notes beside the child's words, in the record's
`worker_notes`, never into them. Parents and the network see the content only as far as the child's consent
to share allows, or when a manager records an override with a reason (BR-11: a rule about who reads, so it
is not checked on this payload). A worry the child marks `makes_me_unsafe` raises an alert for the worker.
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
    Input,
    Instant,
    Order,
    Output,
    OwnWords,
    PersonRef,
    PractitionerRef,
    RecordMeta,
    Score,
    Shareable,
    Text,
    UserRef,
    Visibility,
    no_duplicates,
    require,
)

__all__ = [
    "ChildVoiceConsentOverride",
    "ChildVoiceCreate",
    "ChildVoiceNote",
    "ChildVoiceRecord",
    "ChildVoiceTool",
    "ConsentLevel",
    "ConsentOverride",
    "ConsentToShare",
    "HouseNames",
    "HousePerson",
    "SafetyHouse",
    "ShareEvent",
    "ThreeHouses",
    "VoiceItem",
    "WizardsAndFairies",
    "WrittenBy",
]


class ConsentLevel(enum.StrEnum):
    """What the child agreed may be shared with their parents and network."""

    not_asked = "not_asked"
    all = "all"
    some = "some"
    none = "none"


class WrittenBy(enum.StrEnum):
    """Who wrote the words down: the child, or the worker writing exactly what the child said."""

    child = "child"
    worker = "worker"


ChosenName = Annotated[
    str,
    Meta(min_length=1, max_length=100, description="The name the child chose, exactly as they said it."),
]


class ConsentToShare(Input, kw_only=True):
    """The child's consent to share the tool with parents or network (BR-11).

    `with_whom` lists the people the child agreed to, and only when `level` is `some`.
    """

    level: ConsentLevel
    with_whom: Annotated[list[PersonRef], Meta(max_length=SOME)] = []

    def __post_init__(self) -> None:
        if self.level is ConsentLevel.some:
            require(len(self.with_whom) >= 1, "with_whom must name at least one person when level is some")
        else:
            require(not self.with_whom, "with_whom is only used when level is some")
        no_duplicates(self.with_whom, "with_whom")


class ShareEvent(Input, kw_only=True):
    """Someone who was shown the child's tool, when, and how they responded."""

    person_id: PersonRef
    on: dt.date
    response: Text | None = None


class VoiceItem(Input, kw_only=True):
    """One thing in a house (or with a character): the child's words, a drawing, or both."""

    text: Annotated[
        OwnWords | None,
        Meta(description="Exactly as the child said it; no paraphrase.", examples=["I like it when Dad reads to me"]),
    ] = None
    drawing_id: Annotated[UUID | None, Meta(description="The child's drawing (Media id).")] = None
    written_by: WrittenBy
    order: Order
    makes_me_unsafe: Annotated[
        bool | None,
        Meta(description="In worries only: the child says this makes them feel unsafe (raises an alert)."),
    ] = None

    def __post_init__(self) -> None:
        require(self.text is not None or self.drawing_id is not None, "an item needs text or a drawing_id")


class HouseNames(Input, kw_only=True):
    """Names the child gave the houses or characters instead of the usual ones."""

    good: ChosenName | None = None
    worries: ChosenName | None = None
    dreams: ChosenName | None = None


class HousePerson(Input, kw_only=True):
    """A person in the child's Safety House: a known person, or the child's own words for them."""

    person_id: PersonRef | None = None
    text: Annotated[OwnWords | None, Meta(description="Who, in the child's words.", examples=["my nan"])] = None
    drawing_id: UUID | None = None

    def __post_init__(self) -> None:
        require(self.person_id is not None or self.text is not None, "a house person needs person_id or text")


class ChildVoiceToolBase(Shareable, kw_only=True, tag_field="tool"):
    """Fields every child's voice tool has. Send one of its kinds, chosen by `tool`.

    Visibility defaults to family_shareable, but parents and network see it only as the child's consent
    allows (BR-11).
    """

    child_id: PersonRef
    completed_on: dt.date
    worker: PractitionerRef
    child_consent_to_share: ConsentToShare
    shared_with: Annotated[list[ShareEvent], Meta(max_length=SOME)] = []
    parents_prepared: Annotated[
        bool | None,
        Meta(description="Parents were told about the tool beforehand (and consented if the child is in their care)."),
    ] = None


class _HousesTool(ChildVoiceToolBase, kw_only=True):
    """Shape shared by Three Houses and Wizards and Fairies."""

    good_things: Annotated[list[VoiceItem], Meta(max_length=SOME)]
    worries: Annotated[list[VoiceItem], Meta(max_length=SOME)]
    dreams: Annotated[list[VoiceItem], Meta(max_length=SOME)]
    names_chosen_by_child: HouseNames | None = None
    informed_entries: Annotated[
        list[UUID], Meta(max_length=SOME, description="Map entries that came from the child.")
    ] = []
    child_scale_id: Annotated[UUID | None, Meta(description="The child's own scaling judgement (2.9).")] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        require(
            bool(self.good_things or self.worries or self.dreams),
            "at least one of good_things, worries or dreams needs an item",
        )
        require(
            all(item.makes_me_unsafe is None for item in (*self.good_things, *self.dreams)),
            "makes_me_unsafe is only used on worries",
        )
        no_duplicates(self.informed_entries, "informed_entries")


class ThreeHouses(_HousesTool, kw_only=True, tag="three_houses"):
    """Three Houses: the house of good things, the house of worries and the house of dreams.

    The child's version of the three columns (Weld and Greening).
    """


class WizardsAndFairies(_HousesTool, kw_only=True, tag="wizards_and_fairies"):
    """Wizards and Fairies: Three Houses for younger children, with three characters for good things,
    worries and dreams.
    """


class SafetyHouse(ChildVoiceToolBase, kw_only=True, tag="safety_house"):
    """The Safety House (Parker): who lives in and visits the house, the rules on the roof, the people the
    child does not feel safe with, and where the child puts themself on the safety path.

    Element names differ between templates [VBC].
    """

    inside_house: Annotated[
        list[HousePerson], Meta(max_length=FEW, description="Who the child wants living with them.")
    ]
    visitors: Annotated[
        list[HousePerson], Meta(max_length=FEW, description="People who visit and help keep the child safe.")
    ] = []
    roof_rules: Annotated[
        list[OwnWords],
        Meta(min_length=1, max_length=FEW, description="What grown-ups must do so the child feels safe."),
    ]
    unsafe_circle: Annotated[
        list[HousePerson],
        Meta(
            max_length=FEW,
            description="People the child does not feel safe with, or only with others there.",
        ),
    ] = []
    safety_path_position: Annotated[
        Score | None, Meta(description="Where the child puts themself on the path; the door is 10.")
    ] = None
    used_in_rules: Annotated[
        list[UUID], Meta(max_length=SOME, description="Safety rules the child's ideas shaped.")
    ] = []

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates(self.used_in_rules, "used_in_rules")


ChildVoiceTool = ThreeHouses | WizardsAndFairies | SafetyHouse
"""One child's voice tool, chosen by `tool`. This is what a client sends; it is never edited afterwards."""


class ChildVoiceCreate(Input, kw_only=True):
    """Record one child's voice tool on their case. The child's words are never edited afterwards: the worker
    adds notes beside them, and the child's consent to share is changed by its own action."""

    tool: ChildVoiceTool


class ChildVoiceNote(Input, kw_only=True):
    """A worker's note added beside the child's words (never into them)."""

    note: Text


class ChildVoiceConsentOverride(Input, kw_only=True):
    """A manager's decision to show the tool to people the child did not agree to (BR-11), and why."""

    with_whom: Annotated[list[PersonRef], Meta(min_length=1, max_length=FEW)]
    reason: Annotated[Text, Meta(description="Why the child's wishes are overridden.")]

    def __post_init__(self) -> None:
        no_duplicates(self.with_whom, "with_whom")


class ConsentOverride(ChildVoiceConsentOverride, kw_only=True, forbid_unknown_fields=False):
    """An override kept on the record: who (from their token) and when."""

    by: UserRef
    at: Instant


class ChildVoiceRecord(Output, kw_only=True):
    """A stored child's voice tool. The child's words stay as given; worker notes sit beside them."""

    id: UUID
    meta: RecordMeta
    tool: ChildVoiceTool
    worker_notes: Annotated[
        list[Text], Meta(max_length=SOME, description="Notes added beside the child's words, never into them.")
    ] = []
    consent_overrides: Annotated[
        list[ConsentOverride],
        Meta(max_length=SOME, description="Managers' overrides of the child's consent to share (BR-11)."),
    ] = []

    @property
    def visibility(self) -> Visibility:
        """The record is classified as its tool is."""
        return self.tool.visibility

    @property
    def shared_with_agencies(self) -> bool:
        return self.tool.shared_with_agencies
