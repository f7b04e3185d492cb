"""EXPLAIN (ANALYZE, BUFFERS) of the statements the API really sends for its hot requests, on loaded data.

    .venv/bin/python -m bench.explain --database-url URL [--output bench/results/explain.txt]

Run it on a database loaded by `sos-api synth` (`bench.scale --keep` leaves one). It picks a case at random
among those with a map, a danger statement and a scale, makes each request below once through the app in process
(as that case's social worker, or as a team manager for council-wide reads) while recording every statement the
app sends with its parameters (SQLAlchemy's cursor events, and asyncpg's query loggers for the hot reads that go
to the driver directly), then replays each request's statements in order in one transaction as the same login:
the tenant settings as they were, every other statement under EXPLAIN (ANALYZE, BUFFERS), and rolls back, so
nothing is written. The first request warms nothing for the replay's sake: the plans show what a read costs on
a case nobody has just read, as far as the server's own cache allows.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import re
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.run import REPO
from sos_api.measures.catalogue import MEASURES

TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)
TENANT_SETTINGS = re.compile(r"^\s*(BEGIN\s*;\s*)?SELECT set_config\(", re.IGNORECASE)


@dataclass
class Request:
    label: str
    method: str
    path: str
    role: str  # "worker", "manager" or "lead"
    body: dict[str, Any] | None = None
    statements: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    status: int = 0


@dataclass
class Sample:
    la_code: str
    case_id: str
    team: str
    danger_id: str
    question_id: str
    person_id: str


PICK = """
SELECT c.la_code, c.id::text AS case_id, c.doc->>'team' AS team, d.id::text AS danger_id, q.id::text AS question_id,
       j.doc->'perspective'->>'perspective_person_id' AS person_id
FROM records c
JOIN records d ON d.case_id = c.id AND d.kind = 'danger_statement'
JOIN records q ON q.parent_id = d.id AND q.kind = 'scaling_question'
JOIN records j ON j.parent_id = q.id AND j.kind = 'scaling_judgement'
WHERE c.kind = 'case' AND c.id >= $1::uuid AND c.doc->>'team' IS NOT NULL
  AND j.doc->'perspective'->>'perspective_person_id' IS NOT NULL
