"""Hard edges an outside probe found: deep JSON, null-padded problem bodies, personal data in the request log.

1. A body nested 10,000 levels deep is a 400 problem (conventions pitfall 17), never a 500, whichever decode
   meets it first: the typed decode, the untyped fallback after a validation error, or the NUL check.
2. A problem body carries only the members that have a value: no `null`, no `"errors": []`.
3. One request-log line per request names the route template and the request id, and no log record anywhere
   holds a query value or a path parameter (pitfall 18).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, cast

import httpx
import msgspec
import pytest
from litestar import Request
from litestar.testing import AsyncTestClient
from litestar.types import HTTPRequestEvent, Message, Receive, Scope, Send

from sos_api import problems
from sos_api.http import _nul_pointer, read_body
from sos_api.request_log import RequestLogMiddleware
from sos_schema import FieldError, PersonCreate, Problem
from tests.api.conftest import TokenFactory

Client = AsyncTestClient[Any]

PROBLEM = "application/problem+json"
BAD_REQUEST = "https://sos-casework.org.uk/problems/bad-request"
TOO_DEEP = "The body is nested too deeply to read."
DEPTH = 10_000
NHS_NUMBER = "9434765919"
MISSING = "0b0c0d0e-0000-4000-8000-0000000000fe"

DEEP_BODIES: dict[str, bytes] = {
    "arrays": b"[" * DEPTH + b"]" * DEPTH,
    "objects": b'{"a":' * DEPTH + b"1" + b"}" * DEPTH,
    "arrays holding a NUL": b"[" * DEPTH + b'"\\u0000"' + b"]" * DEPTH,
    "objects holding a NUL": b'{"a\\u0000":' * DEPTH + b'"\\u0000"' + b"}" * DEPTH,
    "inside a valid field": b'{"given_names":"Ada","family_name":"Okafor","aliases":'
    + b"[" * DEPTH
    + b"]" * DEPTH
    + b"}",
    "deep and cut short": b"[" * DEPTH,
}


def problem_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """A problem+json answer with `status`, whose body has no member without a value."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0].strip() == PROBLEM, response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"]
    assert [k for k, v in body.items() if v is None or v == []] == [], body
    return body


async def no_people(client: Client, auth: TokenFactory) -> None:
    listed = await client.get("/v1/people", headers=auth())
    assert listed.status_code == 200, listed.text
    assert listed.json() == {"items": [], "next_cursor": None}


# --- 1. deep JSON ---------------------------------------------------------------------------------


class TestDeepJson:
    @pytest.mark.parametrize("url", ["/v1/people", "/v1/cases"])
    @pytest.mark.parametrize("shape", list(DEEP_BODIES))
    async def test_deep_body_is_400(self, client: Client, auth: TokenFactory, url: str, shape: str) -> None:
        response = await client.post(
            url, content=DEEP_BODIES[shape], headers=auth() | {"Content-Type": "application/json"}
        )
        body = problem_of(response, 400)
        assert body["type"] == BAD_REQUEST
        assert body["detail"] in {TOO_DEEP, "The body is not well-formed JSON."}, body
        if shape != "deep and cut short":
            # Well-formed but too deep: the answer says so rather than calling it malformed.
            assert body["detail"] == TOO_DEEP, body
        assert body["instance"] == f"urn:request:{response.headers['x-request-id']}"
        await no_people(client, auth)

    async def test_deep_body_on_a_replace_is_400(self, client: Client, auth: TokenFactory) -> None:
        created = await client.post("/v1/people", json={"given_names": "Ada", "family_name": "Okafor"}, headers=auth())
        assert created.status_code == 201, created.text
        url = f"/v1/people/{created.json()['id']}"
        response = await client.put(
            url,
            content=DEEP_BODIES["objects"],
            headers=auth() | {"Content-Type": "application/json", "If-Match": 'W/"1"'},
        )
        assert problem_of(response, 400)["detail"] == TOO_DEEP
        read = await client.get(url, headers=auth())
        assert read.json() == created.json()

    async def test_typed_decode_too_deep_is_400(self) -> None:
        """A type that takes any JSON (none of ours does yet) meets the depth in the typed decode itself."""
        with pytest.raises(problems.BadRequest) as refused:
            await read_body(fake_request(DEEP_BODIES["arrays"]), Any)
        assert refused.value.detail == TOO_DEEP
        with pytest.raises(problems.BadRequest):
            await read_body(fake_request(DEEP_BODIES["arrays holding a NUL"]), Any)

    async def test_nul_check_still_finds_the_field(self) -> None:
        """The NUL walk (now without recursion) still points at the first NUL in document order."""
        body = b'{"given_names":"Ada","family_name":"Oka\\u0000for","aliases":["x\\u0000"]}'
        with pytest.raises(problems.ValidationFailed) as refused:
            await read_body(fake_request(body), PersonCreate)
        assert [(e.pointer, e.code) for e in refused.value.errors] == [("/family_name", "invalid")]
        # An escaped backslash followed by "u0000" is no NUL.
        fine = await read_body(fake_request(b'{"given_names":"A\\\\u0000","family_name":"B"}'), PersonCreate)
        assert fine.given_names == "A\\u0000"

    def test_nul_walk_survives_any_depth(self) -> None:
        deep: Any = "tail\x00"
        for level in range(100_000):
            deep = [deep] if level % 2 else {"k/~": deep}
        pointer = _nul_pointer(deep)
        assert pointer is not None
        assert pointer.startswith("/0/k~1~0/0/k~1~0/"), pointer[:40]
        assert pointer.count("/") == 100_000
        assert _nul_pointer({"a": [1, "x", {"b\x00": 2}], "c": "\x00"}) == "/a/2/b\x00"
        assert _nul_pointer(["ok", {"fine": [None, True, 1.5]}]) is None
        assert _nul_pointer("\x00") == ""


