"""Cases, child episodes and step changes: the family's work container and each child's level of involvement.

A Case groups a family's work; each child has their own ChildEpisodes, because siblings in one case are
often at different levels (domain 2.2). A case is open while any child has an open episode, and its
`current_level` is the highest open level (domain 3.1). Moves between early help and statutory levels are
recorded as StepChange events, append-only (domain 3.2, 3.6).
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
    LanguageCode,
    PersonRef,
    PractitionerRef,
    RecordMeta,
    Shareable,
    ShortText,
    Text,
    check_order,
    no_duplicates,
    require,
)
from .people import Address

__all__ = [
    "Case",
    "CaseClose",
    "CaseCreate",
    "CaseLevel",
    "CaseMember",
    "CaseStatus",
    "ChildEpisode",
    "ChildEpisodeCreate",
    "ChildEpisodeEnd",
    "ClosureReason",
    "EpisodeEndReason",
    "EpisodeStartReason",
    "LegalBasis",
    "MemberRole",
    "RestrictedFlag",
    "RestrictedReason",
    "StepChange",
    "StepChangeCreate",
]


class CaseLevel(enum.StrEnum):
    """Level of involvement with a child, lowest first (domain 3.1).

    `looked_after` and `care_leaver` outrank `child_protection` for display only.
    """

    contact = "contact"
    early_help = "early_help"
    child_in_need = "child_in_need"
    child_protection = "child_protection"
    looked_after = "looked_after"
    care_leaver = "care_leaver"


# Declaration order is the ranking used for "higher" and "lower" (domain 3.1).
_LEVEL_RANK = {level: rank for rank, level in enumerate(CaseLevel)}


class CaseStatus(enum.StrEnum):
    """Open while any child has an open episode (set by the server, domain 3.1)."""

    open = "open"
    closed = "closed"


class ClosureReason(enum.StrEnum):
    """Why a case closed; mapped to DfE closure codes (RC1-RC9) in interop.md."""

    goals_achieved = "goals_achieved"
    stepped_down_early_help = "stepped_down_early_help"
    stepped_down_universal = "stepped_down_universal"
    transferred_la = "transferred_la"
    moved_away_untraced = "moved_away_untraced"
    aged_out = "aged_out"
    consent_withdrawn_early_help = "consent_withdrawn_early_help"
    adopted = "adopted"
    special_guardianship = "special_guardianship"
    died = "died"
    nfa_after_assessment = "nfa_after_assessment"
    other = "other"


class MemberRole(enum.StrEnum):
    """The part a person plays in a case."""

    child = "child"
    unborn_child = "unborn_child"
    parent = "parent"
    carer = "carer"
    household_member = "household_member"
    network_member = "network_member"
    professional = "professional"


_CHILD_ROLES = frozenset({MemberRole.child, MemberRole.unborn_child})


class CaseMember(Input, kw_only=True):
    """A person in a case and their role in it."""

    person_id: PersonRef
    role: MemberRole


class RestrictedReason(enum.StrEnum):
    """Why a case is visible only to named users (domain 4)."""

    staff_or_relative = "staff_or_relative"
    high_profile = "high_profile"
    adoption = "adoption"
    witness_or_safety = "witness_or_safety"
    other = "other"


class RestrictedFlag(Input, kw_only=True):
    """Marks a case as restricted: only named users may see it. Its presence is the flag.

    The allocated worker and team manager, the practitioners named here, those involved in the case by name or
    agency, and the family themselves keep access; the rest of the allocated team and the council's front-door
    pool lose it. Audit staff still read it, as they read every case of the council."""

    reason: RestrictedReason
    note: Annotated[Text | None, Meta(description="More detail; required when reason is other.")] = None
    named_users: Annotated[
        list[PractitionerRef],
        Meta(
            max_length=FEW, description="Practitioners (their Person ids) who may see the case besides its allocation."
        ),
    ] = []

    def __post_init__(self) -> None:
        require(
            self.reason is not RestrictedReason.other or self.note is not None, "note is required when reason is other"
        )


class CaseCreate(Shareable, kw_only=True):
    """A family's casework: the people in it, the household and who is allocated (domain 2.2).

    At least one member must be a child or unborn child, and a person is listed once. The allocated worker,
    team and team manager are required while the case is open (domain 2.2), but may be empty on a brand-new
    case from the front door, so decoding does not insist on them. Until a case is allocated, every case
    worker of the council can see it (the triage pool).
    """

    cms_case_ref: Annotated[
        ShortText | None,
        Meta(description="The council case management system's reference for this case."),
    ] = None
    family_label: Annotated[
        ShortText,
        Meta(description="Display label chosen by the worker.", examples=["Khan family"]),
    ]
    members: Annotated[list[CaseMember], Meta(min_length=1, max_length=SOME)]
    household_address: Address | None = None
    language: Annotated[LanguageCode | None, Meta(description="Main language of the household.")] = None
    interpreter_needed: bool | None = None
    opened_on: dt.date
    allocated_worker: Annotated[PractitionerRef | None, Meta(description="Required while the case is open.")] = None
    team: Annotated[ShortText | None, Meta(description="Allocated team; required while the case is open.")] = None
    team_manager: Annotated[PractitionerRef | None, Meta(description="Required while the case is open.")] = None
    restricted: RestrictedFlag | None = None
    linked_cases: Annotated[
        list[UUID],
        Meta(max_length=FEW, description="Related cases, e.g. siblings in another household."),
    ] = []

    def __post_init__(self) -> None:
        super().__post_init__()
        require(
            any(member.role in _CHILD_ROLES for member in self.members),
            "members must include at least one child or unborn_child",
        )
        no_duplicates([member.person_id for member in self.members], "members")
        no_duplicates(self.linked_cases, "linked_cases")


class Case(CaseCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored case. Status and level are derived from the children's episodes (domain 3.1)."""

    id: UUID
    meta: RecordMeta
    status: CaseStatus
    current_level: Annotated[
        CaseLevel | None,
        Meta(description="Highest open ChildEpisode level; empty when no episode is open."),
    ] = None
    closed_on: dt.date | None = None
    closure_reason: ClosureReason | None = None
    closure_note: Text | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.status is CaseStatus.closed:
            require(
                self.closed_on is not None and self.closure_reason is not None,
                "a closed case has closed_on and closure_reason",
            )
        check_order(self.opened_on, self.closed_on, "case")


