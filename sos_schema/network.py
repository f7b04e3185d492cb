"""The safety / family network around a child, its members' commitments, and network meetings (domain 2.10, 2.11).

The network is the family, friends and community people (sometimes professionals) who know the worries and
help keep the child safe over time. Whether a member may hold a role in an agreed safety plan depends on other
records (the plan, the danger statements), so BR-07 is the API's, helped by `knows_current_dangers`; BR-10
(checks clear before overnight care or supervising contact) is checked by the API with its own problem type.
Here we check what one payload can show, such as checks being recorded for overnight care.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from ._base import (
    FEW,
    SOME,
    Input,
    Instant,
    LongText,
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
from .maps import NextStepEntry
from .people import RelationshipKind

__all__ = [
    "ROLES_NEEDING_CHECKS",
    "Attendance",
    "AttendanceStatus",
    "Checks",
    "ChildParticipation",
    "Commitment",
    "DangerKnown",
    "DatedFlag",
    "MeetingKind",
    "Network",
    "NetworkContact",
    "NetworkContactKind",
    "NetworkCreate",
    "NetworkMeeting",
    "NetworkMeetingCreate",
    "NetworkMember",
    "NetworkMemberCreate",
    "NetworkPurpose",
    "NetworkRole",
    "NetworkStatus",
    "ProposedBy",
    "RecordShare",
    "RelationshipToChild",
    "SignedPlan",
    "knows_current_dangers",
]


# --- enums ----------------------------------------------------------------------------------------


class NetworkPurpose(enum.StrEnum):
    """What the network is for: keeping a child safe, supporting a family, or belonging (children in care)."""

    safety = "safety"
    support = "support"
    belonging = "belonging"


class NetworkStatus(enum.StrEnum):
    """Where the network is in its life."""

    forming = "forming"
    active = "active"
    dormant = "dormant"
    ended = "ended"


class ProposedBy(enum.StrEnum):
    """Who suggested this person for the network."""

    parent = "parent"
    child = "child"
    network = "network"
    worker = "worker"
    other = "other"


class NetworkRole(enum.StrEnum):
    """A job a member does in the safety plan. `overnight_carer` and `supervises_contact` need checks (BR-10)."""

    overnight_carer = "overnight_carer"
    supervises_contact = "supervises_contact"
    daily_check_in = "daily_check_in"
    school_run = "school_run"
    respite = "respite"
    safe_adult_for_child = "safe_adult_for_child"
    support_for_parent = "support_for_parent"
    monitors_plan = "monitors_plan"
    emergency_contact = "emergency_contact"
    practical_help = "practical_help"
    other = "other"


class Commitment(enum.StrEnum):
    """Whether the member has agreed to help. Only `agreed` members can be responsible for a plan rule (BR-07)."""

    not_asked = "not_asked"
    considering = "considering"
    agreed = "agreed"
    declined = "declined"
    withdrawn = "withdrawn"


class Checks(enum.StrEnum):
    """Background checks on a member (council rule on which roles need them)."""

    not_required = "not_required"
    requested = "requested"
    clear = "clear"
    concerns = "concerns"


class NetworkContactKind(enum.StrEnum):
    """A way to reach a network member."""

    phone = "phone"
    email = "email"
    address = "address"
    messaging = "messaging"
    other = "other"


class MeetingKind(enum.StrEnum):
    """Kinds of network meeting. `fgdm_pre_proceedings` is the family group decision-making offer (CA 1989 s31ZA)."""

    family_network_meeting = "family_network_meeting"
    signs_of_safety_meeting = "signs_of_safety_meeting"
    family_group_conference = "family_group_conference"
    fgdm_pre_proceedings = "fgdm_pre_proceedings"
    safety_plan_review = "safety_plan_review"


class AttendanceStatus(enum.StrEnum):
    """Whether someone came to a meeting; `not_invited` needs a reason."""

    attended = "attended"
    apologies = "apologies"
    declined = "declined"
    not_invited = "not_invited"


class ChildParticipation(enum.StrEnum):
    """How the child took part in a meeting."""

    attended = "attended"
    views_via_worker = "views_via_worker"
    via_advocate = "via_advocate"
    not_appropriate = "not_appropriate"


# --- small value objects --------------------------------------------------------------------------

Version = Annotated[int, Meta(ge=1, le=1000000, description="A version number of a stored record.")]


class DatedFlag(Input, kw_only=True):
    """A yes/no fact and the date it became true (e.g. when a member was told the danger statements)."""

    value: bool
    on: dt.date | None = None


class SignedPlan(Input, kw_only=True):
    """Whether a member signed the safety plan, which version, and when."""

    value: bool
    plan_id: Annotated[UUID | None, Meta(description="The SafetyPlan signed.")] = None
    plan_version: Annotated[
        Version | None,
        Meta(description="Version of the safety plan signed; required when value is true."),
    ] = None
    on: dt.date | None = None

    def __post_init__(self) -> None:
        require(not self.value or self.plan_version is not None, "plan_version is required when the plan was signed")


class NetworkContact(Input, kw_only=True):
    """One way to reach a member. Shown to the family only when `share_with_family` is true."""

    kind: NetworkContactKind
    value: ShortText
    share_with_family: Annotated[
        bool,
        Meta(description="False keeps it from family roles (a member's address may need protecting)."),
    ] = False


class RelationshipToChild(Input, kw_only=True):
    """How a member is related to the child: a Relationship kind (2.5) and, if useful, the family's own words."""

    kind: RelationshipKind
    text: Annotated[ShortText | None, Meta(examples=["mum's best friend", "Nan"])] = None


