"""Must-deny: who may never do what, written by hand from domain.md section 4 (and BR-25, BR-26, BR-27).

Each row is one caller (a role and how it stands to the family), one request on the world's records (with a
valid body for writes, so a refusal is about access and not a 422) and the answer the domain requires:
403 where the role may never do it, 404 where saying that the record exists would disclose something
(another team's, another council's or another family's case, an agency not involved, an item the caller's
visibility excludes). Rows for reads that succeed but must leave something out assert on the body.

Nothing here reads the access policy (sos_api/auth/policy.py): the expectations come from the domain text, so
this table can catch a wrong rule that test_access_matrix.py, which reads the policy, would copy.

Rows marked xfail(strict) are where the code does not yet match the domain (issue 9); each turns into a
failure once it is fixed, so the mark is removed with the fix.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any, NamedTuple

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from sos_api.app import create_app
from sos_api.auth.roles import Role
from sos_api.settings import Settings
from sos_schema import IdentifierSystem
from tests.api.bodies import Caller, body_for
from tests.api.conftest import COUNCIL_A, COUNCIL_B, TokenFactory
from tests.api.test_dangers import Family, make_danger, make_family, make_person
from tests.api.world import AGENCY, TEAM, World, allocate, build_world, involve
from tests.conftest import Databases

R = Role
OTHER_AGENCY = "ods:ZZ9"
ENDED_AGENCY = "ods:RX2"
REFUGE_LINE = "Flat 9, Refuge House"
REFUGE = {
    "lines": [REFUGE_LINE],
    "postcode": "LS2 7AA",
    "confidential": True,
    "confidential_reason": "Refuge address: withheld from Sam.",
}
HOME = {"lines": ["1 Example Street"], "town": "Exampleton", "postcode": "LS1 4AP", "valid_to": "2026-08-31"}
WITHHELD = "Police enquiry under way; not to be shared with the family."
SIGNER = "deny-signoff"  # the team manager who finalises in the sign-off rows


class DenyWorld(msgspec.Struct, frozen=True, kw_only=True):
    """The access-matrix world plus records with every visibility, another family and a lapsed agency."""

    world: World
    nan: str  # network member of the world's case
    nurse: str  # the involved agency's practitioner (ods:RX1)
    p_danger: str  # professionals_only danger statement, not shared with agencies
    p_question: str  # its safety scale
    r_danger: str  # restricted danger statement
    p_map: str  # professionals_only draft map
    p_map_n: int  # its place in the case's map chain
    ended_involvement: str  # ods:RX2, ended
    b: Family  # another family of the same council, allocated to the same team
    b_danger: str
    case_body: dict[str, Any]  # the world's case as it stands: a PUT that wrongly succeeded would change nothing
    b_case_body: dict[str, Any]  # the other family's case as it stands

    @property
    def f(self) -> Family:
        return self.world.family

    def values(self) -> dict[str, str]:
        w, f = self.world, self.world.family
        return {
            "case": f.case_id,
            "child": f.child,
            "sibling": f.sibling,
            "mum": f.mum,
            "dad": f.dad,
            "worker": f.worker,
            "chair": w.chair,
            "iro": w.iro,
            "nan": self.nan,
            "nurse": self.nurse,
            "map": w.map_id,
            "danger": w.danger_id,
            "question": w.question_id,
            "involvement": w.involvement_id,
            "p_danger": self.p_danger,
            "p_question": self.p_question,
            "r_danger": self.r_danger,
            "p_map": self.p_map,
            "p_map_n": str(self.p_map_n),
            "ended_involvement": self.ended_involvement,
            "b_case": self.b.case_id,
            "b_mum": self.b.mum,
            "b_danger": self.b_danger,
            **w.more,
        }


# --- callers ----------------------------------------------------------------------------------------------

INSIDER = "insider"  # linked to the world's family as the role is meant to be
OTHER_TEAM = "other_team"  # same council, same role, another team and no involvement
OTHER_COUNCIL = "other_council"  # council B (la:846), otherwise the same claims as the insider
OTHER_AGENCY_REL = "other_agency"  # an agency that is not involved (ods:ZZ9)
ENDED_AGENCY_REL = "ended_agency"  # an agency whose involvement has ended (ods:RX2)
OTHER_FAMILY = "other_family"  # a member of another family of the same council
NARROW_SCOPES = "narrow_scopes"  # an integration client allowed system/cases.rs only


class Who(NamedTuple):
    role: Role
    relation: str = INSIDER


def claims_for(dw: DenyWorld, who: Who) -> tuple[str, dict[str, Any]]:
    """(organisation, token claims) for a caller, spelt out here rather than taken from world.insider."""
    f, w = dw.f, dw.world
    role, relation = who
    own: dict[Role, dict[str, Any]] = {
        R.social_worker: {"person_id": f.worker, "teams": [TEAM]},
        R.early_help_worker: {"teams": [TEAM]},
        R.personal_adviser: {"teams": [TEAM]},
        R.team_manager: {"teams": [TEAM]},
        R.conference_chair: {"person_id": w.chair},
        R.iro: {"person_id": w.iro},
        R.integration_client: {"scp": "system/*.cruds"},
        R.partner_practitioner: {"person_id": dw.nurse},
        R.parent_carer: {"person_id": f.mum},
        R.family_member: {"person_id": f.dad},
        R.network_member: {"person_id": dw.nan},
        R.child: {"person_id": f.child},
    }
    agency_roles = {R.partner_practitioner, R.partner_system}
    claims = dict(own.get(role, {}))
    org = AGENCY if role in agency_roles else COUNCIL_A
    if relation == OTHER_TEAM:
        claims = {"person_id": str(uuid.uuid4()), "teams": ["Team South"]}
    elif relation == OTHER_COUNCIL:
        org = COUNCIL_B
    elif relation == OTHER_AGENCY_REL:
        org, claims = OTHER_AGENCY, {"person_id": str(uuid.uuid4())}
    elif relation == ENDED_AGENCY_REL:
        org, claims = ENDED_AGENCY, {"person_id": str(uuid.uuid4())}
    elif relation == OTHER_FAMILY:
        claims = {"person_id": dw.b.mum if role is R.parent_carer else dw.b.child}
    elif relation == NARROW_SCOPES:
        claims = {"scp": "system/cases.rs"}
    return org, claims


def headers_for(auth: TokenFactory, dw: DenyWorld, who: Who, sub: str) -> dict[str, str]:
    org, claims = claims_for(dw, who)
    return auth(who.role.value, org, sub=sub, **claims)


def caller_for(dw: DenyWorld, who: Who) -> Caller:
    return Caller(who.role, claims_for(dw, who)[1].get("person_id"))


# --- rows -------------------------------------------------------------------------------------------------

Check = Callable[[Any, DenyWorld], None]
BodyOf = Callable[[DenyWorld, Who], dict[str, Any]]


class Row(NamedTuple):
    who: Who
    method: str
    url: str  # {names} from DenyWorld.values(); {draft}, {fresh_case}, {fresh_involvement} are made for the row
    expect: frozenset[int]
    body: str | BodyOf | None = None  # a bodies.py schema name, or a builder for a particular body
    check: Check | None = None  # for a 200 that must leave something out
    audited: bool = False  # the refusal must be in the access log as `denied` (domain 4.3, BR-25)


def deny(
    name: str,
    who: Who,
    method: str,
    url: str,
    status: int | set[int],
    body: str | BodyOf | None = None,
    *,
    audited: bool = False,
    check: Check | None = None,
    xfail: str | None = None,
) -> Any:
    """One row: `name` says who does what; `status` is what the domain requires (a set where it allows either)."""
    expect = frozenset({status} if isinstance(status, int) else status)
    row = Row(who, method, url, expect, body, check, audited)
    marks = [pytest.mark.xfail(strict=True, reason=f"issue 9: {xfail}")] if xfail else []
    return pytest.param(row, id=name, marks=marks)


def judgement_as(perspective_role: str, person: str) -> BodyOf:
    """A judgement in someone's name: `person` is a key of DenyWorld.values() or an attribute of the family."""

    def build(dw: DenyWorld, who: Who) -> dict[str, Any]:
        body = body_for("ScalingJudgementCreate", dw.world, caller_for(dw, who))
        person_id = dw.values()[person]
        body["perspective"] = {
            "perspective_role": perspective_role,
            "perspective_person_id": person_id,
            "own_words": True,
        }
        return body

    return build


def same_case(dw: DenyWorld, who: Who) -> dict[str, Any]:
    return dict(dw.case_body)


def other_case_with(**changes: Any) -> BodyOf:
    def build(dw: DenyWorld, who: Who) -> dict[str, Any]:
        return dw.b_case_body | changes

    return build


def finalise_signed_by(person: str) -> BodyOf:
    def build(dw: DenyWorld, who: Who) -> dict[str, Any]:
        return {"approved_by": dw.values()[person], "note": "Agreed at supervision."}

    return build


def batched(method: str, url: str, body: str | None = None) -> BodyOf:
    """A batch of one operation (interop R13), which must be answered inside the batch exactly as alone."""

    def build(dw: DenyWorld, who: Who) -> dict[str, Any]:
        operation: dict[str, Any] = {"ref": "op", "method": method, "path": url.format(**dw.values())}
        if body is not None:
            operation["body"] = body_for(body, dw.world, caller_for(dw, who))
        return {"operations": [operation]}

    return build


def refused_inside(status: int) -> Check:
    """The batch was read (200); its one operation was refused with `status` and shows nothing."""

    def check(doc: Any, dw: DenyWorld) -> None:
        [result] = doc["results"]
        assert result["status"] == status, result
        assert "body" not in result, result

    return check


