"""Examples for sos_schema.statutory."""

from typing import Any

from sos_schema import (
    AccommodationSuitability,
    Action,
    ActionProgress,
    AgencyView,
    CarePlan,
    CareSignsOfSuccess,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionConferenceCreate,
    ChildProtectionPlan,
    ChildWishesFeelings,
    ConferenceDecisionCreate,
    ConferenceMinutesChange,
    CoreGroupMeeting,
    CoreGroupMeetingCreate,
    DelegatedAuthority,
    Dissent,
    EarlyHelpConsent,
    EarlyHelpPlan,
    FamilyAndSocialRelationships,
    FamilyInformed,
    FosterSpecific,
    HealthArrangements,
    HealthPlan,
    ImmediateAction,
    IndependentVisitor,
    InformationShared,
    Invitation,
    MinutesAmendment,
    NeedArea,
    NeedAreaStatement,
    ParentSignature,
    PathwayPlan,
    PersonalEducationPlan,
    PlacedWithParent,
    PlacementAddress,
    PlacementContact,
    PlacementContactArrangement,
    PlacementDetails,
    PlacementEducation,
    PlacementHealth,
    PlacementKeyContact,
    PlacementKeyContacts,
    PlacementPlan,
    PlacementSignsOfSuccess,
    PlanAgreement,
    PlanEnd,
    PlanFamilyAgreement,
    PlanForPermanence,
    PlanGoalProgress,
    PlanRecord,
    PlanReviewSchedule,
    PlanSignature,
    ProviderDetails,
    S47Outcome,
    S47OutcomeCreate,
    SocialWorkerVisits,
    StatutoryPlanReview,
    StatutoryPlanReviewCreate,
    StayingPutOrClose,
    StrategyAmendment,
    StrategyDiscussion,
    StrategyDiscussionAmend,
    StrategyDiscussionCreate,
    StrategyParticipant,
    WishesAndFeelings,
    YoungPersonInvolvement,
)

CHILD = "1b0c0d0e-0000-4000-8000-000000000001"
MUM = "1b0c0d0e-0000-4000-8000-000000000002"
DAD = "1b0c0d0e-0000-4000-8000-000000000003"
WORKER = "1b0c0d0e-0000-4000-8000-000000000004"
MANAGER = "1b0c0d0e-0000-4000-8000-000000000005"
OFFICER = "1b0c0d0e-0000-4000-8000-000000000006"
CHAIR = "1b0c0d0e-0000-4000-8000-000000000007"
IRO = "1b0c0d0e-0000-4000-8000-000000000008"
CARER = "1b0c0d0e-0000-4000-8000-000000000009"
PA = "1b0c0d0e-0000-4000-8000-00000000000a"
YOUNG = "1b0c0d0e-0000-4000-8000-00000000000b"
ID = "1b0c0d0e-0000-4000-8000-0000000000aa"
ID2 = "1b0c0d0e-0000-4000-8000-0000000000ab"
META = {
    "la_code": "845",
    "version": 1,
    "created_at": "2026-11-02T10:00:00Z",
    "created_by": "worker-1",
    "recorded_by": "worker-1",
    "updated_at": "2026-11-02T10:00:00Z",
}

# --- actions ---------------------------------------------------------------------------------------

ACTION: dict[str, Any] = {
    "what": "Dad will go to the alcohol service every Tuesday.",
    "who_person_id": DAD,
    "by": "2026-12-01",
}
ACTION_DONE: dict[str, Any] = {
    **ACTION,
    "id": ID,
    "who_agency": "substance_misuse",
    "how_we_will_know": "The service will tell the social worker he went.",
    "goal_id": ID2,
    "status": "done",
    "done_on": "2026-11-24",
}

# --- strategy discussion ---------------------------------------------------------------------------

PARTICIPANTS = [
    {"agency": "childrens_social_care", "person_id": MANAGER, "role": "team manager"},
    {"agency": "police", "person_id": OFFICER},
]
STRATEGY: dict[str, Any] = {
    "child_ids": [CHILD],
    "held_at": "2026-11-02T15:30:00Z",
    "format": "virtual",
    "chair": MANAGER,
    "participants": PARTICIPANTS,
}
S47_OUTCOME_CREATE = {"concerns_substantiated": "partly", "recommendation": "icpc", "completed_on": "2026-11-12"}
S47_OUTCOME = {
    **S47_OUTCOME_CREATE,
    "authorised_by": MANAGER,
    "authorised_by_user": "manager-1",
    "recorded_at": "2026-11-12T16:00:00Z",
}
STRATEGY_FULL: dict[str, Any] = {
    **STRATEGY,
    "participants": [*PARTICIPANTS, {"agency": "health_visitor", "person_id": WORKER}],
    "information_shared": [
        {"agency": "police", "text": "Two call-outs to the address for shouting in October."},
        {"agency": "health_visitor", "text": "Baby's weight is on track.", "visibility": "family_shareable"},
    ],
    "outcome": "s47_joint_with_police",
    "immediate_actions": [{"what": "Visit the family today.", "who_person_id": WORKER, "by": "2026-11-02"}],
    "immediate_protection": "none",
    "criminal_investigation": True,
    "medical_needed": False,
    "interview_planned": True,
    "family_informed": {"informed": False, "reason_if_delayed": "Police need to speak to dad first."},
}
STRATEGY_STORED: dict[str, Any] = {
    **STRATEGY_FULL,
    "id": ID,
    "meta": META,
    "status": "finalised",
    "finalised_at": "2026-11-02T17:00:00Z",
    "finalised_by": MANAGER,
    "finalised_by_user": "manager-1",
    "s47_status": "completed",
    "s47_outcome": S47_OUTCOME,
    "icpc_due_by": "2026-11-23",
    "icpc_days_remaining": 3,
    "icpc_overdue": False,
    "amendments": [
        {
            "version": 4,
            "reason": "The police officer's name was recorded wrongly.",
            "by": MANAGER,
            "by_user": "manager-1",
            "at": "2026-11-13T09:00:00Z",
        }
    ],
}

