"""Generated clients (issue 12 item 9): a Python client (openapi-python-client) and a TypeScript client
(@hey-api/openapi-ts, pinned in tools/package-lock.json) are generated from the committed openapi/openapi.json and
each drives a council scenario against the live API: upsert two people, open a case for them, map it, read the
change feed to its end, and send a partner's contribution twice with one Idempotency-Key (the second is the
replay: same status, same body).

A generator that chokes on the document (a warning, a skipped operation, code that does not type-check) fails the
test: fixing the document is the point. Both are generated once per session, side by side."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import msgspec
import pytest

from tests.contract.conftest import COMMITTED_DOCUMENT, LiveServer, TokenFactory
from tests.node_tools import NODE_MODULES, tool

PACKAGE = "sos_generated_client"
SCENARIO = Path(__file__).resolve().parent / "clients" / "scenario.ts"
HOSPITAL = "ods:RX1"


class Generated(msgspec.Struct, frozen=True):
    python_root: Path  # holds the package PACKAGE
    typescript: Path  # holds scenario.ts and the client in ./generated


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    root = tmp_path_factory.mktemp("generated-clients")
    typescript = root / "ts"
    typescript.mkdir()
    ts = subprocess.Popen(
        [
            tool("openapi-ts"),
            "--input",
            COMMITTED_DOCUMENT,
            "--output",
            typescript / "generated",
            "--client",
            "@hey-api/client-fetch",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    config = root / "openapi-python-client.yaml"
    # No formatter run on the generated code: it is read by Python only. The generator knows JSON, text/* and
    # octet-stream; an SVG chart is taken as bytes, the setting the generator documents for other content types.
    config.write_text('post_hooks: []\ncontent_type_overrides:\n  "image/svg+xml": "application/octet-stream"\n')
    py = subprocess.run(
        [
            Path(sys.executable).parent / "openapi-python-client",
            "generate",
            "--path",
            COMMITTED_DOCUMENT,
            "--output-path",
            root / "py" / PACKAGE,
            "--meta",
            "none",
            "--config",
            config,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    ts_output, _ = ts.communicate(timeout=300)
    assert py.returncode == 0, py.stdout + py.stderr
    # openapi-python-client still writes a client when it cannot generate part of the document, and says so.
    assert "Warning" not in py.stdout + py.stderr, py.stdout + py.stderr
    assert ts.returncode == 0, ts_output
    shutil.copy(SCENARIO, typescript / SCENARIO.name)
    return Generated(python_root=root / "py", typescript=typescript)


def bearer(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def tokens(auth: TokenFactory) -> dict[str, str]:
    return {
        "worker": bearer(auth("social_worker", sub="generated-client-worker")),
        "sync": bearer(auth("integration_client", sub="generated-client-sync", scp="system/changes.r")),
        "partner": bearer(auth("partner_system", HOSPITAL, sub="generated-client-ed", scp="system/contributions.cr")),
    }


def attendance() -> dict[str, Any]:
    """An emergency department's attendance note about a child, sent to council 845."""
    return {
        "kind": "health_attendance",
        "la_code": "845",
        "subject": {"given_names": "Ada", "family_name": "Okafor", "date_of_birth": "2019-04-02"},
        "contributor": {"name": "Riverside NHS Trust", "code": "RX1", "code_system": "ods"},
        "author": {"name": "Sam Nurse", "role": "Named nurse", "email": "named.nurse@example.nhs.uk"},
        "agency_type": "hospital",
        "narrative": "Ada came to the emergency department with a bruise to her cheek.",
        "worries": {"harm": "A bruise to the cheek, the second this month."},
        "working_well": {"strengths": "Mum brought Ada in straight away."},
        "setting": "emergency_department",
        "attended_at": "2026-11-01T21:30:00Z",
        "reason": "Bruise to the left cheek.",
    }


def import_client(generated: Generated) -> ModuleType:
    sys.path.insert(0, str(generated.python_root))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(generated.python_root))


