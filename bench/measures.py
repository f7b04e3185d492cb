"""How long the scorecard takes: every measure, one council, 12 monthly periods, on N synthetic cases.

```sh
.venv/bin/python -m bench.measures --cases 10000              # fresh database, dropped at the end
.venv/bin/python -m bench.measures --cases 10000 --keep       # keep it (its name is printed)
.venv/bin/python -m bench.measures --cases 100000 --synth     # load with `sos-api synth` (the realistic mix)
.venv/bin/python -m bench.measures --database-url URL         # an already loaded database, as it is
```

The cases are written straight into `records` by SQL (generate_series), not through the API: building a million
cases through the API would take hours, and the measures read only the stored documents. Each case has one to
three children, a team (of 20) and a worker (of 200), 30% closed; a finalised map; two danger statements, 80%
with a scale; three perspectives judging each scale twice; a voice tool for half the cases; 1.5 referrals per
case (a fifth re-referrals); strategy discussions and initial conferences for a tenth; audits and survey
responses for a twentieth. A quarter of everything is in a second council, which the scorecard must skip.

With `--synth` the cases are `sos-api synth`'s mix instead (sos_api/synth/families.py: written through the API,
in DfE's national shares), spread over councils of about 20,000 cases each (three up to 60,000 cases, more
beyond: synth.Placement).

Timings are taken in process through the HTTP app (a team manager's token), best of `--rounds`, on whatever else
the machine is doing: read them as an order of magnitude, and as the ratio between sizes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
import uuid
from typing import Any

from litestar.testing import TestClient

from bench.run import admin_sql, url_for
from sos_api.app import create_app
from sos_api.auth.tokens import mint_token
from sos_api.db.migrate import upgrade
from sos_api.measures.catalogue import MEASURES
from sos_api.settings import Settings

LOAD = """
CREATE TEMP TABLE bench_cases AS
SELECT g, gen_random_uuid() AS case_id,
       CASE WHEN g % 4 = 0 THEN '846' ELSE '845' END AS la,
       'Team ' || (g % 20) AS team,
       ('00000000-0000-4000-8000-' || lpad((g % 200)::text, 12, '0'))::uuid AS worker,
       current_date - (g % 730) AS opened,
       CASE WHEN g % 10 < 3 THEN current_date - (g % 730) + 60 + (g % 200) END AS closed,
       ARRAY(SELECT gen_random_uuid() FROM generate_series(1, 1 + g % 3)) AS children
FROM generate_series(1, :n) AS g;

INSERT INTO records (id, la_code, kind, case_id, version, status, doc, created_at, updated_at, child_ids)
SELECT case_id, la, 'case', case_id, 1, CASE WHEN closed IS NULL THEN 'open' ELSE 'closed' END,
       jsonb_build_object('team', team, 'allocated_worker', worker, 'opened_on', opened, 'closed_on', closed,
                          'members', (SELECT jsonb_agg(jsonb_build_object('person_id', c, 'role', 'child'))
                                      FROM unnest(children) AS c)),
       now(), now(), children
FROM bench_cases;

INSERT INTO records (id, la_code, kind, case_id, version, status, doc, created_at, updated_at, child_ids)
SELECT gen_random_uuid(), la, 'assessment_map', case_id, 2, 'current',
       jsonb_build_object('children', to_jsonb(children), 'mapped_on', opened + (g % 300), 'framing', 'safety'),
       now(), now(), children
FROM bench_cases;

CREATE TEMP TABLE bench_dangers AS
SELECT b.*, d, gen_random_uuid() AS danger_id, gen_random_uuid() AS question_id
FROM bench_cases b, generate_series(1, 2) AS d;

INSERT INTO records (id, la_code, kind, case_id, version, status, doc, created_at, updated_at, child_ids)
SELECT danger_id, la, 'danger_statement', case_id, 1, 'active',
       jsonb_build_object('text', 'A worry.', 'safety_goal', jsonb_build_object('text', 'A goal.')),
       opened::timestamptz, opened::timestamptz, children
FROM bench_dangers;

