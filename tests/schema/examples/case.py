"""Examples for sos_schema.case."""

from typing import Any

from sos_schema import (
    Case,
    CaseClose,
    CaseCreate,
    CaseMember,
    ChildEpisode,
    ChildEpisodeCreate,
    ChildEpisodeEnd,
    RestrictedFlag,
    StepChange,
    StepChangeCreate,
)

CHILD = "0b0c0d0e-0000-4000-8000-000000000002"
BABY = "0b0c0d0e-0000-4000-8000-000000000004"
MUM = "0b0c0d0e-0000-4000-8000-000000000001"
WORKER = "0b0c0d0e-0000-4000-8000-000000000010"
MANAGER = "0b0c0d0e-0000-4000-8000-000000000011"
ID = "0b0c0d0e-0000-4000-8000-0000000000aa"
OTHER_CASE = "0b0c0d0e-0000-4000-8000-0000000000bb"
EARLIER_EPISODE = "0b0c0d0e-0000-4000-8000-0000000000cc"
META = {
    "la_code": "845",
    "version": 1,
    "created_at": "2026-11-02T10:00:00Z",
    "created_by": "worker-1",
    "recorded_by": "worker-1",
    "updated_at": "2026-11-02T10:00:00Z",
}

CASE: dict[str, Any] = {
    "family_label": "Khan family",
    "members": [{"person_id": CHILD, "role": "child"}, {"person_id": MUM, "role": "parent"}],
    "opened_on": "2026-11-02",
}
FULL_CASE: dict[str, Any] = {
    **CASE,
    "cms_case_ref": "CASE-000123",
    "members": [*CASE["members"], {"person_id": BABY, "role": "unborn_child"}],
    "household_address": {"lines": ["1 Example Street"], "town": "Exampleton", "postcode": "LS1 4AP"},
    "language": "pa",
    "interpreter_needed": True,
    "allocated_worker": WORKER,
    "team": "Assessment Team North",
    "team_manager": MANAGER,
    "restricted": {"reason": "staff_or_relative"},
    "linked_cases": [OTHER_CASE],
}
EPISODE: dict[str, Any] = {
    "child_id": CHILD,
    "level": "child_in_need",
    "legal_basis": "s17",
    "start_date": "2026-11-02",
    "start_reason": "new_referral",
}
STEP_DOWN: dict[str, Any] = {
    "child_ids": [CHILD],
    "from_level": "child_in_need",
    "to_level": "early_help",
    "decided_on": "2027-03-01",
    "reason": "The safety goal has been met for three months.",
    "family_consent": True,
}