def batched_case_without_refuge(doc: Any, dw: DenyWorld) -> None:
    [result] = doc["results"]
    assert result["status"] == 200, result
    no_confidential_address(result["body"], dw)


def ids_of(page: Any) -> set[str]:
    return {item["id"] for item in page["items"]}


def no_confidential_address(doc: Any, dw: DenyWorld) -> None:
    """BR-27: the refuge address is gone, not just flagged."""
    assert REFUGE_LINE not in msgspec.json.encode(doc).decode()
    assert not doc.get("household_address")
    assert all(not a.get("confidential") for a in doc.get("addresses") or [])


def mum_without_refuge(doc: Any, dw: DenyWorld) -> None:
    no_confidential_address(doc, dw)
    assert [a["lines"] for a in doc["addresses"]] == [HOME["lines"]]


def family_dangers_only(page: Any, dw: DenyWorld) -> None:
    """BR-26: a family caller lists the shared statement and neither withheld one."""
    assert dw.world.danger_id in ids_of(page)
    assert ids_of(page).isdisjoint({dw.p_danger, dw.r_danger})
    assert {d["visibility"] for d in page["items"]} == {"family_shareable"}


def no_restricted_danger(page: Any, dw: DenyWorld) -> None:
    assert dw.world.danger_id in ids_of(page)
    assert dw.r_danger not in ids_of(page)
    assert "restricted" not in {d["visibility"] for d in page["items"]}


def no_unshared_danger(page: Any, dw: DenyWorld) -> None:
    assert dw.world.danger_id in ids_of(page)
    assert dw.p_danger not in ids_of(page)


def no_professional_map(page: Any, dw: DenyWorld) -> None:
    assert dw.world.map_id in ids_of(page)
    assert dw.p_map not in ids_of(page)
    assert {m["visibility"] for m in page["items"]} == {"family_shareable"}


def not_the_family_case(page: Any, dw: DenyWorld) -> None:
    assert dw.f.case_id not in ids_of(page)


def only_own_case(page: Any, dw: DenyWorld) -> None:
    assert ids_of(page) == {dw.f.case_id}


def nothing_professional(page: Any, dw: DenyWorld) -> None:
    assert all(item.get("visibility", "professionals_only") == "family_shareable" for item in page["items"])


def no_events(page: Any, dw: DenyWorld) -> None:
    assert page["items"] == []


def none_of_ours(page: Any, dw: DenyWorld) -> None:
    assert not {item["id"] for item in page["items"]} & set(dw.values().values())


def lists_the_subscription(page: Any, dw: DenyWorld) -> None:
    assert dw.world.more["subscription_id"] in ids_of(page)


def lists_the_case(page: Any, dw: DenyWorld) -> None:
    assert (dw.f.case_id, "case") in {(item["id"], item["type"]) for item in page["items"]}


def shows_the_refuge(doc: Any, dw: DenyWorld) -> None:
    """The allocated worker does see the address the family may not (the control for the rows above)."""
    assert doc["household_address"]["lines"] == [REFUGE_LINE]


def every_danger(page: Any, dw: DenyWorld) -> None:
    assert {dw.world.danger_id, dw.p_danger, dw.r_danger} <= ids_of(page)


def no_match_shown(doc: Any, dw: DenyWorld) -> None:
    """R15: the contributor sees what it sent, never whether or to whom the council matched it."""
    assert (doc["status"], doc["matched_person_id"], doc["matched_by"], doc["meta"]["case_id"]) == (
        "received",
        None,
        None,
        None,
    )


def matched_child(doc: Any, dw: DenyWorld) -> None:
    """The control for the row above: the council sees the match."""
    assert (doc["status"], doc["matched_person_id"], doc["meta"]["case_id"]) == ("matched", dw.f.child, dw.f.case_id)


def signed_off_by_the_finaliser(doc: Any, dw: DenyWorld) -> None:
    """Sign-off fields name whoever finalised (the token), never someone the body names."""
    assert doc["status"] == "current"
    assert doc["finalised_by"] == SIGNER
    assert doc.get("approved_by") != dw.world.chair


def no_alerts(doc: Any, dw: DenyWorld) -> None:
    """Alerts about a child are for the council's professionals (the world's voice record raised one)."""
    assert doc["open_alerts"] == []


def shows_alerts(doc: Any, dw: DenyWorld) -> None:
    assert [a["id"] for a in doc["open_alerts"]] == [dw.world.more["alert_id"]]


def no_due_work(page: Any, dw: DenyWorld) -> None:
    """Another council's team of the same name has none of this council's work."""
    assert page["items"] == []


def no_other_council_figures(series: Any, dw: DenyWorld) -> None:
    """Another council's manager gets their own council's figures, none of this one's children counted."""
    assert series["la_code"] == "846"
    assert {p["denominator"] for p in series["points"]} == {0}


def no_accepted_referral(page: Any, dw: DenyWorld) -> None:
    """A referral accepted into the family's case is seen with the case, not by the whole front door."""
    assert dw.world.more["referral_id"] not in ids_of(page)


def shows_accepted_referral(page: Any, dw: DenyWorld) -> None:
    assert dw.world.more["referral_id"] in ids_of(page)


def no_restricted_intelligence(doc: Any, dw: DenyWorld) -> None:
    """A partner reads a strategy discussion shared with agencies, less the restricted police intelligence."""
    assert doc["information_shared"], doc
    assert all(i["visibility"] != "restricted" for i in doc["information_shared"]), doc["information_shared"]


def shows_restricted_intelligence(doc: Any, dw: DenyWorld) -> None:
    assert "restricted" in {i["visibility"] for i in doc["information_shared"]}


