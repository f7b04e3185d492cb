"""Examples for sos_schema.frontdoor."""

from typing import Any

from sos_schema import (
    AgencyInvolved,
    ChildSeenOrHeard,
    Referral,
    ReferralCreate,
    ReferralDecisionCreate,
    ReferralSource,
    Referrer,
)

CASE = "0b0c0d0e-0000-4000-8000-000000000020"
CHILD = "0b0c0d0e-0000-4000-8000-000000000002"
BABY = "0b0c0d0e-0000-4000-8000-000000000004"
MUM = "0b0c0d0e-0000-4000-8000-000000000001"
TEACHER = "0b0c0d0e-0000-4000-8000-000000000012"
MANAGER = "0b0c0d0e-0000-4000-8000-000000000011"
ID = "0b0c0d0e-0000-4000-8000-0000000000aa"
META = {
    "la_code": "845",
    "version": 1,
    "created_at": "2026-11-02T10:00:00Z",
    "created_by": "worker-1",
    "recorded_by": "worker-1",
    "updated_at": "2026-11-02T10:00:00Z",
}

SCHOOL: dict[str, Any] = {
    "type": "school",
    "name": "Ms J Teacher",
    "organisation": "Riverside Primary School",
    "contact": {"kind": "email", "value": "dsl@school.example", "safe_to_contact": True},
    "relationship_to_child": "class teacher",
}
REFERRAL: dict[str, Any] = {
    "received_at": "2026-11-02T09:15:00Z",
    "channel": "phone",
    "referrer": SCHOOL,
    "subjects": [CHILD],
    "parents_aware": True,
    "consent": "given",
    "worried_what_happened": "Amira came to school on Monday with a bruise on her cheek and said Dad hit her.",
    "immediate_danger": False,
}
FULL_REFERRAL: dict[str, Any] = {
    **REFERRAL,
    "subjects": [CHILD, BABY],
    "household_members": [MUM],
    "consent": "not_sought_safeguarding_risk",
    "consent_note": "Asking Dad could put Amira at risk before a strategy discussion.",
    "worried_what_might_happen": "Amira could be hurt again when Dad has been drinking.",
    "complicating_factors": "Mum is pregnant and the family have rent arrears.",
    "working_well": "Amira comes to school every day, clean and fed; Mum talks to the teacher.",
    "existing_safety": "Last month Mum took Amira to her sister's when Dad came home drunk.",
    "what_needs_to_happen": "Someone to check Amira is safe at home tonight.",
    "grey_areas": "Whether Dad still lives at the house.",
    "referrer_scale": {
        "question_text": "On a scale of 0 to 10, how safe is Amira at home?",
        "anchor_10": "Everyone agrees Amira is safe enough for the case to close.",
        "anchor_0": "Things are so bad Amira cannot safely stay at home.",
        "value": 3,
        "perspective": {
            "perspective_role": "agency",
            "perspective_person_id": TEACHER,
            "agency_type": "school_dsl",
            "own_words": True,
        },
        "reason": "She has told us twice this term.",
    },
    "child_seen_or_heard": {"seen_or_heard": True, "child_words": "Daddy hit me when I spilled my juice."},
    "agencies_involved": [
        {"agency": "Exampleton Health Visiting", "agency_type": "health_visitor"},
        {"agency": "Riverside Primary School", "contact": SCHOOL["contact"]},
    ],
    "visibility": "professionals_only",
    "withheld_reason": "Names the referrer and the child's disclosure before the strategy discussion.",
}
DECISION: dict[str, Any] = {
    "decision": "strategy_discussion",
    "decision_rationale": "Disclosure of physical harm by a parent: reasonable cause to suspect significant harm.",
    "case_id": CASE,
}
DECIDED: dict[str, Any] = {
    "decision": "strategy_discussion",
    "decision_by": MANAGER,
    "decided_by_user": "manager-1",
    "decided_at": "2026-11-02T14:00:00Z",
    "decision_rationale": DECISION["decision_rationale"],
}