class CaseClose(Input, kw_only=True):
    """Close a case, with the date and the reason (domain 3.1: a case closes once every child's episode has
    ended; that rule needs the episodes, so it is not checked on this payload)."""

    closed_on: dt.date
    closure_reason: ClosureReason
    note: Annotated[Text | None, Meta(description="More detail; required when closure_reason is other.")] = None

    def __post_init__(self) -> None:
        require(
            self.closure_reason is not ClosureReason.other or self.note is not None,
            "note is required when closure_reason is other",
        )


# --- child episodes (2.2) ---------------------------------------------------------------------------


class LegalBasis(enum.StrEnum):
    """The legal footing of a child's episode (Children Act 1989 sections unless stated)."""

    none_consent = "none_consent"
    s17 = "s17"
    s47 = "s47"
    s20_accommodated = "s20_accommodated"
    s31_care_order = "s31_care_order"
    s38_interim_care_order = "s38_interim_care_order"
    s44_epo = "s44_epo"
    s46_police_protection = "s46_police_protection"
    placement_order = "placement_order"
    youth_justice_remand = "youth_justice_remand"
    care_leaver_duty = "care_leaver_duty"


class EpisodeStartReason(enum.StrEnum):
    """Why a child's episode at this level started."""

    new_referral = "new_referral"
    stepped_up = "stepped_up"
    stepped_down = "stepped_down"
    conference_decision = "conference_decision"
    accommodated = "accommodated"
    court_order = "court_order"
    transferred_in = "transferred_in"
    became_care_leaver = "became_care_leaver"
    other = "other"


class EpisodeEndReason(enum.StrEnum):
    """Why a child's episode at this level ended."""

    stepped_up = "stepped_up"
    stepped_down = "stepped_down"
    goals_achieved = "goals_achieved"
    plan_ended_by_conference = "plan_ended_by_conference"
    returned_home = "returned_home"
    adopted = "adopted"
    special_guardianship = "special_guardianship"
    child_arrangements_order = "child_arrangements_order"
    transferred_la = "transferred_la"
    moved_away_untraced = "moved_away_untraced"
    aged_out = "aged_out"
    consent_withdrawn = "consent_withdrawn"
    nfa_after_assessment = "nfa_after_assessment"
    died = "died"
    other = "other"


def _check_basis(level: CaseLevel, basis: LegalBasis | None) -> None:
    """Early help is voluntary (`none_consent`); the care leaver level and `care_leaver_duty` go together."""
    if level is CaseLevel.early_help:
        require(basis in (None, LegalBasis.none_consent), "an early_help episode has legal_basis none_consent")
    if basis is not None:
        require(
            (level is CaseLevel.care_leaver) == (basis is LegalBasis.care_leaver_duty),
            "legal_basis care_leaver_duty goes with level care_leaver, and only with it",
        )


class ChildEpisodeCreate(Shareable, kw_only=True):
    """One child's involvement at one level, from start to end (domain 2.2).

    A child has at most one open episode per level (checked by the API); opening a higher level does not
    close a lower one. Early help is voluntary, so its legal basis is `none_consent`; the care leaver level
    and `care_leaver_duty` go together. An ended episode has an `end_reason`: a body sent with both dates
    records a past episode (from the council's records), which never counts as open.
    """

    child_id: Annotated[PersonRef, Meta(description="A person with case role child or unborn_child.")]
    level: CaseLevel
    legal_basis: LegalBasis
    start_date: dt.date
    end_date: Annotated[dt.date | None, Meta(description="Empty while the episode is open.")] = None
    start_reason: EpisodeStartReason
    start_reason_note: Annotated[Text | None, Meta(description="In words; required when start_reason is other.")] = None
    end_reason: Annotated[EpisodeEndReason | None, Meta(description="Required when end_date is set.")] = None
    end_reason_note: Annotated[Text | None, Meta(description="In words; required when end_reason is other.")] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        check_order(self.start_date, self.end_date, "episode")
        require(
            (self.end_date is None) == (self.end_reason is None),
            "end_reason is required when end_date is set, and only then",
        )
        require(
            self.start_reason is not EpisodeStartReason.other or self.start_reason_note is not None,
            "start_reason_note is required when start_reason is other",
        )
        require(
            self.end_reason is not EpisodeEndReason.other or self.end_reason_note is not None,
            "end_reason_note is required when end_reason is other",
        )
        _check_basis(self.level, self.legal_basis)