W = Who
OT, OC = OTHER_TEAM, OTHER_COUNCIL
CASE = "/v1/cases/{case}"
BATCH = "/v1/batch"
DANGERS = "/v1/cases/{case}/danger-statements"
DANGER = "/v1/danger-statements/{danger}"
MAPS = "/v1/cases/{case}/maps"
FINALISE = "/v1/maps/{draft}/finalise"
JUDGE = "/v1/scaling-questions/{question}/judgements"
LOG = "/v1/audit-events"
FEED = "/v1/changes?limit=1000"
CONTRIBUTION = "/v1/contributions/{contribution_id}"
FLAGS = f"/v1/flags?subject={IdentifierSystem.nhs_number.value}%7C9434765919"
FLAG_ACCESSES = "/v1/people/{child}/flag-accesses"
VOICE = "/v1/child-voice/{voice_id}"
ALERT = "/v1/alerts/{alert_id}"
NETWORK = "/v1/networks/{network_id}"
MEETING = "/v1/network-meetings/{meeting_id}"
STORY = "/v1/words-and-pictures/{story_id}"
CHILD_PLAN = "/v1/child-safety-plans/{child_plan_id}"
PLAN = "/v1/safety-plans/{plan_id}"
SUMMARY = "/v1/cases/{case}/summary"
REFERRAL = "/v1/referrals/{referral_id}"
STRATEGY = "/v1/strategy-discussions/{strategy_id}"
DUE_WORK = f"/v1/teams/{TEAM}/due-work"
MEASURE = "/v1/measures/children-map-reviewed"
EPISODE = "/v1/child-episodes/{episode_id}"
STAT_PLAN = "/v1/statutory-plans/{statutory_plan_id}"
CONFERENCE = "/v1/conferences/{conference_id}"
CORE_GROUP = "/v1/core-groups/{core_group_id}"
COURT = "/v1/court-work/{court_work_id}"
AUDIT = "/v1/case-audits/{audit_id}"
GROUP_SUP = "/v1/group-supervisions/{group_supervision_id}"
SURVEY = "/v1/family-survey-responses/{survey_response_id}"
SUPERVISION = "/v1/supervision-records/{supervision_id}"
SUPERVISION_SUMMARY = "/v1/supervision-summaries/{supervision_summary_id}"
UPSERT = "/v1/people?identifier=la_person_id%7CDENY0001"
HOOKS = "/v1/webhook-subscriptions"
HOOK = "/v1/webhook-subscriptions/{subscription_id}"
REDELIVER = HOOK + "/deliveries/{delivery_id}/redeliver"
# Interop R3: a statutory plan upserted by a council system's key, the council's own (845) or another's (846).
SOURCES = "https://sos-casework.org.uk/id/la/"
SYNCED_PLAN = "/v1/cases/{case}/statutory-plans?source=https://sos-casework.org.uk/id/la/%s/cin-plan&source_id=DENY1"
# fmt: off
MUST_DENY = [
    # 4.1 practice_lead, auditor: every case of the council, read only.
    deny("auditor-replaces-case", W(R.auditor), "PUT", CASE, 403, same_case, audited=True),
    deny("auditor-adds-danger", W(R.auditor), "POST", DANGERS, 403, "DangerStatementCreate"),
    deny("auditor-creates-person", W(R.auditor), "POST", "/v1/people", 403, "PersonCreate", audited=True),
    # Interop R2: upserting by identifier creates or changes a person, so it is the case writers' alone.
    deny("auditor-upserts-person", W(R.auditor), "PUT", UPSERT, 403, "PersonCreate", audited=True),
    deny("partner-upserts-person", W(R.partner_practitioner), "PUT", UPSERT, 403, "PersonCreate"),
    deny("parent-upserts-person", W(R.parent_carer), "PUT", UPSERT, 403, "PersonCreate"),
    deny("client-without-people-scope-upserts", W(R.integration_client, NARROW_SCOPES), "PUT", UPSERT, 403,
         "PersonCreate"),
    # Interop R3: a council system's keys are written by that council's systems only, never by people.
    deny("worker-upserts-plan-by-source", W(R.social_worker), "PUT", SYNCED_PLAN % "845", 403, "PlanCreate"),
    deny("manager-upserts-plan-by-source", W(R.team_manager), "PUT", SYNCED_PLAN % "845", 403, "PlanCreate"),
    deny("client-upserts-another-councils-key", W(R.integration_client), "PUT", SYNCED_PLAN % "846", 403,
         "PlanCreate"),
    deny("council-b-client-upserts-our-key", W(R.integration_client, OC), "PUT", SYNCED_PLAN % "845", 403,
         "PlanCreate"),
    # Interop R11: a council's systems write none of the practitioners' own work (maps, safety plans...).
    deny("sync-client-creates-safety-plan", W(R.integration_client), "POST", "/v1/cases/{case}/safety-plans", 409,
         "SafetyPlanCreate"),
    # Interop R4: merging people is the team manager's or the council's systems', within the council.
    deny("worker-merges-people", W(R.social_worker), "POST", "/v1/people/{child}/merge", 403,
         lambda dw, who: {"into": dw.f.mum}),
    deny("council-b-client-merges-our-child", W(R.integration_client, OC), "POST", "/v1/people/{child}/merge", 404,
         lambda dw, who: {"into": dw.f.mum}),
    deny("auditor-finalises-map", W(R.auditor), "POST", FINALISE, 403, "MapFinalise"),
    deny("auditor-ends-involvement", W(R.auditor), "POST", "/v1/involvements/{fresh_involvement}/end", 403,
         "CaseInvolvementEnd"),
    deny("practice-lead-creates-map", W(R.practice_lead), "POST", MAPS, 403, "AssessmentMapCreate"),
    deny("practice-lead-edits-danger", W(R.practice_lead), "PUT", DANGER, 403, "DangerStatementCreate",
         audited=True),
    deny("practice-lead-scales", W(R.practice_lead), "POST", JUDGE, 403, "ScalingJudgementCreate"),
    deny("practice-lead-involves-agency", W(R.practice_lead), "POST", f"{CASE}/involvements", 403,
         "CaseInvolvementCreate"),
    deny("practice-lead-closes-case", W(R.practice_lead), "POST", f"{CASE}/close", 403, "CaseClose"),
    # 4.1 admin: configuration, clients, webhooks; no case content.
    deny("admin-reads-case", W(R.admin), "GET", CASE, 403, audited=True),
    deny("admin-lists-cases", W(R.admin), "GET", "/v1/cases", 403),
    deny("admin-reads-map", W(R.admin), "GET", "/v1/maps/{map}", 403),
    deny("admin-reads-child", W(R.admin), "GET", "/v1/people/{child}", 403),
    deny("admin-opens-case", W(R.admin), "POST", "/v1/cases", 403, "CaseCreate"),
    deny("admin-reads-access-log", W(R.admin), "GET", LOG + "?case={case}", 403),
    # 4.1 partner_system: nothing of case content, even the involved agency's own system.
    deny("partner-system-reads-case", W(R.partner_system), "GET", CASE, 403, audited=True),
    deny("partner-system-reads-danger", W(R.partner_system), "GET", DANGER, 403),
    deny("partner-system-reads-map", W(R.partner_system), "GET", f"{MAPS}/current", 403),
    deny("partner-system-lists-judgements", W(R.partner_system), "GET", JUDGE, 403),
    deny("partner-system-reads-child", W(R.partner_system), "GET", "/v1/people/{child}", 403),
    # 4.1 family, child and agencies reach people through a case, not the council's person register.
    deny("parent-lists-people", W(R.parent_carer), "GET", "/v1/people", 403, audited=True),
    deny("child-lists-people", W(R.child), "GET", "/v1/people", 403),
    deny("network-member-searches-people", W(R.network_member), "GET", "/v1/people?family_name=Okafor", 403),
    deny("partner-lists-council-people", W(R.partner_practitioner), "GET", "/v1/people", 403),
    # 4.1 reads of access events are for practice_lead and auditor.
    deny("family-member-reads-access-log", W(R.family_member), "GET", LOG, 403, audited=True),
    deny("child-reads-access-log", W(R.child), "GET", LOG + "?child={child}", 403),
    deny("social-worker-reads-access-log", W(R.social_worker), "GET", LOG + "?case={case}", 403),
    deny("partner-reads-access-log", W(R.partner_practitioner), "GET", LOG, 403, audited=True),
    deny("parent-reads-own-access-history", W(R.parent_carer), "GET", "/v1/people/{mum}/access-history", 403),
    # 4.1 family and child write only their own views, scaling and agreement to a plan.
    deny("parent-adds-danger", W(R.parent_carer), "POST", DANGERS, 403, "DangerStatementCreate", audited=True),
    deny("child-edits-danger", W(R.child), "PUT", DANGER, 403, "DangerStatementCreate"),
    deny("parent-creates-map", W(R.parent_carer), "POST", MAPS, 403, "AssessmentMapCreate"),
    deny("parent-finalises-map", W(R.parent_carer), "POST", FINALISE, 403, "MapFinalise"),
    deny("parent-replaces-case", W(R.parent_carer), "PUT", CASE, 403, same_case),
    deny("family-member-edits-own-person", W(R.family_member), "PUT", "/v1/people/{dad}", 403, "PersonCreate"),
    # ... and only in their own name.
    deny("child-scales-as-sibling", W(R.child), "POST", JUDGE, 403, judgement_as("child", "sibling"),
         audited=True),
    deny("child-scales-as-mum", W(R.child), "POST", JUDGE, 403, judgement_as("parent_carer", "mum")),
    deny("parent-scales-as-worker", W(R.parent_carer), "POST", JUDGE, 403, judgement_as("social_worker", "mum")),
    deny("network-member-scales-as-child", W(R.network_member), "POST", JUDGE, 403, judgement_as("child", "child")),
    # 4.1 partner_practitioner writes contributions and their own scaling and views, not case content.
    deny("partner-adds-danger", W(R.partner_practitioner), "POST", DANGERS, 403, "DangerStatementCreate"),
    deny("partner-replaces-case", W(R.partner_practitioner), "PUT", CASE, 403, same_case),
    deny("partner-finalises-map", W(R.partner_practitioner), "POST", FINALISE, 403, "MapFinalise"),
    # 4.1 chair and IRO write conference decisions, review records and IRO comments.
    deny("chair-replaces-case", W(R.conference_chair), "PUT", CASE, 403, same_case),
    deny("iro-creates-map", W(R.iro), "POST", MAPS, 403, "AssessmentMapCreate"),
    deny("iro-closes-case", W(R.iro), "POST", f"{CASE}/close", 403, "CaseClose"),
    # 4.1 finalise/agree is the team manager's.
    deny("social-worker-finalises-map", W(R.social_worker), "POST", FINALISE, 403, "MapFinalise", audited=True),
    deny("early-help-worker-finalises-map", W(R.early_help_worker), "POST", FINALISE, 403, "MapFinalise"),
    # 2.7 approved_by is the manager's sign-off: a body cannot sign in someone else's name.
    deny("sign-off-named-in-body", W(R.team_manager), "POST", FINALISE, {200, 422}, finalise_signed_by("chair"),
         check=signed_off_by_the_finaliser),
    deny("finalised-by-named-in-body", W(R.team_manager), "POST", FINALISE, {200, 422},
         lambda dw, who: {"finalised_by": "someone-else"}, check=signed_off_by_the_finaliser),
    # 2.2 allocation and the restricted flag are the manager's (author M). On a fresh copy of the other family's
    # case, so a write that wrongly succeeds moves nobody's access to another row's records.
    deny("social-worker-reallocates-case", W(R.social_worker), "PUT", "/v1/cases/{fresh_case}", {403, 422},
         other_case_with(team="Team South")),
    deny("social-worker-restricts-case", W(R.social_worker), "PUT", "/v1/cases/{fresh_case}", {403, 422},
         other_case_with(restricted={"reason": "high_profile"})),
    # 4.1 integration_client: within its scopes (interop R21).
    deny("client-without-update-scope", W(R.integration_client, NARROW_SCOPES), "PUT", CASE, 403, same_case),
    deny("client-without-people-scope", W(R.integration_client, NARROW_SCOPES), "GET", "/v1/people/{child}", 403),
    # 4.1 case workers see cases allocated to them or their team; 4.3 existence is not disclosed.
    deny("other-team-worker-reads-case", W(R.social_worker, OT), "GET", CASE, 404, audited=True),
    deny("other-team-worker-reads-danger", W(R.social_worker, OT), "GET", DANGER, 404),
    deny("other-team-manager-reads-map", W(R.team_manager, OT), "GET", "/v1/maps/{map}", 404),
    deny("other-team-worker-edits-danger", W(R.social_worker, OT), "PUT", DANGER, 404, "DangerStatementCreate",
         audited=True),
    deny("other-team-worker-scales", W(R.social_worker, OT), "POST", JUDGE, 404, "ScalingJudgementCreate"),
    deny("other-team-manager-closes-case", W(R.team_manager, OT), "POST", f"{CASE}/close", 404, "CaseClose"),
    deny("other-team-early-help-reads-map", W(R.early_help_worker, OT), "GET", f"{MAPS}/current", 404),
    deny("other-team-worker-edits-child", W(R.social_worker, OT), "PUT", "/v1/people/{child}", {403, 404},
         "PersonCreate", audited=True),
    # Council data never crosses councils, whatever the role (section 4, opening).
    deny("council-b-worker-reads-case", W(R.social_worker, OC), "GET", CASE, 404, audited=True),
    deny("council-b-manager-reads-child", W(R.team_manager, OC), "GET", "/v1/people/{child}", 404),
    deny("council-b-auditor-reads-case", W(R.auditor, OC), "GET", CASE, 404, audited=True),
    deny("council-b-worker-adds-danger", W(R.social_worker, OC), "POST", DANGERS, 404, "DangerStatementCreate"),
    deny("council-b-client-reads-case", W(R.integration_client, OC), "GET", CASE, 404),
    deny("council-b-parent-token-reads-case", W(R.parent_carer, OC), "GET", CASE, 404),
    deny("council-b-auditor-reads-our-log", W(R.auditor, OC), "GET", LOG + "?case={case}", 200, check=no_events),
    # Interop R5: the changes feed names every record of a council, so it is the council's own systems' (within
    # their scopes) and its council-wide readers', never a role limited to some cases, nor another council.
    deny("council-b-client-reads-our-changes", W(R.integration_client, OC), "GET", FEED, 200, check=none_of_ours),
    deny("client-without-changes-scope", W(R.integration_client, NARROW_SCOPES), "GET", FEED, 403),
    deny("worker-reads-changes", W(R.social_worker), "GET", FEED, 403),
    deny("manager-reads-changes", W(R.team_manager), "GET", FEED, 403),
    deny("partner-reads-changes", W(R.partner_practitioner), "GET", FEED, 403),
    deny("parent-reads-changes", W(R.parent_carer), "GET", FEED, 403),
    # Interop R30, R31: webhook subscriptions are an organisation's own systems' and administrators', and tell of
    # every record of the council: nobody who works with families keeps them; another council's system, or an agency
    # system without the webhooks scope, neither sees nor changes ours.
    deny("worker-subscribes-to-webhooks", W(R.social_worker), "POST", HOOKS, 403, "WebhookSubscriptionCreate"),
    deny("manager-lists-webhooks", W(R.team_manager), "GET", HOOKS, 403),
    deny("auditor-reads-subscription", W(R.auditor), "GET", HOOK, 403),
    deny("parent-lists-webhooks", W(R.parent_carer), "GET", HOOKS, 403),
    deny("partner-subscribes-to-webhooks", W(R.partner_practitioner), "POST", HOOKS, 403, "WebhookSubscriptionCreate"),
    deny("partner-system-without-webhooks-scope", W(R.partner_system), "GET", HOOKS, 403),
    deny("council-b-client-reads-our-subscription", W(R.integration_client, OC), "GET", HOOK, 404),
    deny("council-b-client-rotates-our-secret", W(R.integration_client, OC), "POST", f"{HOOK}/rotate-secret", 404),
    deny("council-b-client-redelivers-ours", W(R.integration_client, OC), "POST", REDELIVER, 404),
    deny("council-b-client-lists-webhooks", W(R.integration_client, OC), "GET", HOOKS, 200, check=none_of_ours),
    # 4.1 family: their own case only.
    deny("parent-reads-other-family-case", W(R.parent_carer), "GET", "/v1/cases/{b_case}", 404, audited=True),
    deny("other-family-parent-reads-case", W(R.parent_carer, OTHER_FAMILY), "GET", CASE, 404),
    deny("child-reads-other-family-danger", W(R.child), "GET", "/v1/danger-statements/{b_danger}", 404),
    deny("child-reads-other-family-person", W(R.child), "GET", "/v1/people/{b_mum}", 404),
    deny("other-family-parent-scales", W(R.parent_carer, OTHER_FAMILY), "POST", JUDGE, 404,
         "ScalingJudgementCreate"),
    deny("parent-lists-cases", W(R.parent_carer), "GET", "/v1/cases", 200, check=only_own_case),
    # BR-26: family and child roles never get what is not family_shareable, whatever the endpoint.
    deny("parent-reads-professionals-danger", W(R.parent_carer), "GET", "/v1/danger-statements/{p_danger}", 404,
         audited=True),
    deny("child-reads-restricted-danger", W(R.child), "GET", "/v1/danger-statements/{r_danger}", 404),
    deny("family-member-reads-danger-history", W(R.family_member), "GET",
         "/v1/danger-statements/{p_danger}/versions", 404),
    deny("parent-reads-danger-version", W(R.parent_carer), "GET", "/v1/danger-statements/{p_danger}/versions/1",
         404),
    deny("parent-reads-danger-series", W(R.parent_carer), "GET", "/v1/danger-statements/{p_danger}/scaling-series",
         404),
    deny("parent-reads-professionals-map", W(R.parent_carer), "GET", "/v1/maps/{p_map}", 404),
    deny("network-member-reads-map-by-number", W(R.network_member), "GET", f"{MAPS}/versions/{{p_map_n}}", 404),
    deny("parent-reads-professionals-danger-scale", W(R.parent_carer), "GET", "/v1/scaling-questions/{p_question}",
         404),
    deny("child-lists-professionals-danger-judgements", W(R.child), "GET",
         "/v1/scaling-questions/{p_question}/judgements", 404),
    deny("parent-lists-dangers", W(R.parent_carer), "GET", DANGERS, 200, check=family_dangers_only),
    deny("child-lists-dangers", W(R.child), "GET", DANGERS, 200, check=family_dangers_only),
    deny("network-member-lists-maps", W(R.network_member), "GET", MAPS, 200, check=no_professional_map),
    deny("parent-lists-involvements", W(R.parent_carer), "GET", f"{CASE}/involvements", {200, 403},
         check=nothing_professional),
    # BR-27: confidential addresses never reach the roles they are kept from.
    deny("parent-reads-refuge-on-case", W(R.parent_carer), "GET", CASE, 200, check=no_confidential_address),
    deny("child-reads-refuge-on-case", W(R.child), "GET", CASE, 200, check=no_confidential_address),
    deny("dad-reads-mums-refuge", W(R.family_member), "GET", "/v1/people/{mum}", 200, check=mum_without_refuge),
    # 4.1 partner_practitioner: only cases its organisation is involved in; never restricted items;
    # professionals_only items only where shared with agencies.
    deny("uninvolved-agency-reads-case", W(R.partner_practitioner, OTHER_AGENCY_REL), "GET", CASE, 404,
         audited=True),
    deny("uninvolved-agency-reads-danger", W(R.partner_practitioner, OTHER_AGENCY_REL), "GET", DANGER, 404),
    deny("uninvolved-agency-lists-cases", W(R.partner_practitioner, OTHER_AGENCY_REL), "GET", "/v1/cases", 200,
         check=not_the_family_case),
    deny("uninvolved-agency-scales", W(R.partner_practitioner, OTHER_AGENCY_REL), "POST", JUDGE, 404,
         "ScalingJudgementCreate"),
    deny("ended-agency-reads-case", W(R.partner_practitioner, ENDED_AGENCY_REL), "GET", CASE, 404, audited=True),
    deny("ended-agency-reads-map", W(R.partner_practitioner, ENDED_AGENCY_REL), "GET", "/v1/maps/{map}", 404),
    deny("partner-reads-restricted-danger", W(R.partner_practitioner), "GET", "/v1/danger-statements/{r_danger}",
         404),
    deny("partner-lists-without-restricted", W(R.partner_practitioner), "GET", DANGERS, 200,
         check=no_restricted_danger),
    deny("partner-reads-unshared-danger", W(R.partner_practitioner), "GET", "/v1/danger-statements/{p_danger}",
         404, audited=True),
    deny("partner-lists-unshared-danger", W(R.partner_practitioner), "GET", DANGERS, 200, check=no_unshared_danger),
    # 4.1 chair and IRO: cases where they chair or review.
    deny("uninvolved-chair-reads-case", W(R.conference_chair, OT), "GET", CASE, 404),
    deny("uninvolved-iro-reads-map", W(R.iro, OT), "GET", "/v1/maps/{map}", 404),
    # 2.10, 2.11 networks and network meetings: case workers write them (4.1); the family, the network, agencies,
    # the chair and auditors read them; nobody outside the case learns of them.
    deny("parent-creates-network", W(R.parent_carer), "POST", f"{CASE}/networks", 403, "NetworkCreate",
         audited=True),
    deny("network-member-changes-network", W(R.network_member), "PUT", NETWORK, 403, "NetworkCreate"),
    deny("partner-records-network-meeting", W(R.partner_practitioner), "POST", f"{CASE}/network-meetings", 403,
         "NetworkMeetingCreate"),
    deny("auditor-changes-network-meeting", W(R.auditor), "PUT", MEETING, 403, "NetworkMeetingCreate"),
    deny("chair-creates-network", W(R.conference_chair), "POST", f"{CASE}/networks", 403, "NetworkCreate"),
    deny("other-team-worker-reads-network", W(R.social_worker, OT), "GET", NETWORK, 404, audited=True),
    deny("other-team-worker-creates-network", W(R.social_worker, OT), "POST", f"{CASE}/networks", 404,
         "NetworkCreate"),
    deny("council-b-worker-reads-network-meeting", W(R.social_worker, OC), "GET", MEETING, 404),
    deny("uninvolved-agency-reads-network", W(R.partner_practitioner, OTHER_AGENCY_REL), "GET", NETWORK, 404),
    deny("other-family-parent-reads-network", W(R.parent_carer, OTHER_FAMILY), "GET", NETWORK, 404),
    # 2.15, BR-11: the child's voice is recorded by their workers; the child's consent is the child's (their worker
    # records it), an override the manager's. Alerts about a child are for the council's professionals only.
    deny("parent-records-child-voice", W(R.parent_carer), "POST", f"{CASE}/child-voice", 403, "ChildVoiceCreate",
         audited=True),
    deny("parent-changes-childs-consent", W(R.parent_carer), "POST", f"{VOICE}/consent", 403, "ConsentToShare"),
    deny("worker-overrides-childs-consent", W(R.social_worker), "POST", f"{VOICE}/consent-override", 403,
         "ChildVoiceConsentOverride", audited=True),
    deny("child-overrides-consent", W(R.child), "POST", f"{VOICE}/consent-override", 403,
         "ChildVoiceConsentOverride"),
    deny("parent-adds-note-to-childs-words", W(R.parent_carer), "POST", f"{VOICE}/notes", 403, "ChildVoiceNote"),
    deny("parent-reads-alert", W(R.parent_carer), "GET", ALERT, 403, audited=True),
    deny("child-lists-alerts", W(R.child), "GET", f"{CASE}/alerts", 403),
    deny("partner-reads-alert", W(R.partner_practitioner), "GET", ALERT, 403),
    deny("parent-acknowledges-alert", W(R.parent_carer), "POST", f"{ALERT}/acknowledge", 403, "AlertAcknowledge"),
    deny("other-team-worker-reads-child-voice", W(R.social_worker, OT), "GET", VOICE, 404),
    deny("other-family-child-reads-child-voice", W(R.child, OTHER_FAMILY), "GET", VOICE, 404),
    deny("other-team-worker-lists-alerts", W(R.social_worker, OT), "GET", f"{CASE}/alerts", 404),
    # 2.13, 2.14: case workers write the story and the child's plan; parents agree to a story as themselves and the
    # agency's agreement is the team manager's (4.1); nobody outside the case learns of either.
    deny("parent-presents-story", W(R.parent_carer), "POST", f"{STORY}/present", 403, "WordsAndPicturesPresent",
         audited=True),
    deny("worker-agrees-story-for-agency", W(R.social_worker), "POST", f"{STORY}/agency-agreement", 403),
    deny("worker-agrees-story-for-parents", W(R.social_worker), "POST", f"{STORY}/parents-agreement", 403),
    deny("child-agrees-story-for-parents", W(R.child), "POST", f"{STORY}/parents-agreement", 403),
    deny("partner-writes-story", W(R.partner_practitioner), "POST", f"{CASE}/words-and-pictures", 403,
         "WordsAndPicturesCreate"),
    deny("auditor-revises-story", W(R.auditor), "POST", f"{STORY}/revisions", 403),
    deny("parent-edits-child-plan", W(R.parent_carer), "PUT", CHILD_PLAN, 403, "ChildSafetyPlanCreate"),
    deny("other-team-worker-reads-story", W(R.social_worker, OT), "GET", STORY, 404, audited=True),
    deny("council-b-worker-reads-child-plan", W(R.social_worker, OC), "GET", CHILD_PLAN, 404),
    deny("other-family-parent-lists-stories", W(R.parent_carer, OTHER_FAMILY), "GET", f"{CASE}/words-and-pictures",
         404),
    deny("uninvolved-agency-reads-story", W(R.partner_practitioner, OTHER_AGENCY_REL), "GET", STORY, 404),
    # 2.12: case workers write safety plans; agreeing one is the team manager's (4.1); the family agree to a draft
    # as themselves and report check-ins in their own voice; agencies and auditors do neither.
    deny("worker-agrees-safety-plan", W(R.social_worker), "POST", f"{PLAN}/agree", 403, "SafetyPlanAgree",
         audited=True),
    deny("parent-agrees-safety-plan-for-agency", W(R.parent_carer), "POST", f"{PLAN}/agree", 403, "SafetyPlanAgree"),
    deny("chair-agrees-safety-plan", W(R.conference_chair), "POST", f"{PLAN}/agree", 403, "SafetyPlanAgree"),
    deny("partner-drafts-safety-plan", W(R.partner_practitioner), "POST", f"{CASE}/safety-plans", 403,
         "SafetyPlanCreate"),
    deny("parent-edits-safety-plan", W(R.parent_carer), "PUT", PLAN, 403, "SafetyPlanCreate"),
    deny("child-agrees-for-the-family", W(R.child), "POST", f"{PLAN}/agreements", 403, "PlanAgreementCreate"),
    deny("auditor-records-check-in", W(R.auditor), "POST", f"{PLAN}/check-ins", 403, "PlanCheckInCreate"),
    deny("parent-ends-safety-plan", W(R.parent_carer), "POST", f"{PLAN}/end", 403, "SafetyPlanEnd"),
    deny("other-team-worker-reads-safety-plan", W(R.social_worker, OT), "GET", PLAN, 404, audited=True),
    deny("council-b-worker-lists-check-ins", W(R.social_worker, OC), "GET", f"{PLAN}/check-ins", 404),
    # 2.2, 3.2: case workers open and end a child's episodes; a step up or down is the team manager's decision;
    # the family read their children's levels (family_shareable); nobody outside the case learns of either.
    deny("worker-records-step-change", W(R.social_worker), "POST", f"{CASE}/step-changes", 403, "StepChangeCreate",
         audited=True),
    deny("chair-records-step-change", W(R.conference_chair), "POST", f"{CASE}/step-changes", 403,
         "StepChangeCreate"),
    deny("auditor-opens-episode", W(R.auditor), "POST", f"{CASE}/child-episodes", 403, "ChildEpisodeCreate"),
    deny("parent-opens-episode", W(R.parent_carer), "POST", f"{CASE}/child-episodes", 403, "ChildEpisodeCreate"),
    deny("partner-ends-episode", W(R.partner_practitioner), "POST", f"{EPISODE}/end", 403, "ChildEpisodeEnd"),
    deny("parent-corrects-episode", W(R.parent_carer), "PUT", EPISODE, 403, "ChildEpisodeCreate"),
    deny("client-upserts-another-councils-episode-key", W(R.integration_client), "PUT",
         f"{CASE}/child-episodes?source={SOURCES}846/cla-episode&source_id=DENY1", 403, "ChildEpisodeCreate"),
    deny("other-team-worker-reads-episode", W(R.social_worker, OT), "GET", EPISODE, 404, audited=True),
    deny("council-b-worker-lists-step-changes", W(R.social_worker, OC), "GET", f"{CASE}/step-changes", 404),
    deny("other-family-parent-reads-episode", W(R.parent_carer, OTHER_FAMILY), "GET", EPISODE, 404),
    deny("uninvolved-agency-lists-episodes", W(R.partner_practitioner, OTHER_AGENCY_REL), "GET",
         f"{CASE}/child-episodes", 404),
    # 2.18-2.21, 3.4: case workers draft statutory plans and record reviews; agreeing and ending one is the team
    # manager's (4.1); the family read them (family_shareable) but change nothing; nobody outside the case sees one.
    deny("worker-agrees-statutory-plan", W(R.social_worker), "POST", f"{STAT_PLAN}/agree", 403, "PlanAgreement",
         audited=True),
    deny("chair-agrees-statutory-plan", W(R.conference_chair), "POST", f"{STAT_PLAN}/agree", 403, "PlanAgreement"),
    deny("worker-ends-statutory-plan", W(R.social_worker), "POST", f"{STAT_PLAN}/end", 403, "PlanEnd"),
    deny("parent-ends-statutory-plan", W(R.parent_carer), "POST", f"{STAT_PLAN}/end", 403, "PlanEnd"),
    deny("partner-drafts-statutory-plan", W(R.partner_practitioner), "POST", f"{CASE}/statutory-plans", 403,
         "PlanCreate"),
    deny("iro-edits-statutory-plan", W(R.iro), "PUT", STAT_PLAN, 403, "PlanCreate"),
    deny("parent-records-plan-review", W(R.parent_carer), "POST", f"{STAT_PLAN}/reviews", 403,
         "StatutoryPlanReviewCreate"),
    deny("other-team-worker-reads-statutory-plan", W(R.social_worker, OT), "GET", STAT_PLAN, 404, audited=True),
    deny("council-b-worker-lists-statutory-plans", W(R.social_worker, OC), "GET", f"{CASE}/statutory-plans", 404),
    deny("other-family-parent-reads-statutory-plan", W(R.parent_carer, OTHER_FAMILY), "GET", STAT_PLAN, 404),
    deny("uninvolved-agency-reads-statutory-plan", W(R.partner_practitioner, OTHER_AGENCY_REL), "GET", STAT_PLAN,
         404),
    # 2.17, BR-14: the case team arranges a conference; only its chair decides and moves the minutes on; the
    # family attend and read it; core groups are the case team's records.
    deny("worker-decides-conference", W(R.social_worker), "POST", f"{CONFERENCE}/decision", 403,
         "ConferenceDecisionCreate", audited=True),
    deny("manager-decides-conference", W(R.team_manager), "POST", f"{CONFERENCE}/decision", 403,
         "ConferenceDecisionCreate"),
    deny("iro-decides-conference", W(R.iro), "POST", f"{CONFERENCE}/decision", 403, "ConferenceDecisionCreate"),
    deny("other-chair-decides-conference", W(R.conference_chair, OT), "POST", f"{CONFERENCE}/decision", 404,
         "ConferenceDecisionCreate"),
    deny("manager-circulates-minutes", W(R.team_manager), "POST", f"{CONFERENCE}/minutes", 403,
         "ConferenceMinutesChange"),
    deny("parent-arranges-conference", W(R.parent_carer), "POST", f"{CASE}/conferences", 403,
         "ChildProtectionConferenceCreate"),
    deny("partner-edits-conference", W(R.partner_practitioner), "PUT", CONFERENCE, 403,
         "ChildProtectionConferenceCreate"),
    deny("other-team-worker-reads-conference", W(R.social_worker, OT), "GET", CONFERENCE, 404, audited=True),
    deny("council-b-worker-lists-conferences", W(R.social_worker, OC), "GET", f"{CASE}/conferences", 404),
    deny("other-family-parent-reads-conference", W(R.parent_carer, OTHER_FAMILY), "GET", CONFERENCE, 404),
    deny("partner-records-core-group", W(R.partner_practitioner), "POST", f"{CASE}/core-groups", 403,
         "CoreGroupMeetingCreate"),
    deny("parent-finalises-core-group", W(R.parent_carer), "POST", f"{CORE_GROUP}/finalise", 403),
    deny("uninvolved-agency-reads-core-group", W(R.partner_practitioner, OTHER_AGENCY_REL), "GET", CORE_GROUP, 404),
    # 2.23, 4.2: court work is restricted to the council's professionals: never the family, child or partners.
    deny("parent-reads-court-work", W(R.parent_carer), "GET", COURT, 403, audited=True),
    deny("child-lists-court-work", W(R.child), "GET", f"{CASE}/court-work", 403),
    deny("involved-partner-reads-court-work", W(R.partner_practitioner), "GET", COURT, 403),
    deny("auditor-records-court-work", W(R.auditor), "POST", f"{CASE}/court-work", 403, "CourtWorkCreate"),
    deny("other-team-worker-reads-court-work", W(R.social_worker, OT), "GET", COURT, 404, audited=True),
    deny("council-b-worker-lists-court-work", W(R.social_worker, OC), "GET", f"{CASE}/court-work", 404),
    # 2.24, 4.1, 4.2: audits are quality staff's to write, read by them and the case's team; group supervision is the
    # case team's; survey answers are read by managers and quality staff only (a parent never reads the child's).
    deny("worker-records-case-audit", W(R.social_worker), "POST", f"{CASE}/case-audits", 403, "CaseAuditCreate"),
    deny("manager-moderates-case-audit", W(R.team_manager), "POST", f"{AUDIT}/moderation", 403,
         "CaseAuditModeration"),
    deny("parent-reads-case-audit", W(R.parent_carer), "GET", AUDIT, 403, audited=True),
    deny("involved-partner-reads-case-audit", W(R.partner_practitioner), "GET", AUDIT, 403),
    deny("other-team-worker-reads-case-audit", W(R.social_worker, OT), "GET", AUDIT, 404),
    deny("council-b-auditor-reads-case-audit", W(R.auditor, OC), "GET", AUDIT, 404),
    deny("parent-reads-group-supervision", W(R.parent_carer), "GET", GROUP_SUP, 403),
    deny("involved-partner-reads-group-supervision", W(R.partner_practitioner), "GET", GROUP_SUP, 403),
    deny("parent-reads-survey-response", W(R.parent_carer), "GET", SURVEY, 403, audited=True),
    deny("child-lists-survey-responses", W(R.child), "GET", f"{CASE}/family-survey-responses", 403),
    deny("worker-reads-survey-response", W(R.social_worker), "GET", SURVEY, 403),
    deny("other-family-parent-answers-survey", W(R.parent_carer, OTHER_FAMILY), "POST",
         f"{CASE}/family-survey-responses", 404, "FamilySurveyResponseCreate"),
    # 2.24, 4.1, 4.2: an individual supervision is its supervisor's (who alone changes it), its supervisee's and
    # quality staff's: not the family, not agencies, not chairs or the record system, not another manager, not
    # another council. The case keeps a summary of what was decided, for its professionals, never the family.
    deny("parent-reads-supervision", W(R.parent_carer), "GET", SUPERVISION, 403, audited=True),
    deny("child-lists-supervision", W(R.child), "GET", "/v1/supervision-records", 403),
    deny("involved-partner-reads-supervision", W(R.partner_practitioner), "GET", SUPERVISION, 403),
    deny("chair-reads-supervision", W(R.conference_chair), "GET", SUPERVISION, 403),
    deny("sync-client-reads-supervision", W(R.integration_client), "GET", SUPERVISION, 403),
    deny("unnamed-team-manager-reads-supervision", W(R.team_manager), "GET", SUPERVISION, 404, audited=True),
    deny("other-team-worker-reads-supervision", W(R.social_worker, OT), "GET", SUPERVISION, 404),
    deny("council-b-auditor-reads-supervision", W(R.auditor, OC), "GET", SUPERVISION, 404),
    deny("supervisee-edits-supervision", W(R.social_worker), "PUT", SUPERVISION, 403, "SupervisionRecordCreate"),
    deny("practice-lead-edits-supervision", W(R.practice_lead), "PUT", SUPERVISION, 404, "SupervisionRecordCreate"),
    deny("parent-reads-supervision-summary", W(R.parent_carer), "GET", SUPERVISION_SUMMARY, 403),
    deny("involved-partner-reads-supervision-summary", W(R.partner_practitioner), "GET", SUPERVISION_SUMMARY, 403),
    deny("other-team-worker-reads-supervision-summary", W(R.social_worker, OT), "GET", SUPERVISION_SUMMARY, 404),
    # The case summary is the case's records as the caller may read them: nothing more, nobody more.
    deny("admin-reads-summary", W(R.admin), "GET", SUMMARY, 403),
    deny("partner-system-reads-summary", W(R.partner_system), "GET", SUMMARY, 403),
    deny("other-team-worker-reads-summary", W(R.social_worker, OT), "GET", SUMMARY, 404, audited=True),
    deny("other-family-parent-reads-summary", W(R.parent_carer, OTHER_FAMILY), "GET", SUMMARY, 404),
    deny("uninvolved-agency-reads-summary", W(R.partner_practitioner, OTHER_AGENCY_REL), "GET", SUMMARY, 404),
    deny("parent-summary-without-alerts", W(R.parent_carer), "GET", SUMMARY, 200, check=no_alerts),
    # 2.6, BR-19: the front door records referrals and a team manager decides them; the referrer, the family,
    # partners and chairs are not shown the council's record; once accepted it is seen with its case only.
    deny("worker-decides-referral", W(R.social_worker), "POST", f"{REFERRAL}/decision", 403,
         "ReferralDecisionCreate", audited=True),
    deny("sync-client-decides-referral", W(R.integration_client), "POST", f"{REFERRAL}/decision", 403,
         "ReferralDecisionCreate"),
    deny("chair-decides-referral", W(R.conference_chair), "POST", f"{REFERRAL}/decision", 403,
         "ReferralDecisionCreate"),
    deny("partner-records-referral", W(R.partner_practitioner), "POST", "/v1/referrals", 403, "ReferralCreate"),
    deny("partner-corrects-referral", W(R.partner_practitioner), "PUT", REFERRAL, 403, "ReferralCreate"),
    deny("worker-upserts-referral-by-source", W(R.social_worker), "PUT",
         f"/v1/referrals?source={SOURCES}845/referral&source_id=DENY1", 403, "ReferralCreate"),
    deny("parent-reads-referral", W(R.parent_carer), "GET", REFERRAL, 403, audited=True),
    deny("child-lists-referrals", W(R.child), "GET", "/v1/referrals", 403),
    deny("partner-reads-referral", W(R.partner_practitioner), "GET", REFERRAL, 403),
    deny("iro-reads-referral", W(R.iro), "GET", REFERRAL, 403),
    deny("other-team-worker-reads-accepted-referral", W(R.social_worker, OT), "GET", REFERRAL, 404, audited=True),
    deny("other-team-manager-lists-accepted-referral", W(R.team_manager, OT), "GET", "/v1/referrals", 200,
         check=no_accepted_referral),
    deny("council-b-manager-reads-referral", W(R.team_manager, OC), "GET", REFERRAL, 404),
    deny("council-b-worker-lists-referrals", W(R.social_worker, OC), "GET", "/v1/referrals", 200,
         check=no_accepted_referral),
    # 2.16, 4.2: strategy discussions are professionals only: never the family or the child; an agency reads one
    # only where involved and shared, never restricted intelligence; the team manager finalises and records the s47.
    deny("parent-reads-strategy", W(R.parent_carer), "GET", STRATEGY, 403, audited=True),
    deny("child-lists-strategy", W(R.child), "GET", f"{CASE}/strategy-discussions", 403),
    deny("network-member-reads-strategy", W(R.network_member), "GET", STRATEGY, 403),
    deny("worker-finalises-strategy", W(R.social_worker), "POST", f"{STRATEGY}/finalise", 403, audited=True),
    deny("sync-client-finalises-strategy", W(R.integration_client), "POST", f"{STRATEGY}/finalise", 403),
    deny("chair-records-s47-outcome", W(R.conference_chair), "POST", f"{STRATEGY}/s47-outcome", 403,
         "S47OutcomeCreate"),
    deny("worker-records-s47-outcome", W(R.social_worker), "POST", f"{STRATEGY}/s47-outcome", 403,
         "S47OutcomeCreate"),
    deny("worker-amends-strategy", W(R.social_worker), "POST", f"{STRATEGY}/amendments", 403,
         "StrategyDiscussionAmend"),
    deny("partner-amends-strategy", W(R.partner_practitioner), "POST", f"{STRATEGY}/amendments", 403,
         "StrategyDiscussionAmend"),
    deny("partner-records-strategy", W(R.partner_practitioner), "POST", f"{CASE}/strategy-discussions", 403,
         "StrategyDiscussionCreate"),
    deny("partner-edits-strategy", W(R.partner_practitioner), "PUT", STRATEGY, 403, "StrategyDiscussionCreate"),
    deny("other-team-worker-reads-strategy", W(R.social_worker, OT), "GET", STRATEGY, 404, audited=True),
    deny("council-b-worker-lists-strategy", W(R.social_worker, OC), "GET", f"{CASE}/strategy-discussions", 404),
    deny("uninvolved-agency-reads-strategy", W(R.partner_practitioner, OTHER_AGENCY_REL), "GET", STRATEGY, 404),
    deny("ended-agency-reads-strategy", W(R.partner_practitioner, ENDED_AGENCY_REL), "GET", STRATEGY, 404),
    deny("partner-strategy-without-restricted-intelligence", W(R.partner_practitioner), "GET", STRATEGY, 200,
         check=no_restricted_intelligence),
    # 3.5 and 4.1: a team's due work is its managers' (and quality staff's), not a worker's, another team's
    # manager's, another council's or the family's.
    deny("worker-reads-team-due-work", W(R.social_worker), "GET", DUE_WORK, 403),
    deny("other-team-manager-reads-due-work", W(R.team_manager, OT), "GET", DUE_WORK, 403),
    deny("parent-reads-team-due-work", W(R.parent_carer), "GET", DUE_WORK, 403),
    deny("partner-reads-team-due-work", W(R.partner_practitioner), "GET", DUE_WORK, 403),
    deny("council-b-manager-reads-due-work", W(R.team_manager, OC), "GET", DUE_WORK, 200, check=no_due_work),
    # 2.24 (issue 14): the scorecard is for team managers, practice leads and auditors of the council; its figures
    # are the caller's own council's only.
    deny("worker-reads-measures", W(R.social_worker), "GET", MEASURE, 403),
    deny("chair-reads-measure-chart", W(R.conference_chair), "GET", f"{MEASURE}/chart", 403),
    deny("parent-reads-measures", W(R.parent_carer), "GET", "/v1/measures", 403),
    deny("partner-reads-measures", W(R.partner_practitioner), "GET", MEASURE, 403),
    deny("sync-client-reads-measures", W(R.integration_client), "GET", MEASURE, 403),
    deny("council-b-manager-reads-measure", W(R.team_manager, OC), "GET", MEASURE, 200, check=no_other_council_figures),
    # 4.2 and R15: a contribution is professionals_only; an agency follows its own, never another's, and sees
    # no match; only council staff move it on. R21: a partner system needs the contributions scope to send one.
    deny("parent-reads-contribution", W(R.parent_carer), "GET", CONTRIBUTION, 403, audited=True),
    deny("child-lists-contributions", W(R.child), "GET", f"{CASE}/contributions", 403),
    deny("partner-lists-case-contributions", W(R.partner_practitioner), "GET", f"{CASE}/contributions", 403),
    deny("uninvolved-agency-reads-contribution", W(R.partner_practitioner, OTHER_AGENCY_REL), "GET", CONTRIBUTION,
         404),
    deny("other-team-worker-reads-contribution", W(R.social_worker, OT), "GET", CONTRIBUTION, 404),
    deny("council-b-auditor-reads-contribution", W(R.auditor, OC), "GET", CONTRIBUTION, 404),
    deny("partner-moves-contribution", W(R.partner_practitioner), "POST", f"{CONTRIBUTION}/status", 403,
         "ContributionMove"),
    deny("partner-system-without-scope-contributes", W(R.partner_system), "POST", "/v1/contributions", 403,
         "ContributionCreate"),
    deny("partner-contribution-hides-the-match", W(R.partner_practitioner), "GET", CONTRIBUTION, 200,
         check=no_match_shown),
    # R17, R18: flags are for agencies with the flag-search permission; who looked is for council staff who
    # work with the child.
    deny("worker-searches-flags", W(R.social_worker), "GET", FLAGS, 403),
    deny("partner-system-without-scope-searches-flags", W(R.partner_system), "GET", FLAGS, 403),
    deny("partner-reads-flag-accesses", W(R.partner_practitioner), "GET", FLAG_ACCESSES, 403),
    deny("parent-reads-flag-accesses", W(R.parent_carer), "GET", FLAG_ACCESSES, 403),
    deny("other-team-worker-reads-flag-accesses", W(R.social_worker, OT), "GET", FLAG_ACCESSES, 404),
    # R13: an operation inside a batch is refused, hidden and audited exactly as the same request alone.
    deny("council-b-worker-reads-case-in-batch", W(R.social_worker, OC), "POST", BATCH, 200, batched("GET", CASE),
         check=refused_inside(404), audited=True),
    deny("parent-reads-other-family-case-in-batch", W(R.parent_carer), "POST", BATCH, 200,
         batched("GET", "/v1/cases/{b_case}"), check=refused_inside(404), audited=True),
    deny("auditor-creates-person-in-batch", W(R.auditor), "POST", BATCH, 200,
         batched("POST", "/v1/people", "PersonCreate"), check=refused_inside(403), audited=True),
    deny("parent-reads-refuge-in-batch", W(R.parent_carer), "POST", BATCH, 200, batched("GET", CASE),
         check=batched_case_without_refuge),
]

