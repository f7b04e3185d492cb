"""Examples for sos_schema.plans."""

from typing import Any

from sos_schema import (
    AgencyApproval,
    Agreement,
    ChildSafetyPlan,
    ChildSafetyPlanCreate,
    NetworkShowing,
    Page,
    ParentsPosition,
    PlanAgreementCreate,
    PlanCheckIn,
    PlanCheckInCreate,
    SafetyPlan,
    SafetyPlanAgree,
    SafetyPlanCreate,
    SafetyPlanEnd,
    SafetyPlanReview,
    SafetyPlanTrialStart,
    SafetyRuleCreate,
    UnsafeStep,
    WordsAndPictures,
    WordsAndPicturesAgreement,
    WordsAndPicturesCreate,
    WordsAndPicturesPresent,
    WordsAndPicturesShare,
)

MUM = "0b0c0d0e-0000-4000-8000-000000000001"
CHILD = "0b0c0d0e-0000-4000-8000-000000000002"
DAD = "0b0c0d0e-0000-4000-8000-000000000003"
NAN = "0b0c0d0e-0000-4000-8000-000000000004"
WORKER = "0b0c0d0e-0000-4000-8000-000000000005"
MANAGER = "0b0c0d0e-0000-4000-8000-000000000006"
DANGER = "0b0c0d0e-0000-4000-8000-0000000000d1"
DANGER_2 = "0b0c0d0e-0000-4000-8000-0000000000d2"
RULE = "0b0c0d0e-0000-4000-8000-0000000000e1"
IMAGE = "0b0c0d0e-0000-4000-8000-0000000000f1"
ID = "0b0c0d0e-0000-4000-8000-0000000000aa"
META = {
    "la_code": "845",
    "version": 1,
    "created_at": "2026-11-02T10:00:00Z",
    "created_by": "worker-1",
    "recorded_by": "worker-1",
    "updated_at": "2026-11-02T10:00:00Z",
}

RULE_BODY: dict[str, Any] = {
    "text": "Nan stays overnight whenever Dad has been drinking.",
    "danger_id": DANGER,
    "applies_when": "after Dad has been drinking",
    "responsible": [NAN, MUM],
}
FULL_RULE: dict[str, Any] = {
    **RULE_BODY,
    "id": RULE,
    "backup": DAD,
    "how_checked": "Nan texts the worker each morning she has stayed.",
    "checked_by": WORKER,
    "child_knows": True,
    "status": "active",
}
PLAN: dict[str, Any] = {"child_ids": [CHILD], "kind": "immediate"}
FULL_PLAN: dict[str, Any] = {
    "child_ids": [CHILD],
    "kind": "family_safety_plan",
    "danger_ids": [DANGER],
    "bottom_lines": ["Amira is never left alone with Dad when he has been drinking."],
    "rules": [FULL_RULE],
    "if_child_feels_unsafe": [{"step": "Go next door to Nan's and tell her.", "contact": NAN}],
    "if_plan_not_followed": "Nan tells the worker the same day, or the out-of-hours team at night.",
    "monitoring": "Nan and the school tell the worker each week how things are.",
    "review_on": "2027-01-15",
    "trial_ends_on": "2027-03-01",
    "check_in_every_days": 14,
}
AGREED: dict[str, Any] = {
    "agreements": [
        {"person_id": MUM, "role": "mum", "on": "2026-11-20", "method": "signed"},
        {"person_id": NAN, "role": "overnight carer", "on": "2026-11-20", "method": "verbal"},
    ],
    "agency_approval": {"by": MANAGER, "on": "2026-11-21"},
    "agreed_dangers": [{"id": DANGER, "version": 2}],
}
CHECK_IN: dict[str, Any] = {
    "on": "2026-12-01",
    "reporter": {"perspective_role": "network_member", "perspective_person_id": NAN, "own_words": True},
    "rule_id": RULE,
    "kept": "yes",
}
JUDGEMENT = {
    "question_text": "On a scale of 0 to 10, how well is the plan keeping Amira safe?",
    "anchor_10": "Everyone agrees the plan keeps Amira safe.",
    "anchor_0": "The plan is not keeping Amira safe at all.",
    "value": 7,
    "perspective": {"perspective_role": "network_member", "perspective_person_id": NAN, "own_words": True},
}
PAGE = {"number": 1, "text": "Mum and Dad love Amira very much.", "alt_text": "Mum, Dad and Amira holding hands."}
PAGE_2 = {
    "number": 2,
    "text": "Sometimes when Dad drinks he shouts and Amira is scared.",
    "image_id": IMAGE,
    "alt_text": "Amira hiding under her bed.",
    "image_origin": "drawn_by_parent",
}
STORY: dict[str, Any] = {
    "child_ids": [CHILD],
    "purpose": "why_we_are_involved",
    "authors": [MUM, DAD, WORKER],
    "pages": [PAGE, PAGE_2],
}
CHILD_PLAN: dict[str, Any] = {
    "source_plan_id": ID,
    "source_plan_version": 2,
    "child_id": CHILD,
    "format": "words_and_pictures",
    "pages": [PAGE],
}

