"""The server as deployed (the command and arguments of deploy/k8s/api.yaml, `uvicorn sos_api.asgi:app ...`) in
a subprocess, its stderr captured to a file: one family's whole practice journey (tests/api/test_family_journey.py)
plus people with NHS numbers and addresses, looked up by identifier, is driven through it over HTTP; then every log
line is JSON and none holds a synthetic person's name, NHS number or address. Then SIGTERM with a request in flight:
it finishes (201) and the server exits cleanly."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.ext.asyncio import create_async_engine

from sos_api.db.embedded import async_url
from sos_api.settings import Settings
from tests.api import test_family_journey as family
from tests.api.conftest import TokenFactory
from tests.conftest import Databases

UVICORN = Path(sys.executable).with_name("uvicorn")
DEPLOYMENT = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "api.yaml"
ADDRESS = {"lines": ["17 Quillfeather Row"], "town": "Brackenbury", "postcode": "ZZ99 3QF"}
PEOPLE = [
    ("Oluwaseun", "Threlkeld", "9990000026"),
    ("Marguerite", "Ashcombe-Vale", "9990000034"),
]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status) == 200
    except OSError:
        return False


def deployed_command(port: int) -> list[str]:
    """The API container's command in deploy/k8s/api.yaml, listening on this machine's loopback."""
    deployment = next(
        d
        for d in yaml.safe_load_all(DEPLOYMENT.read_text())
        if d["kind"] == "Deployment" and d["metadata"]["name"] == "sos-api"
    )
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["uvicorn"]
    args = [a for a in container["args"] if not a.startswith(("--host=", "--port="))]
    return [str(UVICORN), *args, "--host=127.0.0.1", f"--port={port}"]


class Server:
    def __init__(self, process: subprocess.Popen[bytes], url: str, log: Path) -> None:
        self.process, self.url, self.log = process, url, log


@pytest.fixture(scope="module")
def server(settings: Settings, module_database: str) -> Iterator[Server]:
    port, log = free_port(), Path(tempfile.mkdtemp(prefix="sos-live-")) / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOS_")} | {
        "SOS_DATABASE_URL": module_database,
        "SOS_DATA_DIR": str(settings.data_dir),  # the test's signing key: its tokens verify
        "SOS_LOCAL_ISSUER": "true",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(deployed_command(port), env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not answers(f"http://127.0.0.1:{port}/ready"):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not answer /ready"
            time.sleep(0.1)
        yield Server(process, f"http://127.0.0.1:{port}", log)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture
async def http(server: Server) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield client


async def test_a_journey_logs_json_and_no_personal_data(
    server: Server, http: httpx.AsyncClient, auth: TokenFactory
) -> None:
    await family.test_one_family_through_the_practice_tools(http, auth)  # type: ignore[arg-type]
    for given, surname, nhs in PEOPLE:
        body = {
            "given_names": given,
            "family_name": surname,
            "identifiers": [{"system": "nhs_number", "value": nhs}],
            "addresses": [ADDRESS],
        }
        made = await http.post("/v1/people", json=body, headers=auth())
        assert made.status_code == 201, made.text
        found = await http.get(f"/v1/people?identifier=nhs_number|{nhs}", headers=auth())
        assert [p["id"] for p in found.json()["items"]] == [made.json()["id"]]
        refused = await http.post("/v1/people", json=body | {"date_of_birth": nhs}, headers=auth())
        assert refused.status_code == 422
    assert (await http.get("/metrics")).status_code == 200

    text = server.log.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]  # every line is one JSON object
    requests = [line for line in lines if line["logger"] == "sos_api.request"]
    assert len(requests) > 60
    assert {"method", "route", "status", "duration_ms", "request_id", "organisation"} <= set(requests[0])
    assert any(line["route"] == "/v1/safety-plans/{plan_id}" for line in requests)  # templates, not paths
    synthetic = [
        *(name for given, surname, nhs in PEOPLE for name in (given, surname, nhs)),
        *ADDRESS["lines"],
        ADDRESS["town"],
        ADDRESS["postcode"],
        # The family journey's people.
        "Amira",
        "Grace",
        "Khan",
        "Rose",
        "Hale",
        "Mensah",
        "Priya",
        "Shah",
    ]
    leaked = [word for word in synthetic if word.lower() in text.lower()]
    assert leaked == []


async def test_sigterm_lets_a_request_in_flight_finish(
    server: Server, databases: Databases, module_database: str, auth: TokenFactory
) -> None:
    # As the owner, hold a lock every write to records waits for: the request below stays in flight.
    owner = create_async_engine(async_url(databases.owner_url(module_database)))
    try:
        async with owner.connect() as blocker:
            await blocker.execute(sa.text("LOCK TABLE records IN EXCLUSIVE MODE"))
            async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
                body: dict[str, Any] = {"given_names": "Late", "family_name": "Request"}
                in_flight = asyncio.create_task(client.post("/v1/people", json=body, headers=auth()))
                waited = await _wait_for_lock_waiter(blocker)
                assert waited, "the request never reached the lock"
                server.process.send_signal(signal.SIGTERM)
                await asyncio.sleep(0.5)
                assert server.process.poll() is None  # still running: it waits for the request
                assert not in_flight.done()
                await blocker.rollback()  # release the lock
                answer = await in_flight
        assert answer.status_code == 201, answer.text
        exit_code = await asyncio.to_thread(server.process.wait, 20)
        # uvicorn shuts down gracefully, then raises SIGTERM again on itself, so the exit says what stopped it.
        assert exit_code in (0, -signal.SIGTERM)
    finally:
        await owner.dispose()
    log = server.log.read_text()
    assert "Traceback" not in log
    messages = [json.loads(line).get("message") for line in log.splitlines()]
    assert messages[-3:] == ["Waiting for application shutdown.", "Application shutdown complete.", messages[-1]]
    assert messages[-1].startswith("Finished server process")


async def _wait_for_lock_waiter(conn: Any) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        waiting = await conn.scalar(
            sa.text(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'records' AND NOT l.granted"
            )
        )
        if waiting:
            return True
        await asyncio.sleep(0.05)
    return False
