"""The case summary: one screen of a family's Signs of Safety work, for integrators (issue 10).

Read-only and worked out when it is read: the current map and its overall scale over time, each danger statement
with every perspective's latest number and which way it has moved, the safety plan the family is living by with
its trial and whether it is stale, the size of the network and how many know the dangers, and the child's voice
records and open alerts the caller may see. Everything in it is what the caller could read record by record:
visibility, consent to share (BR-11) and entered-in-error records apply as they do everywhere.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from ._base import FEW, INT4_MAX, SOME, Instant, Output, PersonRef, PerspectiveRole, Score, ShortText, Text
from .alerts import AlertReason
from .case import CaseLevel, CaseStatus
from .maps import DangerStatus, MapStatus
from .plans import SafetyPlanKind, SafetyPlanStatus
from .scaling import Polarity
from .series import MAX_POINTS, ScalingPoint

__all__ = [
    "AlertBrief",
    "CaseSummary",
    "DangerBrief",
    "LatestJudgement",
    "MapBrief",
    "NetworkBrief",
    "PlanBrief",
    "Trend",
    "TrialBrief",
    "VoiceBrief",
]


class Trend(enum.StrEnum):
    """How a perspective's latest number compares with its one before, read with the scale's polarity."""

    first = "first"
    improving = "improving"
    unchanged = "unchanged"
    worsening = "worsening"


class LatestJudgement(Output, kw_only=True):
    """One perspective's newest standing number on a danger's scale, and the number before it."""

    perspective_role: PerspectiveRole
    person_id: PersonRef | None = None
    value: Score
    date: dt.date
    previous_value: Score | None = None
    trend: Trend
    judgement_id: UUID


class DangerBrief(Output, kw_only=True):
    """A danger statement in its current version, with each perspective's latest judgement on its scale."""

    id: UUID
    version: Annotated[int, Meta(ge=1, le=INT4_MAX)]
    text: Text
    status: DangerStatus
    child_ids: Annotated[list[PersonRef], Meta(max_length=FEW)]
    question_id: UUID | None = None
    polarity: Polarity | None = None
    latest: Annotated[list[LatestJudgement], Meta(max_length=SOME)] = []


class MapBrief(Output, kw_only=True):
    """The case's current map, and every judgement on its overall scale, oldest first."""

    id: UUID
    map_version: Annotated[int, Meta(ge=1, le=INT4_MAX)]
    status: MapStatus
    finalised_at: Instant | None = None
    overall_question_id: UUID | None = None
    overall_series: Annotated[list[ScalingPoint], Meta(max_length=MAX_POINTS)] = []


class TrialBrief(Output, kw_only=True):
    """Where the plan's trial stands (BR-08)."""

    started_on: dt.date
    ends_on: dt.date
    check_in_every_days: Annotated[int, Meta(ge=1, le=INT4_MAX)]
    days_left: Annotated[int, Meta(ge=0, le=INT4_MAX, description="0 once the trial period is over.")]
    check_ins: Annotated[int, Meta(ge=0, le=INT4_MAX, description="Standing check-ins (corrections counted once).")]
    rules_active: Annotated[int, Meta(ge=0, le=INT4_MAX)]
    rules_checked: Annotated[
        int, Meta(ge=0, le=INT4_MAX, description="Active rules with at least one check-in in the trial.")
    ]


class PlanBrief(Output, kw_only=True):
    """The safety plan the family is living by (agreed, in trial, sustained or under review)."""

    id: UUID
    kind: SafetyPlanKind
    status: SafetyPlanStatus
    child_ids: Annotated[list[PersonRef], Meta(max_length=FEW)]
    agreed_at: Instant | None = None
    review_on: dt.date | None = None
    stale: Annotated[bool, Meta(description="A danger changed or appeared since it was agreed (BR-09).")] = False
    stale_dangers: Annotated[list[UUID], Meta(max_length=SOME)] = []
    trial: TrialBrief | None = None


class NetworkBrief(Output, kw_only=True):
    """How big the case's safety and family networks are, and how many members know the dangers."""

    networks: Annotated[int, Meta(ge=0, le=INT4_MAX, description="Networks that have not ended.")]
    members: Annotated[
        int, Meta(ge=0, le=INT4_MAX, description="People in them who have not left (each counted once).")
    ]
    natural_members: Annotated[int, Meta(ge=0, le=INT4_MAX, description="Members who are not professionals.")]
    committed: Annotated[int, Meta(ge=0, le=INT4_MAX, description="Members whose commitment is `agreed`.")]
    know_dangers: Annotated[
        int,
        Meta(
            ge=0,
            le=INT4_MAX,
            description="Members told every active danger statement about their children, as it now reads.",
        ),
    ]


class VoiceBrief(Output, kw_only=True):
    """A child's voice record the caller may see (BR-11: as far as the child agreed to share)."""

    id: UUID
    tool: ShortText
    child_id: PersonRef
    completed_on: dt.date


class AlertBrief(Output, kw_only=True):
    """An open alert on the case (shown to professionals only)."""

    id: UUID
    child_id: PersonRef
    reason: AlertReason
    detail: Text
    raised_at: Instant


class CaseSummary(Output, kw_only=True):
    """One screen of the family's Signs of Safety work, as this caller may see it."""

    case_id: UUID
    family_label: ShortText | None = None
    status: CaseStatus
    current_level: CaseLevel | None = None
    allocated_worker: PersonRef | None = None
    team: ShortText | None = None
    current_map: MapBrief | None = None
    dangers: Annotated[list[DangerBrief], Meta(max_length=SOME)] = []
    safety_plan: PlanBrief | None = None
    network: NetworkBrief
    voice: Annotated[list[VoiceBrief], Meta(max_length=FEW, description="The newest first.")] = []
    open_alerts: Annotated[list[AlertBrief], Meta(max_length=SOME)] = []
