"""Examples for the shared Structs in sos_schema._base."""

from typing import Any

from sos_schema import Attribution, Dispute, EnteredInError, EnteredInErrorCreate, Period, RecordMeta, SourceRef

MUM = "0b0c0d0e-0000-4000-8000-000000000001"
DAD = "0b0c0d0e-0000-4000-8000-000000000003"

VALID: list[tuple[type, dict[str, Any]]] = [
    (Attribution, {"perspective_role": "child", "perspective_person_id": MUM, "own_words": True}),
    (Attribution, {"perspective_role": "shared", "own_words": False, "agreed_by": [MUM, DAD]}),
    (
        Attribution,
        {
            "perspective_role": "agency",
            "perspective_person_id": MUM,
            "agency_type": "school_dsl",
            "own_words": False,
            "disputed_by": [{"person_id": DAD, "note": "Dad says this did not happen."}],
            "source_note": "Reported by the school on 3 November.",
        },
    ),
    (Dispute, {"person_id": DAD}),
    (EnteredInError, {"reason": "Recorded on the wrong child.", "by": "worker-1", "at": "2026-11-02T10:00:00Z"}),
    (EnteredInErrorCreate, {"reason": "Recorded on the wrong child."}),
    (Period, {"start": "2026-01-01", "end": "2026-03-01"}),
    (Period, {"start": "2026-01-01"}),
    (
        RecordMeta,
        {
            "la_code": "845",
            "version": 3,
            "created_at": "2026-11-02T10:00:00Z",
            "created_by": "worker-1",
            "recorded_by": "worker-2",
            "updated_at": "2026-11-03T10:00:00+01:00",
            "case_id": MUM,
        },
    ),
    (
        RecordMeta,
        {
            "la_code": "845",
            "version": 1,
            "created_at": "2026-11-02T10:00:00Z",
            "created_by": "mosaic-sync",
            "recorded_by": "mosaic-sync",
            "updated_at": "2026-11-02T10:00:00Z",
            "source": {"system": "https://sos-casework.org.uk/id/la/845/cp-plan", "source_id": "CPPL-123"},
        },
    ),
    (
        RecordMeta,
        {
            "la_code": "845",
            "version": 2,
            "created_at": "2026-11-02T10:00:00Z",
            "created_by": "w",
            "recorded_by": "w",
            "updated_at": "2026-11-03T10:00:00Z",
            "entered_in_error": {"reason": "Merged.", "by": "w", "at": "2026-11-03T10:00:00Z"},
            "merged_into": MUM,
        },
    ),
    (SourceRef, {"system": "https://sos.example/id/la/845/case", "source_id": "CASE-123"}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (Attribution, {"perspective_role": "child", "own_words": True}, "perspective_person_id", True),
    (
        Attribution,
        {"perspective_role": "grandad", "perspective_person_id": MUM, "own_words": True},
        "$.perspective_role",
        False,
    ),
    (
        Attribution,
        {"perspective_role": "shared", "own_words": False, "agreed_by": [MUM, MUM]},
        "more than once",
        True,
    ),
    (Period, {"start": "2026-03-01", "end": "2026-01-01"}, "before the start", True),
    (Period, {"start": "2026-02-30"}, "$.start", False),
    (
        RecordMeta,
        {
            "la_code": "84",
            "version": 1,
            "created_at": "2026-11-02T10:00:00Z",
            "created_by": "w",
            "recorded_by": "w",
            "updated_at": "2026-11-02T10:00:00Z",
        },
        "$.la_code",
        False,
    ),
    (
        RecordMeta,
        {
            "la_code": "845",
            "version": 0,
            "created_at": "2026-11-02T10:00:00Z",
            "created_by": "w",
            "recorded_by": "w",
            "updated_at": "2026-11-02T10:00:00Z",
        },
        "$.version",
        False,
    ),
    (EnteredInError, {"reason": "x", "by": "w", "at": "2026-11-02T10:00:00"}, "$.at", False),
    (EnteredInErrorCreate, {}, "reason", False),
    (EnteredInErrorCreate, {"reason": "x", "by": "someone-else"}, "by", False),
    (SourceRef, {"system": "cms", "source_id": " spaced"}, "$.source_id", False),
]
