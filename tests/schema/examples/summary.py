"""Examples for sos_schema.summary."""

from typing import Any

from sos_schema import (
    AlertBrief,
    CaseSummary,
    DangerBrief,
    LatestJudgement,
    MapBrief,
    NetworkBrief,
    PlanBrief,
    TrialBrief,
    VoiceBrief,
)

CASE = "0b0c0d0e-0000-4000-8000-0000000000c0"
CHILD = "0b0c0d0e-0000-4000-8000-000000000002"
WORKER = "0b0c0d0e-0000-4000-8000-000000000005"
DANGER = "0b0c0d0e-0000-4000-8000-0000000000d1"
QUESTION = "0b0c0d0e-0000-4000-8000-0000000000a1"
JUDGEMENT = "0b0c0d0e-0000-4000-8000-0000000000b1"
ID = "0b0c0d0e-0000-4000-8000-0000000000aa"

LATEST: dict[str, Any] = {
    "perspective_role": "social_worker",
    "person_id": WORKER,
    "value": 5,
    "date": "2026-11-20",
    "previous_value": 3,
    "trend": "improving",
    "judgement_id": JUDGEMENT,
}
DANGER_BRIEF: dict[str, Any] = {
    "id": DANGER,
    "version": 2,
    "text": "The school is worried Amira could be hurt when adults fight at home.",
    "status": "active",
    "child_ids": [CHILD],
    "question_id": QUESTION,
    "polarity": "ten_is_best",
    "latest": [LATEST],
}
TRIAL: dict[str, Any] = {
    "started_on": "2026-11-10",
    "ends_on": "2026-12-22",
    "check_in_every_days": 7,
    "days_left": 21,
    "check_ins": 3,
    "rules_active": 2,
    "rules_checked": 2,
}
PLAN: dict[str, Any] = {
    "id": ID,
    "kind": "family_safety_plan",
    "status": "in_trial",
    "child_ids": [CHILD],
    "agreed_at": "2026-11-09T16:00:00Z",
    "review_on": "2027-01-15",
    "trial": TRIAL,
}
NETWORK: dict[str, Any] = {"networks": 1, "members": 4, "natural_members": 4, "committed": 4, "know_dangers": 3}
SUMMARY: dict[str, Any] = {
    "case_id": CASE,
    "family_label": "Khan family",
    "status": "open",
    "allocated_worker": WORKER,
    "team": "Team East",
    "current_map": {"id": ID, "map_version": 2, "status": "current", "overall_question_id": QUESTION},
    "dangers": [DANGER_BRIEF],
    "safety_plan": PLAN,
    "network": NETWORK,
    "voice": [{"id": ID, "tool": "three_houses", "child_id": CHILD, "completed_on": "2026-11-24"}],
    "open_alerts": [
        {
            "id": ID,
            "child_id": CHILD,
            "reason": "child_feels_unsafe",
            "detail": "A worry Amira says makes her feel unsafe: When Dad shouts at Mum",
            "raised_at": "2026-11-24T15:00:00Z",
        }
    ],
}

VALID: list[tuple[type, dict[str, Any]]] = [
    (LatestJudgement, LATEST),
    (LatestJudgement, {**LATEST, "previous_value": None, "trend": "first"}),
    (DangerBrief, DANGER_BRIEF),
    (DangerBrief, {**DANGER_BRIEF, "question_id": None, "polarity": None, "latest": []}),
    (MapBrief, SUMMARY["current_map"]),
    (TrialBrief, TRIAL),
    (PlanBrief, PLAN),
    (PlanBrief, {**PLAN, "status": "agreed", "trial": None, "stale": True, "stale_dangers": [DANGER]}),
    (NetworkBrief, NETWORK),
    (VoiceBrief, SUMMARY["voice"][0]),
    (AlertBrief, SUMMARY["open_alerts"][0]),
    (CaseSummary, SUMMARY),
    (CaseSummary, {"case_id": CASE, "status": "open", "network": {**NETWORK, "networks": 0, "members": 0}}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (LatestJudgement, {**LATEST, "value": 11}, "$.value", False),
    (LatestJudgement, {**LATEST, "trend": "sideways"}, "$.trend", False),
    (TrialBrief, {**TRIAL, "days_left": -1}, "$.days_left", False),
    (CaseSummary, {"case_id": CASE, "status": "open"}, "network", False),
]
