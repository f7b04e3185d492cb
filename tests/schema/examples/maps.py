"""Examples for sos_schema.maps."""

from typing import Any

from sos_schema import (
    AssessmentMap,
    AssessmentMapCreate,
    ComplicatingFactorEntry,
    DangerStatement,
    DangerStatementCreate,
    DangerVersionRef,
    ExistingSafetyEntry,
    ExistingStrengthEntry,
    FamilyGoal,
    GreyAreaEntry,
    HarmEntry,
    MapEntry,
    MapFinalise,
    NextStepEntry,
    Participant,
    SafetyGoal,
    SafetyGoalCreate,
    When,
    WhoIsWorried,
)

MUM = "0b0c0d0e-0000-4000-8000-000000000001"
CHILD = "0b0c0d0e-0000-4000-8000-000000000002"
SIBLING = "0b0c0d0e-0000-4000-8000-000000000003"
DAD = "0b0c0d0e-0000-4000-8000-000000000004"
WORKER = "0b0c0d0e-0000-4000-8000-000000000005"
MANAGER = "0b0c0d0e-0000-4000-8000-000000000006"
NAN = "0b0c0d0e-0000-4000-8000-000000000007"
OTHER_CHILD = "0b0c0d0e-0000-4000-8000-000000000099"
ID = "0b0c0d0e-0000-4000-8000-0000000000aa"
DANGER = "0b0c0d0e-0000-4000-8000-0000000000d1"
ENTRY_ID = "0b0c0d0e-0000-4000-8000-0000000000e1"
META = {
    "la_code": "845",
    "version": 1,
    "created_at": "2026-11-02T10:00:00Z",
    "created_by": "worker-1",
    "recorded_by": "worker-1",
    "updated_at": "2026-11-02T10:00:00Z",
}
MUM_VIEW = {"perspective_role": "parent_carer", "perspective_person_id": MUM, "own_words": True}
WORKER_VIEW = {"perspective_role": "social_worker", "perspective_person_id": WORKER, "own_words": False}

