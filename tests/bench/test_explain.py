"""bench.explain's replay: a write's new ids are swapped consistently, and the summary adds up the plans."""

from __future__ import annotations

import uuid

from bench.explain import FreshIds, Request, summary


def test_an_insert_gets_fresh_ids_for_what_it_brings_and_keeps_what_was_read() -> None:
    read, new = uuid.uuid4(), uuid.uuid4()
    fresh = FreshIds()
    assert fresh.args("SELECT * FROM records WHERE id = $1", (read,)) == (read,)
    inserted = fresh.args("INSERT INTO records (id, parent_id, v) VALUES ($1, $2, $3)", (new, read, 7))
    assert inserted[1:] == (read, 7)
    assert inserted[0] != new
    # Later statements name the swapped id, as the request named its own new record.
    assert fresh.args("INSERT INTO record_versions (record_id) VALUES ($1)", (new,)) == (inserted[0],)


def test_the_summary_adds_up_each_requests_top_level_buffers_and_times() -> None:
    lines = [
        "-- getCase statement 2: SELECT ...",
        "Index Scan using pk_records on records  (cost=0.42..8.46 rows=1 width=84)",
        "  Buffers: shared hit=3 read=2",
        "  ->  Index Scan on case_access",
        "        Buffers: shared hit=100 read=100",
        "Planning:",
        "  Buffers: shared hit=9",
        "Execution Time: 0.250 ms",
        "-- getCase statement 3: INSERT INTO access_events ...",
        "Insert on access_events",
        "  Buffers: shared hit=4 dirtied=1",
        "Execution Time: 0.050 ms",
    ]
    request = Request("getCase", "GET", "/v1/cases/x", "worker", statements=[("", ())] * 4, status=200)
    header, row = summary([request], lines)
    assert header.split() == ["request", "status", "statements", "explained", "exec", "ms", "hit", "read"]
    assert row.split() == ["getCase", "200", "4", "2", "0.30", "7", "2"]
