"""Examples for sos_schema.network."""

from typing import Any

from sos_schema import (
    Attendance,
    DangerKnown,
    DatedFlag,
    Network,
    NetworkContact,
    NetworkCreate,
    NetworkMeeting,
    NetworkMeetingCreate,
    NetworkMember,
    NetworkMemberCreate,
    RecordShare,
    RelationshipToChild,
    SignedPlan,
)

MUM = "0b0c0d0e-0000-4000-8000-000000000001"
CHILD = "0b0c0d0e-0000-4000-8000-000000000002"
WORKER = "0b0c0d0e-0000-4000-8000-000000000005"
NAN = "0b0c0d0e-0000-4000-8000-000000000007"
FRIEND = "0b0c0d0e-0000-4000-8000-000000000008"
ID = "0b0c0d0e-0000-4000-8000-0000000000aa"
PLAN = "0b0c0d0e-0000-4000-8000-0000000000b1"
MAP = "0b0c0d0e-0000-4000-8000-0000000000c1"
JUDGEMENT = "0b0c0d0e-0000-4000-8000-0000000000b2"
NETWORK_ID = "0b0c0d0e-0000-4000-8000-0000000000b3"
DANGER = "0b0c0d0e-0000-4000-8000-0000000000d1"
META = {
    "la_code": "845",
    "version": 1,
    "created_at": "2026-11-02T10:00:00Z",
    "created_by": "worker-1",
    "recorded_by": "worker-1",
    "updated_at": "2026-11-02T10:00:00Z",
}
WORKER_VIEW = {"perspective_role": "social_worker", "perspective_person_id": WORKER, "own_words": False}

NAN_MEMBER: dict[str, Any] = {
    "person_id": NAN,
    "relationship_to_child": {"kind": "grandparent", "text": "Nan"},
    "proposed_by": "parent",
    "roles": ["overnight_carer", "daily_check_in"],
    "commitment": "agreed",
    "commitment_on": "2026-11-05",
    "knows_danger_statements": {"value": True, "on": "2026-11-05"},
    "knows_dangers": [{"danger_id": DANGER, "version": 1, "on": "2026-11-05"}],
    "has_seen_words_and_pictures": {"value": True, "on": "2026-11-12"},
    "signed_safety_plan": {"value": True, "plan_id": PLAN, "plan_version": 2, "on": "2026-11-12"},
    "checks": "clear",
    "trusted_by_child": True,
    "contact": [{"kind": "phone", "value": "07700 900123", "share_with_family": True}],
    "joined_on": "2026-11-05",
    "is_professional": False,
}
FRIEND_MEMBER: dict[str, Any] = {
    "person_id": FRIEND,
    "relationship_to_child": {"kind": "friend"},
    "proposed_by": "child",
    "commitment": "not_asked",
    "joined_on": "2026-11-05",
    "is_professional": False,
}
NETWORK: dict[str, Any] = {
    "child_ids": [CHILD],
    "purpose": "safety",
    "status": "active",
    "members": [NAN_MEMBER, FRIEND_MEMBER],
    "adequacy_note": "Nan can cover weekends; we still need someone for weekday evenings.",
}
NEXT_STEP: dict[str, Any] = {
    "category": "next_step",
    "text": "Nan will phone Mum every evening at 7 to check in.",
    "perspective": WORKER_VIEW,
    "order": 1,
    "owner": NAN,
    "due_on": "2026-11-13",
}
MEETING: dict[str, Any] = {
    "kind": "family_network_meeting",
    "scheduled_at": "2026-11-12T17:30:00Z",
    "held_at": "2026-11-12T17:35:00Z",
    "facilitator": WORKER,
    "attendance": [
        {"person_id": MUM, "status": "attended"},
        {"person_id": NAN, "status": "attended"},
        {"person_id": FRIEND, "status": "apologies"},
    ],
    "child_participation": "views_via_worker",
    "map_id": MAP,
    "judgement_ids": [JUDGEMENT],
    "safety_plan_id": PLAN,
    "safety_plan_version": 2,
    "network_id": NETWORK_ID,
    "decisions": "Nan will have the children every Friday and Saturday night for the next month.",
    "next_steps": [NEXT_STEP],
    "next_meeting_on": "2026-12-10",
    "record_shared_with": [{"person_id": MUM, "on": "2026-11-13"}],
}