VALID: list[tuple[type, dict[str, Any]]] = [
    (CaseMember, {"person_id": MUM, "role": "carer"}),
    (RestrictedFlag, {"reason": "other", "note": "Family of a councillor."}),
    (RestrictedFlag, {"reason": "staff_or_relative", "named_users": ["0b0c0d0e-0000-4000-8000-0000000000a1"]}),
    (CaseCreate, CASE),
    (CaseCreate, FULL_CASE),
    (CaseCreate, {**CASE, "members": [{"person_id": BABY, "role": "unborn_child"}]}),
    (Case, {**FULL_CASE, "id": ID, "meta": META, "status": "open", "current_level": "child_protection"}),
    (
        Case,
        {
            **CASE,
            "id": ID,
            "meta": META,
            "status": "closed",
            "closed_on": "2027-06-01",
            "closure_reason": "goals_achieved",
            "closure_note": "Safety plan sustained for six months.",
        },
    ),
    (CaseClose, {"closed_on": "2027-06-01", "closure_reason": "stepped_down_universal"}),
    (CaseClose, {"closed_on": "2027-06-01", "closure_reason": "other", "note": "Family emigrated."}),
    (ChildEpisodeCreate, EPISODE),
    (
        ChildEpisodeCreate,
        {
            **EPISODE,
            "end_date": "2027-03-01",
            "end_reason": "other",
            "end_reason_note": "Moved to live with grandparents in Scotland.",
        },
    ),
    (
        ChildEpisodeCreate,
        {
            "child_id": CHILD,
            "level": "early_help",
            "legal_basis": "none_consent",
            "start_date": "2026-01-01",
            "start_reason": "stepped_down",
        },
    ),
    (
        ChildEpisodeCreate,
        {
            "child_id": CHILD,
            "level": "care_leaver",
            "legal_basis": "care_leaver_duty",
            "start_date": "2026-01-01",
            "start_reason": "other",
            "start_reason_note": "Turned 18 while looked after.",
        },
    ),
    (
        ChildEpisode,
        {**EPISODE, "id": ID, "meta": META, "stepped_from": EARLIER_EPISODE, "re_referral_within_12m": True},
    ),
    (StepChangeCreate, STEP_DOWN),
    (
        StepChangeCreate,
        {
            **STEP_DOWN,
            "family_consent": False,
            "rejected_reason": "Mum does not want early help; case closes with advice.",
        },
    ),
    (
        StepChangeCreate,
        {
            "child_ids": [CHILD, BABY],
            "from_level": "early_help",
            "to_level": "child_in_need",
            "decided_on": "2027-03-01",
            "reason": "Worries about Dad's drinking have grown.",
            "legal_basis": "s17",
            "handover_meeting_on": "2027-03-05",
            "receiving_lead": WORKER,
            "plan_carried_over": ID,
        },
    ),
    (
        StepChangeCreate,
        {
            **STEP_DOWN,
            "from_level": "child_protection",
            "to_level": "looked_after",
            "family_consent": None,
            "legal_basis": "s20_accommodated",
        },
    ),
    (StepChange, {**STEP_DOWN, "id": ID, "meta": META, "recorded_at": "2027-03-01T12:00:00Z"}),
    (StepChange, {**STEP_DOWN, "id": ID, "meta": META, "decided_by": MANAGER, "recorded_at": "2027-03-01T12:00:00Z"}),
    (ChildEpisodeEnd, {"end_date": "2027-03-01", "end_reason": "goals_achieved"}),
    (ChildEpisodeEnd, {"end_date": "2027-03-01", "end_reason": "other", "end_reason_note": "Moved to Scotland."}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (CaseCreate, {**CASE, "members": [{"person_id": MUM, "role": "parent"}]}, "at least one child", True),
    (CaseCreate, {**CASE, "members": []}, "$.members", False),
    (
        CaseCreate,
        {**CASE, "members": [*CASE["members"], {"person_id": CHILD, "role": "household_member"}]},
        "members lists the same item",
        True,
    ),
    (CaseCreate, {**CASE, "linked_cases": [OTHER_CASE, OTHER_CASE]}, "linked_cases lists the same item", True),
    (CaseCreate, {**CASE, "members": [{"person_id": CHILD, "role": "cousin"}]}, "$.members[0].role", False),
    (CaseCreate, {**CASE, "language": "Punjabi"}, "$.language", False),
    (CaseCreate, {**CASE, "status": "open"}, "status", False),
    (CaseCreate, {k: v for k, v in CASE.items() if k != "opened_on"}, "opened_on", False),
    (CaseCreate, {**CASE, "restricted": {"reason": "other"}}, "note is required when reason is other", True),
    (CaseCreate, {**CASE, "restricted": {"reason": "famous"}}, "$.restricted.reason", False),
    (CaseCreate, {**CASE, "household_address": {"lines": ["1 Street"], "postcode": "nope"}}, "postcode", False),
    (CaseCreate, {**CASE, "visibility": "professionals_only"}, "withheld_reason", True),
    (
        Case,
        {**CASE, "id": ID, "meta": META, "status": "closed"},
        "a closed case has closed_on and closure_reason",
        True,
    ),
    (
        Case,
        {
            **CASE,
            "id": ID,
            "meta": META,
            "status": "closed",
            "closed_on": "2026-11-01",
            "closure_reason": "died",
        },
        "case: the end",
        True,
    ),
    (CaseClose, {"closed_on": "2027-06-01", "closure_reason": "other"}, "note is required", True),
    (CaseClose, {"closed_on": "2027-06-01", "closure_reason": "bored"}, "$.closure_reason", False),
    (ChildEpisodeCreate, {**EPISODE, "end_date": "2026-11-01", "end_reason": "goals_achieved"}, "episode", True),
    (ChildEpisodeCreate, {**EPISODE, "end_date": "2027-01-01"}, "end_reason is required when end_date is set", True),
    (ChildEpisodeCreate, {**EPISODE, "end_reason": "goals_achieved"}, "end_reason is required when end_date", True),
    (ChildEpisodeCreate, {**EPISODE, "start_reason": "other"}, "start_reason_note is required", True),
    (
        ChildEpisodeCreate,
        {**EPISODE, "end_date": "2027-01-01", "end_reason": "other"},
        "end_reason_note is required",
        True,
    ),
    (ChildEpisodeCreate, {**EPISODE, "level": "early_help"}, "legal_basis none_consent", True),
    (ChildEpisodeCreate, {**EPISODE, "level": "care_leaver"}, "care_leaver_duty goes with level care_leaver", True),
    (ChildEpisodeCreate, {**EPISODE, "legal_basis": "care_leaver_duty"}, "care_leaver_duty goes with", True),
    (ChildEpisodeCreate, {**EPISODE, "legal_basis": "s99"}, "$.legal_basis", False),
    (ChildEpisodeCreate, {**EPISODE, "stepped_from": ID}, "stepped_from", False),
    (ChildEpisodeCreate, {**EPISODE, "re_referral_within_12m": True}, "re_referral_within_12m", False),
    (StepChangeCreate, {**STEP_DOWN, "family_consent": None}, "family_consent is required", True),
    (StepChangeCreate, {**STEP_DOWN, "family_consent": False}, "rejected_reason is required", True),
    (StepChangeCreate, {**STEP_DOWN, "to_level": "child_in_need"}, "must differ", True),
    (StepChangeCreate, {**STEP_DOWN, "child_ids": [CHILD, CHILD]}, "child_ids lists the same item", True),
    (StepChangeCreate, {**STEP_DOWN, "child_ids": []}, "$.child_ids", False),
    (StepChangeCreate, {**STEP_DOWN, "decided_by": MANAGER}, "decided_by", False),
    (StepChangeCreate, {**STEP_DOWN, "legal_basis": "s17"}, "legal_basis none_consent", True),
    (
        StepChangeCreate,
        {**STEP_DOWN, "to_level": "looked_after", "family_consent": None},
        "legal_basis is required when stepping to looked_after",
        True,
    ),
    (
        StepChangeCreate,
        {**STEP_DOWN, "to_level": "care_leaver", "family_consent": None, "legal_basis": "s17"},
        "care_leaver_duty goes with",
        True,
    ),
    (ChildEpisodeEnd, {"end_date": "2027-03-01", "end_reason": "stepped_up"}, "only through a step change", True),
    (ChildEpisodeEnd, {"end_date": "2027-03-01", "end_reason": "other"}, "end_reason_note is required", True),
    (ChildEpisodeEnd, {"end_date": "2027-03-01"}, "end_reason", False),
    (StepChangeCreate, {**STEP_DOWN, "recorded_at": "2027-03-01T12:00:00Z"}, "recorded_at", False),
]