class ChildEpisode(ChildEpisodeCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored child episode."""

    id: UUID
    meta: RecordMeta
    stepped_from: Annotated[
        UUID | None,
        Meta(description="The episode this one was stepped up or down from (set from the StepChange)."),
    ] = None
    re_referral_within_12m: Annotated[
        bool,
        Meta(description="Derived at referral: the child had an episode closed in the previous 12 months."),
    ] = False


class ChildEpisodeEnd(Input, kw_only=True):
    """End an open episode, with the date and why (If-Match). A step up or down ends it through a StepChange."""

    end_date: dt.date
    end_reason: EpisodeEndReason
    end_reason_note: Annotated[Text | None, Meta(description="In words; required when end_reason is other.")] = None

    def __post_init__(self) -> None:
        require(
            self.end_reason is not EpisodeEndReason.other or self.end_reason_note is not None,
            "end_reason_note is required when end_reason is other",
        )
        require(
            self.end_reason not in (EpisodeEndReason.stepped_up, EpisodeEndReason.stepped_down),
            "an episode ends stepped_up or stepped_down only through a step change",
        )


# --- step up / step down (3.2) ----------------------------------------------------------------------


class StepChangeCreate(Shareable, kw_only=True):
    """A decision to move children between levels, e.g. stepping down from child in need to early help
    (domain 3.2). Append-only: a correction is a new step change whose `corrects` names the old one.

    Early help is voluntary, so stepping down into it needs `family_consent`; if the family does not
    consent, record why the step down did not go ahead in `rejected_reason`. Step down from child protection
    needs a review conference of the case whose circulated or agreed decision ends the plan for each child
    (checked by the API). Step up from early help normally goes through the front door (not checked: the front
    door's panel route is not built). A child already open at `to_level` keeps that episode; only the one at
    `from_level` ends. `decided_by` is the manager who records it, taken from their token. A step change with
    `rejected_reason` or `corrects` records the decision and moves no episode.
    """

    child_ids: Annotated[list[PersonRef], Meta(min_length=1, max_length=FEW)]
    from_level: CaseLevel
    to_level: CaseLevel
    decided_on: Annotated[dt.date, Meta(description="The day of the decision: old episodes end, new ones start.")]
    reason: Text
    legal_basis: Annotated[
        LegalBasis | None,
        Meta(
            description="Legal basis of the new episodes. When empty: s17 for child_in_need, s47 for "
            "child_protection, care_leaver_duty for care_leaver, none_consent otherwise; required for looked_after."
        ),
    ] = None
    handover_meeting_on: dt.date | None = None
    receiving_lead: Annotated[
        PractitionerRef | None, Meta(description="Lead practitioner in the receiving service.")
    ] = None
    plan_carried_over: Annotated[UUID | None, Meta(description="The plan the receiving service takes on.")] = None
    family_consent: Annotated[
        bool | None,
        Meta(description="Whether the family agreed; required when stepping down to early help."),
    ] = None
    rejected_reason: Annotated[
        Text | None,
        Meta(description="Why the receiving service declined, or why the change did not go ahead."),
    ] = None
    corrects: Annotated[UUID | None, Meta(description="Id of the step change this one corrects.")] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates(self.child_ids, "child_ids")
        require(self.from_level is not self.to_level, "from_level and to_level must differ")
        _check_basis(self.to_level, self.legal_basis)
        require(
            self.legal_basis is not None
            or self.to_level is not CaseLevel.looked_after
            or self.rejected_reason is not None,
            "legal_basis is required when stepping to looked_after",
        )
        if self.to_level is CaseLevel.early_help and _LEVEL_RANK[self.from_level] > _LEVEL_RANK[CaseLevel.early_help]:
            # BR-18: early help runs on consent, so a step down into it must record the family's answer.
            require(self.family_consent is not None, "family_consent is required when stepping down to early_help")
            require(
                self.family_consent or self.rejected_reason is not None,
                "rejected_reason is required when the family does not consent to early help",
            )


class StepChange(StepChangeCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored step change. Never edited (domain 3.6)."""

    id: UUID
    meta: RecordMeta
    decided_by: Annotated[
        PractitionerRef | None,
        Meta(description="The manager who decided and recorded it (from their token; their user is meta.created_by)."),
    ] = None
    recorded_at: Instant
