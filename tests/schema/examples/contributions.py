"""Examples for sos_schema.contributions."""

from typing import Any

from sos_schema import (
    AgencyFact,
    AttachmentRef,
    ConferenceReport,
    Contribution,
    ContributionChildVoice,
    ContributionConsent,
    ContributionCreate,
    ContributionMove,
    ContributionReceipt,
    ContributionReplace,
    ContributionSubject,
    ContributorOrganisation,
    ContributorPerson,
    DomesticAbuseNotification,
    HealthAttendance,
    HealthConcern,
    MashReferral,
    NotForFamily,
    PoliceIncident,
    ProfessionalView,
    WorkingWellBlock,
    WorryBlock,
)

MUM = "0b0c0d0e-0000-4000-8000-000000000001"
CHILD = "0b0c0d0e-0000-4000-8000-000000000002"
MEETING = "0b0c0d0e-0000-4000-8000-0000000000c1"
FILE = "0b0c0d0e-0000-4000-8000-0000000000f1"
ID = "0b0c0d0e-0000-4000-8000-0000000000aa"
META = {
    "la_code": "845",
    "version": 1,
    "created_at": "2026-11-02T10:00:00Z",
    "created_by": "partner-1",
    "recorded_by": "partner-1",
    "updated_at": "2026-11-02T10:00:00Z",
}

SUBJECT: dict[str, Any] = {
    "identifiers": [{"system": "nhs_number", "value": "943 476 5919", "verification": "01"}],
    "given_names": "Amira",
    "family_name": "Testchild",
    "date_of_birth": "2019-04-02",
    "postcode": "LS1 4AP",
}
NHS_ORG = {"name": "Example Teaching Hospitals NHS Trust", "code": "RR8", "code_system": "ods"}
POLICE_ORG = {"name": "Example Police", "code": "WYP", "code_system": "police_force"}
NURSE = {"name": "Sam Example", "role": "Named nurse for safeguarding children", "email": "sam@example.nhs.uk"}
OFFICER = {"name": "PC Alex Example", "role": "Public protection officer", "phone": "0113 496 0000"}
CONSENT = {"parents_informed": True, "consent_obtained": True, "given_by": "Mum", "scope": "Referral to MASH"}
NO_CONSENT = {
    "parents_informed": False,
    "consent_obtained": False,
    "reason_if_not": "Telling Mum could put Amira at greater risk from Dad.",
}
JUDGEMENT = {
    "question_text": "On a scale of 0 to 10, how safe is Amira at home?",
    "anchor_10": "Everyone agrees Amira is safe enough for the case to close.",
    "anchor_0": "Things are so bad Amira cannot safely stay at home.",
    "value": 3,
    "perspective": {
        "perspective_role": "agency",
        "perspective_person_id": MUM,
        "agency_type": "hospital",
        "own_words": False,
    },
    "reason": "A second unexplained bruise in a month.",
}
COMMON: dict[str, Any] = {
    "subject": SUBJECT,
    "contributor": NHS_ORG,
    "author": NURSE,
    "agency_type": "hospital",
    "narrative": "Amira was brought to the emergency department with a bruise to her cheek.",
}
ATTENDANCE: dict[str, Any] = {
    **COMMON,
    "kind": "health_attendance",
    "setting": "emergency_department",
    "attended_at": "2026-11-01T21:30:00Z",
    "reason": "Bruise to the left cheek; Mum said Amira fell off the sofa.",
}
CONCERN: dict[str, Any] = {**COMMON, "kind": "health_concern"}
POLICE: dict[str, Any] = {
    **COMMON,
    "kind": "police_incident",
    "contributor": POLICE_ORG,
    "author": OFFICER,
    "agency_type": "police",
    "occurred_at": "2026-11-01T23:10:00Z",
    "incident_ref": "WYP-20261101-0456",
    "risk_grade": "medium",
}
DA: dict[str, Any] = {
    **POLICE,
    "kind": "domestic_abuse_notification",
    "dash_risk": "high",
    "operation_encompass": True,
    "school_urn": "100000",
}
del DA["risk_grade"]
MASH: dict[str, Any] = {**COMMON, "kind": "mash_referral", "consent": CONSENT}
VIEW: dict[str, Any] = {**COMMON, "kind": "professional_view"}
REPORT: dict[str, Any] = {
    "kind": "conference_report",
    "child_ids": [CHILD],
    "contributor": {"name": "Example Primary School", "code": "100000", "code_system": "urn"},
    "author": {"name": "Jo Example", "role": "Designated safeguarding lead", "email": "dsl@example.sch.uk"},
    "agency_type": "school_dsl",
    "narrative": "Amira has been at the school since reception.",
    "for_meeting_id": MEETING,
    "attending": "attending",
}
NOT_TOLD: dict[str, Any] = {"parts": ["Paragraph 3"], "reason": "Another child's information.", "chair_informed": False}

