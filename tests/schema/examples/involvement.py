"""Examples for sos_schema.involvement."""

from typing import Any

from sos_schema import CaseInvolvement, CaseInvolvementCreate, CaseInvolvementEnd
from tests.schema.examples.scaling import META

CASE = "0b0c0d0e-0000-4000-8000-0000000000c1"
CHAIR = "0b0c0d0e-0000-4000-8000-0000000000c2"
ID = "0b0c0d0e-0000-4000-8000-0000000000c3"
AGENCY: dict[str, Any] = {
    "kind": "agency",
    "organisation": "ods:RX1",
    "reason": "invited_to_meeting",
    "start_date": "2026-11-02",
}
CHAIRING: dict[str, Any] = {
    "kind": "conference_chair",
    "person_id": CHAIR,
    "reason": "statutory_role",
    "start_date": "2026-11-02",
}

VALID: list[tuple[type, dict[str, Any]]] = [
    (CaseInvolvementCreate, AGENCY),
    (CaseInvolvementCreate, CHAIRING),
    (CaseInvolvementCreate, {**AGENCY, "organisation": "police:01", "reason": "other", "note": "Domestic abuse unit."}),
    (CaseInvolvement, {**AGENCY, "id": ID, "case_id": CASE, "status": "active", "meta": META}),
    (
        CaseInvolvement,
        {**CHAIRING, "id": ID, "case_id": CASE, "status": "ended", "end_date": "2026-12-01", "meta": META},
    ),
    (CaseInvolvementEnd, {"end_date": "2026-12-01"}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (CaseInvolvementCreate, {**AGENCY, "organisation": "nhs:RX1"}, "$.organisation", False),
    (CaseInvolvementCreate, {**AGENCY, "organisation": "la:84"}, "$.organisation", False),
    (CaseInvolvementCreate, {k: v for k, v in AGENCY.items() if k != "organisation"}, "organisation is required", True),
    (CaseInvolvementCreate, {k: v for k, v in CHAIRING.items() if k != "person_id"}, "person_id is required", True),
    (CaseInvolvementCreate, {**AGENCY, "reason": "other"}, "note is required", True),
    (CaseInvolvementCreate, {**AGENCY, "kind": "police"}, "$.kind", False),
    (
        CaseInvolvement,
        {**AGENCY, "id": ID, "case_id": CASE, "status": "ended", "meta": META},
        "an ended involvement has end_date",
        True,
    ),
    (
        CaseInvolvement,
        {**AGENCY, "id": ID, "case_id": CASE, "status": "ended", "end_date": "2026-11-01", "meta": META},
        "before the start",
        True,
    ),
]
