"""Court work over HTTP (domain 2.23, 3.5, 4.2): the 26-week deadline and how it stands on every read, the offer
of family group decision-making before an application (CA 1989 s31ZA), children of the case, evidence from the
case's own record, history on every save, and who may read it. One passing and one failing example per rule, on
one module-scoped family."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sos_api.resources.service import today
from tests.api.conftest import COUNCIL_B, TokenFactory
from tests.api.test_dangers import Family, if_match, make_danger, make_family, make_person
from tests.api.world import involve

JSON = dict[str, Any]
TODAY = today()


def weeks_ago(n: int) -> str:
    return (TODAY - dt.timedelta(weeks=n)).isoformat()


def problem_type(body: JSON) -> str:
    return str(body["type"]).rsplit("/", 1)[-1]


def pointers(body: JSON) -> list[str]:
    return [e["pointer"] for e in body["errors"]]


class Court:
    """The module's family, its chair, and the calls made on its court work."""

    def __init__(self, client: AsyncTestClient[Any], auth: TokenFactory, family: Family, chair: str) -> None:
        self.client, self.auth, self.family, self.chair = client, auth, family, chair
        self.worker = auth("social_worker", person_id=family.worker)

    @property
    def case(self) -> str:
        return f"/v1/cases/{self.family.case_id}"

    def issued(self, issued_on: str, **changes: Any) -> JSON:
        """Proceedings about Ada issued on `issued_on`, FGDM offered in the letter before proceedings a week before."""
        day = dt.date.fromisoformat(issued_on)
        letter = (day - dt.timedelta(weeks=1)).isoformat()
        body = {
            "child_ids": [self.family.child],
            "stage": "case_management",
            "letter_before_proceedings_on": letter,
            "fgdm_offered_on": letter,
            "fgdm_response": "accepted",
            "application_issued_on": issued_on,
        }
        return body | changes

    async def create(self, body: JSON, expect: int = 201, headers: dict[str, str] | None = None) -> JSON:
        made = await self.client.post(f"{self.case}/court-work", json=body, headers=headers or self.worker)
        assert made.status_code == expect, made.text
        return dict(made.json())

    async def read(self, made: JSON, headers: dict[str, str] | None = None, expect: int = 200) -> JSON:
        got = await self.client.get(f"/v1/court-work/{made['id']}", headers=headers or self.worker)
        assert got.status_code == expect, got.text
        return dict(got.json())

    async def save(self, made: JSON, body: JSON, version: int, expect: int = 200) -> JSON:
        headers = self.worker | if_match(version)
        saved = await self.client.put(f"/v1/court-work/{made['id']}", json=body, headers=headers)
        assert saved.status_code == expect, saved.text
        return dict(saved.json())


@pytest.fixture(scope="module")
async def ct(module_client: AsyncTestClient[Any], auth: TokenFactory) -> Court:
    family = await make_family(module_client, auth)
    chair = await make_person(module_client, auth, "Chidi")
    await involve(
        module_client, auth, family.case_id, kind="conference_chair", person_id=chair, reason="statutory_role"
    )
    return Court(module_client, auth, family, chair)