VALID: list[tuple[type, dict[str, Any]]] = [
    (UnsafeStep, {"step": "Phone Nan on the mobile she gave me."}),
    (Agreement, {"person_id": DAD, "role": "dad", "on": "2026-11-20", "method": "electronic"}),
    (AgencyApproval, {"by": MANAGER, "on": "2026-11-21"}),
    (SafetyRuleCreate, RULE_BODY),
    (SafetyRuleCreate, FULL_RULE),
    (SafetyPlanCreate, PLAN),
    (SafetyPlanCreate, FULL_PLAN),
    (SafetyPlanCreate, {**PLAN, "rules": [RULE_BODY]}),
    (SafetyPlan, {**PLAN, "id": ID, "meta": META, "status": "draft"}),
    (
        SafetyPlan,
        {
            **FULL_PLAN,
            **AGREED,
            "id": ID,
            "meta": META,
            "status": "in_trial",
            "previous_version_id": ID,
            "agreed_at": "2026-11-21T12:00:00Z",
            "trial_started_on": "2026-11-24",
            "stale": True,
            "stale_dangers": [DANGER],
        },
    ),
    (SafetyPlan, {**PLAN, "id": ID, "meta": META, "status": "ended", "end_reason": "superseded"}),
    (SafetyPlanEnd, {"end_reason": "goals_sustained", "note": "Six months with every rule kept."}),
    (PlanAgreementCreate, {"role": "mum", "method": "electronic"}),
    (PlanAgreementCreate, {"person_id": NAN, "role": "overnight carer", "on": "2026-11-20", "method": "signed"}),
    (SafetyPlanAgree, {}),
    (SafetyPlanAgree, {"on": "2026-11-21", "note": "Agreed at the network meeting."}),
    (SafetyPlanTrialStart, {"started_on": "2026-11-24"}),
    (SafetyPlanTrialStart, {"started_on": "2026-11-24", "trial_ends_on": "2027-01-05", "check_in_every_days": 7}),
    (SafetyPlanReview, {"reason": "Dad came home drunk and Nan was not called."}),
    (PlanCheckInCreate, CHECK_IN),
    (
        PlanCheckInCreate,
        {
            **CHECK_IN,
            "kept": "partly",
            "note": "Nan could not come on Saturday; Mum took Amira to her sister's.",
            "judgement": JUDGEMENT,
            "action_taken": "Network meeting booked to name a second overnight carer.",
            "corrects": ID,
        },
    ),
    (PlanCheckIn, {**CHECK_IN, "id": ID, "plan_id": ID, "recorded_at": "2026-12-01T18:00:00Z", "meta": META}),
    (Page, PAGE),
    (Page, PAGE_2),
    (ParentsPosition, {"position": "partly", "note": "Dad says he never shouts."}),
    (NetworkShowing, {"person_id": NAN, "on": "2026-12-03"}),
    (WordsAndPicturesCreate, STORY),
    (
        WordsAndPicturesCreate,
        {**STORY, "parents_position": {"position": "agree"}, "danger_ids": [DANGER], "visibility": "family_shareable"},
    ),
    (
        WordsAndPicturesCreate,
        {**STORY, "purpose": "explain_safety_plan", "safety_plan_id": ID, "safety_plan_version": 3},
    ),
    (WordsAndPicturesPresent, {"presented_on": "2026-12-02", "presented_by": [MUM, WORKER]}),
    (
        WordsAndPicturesPresent,
        {"presented_on": "2026-12-02", "presented_by": [MUM], "child_reaction": "I knew Dad was poorly"},
    ),
    (WordsAndPictures, {**STORY, "id": ID, "meta": META, "status": "draft"}),
    (
        WordsAndPictures,
        {
            **STORY,
            "id": ID,
            "meta": META,
            "status": "presented_to_child",
            "presented_on": "2026-12-02",
            "presented_by": [MUM, WORKER],
            "child_reaction": "Can Nan come for tea?",
            "shown_to_network": [{"person_id": NAN, "on": "2026-12-03"}],
            "stale": True,
            "parents_agreements": [{"by": "parent-1", "person_id": MUM, "at": "2026-11-30T17:00:00Z"}],
            "agency_agreement": {"by": "manager-1", "at": "2026-12-01T09:00:00Z"},
            "previous_version_id": ID,
        },
    ),
    (WordsAndPicturesShare, {"shown_to": [{"person_id": NAN, "on": "2026-12-03"}]}),
    (WordsAndPicturesAgreement, {"by": "parent-1", "person_id": MUM, "at": "2026-11-30T17:00:00Z"}),
    (ChildSafetyPlanCreate, CHILD_PLAN),
    (
        ChildSafetyPlanCreate,
        {
            **CHILD_PLAN,
            "format": "safety_house",
            "who_looks_after_me": "Mum looks after me, and Nan when Dad has been drinking.",
            "what_grown_ups_will_do": "Nan will come and stay if Dad has had beer.",
            "what_i_can_do_if_not_safe": "I can go next door to Nan's.",
            "my_safe_people": [NAN, MUM],
            "explained_on": "2026-12-05",
            "explained_by": [MUM, WORKER],
            "child_response": "I like that Nan will come",
        },
    ),
    (ChildSafetyPlan, {**CHILD_PLAN, "id": ID, "meta": META, "stale": True}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (SafetyRuleCreate, {**RULE_BODY, "responsible": []}, "$.responsible", False),
    (SafetyRuleCreate, {**RULE_BODY, "responsible": [NAN, NAN]}, "more than once", True),
    (SafetyRuleCreate, {**RULE_BODY, "backup": NAN}, "backup must be someone other", True),
    (SafetyRuleCreate, {**RULE_BODY, "status": "suspended"}, "$.status", False),
    (SafetyRuleCreate, {k: v for k, v in RULE_BODY.items() if k != "danger_id"}, "danger_id", False),
    (SafetyPlanCreate, {**PLAN, "child_ids": []}, "$.child_ids", False),
    (SafetyPlanCreate, {**PLAN, "kind": "forever"}, "$.kind", False),
    (SafetyPlanCreate, {**PLAN, "status": "agreed"}, "status", False),
    (SafetyPlanCreate, {**PLAN, "review_on": "2027-02-30"}, "$.review_on", False),
    (SafetyPlanCreate, {**PLAN, "child_ids": [CHILD, CHILD]}, "child_ids lists the same", True),
    (SafetyPlanCreate, {**PLAN, "danger_ids": [DANGER, DANGER]}, "danger_ids lists the same", True),
    (SafetyPlanCreate, {**FULL_PLAN, "danger_ids": [DANGER_2]}, "every rule's danger_id", True),
    (SafetyPlanCreate, {**FULL_PLAN, "rules": [FULL_RULE, FULL_RULE]}, "rules (by id)", True),
    (
        SafetyPlan,
        {**PLAN, **AGREED, "id": ID, "meta": META, "status": "draft", "agreements": [AGREED["agreements"][0]] * 2},
        "agreements lists the same",
        True,
    ),
    (SafetyPlanCreate, {**PLAN, "agreements": AGREED["agreements"]}, "agreements", False),
    (SafetyPlanCreate, {**PLAN, "check_in_every_days": 0}, "$.check_in_every_days", False),
    (PlanAgreementCreate, {"role": "mum", "method": "nodded"}, "$.method", False),
    (SafetyPlanTrialStart, {"started_on": "2026-11-31"}, "$.started_on", False),
    (SafetyPlanReview, {"reason": ""}, "$.reason", False),
    (SafetyPlanCreate, {**PLAN, "visibility": "restricted"}, "withheld_reason", True),
    (SafetyPlanCreate, {**PLAN, "rules": [{**RULE_BODY, "backup": NAN}]}, "$.rules[0]", True),
    (
        SafetyPlan,
        {
            **PLAN,
            "id": ID,
            "meta": META,
            "status": "draft",
            "agreements": [{"person_id": MUM, "role": "mum", "on": "2026-11-20", "method": "nodded"}],
        },
        "$.agreements[0].method",
        False,
    ),
    (SafetyPlan, {**PLAN, "id": ID, "meta": META, "status": "ended"}, "end_reason is required", True),
    (
        SafetyPlan,
        {**PLAN, "id": ID, "meta": META, "status": "agreed", "end_reason": "broke_down"},
        "end_reason is only set",
        True,
    ),
    (SafetyPlan, {**PLAN, "id": ID, "meta": META, "status": "in_trial"}, "trial_ends_on is required", True),
    (SafetyPlanEnd, {"end_reason": "bored"}, "$.end_reason", False),
    (UnsafeStep, {"step": ""}, "$.step", False),
    (Agreement, {"person_id": MUM, "role": "mum", "on": "2026-11-20"}, "method", False),
    (AgencyApproval, {"by": "manager-1", "on": "2026-11-21"}, "$.by", False),
    (PlanCheckInCreate, {**CHECK_IN, "kept": "mostly"}, "$.kept", False),
    (PlanCheckInCreate, {**CHECK_IN, "judgement": {**JUDGEMENT, "value": 11}}, "$.judgement.value", False),
    (
        PlanCheckInCreate,
        {**CHECK_IN, "reporter": {"perspective_role": "network_member", "own_words": True}},
        "perspective_person_id is required",
        True,
    ),
    (Page, {**PAGE, "number": 0}, "$.number", False),
    (Page, {**PAGE, "text": "x" * 401}, "$.text", False),
    (Page, {k: v for k, v in PAGE.items() if k != "alt_text"}, "alt_text", False),
    (Page, {**PAGE_2, "image_origin": "ai"}, "$.image_origin", False),
    (ParentsPosition, {"position": "maybe"}, "$.position", False),
    (NetworkShowing, {"person_id": NAN}, "on", False),
    (WordsAndPicturesCreate, {**STORY, "pages": []}, "$.pages", False),
    (WordsAndPicturesCreate, {**STORY, "authors": []}, "$.authors", False),
    (WordsAndPicturesCreate, {**STORY, "purpose": "because"}, "$.purpose", False),
    (WordsAndPicturesCreate, {**STORY, "pages": [PAGE_2]}, "numbered 1, 2, 3", True),
    (WordsAndPicturesCreate, {**STORY, "pages": [PAGE_2, PAGE]}, "numbered 1, 2, 3", True),
    (WordsAndPicturesCreate, {**STORY, "authors": [MUM, MUM]}, "authors lists the same", True),
    (WordsAndPicturesCreate, {**STORY, "status": "draft"}, "status", False),
    (WordsAndPicturesPresent, {"presented_on": "2026-12-02", "presented_by": []}, "$.presented_by", False),
    (
        WordsAndPicturesPresent,
        {"presented_on": "2026-12-02", "presented_by": [MUM, MUM]},
        "presented_by lists the same",
        True,
    ),
    (
        WordsAndPictures,
        {**STORY, "id": ID, "meta": META, "status": "presented_to_child"},
        "presented_on and presented_by are required",
        True,
    ),
    (WordsAndPicturesCreate, {**STORY, "purpose": "explain_safety_plan"}, "required for, and only for", True),
    (
        WordsAndPicturesCreate,
        {**STORY, "safety_plan_id": ID, "safety_plan_version": 1},
        "required for, and only for",
        True,
    ),
    (
        WordsAndPicturesCreate,
        {**STORY, "purpose": "explain_safety_plan", "safety_plan_id": ID},
        "sent together",
        True,
    ),
    (WordsAndPicturesCreate, {**STORY, "safety_plan_version": 0}, "$.safety_plan_version", False),
    (WordsAndPicturesShare, {"shown_to": []}, "$.shown_to", False),
    (
        WordsAndPicturesShare,
        {"shown_to": [{"person_id": NAN, "on": "2026-12-03"}, {"person_id": NAN, "on": "2026-12-04"}]},
        "shown_to lists the same",
        True,
    ),
    (ChildSafetyPlanCreate, {**CHILD_PLAN, "source_plan_version": 0}, "$.source_plan_version", False),
    (ChildSafetyPlanCreate, {**CHILD_PLAN, "format": "comic"}, "$.format", False),
    (ChildSafetyPlanCreate, {**CHILD_PLAN, "pages": [PAGE, PAGE]}, "numbered 1, 2, 3", True),
    (
        ChildSafetyPlanCreate,
        {**CHILD_PLAN, "explained_on": "2026-12-05"},
        "explained_by is required",
        True,
    ),
    (ChildSafetyPlanCreate, {**CHILD_PLAN, "explained_by": [MUM]}, "explained_on is required", True),
    (ChildSafetyPlanCreate, {**CHILD_PLAN, "my_safe_people": [NAN, NAN]}, "my_safe_people lists the same", True),
    (ChildSafetyPlanCreate, {**CHILD_PLAN, "stale": True}, "stale", False),
]