class _FakeRequest:
    def __init__(self, raw: bytes) -> None:
        self.headers = {"content-type": "application/json"}
        self._raw = raw

    async def body(self) -> bytes:
        return self._raw


def fake_request(raw: bytes) -> Request[Any, Any, Any]:
    return cast("Request[Any, Any, Any]", _FakeRequest(raw))


# --- 2. problem bodies without empty members ------------------------------------------------------


class TestProblemMembers:
    def test_absent_members_are_left_out(self) -> None:
        bare = Problem(type=problems.problem_type("not-found"), title="Not found", status=404)
        assert msgspec.json.encode(bare) == (
            b'{"type":"https://sos-casework.org.uk/problems/not-found","title":"Not found","status":404}'
        )
        full = Problem(
            title="t",
            status=422,
            detail="d",
            instance="urn:request:r",
            errors=[FieldError(pointer="/x", code="invalid", detail="bad")],
            current_version=3,
            rule="BR-07",
        )
        assert msgspec.json.decode(msgspec.json.encode(full), type=Problem) == full
        assert set(msgspec.json.decode(msgspec.json.encode(full))) == {
            "title", "status", "detail", "instance", "errors", "current_version", "rule",
        }  # fmt: skip

    async def test_not_found_has_no_null_members(self, client: Client, auth: TokenFactory) -> None:
        response = await client.get(f"/v1/people/{MISSING}", headers=auth())
        body = problem_of(response, 404)
        assert set(body) == {"type", "title", "status", "detail", "instance"}, body
        assert b"null" not in response.content

    async def test_validation_failure_has_errors_but_no_version_or_rule(
        self, client: Client, auth: TokenFactory
    ) -> None:
        response = await client.post("/v1/people", json={"given_names": 7, "family_name": "Okafor"}, headers=auth())
        body = problem_of(response, 422)
        assert set(body) == {"type", "title", "status", "detail", "instance", "errors"}, body
        assert [e["pointer"] for e in body["errors"]] == ["/given_names"]

    async def test_stale_write_has_current_version_but_no_errors(self, client: Client, auth: TokenFactory) -> None:
        person = {"given_names": "Ada", "family_name": "Okafor"}
        created = await client.post("/v1/people", json=person, headers=auth())
        url = f"/v1/people/{created.json()['id']}"
        moved = await client.put(url, json=person | {"known_as": "Addy"}, headers=auth() | {"If-Match": 'W/"1"'})
        assert moved.status_code == 200, moved.text
        stale = await client.put(url, json=person, headers=auth() | {"If-Match": 'W/"1"'})
        body = problem_of(stale, 412)
        assert body["current_version"] == 2
        assert set(body) == {"type", "title", "status", "detail", "instance", "current_version"}, body

    async def test_framework_problems_have_no_null_members(self, client: Client) -> None:
        """Problems raised before any handler (no token; no route) are rendered the same way."""
        unauthenticated = await client.get("/v1/people")
        assert set(problem_of(unauthenticated, 401)) == {"type", "title", "status", "detail", "instance"}
        assert unauthenticated.headers["www-authenticate"] == 'Bearer realm="sos-api"'
        nowhere = await client.get("/nowhere")
        body = problem_of(nowhere, 404)
        assert body["instance"] == f"urn:request:{nowhere.headers['x-request-id']}"
        assert set(body) == {"type", "title", "status", "detail", "instance"}, body


# --- 3. the request log ---------------------------------------------------------------------------


def request_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    lines = []
    for record in caplog.records:
        if record.name == "sos_api.request":
            assert record.levelno == logging.INFO
            lines.append(json.loads(record.getMessage()))
    return lines


def server_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    # httpx logs each request's full URL on the client side of the test; that is the test client, not the API.
    return [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]


def assert_not_logged(caplog: pytest.LogCaptureFixture, *secrets: str) -> None:
    for record in server_records(caplog):
        seen = " ".join([record.getMessage(), repr(record.args), record.exc_text or "", repr(vars(record))])
        for secret in secrets:
            assert secret not in seen, (record.name, record.getMessage())