VALID: list[tuple[type, dict[str, Any]]] = [
    (ContributionMove, {"status": "triaged"}),
    (ContributionMove, {"status": "declined", "reason": "Already known to the council's early help team."}),
    (
        ContributionMove,
        {"status": "redirected", "reason": "Amira lives in another council.", "redirected_to": "Council 846"},
    ),
    (
        Contribution,
        {
            "id": ID,
            "meta": META,
            "status": "matched",
            "content": {**ATTENDANCE, "la_code": "845"},
            "received_from": "ods:RR8",
            "matched_person_id": CHILD,
            "matched_by": "identifier",
        },
    ),
    (ContributionSubject, SUBJECT),
    (
        ContributionSubject,
        {
            "family_name": "Testmum",
            "expected_date_of_birth": "2027-02-01",
            "no_nhs_number_reason": "more_harmful_to_child",
        },
    ),
    (ContributorOrganisation, NHS_ORG),
    (ContributorOrganisation, {"name": "Example Council", "code": "845", "code_system": "la"}),
    (ContributorPerson, NURSE),
    (ContributorPerson, OFFICER),
    (WorryBlock, {"danger": "Amira could be badly hurt if Dad hits her again."}),
    (WorkingWellBlock, {"strengths": "Mum brought Amira straight to hospital.", "existing_safety": "Nan took her."}),
    (ContributionChildVoice, {"spoken_to": True, "what_they_said": "Daddy was cross", "who_present": "A nurse"}),
    (ContributionChildVoice, {"spoken_to": False}),
    (ContributionConsent, CONSENT),
    (ContributionConsent, NO_CONSENT),
    (AttachmentRef, {"id": FILE, "title": "Body map", "media_type": "application/pdf"}),
    (AgencyFact, {"label": "School attendance this term", "value": "82%"}),
    (NotForFamily, {"parts": ["Section 4"], "reason": "Third-party health information.", "chair_informed": True}),
    (HealthAttendance, ATTENDANCE),
    (
        HealthAttendance,
        {
            **ATTENDANCE,
            "occurred_at": "2026-11-01T20:00:00Z",
            "location": "At home",
            "worries": {"harm": "Bruise to the cheek on 1 November.", "complicating_factors": "Dad drinks."},
            "working_well": {"strengths": "Mum sought help at once."},
            "needs_to_happen": "A child protection medical.",
            "child_present": True,
            "child_where": "In the cubicle with Mum",
            "child_voice": {"spoken_to": True, "what_they_said": "I fell"},
            "consent": NO_CONSENT,
            "urgency": "urgent",
            "scaling": JUDGEMENT,
            "attachments": [{"id": FILE, "title": "Body map", "media_type": "application/pdf"}],
            "child_ids": [CHILD],
            "source_anonymous": False,
        },
    ),
    (HealthConcern, CONCERN),
    (HealthConcern, {**CONCERN, "setting": "health_visiting", "was_not_brought": 3, "about_parent_or_carer": True}),
    (PoliceIncident, POLICE),
    (PoliceIncident, {**POLICE, "crime_ref": "13/123456/26", "child_present": True, "child_where": "Upstairs"}),
    (DomesticAbuseNotification, DA),
    (
        DomesticAbuseNotification,
        {**DA, "school_urn": None, "electively_home_educated": True, "dash_risk": None, "incident_ref": None},
    ),
    (MashReferral, MASH),
    (MashReferral, {**MASH, "threshold_level": "level_3", "actions_taken": "Spoke to Mum; told the GP."}),
    (ProfessionalView, VIEW),
    (ProfessionalView, {**VIEW, "about_request_id": ID, "involvement": "GP to the family for six years."}),
    (ConferenceReport, REPORT),
    (
        ConferenceReport,
        {
            **REPORT,
            "involvement": "Known since reception; last saw Amira on 30 October.",
            "plan_recommendation": "cp_plan_needed",
            "agency_facts": [{"label": "Attendance", "value": "82%"}],
            "shared_with_family_on": "2026-11-10",
            "not_for_family": {
                "parts": ["Paragraph 3"],
                "reason": "Another child's information.",
                "chair_informed": True,
            },
            "scaling": JUDGEMENT,
            "visibility": "family_shareable",
            "withheld_reason": None,
        },
    ),
    (ContributionCreate, POLICE),
    (ContributionCreate, REPORT),
    (ContributionReplace, {"reason": "The incident time was wrong.", "content": POLICE}),
    (Contribution, {"id": ID, "meta": META, "status": "received", "content": ATTENDANCE}),
    (
        Contribution,
        {
            "id": ID,
            "meta": META,
            "status": "submitted",
            "submitted_at": "2026-11-08T09:00:00Z",
            "replaces_id": ID,
            "replacement_reason": "Added the attendance figures.",
            "content": REPORT,
        },
    ),
    (
        Contribution,  # a draft may withhold parts before the chair has been told
        {"id": ID, "meta": META, "status": "draft", "content": {**REPORT, "not_for_family": NOT_TOLD}},
    ),
    (
        Contribution,  # withdrawn: it goes to no meeting
        {"id": ID, "meta": META, "status": "withdrawn", "content": {**REPORT, "not_for_family": NOT_TOLD}},
    ),
    (
        Contribution,
        {
            "id": ID,
            "meta": META,
            "status": "submitted",
            "content": {**REPORT, "not_for_family": {**NOT_TOLD, "chair_informed": True}},
        },
    ),
    (ContributionReceipt, {"id": ID, "status": "received", "received_at": "2026-11-02T10:00:00Z"}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (ContributionSubject, {"postcode": "LS1 4AP"}, "needs an identifier, a name", True),
    (
        ContributionSubject,
        {**SUBJECT, "expected_date_of_birth": "2027-02-01"},
        "not both",
        True,
    ),
    (ContributionSubject, {**SUBJECT, "no_nhs_number_reason": "more_harmful_to_child"}, "no_nhs_number_reason", True),
    (
        ContributionSubject,
        {**SUBJECT, "identifiers": [{"system": "nhs_number", "value": "9434765918"}]},
        "not a valid NHS number",
        True,
    ),
    (ContributionSubject, {**SUBJECT, "postcode": "not a postcode"}, "$.postcode", False),
    (ContributorOrganisation, {**NHS_ORG, "code_system": "nhs"}, "$.code_system", False),
    (ContributorOrganisation, {**NHS_ORG, "code_system": "urn"}, "a URN code is 6 digits", True),
    (ContributorOrganisation, {**NHS_ORG, "code_system": "la"}, "3-digit DfE number", True),
    (ContributorPerson, {"name": "Sam Example", "role": "Nurse"}, "needs a phone or an email", True),
    (ContributorPerson, {**NURSE, "email": "not-an-email"}, "$.email", False),
    (WorryBlock, {}, "worries needs harm, danger", True),
    (WorkingWellBlock, {}, "working_well needs strengths", True),
    (ContributionChildVoice, {"what_they_said": "hello"}, "spoken_to", False),
    (ContributionConsent, {"parents_informed": True, "consent_obtained": True}, "given_by is required", True),
    (ContributionConsent, {"parents_informed": False, "consent_obtained": False}, "reason_if_not is required", True),
    (AttachmentRef, {"id": FILE, "title": "Body map", "media_type": "PDF"}, "$.media_type", False),
    (AgencyFact, {"label": "Attendance"}, "value", False),
    (NotForFamily, {"parts": [], "reason": "x", "chair_informed": False}, "$.parts", False),
    (HealthAttendance, {k: v for k, v in ATTENDANCE.items() if k != "attended_at"}, "attended_at", False),
    (HealthAttendance, {**ATTENDANCE, "setting": "pharmacy"}, "$.setting", False),
    (HealthAttendance, {**ATTENDANCE, "attended_at": "2026-11-01T21:30:00"}, "$.attended_at", False),
    (HealthAttendance, {**ATTENDANCE, "subject": None}, "name the child with subject or child_ids", True),
    (HealthAttendance, {**ATTENDANCE, "child_ids": [CHILD, CHILD]}, "child_ids lists the same", True),
    (
        HealthAttendance,
        {**ATTENDANCE, "attachments": [{"id": FILE, "title": "a", "media_type": "application/pdf"}] * 2},
        "attachments lists the same",
        True,
    ),
    (HealthAttendance, {**ATTENDANCE, "child_where": "Upstairs"}, "child_where is only set", True),
    (HealthAttendance, {**ATTENDANCE, "visibility": "restricted", "withheld_reason": None}, "withheld_reason", True),
    (HealthAttendance, {**ATTENDANCE, "urgency": "asap"}, "$.urgency", False),
    (HealthAttendance, {**ATTENDANCE, "scaling": {**JUDGEMENT, "value": 5.5}}, "$.scaling.value", False),
    (HealthAttendance, {**ATTENDANCE, "worries": {}}, "$.worries", True),
    (HealthAttendance, {**ATTENDANCE, "author": {"name": "Sam", "role": "Nurse"}}, "$.author", True),
    (HealthAttendance, {**ATTENDANCE, "incident_ref": "X1"}, "incident_ref", False),
    (HealthConcern, {**CONCERN, "was_not_brought": -1}, "$.was_not_brought", False),
    (PoliceIncident, {k: v for k, v in POLICE.items() if k != "occurred_at"}, "occurred_at is required", True),
    (PoliceIncident, {**POLICE, "risk_grade": "red"}, "$.risk_grade", False),
    (PoliceIncident, {**POLICE, "incident_ref": " bad"}, "$.incident_ref", False),
    (
        DomesticAbuseNotification,
        {k: v for k, v in DA.items() if k != "occurred_at"},
        "occurred_at is required",
        True,
    ),
    (DomesticAbuseNotification, {**DA, "school_urn": None}, "needs the school_urn or electively_home_educated", True),
    (DomesticAbuseNotification, {**DA, "dash_risk": "low"}, "$.dash_risk", False),
    (DomesticAbuseNotification, {**DA, "school_urn": "12345"}, "$.school_urn", False),
    (MashReferral, {**MASH, "consent": None}, "consent is required", True),
    (MashReferral, {**MASH, "consent": {"parents_informed": True, "consent_obtained": True}}, "$.consent", True),
    (ConferenceReport, {k: v for k, v in REPORT.items() if k != "for_meeting_id"}, "for_meeting_id", False),
    (ConferenceReport, {**REPORT, "attending": "maybe"}, "$.attending", False),
    (ConferenceReport, {**REPORT, "plan_recommendation": "lock_up"}, "$.plan_recommendation", False),
    (ConferenceReport, {**REPORT, "status": "submitted"}, "status", False),
    (ContributionCreate, {**POLICE, "kind": "gossip"}, "Invalid value 'gossip'", False),
    (ContributionCreate, {k: v for k, v in POLICE.items() if k != "kind"}, "kind", False),
    (ContributionReplace, {"content": POLICE}, "reason", False),
    (
        Contribution,
        {"id": ID, "meta": META, "status": "received", "replaces_id": ID, "content": ATTENDANCE},
        "replacement_reason is required",
        True,
    ),
    (Contribution, {"id": ID, "meta": META, "status": "lost", "content": ATTENDANCE}, "$.status", False),
    (
        Contribution,
        {"id": ID, "meta": META, "status": "submitted", "content": {**REPORT, "not_for_family": NOT_TOLD}},
        "not_for_family needs chair_informed true once the report is submitted",
        True,
    ),
    (
        Contribution,
        {"id": ID, "meta": META, "status": "superseded", "content": {**REPORT, "not_for_family": NOT_TOLD}},
        "the chair must be told before the meeting",
        True,
    ),
    (ContributionReceipt, {"id": ID, "status": "matched", "received_at": "2026-11-02T10:00:00Z"}, "$.status", False),
    (ContributionMove, {"status": "declined"}, "reason is required to decline or redirect", True),
    (ContributionMove, {"status": "redirected", "reason": "Moved."}, "redirected_to is required", True),
    (ContributionMove, {"status": "accepted", "redirected_to": "Council 846"}, "redirected_to is required", True),
    (ContributionMove, {"status": "matched"}, "$.status", False),
    (HealthAttendance, {**ATTENDANCE, "la_code": "84"}, "$.la_code", False),
]
