"""`make bench`: the benchmark at several data sizes, side by side: does the API slow down as a council grows?

    .venv/bin/python -m bench.scale [--cases 10000,1000000] [--seed 1] [--jobs 2] [--keep] [--loaded URL]
                                    [-- bench.run options]

For each size: a fresh database `sos_scale_<cases>_<random>` on the server (SOS_BENCH_SERVER_URL, else one embedded
PostgreSQL for the whole run), loaded by `sos-api synth --cases N --seed S` (which migrates it), vacuumed and
analysed as autovacuum would have left it, then `bench.run --database-url ... --extra-cases 0` (the ceiling beside
the API, in the same minute) with the options after `--`, then `bench.explain` (EXPLAIN (ANALYZE, BUFFERS) of the
statements the hot requests send, into bench/results/explain_<cases>.txt). Each size's full report is printed as it
finishes and kept in bench/results/scale_<cases>.json; at the end one table puts the sizes side by side with the
largest over the smallest. The database is dropped after its size is measured unless --keep (then its URL is printed).
`--loaded URL` adds a database loaded beforehand and keeps it (a million cases take about an hour to load: load them
while the machine does other work, then measure on a quiet machine).

A million cases need about 55 GB of disk and 30-40 minutes to load on two cores: check `df -h` first.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.run import DEFAULT_SERVER_URL, REPO, admin_sql, url_for

RESULTS = REPO / "bench" / "results"
BIN = Path(sys.executable).parent


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--cases wants numbers separated by commas, not {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("--cases wants at least one size, each at least 1")
    return sizes


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    argv = list(sys.argv[1:] if argv is None else argv)
    passed = argv[argv.index("--") + 1 :] if "--" in argv else []
    own = argv[: argv.index("--")] if "--" in argv else argv
    p = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--cases", type=parse_sizes, default=[], help="sizes to load, comma-separated (default 10000)")
    p.add_argument("--seed", type=int, default=1, help="synth's seed, the same for every size")
    p.add_argument("--jobs", type=int, default=2, help="synth's loader processes")
    p.add_argument(
        "--server-url",
        default=DEFAULT_SERVER_URL,
        help="where the databases are created: a postgresql:// URL, or 'embedded' (default: SOS_BENCH_SERVER_URL)",
    )
    p.add_argument("--keep", action="store_true", help="keep each database (for EXPLAIN or bench.measures)")
    p.add_argument(
        "--loaded",
        action="append",
        default=[],
        metavar="URL",
        help="also measure this database, loaded beforehand by sos-api synth (kept as it is); repeatable",
    )
    return p.parse_args(own), passed


def owner_sql(url: str, sql: str) -> list[tuple[Any, ...]]:
    """One statement on the benchmark database as its owner, outside a transaction (VACUUM needs that)."""
    import asyncio

    import asyncpg

    from sos_api.synth import asyncpg_dsn

    async def run() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(asyncpg_dsn(url))
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()

    return asyncio.run(run())


def timed(label: str, command: list[str], env: dict[str, str]) -> float:
    print(f"\n== {label}: {' '.join(command)}", flush=True)
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True)
    return time.perf_counter() - started


def one_size(args: argparse.Namespace, server_url: str, cases: int, passed: list[str]) -> dict[str, Any]:
    """A fresh database loaded with `cases`, measured, then dropped (unless --keep)."""
    name = f"sos_scale_{cases}_{uuid.uuid4().hex[:6]}"
    url = url_for(server_url, name)
    admin_sql(server_url, f'CREATE DATABASE "{name}"')
    try:
        env = {**os.environ, "SOS_DATABASE_URL": url}
        synth = [str(BIN / "sos-api"), "synth", "--cases", str(cases), "--seed", str(args.seed)]
        synth_seconds = timed(f"loading {cases:,} cases", [*synth, "--jobs", str(args.jobs)], env)
        started = time.perf_counter()
        owner_sql(url, "VACUUM (ANALYZE)")
        vacuum_seconds = time.perf_counter() - started
        return {
            "synth_seconds": round(synth_seconds, 1),
            "synth_cases_per_second": round(cases / synth_seconds, 1),
            "vacuum_seconds": round(vacuum_seconds, 1),
            **measure(url, cases, passed),
        }
    finally:
        if args.keep:
            print(f"kept {url}", flush=True)
        else:
            admin_sql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def loaded_size(url: str, passed: list[str]) -> dict[str, Any]:
    """A database loaded beforehand (`sos-api synth`, then VACUUM ANALYZE), measured as it is and kept."""
    cases = int(owner_sql(url, "SELECT count(*) FROM records WHERE kind = 'case'")[0][0])
    unknown = {"synth_seconds": None, "synth_cases_per_second": None, "vacuum_seconds": None}
    return {**unknown, **measure(url, cases, passed)}


def measure(url: str, cases: int, passed: list[str]) -> dict[str, Any]:
    """Its size on disk, bench.run's report on it (the ceiling beside the API) and bench.explain's plans."""
    size = int(owner_sql(url, "SELECT pg_database_size(current_database())")[0][0])
    output, plans = RESULTS / f"scale_{cases}.json", RESULTS / f"explain_{cases}.txt"
    run = [sys.executable, "-m", "bench.run", "--database-url", url, "--extra-cases", "0", "--output", str(output)]
    timed(f"benchmark at {cases:,} cases", [*run, *passed], dict(os.environ))
    explain = [sys.executable, "-m", "bench.explain", "--database-url", url, "--output", str(plans)]
    timed(f"plans at {cases:,} cases", explain, dict(os.environ))
    return {"cases": cases, "database_bytes": size, "result": json.loads(output.read_text())}


def fmt(value: float | None, spec: str, unit: str = "") -> str:
    return " " * len(format(0.0, spec) + unit) if value is None else format(value, spec) + unit


def side_by_side(sizes: list[dict[str, Any]]) -> None:
    """Per scenario, a line per size (req/s, p50, p99, throughput over the ceiling's) and largest over smallest."""
    print()
    for s in sizes:
        rss = ", ".join(f"{k} {v:.0f} MB" for k, v in s["result"]["peak_rss_mb"].items() if v is not None)
        loaded = (
            "loaded beforehand"
            if s["synth_seconds"] is None
            else f"loaded in {s['synth_seconds']:,.0f} s ({s['synth_cases_per_second']:,.0f} cases/s), "
            f"vacuum {s['vacuum_seconds']:,.0f} s"
        )
        print(
            f"{s['cases']:>10,} cases: {loaded}, {s['database_bytes'] / 2**30:,.1f} GiB on disk "
            f"({s['database_bytes'] / s['cases'] / 1024:,.0f} kB/case); peak RSS {rss}"
        )
    header = f"{'scenario':<52} {'cases':>16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x ceiling':>10}"
    print()
    print(header)
    print("-" * len(header))
    for key, scenario in sizes[0]["result"]["scenarios"].items():
        label = scenario["label"]
        for s in sizes:
            m = s["result"]["scenarios"].get(key, {})
            print(
                f"{label:<52} {s['cases']:>16,} {fmt(m.get('requests_per_second'), '8.1f')} "
                f"{fmt(m.get('p50_ms'), '8.2f')} {fmt(m.get('p99_ms'), '8.2f')} {fmt(to_ceiling(s, key), '9.2f', 'x')}"
            )
            label = ""
        if len(sizes) > 1:
            a, b = sizes[0]["result"]["scenarios"].get(key, {}), sizes[-1]["result"]["scenarios"].get(key, {})
            ceilings = {"x": to_ceiling(sizes[0], key), "y": to_ceiling(sizes[-1], key)}
            print(
                f"{'':<52} {'largest/smallest':>16} {fmt(quotient(b, a, 'requests_per_second'), '7.2f', 'x')} "
                f"{fmt(quotient(b, a, 'p50_ms'), '7.2f', 'x')} {fmt(quotient(b, a, 'p99_ms'), '7.2f', 'x')} "
                f"{fmt(quotient(ceilings, ceilings, 'y', 'x'), '9.2f', 'x')}"
            )
    print(
        "x ceiling: requests/s over the ceiling's GET /doc (reads) or POST /docs (writes), measured in the same run;\n"
        "largest/smallest: the largest size's figure over the smallest's (req/s below 1, latency above 1: slower);\n"
        "its x ceiling column compares the two sizes' ratios to their own ceilings, which machine noise touches least."
    )


def to_ceiling(size: dict[str, Any], key: str) -> float | None:
    """The scenario's throughput over the ceiling's, from bench.run's ratios (named "<key> ... vs ceiling ...")."""
    for name, ratio in size["result"]["ratios"].items():
        if name.split(" ")[0] == key and " vs ceiling" in name:
            return ratio["throughput"]  # type: ignore[no-any-return]
    return None


def quotient(b: dict[str, Any], a: dict[str, Any], field: str, under: str | None = None) -> float | None:
    """b[field] / a[under or field], or None where either is missing (a scenario with errors has no speed)."""
    top, bottom = b.get(field), a.get(under or field)
    return top / bottom if top and bottom else None


def main(argv: list[str] | None = None) -> int:
    args, passed = parse_args(argv)
    if not args.cases and not args.loaded:
        args.cases = [10_000]
    server_url = args.server_url
    with tempfile.TemporaryDirectory(prefix="sos-scale-") as work:
        if server_url == "embedded" and args.cases:
            from sos_api.db.embedded import start_embedded

            print("starting an embedded PostgreSQL (set SOS_BENCH_SERVER_URL to use a server)", flush=True)
            server_url = start_embedded(Path(work) / "embedded", delete_at_exit=True)
        try:
            sizes = [one_size(args, server_url, cases, passed) for cases in args.cases]
            sizes += [loaded_size(url, passed) for url in args.loaded]
        except subprocess.CalledProcessError as exc:
            print(f"bench.scale: {exc}", file=sys.stderr)
            return 1
    summary = RESULTS / "scale.json"
    sizes.sort(key=lambda size: int(size["cases"]))
    summary.write_text(json.dumps(sizes, indent=1) + "\n")
    side_by_side(sizes)
    print(f"\nresults: {summary.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