MUST_ALLOW = [
    # 4.1 partner_practitioner may write "their own scaling and views in meetings".
    deny("partner-scales-own-view", W(R.partner_practitioner), "POST", JUDGE, 201, "ScalingJudgementCreate"),
    deny("parent-scales-own-view", W(R.parent_carer), "POST", JUDGE, 201, "ScalingJudgementCreate"),
    deny("child-scales-own-view", W(R.child), "POST", JUDGE, 201, "ScalingJudgementCreate"),
    deny("network-member-reads-current-map", W(R.network_member), "GET", f"{MAPS}/current", 200),
    deny("partner-reads-shared-danger", W(R.partner_practitioner), "GET", DANGER, 200),
    deny("chair-reads-case", W(R.conference_chair), "GET", CASE, 200),
    deny("parent-reads-conference", W(R.parent_carer), "GET", CONFERENCE, 200),
    deny("auditor-reads-access-log", W(R.auditor), "GET", LOG + "?case={case}", 200),
    deny("client-reads-changes", W(R.integration_client), "GET", FEED, 200, check=lists_the_case),
    deny("client-reads-own-subscription", W(R.integration_client), "GET", HOOK, 200),
    deny("admin-lists-council-webhooks", W(R.admin), "GET", HOOKS, 200, check=lists_the_subscription),
    deny("manager-finalises-map", W(R.team_manager), "POST", FINALISE, 200, "MapFinalise",
         check=signed_off_by_the_finaliser),
    deny("manager-reallocates-case", W(R.team_manager), "PUT", "/v1/cases/{fresh_case}", 200,
         other_case_with(team="Team South")),
    # Controls: the records the rows above hide exist, and those they are for see them.
    deny("worker-sees-refuge", W(R.social_worker), "GET", CASE, 200, check=shows_the_refuge),
    deny("manager-lists-all-dangers", W(R.team_manager), "GET", DANGERS, 200, check=every_danger),
    deny("worker-reads-restricted-danger", W(R.social_worker), "GET", "/v1/danger-statements/{r_danger}", 200),
    deny("iro-reads-professionals-map", W(R.iro), "GET", "/v1/maps/{p_map}", 200),
    deny("child-reads-own-voice", W(R.child), "GET", VOICE, 200),
    deny("chair-reads-alert", W(R.conference_chair), "GET", ALERT, 200),
    deny("network-member-reads-network", W(R.network_member), "GET", NETWORK, 200),
    deny("partner-reads-network-meeting", W(R.partner_practitioner), "GET", MEETING, 200),
    deny("manager-changes-network", W(R.team_manager), "PUT", NETWORK, 200, "NetworkCreate"),
    deny("child-reads-own-story", W(R.child), "GET", STORY, 200),
    deny("network-member-reads-child-plan", W(R.network_member), "GET", CHILD_PLAN, 200),
    deny("network-member-reports-check-in", W(R.network_member), "POST", f"{PLAN}/check-ins", 201,
         "PlanCheckInCreate"),
    deny("partner-reads-summary", W(R.partner_practitioner), "GET", SUMMARY, 200),
    deny("parent-reads-childs-episode", W(R.parent_carer), "GET", EPISODE, 200),
    deny("manager-records-declined-step-change", W(R.team_manager), "POST", f"{CASE}/step-changes", 201,
         "StepChangeCreate"),
    deny("worker-summary-shows-alerts", W(R.social_worker), "GET", SUMMARY, 200, check=shows_alerts),
    deny("worker-lists-accepted-referral", W(R.social_worker), "GET", "/v1/referrals", 200,
         check=shows_accepted_referral),
    deny("auditor-reads-referral", W(R.auditor), "GET", REFERRAL, 200),
    deny("iro-reads-strategy", W(R.iro), "GET", STRATEGY, 200, check=shows_restricted_intelligence),
    deny("auditor-reads-strategy", W(R.auditor), "GET", STRATEGY, 200),
    deny("iro-reads-court-work", W(R.iro), "GET", COURT, 200),
    deny("manager-reads-case-audit", W(R.team_manager), "GET", AUDIT, 200),
    deny("child-answers-survey", W(R.child), "POST", f"{CASE}/family-survey-responses", 201,
         "FamilySurveyResponseCreate"),
    deny("manager-reads-survey-response", W(R.team_manager), "GET", SURVEY, 200),
    deny("worker-records-court-work", W(R.social_worker), "POST", f"{CASE}/court-work", 201, "CourtWorkCreate"),
    deny("worker-reads-matched-contribution", W(R.social_worker), "GET", CONTRIBUTION, 200, check=matched_child),
    deny("auditor-reads-flag-accesses", W(R.auditor), "GET", FLAG_ACCESSES, 200),
    deny("supervisee-reads-supervision", W(R.social_worker), "GET", SUPERVISION, 200),
    deny("auditor-reads-supervision", W(R.auditor), "GET", SUPERVISION, 200),
    deny("team-worker-reads-supervision-summary", W(R.early_help_worker), "GET", SUPERVISION_SUMMARY, 200),
]
# fmt: on