def api(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.api.{name}")


def python_scenario(generated: Generated, live_server: LiveServer, auth: TokenFactory) -> None:
    client = import_client(generated)
    models = importlib.import_module(f"{PACKAGE}.models")
    token = tokens(auth)
    worker = client.AuthenticatedClient(base_url=live_server.base_url, token=token["worker"])
    run = uuid.uuid4().hex[:8].upper()

    people = []
    for given, value in (("Ada", f"PYC{run}"), ("Grace", f"PYM{run}")):
        body = models.PersonCreate.from_dict(
            {"given_names": given, "family_name": "Okafor", "identifiers": [{"system": "la_person_id", "value": value}]}
        )
        answer = api("people.upsert_person_by_identifier").sync_detailed(
            client=worker, identifier=f"la_person_id|{value}", body=body
        )
        assert answer.status_code == 201, answer.content
        assert isinstance(answer.parsed, models.Person), answer.parsed
        people.append(str(answer.parsed.id))
    child, mum = people

    case_body = models.CaseCreate.from_dict(
        {
            "family_label": "Okafor family",
            "opened_on": "2026-10-01",
            "members": [{"person_id": child, "role": "child"}, {"person_id": mum, "role": "parent"}],
        }
    )
    made = api("cases.create_case").sync_detailed(client=worker, body=case_body)
    assert made.status_code == 201, made.content
    assert isinstance(made.parsed, models.Case)
    case_id = str(made.parsed.id)
    map_body = models.AssessmentMapCreate.from_dict(
        {"children": [child], "context": "assessment", "framing": "safety", "mapped_on": "2026-10-05"}
    )
    mapped = api("maps.create_map").sync_detailed(client=worker, case_id=case_id, body=map_body)
    assert mapped.status_code == 201, mapped.content
    assert isinstance(mapped.parsed, models.AssessmentMap)

    # The feed to its end: follow next_cursor until a page comes back empty. The feed only lists transactions
    # below the server's horizon (none older still running, another test's included), so an empty page before
    # this scenario's changes have come means wait a moment and ask again with the cursor it gave.
    wanted = {("person", child), ("person", mum), ("case", case_id), ("assessment_map", str(mapped.parsed.id))}
    sync = client.AuthenticatedClient(base_url=live_server.base_url, token=token["sync"])
    seen: set[tuple[str, str]] = set()
    cursor, pages, deadline = client.types.UNSET, 0, time.monotonic() + 60
    while True:
        page = api("sync.list_changes").sync_detailed(client=sync, limit=2, cursor=cursor)
        assert page.status_code == 200, page.content
        assert isinstance(page.parsed, models.ChangePage)
        pages += 1
        seen |= {(str(item.type_), str(item.id)) for item in page.parsed.items}
        cursor = page.parsed.next_cursor
        if not page.parsed.items:
            if wanted <= seen:
                break
            assert time.monotonic() < deadline, f"the feed gave {seen}, not all of {wanted}"
            time.sleep(0.2)
    assert pages >= 3  # two people, a case and a map at two a page, then the empty page

    partner = client.AuthenticatedClient(base_url=live_server.base_url, token=token["partner"])
    send = api("contributions.create_contribution")
    key = f"py-{run}"
    first = send.sync_detailed(
        client=partner, body=models.HealthAttendance.from_dict(attendance()), idempotency_key=key
    )
    again = send.sync_detailed(
        client=partner, body=models.HealthAttendance.from_dict(attendance()), idempotency_key=key
    )
    assert first.status_code == again.status_code == 202, (first.content, again.content)
    assert isinstance(first.parsed, models.ContributionReceipt)
    assert json.loads(again.content) == json.loads(first.content)
    assert "idempotency-replayed" not in first.headers
    assert again.headers["idempotency-replayed"] == "true"


def type_check(generated: Generated) -> subprocess.Popen[str]:
    """tsc --strict over the scenario and the generated client, started in the background (about ten seconds)."""
    return subprocess.Popen(
        [
            tool("tsc"),
            "--noEmit",
            "--strict",
            "--skipLibCheck",
            "--target",
            "es2022",
            "--module",
            "esnext",
            "--moduleResolution",
            "bundler",
            "--lib",
            "es2022,dom",
            "--typeRoots",
            NODE_MODULES / "@types",
            "--types",
            "node",
            "scenario.ts",
        ],
        cwd=generated.typescript,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def typescript_scenario(generated: Generated, live_server: LiveServer, auth: TokenFactory) -> None:
    token = tokens(auth)
    environment = dict(
        os.environ,
        SOS_BASE_URL=live_server.base_url,
        SOS_WORKER_TOKEN=token["worker"],
        SOS_SYNC_TOKEN=token["sync"],
        SOS_PARTNER_TOKEN=token["partner"],
        SOS_RUN=uuid.uuid4().hex[:8].upper(),
    )
    ran = subprocess.run(
        [tool("tsx"), "scenario.ts"],
        cwd=generated.typescript,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    result = json.loads(ran.stdout.strip().splitlines()[-1])
    child, mum = result["people"]
    seen = set(result["seen"])
    assert {f"person:{child}", f"person:{mum}", f"case:{result['case']}", f"assessment_map:{result['map']}"} <= seen
    first, again = result["sends"]
    assert first["status"] == again["status"] == 202
    assert again["body"] == first["body"]
    assert first["replayed"] is None
    assert again["replayed"] == "true"


def test_generated_clients_drive_the_council_scenario(
    generated: Generated, live_server: LiveServer, auth: TokenFactory
) -> None:
    """One test, so both clients share one generation and one server whichever xdist worker runs it; the
    TypeScript type check runs while the Python client plays the scenario."""
    checking = type_check(generated)
    try:
        python_scenario(generated, live_server, auth)
    finally:
        output, _ = checking.communicate(timeout=300)
    assert checking.returncode == 0, f"the generated TypeScript client does not type-check:\n{output[-3000:]}"
    typescript_scenario(generated, live_server, auth)