# --- conference and core group ---------------------------------------------------------------------

ICPC: dict[str, Any] = {
    "type": "initial",
    "child_ids": [CHILD],
    "strategy_discussion_id": ID,
    "chair": CHAIR,
}
ICPC_DONE: dict[str, Any] = {
    **ICPC,
    "held_at": "2026-11-20T10:00:00Z",
    "invitations": [
        {"person_id": MUM, "status": "attended"},
        {"agency": "gp", "status": "apologies_report_sent"},
        {"person_id": DAD, "status": "excluded", "excluded_reason": "Bail conditions stop him attending."},
    ],
    "parents_participation": "attended",
    "child_participation": "views_shared",
    "reports": [ID2],
    "map_id": ID,
    "judgements": [ID, ID2],
    "agency_views": [{"agency": "police", "plan_needed": True, "reason": "Violence has happened twice."}],
    "decision": "cp_plan",
    "category": "emotional",
    "dissent": [{"person_id": MUM, "reason": "Mum does not think a plan is needed."}],
    "outline_plan_id": ID2,
    "core_group": [MUM, WORKER],
    "minutes_status": "agreed",
}
RCPC: dict[str, Any] = {
    "type": "review",
    "child_ids": [CHILD],
    "chair": CHAIR,
    "held_at": "2027-02-18T10:00:00Z",
    "decision": "ends_to_cin",
    "minutes_status": "circulated",
}
AMENDMENT: dict[str, Any] = {
    "reason": "Mum's words were recorded wrongly.",
    "by": "chair-1",
    "at": "2026-12-01T09:00:00Z",
    "version": 5,
}
DECISION: dict[str, Any] = {
    "decision": "cp_plan",
    "category": "neglect",
    "dissent": [{"agency": "school_dsl", "reason": "The school thinks support is enough."}],
    "core_group": [MUM, WORKER],
    "outline_plan_id": ID2,
    "held_at": "2026-11-20T10:00:00Z",
    "late_reason": "The family asked to move it a week so dad could attend.",
}
CORE_GROUP: dict[str, Any] = {"cp_plan_id": ID, "held_on": "2026-12-03", "chair": WORKER}
CORE_GROUP_FULL: dict[str, Any] = {
    **CORE_GROUP,
    "attendance": [{"person_id": MUM, "status": "attended"}, {"agency": "school_dsl", "status": "declined"}],
    "progress": [{"action_id": ID, "status": "in_progress", "note": "Dad has been twice."}],
    "map_id": ID2,
    "judgements": [ID2],
    "plan_changes": ID2,
    "concerns_escalated": "School reports the child arrived hungry twice.",
    "next_on": "2027-01-07",
}

# --- plans -----------------------------------------------------------------------------------------

PLAN_COMMON: dict[str, Any] = {"child_ids": [CHILD], "lead": WORKER}
PLAN_FULL_COMMON: dict[str, Any] = {
    **PLAN_COMMON,
    "danger_ids": [ID],
    "actions": [ACTION, ACTION_DONE],
    "contingency": "If dad drinks at home, mum will take the children to grandma's.",
    "family_agreement": [{"person_id": MUM, "on": "2026-11-25", "comment": "I agree with most of it."}],
    "review_schedule": {"next_on": "2027-02-25", "rule": "every 3 months"},
    "reviews": [
        {
            "held_on": "2026-12-20",
            "attendees": [MUM, WORKER],
            "judgements": [ID],
            "progress_by_goal": [{"goal_id": ID2, "note": "Evenings are calmer.", "judgement_id": ID}],
            "decision": "Carry on with the plan.",
        }
    ],
}
EARLY_HELP: dict[str, Any] = {
    "plan_type": "early_help",
    **PLAN_COMMON,
    "consent": {"given_by": MUM, "on": "2026-10-01", "covers_information_sharing": True},
}
CIN: dict[str, Any] = {"plan_type": "child_in_need", **PLAN_FULL_COMMON, "assessment_id": ID}
CP: dict[str, Any] = {
    "plan_type": "child_protection",
    **PLAN_COMMON,
    "conference_id": ID,
    "category": "neglect",
    "outline": True,
}

