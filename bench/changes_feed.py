"""Changes read per second from the feed (`GET /v1/changes`, interop R5), against a live `sos-api serve`, run by hand.

    .venv/bin/python -m bench.changes_feed [--cases 200] [--limit 1000] [--rounds 3] [--database-url URL]

Loads `--cases` synthetic families with `sos-api synth` (about 20 changes a family), then reads the whole feed as the
council's integration client (`system/changes.r`), page after page from no cursor until a page comes back short, as a
nightly sync does, `--rounds` times. Prints changes per second and pages per second for each round. synth puts its
families in several councils; the client reads its own council's (la:845) changes only, and the count it read is
printed beside the rate. Absolute figures on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import time

import httpx

from bench.run import DEFAULT_SERVER_URL, open_workspace, serve_ours, wait_ready

ORG = "la:845"


async def read_to_the_end(base_url: str, token: str, limit: int) -> tuple[int, int, float]:
    """(changes, pages, seconds) for one read of the whole feed."""
    changes = pages = 0
    cursor: str | None = None
    async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as c:
        started = time.perf_counter()
        while True:
            params: dict[str, str | int] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
            answer = await c.get("/v1/changes", params=params)
            answer.raise_for_status()
            page = answer.json()
            changes += len(page["items"])
            pages += 1
            cursor = page["next_cursor"]
            if len(page["items"]) < limit:
                return changes, pages, time.perf_counter() - started


def run(args: argparse.Namespace) -> int:
    from sos_api.auth.tokens import mint_token
    from sos_api.db.embedded import ensure_app_login
    from sos_api.settings import Settings
    from sos_api.synth import synthesise

    with contextlib.ExitStack() as stack:
        space = open_workspace(stack, args, "sos-bench-feed-")
        url = space.url
        app_url = ensure_app_login(url)
        settings = Settings(data_dir=space.data_dir, local_issuer=True, database_url=app_url)
        if args.cases:
            print(synthesise(settings, url, app_url, cases=args.cases, seed=args.seed).summary(), flush=True)
        token = mint_token(
            settings,
            roles=["integration_client"],
            organisation=ORG,
            subject="bench-feed",
            ttl_seconds=3600,
            extra={"scp": "system/changes.r"},
        )
        server = serve_ours(stack, space)

        async def rounds() -> list[tuple[int, int, float]]:
            await wait_ready(server, "/health")
            return [await read_to_the_end(server.base_url, token, args.limit) for _ in range(args.rounds)]

        results = asyncio.run(rounds())
        for number, (changes, pages, seconds) in enumerate(results, 1):
            print(
                f"round {number}: {changes} changes in {pages} pages of up to {args.limit}, {seconds:.2f} s: "
                f"{changes / seconds:,.0f} changes/s, {pages / seconds:.1f} pages/s",
                flush=True,
            )
        print(f"{os.cpu_count()} cores (noisy: a shared machine)")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.changes_feed", description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", help="use this migrated or empty database as is; default: a fresh one")
    p.add_argument("--server-url", default=DEFAULT_SERVER_URL, help="where the fresh database is created")
    p.add_argument("--cases", type=int, default=200, help="synthetic families to load first (0: none)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--limit", type=int, default=1000, help="changes per page (at most 1000)")
    p.add_argument("--rounds", type=int, default=3, help="whole reads of the feed")
    return run(p.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
