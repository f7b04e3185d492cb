"""`sos-api synth`: synthetic families copied from the templates the API wrote are read back through the API like
any other: visible to their own team in their own council only, with their history and their scaling series; the
kinds come in the seed's shares, and every family's rows hang together (versions, outbox, case access)."""

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
from sos_api.synth import TABLES, Placement, SynthResult, choose_kinds, synthesise
from sos_api.synth.families import KINDS
from tests.api.conftest import TokenFactory
from tests.conftest import Databases

CASES = 40
SEED = 5


def fetch(url: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(url)
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    return asyncio.run(run())


@pytest.fixture(scope="module")
def synthesised(databases: Databases, settings: Settings) -> tuple[str, str, SynthResult]:
    app_url = databases.fresh()
    owner_url = databases.owner_url(app_url)
    result = synthesise(settings, owner_url, app_url, cases=CASES, seed=SEED, batch=7, jobs=1)
    assert result.cases == CASES
    return app_url, owner_url, result


@pytest.fixture(scope="module")
def loaded(synthesised: tuple[str, str, SynthResult]) -> tuple[str, str, str]:
    app_url, owner_url, result = synthesised
    return app_url, owner_url, result.template_case_id


def drinking_danger(owner_url: str, case_id: Any) -> Any:
    [danger] = fetch(
        owner_url,
        "SELECT id FROM records WHERE kind = 'danger_statement' AND case_id = $1 AND doc::text LIKE '%drink%'",
        case_id,
    )
    return danger["id"]


# Each kind told apart by what only it has: a closed case; a looked-after episode; an agreed safety plan.
KIND_OF_CASE = """
SELECT CASE WHEN c.doc->>'status' = 'closed' THEN 'referral_closed'
            WHEN EXISTS (SELECT 1 FROM records e WHERE e.case_id = c.id AND e.kind = 'child_episode'
                         AND e.doc->>'level' = 'looked_after') THEN 'looked_after'
            WHEN EXISTS (SELECT 1 FROM records s WHERE s.case_id = c.id AND s.kind = 'safety_plan')
                 THEN 'child_protection'
            ELSE 'child_in_need' END AS kind, count(*) AS n
FROM records c WHERE c.kind = 'case' GROUP BY 1
"""


def test_the_kinds_come_in_their_shares(synthesised: tuple[str, str, SynthResult]) -> None:
    _, owner_url, result = synthesised
    drawn = Counter(KINDS[k].name for k in choose_kinds(CASES, SEED))
    assert result.kinds == dict(drawn)
    assert {r["kind"]: r["n"] for r in fetch(owner_url, KIND_OF_CASE)} == {k: n for k, n in drawn.items() if n}
    # One of each kind at least (the templates), and over many cases the published shares (families.py).
    assert all(n >= 1 for n in drawn.values())
    many = Counter(choose_kinds(100_000, SEED))
    for n, kind in enumerate(KINDS):
        assert abs(many[n] / 100_000 - kind.share) < 0.01, kind.name
    assert choose_kinds(1000, SEED) == choose_kinds(1000, SEED)
    assert choose_kinds(1000, SEED) != choose_kinds(1000, SEED + 1)


def test_every_family_hangs_together(loaded: tuple[str, str, str]) -> None:
    _, owner_url, _ = loaded
    checks = {
        # Every record's versions are all there, and every version is in the outbox.
        "versions": "SELECT count(*) FROM records r WHERE r.version <> "
        "(SELECT count(*) FROM record_versions v WHERE v.record_id = r.id)",
        "outbox": "SELECT count(*) FROM record_versions v WHERE NOT EXISTS "
        "(SELECT 1 FROM outbox o WHERE o.record_id = v.record_id AND o.version = v.version)",
        "outbox orphans": "SELECT count(*) FROM outbox o WHERE NOT EXISTS "
        "(SELECT 1 FROM record_versions v WHERE v.record_id = o.record_id AND v.version = o.version)",
        # A family's records are in its case's council; its case access names its own people.
        "councils": "SELECT count(*) FROM records r JOIN records c ON c.id = r.case_id AND c.kind = 'case' "
        "WHERE c.la_code <> r.la_code",
        "no access": "SELECT count(*) FROM records c WHERE c.kind = 'case' AND NOT EXISTS "
        "(SELECT 1 FROM case_access a WHERE a.case_id = c.id)",
        "access to strangers": "SELECT count(*) FROM case_access a WHERE a.grant LIKE 'member:%' AND NOT EXISTS "
        "(SELECT 1 FROM records p WHERE p.kind = 'person' AND p.la_code = a.la_code "
        "AND 'member:' || p.id = a.grant)",
        "events elsewhere": "SELECT count(*) FROM access_events e JOIN records c ON c.id = e.case_id "
        "WHERE c.la_code <> e.la_code",
    }
    broken = {name: fetch(owner_url, sql)[0][0] for name, sql in checks.items()}
    assert broken == dict.fromkeys(checks, 0)
    for table in TABLES:
        if table != "person_identifiers":
            assert fetch(owner_url, f"SELECT count(*) AS n FROM {table}")[0]["n"] > CASES, table
    # Every id is new: no record, version or event shared between families.
    assert fetch(owner_url, "SELECT count(DISTINCT id) = count(*) AS ok FROM access_events")[0]["ok"]
    # Copied families' ids are UUIDv7 (time-ordered, for the indexes' sake); the templates' are the API's own v4.
    versions = fetch(owner_url, "SELECT substr(id::text, 15, 1) AS v, count(*) AS n FROM records GROUP BY 1")
    assert {row["v"] for row in versions} == {"4", "7"}
    assert max(row["n"] for row in versions if row["v"] == "7") > CASES
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
    # A copied child protection family (the demo family's kind; not the one the API wrote), in the template's
    # council if any.
    [case] = fetch(
        owner_url,
        "SELECT id, la_code, doc->>'team' AS team, doc->>'family_label' AS label FROM records WHERE kind = 'case' "
        "AND id <> $1::uuid AND EXISTS (SELECT 1 FROM records s WHERE s.case_id = records.id "
        "AND s.kind = 'safety_plan') ORDER BY (la_code = '845') DESC, created_at LIMIT 1",
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


def test_a_larger_load_has_more_councils_and_teams_not_fuller_ones() -> None:
    small, large = Placement.for_cases(10_000), Placement.for_cases(1_000_000)
    assert small.councils == ("845", "846", "847")
    assert large.councils[:3] == small.councils
    assert len(set(large.councils)) == len(large.councils) == 50
    assert large.teams[: len(small.teams)] == small.teams  # the demo's team keeps its name at every size
    assert len(set(large.teams)) == len(large.teams)
    for placement, cases in ((small, 10_000), (large, 1_000_000)):
        per_team = cases / len(placement.councils) / len(placement.teams)
        assert 250 <= per_team <= 300
