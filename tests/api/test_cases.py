"""Cases: create, read, list, replace with If-Match, close, history."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.api.conftest import COUNCIL_B, TokenFactory


async def make_person(client: AsyncTestClient[Any], auth: TokenFactory, given: str = "Amira", **extra: Any) -> str:
    body = {"given_names": given, "family_name": "Khan", **extra}
    response = await client.post("/v1/people", json=body, headers=auth())
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def make_case(client: AsyncTestClient[Any], auth: TokenFactory) -> dict[str, Any]:
    child = await make_person(client, auth, date_of_birth="2019-04-02")
    mum = await make_person(client, auth, given="Sara")
    body = {
        "family_label": "Khan family",
        "opened_on": "2026-10-01",
        "members": [{"person_id": child, "role": "child"}, {"person_id": mum, "role": "parent"}],
    }
    response = await client.post("/v1/cases", json=body, headers=auth())
    assert response.status_code == 201, response.text
    assert response.headers["etag"] == 'W/"1"'
    assert response.headers["location"] == f"/v1/cases/{response.json()['id']}"
    return dict(response.json())


class TestCreateCase:
    async def test_creates_and_reads_back(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        case = await make_case(client, auth)
        read = await client.get(f"/v1/cases/{case['id']}", headers=auth("team_manager"))
        assert read.status_code == 200
        assert read.json() == case
        assert read.json()["status"] == "open"
        assert read.json()["meta"]["la_code"] == "845"

    async def test_unknown_member_is_a_rule_problem(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        body = {
            "family_label": "Khan family",
            "opened_on": "2026-10-01",
            "members": [{"person_id": "0b0c0d0e-0000-4000-8000-000000000001", "role": "child"}],
        }
        response = await client.post("/v1/cases", json=body, headers=auth())
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"].endswith("/rule-broken")

    async def test_other_council_cannot_see_it(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        case = await make_case(client, auth)
        response = await client.get(f"/v1/cases/{case['id']}", headers=auth(org=COUNCIL_B))
        assert response.status_code == 404
        listed = await client.get("/v1/cases", headers=auth(org=COUNCIL_B))
        assert listed.json() == {"items": [], "next_cursor": None}


class TestReplaceCase:
    async def test_if_match_rules(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        case = await make_case(client, auth)
        body = {k: case[k] for k in ("family_label", "opened_on", "members")} | {"family_label": "Khan-Ali family"}
        url = f"/v1/cases/{case['id']}"
        missing = await client.put(url, json=body, headers=auth())
        assert missing.status_code == 428
        ok = await client.put(url, json=body, headers=auth() | {"If-Match": 'W/"1"'})
        assert ok.status_code == 200, ok.text
        assert ok.headers["etag"] == 'W/"2"'
        stale = await client.put(url, json=body, headers=auth() | {"If-Match": 'W/"1"'})
        assert stale.status_code == 412
        assert stale.json()["current_version"] == 2
        versions = await client.get(f"{url}/versions", headers=auth())
        labels = [v["family_label"] for v in versions.json()["items"]]
        assert labels == ["Khan family", "Khan-Ali family"]
        first = await client.get(f"{url}/versions/1", headers=auth())
        assert first.json()["meta"]["version"] == 1


class TestCloseCase:
    async def test_the_manager_closes_it_once_with_when_and_why(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        case = await make_case(client, auth)
        url, manager = f"/v1/cases/{case['id']}/close", auth("team_manager")
        why = {"closed_on": "2026-11-20", "closure_reason": "goals_achieved", "note": "Safety plan sustained."}
        by_worker = await client.post(url, json=why, headers=auth() | {"If-Match": 'W/"1"'})
        assert by_worker.status_code == 403
        too_early = await client.post(
            url, json=why | {"closed_on": "2026-09-01"}, headers=manager | {"If-Match": 'W/"1"'}
        )
        assert too_early.status_code == 422
        assert [e["pointer"] for e in too_early.json()["errors"]] == ["/closed_on"]
        closed = await client.post(url, json=why, headers=manager | {"If-Match": 'W/"1"'})
        assert closed.status_code == 200, closed.text
        assert (closed.json()["status"], closed.json()["closure_reason"]) == ("closed", "goals_achieved")
        assert closed.json()["meta"]["version"] == 2
        again = await client.post(url, json=why, headers=manager | {"If-Match": 'W/"2"'})
        assert again.status_code == 409
        assert again.json()["type"].endswith("/conflict")


async def test_every_answer_carries_a_request_id_even_before_routing(client: AsyncTestClient[Any], auth: Any) -> None:
    """Interop R28: X-Request-ID is echoed on every response, including a 404 for a path that does not exist."""
    sent = {"X-Request-ID": "trace-42"}
    for response in (
        await client.get("/v1/no-such-thing", headers=auth() | sent),
        await client.delete("/v1/cases", headers=auth() | sent),
        await client.get("/v1/cases", headers=auth() | sent),
    ):
        assert response.headers["x-request-id"] == "trace-42", response.status_code
    made_up = await client.get("/nowhere")
    assert made_up.headers["x-request-id"]
    assert made_up.json()["instance"] == f"urn:request:{made_up.headers['x-request-id']}"


async def test_an_x_request_id_that_cannot_be_kept_is_refused(client: AsyncTestClient[Any], auth: Any) -> None:
    """X-Request-ID is documented as 1 to 200 visible ASCII characters: anything else is a 400 (with a request id of
    the server's own, so the problem's `instance` stays free of whitespace), not silently replaced."""
    longest = await client.get("/v1/cases", headers=auth() | {"X-Request-ID": "r" * 200})
    assert longest.status_code == 200, longest.text
    assert longest.headers["x-request-id"] == "r" * 200
    too_long = await client.get("/v1/cases", headers=auth() | {"X-Request-ID": "r" * 201})
    assert too_long.status_code == 400, too_long.text
    assert too_long.json()["detail"] == "X-Request-ID must be 1 to 200 visible ASCII characters, without spaces."
    assert too_long.headers["x-request-id"] != "r" * 201
    not_printable = await client.get("/v1/cases", headers=auth() | {"X-Request-ID": "trace 42"})
    assert not_printable.status_code == 400, not_printable.text
    assert not_printable.json()["instance"] == f"urn:request:{not_printable.headers['x-request-id']}"


async def test_many_unknown_members_are_each_named_within_the_problem_limits(
    client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    import uuid

    members = [{"person_id": str(uuid.uuid4()), "role": "child" if i == 0 else "parent"} for i in range(30)]
    body = {"family_label": "Khan family", "opened_on": "2026-10-01", "members": members}
    response = await client.post("/v1/cases", json=body, headers=auth())
    assert response.status_code == 422, response.text
    problem = response.json()
    assert 0 < len(problem["detail"]) <= 2000  # the Problem schema's bound
    assert [e["pointer"] for e in problem["errors"]] == [f"/members/{i}/person_id" for i in range(30)]
