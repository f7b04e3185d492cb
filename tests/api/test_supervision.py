"""Individual supervision over HTTP (domain 2.24, 4.1, 4.2): who reads and writes a record that belongs to no case
(its supervisor writes, its supervisee reads, quality staff read, nobody else), the checks on what it names, and
the summary each case discussed keeps, written, changed and withdrawn with the record. One passing and one failing
example per rule, on one module-scoped family."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sos_api.resources.service import today
from tests.api.conftest import COUNCIL_B, TokenFactory
from tests.api.test_dangers import Family, if_match, make_family, make_person
from tests.api.world import TEAM, allocate

JSON = dict[str, Any]
YESTERDAY = (today() - dt.timedelta(days=1)).isoformat()
TOMORROW = (today() + dt.timedelta(days=1)).isoformat()
RECORDS = "/v1/supervision-records"


def problem_type(body: JSON) -> str:
    return str(body["type"]).rsplit("/", 1)[-1]


class Supervision:
    """The module's family (allocated to the world's team), its manager Mona who supervises Priya, the worker."""

    def __init__(self, client: AsyncTestClient[Any], auth: TokenFactory, family: Family, mona: str) -> None:
        self.client, self.auth, self.family, self.mona = client, auth, family, mona
        self.supervisor = auth("team_manager", sub="mona", person_id=mona, teams=[TEAM])
        self.supervisee = auth("social_worker", sub="priya", person_id=family.worker, teams=[TEAM])
        # The same team's other manager, and a worker of the team the record does not name.
        self.other_manager = auth("team_manager", sub="tom", person_id=str(uuid.uuid4()), teams=[TEAM])
        self.team_worker = auth("early_help_worker", sub="eve", teams=[TEAM])

    def body(self, *cases: str, **changes: Any) -> JSON:
        entries = [
            {
                "case_id": case_id,
                "worries": "Dad's drinking when he has the children on Saturdays.",
                "working_well": "Grandma collects the children from school every day.",
                "needs_to_happen": "Grandma to see the danger statement.",
                "scale": 4,
                "decisions": "Hold a network meeting with grandma within two weeks.",
                "actions": [{"what": "Invite grandma", "who_person_id": self.family.worker, "by": TOMORROW}],
            }
            for case_id in (cases or (self.family.case_id,))
        ]
        body = {
            "supervisee": self.family.worker,
            "supervisor": self.mona,
            "held_on": YESTERDAY,
            "cases": entries,
            "reflection": "Priya feels stuck with dad's minimising.",
            "wellbeing_check": "Tired; taking leave next week.",
        }
        return body | changes

    async def create(self, body: JSON, headers: dict[str, str] | None = None, expect: int = 201) -> JSON:
        made = await self.client.post(RECORDS, json=body, headers=headers or self.supervisor)
        assert made.status_code == expect, made.text
        return dict(made.json())

    async def get(self, url: str, headers: dict[str, str], expect: int = 200) -> JSON:
        got = await self.client.get(url, headers=headers)
        assert got.status_code == expect, got.text
        return dict(got.json())

    async def summaries(self, case_id: str, headers: dict[str, str] | None = None) -> list[JSON]:
        page = await self.get(f"/v1/cases/{case_id}/supervision-summaries", headers or self.team_worker)
        return list(page["items"])


@pytest.fixture(scope="module")
async def sv(module_client: AsyncTestClient[Any], auth: TokenFactory) -> Supervision:
    family = await make_family(module_client, auth)
    await allocate(module_client, auth, family)
    return Supervision(module_client, auth, family, await make_person(module_client, auth, "Mona"))


class TestSupervisionRecord:
    async def test_the_supervisor_records_it_and_each_case_keeps_a_summary(self, sv: Supervision) -> None:
        made = await sv.create(sv.body())
        assert made["visibility"] == "restricted"
        assert set(made["child_ids"]) == {sv.family.child, sv.family.sibling}
        [summary] = [s for s in await sv.summaries(sv.family.case_id) if s["supervision_id"] == made["id"]]
        assert summary["decisions"] == "Hold a network meeting with grandma within two weeks."
        assert (summary["scale"], summary["actions"][0]["what"]) == (4, "Invite grandma")
        # Decisions, not the conversation: no columns, reflection or wellbeing on the case.
        assert not {"worries", "reflection", "wellbeing_check", "cases"} & summary.keys()
        # The record's reads are in the children's access history.
        await sv.get(f"{RECORDS}/{made['id']}", sv.auth("auditor", sub="aud"))
        log = await sv.get(f"/v1/audit-events?child={sv.family.child}", sv.auth("auditor", sub="aud"))
        assert ("supervision_record", "read") in {(e["object_type"], e["action"]) for e in log["items"]}

    async def test_read_by_those_it_names_and_quality_staff_only(self, sv: Supervision) -> None:
        made = await sv.create(sv.body())
        url = f"{RECORDS}/{made['id']}"
        for reader in (sv.supervisor, sv.supervisee, sv.auth("auditor"), sv.auth("practice_lead")):
            assert (await sv.get(url, reader))["reflection"] == made["reflection"]
        for outsider in (sv.other_manager, sv.team_worker, sv.auth("auditor", COUNCIL_B)):
            await sv.get(url, outsider, expect=404)
            assert made["id"] not in {r["id"] for r in (await sv.get(RECORDS, outsider))["items"]}
        for never in (sv.auth("parent_carer", person_id=sv.family.mum), sv.auth("partner_practitioner", "ods:RX1")):
            await sv.get(url, never, expect=403)
        assert made["id"] in {r["id"] for r in (await sv.get(RECORDS, sv.supervisee))["items"]}

    async def test_only_the_supervisor_changes_it(self, sv: Supervision) -> None:
        made = await sv.create(sv.body())
        url, changed = f"{RECORDS}/{made['id']}", sv.body(reflection="Priya has a plan for dad.")
        # The supervisee may read it, not change it; quality staff and another manager do not reach it to change.
        refused = await sv.client.put(url, json=changed, headers=sv.supervisee | if_match(1))
        assert refused.status_code == 403, refused.text
        lead = sv.auth("practice_lead", sub="lead", person_id=str(uuid.uuid4()))
        for not_the_supervisor in (lead, sv.other_manager):
            refused = await sv.client.put(url, json=changed, headers=not_the_supervisor | if_match(1))
            assert refused.status_code == 404, refused.text
        saved = await sv.client.put(url, json=changed, headers=sv.supervisor | if_match(1))
        assert (saved.status_code, saved.json()["reflection"]) == (200, "Priya has a plan for dad."), saved.text

    async def test_the_supervisor_is_the_caller(self, sv: Supervision) -> None:
        refused = await sv.create(sv.body(supervisor=str(uuid.uuid4())), expect=403)
        assert problem_type(refused) == "not-the-supervisor"
        # A practice lead supervises too, as themselves.
        lead = str(uuid.uuid4())
        await sv.create(sv.body(supervisor=lead), sv.auth("practice_lead", sub="lead", person_id=lead))

    async def test_what_it_names_must_be_seen_and_recorded(self, sv: Supervision) -> None:
        body = sv.body(held_on=TOMORROW, supervisee=str(uuid.uuid4()))
        body["cases"][0]["map_id"] = str(uuid.uuid4())
        body["cases"].append({"case_id": str(uuid.uuid4())})
        refused = await sv.create(body, expect=422)
        assert [e["pointer"] for e in refused["errors"]] == ["/held_on", "/cases/0/map_id", "/cases/1/case_id"]
        refused = await sv.create(sv.body(supervisee=str(uuid.uuid4())), expect=422)
        assert [e["pointer"] for e in refused["errors"]] == ["/supervisee"]

    async def test_summaries_follow_the_record(self, sv: Supervision) -> None:
        other = await make_family(sv.client, sv.auth)  # unallocated: in the manager's front-door pool
        made = await sv.create(sv.body())
        url = f"{RECORDS}/{made['id']}"
        [first] = [s for s in await sv.summaries(sv.family.case_id) if s["supervision_id"] == made["id"]]
        body = sv.body(other.case_id)
        body["cases"][0]["decisions"] = "Step down to early help."
        moved = await sv.client.put(url, json=body, headers=sv.supervisor | if_match(1))
        assert moved.status_code == 200, moved.text
        # Taken off the family's case (kept, marked entered in error: auditors still see it), put on the other's.
        assert made["id"] not in {s["supervision_id"] for s in await sv.summaries(sv.family.case_id)}
        gone = await sv.get(f"/v1/supervision-summaries/{first['id']}", sv.auth("auditor"))
        assert gone["meta"]["entered_in_error"]["reason"] == "The case was taken off the supervision record."
        [second] = await sv.summaries(other.case_id, sv.supervisor)
        assert second["decisions"] == "Step down to early help."
        # Marking the record entered in error withdraws its summaries in the same transaction.
        marked = await sv.client.post(
            f"{url}/entered-in-error",
            json={"reason": "Recorded against the wrong worker."},
            headers=sv.supervisor | if_match(2),
        )
        assert marked.status_code == 200, marked.text
        assert await sv.summaries(other.case_id, sv.supervisor) == []