HARM: dict[str, Any] = {
    "category": "harm",
    "text": "Dad hit Amira on the arm when he had been drinking, leaving a bruise seen by school.",
    "perspective": WORKER_VIEW,
    "child_ids": [CHILD],
    "order": 1,
    "when": {"date": "2026-09-14"},
    "impact_on_child": "Amira was hurt and told her teacher she is scared when Dad drinks.",
    "severity": "serious",
}
COMPLICATING: dict[str, Any] = {
    "category": "complicating_factor",
    "text": "The family are behind on rent and worried about being evicted.",
    "perspective": MUM_VIEW,
    "order": 2,
}
STRENGTH: dict[str, Any] = {
    "category": "existing_strength",
    "text": "Mum gets both children to school on time every day.",
    "perspective": WORKER_VIEW,
    "order": 3,
    "when": {"start": "2026-01-05", "recurring": True, "frequency": "every school day"},
}
SAFETY: dict[str, Any] = {
    "category": "existing_safety",
    "text": "When Dad came home drunk, Mum took the children to Nan's for the night.",
    "perspective": MUM_VIEW,
    "order": 4,
    "when": {"start": "2026-08-01", "end": "2026-10-01", "recurring": True, "frequency": "twice"},
    "danger_ids": [DANGER],
}
GREY: dict[str, Any] = {
    "category": "grey_area",
    "text": "We do not yet know whether Dad is still drinking during the week.",
    "perspective": WORKER_VIEW,
    "order": 5,
}
NEXT_STEP: dict[str, Any] = {
    "category": "next_step",
    "text": "Nan and Mum will meet the worker to talk about who could help at weekends.",
    "perspective": WORKER_VIEW,
    "order": 6,
    "owner": WORKER,
    "due_on": "2026-11-20",
}
QUESTION: dict[str, Any] = {
    "kind": "safety",
    "question_text": "On a scale of 0 to 10, how safe is Amira at home?",
    "anchor_10": "Everyone agrees Amira is safe enough for the case to close.",
    "anchor_0": "Things are so bad Amira cannot safely stay at home.",
}
MAP: dict[str, Any] = {
    "children": [CHILD, SIBLING],
    "context": "assessment",
    "framing": "safety",
    "mapped_on": "2026-11-02",
    "participants": [
        {"person_id": MUM, "role": "mum", "present": True},
        {"person_id": DAD, "role": "dad", "present": False},
    ],
    "entries": [HARM, COMPLICATING, STRENGTH, SAFETY, GREY, NEXT_STEP],
    "danger_ids": [DANGER],
    "family_goals": [{"text": "We want to stay together and stop the arguing.", "perspective": MUM_VIEW}],
    "overall_question": QUESTION,
    "analysis": "Mum has kept the children safe twice; we need to know that this happens every time.",
}
MAP_STORED: dict[str, Any] = {
    **MAP,
    "entries": [{**HARM, "id": ENTRY_ID}, NEXT_STEP],
    "id": ID,
    "meta": META,
    "status": "current",
    "map_version": 2,
    "previous_map_id": "0b0c0d0e-0000-4000-8000-0000000000ab",
    "finalised_at": "2026-11-03T09:00:00Z",
    "finalised_by": "manager-1",
    "pinned_dangers": [{"id": DANGER, "version": 3}],
    "overall_question_id": "0b0c0d0e-0000-4000-8000-0000000000ac",
}
GOAL: dict[str, Any] = {
    "text": "Amira and her brother are looked after by an adult who is sober, every day and night.",
    "carer_behaviour": "Dad does not drink at home; when he has been drinking he stays at his brother's.",
    "child_experience": "Amira goes to bed without worrying about shouting or being hurt.",
    "professional_evidence": "Nan, school and the worker all see the plan kept, with no new incidents.",
    "sustain_for": "P3M",
    "goal_holder": "shared",
}
DANGER_STATEMENT: dict[str, Any] = {
    "text": "School, police and children's services are worried that Dad may hurt Amira again when he drinks.",
    "who_is_worried": [
        {"role": "school", "agency_type": "school_dsl"},
        {"role": "police", "agency_type": "police"},
        {"person_id": WORKER},
    ],
    "behaviour": "Dad drinks a lot at weekends and shouts and hits out when he is drunk.",
    "likely_impact": "Amira could be badly hurt, and may grow up scared and unable to relax at home.",
    "opening_acknowledgement": "We know Mum has taken the children to Nan's when Dad was drunk.",
    "family_position": "partly_agrees",
    "dispute": "Dad says he has never hit Amira on purpose.",
    "child_ids": [CHILD],
    "perspective": WORKER_VIEW,
    "safety_goal": GOAL,
}

VALID: list[tuple[Any, dict[str, Any]]] = [
    (When, {"date": "2026-09-14"}),
    (When, {"start": "2026-01-01", "end": "2026-03-01", "recurring": True, "frequency": "most weekends"}),
    (HarmEntry, HARM),
    (ComplicatingFactorEntry, COMPLICATING),
    (ExistingStrengthEntry, STRENGTH),
    (ExistingSafetyEntry, SAFETY),
    (GreyAreaEntry, GREY),
    (NextStepEntry, NEXT_STEP),
    (NextStepEntry, {**NEXT_STEP, "id": ENTRY_ID, "step_status": "done"}),
    (MapEntry, HARM),
    (MapEntry, NEXT_STEP),
    (Participant, {"person_id": MUM, "role": "mum", "present": True}),
    (FamilyGoal, {"text": "We want Amira to feel happy at home.", "perspective": MUM_VIEW}),
    (AssessmentMapCreate, MAP),
    (
        AssessmentMapCreate,
        {"children": [CHILD], "context": "early_help", "framing": "wellbeing", "mapped_on": "2026-11-02"},
    ),
    (
        AssessmentMapCreate,
        {**MAP, "visibility": "professionals_only", "withheld_reason": "Contains police intelligence."},
    ),
    (AssessmentMap, MAP_STORED),
    (AssessmentMap, {**MAP_STORED, "status": "draft", "map_version": 1, "future_field": "ignored"}),
    (DangerVersionRef, {"id": DANGER, "version": 1}),
    (MapFinalise, {}),
    (MapFinalise, {"note": "Agreed at supervision."}),
    (WhoIsWorried, {"role": "school"}),
    (WhoIsWorried, {"person_id": NAN}),
    (SafetyGoalCreate, GOAL),
    (SafetyGoalCreate, {k: v for k, v in GOAL.items() if k != "sustain_for"}),
    (SafetyGoal, {**GOAL, "id": ID, "scale_question_id": ID}),
    (DangerStatementCreate, DANGER_STATEMENT),
    (
        DangerStatementCreate,
        {**DANGER_STATEMENT, "family_position": "agrees", "dispute": None, "status": "achieved"},
    ),
    (
        DangerStatementCreate,
        {**DANGER_STATEMENT, "status": "withdrawn", "status_reason": "Dad has moved away and has no contact."},
    ),
    (
        DangerStatement,
        {
            **DANGER_STATEMENT,
            "id": DANGER,
            "meta": META,
            "case_id": ID,
            "safety_goal": {**GOAL, "id": ID},
        },
    ),
]

