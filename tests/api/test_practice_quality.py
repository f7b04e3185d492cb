"""Case audits, group supervision and the family survey over HTTP (domain 2.24, 4.1, 4.2): who writes and reads
each, the rules on what they name, moderation by someone other than the auditor, and answers given as oneself.
One passing and one failing example per rule, on one module-scoped family."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sos_api.resources.service import today
from tests.api.conftest import COUNCIL_B, TokenFactory
from tests.api.test_dangers import Family, if_match, make_family, make_person
from tests.api.world import TEAM, allocate

JSON = dict[str, Any]
TODAY = today()
YESTERDAY = (TODAY - dt.timedelta(days=1)).isoformat()
TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()
SURVEY_ID = "5e0c0d0e-0000-4000-8000-000000000001"


def problem_type(body: JSON) -> str:
    return str(body["type"]).rsplit("/", 1)[-1]


def pointers(body: JSON) -> list[str]:
    return [e["pointer"] for e in body["errors"]]


class Quality:
    """The module's family (allocated to the world's team), its auditors, and the calls made on its records."""

    def __init__(self, client: AsyncTestClient[Any], auth: TokenFactory, family: Family, auditor: str) -> None:
        self.client, self.auth, self.family, self.auditor_id = client, auth, family, auditor
        self.auditor = auth("auditor", sub="aud-1", person_id=auditor)
        self.lead = auth("practice_lead", sub="lead-1")
        self.worker = auth("social_worker", sub="sw-1", person_id=family.worker, teams=[TEAM])
        self.manager = auth("team_manager", sub="tm-1", teams=[TEAM])

    @property
    def case(self) -> str:
        return f"/v1/cases/{self.family.case_id}"

    def audit(self, **changes: Any) -> JSON:
        body = {
            "type": "together_with",
            "case_id": self.family.case_id,
            "child_ids": [self.family.child],
            "auditor": self.auditor_id,
            "practitioner": self.family.worker,
            "practitioner_present": True,
            "held_on": YESTERDAY,
            "standards": [{"standard_id": "danger-statements-behavioural", "met": "yes"}],
            "worries": "No network member has seen the danger statements.",
            "grade": "good",
        }
        return body | changes

    def answers(self, role: str, **changes: Any) -> JSON:
        body = {
            "survey_id": SURVEY_ID,
            "case_id": self.family.case_id,
            "respondent_role": role,
            "answers": [{"question_id": "felt-listened-to", "score": 7}],
            "submitted_on": YESTERDAY,
        }
        return body | changes

    async def post(self, segment: str, body: JSON, headers: dict[str, str], expect: int = 201) -> JSON:
        made = await self.client.post(f"{self.case}/{segment}", json=body, headers=headers)
        assert made.status_code == expect, made.text
        return dict(made.json())

    async def get(self, url: str, headers: dict[str, str], expect: int = 200) -> JSON:
        got = await self.client.get(url, headers=headers)
        assert got.status_code == expect, got.text
        return dict(got.json())

    async def moderate(self, audit: JSON, headers: dict[str, str], body: JSON, expect: int = 200) -> JSON:
        url = f"/v1/case-audits/{audit['id']}/moderation"
        done = await self.client.post(url, json=body, headers=headers | if_match(audit["meta"]["version"]))
        assert done.status_code == expect, done.text
        return dict(done.json())


@pytest.fixture(scope="module")
async def qq(module_client: AsyncTestClient[Any], auth: TokenFactory) -> Quality:
    family = await make_family(module_client, auth)
    auditor = await make_person(module_client, auth, "Audrey")
    await allocate(module_client, auth, family)
    return Quality(module_client, auth, family, auditor)


class TestCaseAudit:
    async def test_quality_staff_write_it_and_the_cases_team_reads_it(self, qq: Quality) -> None:
        made = await qq.post("case-audits", qq.audit(), qq.auditor)
        assert (made["visibility"], made["grade"], made.get("moderated_by")) == ("restricted", "good", None)
        url = f"/v1/case-audits/{made['id']}"
        for reader in (qq.lead, qq.worker, qq.manager):
            assert (await qq.get(url, reader))["id"] == made["id"]
        # Another team, the family, the case's chair role and another council do not.
        await qq.get(url, qq.auth("social_worker", sub="south", teams=["Team South"]), expect=404)
        await qq.get(url, qq.auth("parent_carer", sub="grace", person_id=qq.family.mum), expect=403)
        await qq.get(url, qq.auth("iro", sub="iro"), expect=403)
        await qq.get(url, qq.auth("auditor", COUNCIL_B), expect=404)
        await qq.post("case-audits", qq.audit(), qq.worker, expect=403)

    async def test_the_case_and_children_are_the_paths(self, qq: Quality) -> None:
        other = await make_family(qq.client, qq.auth)
        body = qq.audit(case_id=other.case_id, child_ids=[other.child], held_on=TOMORROW)
        refused = await qq.post("case-audits", body, qq.auditor, expect=422)
        assert pointers(refused) == ["/case_id", "/child_ids/0", "/held_on"]

    async def test_together_with_needs_the_practitioner_present(self, qq: Quality) -> None:
        refused = await qq.post("case-audits", qq.audit(practitioner_present=False), qq.auditor, expect=422)
        assert "practitioner present" in refused["detail"]
        single = await qq.post("case-audits", qq.audit(type="single_agency", practitioner_present=False), qq.auditor)
        assert single["type"] == "single_agency"

    async def test_moderated_once_by_someone_else_then_read_only(self, qq: Quality) -> None:
        made = await qq.post("case-audits", qq.audit(), qq.auditor)
        # The auditor named on it (even under another login) and whoever recorded it may not moderate it.
        same_person = qq.auth("practice_lead", sub="aud-1-again", person_id=qq.auditor_id)
        refused = await qq.moderate(made, same_person, {"grade": "outstanding"}, expect=403)
        assert problem_type(refused) == "moderator-is-auditor"
        await qq.moderate(made, qq.auditor, {}, expect=403)
        moderated = await qq.moderate(made, qq.lead, {"grade": "requires_improvement", "note": "Network not told."})
        assert (moderated["grade"], moderated["grade_before_moderation"]) == ("requires_improvement", "good")
        assert (moderated["moderated_by_user"], moderated["moderated_on"]) == ("lead-1", TODAY.isoformat())
        await qq.moderate(moderated, qq.lead, {}, expect=409)
        headers = qq.auditor | if_match(moderated["meta"]["version"])
        edit = await qq.client.put(f"/v1/case-audits/{made['id']}", json=qq.audit(), headers=headers)
        assert (edit.status_code, problem_type(edit.json())) == (409, "read-only")
        # moderated_by is never the client's to send.
        await qq.post("case-audits", qq.audit(moderated_by=qq.family.worker), qq.auditor, expect=422)

    async def test_edits_before_moderation_keep_history(self, qq: Quality) -> None:
        made = await qq.post("case-audits", qq.audit(), qq.auditor)
        headers = qq.lead | if_match(1)
        saved = await qq.client.put(
            f"/v1/case-audits/{made['id']}", json=qq.audit(grade="outstanding"), headers=headers
        )
        assert saved.status_code == 200, saved.text
        versions = await qq.get(f"/v1/case-audits/{made['id']}/versions", qq.manager)
        assert [v["grade"] for v in versions["items"]] == ["good", "outstanding"]


class TestGroupSupervision:
    def group(self, qq: Quality, **changes: Any) -> JSON:
        body = {
            "held_on": YESTERDAY,
            "facilitator": qq.auditor_id,
            "case_presenter": qq.family.worker,
            "case_id": qq.family.case_id,
            "purpose": "Are we worried enough to hold a strategy discussion?",
            "accountable_manager_present": False,
            "ideas_for_next_steps": "Ask grandma to join a network meeting.",
        }
        return body | changes

    async def test_the_cases_team_records_it_and_nobody_outside_reads_it(self, qq: Quality) -> None:
        made = await qq.post("group-supervisions", self.group(qq), qq.worker)
        assert made["visibility"] == "restricted"
        url = f"/v1/group-supervisions/{made['id']}"
        assert (await qq.get(url, qq.lead))["id"] == made["id"]
        await qq.get(url, qq.auth("parent_carer", sub="grace", person_id=qq.family.mum), expect=403)
        await qq.get(url, qq.auth("partner_practitioner", "ods:RX1"), expect=403)
        await qq.get(url, qq.auth("social_worker", sub="south", teams=["Team South"]), expect=404)

    async def test_decisions_need_the_accountable_manager_and_names_must_exist(self, qq: Quality) -> None:
        await qq.post("group-supervisions", self.group(qq, decisions=["Close the case."]), qq.worker, expect=422)
        decided = self.group(qq, accountable_manager_present=True, decisions=["Hold a strategy discussion today."])
        assert (await qq.post("group-supervisions", decided, qq.worker))["decisions"]
        other = await make_family(qq.client, qq.auth)
        stranger = "5e0c0d0e-0000-4000-8000-0000000000ff"
        refused = await qq.post(
            "group-supervisions", self.group(qq, case_id=other.case_id, participants=[stranger]), qq.worker, expect=422
        )
        assert pointers(refused) == ["/case_id"]
        refused = await qq.post("group-supervisions", self.group(qq, participants=[stranger]), qq.worker, expect=422)
        assert pointers(refused) == ["/participants/0"]


class TestFamilySurvey:
    async def test_a_parent_answers_as_themselves_and_cannot_read_it_back(self, qq: Quality) -> None:
        grace = qq.auth("parent_carer", sub="grace", person_id=qq.family.mum)
        made = await qq.post("family-survey-responses", qq.answers("parent_carer"), grace)
        assert (made["respondent_id"], made["case_id"]) == (qq.family.mum, qq.family.case_id)
        url = f"/v1/family-survey-responses/{made['id']}"
        for reader in (qq.manager, qq.auditor):
            assert (await qq.get(url, reader))["answers"][0]["score"] == 7
        ada = qq.auth("child", sub="ada", person_id=qq.family.child)
        for not_a_reader in (grace, ada, qq.worker):
            await qq.get(url, not_a_reader, expect=403)
        # Append-only: there is no edit.
        put = await qq.client.put(url, json=qq.answers("parent_carer"), headers=qq.manager | if_match(1))
        assert put.status_code == 405

    async def test_nobody_answers_for_someone_else(self, qq: Quality) -> None:
        ada = qq.auth("child", sub="ada", person_id=qq.family.child)
        assert (await qq.post("family-survey-responses", qq.answers("child"), ada))["respondent_id"] == qq.family.child
        await qq.post("family-survey-responses", qq.answers("parent_carer"), ada, expect=403)
        as_mum = qq.answers("child", respondent_id=qq.family.mum)
        await qq.post("family-survey-responses", as_mum, ada, expect=403)

    async def test_a_worker_records_a_paper_form_for_a_member_of_the_case(self, qq: Quality) -> None:
        paper = qq.answers("family_member", respondent_id=qq.family.dad)
        assert (await qq.post("family-survey-responses", paper, qq.worker))["respondent_id"] == qq.family.dad
        stranger = await make_person(qq.client, qq.auth, "Zed")
        refused = await qq.post(
            "family-survey-responses", qq.answers("family_member", respondent_id=stranger), qq.worker, expect=422
        )
        assert pointers(refused) == ["/respondent_id"]

    async def test_kept_with_this_case_and_not_anonymous(self, qq: Quality) -> None:
        other = await make_family(qq.client, qq.auth)
        body = qq.answers("parent_carer", case_id=other.case_id, submitted_on=TOMORROW)
        refused = await qq.post("family-survey-responses", body, qq.worker, expect=422)
        assert pointers(refused) == ["/case_id", "/submitted_on"]
        anonymous = qq.answers("parent_carer", case_id=None, anonymous_token="tok_0123456789abcdef")
        refused = await qq.post("family-survey-responses", anonymous, qq.worker, expect=422)
        assert pointers(refused) == ["/anonymous_token"]
