"""People upserted per second through `POST /v1/batch` (interop R13), against a live `sos-api serve`, run by hand.

    .venv/bin/python -m bench.batch_upserts [--batches 10] [--concurrency 2] [--database-url URL]

Each batch is 100 `PUT /v1/people?identifier=la_person_id|...` operations with identifiers no one holds yet (so
every one creates), sent by an integration client (`system/people.cu system/batch.c`). Three modes, interleaved
over `--rounds`: `atomic: false`, `atomic: true`, and the same upserts sent one request each (the baseline the
batch is for). Without --database-url a fresh database is created on --server-url, migrated and dropped after.
Absolute figures on a shared machine are noisy; the ratios to the one-by-one baseline, in the same run, less so.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import time
from typing import Any

import httpx

from bench.run import DEFAULT_SERVER_URL, open_workspace, serve_ours, wait_ready

ORG = "la:845"
PER_BATCH = 100
IDENTIFIERS = itertools.count(1)


def upsert(ref: str) -> dict[str, Any]:
    value = f"BU{next(IDENTIFIERS)}"
    return {
        "ref": ref,
        "method": "PUT",
        "path": f"/v1/people?identifier=la_person_id%7C{value}",
        "body": {
            "given_names": "Bench",
            "family_name": f"Upsert {value}",
            "identifiers": [{"system": "la_person_id", "value": value}],
        },
    }


async def send_batch(client: httpx.AsyncClient, atomic: bool) -> int:
    body = {"operations": [upsert(f"op{n}") for n in range(PER_BATCH)], "atomic": atomic}
    answer = await client.post("/v1/batch", json=body)
    answer.raise_for_status()
    results = answer.json()["results"]
    created = sum(1 for r in results if r["status"] == 201)
    if created != PER_BATCH:
        failed = [r for r in results if r["status"] != 201][:3]
        raise RuntimeError(f"{PER_BATCH - created} operations failed, e.g. {failed}")
    return created


async def send_singles(client: httpx.AsyncClient) -> int:
    for _ in range(PER_BATCH):
        operation = upsert("single")
        answer = await client.put(operation["path"], json=operation["body"])
        if answer.status_code != 201:
            raise RuntimeError(f"{answer.status_code}: {answer.text[:300]}")
    return PER_BATCH


async def measure(base_url: str, token: str, mode: str, batches: int, concurrency: int) -> float:
    """People per second for `batches` lots of 100, `concurrency` clients at a time."""
    headers = {"Authorization": f"Bearer {token}"}
    clients = [httpx.AsyncClient(base_url=base_url, headers=headers, timeout=120) for _ in range(concurrency)]
    todo = iter(range(batches))

    async def worker(client: httpx.AsyncClient) -> int:
        done = 0
        for _ in todo:
            if mode == "singles":
                done += await send_singles(client)
            else:
                done += await send_batch(client, atomic=mode == "atomic")
        return done

    try:
        started = time.perf_counter()
        people = sum(await asyncio.gather(*(worker(c) for c in clients)))
        return people / (time.perf_counter() - started)
    finally:
        for client in clients:
            await client.aclose()


def run(args: argparse.Namespace) -> int:
    from sos_api.auth.tokens import mint_token
    from sos_api.settings import Settings

    with contextlib.ExitStack() as stack:
        space = open_workspace(stack, args, "sos-bench-batch-")
        settings = Settings(data_dir=space.data_dir, local_issuer=True, database_url=space.url)
        token = mint_token(
            settings,
            roles=["integration_client"],
            organisation=ORG,
            subject="bench-batch",
            ttl_seconds=3600,
            extra={"scp": "system/people.cu system/batch.c"},
        )
        server = serve_ours(stack, space)
        modes = ["non-atomic", "atomic", "singles"]

        async def main_async() -> dict[str, list[float]]:
            await wait_ready(server, "/health")
            await measure(server.base_url, token, "non-atomic", 1, 1)  # warm up
            rates: dict[str, list[float]] = {mode: [] for mode in modes}
            for round_number in range(args.rounds):
                for mode in modes[round_number % 3 :] + modes[: round_number % 3]:
                    rate = await measure(server.base_url, token, mode, args.batches, args.concurrency)
                    rates[mode].append(rate)
                    print(f"round {round_number + 1} {mode:>10}: {rate:7.1f} people/s", flush=True)
            return rates

        rates = asyncio.run(main_async())
        print(f"\n{args.batches} x {PER_BATCH} upserts per mode and round, concurrency {args.concurrency}, ", end="")
        print(f"{os.cpu_count()} cores (noisy: a shared machine)")
        baseline = sum(rates["singles"]) / len(rates["singles"])
        for mode in modes:
            mean = sum(rates[mode]) / len(rates[mode])
            spread = f"{min(rates[mode]):.0f}-{max(rates[mode]):.0f}"
            print(f"  {mode:>10}: {mean:7.1f} people/s (rounds {spread}), {mean / baseline:4.2f}x one by one")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.batch_upserts", description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", help="use this migrated or empty database as is; default: a fresh one")
    p.add_argument("--server-url", default=DEFAULT_SERVER_URL, help="where the fresh database is created")
    p.add_argument("--batches", type=int, default=10, help="batches of 100 per mode and round")
    p.add_argument("--concurrency", type=int, default=2, help="batches in flight at once")
    p.add_argument("--rounds", type=int, default=2, help="interleaved rounds over the three modes")
    return run(p.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
