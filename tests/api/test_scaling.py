"""Scaling: a danger's one safety scale (BR-03), judgements 0-10 (BR-01), one per person per occasion with
corrections (BR-02), and the danger's series over time."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import create_async_engine

from sos_api.db import locks
from sos_api.db.embedded import async_url
from sos_api.scaling.service import JUDGEMENT_KIND
from sos_api.settings import Settings
from tests.api.conftest import COUNCIL_B, TokenFactory, served_in_this_loop
from tests.api.test_dangers import MISSING, Family, make_danger, make_family, make_question, question_body, said_by

OCCASION = "0b0c0d0e-0000-4000-8000-00000000c001"


async def run_sql(owner_database_url: str, sql: str, **params: Any) -> list[Any]:
    """Run one statement on the test's database directly (to look at, or disturb, what the API stored)."""
    engine = create_async_engine(async_url(owner_database_url))
    try:
        async with engine.begin() as conn:
            result = await conn.execute(sa.text(sql), params)
            return list(result.all()) if result.returns_rows else []
    finally:
        await engine.dispose()


def judgement(person: str, value: Any, role: str = "parent_carer", **changes: Any) -> dict[str, Any]:
    return {"value": value, "perspective": said_by(person, role), "reason": f"Because {value}."} | changes


async def judge(
    client: AsyncTestClient[Any], auth: TokenFactory, question_id: str, body: dict[str, Any], status: int = 201
) -> dict[str, Any]:
    response = await client.post(f"/v1/scaling-questions/{question_id}/judgements", json=body, headers=auth())
    assert response.status_code == status, response.text
    return dict(response.json())


async def scaled(client: AsyncTestClient[Any], auth: TokenFactory) -> tuple[Family, dict[str, Any], dict[str, Any]]:
    family = await make_family(client, auth)
    danger = await make_danger(client, auth, family)
    return family, danger, await make_question(client, auth, danger["id"])