HEALTH_ARRANGEMENTS = {
    "checks": "Annual health assessment in March.",
    "treatment": "None needed at present.",
    "immunisation": "Up to date.",
    "sight_hearing_screening": "Eye test booked for January.",
    "health_advice": "The school nurse will talk with her about sleep.",
}
HEALTH_PLAN = {
    "state_of_health": "Healthy; mild asthma.",
    "health_history_incl_family": "Mum has asthma.",
    "effect_on_development": "No effect seen.",
    "arrangements": HEALTH_ARRANGEMENTS,
    "carer_role": "Foster carer keeps the inhaler and takes her to the GP.",
}
PEP = {
    "history_attendance_achievement_sen": "Year 5; attendance 91%; no SEN.",
    "current_arrangements": "Stays at her school; taxi each day.",
    "leisure_interests": "Swimming and drawing.",
    "carer_role": "Reads with her each evening.",
}
PERMANENCE = {"route": "kinship", "text": "Long-term care with her aunt, if the assessment is positive."}
FAMILY_REL = {"text": "Close to her brother and her aunt.", "contact_arrangements": "Sees mum every Saturday."}
WISHES = {"person_id": CHILD, "text": "I want to see my brother more.", "own_words": True, "on": "2026-11-01"}
CARE: dict[str, Any] = {
    "plan_type": "care",
    **PLAN_COMMON,
    "plan_for_permanence": PERMANENCE,
    "health_plan": HEALTH_PLAN,
    "personal_education_plan": PEP,
    "emotional_behavioural_development": "Settling; some nightmares.",
    "identity": "British Pakistani, Muslim, speaks English and Urdu.",
    "family_and_social_relationships": FAMILY_REL,
    "social_presentation": "Cheerful and polite.",
    "self_care_skills": "Dresses herself; learning to cook simple meals.",
    "placement_plan_id": ID,
    "iro": IRO,
    "wishes_and_feelings": [WISHES],
    "signs_of_success": {"map_id": ID, "network_id": ID2, "judgement_ids": [ID]},
}

ADDRESS = {"lines": ["1 Example Street", "Leeds"], "postcode": "LS1 4AP"}
PLACEMENT_DETAILS = {
    "start": "2026-11-03",
    "type": "foster_other",
    "ssda903_code": "U4",
    "provider_name": "Synthetic Fostering Agency",
    "provider_urn": "SC123456",
    "address": ADDRESS,
}
CONTACT = {
    "arrangements": [{"person_id": MUM, "arrangements": "Saturday afternoons at the family centre, supervised."}],
    "s34_order_details": "No s34 order.",
    "how_changes_notified": "The social worker phones the carer and mum.",
}
GP = {"name": "Example Medical Practice", "address": "2 Example Road, Leeds"}
HEALTH = {"gp": GP, "dentist": {"name": "Example Dental"}, "consent_to_treatment_arrangements": "Council consents."}
EDUCATION = {"school": {"name": "Example Primary School"}, "designated_teacher": "Ms Teacher"}
KEY = {"person_id": WORKER, "name": "Sam Worker", "contact": "0113 000 0000"}
KEY_CONTACTS = {"iro": {**KEY, "person_id": IRO}, "social_worker": KEY}
PLACED_WITH_PARENT = {
    "support_to_parent": "Weekly family support worker visits.",
    "duty_to_notify_changes": "Mum tells the social worker if anyone moves in.",
    "confidentiality_duty": "Mum keeps the child's records private.",
    "approval_needed_to_live_elsewhere": "The child may not live elsewhere without the council's approval.",
    "how_to_request_change": "Ask the social worker or the IRO.",
    "termination_circumstances": "If the child is not safe at home.",
}
PLACEMENT: dict[str, Any] = {
    "plan_type": "placement",
    **PLAN_COMMON,
    "placement": PLACEMENT_DETAILS,
    "how_placement_meets_needs": "Near her school and her brother.",
    "day_to_day_care": "The carer does school runs and bedtime routines.",
    "contact": CONTACT,
    "health": HEALTH,
    "education": EDUCATION,
    "visits": {"frequency": "P6W", "support_between_visits": "Phone calls with the social worker."},
    "termination_circumstances": "If the carer can no longer keep her safe.",
    "key_contacts": KEY_CONTACTS,
    "foster_specific": {"financial_support": "Standard fostering allowance."},
    "child_wishes_feelings": {"text": "I like it here but I miss mum.", "on": "2026-11-02"},
    "iro_informed_on": "2026-11-03",
}
PLACEMENT_FULL: dict[str, Any] = {
    **PLACEMENT,
    "independent_visitor": {"person_id": CARER, "visiting_arrangements": "Monthly trips out."},
    "key_contacts": {**KEY_CONTACTS, "independent_visitor": {**KEY, "person_id": CARER}},
    "delegated_authority": [
        {"decision_area": "haircuts", "delegated_to": "carer"},
        {"decision_area": "holidays abroad", "delegated_to": "parent", "reason_if_not_carer": "Mum holds PR."},
    ],
    "signed_by_appropriate_person": {"person_id": CARER, "on": "2026-11-04"},
    "parents_signature": {"person_id": MUM, "on": "2026-11-05", "view": "I want her home soon."},
    "signs_of_success": {
        "worries": ["She misses her brother."],
        "working_well": ["She sleeps through the night."],
        "needs_to_happen": ["Arrange sibling contact."],
        "child_tool_ids": [ID],
        "stability_scale_id": ID2,
    },
}
PLACEMENT_WITH_PARENTS: dict[str, Any] = {
    **{k: v for k, v in PLACEMENT.items() if k != "foster_specific"},
    "placement": {**PLACEMENT_DETAILS, "type": "placed_with_parents", "ssda903_code": "P1"},
    "placed_with_parent": PLACED_WITH_PARENT,
}

