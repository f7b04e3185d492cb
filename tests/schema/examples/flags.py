"""Examples for sos_schema.flags."""

from typing import Any

from sos_schema import Flag, FlagAccess, FlagAccessList, FlagList, ResponsibleCouncil

COUNCIL: dict[str, Any] = {
    "code": "845",
    "name": "Example City Council",
    "office_hours_phone": "0113 496 0001",
    "out_of_hours_phone": "0113 496 0999",
}
CP_FLAG: dict[str, Any] = {
    "plan_type": "child_protection",
    "start": "2026-10-02",
    "end": None,
    "responsible_la": COUNCIL,
}
ACCESS: dict[str, Any] = {
    "at": "2026-11-02T21:40:00Z",
    "user": "ed-system",
    "role": "partner_system",
    "organisation": "ods:RX1",
    "unscheduled": True,
    "purpose": "direct_work",
}

VALID: list[tuple[type, dict[str, Any]]] = [
    (ResponsibleCouncil, COUNCIL),
    (ResponsibleCouncil, {"code": "846", "name": "Local authority 846"}),
    (Flag, CP_FLAG),
    (Flag, {**CP_FLAG, "plan_type": "looked_after", "end": "2026-09-30"}),
    (FlagList, {"items": [CP_FLAG]}),
    (FlagList, {"items": []}),
    (FlagAccess, ACCESS),
    (FlagAccessList, {"items": [ACCESS, {**ACCESS, "unscheduled": False, "client_app": "ed-client"}]}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (ResponsibleCouncil, {**COUNCIL, "code": "8450"}, "$.code", False),
    (ResponsibleCouncil, {**COUNCIL, "office_hours_phone": "call us"}, "$.office_hours_phone", False),
    (Flag, {**CP_FLAG, "plan_type": "early_help"}, "$.plan_type", False),
    (FlagAccess, {k: v for k, v in ACCESS.items() if k != "unscheduled"}, "unscheduled", False),
]