class TestRecord:
    async def test_restricted_by_default_and_read_only_by_the_councils_professionals(self, ct: Court) -> None:
        made = await ct.create(ct.issued(weeks_ago(4)))
        assert (made["visibility"], made["stage"]) == ("restricted", "case_management")
        listed = await ct.client.get(f"{ct.case}/court-work", headers=ct.worker)
        assert made["id"] in [c["id"] for c in listed.json()["items"]]
        chair = ct.auth("conference_chair", sub="chair-1", person_id=ct.chair)
        for reader in (chair, ct.auth("auditor"), ct.auth("team_manager", sub="tm", person_id=ct.family.worker)):
            assert (await ct.read(made, reader))["id"] == made["id"]
        # Never the family, the child or a partner agency (domain 4.2), and never another council.
        for role, who in (("parent_carer", ct.family.mum), ("child", ct.family.child)):
            await ct.read(made, ct.auth(role, sub=role, person_id=who), expect=403)
        await ct.read(made, ct.auth("partner_practitioner", "ods:RX1"), expect=403)
        await ct.read(made, ct.auth("social_worker", COUNCIL_B), expect=404)
        await ct.create(ct.issued(weeks_ago(4)), expect=403, headers=ct.auth("auditor"))

    async def test_a_child_of_another_family_or_a_parent_is_refused(self, ct: Court) -> None:
        stranger = await make_person(ct.client, ct.auth, "Zed", date_of_birth="2020-01-01")
        refused = await ct.create(ct.issued(weeks_ago(4), child_ids=[ct.family.mum, stranger]), expect=422)
        assert pointers(refused) == ["/child_ids/0", "/child_ids/1"]
        assert {e["code"] for e in refused["errors"]} == {"not_a_child_of_case"}

    async def test_dates_are_in_order_and_not_in_the_future(self, ct: Court) -> None:
        # The offer after the issue date, and an order ending before it was made: the schema refuses both.
        late_offer = ct.issued(weeks_ago(4), fgdm_offered_on=weeks_ago(2))
        assert problem_type(await ct.create(late_offer, expect=422)) == "validation-failed"
        order = {"type": "interim_care_order", "made_on": weeks_ago(3), "ends_on": weeks_ago(4)}
        await ct.create(ct.issued(weeks_ago(4), orders=[order]), expect=422)
        await ct.create(ct.issued(weeks_ago(4), stage="pre_proceedings"), expect=422)
        tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
        future = await ct.create(ct.issued(tomorrow, letter_before_proceedings_on=None), expect=422)
        assert "/application_issued_on" in pointers(future)
        good = {"type": "interim_care_order", "made_on": weeks_ago(3), "ends_on": weeks_ago(1)}
        assert (await ct.create(ct.issued(weeks_ago(4), orders=[good])))["orders"][0]["type"] == "interim_care_order"


class TestFamilyGroupDecisionMaking:
    async def test_an_application_needs_the_offer_first(self, ct: Court) -> None:
        body = ct.issued(weeks_ago(4), fgdm_offered_on=None, fgdm_response=None)
        refused = await ct.create(body, expect=422)
        assert (problem_type(refused), pointers(refused)) == ("fgdm-not-offered", ["/fgdm_offered_on"])

    async def test_or_the_reason_it_was_not_in_the_childs_best_interests(self, ct: Court) -> None:
        body = ct.issued(
            weeks_ago(4),
            fgdm_offered_on=None,
            fgdm_response="not_offered_best_interests",
            fgdm_not_offered_reason="An emergency protection order was needed the same day.",
        )
        assert (await ct.create(body))["fgdm_response"] == "not_offered_best_interests"
        # The reason is required with that answer (the schema).
        await ct.create(body | {"fgdm_not_offered_reason": None}, expect=422)

    async def test_pre_proceedings_need_no_offer_yet(self, ct: Court) -> None:
        made = await ct.create({"child_ids": [ct.family.child], "stage": "pre_proceedings"})
        assert (made["deadline_26_weeks"], made["deadline_days_remaining"], made["deadline_overdue"]) == (
            None,
            None,
            None,
        )