ORDER BY c.id
LIMIT 1
"""


async def pick(url: str) -> Sample:
    import asyncpg

    from sos_api.synth import asyncpg_dsn

    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        row = await conn.fetchrow(PICK, str(uuid.uuid4())) or await conn.fetchrow(PICK, str(uuid.UUID(int=0)))
    finally:
        await conn.close()
    if row is None:
        raise SystemExit("bench.explain: no case with a danger statement, a scale and a judgement: load data first")
    return Sample(**dict(row))


def requests_for(s: Sample) -> list[Request]:
    given_on = (dt.date.today() - dt.timedelta(days=3000 + int(s.case_id[:4], 16) % 500)).isoformat()
    judgement = {
        "value": 6,
        "perspective": {"perspective_role": "parent_carer", "perspective_person_id": s.person_id, "own_words": True},
        "reason": "Explain: a judgement written to see its statements.",
        "given_on": given_on,
    }
    return [
        Request("getCase", "GET", f"/v1/cases/{s.case_id}", "worker"),
        Request("getCurrentMap", "GET", f"/v1/cases/{s.case_id}/maps/current", "worker"),
        Request("getDangerScalingSeries", "GET", f"/v1/danger-statements/{s.danger_id}/scaling-series", "worker"),
        Request("listCases", "GET", "/v1/cases?limit=50", "worker"),
        Request("recordJudgement", "POST", f"/v1/scaling-questions/{s.question_id}/judgements", "worker", judgement),
        Request("listChanges", "GET", "/v1/changes?limit=1000", "lead"),
        Request("readMeasure", "GET", f"/v1/measures/{MEASURES[0].code}", "manager"),
    ]


@contextmanager
def recording(sink: list[list[tuple[str, tuple[Any, ...]]]]) -> Iterator[None]:
    """Every statement any engine in this process sends, appended to sink[-1] (the request being made)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.pool import Pool

    def on_cursor(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if sink and not executemany:
            sink[-1].append((statement, tuple(parameters or ())))

    def on_driver_query(record: Any) -> None:
        args = tuple(record.args or ())
        wanted = max((int(n) for n in re.findall(r"\$(\d+)", record.query)), default=0)
        if len(args) != wanted and args and isinstance(args[0], (list, tuple)) and len(args[0]) == wanted:
            args = tuple(args[0])  # an executemany: its first row stands for the rest
        if sink:
            sink[-1].append((record.query, args))

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.driver_connection.add_query_logger(on_driver_query)

    event.listen(Engine, "before_cursor_execute", on_cursor)
    event.listen(Pool, "connect", on_connect)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", on_cursor)
        event.remove(Pool, "connect", on_connect)


def make_requests(url: str, sample: Sample, requests: list[Request]) -> None:
    from litestar.testing import TestClient

    from sos_api.app import create_app
    from sos_api.auth.tokens import mint_token
    from sos_api.settings import Settings

    org = f"la:{sample.la_code}"
    with tempfile.TemporaryDirectory(prefix="sos-explain-") as data_dir:
        settings = Settings(data_dir=Path(data_dir), local_issuer=True, database_url=url)
        tokens = {
            "worker": mint_token(
                settings, roles=["social_worker"], organisation=org, subject="explain", extra={"teams": [sample.team]}
            ),
            "manager": mint_token(settings, roles=["team_manager"], organisation=org, subject="explain-manager"),
            "lead": mint_token(settings, roles=["practice_lead"], organisation=org, subject="explain-lead"),
        }
        sink: list[list[tuple[str, tuple[Any, ...]]]] = []
        with recording(sink), TestClient(create_app(settings, database_url=url)) as client:
            for r in requests:
                sink.append([])
                headers = {"Authorization": f"Bearer {tokens[r.role]}"}
                response = client.request(r.method, r.path, headers=headers, json=r.body)
                r.status, r.statements = response.status_code, sink[-1]


class FreshIds:
    """The request really wrote its rows, so a replayed INSERT takes new ids: every UUID an INSERT brings that the
    request had not read before is swapped for a fresh one, and the same swap holds for its later statements."""

    def __init__(self) -> None:
        self.seen: set[uuid.UUID] = set()
        self.swapped: dict[uuid.UUID, uuid.UUID] = {}

    def args(self, sql: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
        inserting = re.match(r"^\s*INSERT\b", sql, re.IGNORECASE) is not None
        out = []
        for arg in args:
            if isinstance(arg, uuid.UUID):
                if inserting and arg not in self.seen and arg not in self.swapped:
                    self.swapped[arg] = uuid.uuid4()
                self.seen.add(arg)
                arg = self.swapped.get(arg, arg)
            out.append(arg)
        return tuple(out)


async def replay(url: str, requests: list[Request]) -> list[str]:
    """Each request's statements in one transaction, explained, then rolled back: the report's lines."""
    import asyncpg

    from sos_api.synth import asyncpg_dsn

    lines: list[str] = []
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        for r in requests:
            lines += ["", "=" * 100, f"{r.label}: {r.method} {r.path} -> {r.status}, {len(r.statements)} statements"]
            transaction = conn.transaction()
            await transaction.start()
            fresh = FreshIds()
            try:
                for n, (sql, args) in enumerate(r.statements, 1):
                    if TENANT_SETTINGS.match(sql):
                        await conn.execute(re.sub(r"^\s*BEGIN\s*;", "", sql, flags=re.IGNORECASE), *args)
                        continue
                    if TRANSACTION_CONTROL.match(sql):
                        continue
                    lines += ["", f"-- {r.label} statement {n}: {' '.join(sql.split())[:400]}"]
                    try:
                        async with conn.transaction():  # a savepoint: one refused statement leaves the rest
                            plan = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *fresh.args(sql, args))
                        lines += [row[0] for row in plan]
                    except asyncpg.PostgresError as exc:
                        lines.append(f"(not replayed: {type(exc).__name__}: {exc})")
            finally:
                await transaction.rollback()
    finally:
        await conn.close()
    return lines


def summary(requests: list[Request], lines: list[str]) -> list[str]:
    """Per request: statements sent and explained, and the plans' execution time and shared buffers in total
    (hit: found in PostgreSQL's cache; read: from the OS cache or the disk)."""
    totals = {r.label: {"explained": 0, "ms": 0.0, "hit": 0, "read": 0} for r in requests}
    current: dict[str, Any] | None = None
    top_buffers_seen = True
    for line in lines:
        if head := re.match(r"^-- (\w+) statement", line):
            current, top_buffers_seen = totals[head.group(1)], False
            current["explained"] += 1
        elif current is None:
            continue
        elif m := re.search(r"^Execution Time: ([\d.]+) ms", line):
            current["ms"] += float(m.group(1))
        elif not top_buffers_seen and line.startswith("  Buffers:"):  # the top node's: the whole statement's
            top_buffers_seen = True
            for name in ("hit", "read"):
                if found := re.search(rf"shared .*?\b{name}=(\d+)", line):
                    current[name] += int(found.group(1))
    out = [f"{'request':<24} {'status':>6} {'statements':>10} {'explained':>9} {'exec ms':>9} {'hit':>8} {'read':>8}"]
    for r in requests:
        t = totals[r.label]
        out.append(
            f"{r.label:<24} {r.status:>6} {len(r.statements):>10} {t['explained']:>9} {t['ms']:>9.2f} "
            f"{t['hit']:>8} {t['read']:>8}"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.explain", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    p.add_argument("--database-url", required=True, help="a database loaded by sos-api synth")
    p.add_argument("--output", type=Path, default=REPO / "bench" / "results" / "explain.txt")
    args = p.parse_args(argv)
    sample = asyncio.run(pick(args.database_url))
    requests = requests_for(sample)
    make_requests(args.database_url, sample, requests)
    lines = asyncio.run(replay(args.database_url, requests))
    report = [f"bench.explain on {args.database_url.rsplit('/', 1)[-1]}: case {sample.case_id} (la {sample.la_code})"]
    report += summary(requests, lines) + lines
    args.output.write_text("\n".join(report) + "\n")
    print("\n".join(report[: len(requests) + 2]))
    print(f"plans: {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
