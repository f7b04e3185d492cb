"""Operations inside the app: Prometheus metrics at /metrics, JSON log lines, and safety behind a transaction-mode
pooler (PgBouncer): no prepared statement or tenant setting outlives its transaction."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from prometheus_client import generate_latest
from sqlalchemy.ext.asyncio import create_async_engine

from sos_api.app import create_app
from sos_api.db.embedded import APP_LOGIN, async_url
from sos_api.logs import JsonFormatter
from sos_api.metrics import Metrics
from sos_api.settings import Settings
from tests.api.conftest import TokenFactory

ADA = {"given_names": "Ada", "family_name": "Okafor", "identifiers": [{"system": "nhs_number", "value": "9990000018"}]}


def samples(text: str, name: str) -> dict[str, float]:
    """`{labels: value}` of one metric in Prometheus text format."""
    found = {}
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}(\{{.*\}})? (\S+)", line)
        if match:
            found[match.group(1) or ""] = float(match.group(2))
    return found


class TestMetrics:
    async def test_requests_are_counted_by_route_template_never_by_path(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        made = await module_client.post("/v1/people", json=ADA, headers=auth())
        assert made.status_code == 201, made.text
        person_id = made.json()["id"]
        for _ in range(2):
            assert (await module_client.get(f"/v1/people/{person_id}", headers=auth())).status_code == 200
        await module_client.get("/v1/people?identifier=nhs_number%7C9990000018", headers=auth())
        await module_client.get("/v1/people", headers={"Authorization": "Bearer nonsense"})

        scraped = await module_client.get("/metrics")
        assert scraped.status_code == 200
        assert scraped.headers["content-type"].startswith("text/plain; version=0.0.4")
        text = scraped.text
        assert person_id not in text
        assert "9990000018" not in text
        counts = samples(text, "sos_http_requests_total")
        assert counts['{method="GET",route="/v1/people/{person_id}",status_class="2xx"}'] == 2
        assert counts['{method="POST",route="/v1/people",status_class="2xx"}'] == 1
        assert counts['{method="GET",route="/v1/people",status_class="4xx"}'] == 1  # the refused token
        latency = samples(text, "sos_http_request_duration_seconds_count")
        assert latency['{method="GET",route="/v1/people/{person_id}"}'] == 2
        buckets = samples(text, "sos_http_request_duration_seconds_bucket")
        assert buckets['{le="+Inf",method="GET",route="/v1/people/{person_id}"}'] == 2

    async def test_pool_and_outbox_are_measured_when_scraped(self, module_client: AsyncTestClient[Any]) -> None:
        text = (await module_client.get("/metrics")).text
        pool = samples(text, "sos_db_pool_connections")
        assert set(pool) == {'{state="in_use"}', '{state="idle"}', '{state="overflow"}'}
        assert samples(text, "sos_db_pool_size") == {"": 10.0}
        # The person written above is in the outbox. Whether it is served yet depends on every transaction open on
        # the server (other databases' too: pg_snapshot_xmin is server-wide), so only the shape is certain here.
        assert samples(text, "sos_outbox_newest_seq")[""] >= 1
        assert samples(text, "sos_outbox_unpublished_changes")[""] >= 0
        assert samples(text, "sos_outbox_lag_seconds")[""] >= 0

    async def test_an_open_transaction_holds_changes_back_and_shows_as_lag(
        self, module_client: AsyncTestClient[Any], module_database: str, auth: TokenFactory
    ) -> None:
        engine = create_async_engine(async_url(module_database))
        try:
            async with engine.connect() as writer:
                # A transaction that has an id and stays open: the feed serves nothing written after it began.
                await writer.execute(sa.text("SELECT pg_current_xact_id()"))
                for _ in range(2):
                    made = await module_client.post(
                        "/v1/people", json={"given_names": "Lag", "family_name": "Test"}, headers=auth()
                    )
                    assert made.status_code == 201
                text = (await module_client.get("/metrics")).text
                assert samples(text, "sos_outbox_unpublished_changes")[""] >= 2
                assert samples(text, "sos_outbox_lag_seconds")[""] > 0
                await writer.rollback()
        finally:
            await engine.dispose()

    async def test_switched_off_it_is_not_found(self, settings: Settings, module_database: str) -> None:
        off = msgspec.structs.replace(settings, metrics=False)
        async with AsyncTestClient(create_app(off, database_url=module_database)) as client:
            answer = await client.get("/metrics")
            assert answer.status_code == 404
            assert answer.headers["content-type"] == "application/problem+json"

    def test_an_unknown_method_adds_no_label_value(self) -> None:
        metrics = Metrics()
        metrics.observe("BREW", "/v1/people", 405, 0.001)
        metrics.observe("PURGE", "/v1/people", 405, 0.001)
        metrics.observe("GET", "/v1/people", None, 0.001)  # raised before any response: counted as a 5xx
        text = generate_latest(metrics.registry).decode()
        assert samples(text, "sos_http_requests_total") == {
            '{method="OTHER",route="/v1/people",status_class="4xx"}': 2.0,
            '{method="GET",route="/v1/people",status_class="5xx"}': 1.0,
        }

    def test_latency_buckets_are_cumulative_and_inclusive(self) -> None:
        metrics = Metrics()
        for seconds in (0.001, 0.005, 0.3, 30.0):
            metrics.observe("GET", "/health", 200, seconds)
        text = generate_latest(metrics.registry).decode()
        buckets = {k.split('"')[1]: v for k, v in samples(text, "sos_http_request_duration_seconds_bucket").items()}
        assert (buckets["0.005"], buckets["0.25"], buckets["0.5"], buckets["10.0"], buckets["+Inf"]) == (2, 2, 3, 3, 4)
        assert samples(text, "sos_http_request_duration_seconds_sum") == {'{method="GET",route="/health"}': 30.306}
        assert list(metrics.routes) == [("GET", "/health")]

    def test_counting_a_request_costs_microseconds(self) -> None:
        import time

        metrics, n = Metrics(), 20_000
        started = time.perf_counter()
        for _ in range(n):
            metrics.observe("GET", "/v1/people/{person_id}", 200, 0.003)
        per_request = (time.perf_counter() - started) / n
        assert per_request < 20e-6, per_request  # ~1-2 µs here (a shared, loaded machine); generous


class TestJsonLogs:
    def record(self, **extra: Any) -> logging.LogRecord:
        record = logging.LogRecord("sos_api.app", logging.WARNING, __file__, 1, "ready: %s", ("no",), None)
        record.__dict__.update(extra)
        return record

    def test_a_record_is_one_json_object(self) -> None:
        line = JsonFormatter().format(self.record())
        assert "\n" not in line
        parsed = json.loads(line)
        assert (parsed["level"], parsed["logger"], parsed["message"]) == ("WARNING", "sos_api.app", "ready: no")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", parsed["time"])

    def test_an_exception_is_kept_on_the_same_line_without_its_message(self) -> None:
        def fail() -> None:
            try:
                raise KeyError("9990000018")
            except KeyError as exc:
                raise RuntimeError("Ada Okafor, 17 Quillfeather Row") from exc

        try:
            fail()
        except RuntimeError:
            record = self.record(exc_info=sys.exc_info())
        parsed = json.loads(JsonFormatter().format(record))
        trace = parsed["exception"]
        assert trace.splitlines()[0] == "builtins.RuntimeError"
        assert "builtins.KeyError" in trace  # the chain
        assert ", in fail" in trace  # the frames
        for secret in ("9990000018", "Okafor", "Quillfeather"):
            assert secret not in trace

    async def test_a_database_error_is_named_by_its_sqlstate_not_its_text(self, module_database: str) -> None:
        engine = create_async_engine(async_url(module_database))
        try:
            async with engine.connect() as conn:
                await conn.execute(sa.text("SELECT CAST(CAST(:nhs AS text) AS integer)"), {"nhs": "nhs 9990000018"})
        except sa.exc.DBAPIError:
            record = self.record(exc_info=sys.exc_info())
        finally:
            await engine.dispose()
        assert record.exc_info is not None
        assert "9990000018" in str(record.exc_info[1])  # PostgreSQL quotes the value it refused
        text = JsonFormatter().format(record)
        assert "(SQLSTATE 22P02)" in json.loads(text)["exception"]
        assert "9990000018" not in text

    def test_a_request_line_has_its_fields_at_the_top(self) -> None:
        fields = b'{"method":"GET","route":"/v1/people","status":200}'
        parsed = json.loads(JsonFormatter().format(self.record(json_fields=fields)))
        assert (parsed["logger"], parsed["route"], parsed["status"]) == ("sos_api.app", "/v1/people", 200)
        assert "message" not in parsed


class TestBehindATransactionPooler:
    """PgBouncer in transaction mode may run each transaction on another server connection: a named prepared
    statement, a session setting or a session role left on one would be missing, or would leak to another
    client. Shown here on one pooled connection the app keeps (pool of one, used request after request)."""

    @pytest.fixture(params=[True, False], ids=["cache", "no-cache"])
    async def client(self, request: Any, settings: Settings, module_database: str) -> AsyncIterator[Any]:
        one = msgspec.structs.replace(settings, pool_size=1, database_statement_cache=request.param)
        async with AsyncTestClient(create_app(one, database_url=module_database)) as client:
            yield client

    def left_on_the_connection(self, client: AsyncTestClient[Any]) -> tuple[Any, ...]:
        async def look() -> tuple[Any, ...]:
            async with client.app.state.db.engine.connect() as conn:
                row = await conn.execute(
                    sa.text(
                        "SELECT (SELECT count(*) FROM pg_prepared_statements), current_user, "
                        "coalesce(current_setting('sos.la_codes', true), '')"
                    )
                )
                return tuple(row.one())

        # On the app's own event loop, where its pool's connections live.
        return client.blocking_portal.call(look)  # type: ignore[no-any-return]

    async def test_nothing_outlives_a_request_but_cached_statements(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        made = await client.post("/v1/people", json={"given_names": "Pooled", "family_name": "Test"}, headers=auth())
        assert made.status_code == 201, made.text
        read = await client.get(f"/v1/people/{made.json()['id']}", headers=auth())
        assert read.status_code == 200, read.text
        statements, role, councils = self.left_on_the_connection(client)
        # The tenant and the role were transaction-local: gone with the request's transaction.
        assert (role, councils) == (APP_LOGIN, "")
        if client.app.state.settings.database_statement_cache:
            assert statements > 0  # the check can fail: with the cache on, statements stay prepared
        else:
            assert statements == 0


def test_serve_hands_uvicorn_the_grace_and_no_access_log(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    import argparse
    import signal

    import uvicorn

    from sos_api import cli

    given: dict[str, Any] = {}
    monkeypatch.setattr(cli, "migrated_database", lambda settings: "postgresql://unused")
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: given.update(options))
    settings = Settings(
        database_url="postgresql://unused", data_dir=tmp_path, local_issuer=True, shutdown_grace_seconds=7
    )
    before = signal.getsignal(signal.SIGTERM)
    try:
        assert cli.cmd_serve(settings, argparse.Namespace(host=None, port=None)) == 0
    finally:
        signal.signal(signal.SIGTERM, before)
    assert (given["timeout_graceful_shutdown"], given["access_log"], given["log_config"]) == (7, False, None)
