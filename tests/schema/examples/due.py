"""Examples for sos_schema.due."""

from typing import Any

from sos_schema import DueWork, DueWorkList

ITEM: dict[str, Any] = {
    "what": "referral_decision",
    "kind": "referral",
    "record_id": "0b0c0d0e-0000-4000-8000-0000000000e1",
    "case_id": "0b0c0d0e-0000-4000-8000-0000000000c0",
    "child_ids": ["0b0c0d0e-0000-4000-8000-000000000002"],
    "due_by": "2026-12-29",
    "working_days_remaining": -2,
    "overdue": True,
}

VALID: list[tuple[type, dict[str, Any]]] = [
    (DueWork, ITEM),
    (
        DueWork,
        {**ITEM, "what": "placement_plan", "kind": "statutory_plan", "working_days_remaining": 3, "overdue": False},
    ),
    (DueWork, {k: v for k, v in ITEM.items() if k not in ("case_id", "child_ids")}),
    (DueWorkList, {"team": "Team North", "as_of": "2026-12-31", "items": [ITEM]}),
    (DueWorkList, {"team": "Team North", "as_of": "2026-12-31", "items": []}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (DueWork, {**ITEM, "what": "tea_break"}, "$.what", False),
    (DueWork, {**ITEM, "due_by": "29/12/2026"}, "$.due_by", False),
    (DueWorkList, {"team": "", "as_of": "2026-12-31", "items": []}, "$.team", False),
]