VALID: list[tuple[Any, dict[str, Any]]] = [
    (DatedFlag, {"value": False}),
    (DangerKnown, {"danger_id": DANGER, "version": 3, "on": "2026-11-05"}),
    (DatedFlag, {"value": True, "on": "2026-11-05"}),
    (SignedPlan, {"value": False}),
    (SignedPlan, {"value": True, "plan_version": 1, "on": "2026-11-12"}),
    (NetworkContact, {"kind": "email", "value": "nan@example.org"}),
    (RelationshipToChild, {"kind": "aunt_uncle", "text": "Auntie Sam"}),
    (NetworkMemberCreate, NAN_MEMBER),
    (NetworkMemberCreate, FRIEND_MEMBER),
    (
        NetworkMemberCreate,
        {
            **FRIEND_MEMBER,
            "commitment": "withdrawn",
            "commitment_on": "2026-12-01",
            "left_on": "2026-12-01",
            "left_reason": "Moved away for work.",
        },
    ),
    # A member kept from the previous version names its id; told a statement with the flag left to the server.
    (NetworkMemberCreate, {**FRIEND_MEMBER, "id": ID, "knows_dangers": NAN_MEMBER["knows_dangers"]}),
    (NetworkMember, {**NAN_MEMBER, "id": ID}),
    (NetworkCreate, NETWORK),
    (NetworkCreate, {"child_ids": [CHILD], "purpose": "support"}),
    (Network, {**NETWORK, "id": ID, "meta": META, "members": [{**NAN_MEMBER, "id": ID}]}),
    (Attendance, {"person_id": MUM, "status": "declined"}),
    (Attendance, {"person_id": MUM, "status": "not_invited", "not_invited_reason": "A court order bars contact."}),
    (RecordShare, {"person_id": MUM, "on": "2026-11-13"}),
    (NetworkMeetingCreate, MEETING),
    (
        NetworkMeetingCreate,
        {"kind": "safety_plan_review", "scheduled_at": "2026-12-10T17:30:00Z", "facilitator": WORKER},
    ),
    # Held earlier than scheduled is allowed.
    (NetworkMeetingCreate, {**MEETING, "held_at": "2026-11-11T17:30:00Z"}),
    (NetworkMeeting, {**MEETING, "id": ID, "meta": META}),
]

