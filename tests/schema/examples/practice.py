"""Examples for sos_schema.practice."""

from typing import Any

from sos_schema import (
    AuditStandard,
    CaseAudit,
    CaseAuditCreate,
    CaseAuditModeration,
    CourtEvidence,
    CourtOrder,
    CourtWork,
    CourtWorkCreate,
    DangerGoalDraft,
    FamilySurveyResponse,
    FamilySurveyResponseCreate,
    GroupSupervision,
    GroupSupervisionCreate,
    MeasureCatalogue,
    MeasureDefinition,
    MeasureParameter,
    MeasurePoint,
    MeasureSeries,
    MeasureValue,
    SupervisedCase,
    SupervisionRecord,
    SupervisionRecordCreate,
    SupervisionSignature,
    SupervisionSummary,
    SurveyAnswer,
)

CHILD = "2b0c0d0e-0000-4000-8000-000000000001"
WORKER = "2b0c0d0e-0000-4000-8000-000000000002"
MANAGER = "2b0c0d0e-0000-4000-8000-000000000003"
AUDITOR = "2b0c0d0e-0000-4000-8000-000000000004"
PEER = "2b0c0d0e-0000-4000-8000-000000000005"
ID = "2b0c0d0e-0000-4000-8000-0000000000aa"
ID2 = "2b0c0d0e-0000-4000-8000-0000000000ab"
META = {
    "la_code": "845",
    "version": 1,
    "created_at": "2026-11-02T10:00:00Z",
    "created_by": "worker-1",
    "recorded_by": "worker-1",
    "updated_at": "2026-11-02T10:00:00Z",
}
ACTION = {"what": "Book a network meeting.", "who_person_id": WORKER, "by": "2026-12-01"}

COURT: dict[str, Any] = {"child_ids": [CHILD], "stage": "pre_proceedings"}
COURT_ISSUED: dict[str, Any] = {
    **COURT,
    "stage": "case_management",
    "letter_before_proceedings_on": "2026-09-01",
    "fgdm_offered_on": "2026-09-01",
    "fgdm_response": "accepted",
    "application_issued_on": "2026-11-02",
    "evidence": {
        "map_id": ID,
        "danger_ids": [ID],
        "goal_ids": [ID2],
        "network_id": ID,
        "judgement_ids": [ID, ID2],
        "analysis": "The network has kept to the plan for eight weeks, but dad is still drinking.",
    },
    "orders": [{"type": "interim_care_order", "made_on": "2026-11-05", "ends_on": "2027-05-03"}],
}

SUPERVISION: dict[str, Any] = {"supervisee": WORKER, "supervisor": MANAGER, "held_on": "2026-11-10"}
SUPERVISION_FULL: dict[str, Any] = {
    **SUPERVISION,
    "cases": [
        {
            "case_id": ID,
            "worries": "Dad drinks when he has the children on Saturdays.",
            "working_well": "Grandma collects the children from school.",
            "needs_to_happen": "Grandma sees the danger statement.",
            "scale": 4,
            "map_id": ID2,
            "judgement_id": ID,
            "decisions": "Hold a network meeting before the review.",
            "actions": [ACTION],
        }
    ],
    "reflection": "The worker felt stuck with dad's view.",
    "wellbeing_check": "Busy but managing.",
    "signed": {"both": True, "on": "2026-11-11"},
}

GROUP: dict[str, Any] = {
    "held_on": "2026-11-12",
    "facilitator": MANAGER,
    "case_presenter": WORKER,
    "case_id": ID,
    "purpose": "Are we worried enough to hold a strategy discussion?",
    "accountable_manager_present": False,
}
GROUP_FULL: dict[str, Any] = {
    **GROUP,
    "advisor": AUDITOR,
    "participants": [PEER, AUDITOR],
    "map_id": ID,
    "danger_goal_drafts": [
        {"danger": "Social care is worried the baby could be hurt.", "goal": "Mum and dad keep the baby safe."}
    ],
    "judgement_ids": [ID2],
    "ideas_for_next_steps": "Ask grandma to join a network meeting.",
    "accountable_manager_present": True,
    "decisions": ["Hold a strategy discussion today."],
    "appreciative_inquiry": "The worker built trust with dad by listening first.",
    "summary_for_child_record": "Group supervision agreed to hold a strategy discussion.",
}