INVALID: list[tuple[Any, dict[str, Any], str, bool]] = [
    # When
    (When, {"recurring": True}, "a date or a period start", True),
    (When, {"date": "2026-09-14", "start": "2026-09-01"}, "not both", True),
    (When, {"date": "2026-09-14", "end": "2026-09-20"}, "needs a period start", True),
    (When, {"start": "2026-09-14", "end": "2026-09-01"}, "before the start", True),
    # Entries: kind-specific required fields (BR-06) are plain required fields.
    (HarmEntry, {k: v for k, v in HARM.items() if k != "when"}, "when", False),
    (HarmEntry, {k: v for k, v in HARM.items() if k != "impact_on_child"}, "impact_on_child", False),
    (HarmEntry, {**HARM, "severity": "terrible"}, "$.severity", False),
    (HarmEntry, {**HARM, "text": "x" * 2001}, "$.text", False),
    (HarmEntry, {**HARM, "child_ids": [CHILD, CHILD]}, "child_ids lists the same item", True),
    (ExistingSafetyEntry, {**SAFETY, "danger_ids": []}, "$.danger_ids", False),
    (ExistingSafetyEntry, {k: v for k, v in SAFETY.items() if k != "danger_ids"}, "danger_ids", False),
    (ExistingSafetyEntry, {k: v for k, v in SAFETY.items() if k != "when"}, "when", False),
    (ExistingSafetyEntry, {**SAFETY, "danger_ids": [DANGER, DANGER]}, "danger_ids lists the same", True),
    (NextStepEntry, {k: v for k, v in NEXT_STEP.items() if k != "owner"}, "owner", False),
    (NextStepEntry, {k: v for k, v in NEXT_STEP.items() if k != "due_on"}, "due_on", False),
    (NextStepEntry, {**NEXT_STEP, "step_status": "maybe"}, "$.step_status", False),
    (NextStepEntry, {**NEXT_STEP, "category": "harm"}, "$.category", False),
    (GreyAreaEntry, {**GREY, "severity": "low"}, "severity", False),
    (MapEntry, {**HARM, "category": "worry"}, "$.category", False),
    (MapEntry, {k: v for k, v in HARM.items() if k != "category"}, "category", False),
    (
        MapEntry,
        {**NEXT_STEP, "perspective": {"perspective_role": "child", "own_words": True}},
        "perspective_person_id",
        True,
    ),
    (MapEntry, {**HARM, "order": -1}, "$.order", False),
    # Map header
    (AssessmentMapCreate, {**MAP, "children": []}, "$.children", False),
    (AssessmentMapCreate, {**MAP, "children": [CHILD, CHILD]}, "children lists the same", True),
    (AssessmentMapCreate, {**MAP, "context": "hospital"}, "$.context", False),
    (AssessmentMapCreate, {**MAP, "framing": "risk"}, "$.framing", False),
    (AssessmentMapCreate, {**MAP, "danger_ids": [DANGER, DANGER]}, "danger_ids lists the same", True),
    (
        AssessmentMapCreate,
        {**MAP, "participants": [{"person_id": MUM, "role": "mum", "present": True}] * 2},
        "participants lists the same",
        True,
    ),
    (
        AssessmentMapCreate,
        {**MAP, "entries": [{**HARM, "id": ENTRY_ID}, {**GREY, "id": ENTRY_ID}]},
        "entries (by id) lists the same",
        True,
    ),
    (AssessmentMapCreate, {**MAP, "entries": [{**HARM, "child_ids": [OTHER_CHILD]}]}, "children on this map", True),
    (AssessmentMapCreate, {**MAP, "entries": [HARM] * 501}, "$.entries", False),
    (AssessmentMapCreate, {**MAP, "status": "current"}, "status", False),
    (AssessmentMapCreate, {**MAP, "visibility": "restricted"}, "withheld_reason", True),
    (AssessmentMapCreate, {**MAP, "overall_question": {**QUESTION, "polarity": "up"}}, "polarity", False),
    (Participant, {"person_id": MUM, "role": "mum"}, "present", False),
    (FamilyGoal, {"text": "", "perspective": MUM_VIEW}, "$.text", False),
    (AssessmentMap, {**MAP_STORED, "map_version": 0}, "$.map_version", False),
    (AssessmentMap, {**MAP_STORED, "status": "finalised"}, "$.status", False),
    (AssessmentMap, {**MAP_STORED, "finalised_at": "2026-11-03T09:00:00"}, "$.finalised_at", False),
    (DangerVersionRef, {"id": DANGER, "version": 0}, "$.version", False),
    (MapFinalise, {"approved_by": MANAGER}, "approved_by", False),
    (MapFinalise, {"status": "current"}, "status", False),
    # Danger statements and goals
    (WhoIsWorried, {}, "needs a role or a person_id", True),
    (WhoIsWorried, {"agency_type": "police"}, "needs a role or a person_id", True),
    (SafetyGoalCreate, {**GOAL, "sustain_for": "3 months"}, "$.sustain_for", False),
    (SafetyGoalCreate, {**GOAL, "goal_holder": "council"}, "$.goal_holder", False),
    (SafetyGoalCreate, {k: v for k, v in GOAL.items() if k != "child_experience"}, "child_experience", False),
    (SafetyGoalCreate, {**GOAL, "id": ID}, "id", False),
    (SafetyGoal, {k: v for k, v in GOAL.items()}, "id", False),
    (DangerStatementCreate, {**DANGER_STATEMENT, "dispute": None}, "dispute is required", True),
    (
        DangerStatementCreate,
        {**DANGER_STATEMENT, "family_position": "disagrees", "dispute": None},
        "dispute is required",
        True,
    ),
    (DangerStatementCreate, {**DANGER_STATEMENT, "status": "withdrawn"}, "status_reason is required", True),
    (DangerStatementCreate, {**DANGER_STATEMENT, "who_is_worried": []}, "$.who_is_worried", False),
    (DangerStatementCreate, {**DANGER_STATEMENT, "child_ids": []}, "$.child_ids", False),
    # Domain 4.1: sharing with agencies is a mark on professionals_only records only.
    (
        DangerStatementCreate,
        {**DANGER_STATEMENT, "shared_with_agencies": True},
        "professionals_only records only",
        True,
    ),
    (
        DangerStatementCreate,
        {**DANGER_STATEMENT, "visibility": "restricted", "withheld_reason": "Court", "shared_with_agencies": True},
        "professionals_only records only",
        True,
    ),
    (DangerStatementCreate, {**DANGER_STATEMENT, "child_ids": [CHILD, CHILD]}, "child_ids lists the same", True),
    (DangerStatementCreate, {**DANGER_STATEMENT, "family_position": "unsure"}, "$.family_position", False),
    (DangerStatementCreate, {k: v for k, v in DANGER_STATEMENT.items() if k != "behaviour"}, "behaviour", False),
    (
        DangerStatementCreate,
        {k: v for k, v in DANGER_STATEMENT.items() if k != "perspective"},
        "perspective",
        False,
    ),
    (DangerStatementCreate, {**DANGER_STATEMENT, "id": DANGER}, "id", False),
    (
        DangerStatementCreate,
        {**DANGER_STATEMENT, "safety_goal": {**GOAL, "sustain_for": "P"}},
        "$.safety_goal.sustain_for",
        False,
    ),
    (
        DangerStatement,
        {**DANGER_STATEMENT, "id": DANGER, "meta": META, "case_id": ID, "safety_goal": GOAL},
        "$.safety_goal",
        False,
    ),
]
