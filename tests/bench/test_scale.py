"""bench.scale's table: sizes parsed, each scenario's ratio to its own run's ceiling, largest over smallest."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from bench.scale import parse_sizes, side_by_side


def size(cases: int, map_rps: float, doc_rps: float, map_p99: float) -> dict[str, Any]:
    return {
        "cases": cases,
        "synth_seconds": 10.0,
        "synth_cases_per_second": cases / 10,
        "vacuum_seconds": 1.0,
        "database_bytes": cases * 50_000,
        "result": {
            "peak_rss_mb": {"ours": 120.0, "ceiling": 70.0},
            "scenarios": {
                "doc": {"label": "ceiling GET /doc/{case}", "requests_per_second": doc_rps, "p50_ms": 5, "p99_ms": 9},
                "getCurrentMap": {
                    "label": "ours GET /v1/cases/{id}/maps/current",
                    "requests_per_second": map_rps,
                    "p50_ms": 6.0,
                    "p99_ms": map_p99,
                },
            },
            "ratios": {"getCurrentMap vs ceiling /doc": {"throughput": round(map_rps / doc_rps, 3)}},
        },
    }


def test_sizes_are_numbers_separated_by_commas() -> None:
    assert parse_sizes("10000,1_000_000") == [10_000, 1_000_000]
    for bad in ("", "ten", "0", "10,-1"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_sizes(bad)


def test_the_table_sets_each_size_beside_its_own_ceiling(capsys: pytest.CaptureFixture[str]) -> None:
    # The large run's machine was busier (both slower), but the map read kept 0.8 of its ceiling in both runs.
    side_by_side([size(10_000, 800.0, 1000.0, 20.0), size(1_000_000, 400.0, 500.0, 30.0)])
    lines = capsys.readouterr().out.splitlines()
    rows = [line.split() for line in lines if "/maps/current" in line or line.lstrip().startswith(("1,000", "largest"))]
    assert ["ours", "GET", "/v1/cases/{id}/maps/current", "10,000", "800.0", "6.00", "20.00", "0.80x"] in rows
    assert ["1,000,000", "400.0", "6.00", "30.00", "0.80x"] in rows
    assert ["largest/smallest", "0.50x", "1.00x", "1.50x", "1.00x"] in rows
    assert any("10,000 cases: loaded in 10 s (1,000 cases/s)" in line and "49 kB/case" in line for line in lines)
