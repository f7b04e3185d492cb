"""Examples for sos_schema.changes."""

from typing import Any

from sos_schema import Change, ChangePage

ITEM: dict[str, Any] = {
    "position": "7741.1203",
    "type": "statutory_plan",
    "id": "0b0c0d0e-0000-4000-8000-0000000000e1",
    "version": 3,
    "op": "upsert",
    "changed_at": "2026-12-01T09:30:00Z",
    "actor": "liquidlogic-sync",
    "source_system": "liquidlogic",
    "case_id": "0b0c0d0e-0000-4000-8000-0000000000c0",
    "href": "/v1/statutory-plans/0b0c0d0e-0000-4000-8000-0000000000e1/versions/3",
}
TOMBSTONE: dict[str, Any] = {**ITEM, "op": "delete", "reason": "entered-in-error", "version": 4}
# Interop R4: a person merged away, naming the survivor.
MERGE: dict[str, Any] = {
    **ITEM,
    "type": "person",
    "op": "merge",
    "reason": "merged",
    "merged_into": "0b0c0d0e-0000-4000-8000-0000000000a1",
    "href": "/v1/people/0b0c0d0e-0000-4000-8000-0000000000e1/versions/3",
}
SYNCED: dict[str, Any] = {**ITEM, "source_system": "https://sos-casework.org.uk/id/la/845/cp-plan"}

VALID: list[tuple[type, dict[str, Any]]] = [
    (Change, ITEM),
    (Change, TOMBSTONE),
    (Change, MERGE),
    (Change, SYNCED),
    (Change, {k: v for k, v in ITEM.items() if k not in ("source_system", "case_id")}),
    (ChangePage, {"items": [ITEM, TOMBSTONE], "next_cursor": "WzEsMl0.abc"}),
    (ChangePage, {"items": [], "next_cursor": "WzEsMl0.abc"}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (Change, {**ITEM, "op": "moved"}, "$.op", False),
    (Change, {**MERGE, "merged_into": "the other one"}, "$.merged_into", False),
    (Change, {**ITEM, "reason": "tidied-up"}, "$.reason", False),
    (Change, {**ITEM, "position": "12"}, "$.position", False),
    (Change, {**ITEM, "href": "https://elsewhere.example/x"}, "$.href", False),
    (ChangePage, {"items": []}, "next_cursor", False),
]
