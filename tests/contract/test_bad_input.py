"""Bad input is refused with a problem+json body and never reaches storage.

Writes (POST /v1/cases, POST /v1/people, PUT /v1/cases/{id}): malformed JSON 400; wrong types, unknown enum
values, unknown and missing fields 422 with a JSON Pointer to the field; bodies over the limit 413; bodies that are
not JSON 415; no token 401. After each refused write the list is still empty, or the case is still at version 1.
Reads: ids that are not UUIDs, forged cursors and bad limits are 400 (or 404 for a path that cannot match), never
500; a limit over the maximum is reduced, not refused.

The body schemas here have no integer fields, so "a string where a number belongs" is checked on the integer
query parameter `limit` and the integer path segment `version`, and on a boolean field in each body (strict
decoding: "true" is not true, conventions pitfall 1).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from sos_api.app import create_app
from sos_api.settings import Settings
from tests.conftest import Databases
from tests.contract.conftest import MAX_BODY_BYTES, TokenFactory

PROBLEM = "application/problem+json"
JSON = "application/json"
MISSING = "0b0c0d0e-0000-4000-8000-0000000000ff"

Client = AsyncTestClient[Any]


def assert_problem(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    """A problem+json body whose `status` is the HTTP status and whose `type` is an absolute http(s) URL."""
    assert response.status_code in statuses, (response.status_code, response.text)
    assert response.headers["content-type"].split(";")[0].strip() == PROBLEM, response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    parts = urlsplit(body["type"])
    assert parts.scheme in {"http", "https"}, body["type"]
    assert parts.netloc, body["type"]
    assert body["title"]
    return body


def assert_field_error(response: httpx.Response, pointer: str, code: str | None = None) -> dict[str, Any]:
    body = assert_problem(response, 422)
    assert body["errors"], body
    assert body["errors"][0]["pointer"] == pointer, body["errors"]
    if code is not None:
        assert body["errors"][0]["code"] == code, body["errors"]
    return body


async def make_person(client: Client, auth: TokenFactory, given: str, **extra: Any) -> str:
    response = await client.post(
        "/v1/people", json={"given_names": given, "family_name": "Okafor", **extra}, headers=auth()
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def make_family(client: Client, auth: TokenFactory) -> dict[str, Any]:
    """A valid CaseCreate body naming two recorded people."""
    child = await make_person(client, auth, "Ada", date_of_birth="2019-04-02")
    mum = await make_person(client, auth, "Grace")
    return {
        "family_label": "Okafor family",
        "opened_on": "2026-10-01",
        "members": [{"person_id": child, "role": "child"}, {"person_id": mum, "role": "parent"}],
    }


class Write(msgspec.Struct, kw_only=True):
    """One write operation set up on a fresh database: a valid body, how to send it, how to prove nothing moved."""

    name: str
    method: str
    url: str
    valid: dict[str, Any]
    text_field: str  # a required string field, for "wrong type" and "missing field"
    bool_field: str  # a boolean field, for "string where a boolean belongs"
    extra_headers: dict[str, str] = {}
    unchanged: Callable[[], Awaitable[None]]

    async def send(
        self, client: Client, auth: TokenFactory, content: bytes, content_type: str | None = JSON, **headers: str
    ) -> httpx.Response:
        sent = auth() | self.extra_headers | headers
        if content_type is not None:
            sent["Content-Type"] = content_type
        return await client.request(self.method, self.url, content=content, headers=sent)

    def body_with(self, **changes: Any) -> bytes:
        return json.dumps(self.valid | changes).encode()

    def body_without(self, field: str) -> bytes:
        return json.dumps({k: v for k, v in self.valid.items() if k != field}).encode()


async def list_is_empty(client: Client, auth: TokenFactory, url: str) -> None:
    listed = await client.get(url, headers=auth())
    assert listed.status_code == 200, listed.text
    assert listed.json() == {"items": [], "next_cursor": None}


async def set_up_write(name: str, client: Client, auth: TokenFactory) -> Write:
    if name == "createPerson":

        async def no_people() -> None:
            await list_is_empty(client, auth, "/v1/people")

        return Write(
            name=name,
            method="POST",
            url="/v1/people",
            valid={"given_names": "Amira", "family_name": "Khan"},
            text_field="given_names",
            bool_field="dob_estimated",
            unchanged=no_people,
        )
    family = await make_family(client, auth)
    if name == "createCase":

        async def no_cases() -> None:
            await list_is_empty(client, auth, "/v1/cases")

        return Write(
            name=name,
            method="POST",
            url="/v1/cases",
            valid=family,
            text_field="family_label",
            bool_field="interpreter_needed",
            unchanged=no_cases,
        )
    assert name == "replaceCase"
    created = await client.post("/v1/cases", json=family, headers=auth())
    assert created.status_code == 201, created.text
    original = created.json()
    url = f"/v1/cases/{original['id']}"

    async def still_version_1() -> None:
        read = await client.get(url, headers=auth())
        assert read.status_code == 200, read.text
        assert read.headers["etag"] == 'W/"1"'
        assert read.json() == original
        versions = await client.get(f"{url}/versions", headers=auth())
        assert [v["meta"]["version"] for v in versions.json()["items"]] == [1]

    return Write(
        name=name,
        method="PUT",
        url=url,
        valid=family | {"family_label": "Okafor-Mensah family"},
        text_field="family_label",
        bool_field="interpreter_needed",
        extra_headers={"If-Match": 'W/"1"'},
        unchanged=still_version_1,
    )


# One database for the module, and a council of its own for each test: a council sees only its own people and
# cases, so "the list is still empty" holds per test without a database per test (which cost ~1 s each).
_councils = itertools.count(100)


@pytest.fixture(scope="module")
def module_database(databases: Databases) -> str:
    return databases.fresh()


@pytest.fixture(scope="module")
async def client(settings: Settings, module_database: str) -> AsyncIterator[Client]:
    async with AsyncTestClient(create_app(settings, database_url=module_database)) as test_client:
        yield test_client


@pytest.fixture
def auth(auth: TokenFactory) -> TokenFactory:
    council = f"la:{next(_councils)}"

    def in_this_tests_council(role: str = "social_worker", **claims: Any) -> dict[str, str]:
        return auth(role, **{"org": council} | claims)

    return in_this_tests_council


@pytest.fixture(params=["createCase", "createPerson", "replaceCase"])
async def write(request: pytest.FixtureRequest, client: Client, auth: TokenFactory) -> Write:
    return await set_up_write(request.param, client, auth)


class TestRefusedWrites:
    async def test_the_valid_body_is_accepted(self, write: Write, client: Client, auth: TokenFactory) -> None:
        """The baseline: each refusal below comes from the one thing changed, not from a broken fixture."""
        response = await write.send(client, auth, write.body_with())
        assert response.status_code == (200 if write.method == "PUT" else 201), response.text

    @pytest.mark.parametrize("damage", ["truncated", "trailing garbage", "single quotes", "trailing comma", "empty"])
    async def test_malformed_json_is_400(self, write: Write, client: Client, auth: TokenFactory, damage: str) -> None:
        valid = write.body_with()
        content = {
            "truncated": valid[:-1],
            "trailing garbage": valid + b"}xyz",
            "single quotes": valid.replace(b'"', b"'"),
            "trailing comma": valid[:-1] + b",}",
            "empty": b"",
        }[damage]
        body = assert_problem(await write.send(client, auth, content), 400)
        assert body["type"].endswith("/bad-request")
        await write.unchanged()

    async def test_malformed_json_is_400_even_after_a_wrong_type(
        self, write: Write, client: Client, auth: TokenFactory
    ) -> None:
        content = json.dumps({write.text_field: 7}).encode()[:-1] + b", "
        assert_problem(await write.send(client, auth, content), 400)
        await write.unchanged()

    async def test_wrong_type_is_422_with_pointer(self, write: Write, client: Client, auth: TokenFactory) -> None:
        response = await write.send(client, auth, write.body_with(**{write.text_field: 7}))
        body = assert_field_error(response, f"/{write.text_field}", "invalid")
        assert body["type"].endswith("/validation-failed")
        await write.unchanged()

    async def test_family_label_7_is_422_at_family_label(self, client: Client, auth: TokenFactory) -> None:
        """The exact case from the brief, on POST /v1/cases."""
        write = await set_up_write("createCase", client, auth)
        response = await write.send(client, auth, write.body_with(family_label=7))
        assert_field_error(response, "/family_label")
        await write.unchanged()

    async def test_string_for_boolean_is_422(self, write: Write, client: Client, auth: TokenFactory) -> None:
        response = await write.send(client, auth, write.body_with(**{write.bool_field: "true"}))
        assert_field_error(response, f"/{write.bool_field}", "invalid")
        await write.unchanged()

    async def test_unknown_enum_value_is_422(self, write: Write, client: Client, auth: TokenFactory) -> None:
        response = await write.send(client, auth, write.body_with(visibility="public"))
        assert_field_error(response, "/visibility", "invalid")
        await write.unchanged()

    async def test_unknown_nested_enum_value_is_422(self, client: Client, auth: TokenFactory) -> None:
        write = await set_up_write("createCase", client, auth)
        members = [write.valid["members"][0], {**write.valid["members"][1], "role": "wizard"}]
        response = await write.send(client, auth, write.body_with(members=members))
        assert_field_error(response, "/members/1/role", "invalid")
        await write.unchanged()

    async def test_unknown_field_is_422(self, write: Write, client: Client, auth: TokenFactory) -> None:
        response = await write.send(client, auth, write.body_with(nickname="Ami"))
        assert_field_error(response, "/nickname", "unknown_field")
        await write.unchanged()

    async def test_missing_required_field_is_422(self, write: Write, client: Client, auth: TokenFactory) -> None:
        response = await write.send(client, auth, write.body_without(write.text_field))
        assert_field_error(response, f"/{write.text_field}", "required")
        await write.unchanged()

    async def test_body_over_the_limit_is_413(self, write: Write, client: Client, auth: TokenFactory) -> None:
        padding = "x" * (MAX_BODY_BYTES + 1)
        content = write.body_with(**{write.text_field: padding})
        assert len(content) > MAX_BODY_BYTES
        response = await write.send(client, auth, content)
        assert_problem(response, 413)
        await write.unchanged()

    @pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
    async def test_body_that_is_not_json_is_415(
        self, write: Write, client: Client, auth: TokenFactory, content_type: str | None
    ) -> None:
        response = await write.send(client, auth, write.body_with(), content_type=content_type)
        assert_problem(response, 415)
        await write.unchanged()

    async def test_no_token_is_401_with_www_authenticate(
        self, write: Write, client: Client, auth: TokenFactory
    ) -> None:
        response = await write.send(client, lambda: {}, write.body_with())
        assert_problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
        await write.unchanged()

    async def test_unreadable_token_is_401(self, write: Write, client: Client, auth: TokenFactory) -> None:
        response = await write.send(client, lambda: {"Authorization": "Bearer not-a-jwt"}, write.body_with())
        assert_problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
        await write.unchanged()

    async def test_nul_character_in_a_string_is_422(self, write: Write, client: Client, auth: TokenFactory) -> None:
        response = await write.send(client, auth, write.body_with(**{write.text_field: "Ok\u0000afor"}))
        assert_field_error(response, f"/{write.text_field}")
        await write.unchanged()


class TestPathIds:
    @pytest.mark.parametrize(
        "path",
        [
            "/v1/cases/not-a-uuid",
            "/v1/cases/not-a-uuid/versions",
            "/v1/cases/not-a-uuid/versions/1",
            "/v1/people/12345",
            "/v1/people/not-a-uuid/versions",
        ],
    )
    async def test_a_path_id_that_is_not_a_uuid_is_400_or_404(
        self, client: Client, auth: TokenFactory, path: str
    ) -> None:
        assert_problem(await client.get(path, headers=auth()), 400, 404)

    async def test_put_to_an_id_that_is_not_a_uuid_stores_nothing(self, client: Client, auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        response = await client.put("/v1/cases/not-a-uuid", json=family, headers=auth() | {"If-Match": 'W/"1"'})
        assert_problem(response, 400, 404)
        await list_is_empty(client, auth, "/v1/cases")

    async def test_a_version_that_is_not_a_number_is_400_or_404(self, client: Client, auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        case = (await client.post("/v1/cases", json=family, headers=auth())).json()
        assert_problem(await client.get(f"/v1/cases/{case['id']}/versions/one", headers=auth()), 400, 404)

    @pytest.mark.parametrize("version", [0, -1, 2**31 - 1])
    async def test_a_version_that_does_not_exist_is_404(self, client: Client, auth: TokenFactory, version: int) -> None:
        family = await make_family(client, auth)
        case = (await client.post("/v1/cases", json=family, headers=auth())).json()
        assert_problem(await client.get(f"/v1/cases/{case['id']}/versions/{version}", headers=auth()), 404)

    @pytest.mark.parametrize("version", [2**31, -(2**31) - 1, 10**20])
    @pytest.mark.parametrize("kind", ["cases", "people"])
    async def test_a_version_out_of_range_is_400_or_404(
        self, client: Client, auth: TokenFactory, version: int, kind: str
    ) -> None:
        family = await make_family(client, auth)
        if kind == "cases":
            record = (await client.post("/v1/cases", json=family, headers=auth())).json()["id"]
        else:
            record = family["members"][0]["person_id"]
        assert_problem(await client.get(f"/v1/{kind}/{record}/versions/{version}", headers=auth()), 400, 404)


class TestListParameters:
    @pytest.mark.parametrize("url", ["/v1/cases", "/v1/people", "/v1/cases/{case_id}/versions"])
    async def test_a_forged_cursor_is_400(self, client: Client, auth: TokenFactory, url: str) -> None:
        if "{case_id}" in url:
            case = (await client.post("/v1/cases", json=await make_family(client, auth), headers=auth())).json()
            url = url.format(case_id=case["id"])
        for cursor in ("garbage", "Zm9v.0123456789abcdef0123456789abcdef", "."):
            assert_problem(await client.get(url, params={"cursor": cursor}, headers=auth()), 400)

    async def test_a_cursor_from_another_list_is_400(self, client: Client, auth: TokenFactory) -> None:
        await make_family(client, auth)
        first = await client.get("/v1/people", params={"limit": 1}, headers=auth())
        cursor = first.json()["next_cursor"]
        assert cursor
        assert (await client.get("/v1/people", params={"cursor": cursor}, headers=auth())).status_code == 200
        assert_problem(await client.get("/v1/cases", params={"cursor": cursor}, headers=auth()), 400)
        filtered = await client.get(
            "/v1/people", params={"cursor": cursor, "identifier": "nhs_number|9434765919"}, headers=auth()
        )
        assert_problem(filtered, 400)

    async def test_non_ascii_cursor_is_a_400(self, client: Client, auth: TokenFactory) -> None:
        assert_problem(await client.get("/v1/cases", params={"cursor": "é.é"}, headers=auth()), 400)

    async def test_nul_character_in_identifier_filter_is_400(self, client: Client, auth: TokenFactory) -> None:
        response = await client.get("/v1/people", params={"identifier": "la_person_id|AB\u00001"}, headers=auth())
        assert_problem(response, 400)

    @pytest.mark.parametrize("url", ["/v1/cases", "/v1/people"])
    @pytest.mark.parametrize("limit", ["0", "-1", "ten", "1.5", ""])
    async def test_a_limit_below_one_or_not_an_integer_is_400(
        self, client: Client, auth: TokenFactory, url: str, limit: str
    ) -> None:
        assert_problem(await client.get(url, params={"limit": limit}, headers=auth()), 400)

    @pytest.mark.parametrize("limit", [501, 10_000])
    async def test_a_limit_over_the_maximum_is_reduced(self, client: Client, auth: TokenFactory, limit: int) -> None:
        await make_family(client, auth)
        response = await client.get("/v1/people", params={"limit": limit}, headers=auth())
        assert response.status_code == 200, response.text
        assert len(response.json()["items"]) == 2

    @pytest.mark.parametrize("url", ["/v1/cases", "/v1/people"])
    async def test_limit_100000_is_reduced_not_refused(self, client: Client, auth: TokenFactory, url: str) -> None:
        response = await client.get(url, params={"limit": 100_000}, headers=auth())
        assert response.status_code == 200, response.text
        assert response.json()["next_cursor"] is None

    async def test_no_token_is_401_with_www_authenticate(self, client: Client) -> None:
        for url in ("/v1/cases", "/v1/people", f"/v1/cases/{MISSING}"):
            response = await client.get(url)
            assert_problem(response, 401)
            assert response.headers["www-authenticate"].startswith("Bearer")