VALID: list[tuple[type, dict[str, Any]]] = [
    (Referrer, SCHOOL),
    (Referrer, {"type": "anonymous"}),
    (Referrer, {"type": "family_member", "name": "Gran", "relationship_to_child": "maternal grandmother"}),
    (ChildSeenOrHeard, {"seen_or_heard": False}),
    (ChildSeenOrHeard, {"seen_or_heard": True, "child_words": "I don't like it when they shout."}),
    (AgencyInvolved, {"agency": "Exampleton GP Surgery", "agency_type": "gp"}),
    (ReferralCreate, REFERRAL),
    (ReferralCreate, FULL_REFERRAL),
    (
        ReferralCreate,
        {
            **REFERRAL,
            "referrer": {"type": "anonymous"},
            "channel": "online_form",
            "consent": "not_applicable",
            "consent_note": "Anonymous referral.",
        },
    ),
    (ReferralDecisionCreate, DECISION),
    (
        ReferralDecisionCreate,
        {**DECISION, "decision": "early_help", "rag_rating": "green", "case_id": None, "family_label": "Khan family"},
    ),
    (ReferralDecisionCreate, {"decision": "nfa_advice_given", "decision_rationale": "Advice given to the school."}),
    (Referral, {**REFERRAL, "id": ID, "meta": META, "decision_due_by": "2026-11-03"}),
    (ReferralSource, {"rule": "BR-18", "kind": "statutory_plan", "record_id": ID, "record_version": 3}),
    (
        Referral,
        {
            **REFERRAL,
            "id": ID,
            "meta": META,
            "decision_due_by": "2026-11-03",
            "raised_by": {"rule": "BR-18", "kind": "statutory_plan", "record_id": ID, "record_version": 3},
        },
    ),
    (
        Referral,
        {
            **FULL_REFERRAL,
            **DECIDED,
            "id": ID,
            "meta": META,
            "case_id": CASE,
            "decision_due_by": "2026-11-03",
            "decision_days_remaining": 1,
            "decision_overdue": False,
            "re_referral": True,
            "previous_referral_ids": [ID],
            "rag_rating": "red",
            "referrer_informed_at": "2026-11-02T16:00:00Z",
        },
    ),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (ReferralSource, {"rule": "18", "kind": "statutory_plan", "record_id": ID, "record_version": 3}, "$.rule", False),
    (Referrer, {"type": "anonymous", "name": "Someone"}, "an anonymous referrer has no name or contact", True),
    (Referrer, {"type": "public"}, "name is required unless the referrer is anonymous", True),
    (Referrer, {"type": "gp", "name": "Dr Example"}, "organisation is required for a professional referrer", True),
    (Referrer, {"type": "teacher", "name": "Ms J Teacher"}, "$.type", False),
    (ChildSeenOrHeard, {"seen_or_heard": False, "child_words": "Hello"}, "child_words needs seen_or_heard", True),
    (AgencyInvolved, {"agency": ""}, "$.agency", False),
    (ReferralCreate, {**REFERRAL, "consent": "refused"}, "consent_note is required unless consent is given", True),
    (ReferralCreate, {**REFERRAL, "consent": "maybe"}, "$.consent", False),
    (ReferralCreate, {**REFERRAL, "subjects": []}, "$.subjects", False),
    (ReferralCreate, {**REFERRAL, "subjects": [CHILD, CHILD]}, "subjects lists the same item", True),
    (
        ReferralCreate,
        {**REFERRAL, "household_members": [CHILD]},
        "a child in subjects is not also listed in household_members",
        True,
    ),
    (ReferralCreate, {**REFERRAL, "received_at": "2026-11-02T09:15:00"}, "$.received_at", False),
    (ReferralCreate, {k: v for k, v in REFERRAL.items() if k != "immediate_danger"}, "immediate_danger", False),
    (
        ReferralCreate,
        {k: v for k, v in REFERRAL.items() if k != "worried_what_happened"},
        "worried_what_happened",
        False,
    ),
    (ReferralCreate, {**REFERRAL, "channel": "carrier_pigeon"}, "$.channel", False),
    (ReferralCreate, {**REFERRAL, "decision": "early_help"}, "decision", False),
    (ReferralCreate, {**REFERRAL, "visibility": "restricted"}, "withheld_reason", True),
    (
        ReferralCreate,
        {**FULL_REFERRAL, "referrer_scale": {**FULL_REFERRAL["referrer_scale"], "value": 11}},
        "$.referrer_scale.value",
        False,
    ),
    (
        ReferralDecisionCreate,
        {k: v for k, v in DECISION.items() if k != "decision_rationale"},
        "decision_rationale",
        False,
    ),
    (ReferralDecisionCreate, {**DECISION, "rag_rating": "purple"}, "$.rag_rating", False),
    (ReferralDecisionCreate, {**DECISION, "decision": "ignore"}, "$.decision", False),
    (ReferralDecisionCreate, {**DECISION, "decision_by": MANAGER}, "decision_by", False),
    (ReferralDecisionCreate, {**DECISION, "decided_at": "2026-11-02T14:00:00Z"}, "decided_at", False),
    (ReferralDecisionCreate, {**DECISION, "family_label": "Khan family"}, "not both", True),
    (ReferralDecisionCreate, {**DECISION, "decision": "nfa_advice_given"}, "opens or links no case", True),
    (
        Referral,
        {**REFERRAL, "id": ID, "meta": META, "decision_due_by": "2026-11-03T09:15:00Z"},
        "decision_due_by",
        False,
    ),
    (
        Referral,
        {**REFERRAL, "id": ID, "meta": META, "decision_due_by": "2026-11-03", "decision": "early_help"},
        "all or none",
        True,
    ),
]