# --- the world --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def deny_database(databases: Databases) -> str:
    return databases.fresh()


@pytest.fixture(scope="module")
async def deny_client(settings: Settings, deny_database: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(create_app(settings, database_url=deny_database)) as client:
        yield client


def created(response: Any) -> dict[str, Any]:
    assert response.status_code in {200, 201}, response.text
    return dict(response.json())


def version_of(doc: dict[str, Any]) -> dict[str, str]:
    return {"If-Match": f'W/"{doc["meta"]["version"]}"'}


def setup_worker(auth: TokenFactory, family: Family) -> dict[str, str]:
    """The family's allocated worker, who builds the records the rows ask about."""
    return auth("social_worker", sub="deny-setup", person_id=family.worker, teams=[TEAM])


def without_server_fields(doc: dict[str, Any], *more: str) -> dict[str, Any]:
    server = {"id", "meta", "status", "current_level", "closed_on", "closure_reason", "closure_note", *more}
    return {k: v for k, v in doc.items() if k not in server}


@pytest.fixture(scope="module")
async def dw(deny_client: AsyncTestClient[Any], auth: TokenFactory) -> DenyWorld:
    client = deny_client
    # Another family first, while the default worker still sees it (unallocated), then allocated.
    b = await make_family(client, auth)
    b_danger = await make_danger(client, auth, b)
    await allocate(client, auth, b)
    b_case = (await client.get(f"/v1/cases/{b.case_id}", headers=setup_worker(auth, b))).json()
    world = await build_world(client, auth)
    f = world.family
    worker = setup_worker(auth, f)
    nan = await make_person(client, auth, "Nan")
    nurse = await make_person(
        client,
        auth,
        "Nina",
        practitioner={"organisation": {"name": "Riverside NHS Trust", "code": "RX1"}, "agency_type": "health_visitor"},
    )
    # Nan joins the family's network; the household lives at a refuge address kept from Sam (BR-27).
    case = (await client.get(f"/v1/cases/{f.case_id}", headers=worker)).json()
    body = without_server_fields(case) | {
        "members": [*case["members"], {"person_id": nan, "role": "network_member"}],
        "household_address": REFUGE,
    }
    saved = created(await client.put(f"/v1/cases/{f.case_id}", json=body, headers=worker | version_of(case)))
    assert saved["household_address"]["confidential"] is True
    case_body = without_server_fields(saved)
    mum = (await client.get(f"/v1/people/{f.mum}", headers=worker)).json()
    body = without_server_fields(mum) | {"addresses": [HOME, REFUGE]}
    saved = created(await client.put(f"/v1/people/{f.mum}", json=body, headers=worker | version_of(mum)))
    assert [a["confidential"] for a in saved["addresses"]] == [False, True]
    # Records the family (and, for restricted, agencies) may not see.
    withheld: dict[str, str] = {}
    for visibility in ("professionals_only", "restricted"):
        danger = body_for("DangerStatementCreate", world, Caller(R.social_worker, f.worker))
        danger |= {"visibility": visibility, "withheld_reason": WITHHELD, "text": f"A {visibility} worry."}
        made = created(await client.post(f"/v1/cases/{f.case_id}/danger-statements", json=danger, headers=worker))
        withheld[visibility] = made["id"]
    question = body_for("ScalingQuestionCreate", world, Caller(R.social_worker, f.worker))
    p_question = created(
        await client.post(
            f"/v1/danger-statements/{withheld['professionals_only']}/scaling-question", json=question, headers=worker
        )
    )
    p_map_body = body_for("AssessmentMapCreate", world, Caller(R.social_worker, f.worker))
    p_map_body |= {"visibility": "professionals_only", "withheld_reason": WITHHELD}
    p_map = created(await client.post(f"/v1/cases/{f.case_id}/maps", json=p_map_body, headers=worker))
    # An agency that was involved and no longer is.
    ended = await involve(
        client, lambda *a, **k: worker, f.case_id, kind="agency", organisation=ENDED_AGENCY, reason="invited_to_meeting"
    )
    created(
        await client.post(
            f"/v1/involvements/{ended['id']}/end",
            json={"end_date": "2026-11-30", "note": "Discharged from the service."},
            headers=worker | {"If-Match": 'W/"1"'},
        )
    )
    return DenyWorld(
        world=world,
        nan=nan,
        nurse=nurse,
        p_danger=withheld["professionals_only"],
        p_question=p_question["id"],
        r_danger=withheld["restricted"],
        p_map=p_map["id"],
        p_map_n=p_map["map_version"],
        ended_involvement=ended["id"],
        b=b,
        b_danger=b_danger["id"],
        case_body=case_body,
        b_case_body=without_server_fields(b_case),
    )


# --- running a row ----------------------------------------------------------------------------------------


async def fill(client: AsyncTestClient[Any], auth: TokenFactory, dw: DenyWorld, url: str) -> str:
    """The row's URL on the world's records; a fresh draft, case or involvement where the row names one, so a
    write that wrongly succeeds changes nothing another row relies on."""
    values = dw.values()
    worker = setup_worker(auth, dw.f)
    if "{draft}" in url:
        body = body_for("AssessmentMapCreate", dw.world, Caller(R.social_worker, dw.f.worker))
        values["draft"] = (created(await client.post(f"/v1/cases/{dw.f.case_id}/maps", json=body, headers=worker)))[
            "id"
        ]
    if "{fresh_case}" in url:
        made = created(await client.post("/v1/cases", json=dw.b_case_body, headers=worker))
        values["fresh_case"] = made["id"]
    if "{fresh_involvement}" in url:
        made = await involve(
            client,
            lambda *a, **k: worker,
            dw.f.case_id,
            kind="agency",
            organisation="police:01",
            reason="other",
            note="Domestic abuse unit.",
        )
        values["fresh_involvement"] = made["id"]
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], url)