AUDIT: dict[str, Any] = {
    "type": "single_agency",
    "case_id": ID,
    "auditor": AUDITOR,
    "practitioner_present": False,
    "held_on": "2026-11-20",
}
AUDIT_FULL: dict[str, Any] = {
    **AUDIT,
    "type": "together_with",
    "child_ids": [CHILD],
    "practitioner": WORKER,
    "practitioner_present": True,
    "standards": [
        {"standard_id": "danger-statements-behavioural", "met": "yes", "evidence": "Clear and dated."},
        {"standard_id": "words-and-pictures-done", "met": "n_a"},
    ],
    "worries": "No network member has seen the danger statements.",
    "working_well": "The child's own words are on the map.",
    "needs_to_happen": "Share the danger statements with grandma.",
    "grade": "good",
    "actions": [ACTION],
    "family_feedback": "Mum said the worker listens.",
}

SURVEY: dict[str, Any] = {
    "survey_id": ID,
    "case_id": ID2,
    "respondent_role": "parent_carer",
    "answers": [
        {"question_id": "understood-worries", "score": 8, "comment": "It was explained clearly."},
        {"question_id": "felt-listened-to", "choice": "mostly"},
    ],
    "submitted_on": "2026-12-01",
}
SURVEY_ANON: dict[str, Any] = {
    **{k: v for k, v in SURVEY.items() if k != "case_id"},
    "anonymous_token": "tok_0123456789abcdef",
    "respondent_role": "child",
}

MEASURE: dict[str, Any] = {
    "code": "maps-with-danger-and-goal",
    "name": "Maps with a danger statement and goal",
    "definition": "Current maps with at least one danger statement and a paired safety goal.",
    "numerator_rule": "Current maps with one or more danger statements, each with a safety goal.",
    "denominator_rule": "All current maps.",
    "period": "month",
}
WEEKS: dict[str, Any] = {
    "name": "weeks",
    "description": "How many weeks back count as recent.",
    "default": 12,
    "minimum": 1,
    "maximum": 104,
}
POINT: dict[str, Any] = {
    "period_start": "2026-10-01",
    "period_end": "2026-10-31",
    "group": "Central assessment team",
    "value": 75.0,
    "numerator": 3,
    "denominator": 4,
}
SERIES: dict[str, Any] = {
    "code": "children-map-reviewed",
    "la_code": "845",
    "period": "month",
    "group_by": "team",
    "from_date": "2026-10-01",
    "to_date": "2026-10-31",
    "parameters": {"weeks": 12},
    "points": [POINT],
    "computed_at": "2026-11-01T09:00:00Z",
}
VALUE: dict[str, Any] = {
    "code": "maps-with-danger-and-goal",
    "la_code": "845",
    "period_start": "2026-10-01",
    "period_end": "2026-10-31",
    "value": 87.5,
    "numerator": 70,
    "denominator": 80,
    "computed_at": "2026-11-01T02:00:00Z",
}