class TestRequestLog:
    async def test_one_line_per_request_with_template_and_request_id(
        self, client: Client, auth: TokenFactory, caplog: pytest.LogCaptureFixture
    ) -> None:
        person = {
            "given_names": "Ada",
            "family_name": "Okafor",
            "identifiers": [{"system": "nhs_number", "value": NHS_NUMBER}],
        }
        created = await client.post("/v1/people", json=person, headers=auth())
        assert created.status_code == 201, created.text
        person_id = created.json()["id"]
        caplog.clear()
        caplog.set_level(logging.DEBUG)

        found = await client.get(
            f"/v1/people?identifier=nhs_number%7C{NHS_NUMBER}", headers=auth() | {"X-Request-ID": "probe-1"}
        )
        assert found.status_code == 200, found.text
        assert [p["id"] for p in found.json()["items"]] == [person_id]
        read = await client.get(f"/v1/people/{person_id}", headers=auth())
        assert read.status_code == 200, read.text

        lines = request_lines(caplog)
        assert [(line["method"], line["route"], line["status"]) for line in lines] == [
            ("GET", "/v1/people", 200),
            ("GET", "/v1/people/{person_id}", 200),
        ]
        assert [line["request_id"] for line in lines] == ["probe-1", read.headers["x-request-id"]]
        assert all(isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0 for line in lines)
        assert set(lines[0]) == {"method", "route", "status", "duration_ms", "request_id", "organisation"}
        assert [line["organisation"] for line in lines] == ["la:845", "la:845"]  # the verified caller's
        assert_not_logged(caplog, NHS_NUMBER, person_id, person_id.replace("-", ""))

    async def test_refusals_are_logged_with_their_status(
        self, client: Client, auth: TokenFactory, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A 401 raised by the auth middleware, and a 404 from the handler, are one line each."""
        caplog.set_level(logging.DEBUG)
        caplog.clear()
        await client.get(f"/v1/people?identifier=nhs_number%7C{NHS_NUMBER}", headers={"X-Request-ID": "no-token"})
        missing = await client.get(f"/v1/people/{MISSING}", headers=auth() | {"X-Request-ID": "missing-1"})
        assert missing.status_code == 404
        lines = request_lines(caplog)
        assert [(line["route"], line["status"], line["request_id"]) for line in lines] == [
            ("/v1/people", 401, "no-token"),
            ("/v1/people/{person_id}", 404, "missing-1"),
        ]
        assert_not_logged(caplog, NHS_NUMBER, MISSING)

    async def test_unrouted_paths_leave_no_path_in_the_logs(
        self, client: Client, auth: TokenFactory, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        response = await client.get(f"/v1/people/{NHS_NUMBER}/x?identifier={NHS_NUMBER}", headers=auth())
        problem_of(response, 404)
        assert_not_logged(caplog, NHS_NUMBER)


async def run_bare(app: Callable[[Scope, Receive, Send], Awaitable[None]], scope: dict[str, Any]) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> HTTPRequestEvent:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await RequestLogMiddleware(app)(cast("Scope", scope), receive, send)
    return sent


class TestRequestLogMiddleware:
    """The middleware on its own: what it logs when routing never happened or the app raised."""

    async def test_unmatched_route_is_named_as_such(self, caplog: pytest.LogCaptureFixture) -> None:
        async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
            await send({"type": "http.response.start", "status": 404, "headers": []})
            await send({"type": "http.response.body", "body": b"", "more_body": False})

        caplog.set_level(logging.INFO, logger="sos_api.request")
        scope = {"type": "http", "method": "GET", "path": f"/p/{NHS_NUMBER}", "query_string": b"q=1", "state": {}}
        sent = await run_bare(not_found, scope)
        assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
        lines = request_lines(caplog)
        assert [(line["route"], line["status"], line["request_id"]) for line in lines] == [("<unmatched>", 404, None)]
        assert_not_logged(caplog, NHS_NUMBER, "q=1")

    @pytest.mark.parametrize(
        ("exc", "status"),
        [(problems.Unauthenticated(), 401), (problems.NotFound("person"), 404), (RuntimeError("boom"), 500)],
    )
    async def test_raised_exception_is_logged_with_the_status_it_becomes(
        self, caplog: pytest.LogCaptureFixture, exc: Exception, status: int
    ) -> None:
        async def raises(scope: Scope, receive: Receive, send: Send) -> None:
            scope["state"]["request_id"] = "r-1"
            raise exc

        caplog.set_level(logging.INFO, logger="sos_api.request")
        scope = {"type": "http", "method": "POST", "path": "/v1/x", "path_template": "/v1/x", "state": {}}
        with pytest.raises(type(exc)):
            await run_bare(raises, scope)
        assert [(line["route"], line["status"], line["request_id"]) for line in request_lines(caplog)] == [
            ("/v1/x", status, "r-1")
        ]

    async def test_lifespan_and_websockets_pass_through_unlogged(self, caplog: pytest.LogCaptureFixture) -> None:
        calls = []

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            calls.append(scope["type"])

        caplog.set_level(logging.INFO, logger="sos_api.request")
        await run_bare(app, {"type": "lifespan"})
        await run_bare(app, {"type": "websocket", "path": "/ws"})
        assert calls == ["lifespan", "websocket"]
        assert request_lines(caplog) == []
