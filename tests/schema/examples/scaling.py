"""Examples for sos_schema.scaling."""

from typing import Any

from sos_schema import (
    ScaleAnswer,
    ScalingJudgement,
    ScalingJudgementCreate,
    ScalingQuestion,
    ScalingQuestionCreate,
    ScalingSubject,
)

MUM = "0b0c0d0e-0000-4000-8000-000000000001"
CHILD = "0b0c0d0e-0000-4000-8000-000000000002"
ID = "0b0c0d0e-0000-4000-8000-0000000000aa"
META = {
    "la_code": "845",
    "version": 1,
    "created_at": "2026-11-02T10:00:00Z",
    "created_by": "worker-1",
    "recorded_by": "worker-1",
    "updated_at": "2026-11-02T10:00:00Z",
}
QUESTION: dict[str, Any] = {
    "kind": "safety",
    "question_text": "On a scale of 0 to 10, how safe is Amira at home?",
    "anchor_10": "Everyone agrees Amira is safe enough for the case to close.",
    "anchor_0": "Things are so bad Amira cannot safely stay at home.",
}
JUDGEMENT: dict[str, Any] = {
    "value": 6,
    "perspective": {"perspective_role": "parent_carer", "perspective_person_id": MUM, "own_words": True},
    "reason": "Dad has not been drinking at home for six weeks.",
}
ANSWER: dict[str, Any] = {**QUESTION, **JUDGEMENT}

VALID: list[tuple[type, dict[str, Any]]] = [
    (ScalingQuestionCreate, QUESTION),
    (ScalingQuestionCreate, {**QUESTION, "polarity": "ten_is_worst", "escalation_threshold": 2}),
    (ScalingQuestion, {**QUESTION, "id": ID, "subject": {"type": "danger_goal", "id": ID}, "meta": META}),
    (ScalingSubject, {"type": "map_overall", "id": ID}),
    (ScalingJudgementCreate, JUDGEMENT),
    (ScalingJudgementCreate, {**JUDGEMENT, "value": 0, "method": "safety_path"}),
    (ScalingJudgementCreate, {**JUDGEMENT, "value": 10}),
    (
        ScalingJudgement,
        {**JUDGEMENT, "id": ID, "question_id": ID, "recorded_at": "2026-11-02T10:00:00Z", "meta": META},
    ),
    (ScaleAnswer, ANSWER),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (ScalingJudgementCreate, {**JUDGEMENT, "value": 11}, "$.value", False),
    (ScalingJudgementCreate, {**JUDGEMENT, "value": -1}, "$.value", False),
    (ScalingJudgementCreate, {**JUDGEMENT, "value": 5.5}, "$.value", False),
    (ScalingJudgementCreate, {**JUDGEMENT, "value": "7"}, "$.value", False),
    (ScalingJudgementCreate, {**JUDGEMENT, "colour": "red"}, "colour", False),
    (ScalingJudgementCreate, {k: v for k, v in JUDGEMENT.items() if k != "perspective"}, "perspective", False),
    (
        ScalingJudgementCreate,
        {**JUDGEMENT, "perspective": {"perspective_role": "child", "own_words": True}},
        "perspective_person_id is required",
        True,
    ),
    (
        ScalingJudgementCreate,
        {**JUDGEMENT, "perspective": {"perspective_role": "shared", "own_words": False}},
        "agreed_by",
        True,
    ),
    (
        ScalingJudgementCreate,
        {**JUDGEMENT, "perspective": {"perspective_role": "agency", "perspective_person_id": MUM, "own_words": False}},
        "agency_type",
        True,
    ),
    (ScalingJudgementCreate, {**JUDGEMENT, "visibility": "restricted"}, "withheld_reason", True),
    (ScalingQuestionCreate, {**QUESTION, "polarity": "sideways"}, "$.polarity", False),
    (ScalingQuestionCreate, {**QUESTION, "question_text": ""}, "$.question_text", False),
    (ScaleAnswer, {**ANSWER, "anchor_0": ANSWER["anchor_10"]}, "different ends", True),
]