class TestTwentySixWeeks:
    async def test_open_proceedings_count_from_today(self, ct: Court) -> None:
        made = await ct.read(await ct.create(ct.issued(weeks_ago(10))))
        # Issue date + 26 calendar weeks (CA 1989 s32(1)(a)): 16 weeks from today.
        assert made["deadline_26_weeks"] == (TODAY + dt.timedelta(weeks=16)).isoformat()
        # 16 weeks hold at least 16 * 5 - 8 working days whatever bank holidays fall in them.
        assert (made["deadline_overdue"], made["deadline_days_remaining"] >= 72) == (False, True)
        late = await ct.read(await ct.create(ct.issued(weeks_ago(30))))
        assert (late["deadline_overdue"], late["deadline_days_remaining"] <= -16) == (True, True)

    @pytest.mark.parametrize(
        ("issued", "concluded", "deadline", "remaining", "overdue"),
        [
            # Issued Mon 2 March 2026 -> deadline Mon 31 August 2026, the summer bank holiday.
            # Concluded Fri 28 August: Sat, Sun and the bank holiday are no working days -> 0, not overdue.
            ("2026-03-02", "2026-08-28", "2026-08-31", 0, False),
            # Concluded on the deadline itself: 0, not overdue.
            ("2026-03-02", "2026-08-31", "2026-08-31", 0, False),
            # Concluded Tue 1 September: the first working day after the deadline -> -1, overdue.
            ("2026-03-02", "2026-09-01", "2026-08-31", -1, True),
            # Issued Mon 30 June 2025 -> deadline Mon 29 December 2025. Concluded Mon 22 December: Tue 23 and Wed 24
            # are working days, Christmas Day (Thu) and Boxing Day (Fri) are not, nor the weekend; Mon 29 is -> 3.
            ("2025-06-30", "2025-12-22", "2025-12-29", 3, False),
        ],
    )
    async def test_concluded_proceedings_count_to_the_day_they_ended(
        self, ct: Court, issued: str, concluded: str, deadline: str, remaining: int, overdue: bool
    ) -> None:
        made = await ct.create(ct.issued(issued, stage="concluded", concluded_on=concluded))
        read = await ct.read(made)
        assert (read["deadline_26_weeks"], read["deadline_days_remaining"], read["deadline_overdue"]) == (
            deadline,
            remaining,
            overdue,
        )

    async def test_concluded_on_only_at_stage_concluded(self, ct: Court) -> None:
        await ct.create(ct.issued("2026-03-02", concluded_on="2026-08-28"), expect=422)
        await ct.create(ct.issued("2026-03-02", stage="concluded", concluded_on="2026-02-27"), expect=422)


class TestHistory:
    async def test_each_save_is_a_version_and_a_stale_one_is_refused(self, ct: Court) -> None:
        made = await ct.create({"child_ids": [ct.family.child], "stage": "pre_proceedings"})
        issued = ct.issued(weeks_ago(1))
        saved = await ct.save(made, issued, version=1)
        assert (saved["meta"]["version"], saved["deadline_26_weeks"]) == (
            2,
            (TODAY + dt.timedelta(weeks=25)).isoformat(),
        )
        stale = await ct.save(made, issued | {"stage": "issues_resolution"}, version=1, expect=412)
        assert problem_type(stale) == "version-conflict"
        await ct.save(made, issued | {"fgdm_offered_on": None, "fgdm_response": None}, version=2, expect=422)
        versions = await ct.client.get(f"/v1/court-work/{made['id']}/versions", headers=ct.worker)
        assert [v["stage"] for v in versions.json()["items"]] == ["pre_proceedings", "case_management"]


class TestEvidence:
    async def test_evidence_comes_from_this_case(self, ct: Court) -> None:
        danger = await make_danger(ct.client, ct.auth, ct.family)
        evidence = {"danger_ids": [danger["id"]], "goal_ids": [danger["safety_goal"]["id"]], "analysis": "Dad drinks."}
        made = await ct.create(ct.issued(weeks_ago(2), evidence=evidence))
        assert made["evidence"]["danger_ids"] == [danger["id"]]
        other = await make_family(ct.client, ct.auth)
        theirs = await make_danger(ct.client, ct.auth, other)
        wrong = {"danger_ids": [theirs["id"]], "goal_ids": [theirs["safety_goal"]["id"]]}
        refused = await ct.create(ct.issued(weeks_ago(2), evidence=wrong), expect=422)
        assert pointers(refused) == ["/evidence/danger_ids/0", "/evidence/goal_ids/0"]