class TestCreateDangerScalingQuestion:
    async def test_creates_the_scale_and_links_the_goal(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        danger = await make_danger(client, auth, family)
        response = await client.post(
            f"/v1/danger-statements/{danger['id']}/scaling-question",
            json=question_body(kind="wellbeing", escalation_threshold=2),
            headers=auth(),
        )
        assert response.status_code == 201, response.text
        question = response.json()
        assert response.headers["location"] == f"/v1/scaling-questions/{question['id']}"
        assert response.headers["etag"] == 'W/"1"'
        assert question["subject"] == {"type": "danger_goal", "id": danger["id"]}
        assert (question["kind"], question["polarity"], question["escalation_threshold"]) == (
            "wellbeing",
            "ten_is_best",
            2,
        )
        assert question["meta"]["case_id"] == family.case_id
        linked = await client.get(f"/v1/danger-statements/{danger['id']}", headers=auth())
        assert linked.headers["etag"] == 'W/"2"'
        assert linked.json()["safety_goal"]["scale_question_id"] == question["id"]
        assert linked.json()["safety_goal"]["id"] == danger["safety_goal"]["id"]

    async def test_one_scale_per_danger(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        _, danger, question = await scaled(client, auth)
        again = await client.post(
            f"/v1/danger-statements/{danger['id']}/scaling-question", json=question_body(), headers=auth()
        )
        assert again.status_code == 409
        assert again.json()["type"].endswith("/duplicate")
        assert question["id"] in again.json()["detail"]

    async def test_racing_creators_get_one_scale(
        self, settings: Settings, database_url: str, auth: TokenFactory
    ) -> None:
        async with served_in_this_loop(settings, database_url) as client:
            family = await make_family(client, auth)
            danger = await make_danger(client, auth, family)
            url = f"/v1/danger-statements/{danger['id']}/scaling-question"
            racing = await asyncio.gather(*(client.post(url, json=question_body(), headers=auth()) for _ in range(3)))
            assert sorted(r.status_code for r in racing) == [201, 409, 409]
            winner = next(r.json() for r in racing if r.status_code == 201)
            linked = await client.get(f"/v1/danger-statements/{danger['id']}", headers=auth())
            assert linked.json()["safety_goal"]["scale_question_id"] == winner["id"]

    async def test_the_unique_index_guards_what_the_document_misses(
        self, client: AsyncTestClient[Any], auth: TokenFactory, owner_database_url: str
    ) -> None:
        family = await make_family(client, auth)
        danger = await make_danger(client, auth, family)
        # A question row for this danger that the danger's document does not point at (a lost race).
        await run_sql(
            owner_database_url,
            "INSERT INTO records (id, la_code, kind, case_id, parent_id, version, doc, created_at, updated_at) "
            "VALUES (gen_random_uuid(), '845', 'scaling_question', CAST(:case AS uuid), CAST(:danger AS uuid), 1, "
            "CAST(:doc AS jsonb), now(), now())",
            case=family.case_id,
            danger=danger["id"],
            doc=json.dumps({"subject": {"type": "danger_goal", "id": danger["id"]}}),
        )
        response = await client.post(
            f"/v1/danger-statements/{danger['id']}/scaling-question", json=question_body(), headers=auth()
        )
        assert response.status_code == 409
        assert (response.json()["type"].rsplit("/", 1)[1], response.json()["rule"]) == ("duplicate", "BR-03")
        unchanged = await client.get(f"/v1/danger-statements/{danger['id']}", headers=auth())
        assert unchanged.headers["etag"] == 'W/"1"'

    async def test_br03_scale_must_be_safety_or_wellbeing(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        danger = await make_danger(client, auth, family)
        response = await client.post(
            f"/v1/danger-statements/{danger['id']}/scaling-question",
            json=question_body(kind="willingness"),
            headers=auth(),
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "BR-03"
        assert response.json()["errors"][0]["pointer"] == "/kind"
        unlinked = await client.get(f"/v1/danger-statements/{danger['id']}", headers=auth())
        assert unlinked.json()["safety_goal"]["scale_question_id"] is None

    async def test_unknown_danger_is_not_found(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        response = await client.post(
            f"/v1/danger-statements/{MISSING}/scaling-question", json=question_body(), headers=auth()
        )
        assert response.status_code == 404


class TestGetScalingQuestion:
    async def test_reads_back(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        _, _, question = await scaled(client, auth)
        response = await client.get(f"/v1/scaling-questions/{question['id']}", headers=auth("auditor"))
        assert response.status_code == 200
        assert response.json() == question
        assert response.headers["etag"] == 'W/"1"'
        assert (await client.get(f"/v1/scaling-questions/{MISSING}", headers=auth())).status_code == 404


class TestRecordJudgement:
    async def test_records_a_judgement(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family, _, question = await scaled(client, auth)
        before = dt.datetime.now(dt.UTC)
        body = judgement(family.mum, 4, method="spoken", one_point_higher="Sam goes to the course.")
        made = await judge(client, auth, question["id"], body)
        assert made["question_id"] == question["id"]
        assert made["value"] == 4
        assert made["perspective"]["perspective_person_id"] == family.mum
        assert made["one_point_higher"] == "Sam goes to the course."
        assert dt.datetime.fromisoformat(made["recorded_at"]) >= before
        assert made["meta"]["case_id"] == family.case_id
        assert made["corrects"] is None

    async def test_value_must_be_a_whole_number_from_0_to_10(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family, _, question = await scaled(client, auth)
        for bad in (11, -1, 5.5, "7"):
            response = await client.post(
                f"/v1/scaling-questions/{question['id']}/judgements", json=judgement(family.mum, bad), headers=auth()
            )
            assert response.status_code == 422, bad
            assert response.headers["content-type"].startswith("application/problem+json")
            assert [e["pointer"] for e in response.json()["errors"]] == ["/value"], bad
        listed = await client.get(f"/v1/scaling-questions/{question['id']}/judgements", headers=auth())
        assert listed.json()["items"] == []

    async def test_br02_one_judgement_per_person_per_day_unless_corrected(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family, _, question = await scaled(client, auth)
        first = await judge(client, auth, question["id"], judgement(family.mum, 4))
        duplicate = await client.post(
            f"/v1/scaling-questions/{question['id']}/judgements", json=judgement(family.mum, 5), headers=auth()
        )
        assert duplicate.status_code == 409
        assert duplicate.json()["rule"] == "BR-02"
        assert first["id"] in duplicate.json()["detail"]
        correction = await judge(client, auth, question["id"], judgement(family.mum, 5, corrects=first["id"]))
        assert correction["corrects"] == first["id"]
        # The standing judgement is now the correction: correcting the old one again is a duplicate.
        await judge(client, auth, question["id"], judgement(family.mum, 6, corrects=first["id"]), status=409)
        await judge(client, auth, question["id"], judgement(family.mum, 6, corrects=correction["id"]))
        # Others, other days and other occasions are separate.
        await judge(client, auth, question["id"], judgement(family.dad, 3))
        await judge(client, auth, question["id"], judgement(family.mum, 2, given_on="2026-10-01"))
        await judge(client, auth, question["id"], judgement(family.mum, 2, occasion_id=OCCASION))
        await judge(client, auth, question["id"], judgement(family.mum, 3, occasion_id=OCCASION), status=409)
        listed = await client.get(f"/v1/scaling-questions/{question['id']}/judgements", headers=auth())
        assert len(listed.json()["items"]) == 6

    async def test_br02_shared_judgements_are_keyed_by_who_agreed(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family, _, question = await scaled(client, auth)

        def shared(value: int, agreed: list[str]) -> dict[str, Any]:
            perspective = {"perspective_role": "shared", "own_words": False, "agreed_by": agreed}
            return {"value": value, "perspective": perspective}

        await judge(client, auth, question["id"], shared(5, [family.mum, family.dad]))
        await judge(client, auth, question["id"], shared(6, [family.dad, family.mum]), status=409)
        await judge(client, auth, question["id"], shared(6, [family.dad, family.mum, family.worker]))

    async def test_br02_holds_when_one_person_races(
        self, settings: Settings, database_url: str, auth: TokenFactory
    ) -> None:
        async with served_in_this_loop(settings, database_url) as client:
            family, _, question = await scaled(client, auth)
            url = f"/v1/scaling-questions/{question['id']}/judgements"
            # First the father's, on eight days at once: all stand, and the pool and caches are warm, so that the
            # mother's eight below reach BR-02's check together (a cold first request finishes alone).
            days = [judgement(family.dad, day, given_on=f"2026-10-{day:02d}") for day in range(1, 9)]
            his = await asyncio.gather(*(client.post(url, json=body, headers=auth()) for body in days))
            assert [r.status_code for r in his] == [201] * len(days)
            bodies = [judgement(family.mum, value) for value in range(8)]
            racing = await asyncio.gather(*(client.post(url, json=body, headers=auth()) for body in bodies))
        assert sorted(r.status_code for r in racing) == [201] + [409] * (len(bodies) - 1)

    async def test_only_the_same_persons_judgements_take_turns(
        self, settings: Settings, database_url: str, auth: TokenFactory, owner_database_url: str
    ) -> None:
        """While the mother's turn is held elsewhere, her judgement waits for it; the father's does not wait."""
        engine = create_async_engine(async_url(owner_database_url))
        async with served_in_this_loop(settings, database_url) as client:
            family, _, question = await scaled(client, auth)
            url = f"/v1/scaling-questions/{question['id']}/judgements"
            try:
                async with engine.begin() as conn:
                    await locks.hold(conn, "create", JUDGEMENT_KIND, question["id"], "person", family.mum)
                    hers = asyncio.ensure_future(client.post(url, json=judgement(family.mum, 4), headers=auth()))
                    his = await asyncio.wait_for(client.post(url, json=judgement(family.dad, 6), headers=auth()), 20)
                    assert his.status_code == 201, his.text
                    await asyncio.sleep(0.5)
                    assert not hers.done(), "the mother's judgement did not wait for her turn"
                assert (await asyncio.wait_for(hers, 20)).status_code == 201
            finally:
                await engine.dispose()

    async def test_correction_must_name_a_judgement_of_this_question(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family, _, question = await scaled(client, auth)
        other_danger = await make_danger(client, auth, family)
        other = await make_question(client, auth, other_danger["id"])
        elsewhere = await judge(client, auth, other["id"], judgement(family.mum, 4))
        for corrects in (elsewhere["id"], MISSING):
            response = await client.post(
                f"/v1/scaling-questions/{question['id']}/judgements",
                json=judgement(family.mum, 4, corrects=corrects),
                headers=auth(),
            )
            assert response.status_code == 422
            assert response.json()["errors"][0]["pointer"] == "/corrects"

    async def test_given_on_cannot_be_in_the_future(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family, _, question = await scaled(client, auth)
        tomorrow = dt.datetime.now(ZoneInfo("Europe/London")).date() + dt.timedelta(days=1)
        response = await client.post(
            f"/v1/scaling-questions/{question['id']}/judgements",
            json=judgement(family.mum, 4, given_on=tomorrow.isoformat()),
            headers=auth(),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/given_on"

    async def test_unknown_question_and_roles(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family, _, question = await scaled(client, auth)
        missing = await client.post(
            f"/v1/scaling-questions/{MISSING}/judgements", json=judgement(family.mum, 4), headers=auth()
        )
        assert missing.status_code == 404
        uninvolved = auth("conference_chair", person_id=family.worker)
        url = f"/v1/scaling-questions/{question['id']}/judgements"
        chair_view = judgement(family.worker, 3, "conference_chair")
        assert (await client.post(url, json=chair_view, headers=uninvolved)).status_code == 404
        chairing = {"kind": "conference_chair", "person_id": family.worker, "reason": "statutory_role"}
        involved = await client.post(
            f"/v1/cases/{family.case_id}/involvements", json={**chairing, "start_date": "2026-10-02"}, headers=auth()
        )
        assert involved.status_code == 201, involved.text
        chair = await client.post(url, json=chair_view, headers=auth("conference_chair", person_id=family.worker))
        assert chair.status_code == 201
        auditor = await client.post(
            f"/v1/scaling-questions/{question['id']}/judgements", json=judgement(family.mum, 4), headers=auth("auditor")
        )
        assert auditor.status_code == 403


class TestListJudgements:
    async def test_oldest_first_with_pages(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family, _, question = await scaled(client, auth)
        made = [
            await judge(client, auth, question["id"], judgement(person, value))
            for person, value in ((family.mum, 4), (family.dad, 6), (family.worker, 3))
        ]
        url = f"/v1/scaling-questions/{question['id']}/judgements"
        listed = await client.get(url, headers=auth())
        assert listed.json() == {"items": made, "next_cursor": None}
        page = await client.get(url, params={"limit": 2}, headers=auth())
        rest = await client.get(url, params={"limit": 2, "cursor": page.json()["next_cursor"]}, headers=auth())
        assert [j["id"] for j in page.json()["items"] + rest.json()["items"]] == [j["id"] for j in made]

    async def test_unknown_question_is_not_found(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        response = await client.get(f"/v1/scaling-questions/{MISSING}/judgements", headers=auth())
        assert response.status_code == 404


class TestDangerScalingSeries:
    async def test_one_series_over_three_dates_and_several_perspectives(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family, danger, question = await scaled(client, auth)
        qid = question["id"]
        today = dt.datetime.now(ZoneInfo("Europe/London")).date()
        # Recorded out of order: the series is ordered by the day each number was given.
        late = await judge(client, auth, qid, judgement(family.mum, 6))
        early_mum = await judge(client, auth, qid, judgement(family.mum, 2, given_on="2026-01-10"))
        early_worker = await judge(
            client, auth, qid, judgement(family.worker, 1, "social_worker", given_on="2026-01-10")
        )
        middle_child = await judge(client, auth, qid, judgement(family.child, 3, "child", given_on="2026-03-02"))
        shared_body = {
            "value": 4,
            "perspective": {"perspective_role": "shared", "own_words": False, "agreed_by": [family.mum, family.dad]},
            "given_on": "2026-03-02",
        }
        middle_shared = await judge(client, auth, qid, shared_body)
        fixed = await judge(
            client, auth, qid, judgement(family.child, 5, "child", given_on="2026-03-02", corrects=middle_child["id"])
        )
        response = await client.get(f"/v1/danger-statements/{danger['id']}/scaling-series", headers=auth("auditor"))
        assert response.status_code == 200, response.text
        series = response.json()
        assert {k: v for k, v in series.items() if k != "points"} == {
            "danger_id": danger["id"],
            "question_id": qid,
            "kind": "safety",
            "question_text": question["question_text"],
            "anchor_10": question["anchor_10"],
            "anchor_0": question["anchor_0"],
            "polarity": "ten_is_best",
            "escalation_threshold": None,
        }
        points = series["points"]
        assert [(p["date"], p["judgement_id"]) for p in points] == [
            ("2026-01-10", early_mum["id"]),
            ("2026-01-10", early_worker["id"]),
            ("2026-03-02", middle_child["id"]),
            ("2026-03-02", middle_shared["id"]),
            ("2026-03-02", fixed["id"]),
            (today.isoformat(), late["id"]),
        ]
        assert [p["value"] for p in points] == [2, 1, 3, 4, 5, 6]
        assert [p["perspective_role"] for p in points] == [
            "parent_carer",
            "social_worker",
            "child",
            "shared",
            "child",
            "parent_carer",
        ]
        assert [p["corrected"] for p in points] == [False, False, True, False, False, False]
        assert points[4]["corrects"] == middle_child["id"]
        assert points[3]["person_id"] is None
        assert points[3]["agreed_by"] == [family.mum, family.dad]
        assert points[0] == {
            "date": "2026-01-10",
            "recorded_at": early_mum["recorded_at"],
            "value": 2,
            "perspective_role": "parent_carer",
            "person_id": family.mum,
            "agreed_by": [],
            "reason": "Because 2.",
            "judgement_id": early_mum["id"],
            "question_id": qid,
            "corrects": None,
            "corrected": False,
        }

    async def test_a_danger_without_a_scale_has_an_empty_series(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        danger = await make_danger(client, auth, family)
        response = await client.get(f"/v1/danger-statements/{danger['id']}/scaling-series", headers=auth())
        assert response.status_code == 200
        assert response.json()["question_id"] is None
        assert response.json()["points"] == []

    async def test_the_read_is_audited(
        self, client: AsyncTestClient[Any], auth: TokenFactory, owner_database_url: str
    ) -> None:
        family, danger, question = await scaled(client, auth)
        await judge(client, auth, question["id"], judgement(family.mum, 4))
        response = await client.get(f"/v1/danger-statements/{danger['id']}/scaling-series", headers=auth("auditor"))
        assert response.status_code == 200
        rows = await run_sql(
            owner_database_url,
            "SELECT action, object_type, case_id, child_ids, role FROM access_events "
            "WHERE object_id = CAST(:id AS uuid) AND action = 'read'",
            id=danger["id"],
        )
        assert [(r.action, r.object_type, str(r.case_id), [str(c) for c in r.child_ids], r.role) for r in rows] == [
            ("read", "danger_statement", family.case_id, [family.child], "auditor")
        ]

    async def test_unknown_danger_is_not_found(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        response = await client.get(f"/v1/danger-statements/{MISSING}/scaling-series", headers=auth())
        assert response.status_code == 404


class TestOtherCouncil:
    async def test_every_scaling_read_and_write_is_not_found(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family, danger, question = await scaled(client, auth)
        await judge(client, auth, question["id"], judgement(family.mum, 4))
        stranger = auth(org=COUNCIL_B)
        for url in (
            f"/v1/scaling-questions/{question['id']}",
            f"/v1/scaling-questions/{question['id']}/judgements",
            f"/v1/danger-statements/{danger['id']}/scaling-series",
        ):
            response = await client.get(url, headers=stranger)
            assert response.status_code == 404, url
        write = await client.post(
            f"/v1/scaling-questions/{question['id']}/judgements", json=judgement(family.mum, 5), headers=stranger
        )
        assert write.status_code == 404
        other = await make_danger(client, auth, family)
        create = await client.post(
            f"/v1/danger-statements/{other['id']}/scaling-question", json=question_body(), headers=stranger
        )
        assert create.status_code == 404