ACTION = re.compile(r"/(close|finalise|end|decision|minutes|merge)$")


async def if_match(client: AsyncTestClient[Any], auth: TokenFactory, method: str, url: str) -> dict[str, str]:
    """The current ETag of the record an If-Match write names (read by the council's auditor). An upsert by source
    key (interop R3) names no record yet: it creates, without If-Match."""
    if "?source=" in url or not (method == "PUT" or (method == "POST" and ACTION.search(url))):
        return {}
    if "?identifier=" in url:
        return {}  # an upsert by an identifier nobody holds yet (interop R2): nothing to have read
    read = await client.get(ACTION.sub("", url), headers=auth("auditor", sub="deny-etag"))
    assert read.status_code == 200, read.text
    return {"If-Match": read.headers["etag"]}


async def run(client: AsyncTestClient[Any], auth: TokenFactory, dw: DenyWorld, row: Row, sub: str) -> None:
    url = await fill(client, auth, dw, row.url)
    headers = headers_for(auth, dw, row.who, sub) | await if_match(client, auth, row.method, url)
    body = None
    if isinstance(row.body, str):
        body = body_for(row.body, dw.world, caller_for(dw, row.who))
    elif row.body is not None:
        body = row.body(dw, row.who)
    response = await client.request(row.method, url, headers=headers, json=body)
    assert response.status_code in row.expect, f"{response.status_code}: {response.text[:500]}"
    if response.status_code in {200, 201} and row.check is not None:
        row.check(response.json(), dw)
    if response.status_code in {403, 404}:
        assert response.headers["content-type"].startswith("application/problem+json")
    if row.audited:
        log = await client.get("/v1/audit-events", params={"actor": sub}, headers=auth("auditor", sub="deny-auditor"))
        assert log.status_code == 200, log.text
        events = log.json()["items"]
        assert [(e["action"], e["outcome"]) for e in events] == [("denied", "denied")], events
        named = re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", url.split("?")[0])
        if named:
            assert events[0]["object_id"] == named[0]


@pytest.mark.parametrize("row", MUST_DENY)
async def test_must_deny(
    deny_client: AsyncTestClient[Any], auth: TokenFactory, dw: DenyWorld, row: Row, request: pytest.FixtureRequest
) -> None:
    sub = SIGNER if row.check is signed_off_by_the_finaliser else f"deny-{request.node.callspec.id}"
    await run(deny_client, auth, dw, row, sub)


@pytest.mark.parametrize("row", MUST_ALLOW)
async def test_must_allow(
    deny_client: AsyncTestClient[Any], auth: TokenFactory, dw: DenyWorld, row: Row, request: pytest.FixtureRequest
) -> None:
    sub = SIGNER if row.check is signed_off_by_the_finaliser else f"allow-{request.node.callspec.id}"
    await run(deny_client, auth, dw, row, sub)