INSERT INTO records (id, la_code, kind, case_id, parent_id, version, doc, created_at, updated_at, child_ids)
SELECT question_id, la, 'scaling_question', case_id, danger_id, 1,
       jsonb_build_object('subject', jsonb_build_object('type', 'danger_goal', 'id', danger_id),
                          'polarity', 'ten_is_best'),
       opened::timestamptz, opened::timestamptz, children
FROM bench_dangers WHERE (g + d) % 5 <> 0;

INSERT INTO records (id, la_code, kind, case_id, parent_id, version, doc, created_at, updated_at, child_ids)
SELECT gen_random_uuid(), la, 'scaling_judgement', case_id, question_id, 1,
       jsonb_build_object('value', (g + k * 3 + t) % 11, 'given_on', opened + (20 * t + k)::int,
                          'perspective', jsonb_build_object('perspective_role', p)),
       now(), now(), children
FROM bench_dangers, unnest(ARRAY['child', 'parent_carer', 'social_worker']) WITH ORDINALITY AS r(p, k),
     generate_series(0, 1) AS t
WHERE (g + d) % 5 <> 0;

INSERT INTO records (id, la_code, kind, case_id, version, doc, created_at, updated_at, child_ids)
SELECT gen_random_uuid(), la, 'child_voice', case_id, 1,
       jsonb_build_object('tool', jsonb_build_object('child_id', children[1], 'completed_on', opened + (g % 400))),
       now(), now(), children[1:1]
FROM bench_cases WHERE g % 2 = 0;

INSERT INTO records (id, la_code, kind, case_id, version, doc, created_at, updated_at, child_ids)
SELECT gen_random_uuid(), la, 'referral', case_id, 1,
       jsonb_build_object('received_at', (opened - r * 30)::timestamptz, 're_referral', (g + r) % 5 = 0),
       now(), now(), children
FROM bench_cases, generate_series(0, 1) AS r WHERE r = 0 OR g % 2 = 0;

CREATE TEMP TABLE bench_strategy AS
SELECT b.*, gen_random_uuid() AS strategy_id FROM bench_cases b WHERE g % 10 = 0;

INSERT INTO records (id, la_code, kind, case_id, version, doc, created_at, updated_at, child_ids)
SELECT strategy_id, la, 'strategy_discussion', case_id, 1, jsonb_build_object('held_at', opened::timestamptz),
       now(), now(), children
FROM bench_strategy;

INSERT INTO records (id, la_code, kind, case_id, version, doc, created_at, updated_at, child_ids)
SELECT gen_random_uuid(), la, 'conference', case_id, 1,
       jsonb_build_object('type', 'initial', 'strategy_discussion_id', strategy_id,
                          'held_at', (opened + 10 + g % 20)::timestamptz),
       now(), now(), children
FROM bench_strategy;

INSERT INTO records (id, la_code, kind, case_id, version, doc, created_at, updated_at, child_ids)
SELECT gen_random_uuid(), la, 'case_audit', case_id, 1,
       jsonb_build_object('held_on', opened + 30, 'grade', (ARRAY['outstanding', 'good', 'requires_improvement',
                                                                  'inadequate'])[1 + g % 4]),
       now(), now(), children
FROM bench_cases WHERE g % 20 = 0;

INSERT INTO records (id, la_code, kind, case_id, version, doc, created_at, updated_at, child_ids)
SELECT gen_random_uuid(), la, 'family_survey_response', case_id, 1,
       jsonb_build_object('submitted_on', opened + 40,
                          'answers', jsonb_build_array(jsonb_build_object('question_id', 'q1', 'score', g % 11))),
       now(), now(), '{}'
