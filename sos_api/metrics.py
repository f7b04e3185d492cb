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

Counts are per worker process, as the pool is: run one worker per container (deploy/k8s/ does, and the
HorizontalPodAutoscaler adds pods) and Prometheus sums the pods. With several workers behind one port a scrape
would see only the worker that answered it.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric

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


class _Route:
    """One (method, route template)'s counts: by status class, and by latency bucket."""

    __slots__ = ("buckets", "by_status", "seconds")

    def __init__(self) -> None:
        self.by_status = [0, 0, 0, 0, 0]  # 1xx .. 5xx
        self.buckets = [0] * (len(BUCKETS) + 1)  # the last one is +Inf
        self.seconds = 0.0


class Metrics:
    """One app's request metrics. Counting is a dict lookup, a bisect and three additions (no lock: the middleware
    runs on the event loop's thread), about a microsecond; prometheus_client's own Counter and Histogram took ten
    times that. The Prometheus families are built when scraped."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], _Route] = {}
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self)

    def observe(self, method: str, route: str, status: int | None, seconds: float) -> None:
        key = (method if method in METHODS else "OTHER", route)
        counts = self.routes.get(key)
        if counts is None:
            counts = self.routes[key] = _Route()
        status_class = (status or 500) // 100 - 1
        counts.by_status[status_class if 0 <= status_class < 5 else 4] += 1
        counts.buckets[bisect_left(BUCKETS, seconds)] += 1
        counts.seconds += seconds

    def collect(self) -> Iterable[Metric]:
        requests = CounterMetricFamily(
            "sos_http_requests",
            "HTTP requests answered, by method, route template and status class.",
            labels=["method", "route", "status_class"],
        )
        latency = HistogramMetricFamily(
            "sos_http_request_duration_seconds",
            "Time from the request reaching the app to its response, by method and route template.",
            labels=["method", "route"],
        )
        for (method, route), counts in list(self.routes.items()):
            for index, n in enumerate(counts.by_status):
                if n:
                    requests.add_metric([method, route, STATUS_CLASSES[index + 1]], n)
            cumulative, running = [], 0
            for bound, n in zip([*map(str, BUCKETS), "+Inf"], counts.buckets, strict=True):
                running += n
                cumulative.append((bound, running))
            latency.add_metric([method, route], cumulative, counts.seconds)
        return [requests, latency]

    async def exposition(self, db: Database) -> bytes:
        """The text a scrape gets: this worker's request metrics and the live gauges."""
        live = CollectorRegistry(auto_describe=False)
        live.register(_Gauges([*pool_gauges(db), *await outbox_gauges(db)]))
        return generate_latest(self.registry) + generate_latest(live)


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