VALID: list[tuple[type, dict[str, Any]]] = [
    (CourtOrder, {"type": "care_order", "made_on": "2027-04-30"}),
    (CourtEvidence, {}),
    (CourtWorkCreate, COURT),
    (CourtWorkCreate, COURT_ISSUED),
    (
        CourtWorkCreate,
        {
            **COURT,
            "stage": "issued",
            "fgdm_response": "not_offered_best_interests",
            "fgdm_not_offered_reason": "The family network includes the person who harmed the child.",
            "application_issued_on": "2026-11-02",
        },
    ),
    (CourtWorkCreate, {**COURT, "stage": "concluded", "fgdm_offered_on": "2026-09-01", "fgdm_response": "declined"}),
    (CourtWork, {**COURT_ISSUED, "id": ID, "meta": META, "deadline_26_weeks": "2027-05-03"}),
    (
        CourtWork,
        {
            **COURT_ISSUED,
            "stage": "concluded",
            "concluded_on": "2027-05-04",
            "id": ID,
            "meta": META,
            "deadline_26_weeks": "2027-05-03",
            "deadline_days_remaining": -1,
            "deadline_overdue": True,
        },
    ),
    (SupervisedCase, {"case_id": ID}),
    (SupervisionSignature, {"both": False, "on": "2026-11-10"}),
    (SupervisionRecordCreate, SUPERVISION),
    (SupervisionRecordCreate, SUPERVISION_FULL),
    (SupervisionRecord, {**SUPERVISION_FULL, "id": ID, "meta": META, "child_ids": [ID2]}),
    (
        SupervisionSummary,
        {
            "id": ID2,
            "meta": META,
            "supervision_id": ID,
            "held_on": "2026-11-10",
            "supervisor": MANAGER,
            "supervisee": WORKER,
            "scale": 4,
            "decisions": "Hold a network meeting with grandma.",
            "actions": [ACTION],
        },
    ),
    (DangerGoalDraft, GROUP_FULL["danger_goal_drafts"][0]),
    (GroupSupervisionCreate, GROUP),
    (GroupSupervisionCreate, GROUP_FULL),
    (GroupSupervision, {**GROUP_FULL, "id": ID, "meta": META}),
    (AuditStandard, {"standard_id": "goal-per-danger", "met": "partly"}),
    (CaseAuditCreate, AUDIT),
    (CaseAuditCreate, AUDIT_FULL),
    (CaseAudit, {**AUDIT_FULL, "id": ID, "meta": META}),
    (
        CaseAudit,
        {
            **AUDIT_FULL,
            "id": ID,
            "meta": META,
            "grade": "requires_improvement",
            "moderated_by": MANAGER,
            "moderated_by_user": "practice-lead-2",
            "moderated_on": "2026-11-25",
            "moderation_note": "No network member has seen the danger statements: not yet good.",
            "grade_before_moderation": "good",
        },
    ),
    (CaseAuditModeration, {}),
    (CaseAuditModeration, {"grade": "good", "note": "Agreed with the auditor."}),
    (SurveyAnswer, {"question_id": "q1", "comment": "No answer, just a comment."}),
    (FamilySurveyResponseCreate, SURVEY),
    (FamilySurveyResponseCreate, SURVEY_ANON),
    (FamilySurveyResponseCreate, {**SURVEY, "respondent_id": WORKER}),
    (FamilySurveyResponse, {**SURVEY, "id": ID, "meta": META}),
    (MeasureDefinition, MEASURE),
    (MeasureDefinition, {**MEASURE, "denominator_rule": None, "period": "rolling_12_months", "higher_is_better": True}),
    (MeasureValue, VALUE),
    (MeasureValue, {**VALUE, "value": 12, "numerator": None, "denominator": None}),
    (MeasureParameter, WEEKS),
    (MeasureDefinition, {**MEASURE, "unit": "children on open cases", "parameters": [WEEKS], "suppression": "<5"}),
    (MeasureCatalogue, {"measures": [MEASURE]}),
    (MeasurePoint, POINT),
    (MeasurePoint, {**POINT, "group": None, "value": None, "numerator": None, "denominator": 0}),
    (MeasureSeries, SERIES),
    (MeasureSeries, {**SERIES, "group_by": "perspective", "points": []}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    # court work
    (CourtWorkCreate, {**COURT, "stage": "appeal"}, "$.stage", False),
    (CourtWorkCreate, {**COURT, "child_ids": []}, "$.child_ids", False),
    (CourtWorkCreate, {**COURT, "withheld_reason": None}, "withheld_reason is required", True),
    (CourtWorkCreate, {**COURT, "fgdm_response": "not_offered_best_interests"}, "fgdm_not_offered_reason", True),
    (
        CourtWorkCreate,
        {
            **COURT,
            "fgdm_offered_on": "2026-09-01",
            "fgdm_response": "not_offered_best_interests",
            "fgdm_not_offered_reason": "Not safe.",
        },
        "fgdm_offered_on must be empty",
        True,
    ),
    (CourtWorkCreate, {**COURT, "fgdm_not_offered_reason": "Not safe."}, "only recorded when", True),
    (CourtWorkCreate, {**COURT, "fgdm_response": "accepted"}, "fgdm_offered_on is required", True),
    (CourtWorkCreate, {**COURT, "stage": "final_hearing"}, "application_issued_on is required", True),
    (
        CourtWorkCreate,
        {**COURT_ISSUED, "fgdm_offered_on": "2026-11-03"},
        "FGDM offer to application",
        True,
    ),
    (
        CourtWorkCreate,
        {**COURT_ISSUED, "letter_before_proceedings_on": "2026-11-03"},
        "letter before proceedings",
        True,
    ),
    (CourtWorkCreate, {**COURT_ISSUED, "deadline_26_weeks": "2027-05-03"}, "deadline_26_weeks", False),
    (CourtWorkCreate, {**COURT_ISSUED, "concluded_on": "2027-05-01"}, "only at stage concluded", True),
    (CourtWorkCreate, {**COURT_ISSUED, "stage": "concluded", "concluded_on": "2026-11-01"}, "proceedings", True),
    (CourtWorkCreate, {**COURT, "application_issued_on": "2026-11-02"}, "empty at stage pre_proceedings", True),
    (CourtWorkCreate, {**COURT_ISSUED, "deadline_overdue": False}, "deadline_overdue", False),
    (CourtOrder, {"type": "care_order", "made_on": "2027-04-30", "ends_on": "2027-01-01"}, "court order", True),
    (CourtOrder, {"type": "parking_order", "made_on": "2027-04-30"}, "$.type", False),
    # supervision
    (SupervisionRecordCreate, {**SUPERVISION, "supervisor": WORKER}, "must be different people", True),
    (
        SupervisionRecordCreate,
        {**SUPERVISION, "signed": {"both": True, "on": "2026-11-09"}},
        "supervision signature",
        True,
    ),
    (
        SupervisionRecordCreate,
        {**SUPERVISION, "cases": [{"case_id": ID}, {"case_id": ID}]},
        "cases lists the same",
        True,
    ),
    (
        SupervisedCase,
        {"case_id": ID, "actions": [{"what": "Something.", "by": "2026-12-01"}]},
        "who_person_id or who_agency",
        True,
    ),
    (SupervisionRecordCreate, {**SUPERVISION, "held_on": "10/11/2026"}, "$.held_on", False),
    (SupervisedCase, {"case_id": ID, "scale": 11}, "$.scale", False),
    (
        GroupSupervisionCreate,
        {**GROUP, "decisions": ["Close the case."]},
        "only when an accountable manager is present",
        True,
    ),
    (GroupSupervisionCreate, {**GROUP, "participants": [PEER, PEER]}, "participants lists the same", True),
    (
        GroupSupervisionCreate,
        {k: v for k, v in GROUP.items() if k != "accountable_manager_present"},
        "accountable",
        False,
    ),
    # audit
    (CaseAuditCreate, {**AUDIT, "type": "together_with"}, "practitioner present", True),
    (CaseAuditCreate, {**AUDIT, "practitioner_present": True}, "practitioner is required", True),
    (CaseAuditCreate, {**AUDIT, "moderated_by": MANAGER}, "moderated_by", False),
    (CaseAuditModeration, {"grade": "excellent"}, "$.grade", False),
    (CaseAuditModeration, {"moderated_by": MANAGER}, "moderated_by", False),
    (
        CaseAuditCreate,
        {**AUDIT, "standards": [{"standard_id": "a", "met": "yes"}, {"standard_id": "a", "met": "no"}]},
        "standards lists the same",
        True,
    ),
    (CaseAuditCreate, {**AUDIT, "grade": "excellent"}, "$.grade", False),
    (AuditStandard, {"standard_id": "a", "met": "maybe"}, "$.met", False),
    # survey
    (FamilySurveyResponseCreate, {**SURVEY_ANON, "case_id": ID2}, "exactly one of case_id or anonymous_token", True),
    (
        FamilySurveyResponseCreate,
        {k: v for k, v in SURVEY.items() if k != "case_id"},
        "exactly one of case_id or anonymous_token",
        True,
    ),
    (FamilySurveyResponseCreate, {**SURVEY, "answers": []}, "$.answers", False),
    (
        FamilySurveyResponseCreate,
        {**SURVEY, "answers": [{"question_id": "q1", "score": 3}, {"question_id": "q1", "score": 4}]},
        "answers lists the same",
        True,
    ),
    (FamilySurveyResponseCreate, {**SURVEY_ANON, "anonymous_token": "short"}, "$.anonymous_token", False),
    (SurveyAnswer, {"question_id": "q1", "score": 11}, "$.score", False),
    (SurveyAnswer, {"question_id": "q1", "score": 5, "choice": "mostly"}, "a score or a choice", True),
    # measures
    (MeasureDefinition, {**MEASURE, "period": "fortnight"}, "$.period", False),
    (MeasureDefinition, {**MEASURE, "code": "has spaces"}, "$.code", False),
    (MeasureValue, {**VALUE, "period_end": "2026-09-30"}, "measure period", True),
    (MeasureValue, {**VALUE, "numerator": -1}, "$.numerator", False),
    (MeasureParameter, {**WEEKS, "default": 200}, "between minimum and maximum", True),
    (MeasurePoint, {**POINT, "period_end": "2026-09-30"}, "measure period", True),
    (MeasureSeries, {**SERIES, "group_by": "agency"}, "$.group_by", False),
    (MeasureValue, {**VALUE, "la_code": "84"}, "$.la_code", False),
]