INVALID: list[tuple[Any, dict[str, Any], str, bool]] = [
    (DatedFlag, {"on": "2026-11-05"}, "value", False),
    (SignedPlan, {"value": True}, "plan_version is required", True),
    (SignedPlan, {"value": True, "plan_version": 0}, "$.plan_version", False),
    (NetworkContact, {"kind": "pigeon", "value": "x"}, "$.kind", False),
    (NetworkContact, {"kind": "phone", "value": ""}, "$.value", False),
    (RelationshipToChild, {"kind": "uncle"}, "$.kind", False),
    (NetworkMemberCreate, {k: v for k, v in NAN_MEMBER.items() if k != "checks"}, "checks is required", True),
    (
        NetworkMemberCreate,
        {**FRIEND_MEMBER, "roles": ["supervises_contact"]},
        "checks is required",
        True,
    ),
    (NetworkMemberCreate, {**NAN_MEMBER, "roles": ["school_run", "school_run"]}, "roles lists the same", True),
    (NetworkMemberCreate, {**NAN_MEMBER, "roles": ["babysitter"]}, "$.roles[0]", False),
    (NetworkMemberCreate, {**FRIEND_MEMBER, "commitment": "agreed"}, "commitment_on is required", True),
    (NetworkMemberCreate, {**FRIEND_MEMBER, "commitment": "maybe"}, "$.commitment", False),
    (NetworkMemberCreate, {**FRIEND_MEMBER, "left_on": "2026-12-01"}, "left_reason is required", True),
    (NetworkMemberCreate, {**FRIEND_MEMBER, "left_reason": "Moved away."}, "left_reason needs left_on", True),
    (
        NetworkMemberCreate,
        {**FRIEND_MEMBER, "left_on": "2026-10-01", "left_reason": "Moved away."},
        "before the start",
        True,
    ),
    (NetworkMemberCreate, {**NAN_MEMBER, "checks": "pending"}, "$.checks", False),
    (NetworkMemberCreate, {k: v for k, v in FRIEND_MEMBER.items() if k != "is_professional"}, "is_professional", False),
    (NetworkMemberCreate, {k: v for k, v in FRIEND_MEMBER.items() if k != "commitment"}, "commitment", False),
    (NetworkMemberCreate, {**FRIEND_MEMBER, "id": "not-a-uuid"}, "$.id", False),
    (
        NetworkMemberCreate,
        {**NAN_MEMBER, "knows_dangers": NAN_MEMBER["knows_dangers"] * 2},
        "knows_dangers (by danger_id) lists the same",
        True,
    ),
    (
        NetworkMemberCreate,
        {**NAN_MEMBER, "knows_danger_statements": {"value": False}},
        "knows_danger_statements cannot be false",
        True,
    ),
    (DangerKnown, {"danger_id": DANGER, "version": 0, "on": "2026-11-05"}, "$.version", False),
    (DangerKnown, {"danger_id": DANGER, "version": 1}, "on", False),
    (NetworkMember, FRIEND_MEMBER, "id", False),
    (NetworkCreate, {**NETWORK, "child_ids": []}, "$.child_ids", False),
    (NetworkCreate, {**NETWORK, "child_ids": [CHILD, CHILD]}, "child_ids lists the same", True),
    (NetworkCreate, {**NETWORK, "members": [NAN_MEMBER, NAN_MEMBER]}, "members (by person_id) lists the same", True),
    (NetworkCreate, {**NETWORK, "purpose": "fun"}, "$.purpose", False),
    (NetworkCreate, {**NETWORK, "visibility": "professionals_only"}, "withheld_reason", True),
    (Network, {**NETWORK, "id": ID, "meta": META}, "$.members[0]", False),
    (Attendance, {"person_id": MUM, "status": "not_invited"}, "not_invited_reason is required", True),
    (Attendance, {"person_id": MUM, "status": "late"}, "$.status", False),
    (NetworkMeetingCreate, {**MEETING, "kind": "party"}, "$.kind", False),
    (NetworkMeetingCreate, {**MEETING, "scheduled_at": "2026-11-12T17:30:00"}, "$.scheduled_at", False),
    (NetworkMeetingCreate, {k: v for k, v in MEETING.items() if k != "facilitator"}, "facilitator", False),
    (
        NetworkMeetingCreate,
        {**MEETING, "attendance": [{"person_id": MUM, "status": "attended"}] * 2},
        "attendance (by person_id) lists the same",
        True,
    ),
    (NetworkMeetingCreate, {**MEETING, "judgement_ids": [JUDGEMENT, JUDGEMENT]}, "judgement_ids lists the same", True),
    (NetworkMeetingCreate, {**MEETING, "safety_plan_id": None}, "safety_plan_version needs safety_plan_id", True),
    (NetworkMeetingCreate, {**MEETING, "safety_plan_version": 0}, "$.safety_plan_version", False),
    (NetworkMeetingCreate, {**MEETING, "child_participation": "sleeping"}, "$.child_participation", False),
    (NetworkMeetingCreate, {**MEETING, "next_steps": [{**NEXT_STEP, "category": "harm"}]}, "$.next_steps[0]", False),
    (
        NetworkMeetingCreate,
        {**MEETING, "next_steps": [{k: v for k, v in NEXT_STEP.items() if k != "owner"}]},
        "owner",
        False,
    ),
    (
        NetworkMeetingCreate,
        {**MEETING, "next_steps": [{**NEXT_STEP, "id": ID}, {**NEXT_STEP, "id": ID}]},
        "next_steps (by id) lists the same",
        True,
    ),
    (NetworkMeetingCreate, {**MEETING, "record_shared_with": [{"person_id": MUM}]}, "on", False),
    (NetworkMeetingCreate, {**MEETING, "id": ID}, "id", False),
    (NetworkMeeting, MEETING, "id", False),
]
