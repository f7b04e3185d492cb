"""The changes feed (GET /v1/changes, interop R5 and R6): commit order with late commits, tombstones, types, the
delta cursor, one council's changes only, the access log, and retention with pruning."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from sos_api import cli
from sos_api.changes.service import prune_changes
from sos_api.db.embedded import async_url
from sos_api.db.engine import Database
from tests.api.conftest import COUNCIL_B, TokenFactory

CLIENT_SUB = "liquidlogic-sync"
FEED = "/v1/changes"
ENTER_845 = sa.text("SELECT set_config('sos.la_codes', '845', true), set_config('role', 'sos_app', true)")
ADD_CHANGE = sa.text(
    "INSERT INTO outbox (la_code, kind, record_id, version, op, changed_at, actor) "
    "VALUES ('845', 'case', gen_random_uuid(), 1, 'create', now() - make_interval(days => :age), 'test') "
    "RETURNING seq"
)


def sync_client(auth: TokenFactory, org: str = "la:845", sub: str = CLIENT_SUB) -> dict[str, str]:
    return auth("integration_client", org, sub=sub, scp="system/*.cruds", azp="liquidlogic")


async def follow(
    client: AsyncTestClient[Any], headers: dict[str, str], cursor: str | None, want: int, **params: Any
) -> tuple[list[dict[str, Any]], str]:
    """Page through the feed until `want` items have come (the horizon waits for any transaction on the server
    still running, another test's included), and return them with the last cursor."""
    items: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60
    while True:
        page = await client.get(FEED, params={**params, **({"cursor": cursor} if cursor else {})}, headers=headers)
        assert page.status_code == 200, page.text
        body = page.json()
        items += body["items"]
        assert body["next_cursor"], "every page carries a cursor"
        cursor = body["next_cursor"]
        if len(items) >= want and not body["items"]:
            return items, cursor
        if time.monotonic() > deadline:
            raise AssertionError(f"the feed gave {len(items)} of {want} changes: {items}")
        if not body["items"]:
            await asyncio.sleep(0.2)


@pytest.fixture
async def app_engine(database_url: str, client: AsyncTestClient[Any]) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(async_url(database_url))
    yield engine
    await engine.dispose()


async def test_the_feed_lists_each_change_once_in_order_with_tombstones(
    client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    me = sync_client(auth)
    _, start = await follow(client, me, None, 0)  # an empty feed still gives a cursor to follow

    async def made(url: str, body: dict[str, Any]) -> str:
        response = await client.post(url, json=body, headers=me)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    wrong = await made("/v1/people", {"given_names": "Ada", "family_name": "Wrong"})
    child = await made("/v1/people", {"given_names": "Bea", "family_name": "Feed", "date_of_birth": "2019-04-02"})
    marked = await client.post(
        f"/v1/people/{wrong}/entered-in-error",
        json={"reason": "Recorded on the wrong family."},
        headers=me | {"If-Match": 'W/"1"'},
    )
    assert marked.status_code == 200, marked.text
    case = await made(
        "/v1/cases",
        {"family_label": "Feed family", "opened_on": "2026-10-01", "members": [{"person_id": child, "role": "child"}]},
    )
    involvement = await made(
        f"/v1/cases/{case}/involvements",
        {"kind": "agency", "organisation": "ods:RX1", "reason": "invited_to_meeting", "start_date": "2026-10-02"},
    )
    ended = await client.post(
        f"/v1/involvements/{involvement}/end",
        json={"end_date": "2026-11-30", "note": "Discharged."},
        headers=me | {"If-Match": 'W/"1"'},
    )
    assert ended.status_code == 200, ended.text

    items, cursor = await follow(client, me, start, 6, limit=2)
    seen = [(i["type"], i["id"], i["version"], i["op"], i.get("reason")) for i in items]
    assert seen == [
        ("person", wrong, 1, "upsert", None),
        ("person", child, 1, "upsert", None),
        ("person", wrong, 2, "delete", "entered-in-error"),
        ("case", case, 1, "upsert", None),
        ("case_involvement", involvement, 1, "upsert", None),
        ("case_involvement", involvement, 2, "upsert", None),  # ending is an update, never a delete (R6)
    ]
    assert all(i["actor"] == CLIENT_SUB and i["source_system"] == "liquidlogic" for i in items)
    assert [i["case_id"] for i in items[3:]] == [case, case, case]
    assert "given_names" not in str(items)  # thin: ids, never content
    # Each names where to read the version it made (R9).
    involvement_v1 = await client.get(items[4]["href"], headers=me)
    assert involvement_v1.status_code == 200, items[4]
    assert involvement_v1.json()["id"] == involvement
    assert involvement_v1.json()["meta"]["version"] == 1

    # Nothing new: an empty page, and a cursor to keep; a later change comes after it, and only that.
    again = (await client.get(FEED, params={"cursor": cursor}, headers=me)).json()
    assert again["items"] == []
    assert again["next_cursor"]
    late = await made("/v1/people", {"given_names": "Cy", "family_name": "Late"})
    newer, _ = await follow(client, me, again["next_cursor"], 1)
    assert [i["id"] for i in newer] == [late]

    only, _ = await follow(client, me, None, 2, types="case_involvement")
    assert [(i["type"], i["version"]) for i in only] == [("case_involvement", 1), ("case_involvement", 2)]
    unknown = await client.get(FEED, params={"types": "case,tea_break"}, headers=me)
    assert unknown.status_code == 400
    assert unknown.json()["type"].endswith("/unknown-type")
    assert "tea_break" in unknown.json()["detail"]
    # A cursor is bound to its types: another filter's cursor is refused.
    crossed = await client.get(FEED, params={"types": "case", "cursor": cursor}, headers=me)
    assert crossed.status_code == 400
    assert crossed.headers["content-type"].startswith("application/problem+json")

    # Another council's client sees none of it; the council's auditor reads the same feed.
    other = await client.get(FEED, headers=sync_client(auth, COUNCIL_B, sub="council-b-sync"))
    assert other.status_code == 200
    assert other.json()["items"] == []
    audited, _ = await follow(client, auth("auditor"), None, 7)
    assert len(audited) == 7

    # Each change listed is in the access log, as a search result of the client's.
    log = await client.get("/v1/audit-events", params={"actor": CLIENT_SUB, "limit": 500}, headers=auth("auditor"))
    listed = {(e["object_type"], e["object_id"], e["object_version"]) for e in log.json()["items"]}
    listed_events = [e for e in log.json()["items"] if e["action"] == "search_result"]
    assert {("case", case, 1), ("case_involvement", involvement, 2), ("person", wrong, 2)} <= listed
    assert all(e["purpose"] == "integration_sync" for e in listed_events)
    assert any(e["case_id"] == case and e["child_ids"] == [child] for e in listed_events)


async def test_a_change_that_commits_late_is_not_skipped(
    client: AsyncTestClient[Any], auth: TokenFactory, app_engine: AsyncEngine
) -> None:
    """Two writers: the first takes the lower seq and commits last. A reader paging meanwhile sees both, once each."""
    me = sync_client(auth)
    _, cursor = await follow(client, me, None, 0)
    early = await app_engine.connect()
    late = await app_engine.connect()
    try:
        slow = await early.begin()
        await early.execute(ENTER_845)
        slow_seq = (await early.execute(ADD_CHANGE, {"age": 0})).scalar_one()
        fast = await late.begin()
        await late.execute(ENTER_845)
        fast_seq = (await late.execute(ADD_CHANGE, {"age": 0})).scalar_one()
        assert slow_seq < fast_seq
        await fast.commit()
        # The higher seq has committed; a feed paging by seq would serve it now and page past the lower one.
        page = (await client.get(FEED, params={"cursor": cursor}, headers=me)).json()
        assert page["items"] == []
        cursor = page["next_cursor"]
        await slow.commit()
    finally:
        await early.close()
        await late.close()
    items, _ = await follow(client, me, cursor, 2)
    assert len(items) == 2
    assert [int(i["position"].split(".")[1]) for i in items] == [slow_seq, fast_seq]


async def test_old_changes_are_pruned_and_an_older_cursor_is_gone(
    client: AsyncTestClient[Any],
    auth: TokenFactory,
    database_url: str,
    owner_database_url: str,
) -> None:
    owner = create_async_engine(async_url(owner_database_url))
    try:
        async with owner.begin() as conn:
            old = [(await conn.execute(ADD_CHANGE, {"age": 40})).scalar_one() for _ in range(2)]
            kept = (await conn.execute(ADD_CHANGE, {"age": 1})).scalar_one()
        me = sync_client(auth)
        first = (await client.get(FEED, params={"limit": 1}, headers=me)).json()
        assert [int(i["position"].split(".")[1]) for i in first["items"]] == [old[0]]

        # The database keeps R5's 35 days whoever asks, the owner included.
        async with owner.begin() as conn:
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                await conn.execute(sa.text("DELETE FROM outbox WHERE seq = :s"), {"s": kept})
        async with owner.begin() as conn:
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                await conn.execute(sa.text("UPDATE outbox SET actor = 'x' WHERE seq = :s"), {"s": old[0]})

        db = Database(database_url, pool_size=1)
        try:
            assert await prune_changes(db, 35) == {"845": 2}
            assert await prune_changes(db, 35) == {}
        finally:
            await db.dispose()

        expired = await client.get(FEED, params={"cursor": first["next_cursor"], "limit": 1}, headers=me)
        assert expired.status_code == 410, expired.text
        assert expired.json()["type"].endswith("/cursor-expired")
        fresh, _ = await follow(client, me, None, 1)
        assert [int(i["position"].split(".")[1]) for i in fresh] == [kept]
    finally:
        await owner.dispose()


def test_the_prune_command_runs_as_the_apps_login(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """What a scheduler runs daily; SOS_CHANGES_RETENTION_DAYS below R5's 35 days stops it, naming the variable."""
    monkeypatch.setenv("SOS_DATABASE_URL", database_url)
    monkeypatch.setenv("SOS_CHANGES_RETENTION_DAYS", "35")
    assert cli.main(["prune-changes"]) == 0
    assert "pruned 0 changes older than 35 days" in capsys.readouterr().out
    monkeypatch.setenv("SOS_CHANGES_RETENTION_DAYS", "7")
    assert cli.main(["prune-changes"]) == 2
    assert "SOS_CHANGES_RETENTION_DAYS" in capsys.readouterr().err
