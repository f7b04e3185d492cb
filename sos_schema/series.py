"""A danger statement's scaling series: every judgement on its scale, in date order, as one trajectory.

Councils ask for "continuous assessment which shows change" (domain 3.3): because a danger statement's id
persists across map versions, every number given on its safety (or wellbeing) scale can be charted over the
life of the case. Each point says whose number it is (BR-02) and whether a later judgement corrected it
(domain 3.6: corrections are new judgements, the old one stays). The question's anchors and polarity travel
with the series, because some councils invert the scale (BR-01): never assume 10 is best.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from ._base import SOME, Instant, Output, PersonRef, PerspectiveRole, Score, Text
from .scaling import Polarity, ScalingKind

__all__ = ["ScalingPoint", "ScalingSeries"]

MAX_POINTS = 10_000

SeriesText = Annotated[str, Meta(min_length=1, max_length=500, description="Copied from the scaling question.")]


class ScalingPoint(Output, kw_only=True):
    """One judgement on the danger's scale: the number, whose it is, and why."""

    date: Annotated[
        dt.date,
        Meta(description="The day the number was given (`given_on`, else the London date it was recorded)."),
    ]
    recorded_at: Instant
    value: Score
    perspective_role: PerspectiveRole
    person_id: Annotated[
        PersonRef | None,
        Meta(description="Whose number it is; empty for a shared judgement (see `agreed_by`)."),
    ] = None
    agreed_by: Annotated[
        list[PersonRef],
        Meta(max_length=SOME, description="Everyone who holds this number (required for a shared judgement)."),
    ] = []
    reason: Annotated[Text | None, Meta(description="What makes it that number and not lower.")] = None
    judgement_id: UUID
    question_id: UUID
    corrects: Annotated[UUID | None, Meta(description="The earlier judgement this one corrects.")] = None
    corrected: Annotated[
        bool,
        Meta(description="True when a later judgement corrects this one; chart the correction instead."),
    ] = False


class ScalingSeries(Output, kw_only=True):
    """The trajectory of one danger (worry) statement: its scale and every judgement on it, oldest first.

    The question fields are empty while the danger has no scaling question yet. Polarity says which end is
    good: analytics normalise, they never assume (BR-01).
    """

    danger_id: UUID
    question_id: UUID | None = None
    kind: ScalingKind | None = None
    question_text: SeriesText | None = None
    anchor_10: SeriesText | None = None
    anchor_0: SeriesText | None = None
    polarity: Polarity | None = None
    escalation_threshold: Annotated[
        Score | None,
        Meta(description="Council rule: a judgement at or past this value prompts escalation."),
    ] = None
    points: Annotated[
        list[ScalingPoint],
        Meta(max_length=MAX_POINTS, description="Judgements ordered by date, then by when they were recorded."),
    ] = []