STATEMENT = {
    "text": "I don't know how to pay bills.",
    "perspective": {"perspective_role": "child", "perspective_person_id": YOUNG, "own_words": True},
}
NEED_AREA = {
    "area": "accommodation",
    "worries": [STATEMENT],
    "working_well": [
        {
            "text": "Keeps her flat clean.",
            "perspective": {"perspective_role": "personal_adviser", "perspective_person_id": PA, "own_words": False},
        }
    ],
    "needs_to_happen": [{"what": "Set up a budget plan.", "who_person_id": PA, "by": "2026-12-15"}],
    "young_person_view": "I like my flat.",
    "judgement_ids": [ID],
    "accommodation_suitability": {
        "facilities": "Kitchen and washing machine.",
        "tenancy_status": "Assured shorthold tenancy.",
        "young_person_view": "It's quiet.",
    },
}
PATHWAY: dict[str, Any] = {
    "plan_type": "pathway",
    "child_ids": [YOUNG],
    "lead": PA,
    "young_person_id": YOUNG,
    "young_person_date_of_birth": "2009-03-10",
    "category": "eligible",
    "personal_adviser": PA,
    "needs_assessment_id": ID,
    "effective_on": "2025-03-10",
    "next_review_by": "2025-09-10",
}
# A former relevant young person born on 29 February: 18 on 1 March in a non-leap year.
PATHWAY_LEAP: dict[str, Any] = {
    **PATHWAY,
    "young_person_date_of_birth": "2008-02-29",
    "category": "former_relevant",
    "effective_on": "2026-03-01",
    "next_review_by": "2026-09-01",
}
PATHWAY_FULL: dict[str, Any] = {
    **PATHWAY_LEAP,
    "young_person_involvement": {"attended": True, "views": "I want to go to college."},
    "copy_given_and_explained_on": "2026-03-05",
    "need_areas": [NEED_AREA, {"area": "identity"}, {"area": "parenting"}],
    "contingency_plan": "If the flat falls through, she can stay with her former foster carer.",
    "staying_put_or_close": {"arrangement": "staying_put", "from": "2026-02-28", "to": "2027-02-28"},
}
PLAN_RECORD: dict[str, Any] = {"id": ID, "meta": META, "status": "draft", "plan": EARLY_HELP}


def _without(d: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k != key}


