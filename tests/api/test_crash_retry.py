"""Crash safety of idempotent writes (interop R12, issue 12 item 10): `sos-api serve` is SIGKILLed in the middle of a
run of POSTs, each with its own Idempotency-Key (people one at a time, and atomic batches of people), restarted,
and the whole run is sent again with the same keys. A key and its write commit in one transaction, so nothing is
lost and nothing is stored twice, whichever requests the kill cut off before, during or after their commit."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from sos_api.db.embedded import async_url
from sos_api.settings import Settings
from tests.api.conftest import TokenFactory
from tests.conftest import Databases

SOS_API = Path(sys.executable).with_name("sos-api")
FAMILY = "Crashtest"
RUN = 36  # requests in the run: every sixth an atomic batch of three people
KILL_AFTER = 10  # answers received before the server is killed, mid-run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """`sos-api serve` on the test's database, trusting the tests' local issuer."""

    def __init__(self, settings: Settings, database_url: str, output: Any) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SOS_")} | {
            "SOS_DATABASE_URL": database_url,
            "SOS_DATA_DIR": str(settings.data_dir),
            "SOS_LOCAL_ISSUER": "true",
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.output = output

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(SOS_API), "serve", "--port", str(self.port)],
            env=self.env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()
            try:
                if requests.get(f"{self.base}/ready", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"sos-api serve did not answer /ready: {self.log()}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # nothing to keep: the database is the test server's
            self.process.wait()

    def log(self) -> str:
        self.output.seek(0)
        return self.output.read().decode(errors="replace")[-3000:]


@pytest.fixture
def server(settings: Settings, databases: Databases, database_url: str) -> Iterator[Server]:
    # The configured database as its owner, as `sos-api serve` is run with one (it migrates first: nothing to do).
    with tempfile.TemporaryFile() as output:
        served = Server(settings, databases.owner_url(database_url), output)
        yield served
        served.stop()


def request_for(n: int) -> tuple[str, dict[str, Any], int]:
    """The n-th request of the run: its path, its body and how many people it records."""
    if n % 6 == 5:
        people = [
            {"ref": f"p{k}", "method": "POST", "path": "/v1/people", "body": person(f"B{n}-{k}")} for k in range(3)
        ]
        return "/v1/batch", {"operations": people, "atomic": True}, 3
    return "/v1/people", person(f"P{n}"), 1


def person(given: str) -> dict[str, Any]:
    return {"given_names": given, "family_name": FAMILY}


def send(server: Server, headers: dict[str, str], n: int) -> requests.Response | None:
    """One request with its own key; None when the connection failed (the server was killed)."""
    path, body, _ = request_for(n)
    keyed = headers | {"Idempotency-Key": f'"crash-run-{n}"'}
    for _ in range(50):
        try:
            answer = requests.post(f"{server.base}{path}", json=body, headers=keyed, timeout=20)
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
            return None  # refused, or cut off mid-answer: either way the kill came first
        # A retry that reaches the server before PostgreSQL has ended the killed one's session finds its key held.
        if answer.status_code != 409:
            assert answer.status_code in {200, 201}, answer.text
            if path == "/v1/batch":
                assert answer.json()["applied"] is True, answer.text
            return answer
        time.sleep(0.1)
    raise AssertionError(f"request {n} stayed in flight")


async def what_was_stored(owner_url: str) -> tuple[list[str], int]:
    """The people of the run and the keys stored, counted as the database's owner."""
    engine = create_async_engine(async_url(owner_url))
    query = "SELECT doc->>'given_names' FROM records WHERE kind = 'person' AND doc->>'family_name' = :family"
    try:
        async with engine.connect() as conn:
            stored = sorted(await conn.scalars(sa.text(query), {"family": FAMILY}))
            keys = int(await conn.scalar(sa.text("SELECT count(*) FROM idempotency_keys")) or 0)
    finally:
        await engine.dispose()
    return stored, keys


def test_a_killed_server_loses_and_duplicates_nothing_when_the_run_is_retried(
    server: Server, auth: TokenFactory, databases: Databases, database_url: str
) -> None:
    headers = auth("social_worker", sub="crash-sync")
    server.start()
    answered = threading.Semaphore(0)

    def first_run(n: int) -> requests.Response | None:
        answer = send(server, headers, n)
        if answer is not None:
            answered.release()
        return answer

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = pool.map(first_run, range(RUN))
        for _ in range(KILL_AFTER):
            assert answered.acquire(timeout=60), server.log()
        server.kill()  # while the other threads' requests are in flight
        first = list(answers)
    assert None in first, "the kill did not interrupt the run"

    server.start()
    again = [send(server, headers, n) for n in range(RUN)]
    for before, after in zip(first, again, strict=True):
        assert after is not None
        if before is not None:  # answered before the kill: the retry is its stored answer, nothing written
            assert after.headers.get("idempotency-replayed") == "true"
            assert after.content == before.content
    assert "Traceback" not in server.log(), server.log()

    expected = sorted(
        operation["given_names"]
        for path, body, _ in map(request_for, range(RUN))
        for operation in ([body] if path == "/v1/people" else [op["body"] for op in body["operations"]])
    )
    stored, keys = asyncio.run(what_was_stored(databases.owner_url(database_url)))
    assert stored == expected  # nothing lost, nothing twice
    assert keys == RUN