FROM bench_cases WHERE g % 20 = 1;
"""


def load(database_url: str, cases: int) -> float:
    import asyncio

    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from sos_api.db.embedded import async_url

    async def run() -> None:
        engine = create_async_engine(async_url(database_url))
        try:
            async with engine.begin() as conn:
                for statement in LOAD.split(";\n"):
                    if statement.strip():
                        await conn.execute(text(statement), {"n": cases} if ":n" in statement else {})
            async with engine.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                # measure_facts too: autovacuum never analyses a partitioned table's parent.
                await conn.exec_driver_sql("ANALYZE records, measure_facts")
        finally:
            await engine.dispose()

    started = time.perf_counter()
    asyncio.run(run())
    return time.perf_counter() - started


def time_scorecard(database_url: str, rounds: int, group_by: str) -> dict[str, float]:
    settings = Settings(database_url=database_url, local_issuer=True)
    token = mint_token(settings, roles=["team_manager"], organisation="la:845", subject="bench-manager")
    headers = {"Authorization": f"Bearer {token}"}
    to = dt.date.today()
    params: dict[str, Any] = {"to": to.isoformat(), "group_by": group_by}  # 12 months to this one
    best: dict[str, float] = {}
    with TestClient(create_app(settings, database_url=database_url)) as client:
        for _ in range(rounds):
            for m in MEASURES:
                if group_by == "perspective" and m.code != "scaling-towards-ten":
                    continue
                started = time.perf_counter()
                response = client.get(f"/v1/measures/{m.code}", params=params, headers=headers)
                took = time.perf_counter() - started
                if response.status_code != 200:
                    raise SystemExit(f"{m.code}: {response.status_code} {response.text}")
                best[m.code] = min(best.get(m.code, took), took)
    return best


def refresh_all(database_url: str, jobs: int = 1) -> int:
    import asyncio

    from sos_api.db.engine import Database
    from sos_api.measures.service import refresh

    async def run() -> int:
        db = Database(database_url, pool_size=jobs)
        try:
            return sum((await refresh(db, months=24, jobs=jobs)).values())
        finally:
            await db.dispose()

    return asyncio.run(run())


def report(database_url: str, rounds: int, how: str, groupings: tuple[str, ...] = ("council", "team")) -> None:
    for group_by in groupings:
        best = time_scorecard(database_url, rounds, group_by)
        print(f"{how}, group_by={group_by}: scorecard ({len(best)} measures x 12 months) {sum(best.values()):.2f} s")
        print("  " + ", ".join(f"{code} {took * 1000:.0f} ms" for code, took in best.items()))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--cases", type=int, default=10_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--server-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    p.add_argument("--keep", action="store_true", help="keep the database")
    p.add_argument("--synth", action="store_true", help="load with sos-api synth (the realistic mix) instead")
    p.add_argument(
        "--database-url", help="measure this loaded database (nothing loaded or dropped; its figures worked out again)"
    )
    p.add_argument("--jobs", type=int, default=1, help="councils refreshed at once (measures-refresh --jobs)")
    args = p.parse_args()
    if args.database_url:
        measure(args.database_url, args.rounds, args.cases, args.jobs)
        return
    name = f"sos_bench_measures_{uuid.uuid4().hex[:8]}"
    database_url = url_for(args.server_url, name)
    admin_sql(args.server_url, f"CREATE DATABASE {name}")
    try:
        upgrade(database_url)
        if args.synth:
            from sos_api.synth import synthesise

            settings = Settings(database_url=database_url)
            result = synthesise(settings, database_url, database_url, cases=args.cases, seed=1)
            print(result.summary(), flush=True)
            admin_sql(database_url, "ANALYZE")
        else:
            loaded = load(database_url, args.cases)
            print(f"{args.cases} cases ({args.cases * 3 // 4} in the council measured) loaded in {loaded:.1f} s")
        print(f"database {name}", flush=True)
        measure(database_url, args.rounds, args.cases, args.jobs)
    finally:
        if not args.keep:
            admin_sql(args.server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def measure(database_url: str, rounds: int, cases: int, jobs: int = 1) -> None:
    """The scorecard worked out live, the refresh, then the scorecard from the materialised figures."""
    admin_sql(database_url, "DELETE FROM measure_values")  # else the "live" reads would be the stored figures
    live = ("council",) if cases > 20_000 else ("council", "team")
    report(database_url, rounds, "live (worked out from the records)", live)
    started = time.perf_counter()
    written = refresh_all(database_url, jobs)
    took = time.perf_counter() - started
    print(f"measures-refresh (24 months, every grouping, {jobs} at once): {took:.1f} s, {written} rows")
    report(database_url, rounds, "materialised (measure_values)")


if __name__ == "__main__":
    main()