# --- network (2.10) -------------------------------------------------------------------------------

# Roles a member cannot hold until checks are clear (BR-10; councils may add more [VBC]).
ROLES_NEEDING_CHECKS = frozenset({NetworkRole.overnight_carer, NetworkRole.supervises_contact})


class DangerKnown(Input, kw_only=True):
    """A danger statement the member has been told, in the version they were told, and when.

    Statements change wording over time (domain 3.3), so knowing one is recorded per version: a member told
    version 2 has not been told what version 3 says."""

    danger_id: Annotated[UUID, Meta(description="A DangerStatement (2.8) of the network's case.")]
    version: Annotated[Version, Meta(description="The statement's version the member was told; at most its current.")]
    on: dt.date


class NetworkMemberCreate(Input, kw_only=True):
    """A person in the child's safety or family network, what they will do, and what they know.

    Send `id` to keep a member from the network's previous version; leave it empty for a new member and the
    server assigns one (always set in responses). `roles`, `knows_danger_statements` and `contact` are required
    before the member holds a role in an agreed safety plan; a member must know the current danger statements
    before holding a safety-plan role (BR-07): `knows_dangers` records which statements, in which version.
    `checks` is required when the roles include overnight care or supervising contact, and the API refuses
    those roles until checks are `clear` (BR-10); while checks are pending, describe the intended role in
    `roles_note`.
    """

    id: Annotated[
        UUID | None, Meta(description="Stable member id across network versions; empty for a new member.")
    ] = None
    person_id: PersonRef
    relationship_to_child: RelationshipToChild
    proposed_by: ProposedBy
    roles: Annotated[
        list[NetworkRole],
        Meta(max_length=FEW, description="Required before the member holds a role in an agreed safety plan."),
    ] = []
    roles_note: Annotated[Text | None, Meta(description="What the roles mean for this member, in plain words.")] = None
    commitment: Commitment
    commitment_on: Annotated[
        dt.date | None,
        Meta(description="When the commitment was last given or changed; required unless not_asked."),
    ] = None
    knows_danger_statements: Annotated[
        DatedFlag | None,
        Meta(
            description="Required before the member holds a safety-plan role; must then be true (BR-07). Cannot be "
            "false while knows_dangers has entries; left empty with entries, the API records it as true from the "
            "earliest of their dates. True with no entries, the API records the member as told every active danger "
            "statement about the network's children as it reads now."
        ),
    ] = None
    knows_dangers: Annotated[
        list[DangerKnown],
        Meta(max_length=FEW, description="The danger statements the member has been told, each in its version."),
    ] = []
    has_seen_words_and_pictures: DatedFlag | None = None
    signed_safety_plan: SignedPlan | None = None
    checks: Annotated[
        Checks | None,
        Meta(description="Required when roles include overnight_carer or supervises_contact (BR-10)."),
    ] = None
    trusted_by_child: Annotated[
        bool | None,
        Meta(description="From the child's own tools (Three Houses, Safety House)."),
    ] = None
    contact: Annotated[
        list[NetworkContact],
        Meta(max_length=FEW, description="Required before the member holds a role in an agreed safety plan."),
    ] = []
    joined_on: dt.date
    left_on: dt.date | None = None
    left_reason: Annotated[Text | None, Meta(description="Required when left_on is given.")] = None
    is_professional: Annotated[
        bool,
        Meta(description="Professionals may join; the natural network is reported separately."),
    ]

    def __post_init__(self) -> None:
        no_duplicates([role.value for role in self.roles], "roles")
        no_duplicates([k.danger_id for k in self.knows_dangers], "knows_dangers (by danger_id)")
        require(
            not self.knows_dangers or self.knows_danger_statements is None or self.knows_danger_statements.value,
            "knows_danger_statements cannot be false while knows_dangers lists statements the member was told",
        )
        if ROLES_NEEDING_CHECKS.intersection(self.roles):
            require(
                self.checks is not None,
                "checks is required when roles include overnight_carer or supervises_contact",
            )
        require(
            self.commitment is Commitment.not_asked or self.commitment_on is not None,
            "commitment_on is required once the member has been asked",
        )
        require(self.left_on is None or self.left_reason is not None, "left_reason is required when left_on is given")
        require(self.left_reason is None or self.left_on is not None, "left_reason needs left_on")
        check_order(self.joined_on, self.left_on, "network membership")


