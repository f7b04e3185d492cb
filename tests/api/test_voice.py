"""The child's voice tools: the child's consent to share decides which of the family read them (BR-11), a
manager may override it with a reason, the child's words are never edited, and a child who says they feel
unsafe raises an alert for the worker in the same transaction."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from sos_api.app import create_app
from sos_api.settings import Settings
from tests.api.conftest import TokenFactory
from tests.api.test_dangers import Family, if_match, make_danger, make_family, make_person, make_question, said_by
from tests.api.test_scaling import run_sql

Headers = dict[str, str]


def tokens(auth: TokenFactory, family: Family) -> dict[str, Headers]:
    return {
        "worker": auth(),
        "manager": auth("team_manager", sub="manager-1"),
        "mum": auth("parent_carer", sub="mum", person_id=family.mum),
        "dad": auth("parent_carer", sub="dad", person_id=family.dad),
        "child": auth("child", sub="ada", person_id=family.child),
        "sibling": auth("child", sub="ben", person_id=family.sibling),
    }


def consent(level: str, *with_whom: str) -> dict[str, Any]:
    return {"level": level, "with_whom": list(with_whom)} if with_whom else {"level": level}


def item(text: str, order: int = 0, **more: Any) -> dict[str, Any]:
    return {"text": text, "written_by": "child", "order": order, **more}


def houses(family: Family, level: dict[str, Any], **changes: Any) -> dict[str, Any]:
    tool = {
        "tool": "three_houses",
        "child_id": family.child,
        "completed_on": "2026-11-10",
        "worker": family.worker,
        "child_consent_to_share": level,
        "good_things": [item("I like it when Dad reads to me")],
        "worries": [item("Dad shouts when he has beer")],
        "dreams": [item("A puppy")],
    }
    return {"tool": tool | changes}


def safety_house(family: Family, position: int) -> dict[str, Any]:
    tool = {
        "tool": "safety_house",
        "child_id": family.child,
        "completed_on": "2026-11-10",
        "worker": family.worker,
        "child_consent_to_share": consent("all"),
        "inside_house": [{"person_id": family.mum}, {"text": "my cat Biscuit"}],
        "roof_rules": ["Dad doesn't drink beer when I'm home"],
        "safety_path_position": position,
    }
    return {"tool": tool}


async def record(
    client: AsyncTestClient[Any], auth: TokenFactory, family: Family, body: dict[str, Any], status: int = 201
) -> dict[str, Any]:
    response = await client.post(f"/v1/cases/{family.case_id}/child-voice", json=body, headers=auth())
    assert response.status_code == status, response.text
    return dict(response.json())


async def sees(client: AsyncTestClient[Any], family: Family, voice: dict[str, Any], headers: Headers) -> bool:
    """Whether the caller reads the record on every read path (and consistently: all or none)."""
    item_url = f"/v1/child-voice/{voice['id']}"
    answers = [
        (await client.get(item_url, headers=headers)).status_code,
        (await client.get(f"{item_url}/versions", headers=headers)).status_code,
        (await client.get(f"{item_url}/versions/1", headers=headers)).status_code,
    ]
    listed = await client.get(f"/v1/cases/{family.case_id}/child-voice", headers=headers)
    assert listed.status_code == 200, listed.text
    in_list = voice["id"] in {v["id"] for v in listed.json()["items"]}
    if answers == [200, 200, 200] and in_list:
        return True
    assert answers == [404, 404, 404], answers
    assert not in_list
    return False


async def act(
    client: AsyncTestClient[Any], voice: dict[str, Any], verb: str, body: dict[str, Any], headers: Headers
) -> Any:
    current = (await client.get(f"/v1/child-voice/{voice['id']}", headers={**headers})).json()
    version = current.get("meta", {}).get("version", voice["meta"]["version"])
    return await client.post(f"/v1/child-voice/{voice['id']}/{verb}", json=body, headers=headers | if_match(version))


async def alerts(client: AsyncTestClient[Any], family: Family, headers: Headers) -> list[dict[str, Any]]:
    listed = await client.get(f"/v1/cases/{family.case_id}/alerts", headers=headers)
    assert listed.status_code == 200, listed.text
    return list(listed.json()["items"])


async def child_judgement(
    client: AsyncTestClient[Any], auth: TokenFactory, family: Family, value: int, person: str | None = None, **q: Any
) -> str:
    """A judgement on a safety scale of the case, given by the child (or by `person` as a parent)."""
    danger = await make_danger(client, auth, family)
    question = await make_question(client, auth, danger["id"], **q)
    role = "child" if person is None else "parent_carer"
    body = {"value": value, "perspective": said_by(person or family.child, role), "reason": "Because."}
    made = await client.post(f"/v1/scaling-questions/{question['id']}/judgements", json=body, headers=auth())
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


class TestConsentToShare:
    async def test_some_reaches_only_the_people_the_child_named(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        who = tokens(auth, family)
        voice = await record(client, auth, family, houses(family, consent("some", family.mum)))
        assert not await sees(client, family, voice, who["dad"])
        assert not await sees(client, family, voice, who["sibling"])
        for reader in ("mum", "child", "worker"):
            assert await sees(client, family, voice, who[reader]), reader

    @pytest.mark.parametrize("level", ["none", "not_asked"])
    async def test_none_reaches_neither_parent(
        self, client: AsyncTestClient[Any], auth: TokenFactory, level: str
    ) -> None:
        family = await make_family(client, auth)
        who = tokens(auth, family)
        voice = await record(client, auth, family, houses(family, consent(level)))
        assert not await sees(client, family, voice, who["mum"])
        assert not await sees(client, family, voice, who["dad"])
        assert await sees(client, family, voice, who["child"])
        assert await sees(client, family, voice, auth("auditor"))

    async def test_all_reaches_the_whole_family(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        who = tokens(auth, family)
        voice = await record(client, auth, family, houses(family, consent("all")))
        for reader in ("mum", "dad", "child", "sibling"):
            assert await sees(client, family, voice, who[reader]), reader

    async def test_those_named_must_be_people_recorded(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        stranger = "0b0c0d0e-0000-4000-8000-0000000000ff"
        refused = await record(client, auth, family, houses(family, consent("some", stranger)), status=422)
        assert refused["errors"][0]["pointer"] == "/tool/child_consent_to_share/with_whom/0"

    async def test_professionals_only_stays_from_the_family_whatever_the_consent(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        withheld = {"visibility": "professionals_only", "withheld_reason": "Ada asked us to wait."}
        voice = await record(client, auth, family, houses(family, consent("all"), **withheld))
        assert not await sees(client, family, voice, tokens(auth, family)["child"])


class TestOverride:
    async def test_a_manager_lets_dad_in_with_a_reason_kept_on_the_record(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        who = tokens(auth, family)
        voice = await record(client, auth, family, houses(family, consent("some", family.mum)))
        body = {"with_whom": [family.dad], "reason": "Sam must know what Ada said to keep to the plan."}
        made = await act(client, voice, "consent-override", body, who["manager"])
        assert made.status_code == 200, made.text
        [override] = made.json()["consent_overrides"]
        assert (override["with_whom"], override["reason"], override["by"]) == (
            [family.dad],
            body["reason"],
            "manager-1",
        )
        assert made.json()["tool"] == voice["tool"]
        assert await sees(client, family, voice, who["dad"])
        assert not await sees(client, family, voice, who["sibling"])

    @pytest.mark.parametrize("caller", ["worker", "mum", "child"])
    async def test_only_a_manager_overrides(
        self, client: AsyncTestClient[Any], auth: TokenFactory, caller: str
    ) -> None:
        family = await make_family(client, auth)
        who = tokens(auth, family)
        voice = await record(client, auth, family, houses(family, consent("some", family.mum)))
        body = {"with_whom": [family.dad], "reason": "Sam needs to know."}
        refused = await act(client, voice, "consent-override", body, who[caller])
        assert refused.status_code == 403, refused.text
        assert not await sees(client, family, voice, who["dad"])

    async def test_the_reason_is_required(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        voice = await record(client, auth, family, houses(family, consent("none")))
        refused = await act(
            client, voice, "consent-override", {"with_whom": [family.dad]}, tokens(auth, family)["manager"]
        )
        assert refused.status_code == 422, refused.text


class TestChangeConsent:
    async def test_the_child_changes_their_own(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        who = tokens(auth, family)
        voice = await record(client, auth, family, houses(family, consent("none")))
        changed = await act(client, voice, "consent", consent("some", family.dad), who["child"])
        assert changed.status_code == 200, changed.text
        assert changed.json()["tool"]["child_consent_to_share"] == consent("some", family.dad)
        assert changed.json()["meta"]["version"] == 2
        assert await sees(client, family, voice, who["dad"])
        assert not await sees(client, family, voice, who["mum"])

    async def test_the_worker_records_it(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        who = tokens(auth, family)
        voice = await record(client, auth, family, houses(family, consent("none")))
        changed = await act(client, voice, "consent", consent("all"), who["worker"])
        assert changed.status_code == 200, changed.text
        assert await sees(client, family, voice, who["mum"])

    async def test_another_child_may_not(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        who = tokens(auth, family)
        voice = await record(client, auth, family, houses(family, consent("all")))
        refused = await act(client, voice, "consent", consent("none"), who["sibling"])
        assert refused.status_code == 403, refused.text
        assert await sees(client, family, voice, who["mum"])

    async def test_a_parent_may_not(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        voice = await record(client, auth, family, houses(family, consent("all")))
        refused = await act(client, voice, "consent", consent("all"), tokens(auth, family)["mum"])
        assert refused.status_code == 403, refused.text


class TestTheChildsWords:
    async def test_never_replaced(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        voice = await record(client, auth, family, houses(family, consent("all")))
        body = houses(family, consent("all"), worries=[item("Nothing worries me")])
        put = await client.put(f"/v1/child-voice/{voice['id']}", json=body, headers=auth() | if_match(1))
        assert put.status_code == 405, put.text

    async def test_the_worker_adds_notes_beside_them(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        voice = await record(client, auth, family, houses(family, consent("all")))
        added = await act(client, voice, "notes", {"note": "Ada drew the puppy first."}, auth())
        assert added.status_code == 200, added.text
        assert added.json()["worker_notes"] == ["Ada drew the puppy first."]
        assert added.json()["tool"] == voice["tool"]
        refused = await act(client, voice, "notes", {"note": "Not true."}, tokens(auth, family)["mum"])
        assert refused.status_code == 403

    async def test_stale_if_match_is_refused(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        voice = await record(client, auth, family, houses(family, consent("all")))
        url = f"/v1/child-voice/{voice['id']}/notes"
        assert (await client.post(url, json={"note": "One."}, headers=auth() | if_match(1))).status_code == 200
        assert (await client.post(url, json={"note": "Two."}, headers=auth() | if_match(1))).status_code == 412


class TestChecks:
    async def test_the_child_is_a_child_of_the_case(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        refused = await record(client, auth, family, houses(family, consent("all"), child_id=family.mum), 422)
        assert refused["errors"][0]["pointer"] == "/tool/child_id"

    async def test_the_worker_is_recorded(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        unknown = "0b0c0d0e-0000-4000-8000-0000000000ff"
        refused = await record(client, auth, family, houses(family, consent("all"), worker=unknown), 422)
        assert refused["errors"][0]["pointer"] == "/tool/worker"

    async def test_the_scale_is_the_childs_own(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        mums = await child_judgement(client, auth, family, 8, person=family.mum)
        refused = await record(client, auth, family, houses(family, consent("all"), child_scale_id=mums), 422)
        assert refused["errors"][0]["pointer"] == "/tool/child_scale_id"
        own = await child_judgement(client, auth, family, 8)
        await record(client, auth, family, houses(family, consent("all"), child_scale_id=own))

    async def test_the_scale_is_on_this_case(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family, other = await make_family(client, auth), await make_family(client, auth)
        elsewhere = await child_judgement(client, auth, other, 8)
        body = houses(family, consent("all"), child_scale_id=elsewhere)
        refused = await record(client, auth, family, body, 422)
        assert refused["errors"][0]["pointer"] == "/tool/child_scale_id"

    async def test_only_case_workers_record(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        body = houses(family, consent("all"))
        for role in ("parent_carer", "child", "auditor"):
            response = await client.post(f"/v1/cases/{family.case_id}/child-voice", json=body, headers=auth(role))
            assert response.status_code == 403, role


class TestFeelsUnsafe:
    async def assert_one_alert(
        self,
        client: AsyncTestClient[Any],
        auth: TokenFactory,
        family: Family,
        voice: dict[str, Any],
        says: str,
        owner_database_url: str,
    ) -> dict[str, Any]:
        """Exactly one alert, for the worker and never the parents, written in the voice record's transaction."""
        who = tokens(auth, family)
        [alert] = await alerts(client, family, who["worker"])
        assert alert["source"] == {"kind": "child_voice", "id": voice["id"]}
        assert (alert["child_id"], alert["reason"], alert["status"]) == (family.child, "child_feels_unsafe", "open")
        assert says in alert["detail"]
        for parent in ("mum", "dad", "child"):
            assert (await client.get(f"/v1/alerts/{alert['id']}", headers=who[parent])).status_code == 403
            assert (await client.get(f"/v1/cases/{family.case_id}/alerts", headers=who[parent])).status_code == 403
        rows = await run_sql(
            owner_database_url,
            "SELECT r.kind, r.xmin::text AS tx, o.op FROM records r JOIN outbox o ON o.record_id = r.id "
            "WHERE r.id IN (CAST(:voice AS uuid), CAST(:alert AS uuid)) ORDER BY r.kind",
            voice=voice["id"],
            alert=alert["id"],
        )
        assert [(r.kind, r.op) for r in rows] == [("alert", "create"), ("child_voice", "create")]
        assert rows[0].tx == rows[1].tx, "the alert and the voice record are one transaction"
        return alert

    async def test_a_worry_marked_unsafe(
        self, client: AsyncTestClient[Any], auth: TokenFactory, owner_database_url: str
    ) -> None:
        family = await make_family(client, auth)
        worries = [item("Dad shouts"), item("I hide under the bed", 1, makes_me_unsafe=True)]
        voice = await record(client, auth, family, houses(family, consent("none"), worries=worries))
        await self.assert_one_alert(client, auth, family, voice, '"I hide under the bed"', owner_database_url)

    async def test_the_childs_scale_at_the_threshold(
        self, client: AsyncTestClient[Any], auth: TokenFactory, owner_database_url: str
    ) -> None:
        family = await make_family(client, auth)
        scale = await child_judgement(client, auth, family, 3)
        voice = await record(client, auth, family, houses(family, consent("all"), child_scale_id=scale))
        await self.assert_one_alert(client, auth, family, voice, "safety scale is 3 of 10", owner_database_url)

    async def test_the_childs_scale_above_the_threshold(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        scale = await child_judgement(client, auth, family, 4)
        await record(client, auth, family, houses(family, consent("all"), child_scale_id=scale))
        assert await alerts(client, family, auth()) == []

    async def test_a_scale_where_ten_is_worst_is_read_the_right_way_up(
        self, client: AsyncTestClient[Any], auth: TokenFactory, owner_database_url: str
    ) -> None:
        family = await make_family(client, auth)
        scale = await child_judgement(client, auth, family, 8, polarity="ten_is_worst")
        voice = await record(client, auth, family, houses(family, consent("all"), child_scale_id=scale))
        await self.assert_one_alert(client, auth, family, voice, "safety scale is 2 of 10", owner_database_url)

    async def test_the_safety_path_at_or_below_the_threshold(
        self, client: AsyncTestClient[Any], auth: TokenFactory, owner_database_url: str
    ) -> None:
        family = await make_family(client, auth)
        voice = await record(client, auth, family, safety_house(family, 2))
        await self.assert_one_alert(client, auth, family, voice, "at 2 of 10 on the safety path", owner_database_url)

    async def test_the_safety_path_above_the_threshold(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        await record(client, auth, family, safety_house(family, 8))
        assert await alerts(client, family, auth()) == []

    async def test_a_happy_record_raises_none(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        scale = await child_judgement(client, auth, family, 9)
        await record(client, auth, family, houses(family, consent("all"), child_scale_id=scale))
        assert await alerts(client, family, auth()) == []

    async def test_two_reasons_raise_one_alert(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        scale = await child_judgement(client, auth, family, 1)
        worries = [item("I hide under the bed", makes_me_unsafe=True)]
        await record(client, auth, family, houses(family, consent("all"), worries=worries, child_scale_id=scale))
        [alert] = await alerts(client, family, auth())
        assert "under the bed" in alert["detail"]
        assert "scale is 1" in alert["detail"]

    async def test_a_refused_record_raises_none(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        mums = await child_judgement(client, auth, family, 1, person=family.mum)
        worries = [item("I hide under the bed", makes_me_unsafe=True)]
        await record(client, auth, family, houses(family, consent("all"), worries=worries, child_scale_id=mums), 422)
        assert await alerts(client, family, auth()) == []

    async def test_the_threshold_is_the_councils_setting(
        self, settings: Settings, database_url: str, auth: TokenFactory
    ) -> None:
        higher = msgspec.structs.replace(settings, unsafe_scale_at_or_below=5)
        async with AsyncTestClient(create_app(higher, database_url=database_url)) as client:
            family = await make_family(client, auth)
            await record(client, auth, family, safety_house(family, 5))
            [alert] = await alerts(client, family, auth())
            assert "alert at 5 or below" in alert["detail"]

    async def test_the_alert_names_the_allocation(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        await record(client, auth, family, safety_house(family, 0))
        [alert] = await alerts(client, family, auth("auditor"))
        # An unallocated case: nobody yet, so the triage pool picks it up.
        assert alert["raised_for"] == {"allocated_worker": None, "team": None}


class TestAcknowledge:
    async def test_once_by_a_worker(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        await record(client, auth, family, safety_house(family, 1))
        [alert] = await alerts(client, family, auth())
        url = f"/v1/alerts/{alert['id']}/acknowledge"
        body = {"note": "Visited Ada at school the same afternoon."}
        refused = await client.post(url, json=body, headers=tokens(auth, family)["mum"] | if_match(1))
        assert refused.status_code == 403
        refused = await client.post(url, json=body, headers=auth("auditor") | if_match(1))
        assert refused.status_code == 403
        done = await client.post(url, json=body, headers=auth(sub="priya") | if_match(1))
        assert done.status_code == 200, done.text
        assert (done.json()["status"], done.json()["acknowledged_by"], done.json()["note"]) == (
            "acknowledged",
            "priya",
            body["note"],
        )
        again = await client.post(url, json={}, headers=auth() | if_match(2))
        assert again.status_code == 409, again.text

    async def test_no_one_creates_an_alert(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        made = await client.post(f"/v1/cases/{family.case_id}/alerts", json={}, headers=auth())
        assert made.status_code == 405


async def test_a_person_named_in_the_house_must_be_recorded(client: AsyncTestClient[Any], auth: TokenFactory) -> None:
    family = await make_family(client, auth)
    nan = await make_person(client, auth, "Nan")
    body = safety_house(family, 7)
    body["tool"]["visitors"] = [{"person_id": nan}, {"person_id": "0b0c0d0e-0000-4000-8000-0000000000ff"}]
    refused = await record(client, auth, family, body, 422)
    assert [e["pointer"] for e in refused["errors"]] == ["/tool/visitors/1/person_id"]
