"""Scaling questions and judgements: each person's 0-10 number, with their reason, over time (domain 2.9).

A judgement is append-only (domain 3.6): a correction is a new judgement whose `corrects` names the old one.
The standard safety scale: 10 means everyone agrees the child is safe enough for the case to close; 0 means
things are so bad the child cannot safely stay where they are. Some councils invert it, so the polarity is
stored with every question and never assumed (BR-01).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from ._base import (
    Attribution,
    Input,
    Instant,
    Output,
    RecordMeta,
    Score,
    Shareable,
    Text,
    require,
)

__all__ = [
    "JudgementMethod",
    "Polarity",
    "ScaleAnswer",
    "ScalingJudgement",
    "ScalingJudgementCreate",
    "ScalingKind",
    "ScalingQuestion",
    "ScalingQuestionCreate",
    "ScalingSubject",
    "ScalingSubjectType",
]


class ScalingKind(enum.StrEnum):
    """What a scale measures. `safety` is the main Signs of Safety scale."""

    safety = "safety"
    wellbeing = "wellbeing"
    success = "success"
    willingness = "willingness"
    capacity = "capacity"
    confidence = "confidence"
    progress = "progress"
    need_met = "need_met"
    worry = "worry"
    implementation = "implementation"
    other = "other"


class Polarity(enum.StrEnum):
    """Which end of the scale is good. Stored, never assumed: analytics normalise."""

    ten_is_best = "ten_is_best"
    ten_is_worst = "ten_is_worst"


class ScalingSubjectType(enum.StrEnum):
    """What a scaling question is about."""

    danger_goal = "danger_goal"
    map_overall = "map_overall"
    safety_plan = "safety_plan"
    plan = "plan"
    pathway_area = "pathway_area"
    placement = "placement"
    organisation = "organisation"


class JudgementMethod(enum.StrEnum):
    """How the number was given; `written_independently` = scored before hearing others."""

    spoken = "spoken"
    written_independently = "written_independently"
    safety_path = "safety_path"
    faces_or_characters = "faces_or_characters"
    other = "other"


QuestionText = Annotated[str, Meta(min_length=1, max_length=500, description="The question exactly as asked.")]
AnchorText = Annotated[
    str,
    Meta(min_length=1, max_length=500, description="What this end of the scale means, in plain language."),
]


class ScalingSubject(Output, kw_only=True):
    """The thing a question is about: a danger/goal pair, a whole map, a plan, a pathway area..."""

    type: ScalingSubjectType
    id: UUID


class ScalingQuestionCreate(Shareable, kw_only=True):
    """A 0-10 question with both ends defined, asked of everyone involved (BR-01).

    The subject is set by the server from where the question is created (a danger statement, a map...).
    """

    kind: ScalingKind
    question_text: QuestionText
    anchor_10: AnchorText
    anchor_0: AnchorText
    polarity: Polarity = Polarity.ten_is_best
    escalation_threshold: Annotated[
        Score | None,
        Meta(description="Council rule: a judgement at or past this value prompts escalation (e.g. 2)."),
    ] = None


class ScalingQuestion(ScalingQuestionCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored scaling question."""

    id: UUID
    subject: ScalingSubject
    meta: RecordMeta


class ScalingJudgementCreate(Shareable, kw_only=True):
    """One person's number on a scale and their reason (append-only; BR-02).

    `value` is a whole number 0-10: 5.5, 11 and -1 are refused. To correct a judgement, record a new one
    whose `corrects` is the old judgement's id.
    """

    value: Score
    perspective: Attribution
    reason: Text | None = None
    one_point_higher: Annotated[Text | None, Meta(description="What would move the number up by one.")] = None
    method: JudgementMethod | None = None
    occasion_id: Annotated[
        UUID | None,
        Meta(description="The meeting or map version at which the judgement was given."),
    ] = None
    corrects: Annotated[UUID | None, Meta(description="Id of the judgement this one corrects.")] = None
    given_on: Annotated[
        dt.date | None,
        Meta(
            description="The day the person gave this number, when it is recorded later (e.g. after a meeting). "
            "Empty means the day it is recorded. Series are charted by this date."
        ),
    ] = None


class ScalingJudgement(ScalingJudgementCreate, kw_only=True, forbid_unknown_fields=False):
    """A stored judgement. Never edited: corrections are new judgements (domain 3.6)."""

    id: UUID
    question_id: UUID
    recorded_at: Instant
    meta: RecordMeta


class ScaleAnswer(Input, kw_only=True):
    """A scaling question and one answer carried inside another record (a referral, a contribution).

    The anchors travel with the number so the answer can be read without the question record.
    """

    kind: ScalingKind = ScalingKind.safety
    question_text: QuestionText
    anchor_10: AnchorText
    anchor_0: AnchorText
    polarity: Polarity = Polarity.ten_is_best
    value: Score
    perspective: Attribution
    reason: Text | None = None
    one_point_higher: Text | None = None

    def __post_init__(self) -> None:
        require(self.anchor_0 != self.anchor_10, "anchor_0 and anchor_10 must describe different ends of the scale")