VALID: list[tuple[type, dict[str, Any]]] = [
    # actions
    (Action, ACTION),
    (Action, ACTION_DONE),
    (Action, {"what": "Hold a network meeting.", "who_agency": "childrens_social_care", "by": "2026-12-01"}),
    (ActionProgress, {"action_id": ID, "status": "done"}),
    # strategy discussion
    (StrategyParticipant, PARTICIPANTS[0]),
    (InformationShared, {"agency": "police", "text": "Two call-outs in October."}),
    (ImmediateAction, {"what": "Child to stay with grandma tonight.", "who_agency": "police", "by": "2026-11-02"}),
    (FamilyInformed, {"informed": True}),
    (S47OutcomeCreate, S47_OUTCOME_CREATE),
    (S47Outcome, S47_OUTCOME),
    (S47Outcome, {**S47_OUTCOME, "authorised_by": None}),
    (StrategyDiscussionCreate, STRATEGY),
    (StrategyDiscussionCreate, STRATEGY_FULL),
    (StrategyDiscussionCreate, {**STRATEGY, "visibility": "restricted", "withheld_reason": "Police intelligence."}),
    (StrategyDiscussion, {**STRATEGY_FULL, "id": ID, "meta": META}),
    (StrategyDiscussion, STRATEGY_STORED),
    (StrategyDiscussionAmend, {"reason": "The wrong officer was named.", "discussion": STRATEGY_FULL}),
    (StrategyAmendment, {"version": 2, "reason": "A typo.", "by_user": "manager-1", "at": "2026-11-13T09:00:00Z"}),
    # conference and core group
    (Invitation, {"person_id": MUM}),
    (AgencyView, {"agency": "childrens_social_care", "plan_needed": False, "reason": "Things are safer now."}),
    (Dissent, {"agency": "school_dsl", "reason": "The school thinks a plan is needed."}),
    (ChildProtectionConferenceCreate, ICPC),
    (ChildProtectionConferenceCreate, ICPC_DONE),
    (ChildProtectionConferenceCreate, RCPC),
    (ChildProtectionConferenceCreate, {**RCPC, "decision": "cp_plan_continues", "category": "multiple"}),
    (ChildProtectionConferenceCreate, {"type": "pre_birth_initial", "child_ids": [CHILD], "chair": CHAIR}),
    (
        ChildProtectionConferenceCreate,
        {"type": "transfer_in", "child_ids": [CHILD], "chair": CHAIR, "decision": "nfa", "late_reason": "Moved."},
    ),
    (
        ChildProtectionConference,
        {
            **ICPC_DONE,
            "id": ID,
            "meta": META,
            "due_by": "2026-11-23",
            "first_core_group_by": "2026-12-04",
            "next_review_by": "2027-02-20",
        },
    ),
    (
        ChildProtectionConference,
        {
            **ICPC_DONE,
            "id": ID,
            "meta": META,
            "decided_by": CHAIR,
            "decided_at": "2026-11-20T12:00:00Z",
            "amendments": [AMENDMENT],
            "due_by": "2026-11-23",
            "due_days_remaining": 1,
            "overdue": False,
            "first_core_group_by": "2026-12-04",
            "first_core_group_held_on": "2026-12-03",
            "first_core_group_in_time": True,
            "first_core_group_overdue": False,
            "next_review_by": "2027-02-20",
            "next_review_days_remaining": 40,
            "next_review_overdue": False,
        },
    ),
    (MinutesAmendment, AMENDMENT),
    (ConferenceDecisionCreate, {"decision": "nfa"}),
    (ConferenceDecisionCreate, DECISION),
    (ConferenceMinutesChange, {"status": "circulated"}),
    (ConferenceMinutesChange, {"status": "amended", "reason": "Mum's words were recorded wrongly."}),
    (CoreGroupMeetingCreate, CORE_GROUP),
    (CoreGroupMeetingCreate, CORE_GROUP_FULL),
    (CoreGroupMeeting, {**CORE_GROUP_FULL, "id": ID, "meta": META}),
    (
        CoreGroupMeeting,
        {
            **CORE_GROUP_FULL,
            "id": ID,
            "meta": META,
            "status": "final",
            "finalised_by": "worker-1",
            "finalised_at": "2026-12-04T09:00:00Z",
        },
    ),
    # shared plan parts
    (PlanFamilyAgreement, {"person_id": DAD, "on": "2026-11-25"}),
    (PlanReviewSchedule, {"next_on": "2027-02-25"}),
    (PlanGoalProgress, {"goal_id": ID, "note": "Getting there."}),
    (StatutoryPlanReview, {"held_on": "2026-12-20", "decision": "Step down to child in need."}),
    # early help, CIN, CP
    (EarlyHelpConsent, {"given_by": MUM, "on": "2026-10-01", "covers_information_sharing": False}),
    (EarlyHelpPlan, EARLY_HELP),
    (
        EarlyHelpPlan,
        {
            **EARLY_HELP,
            **PLAN_FULL_COMMON,
            "assessment_id": ID,
            "taf_frequency": "P6W",
            "wellbeing_scale_id": ID2,
            "closure_outcome": "needs_met",
        },
    ),
    (ChildInNeedPlan, CIN),
    (ChildInNeedPlan, {**CIN, "legal_basis": "s17", "review_frequency": "P3M", "visit_frequency": "P4W"}),
    (ChildProtectionPlan, CP),
    (ChildProtectionPlan, {**CP, **PLAN_FULL_COMMON, "core_group": [MUM, WORKER], "visit_frequency": "P2W"}),
    # care plan
    (PlanForPermanence, PERMANENCE),
    (HealthArrangements, HEALTH_ARRANGEMENTS),
    (HealthPlan, {**HEALTH_PLAN, "planned_changes": "Move to a GP near the placement."}),
    (PersonalEducationPlan, {**PEP, "planned_changes_and_disruption": "None planned."}),
    (FamilyAndSocialRelationships, FAMILY_REL),
    (WishesAndFeelings, {"person_id": MUM, "text": "Mum wants her home.", "on": "2026-11-01"}),
    (CareSignsOfSuccess, {}),
    (CarePlan, CARE),
    (CarePlan, {**_without(CARE, "placement_plan_id"), "placed_by_council": False}),
    # placement plan
    (PlacementAddress, {**ADDRESS, "confidential": False}),
    (PlacementDetails, {"start": "2026-11-03", "type": "childrens_home", "provider_name": "Example House"}),
    (PlacementContactArrangement, CONTACT["arrangements"][0]),
    (PlacementContact, {"how_changes_notified": "By letter."}),
    (ProviderDetails, GP),
    (PlacementHealth, HEALTH),
    (PlacementEducation, {**EDUCATION, "other_provider": GP, "ehcp_and_maintaining_la": "EHC plan kept by 845."}),
    (PlacementEducation, {}),
    (SocialWorkerVisits, {"frequency": "P3M"}),
    (IndependentVisitor, {"person_id": CARER, "visiting_arrangements": "Monthly."}),
    (PlacementKeyContact, KEY),
    (PlacementKeyContacts, {**KEY_CONTACTS, "personal_adviser": {**KEY, "person_id": PA}}),
    (PlacedWithParent, PLACED_WITH_PARENT),
    (FosterSpecific, {"financial_support": "Allowance.", "other_arrangements": "Respite one weekend a month."}),
    (DelegatedAuthority, {"decision_area": "school trips", "delegated_to": "carer"}),
    (ChildWishesFeelings, {"text": "I want my own room.", "on": "2026-11-02"}),
    (PlanSignature, {"person_id": CARER, "on": "2026-11-04"}),
    (ParentSignature, {"person_id": DAD, "on": "2026-11-05"}),
    (PlacementSignsOfSuccess, {}),
    (PlacementPlan, PLACEMENT),
    (PlacementPlan, PLACEMENT_FULL),
    (PlacementPlan, PLACEMENT_WITH_PARENTS),
    # pathway plan
    (NeedAreaStatement, STATEMENT),
    (AccommodationSuitability, {"safety": "Smoke alarms fitted."}),
    (NeedArea, NEED_AREA),
    (NeedArea, {"area": "immigration_legal"}),
    (YoungPersonInvolvement, {"attended": False}),
    (StayingPutOrClose, {"arrangement": "staying_close", "from": "2026-04-01"}),
    (PathwayPlan, PATHWAY),  # exactly 16 on effective_on
    (PathwayPlan, PATHWAY_LEAP),  # born 29 Feb, 18 on 1 March 2026
    (PathwayPlan, PATHWAY_FULL),
    (
        PathwayPlan,  # born 29 Feb 2008: 16 on 29 Feb 2024 (a leap year)
        {
            **PATHWAY,
            "young_person_date_of_birth": "2008-02-29",
            "effective_on": "2024-02-29",
            "next_review_by": "2024-08-29",
        },
    ),
    (
        PathwayPlan,  # 24 the day before the 25th birthday
        {
            **PATHWAY,
            "category": "former_relevant_21_to_25",
            "young_person_date_of_birth": "2000-03-10",
            "effective_on": "2025-03-09",
            "next_review_by": "2025-09-09",
        },
    ),
    (
        PathwayPlan,  # 31 August + 6 months is 28 February
        {**PATHWAY, "effective_on": "2025-08-31", "next_review_by": "2026-02-28"},
    ),
    # records
    (PlanRecord, PLAN_RECORD),
    (
        PlanRecord,
        {
            **PLAN_RECORD,
            "status": "ended",
            "end_reason": "Needs met.",
            "ended_on": "2027-03-01",
            "previous_version_id": ID2,
            "plan": PATHWAY_FULL,
        },
    ),
    (PlanRecord, {**PLAN_RECORD, "status": "agreed", "due_by": "2026-11-10", "plan": PLACEMENT_FULL}),
    (PlanRecord, {**PLAN_RECORD, "status": "under_review", "plan": CARE}),
    (PlanRecord, {**PLAN_RECORD, "status": "ended", "end_reason": "Consent withdrawn."}),
    (PlanRecord, {**PLAN_RECORD, "plan": CP}),
    (PlanRecord, {**PLAN_RECORD, "plan": CIN}),
    (PlanAgreement, {}),
    (PlanAgreement, {"agreed_on": "2026-01-07"}),
    (PlanEnd, {"ended_on": "2027-03-01", "reason": "Needs met.", "closure_outcome": "needs_met"}),
    (PlanEnd, {"ended_on": "2027-03-01", "reason": "She wants no more support.", "support_declined": True}),
    (
        PlanRecord,
        {
            **PLAN_RECORD,
            "status": "agreed",
            "plan": PLACEMENT_FULL,
            "due_by": "2026-11-10",
            "due_days_remaining": -3,
            "due_overdue": True,
            "agreed_on": "2026-11-13",
            "agreed_by": MANAGER,
            "next_review_on": "2027-02-13",
            "review_days_remaining": 40,
            "review_overdue": False,
        },
    ),
    (StatutoryPlanReviewCreate, {"held_on": "2026-12-20", "decision": "Carry on.", "next_review_on": "2027-03-20"}),
    (StatutoryPlanReviewCreate, {"held_on": "2026-12-20", "decision": "Carry on."}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    # actions
    (Action, {"what": "Something.", "by": "2026-12-01"}, "who_person_id or who_agency", True),
    (Action, {**ACTION, "status": "done"}, "done_on is required", True),
    (Action, {**ACTION, "status": "in_progress", "done_on": "2026-11-20"}, "only recorded when", True),
    (Action, {**ACTION, "status": "finished"}, "$.status", False),
    (Action, _without(ACTION, "by"), "`by`", False),
    (ImmediateAction, {"what": "Visit.", "by": "2026-11-02"}, "who_person_id or who_agency", True),
    # strategy discussion
    (StrategyDiscussionCreate, {**STRATEGY, "participants": [PARTICIPANTS[0]]}, "$.participants", False),
    (
        StrategyDiscussionCreate,
        {**STRATEGY, "participants": [PARTICIPANTS[0], {"agency": "gp", "person_id": WORKER}]},
        "must include childrens_social_care and police",
        True,
    ),
    (StrategyDiscussionCreate, {**STRATEGY, "withheld_reason": None}, "withheld_reason is required", True),
    # The s47 outcome is recorded by a manager afterwards, never sent with the discussion (sign-off from the token).
    (
        StrategyDiscussionCreate,
        {**STRATEGY, "outcome": "s47_single_agency", "s47_outcome": S47_OUTCOME_CREATE},
        "s47_outcome",
        False,
    ),
    (S47OutcomeCreate, {**S47_OUTCOME_CREATE, "authorised_by": MANAGER}, "authorised_by", False),
    (StrategyDiscussionAmend, {"discussion": STRATEGY_FULL}, "reason", False),
    (
        StrategyDiscussionAmend,
        {"reason": "A typo.", "discussion": {**STRATEGY, "format": "letter"}},
        "$.discussion.format",
        False,
    ),
    (StrategyDiscussionCreate, {**STRATEGY, "child_ids": [CHILD, CHILD]}, "child_ids lists the same", True),
    (StrategyDiscussionCreate, {**STRATEGY, "held_at": "2026-11-02T15:30:00"}, "$.held_at", False),
    (StrategyDiscussionCreate, {**STRATEGY, "format": "letter"}, "$.format", False),
    (FamilyInformed, {"informed": False}, "reason_if_delayed is required", True),
    (S47OutcomeCreate, {**S47_OUTCOME_CREATE, "recommendation": "cp_plan"}, "$.recommendation", False),
    # conference and core group
    (ChildProtectionConferenceCreate, _without(ICPC, "strategy_discussion_id"), "strategy_discussion_id", True),
    (ChildProtectionConferenceCreate, _without(ICPC_DONE, "category"), "category is required", True),  # BR-14
    (
        ChildProtectionConferenceCreate,
        {**RCPC, "decision": "cp_plan_continues"},
        "category is required",
        True,
    ),
    (ChildProtectionConferenceCreate, {**RCPC, "decision": "cp_plan"}, "must be a ReviewDecision", True),
    (ChildProtectionConferenceCreate, {**ICPC, "decision": "ends_nfa"}, "must be an InitialDecision", True),
    (ChildProtectionConferenceCreate, {**RCPC, "category": "neglect"}, "only recorded when the decision", True),
    (ChildProtectionConferenceCreate, {**RCPC, "held_at": None}, "once minutes are circulated", True),
    (ChildProtectionConferenceCreate, {**ICPC, "decision": "maybe"}, "$.decision", False),
    (ChildProtectionConferenceCreate, {**ICPC, "category": "financial"}, "$.category", False),
    (ChildProtectionConferenceCreate, {**ICPC, "due_by": "2026-11-23"}, "due_by", False),
    (ChildProtectionConferenceCreate, {**ICPC, "child_ids": []}, "$.child_ids", False),
    (Invitation, {"status": "attended"}, "person_id or agency", True),
    (Invitation, {"person_id": DAD, "status": "excluded"}, "excluded_reason is required", True),
    (Invitation, {"person_id": DAD, "status": "attended", "excluded_reason": "No."}, "only recorded when", True),
    (Dissent, {"reason": "Disagree."}, "person_id or agency", True),
    (CoreGroupMeetingCreate, {**CORE_GROUP, "next_on": "2026-11-01"}, "next core group", True),
    (CoreGroupMeetingCreate, {**CORE_GROUP, "status": "final"}, "status", False),
    (ConferenceDecisionCreate, _without(DECISION, "category"), "category is required", True),  # BR-14
    (ConferenceDecisionCreate, {"decision": "nfa", "core_group": [MUM]}, "only recorded when", True),
    (ConferenceDecisionCreate, {**DECISION, "decided_by": CHAIR}, "decided_by", False),
    (ConferenceMinutesChange, {"status": "draft"}, "never go back to draft", True),
    (ConferenceMinutesChange, {"status": "amended"}, "reason is given", True),
    (ConferenceMinutesChange, {"status": "agreed", "reason": "Because."}, "reason is given", True),
    (
        CoreGroupMeetingCreate,
        {**CORE_GROUP, "progress": [{"action_id": ID, "status": "done"}, {"action_id": ID, "status": "done"}]},
        "progress lists the same",
        True,
    ),
    # plans: shared
    (EarlyHelpPlan, _without(EARLY_HELP, "consent"), "consent", False),  # BR-18
    (EarlyHelpPlan, {**EARLY_HELP, "child_ids": []}, "$.child_ids", False),
    (EarlyHelpPlan, {**EARLY_HELP, "status": "agreed"}, "status", False),
    (EarlyHelpPlan, {**EARLY_HELP, "plan_type": "child_in_need"}, "plan_type", False),
    (EarlyHelpPlan, {**EARLY_HELP, "closure_outcome": "happy"}, "$.closure_outcome", False),
    (EarlyHelpPlan, {**EARLY_HELP, "visibility": "professionals_only"}, "withheld_reason is required", True),
    (EarlyHelpPlan, {**EARLY_HELP, "actions": [ACTION_DONE, ACTION_DONE]}, "action ids lists the same", True),
    (EarlyHelpPlan, {**EARLY_HELP, "actions": [{**ACTION, "status": "done"}]}, "done_on is required", True),
    (ChildInNeedPlan, {**CIN, "legal_basis": "s47"}, "$.legal_basis", False),
    (ChildProtectionPlan, _without(CP, "category"), "category", False),
    (ChildProtectionPlan, {**CP, "core_group": [MUM, MUM]}, "core_group lists the same", True),
    # care plan
    (CarePlan, {**CARE, "wishes_and_feelings": []}, "$.wishes_and_feelings", False),
    (CarePlan, _without(CARE, "iro"), "iro", False),  # BR-16
    (CarePlan, _without(CARE, "plan_for_permanence"), "plan_for_permanence", False),  # BR-16
    (CarePlan, {**CARE, "placed_by_council": False}, "placement_plan_id is only recorded", True),
    (CarePlan, {**CARE, "plan_for_permanence": {**PERMANENCE, "route": "boarding"}}, "route", False),
    (HealthPlan, _without(HEALTH_PLAN, "arrangements"), "arrangements", False),
    # placement plan
    (
        PlacementPlan,
        {**PLACEMENT, "placement": {**PLACEMENT_DETAILS, "type": "placed_with_parents"}},
        "placed_with_parent is required",
        True,
    ),
    (PlacementPlan, {**PLACEMENT, "placed_with_parent": PLACED_WITH_PARENT}, "placed_with_parent is required", True),
    (PlacementPlan, _without(PLACEMENT, "foster_specific"), "foster_specific is required", True),
    (
        PlacementPlan,
        {**PLACEMENT, "independent_visitor": {"person_id": CARER, "visiting_arrangements": "Monthly."}},
        "key_contacts.independent_visitor",
        True,
    ),
    (
        PlacementPlan,
        {
            **PLACEMENT,
            "delegated_authority": [
                {"decision_area": "haircuts", "delegated_to": "carer"},
                {"decision_area": "haircuts", "delegated_to": "carer"},
            ],
        },
        "decision areas lists the same",
        True,
    ),
    (PlacementPlan, _without(PLACEMENT, "iro_informed_on"), "iro_informed_on", False),
    (PlacementPlan, _without(PLACEMENT, "child_wishes_feelings"), "child_wishes_feelings", False),
    (PlacementPlan, {**PLACEMENT, "due_by": "2026-11-10"}, "due_by", False),
    (DelegatedAuthority, {"decision_area": "holidays", "delegated_to": "parent"}, "reason_if_not_carer", True),
    (
        PlacementContact,
        {"how_changes_notified": "Letter.", "s8_order_details": "CAO.", "s34_order_details": "None."},
        "cannot both apply",
        True,
    ),
    (PlacementAddress, {**ADDRESS, "postcode": "NOT A POSTCODE"}, "$.postcode", False),
    (PlacementAddress, {**ADDRESS, "lines": []}, "$.lines", False),
    (ChildWishesFeelings, {"text": "", "on": "2026-11-02"}, "$.text", False),
    (SocialWorkerVisits, {"frequency": "six weeks"}, "$.frequency", False),
    # pathway plan (BR-17)
    (
        PathwayPlan,  # 15: the day before the 16th birthday
        {**PATHWAY, "effective_on": "2025-03-09", "next_review_by": "2025-09-09"},
        "aged 16 to 24",
        True,
    ),
    (
        PathwayPlan,  # 25 on effective_on
        {
            **PATHWAY,
            "category": "former_relevant_21_to_25",
            "young_person_date_of_birth": "2000-03-10",
            "effective_on": "2025-03-10",
            "next_review_by": "2025-09-10",
        },
        "aged 16 to 24",
        True,
    ),
    (
        PathwayPlan,  # born 29 Feb 2000: 25 on 1 March 2025 (non-leap year)
        {
            **PATHWAY,
            "category": "former_relevant_21_to_25",
            "young_person_date_of_birth": "2000-02-29",
            "effective_on": "2025-03-01",
            "next_review_by": "2025-08-01",
        },
        "aged 16 to 24",
        True,
    ),
    (
        PathwayPlan,  # born 29 Feb 2008: still 15 on 28 Feb 2024
        {
            **PATHWAY,
            "young_person_date_of_birth": "2008-02-29",
            "effective_on": "2024-02-28",
            "next_review_by": "2024-08-28",
        },
        "aged 16 to 24",
        True,
    ),
    (
        PathwayPlan,  # born 29 Feb 2008: still 17 on 28 Feb 2026, so not yet former relevant
        {**PATHWAY_LEAP, "effective_on": "2026-02-28", "next_review_by": "2026-08-28"},
        "18 or over",
        True,
    ),
    (PathwayPlan, {**PATHWAY_LEAP, "category": "relevant"}, "16 or 17", True),
    (PathwayPlan, {**PATHWAY_LEAP, "category": "former_relevant_21_to_25"}, "21 or over", True),
    (PathwayPlan, {**PATHWAY, "category": "qualifying"}, "$.category", False),
    (PathwayPlan, {**PATHWAY, "next_review_by": "2025-09-11"}, "at most 6 months", True),
    (PathwayPlan, {**PATHWAY, "effective_on": "2025-08-31", "next_review_by": "2026-03-01"}, "at most 6 months", True),
    (PathwayPlan, {**PATHWAY, "next_review_by": "2025-03-01"}, "pathway plan review", True),
    (PathwayPlan, _without(PATHWAY, "young_person_date_of_birth"), "young_person_date_of_birth", False),
    (PathwayPlan, _without(PATHWAY, "personal_adviser"), "personal_adviser", False),
    (PathwayPlan, {**PATHWAY, "child_ids": [CHILD]}, "young_person_id must be one of child_ids", True),
    (
        PathwayPlan,
        {**PATHWAY, "need_areas": [{"area": "identity"}, {"area": "identity"}]},
        "need_areas lists the same",
        True,
    ),
    (NeedArea, {**NEED_AREA, "area": "identity"}, "only recorded for the accommodation area", True),
    (NeedArea, {"area": "hobbies"}, "$.area", False),
    (
        NeedArea,
        {
            "area": "identity",
            "worries": [{"text": "x", "perspective": {"perspective_role": "child", "own_words": True}}],
        },
        "perspective_person_id is required",
        True,
    ),
    (StayingPutOrClose, {"arrangement": "staying_put", "from": "2026-04-01", "to": "2026-03-01"}, "staying put", True),
    (StayingPutOrClose, {"arrangement": "staying_put", "start": "2026-04-01"}, "unknown field `start`", False),
    # records
    (PlanRecord, {**PLAN_RECORD, "status": "in_trial"}, "$.status", False),
    (PlanRecord, {**PLAN_RECORD, "plan": {**EARLY_HELP, "plan_type": "safety"}}, "$.plan.plan_type", False),
    (PlanRecord, {**PLAN_RECORD, "plan": {**PATHWAY, "category": "qualifying"}}, "$.plan.category", False),
    (
        PlanRecord,
        {**PLAN_RECORD, "status": "ended", "ended_on": "2027-03-01"},
        "end_reason is required when status is ended",
        True,
    ),
    (
        PlanRecord,
        {**PLAN_RECORD, "status": "agreed", "end_reason": "Needs met."},
        "end_reason and ended_on are only set when status is ended",
        True,
    ),
    (
        PlanRecord,
        {**PLAN_RECORD, "ended_on": "2027-03-01"},
        "end_reason and ended_on are only set when status is ended",
        True,
    ),
    (PlanAgreement, {"agreed_on": "7 January 2026"}, "$.agreed_on", False),
    (PlanAgreement, {"agreed_by": "someone"}, "agreed_by", False),
    (PlanEnd, {"ended_on": "2027-03-01"}, "reason", False),
    (
        StatutoryPlanReviewCreate,
        {"held_on": "2026-12-20", "decision": "Carry on.", "next_review_on": "2026-12-19"},
        "before the start",
        True,
    ),
]
