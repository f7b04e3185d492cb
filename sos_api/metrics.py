"""Prometheus metrics at `GET /metrics` (text format 0.0.4).

- `sos_http_requests_total{method, route, status_class}` and `sos_http_request_duration_seconds{method, route}`:
  counted by the request log middleware (sos_api/request_log.py) with the route *template*
  (`/v1/people/{person_id}`), never the path, so no id or identifier ever becomes a label; an unknown method is
  counted as `OTHER`, so a client cannot add label values at will.
- `sos_db_pool_connections{state="in_use"|"idle"|"overflow"}` and `sos_db_pool_size`: this worker's SQLAlchemy pool,
  read when scraped.
- `sos_outbox_newest_seq`, `sos_outbox_unpublished_changes` and `sos_outbox_lag_seconds`: the changes feed serves
  an outbox row once every transaction older than its own has ended (sos_api/changes/queries.py); a row written but
  not yet below that horizon is unpublished, and the lag is the age of the oldest such row. Computed when scraped
  from the newest `LAG_WINDOW` outbox rows (a backward scan of the primary key, a few milliseconds), as the
  server's own login outside any council (role `sos_system`).

Who may read it: anyone who reaches the port, without a token, like /health. Nothing in it names a person or a
record: labels are route templates, methods and status classes. Keep it off the public host (the Kubernetes
NetworkPolicy admits scrapers from the monitoring namespace only, deploy/k8s/), or switch it off with
SOS_METRICS=false (404).

Several worker processes: set PROMETHEUS_MULTIPROC_DIR (an empty directory, emptied at each start) and the request
counts of all workers are summed at scrape (prometheus_client's multiprocess mode); the pool gauges are then the
scraped worker's own. On Kubernetes run one worker per pod and let the HorizontalPodAutoscaler add pods.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

if TYPE_CHECKING:
    from .db.engine import Database

log = logging.getLogger(__name__)

# What generate_latest writes; Litestar adds `; charset=utf-8`. Every Prometheus since 2.0 reads it.
CONTENT_TYPE = "text/plain; version=0.0.4"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
STATUS_CLASSES = {1: "1xx", 2: "2xx", 3: "3xx", 4: "4xx", 5: "5xx"}
# Latency buckets in seconds: reads take milliseconds, a contended write or a large sync batch up to seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LAG_WINDOW = 10_000

OUTBOX_LAG = sa.text(
    """
    WITH newest AS (SELECT seq, txid, changed_at FROM outbox ORDER BY seq DESC LIMIT :window),
    horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
    SELECT
        (SELECT max(seq) FROM newest) AS newest_seq,
        count(*) FILTER (WHERE txid >= horizon.xmin) AS unpublished,
        coalesce(extract(epoch FROM now() - min(changed_at) FILTER (WHERE txid >= horizon.xmin)), 0) AS lag
    FROM newest, horizon
    """
)


class Metrics:
    """One app's request metrics (tests build many apps in one process, so never the global registry)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "sos_http_requests",
            "HTTP requests answered, by method, route template and status class.",
            ["method", "route", "status_class"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "sos_http_request_duration_seconds",
            "Time from the request reaching the app to its response, by method and route template.",
            ["method", "route"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        # Label lookups cost more than the counting itself: keep each combination's children.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, method: str, route: str, status: int | None, seconds: float) -> None:
        key = (method, route, (status or 500) // 100)
        children = self._children.get(key)
        if children is None:
            label = method if method in METHODS else "OTHER"
            status_class = STATUS_CLASSES.get(key[2], "5xx")
            children = (self.requests.labels(label, route, status_class), self.latency.labels(label, route))
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    async def exposition(self, db: Database) -> bytes:
        """The text a scrape gets: request metrics (every worker's, in multiprocess mode) and the live gauges."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            counted = CollectorRegistry()
            MultiProcessCollector(counted)  # type: ignore[no-untyped-call]
        else:
            counted = self.registry
        live = CollectorRegistry()
        live.register(_Gauges([*pool_gauges(db), *await outbox_gauges(db)]))
        return generate_latest(counted) + generate_latest(live)


class _Gauges:
    """Gauges measured for this scrape only."""

    def __init__(self, metrics: list[Metric]) -> None:
        self.metrics = metrics

    def collect(self) -> Iterable[Metric]:
        return self.metrics


def pool_gauges(db: Database) -> list[Metric]:
    pool: Any = db.engine.pool
    size, in_use, overflow = pool.size(), pool.checkedout(), max(pool.overflow(), 0)
    connections = GaugeMetricFamily(
        "sos_db_pool_connections", "Database connections of this worker's pool, by state.", labels=["state"]
    )
    connections.add_metric(["in_use"], in_use)
    connections.add_metric(["idle"], pool.checkedin())
    connections.add_metric(["overflow"], overflow)
    return [connections, GaugeMetricFamily("sos_db_pool_size", "Connections the pool keeps open.", value=size)]


async def outbox_gauges(db: Database) -> list[Metric]:
    try:
        async with db.begin_system() as conn:
            row = (await conn.execute(OUTBOX_LAG, {"window": LAG_WINDOW})).one()
    except Exception as exc:  # a scrape must answer even when the database does not (readiness reports that)
        log.warning("outbox metrics unavailable: %s", type(exc).__name__)
        return []
    return [
        GaugeMetricFamily("sos_outbox_newest_seq", "Sequence number of the newest outbox row.", value=row[0] or 0),
        GaugeMetricFamily(
            "sos_outbox_unpublished_changes",
            "Outbox rows written but not yet served by the changes feed (a transaction older than theirs is open).",
            value=row[1],
        ),
        GaugeMetricFamily(
            "sos_outbox_lag_seconds", "Age of the oldest outbox row the changes feed does not serve yet.", value=row[2]
        ),
    ]
