"""`sos-api synth`: synthetic families copied from one the API wrote are read back through the API like any other:
visible to their own team in their own council only, with their history and their scaling series."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from typing import Any

import asyncpg
import pytest
from litestar.testing import TestClient

from sos_api.app import create_app
from sos_api.settings import Settings
from sos_api.synth import TABLES, synthesise
from tests.api.conftest import TokenFactory
from tests.conftest import Databases

CASES = 20


def fetch(url: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(url)
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    return asyncio.run(run())


@pytest.fixture(scope="module")
def loaded(databases: Databases, settings: Settings) -> tuple[str, str, str]:
    app_url = databases.fresh()
    owner_url = databases.owner_url(app_url)
    result = synthesise(settings, owner_url, app_url, cases=CASES, seed=5, batch=7, jobs=1)
    assert result.cases == CASES
    return app_url, owner_url, result.template_case_id


def drinking_danger(owner_url: str, case_id: Any) -> Any:
    [danger] = fetch(
        owner_url,
        "SELECT id FROM records WHERE kind = 'danger_statement' AND case_id = $1 AND doc::text LIKE '%drink%'",
        case_id,
    )
    return danger["id"]


def test_every_family_has_the_template_families_rows(loaded: tuple[str, str, str]) -> None:
    _, owner_url, _ = loaded
    for table in TABLES:
        rows = fetch(owner_url, f"SELECT count(*) AS n FROM {table}")
        assert rows[0]["n"] % CASES == 0, table
    kinds = Counter({r["kind"]: r["n"] for r in fetch(owner_url, "SELECT kind, count(*) AS n FROM records GROUP BY 1")})
    assert kinds["case"] == CASES
    assert all(n % CASES == 0 for n in kinds.values())
    # Every id is new: no record, version or event shared between families.
    assert fetch(owner_url, "SELECT count(DISTINCT id) = count(*) AS ok FROM access_events")[0]["ok"]
    # The seed spreads families over councils and teams.
    spread = fetch(
        owner_url,
        "SELECT count(DISTINCT la_code) AS c, count(DISTINCT doc->>'team') AS t FROM records WHERE kind = 'case'",
    )
    assert spread[0]["c"] > 1
    assert spread[0]["t"] > 1


def test_a_synthetic_family_reads_back_through_the_api(
    loaded: tuple[str, str, str], settings: Settings, auth: TokenFactory
) -> None:
    app_url, owner_url, template_case = loaded
    # A copied family (not the one the API wrote) in the template's council.
    [case] = fetch(
        owner_url,
        "SELECT id, la_code, doc->>'team' AS team, doc->>'family_label' AS label FROM records WHERE kind = 'case' "
        "AND id <> $1::uuid ORDER BY (la_code = '845') DESC, created_at LIMIT 1",
        template_case,
    )
    same_team = fetch(
        owner_url,
        "SELECT id FROM records WHERE kind = 'case' AND la_code = $1 AND doc->>'team' = $2",
        case["la_code"],
        case["team"],
    )
    danger, template_danger = drinking_danger(owner_url, case["id"]), drinking_danger(owner_url, template_case)
    org = f"la:{case['la_code']}"
    worker = auth("social_worker", org=org, teams=[case["team"]])
    other_team = auth("social_worker", org=org, sub="other-team", teams=["A team nobody is in"])
    other_council = auth("social_worker", org="la:999", sub="elsewhere", teams=[case["team"]])
    with TestClient(create_app(settings, database_url=app_url)) as client:
        read = client.get(f"/v1/cases/{case['id']}", headers=worker)
        assert read.status_code == 200, read.text
        assert read.json()["family_label"] == case["label"]
        assert read.json()["team"] == case["team"]

        listed = client.get("/v1/cases?limit=100", headers=worker)
        assert listed.status_code == 200, listed.text
        assert {i["id"] for i in listed.json()["items"]} == {str(r["id"]) for r in same_team}

        current = client.get(f"/v1/cases/{case['id']}/maps/current", headers=worker)
        assert current.status_code == 200, current.text
        assert current.json()["status"] == "current"
        versions = client.get(f"/v1/maps/{current.json()['id']}/versions", headers=worker)
        assert versions.status_code == 200, versions.text
        assert [v["meta"]["version"] for v in versions.json()["items"]] == [1, 2]

        history = client.get(f"/v1/danger-statements/{danger}/versions", headers=worker)
        assert history.status_code == 200, history.text
        assert len(history.json()["items"]) == 2
        series = client.get(f"/v1/danger-statements/{danger}/scaling-series", headers=worker)
        assert series.status_code == 200, series.text
        points = series.json()["points"]
        assert len(points) >= 3
        # The template family's series, moved back in time as a whole: same numbers, same gaps between dates.
        manager = auth("team_manager", sub="manager", teams=["Central assessment team"])
        template = client.get(f"/v1/danger-statements/{template_danger}/scaling-series", headers=manager)
        assert template.status_code == 200, template.text
        template_points = template.json()["points"]
        assert [p["value"] for p in points] == [p["value"] for p in template_points]
        shifts = {
            (dt.date.fromisoformat(t["date"]) - dt.date.fromisoformat(p["date"])).days
            for p, t in zip(points, template_points, strict=True)
        }
        assert len(shifts) == 1
        assert shifts.pop() >= 0

        assert client.get(f"/v1/cases/{case['id']}", headers=other_team).status_code == 404
        assert client.get(f"/v1/cases/{case['id']}", headers=other_council).status_code == 404
