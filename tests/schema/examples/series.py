"""Examples for sos_schema.series."""

from typing import Any

from sos_schema import ScalingPoint, ScalingSeries

DANGER = "0b0c0d0e-0000-4000-8000-0000000000d1"
QUESTION = "0b0c0d0e-0000-4000-8000-0000000000a1"
JUDGEMENT = "0b0c0d0e-0000-4000-8000-0000000000b1"
MUM = "0b0c0d0e-0000-4000-8000-000000000001"
POINT: dict[str, Any] = {
    "date": "2026-10-01",
    "recorded_at": "2026-10-01T14:00:00Z",
    "value": 3,
    "perspective_role": "social_worker",
    "reason": "Dad was drunk at home twice this month.",
    "judgement_id": JUDGEMENT,
    "question_id": QUESTION,
}

VALID: list[tuple[type, dict[str, Any]]] = [
    (ScalingPoint, POINT),
    (ScalingPoint, {**POINT, "perspective_role": "shared", "agreed_by": [MUM], "corrected": True}),
    (ScalingSeries, {"danger_id": DANGER}),
    (
        ScalingSeries,
        {
            "danger_id": DANGER,
            "question_id": QUESTION,
            "kind": "safety",
            "question_text": "How safe is Amira at home?",
            "anchor_10": "Safe enough to close.",
            "anchor_0": "Cannot safely stay at home.",
            "polarity": "ten_is_best",
            "points": [POINT, {**POINT, "date": "2026-11-01", "value": 6}],
        },
    ),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (ScalingPoint, {**POINT, "value": 11}, "$.value", False),
    (ScalingPoint, {**POINT, "date": "2026-13-01"}, "$.date", False),
    (ScalingSeries, {"danger_id": DANGER, "polarity": "sideways"}, "$.polarity", False),
]