class NetworkMember(NetworkMemberCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored network member: `id` is always set and stays the same across the network's versions."""

    id: UUID


def knows_current_dangers(member: NetworkMemberCreate, current: Mapping[UUID, int]) -> bool:
    """Whether the member has been told every danger statement in `current` (id -> current version) in that
    version or a later one (BR-07: a responsible person knows the *current* statements).

    False when `current` is empty: a caller that found no current statements cannot show the member knows
    them, and a safety plan always protects against at least one."""
    told = {k.danger_id: k.version for k in member.knows_dangers}
    return bool(current) and all(told.get(danger, 0) >= version for danger, version in current.items())


class NetworkCreate(Shareable, kw_only=True):
    """A child's safety or family network: who is in it and whether it is enough."""

    child_ids: Annotated[list[PersonRef], Meta(min_length=1, max_length=FEW)]
    purpose: NetworkPurpose
    status: NetworkStatus = NetworkStatus.forming
    members: Annotated[list[NetworkMemberCreate], Meta(max_length=SOME)] = []
    adequacy_note: Annotated[
        Text | None,
        Meta(description="Whether the network is big and strong enough for the plan, and why."),
    ] = None

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates(self.child_ids, "child_ids")
        no_duplicates([m.person_id for m in self.members], "members (by person_id)")


class Network(NetworkCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored network."""

    id: UUID
    meta: RecordMeta
    # Stored members carry their ids; the list is only read, so narrowing the item type is safe.
    members: Annotated[list[NetworkMember], Meta(max_length=SOME)] = []  # type: ignore[assignment]


# --- network meeting (2.11) -----------------------------------------------------------------------


class Attendance(Input, kw_only=True):
    """Whether one person came to a meeting."""

    person_id: PersonRef
    status: AttendanceStatus
    not_invited_reason: Annotated[Text | None, Meta(description="Required when status is not_invited.")] = None

    def __post_init__(self) -> None:
        require(
            self.status is not AttendanceStatus.not_invited or self.not_invited_reason is not None,
            "not_invited_reason is required when status is not_invited",
        )


class RecordShare(Input, kw_only=True):
    """Someone the meeting record was shared with, and when."""

    person_id: PersonRef
    on: dt.date


class NetworkMeetingCreate(Shareable, kw_only=True):
    """A meeting of parents, network and worker to share the worries and build or review the safety plan.

    `held_at`, `attendance`, `child_participation`, `decisions` and `next_steps` are required before the
    meeting record is finalised. A meeting may be held earlier than scheduled.
    """

    kind: MeetingKind
    scheduled_at: Instant
    held_at: Annotated[Instant | None, Meta(description="Required before the record is finalised.")] = None
    facilitator: PractitionerRef
    attendance: Annotated[
        list[Attendance],
        Meta(max_length=SOME, description="Required before the record is finalised."),
    ] = []
    child_participation: Annotated[
        ChildParticipation | None,
        Meta(description="Required before the record is finalised."),
    ] = None
    map_id: Annotated[UUID | None, Meta(description="Map built or updated in the meeting.")] = None
    judgement_ids: Annotated[
        list[UUID],
        Meta(max_length=SOME, description="Scaling judgements given in the meeting."),
    ] = []
    safety_plan_id: Annotated[UUID | None, Meta(description="Safety plan drafted, agreed or reviewed.")] = None
    safety_plan_version: Annotated[
        Version | None,
        Meta(description="Version of that safety plan; needs safety_plan_id."),
    ] = None
    network_id: Annotated[UUID | None, Meta(description="The network that met (a Network of this case).")] = None
    decisions: Annotated[LongText | None, Meta(description="Required before the record is finalised.")] = None
    next_steps: Annotated[
        list[NextStepEntry],
        Meta(max_length=SOME, description="Required before the record is finalised."),
    ] = []
    next_meeting_on: dt.date | None = None
    record_shared_with: Annotated[list[RecordShare], Meta(max_length=SOME)] = []

    def __post_init__(self) -> None:
        super().__post_init__()
        no_duplicates([a.person_id for a in self.attendance], "attendance (by person_id)")
        no_duplicates(self.judgement_ids, "judgement_ids")
        no_duplicates([s.id for s in self.next_steps if s.id is not None], "next_steps (by id)")
        require(
            self.safety_plan_version is None or self.safety_plan_id is not None,
            "safety_plan_version needs safety_plan_id",
        )


class NetworkMeeting(NetworkMeetingCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored network meeting."""

    id: UUID
    meta: RecordMeta
