"""Measures for one council: the periods asked for, each measure's values per period and group, the CSV export
with small numbers suppressed, and one access event per request (the figures read children's records in
aggregate, so the request is recorded once, not each child: BR-25)."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import MeasureCatalogue, MeasureGrouping, MeasurePeriod, MeasurePoint, MeasureSeries

from .. import problems
from ..audit import record as audit
from ..auth.policy import ALL_VISIBILITIES, Scope
from ..auth.roles import Role
from ..context import Actor
from ..db.engine import Database
from ..resources.service import now, today
from ..timescales import add_months, add_working_days
from . import queries
from .catalogue import BY_CODE, MEASURES, Measure

MAX_PERIODS = 120
SMALL = 5
ICPC_WORKING_DAYS = 15  # BR-13
FIRST_CORE_GROUP_WORKING_DAYS = 10  # BR-13
PLACEMENT_PLAN_WORKING_DAYS = 5  # BR-15


def catalogue() -> MeasureCatalogue:
    return MeasureCatalogue(measures=[m.definition for m in MEASURES])


def measure(code: str) -> Measure:
    found = BY_CODE.get(code)
    if found is None:
        raise problems.NotFound("No such measure. GET /v1/measures lists them.")
    return found


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def periods(period: MeasurePeriod, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The periods from the one holding `start` to the one holding `end`, calendar aligned (quarters from January,
    years from January); a rolling 12 months ends at each month's end. No period ends after today."""
    if end < start:
        raise problems.BadRequest("`from` must not be after `to`.")
    step = {MeasurePeriod.month: 1, MeasurePeriod.quarter: 3, MeasurePeriod.year: 12}.get(period, 1)
    first = _month_start(start)
    if period is MeasurePeriod.quarter:
        first = first.replace(month=(first.month - 1) // 3 * 3 + 1)
    elif period is MeasurePeriod.year:
        first = first.replace(month=1)
    out: list[tuple[dt.date, dt.date]] = []
    cursor, last_day = first, today()
    while cursor <= end:
        following = add_months(cursor, step)
        p_end = min(following - dt.timedelta(days=1), last_day)
        p_start = add_months(following, -12) if period is MeasurePeriod.rolling_12_months else cursor
        out.append((p_start, p_end))
        if len(out) > MAX_PERIODS:
            raise problems.BadRequest(f"Ask for at most {MAX_PERIODS} periods at a time.")
        cursor = following
    return out


def parameters_for(m: Measure, given: dict[str, int]) -> dict[str, int]:
    """The measure's parameters, defaults filled in; 400 for an unknown name or a value out of range."""
    known = {p.name: p for p in m.definition.parameters}
    unknown = sorted(given.keys() - known.keys())
    if unknown:
        raise problems.BadRequest(f"{m.code} takes no parameter {', '.join(unknown)}.")
    chosen = {name: given.get(name, p.default) for name, p in known.items()}
    for name, value in chosen.items():
        p = known[name]
        if not p.minimum <= value <= p.maximum:
            raise problems.BadRequest(f"{name} must be between {p.minimum} and {p.maximum}.")
    return chosen


def _value(m: Measure, numerator: int | float, denominator: int) -> float | None:
    if denominator == 0:
        return None
    ratio = float(numerator) / denominator
    return round(ratio * 100 if m.shape == "proportion" else ratio, 2)


def _team_limit(actor: Actor, group_by: MeasureGrouping) -> frozenset[str] | None:
    """A team manager sees each worker's figures for their own teams only (the token's `teams`); council, team and
    perspective figures are not about one worker's caseload."""
    if actor.role is Role.team_manager and group_by is MeasureGrouping.worker:
        return actor.principal.teams
    return None


async def series(
    db: Database,
    actor: Actor,
    code: str,
    period: MeasurePeriod,
    start: dt.date | None,
    end: dt.date | None,
    group_by: MeasureGrouping,
    given: dict[str, int],
    *,
    export: bool = False,
) -> MeasureSeries:
    """A measure's values: from the materialised monthly figures when they cover the request (months, default
    parameters, not a team manager's own-team worker figures), computed from the records otherwise."""
    m = measure(code)
    if group_by not in m.groupings:
        allowed = ", ".join(sorted(g.value for g in m.groupings))
        raise problems.BadRequest(f"{code} is grouped by one of: {allowed}.")
    la_code = actor.scope.tenant
    end = end or today()
    start = start or add_months(end, -11)
    spans = periods(period, start, end)
    chosen = parameters_for(m, given)
    teams = _team_limit(actor, group_by)
    async with db.begin(actor.scope) as conn:
        stored: list[Any] = []
        if period is MeasurePeriod.month and chosen == parameters_for(m, {}) and teams is None:
            stored = await queries.select_materialised(conn, la_code, m.code, group_by, [s for s, _ in spans])
        if stored and {r.p_start for r in stored} == {s for s, _ in spans}:
            rows: Sequence[Any] = stored
            computed_at = min(r.computed_at for r in stored)
            spans = sorted({(r.p_start, r.p_end) for r in stored})
        else:
            rows = await _rows(conn, m, la_code, spans, group_by, chosen, teams)
            computed_at = now()
        await audit.record(
            conn, actor, "export" if export else "read", object_type="measure", object_id=None, la_code=la_code
        )
    return MeasureSeries(
        code=m.code,
        la_code=la_code,
        period=period,
        group_by=group_by,
        from_date=spans[0][0],
        to_date=spans[-1][1],
        parameters=chosen,
        points=_points(m, spans, rows, group_by),
        computed_at=computed_at,
    )


async def _rows(
    conn: AsyncConnection,
    m: Measure,
    la_code: str,
    spans: Sequence[tuple[dt.date, dt.date]],
    group_by: MeasureGrouping,
    chosen: dict[str, int],
    teams: frozenset[str] | None,
) -> Sequence[Any]:
    """The measure's (p_start, p_end, grp, num, den) rows worked out from the records."""
    rows: Sequence[Any] = await queries.select_measure_rows(
        conn, m.code, la_code, spans, group_by, chosen, sorted(teams) if teams is not None else None
    )
    rows = _counted(m, rows)
    if teams is not None:
        rows = [r for r in rows if r.grp is not None]
    return rows


def _counted(m: Measure, rows: Sequence[Any]) -> Sequence[Any]:
    """Rows of one per item (conferences, plans) counted per period and group; other measures' rows as they are."""
    if m.code == "icpc-within-15-days":
        return _icpc_counts(rows)
    if m.code == "first-core-group-on-time":
        return _due_counts(rows, "held_on", FIRST_CORE_GROUP_WORKING_DAYS, "met_on")
    if m.code == "placement-plans-on-time":
        return _due_counts(rows, "start_on", PLACEMENT_PLAN_WORKING_DAYS, "agreed_on")
    return rows


ROLLED_UP: dict[MeasureGrouping, Callable[[str | None, str | None], str | None]] = {
    MeasureGrouping.council: lambda team, worker: None,
    MeasureGrouping.team: lambda team, worker: team,
    MeasureGrouping.worker: lambda team, worker: worker,
}


async def _rows_rolled_up(
    conn: AsyncConnection,
    m: Measure,
    la_code: str,
    spans: Sequence[tuple[dt.date, dt.date]],
    chosen: dict[str, int],
) -> dict[MeasureGrouping, list[Any]]:
    """The council, team and worker rows of a measure from one statement grouped by team and worker: every
    measure counts items of one case each, so a coarser group's figure is the sum of its (team, worker) parts."""
    raw = await queries.select_measure_rows(conn, m.code, la_code, spans, None, chosen)
    parts = [(row, msgspec.json.decode(row.grp)) for row in raw]
    out: dict[MeasureGrouping, list[Any]] = {}
    for group_by, pick in ROLLED_UP.items():
        if group_by not in m.groupings:
            continue
        relabelled = [SimpleNamespace(**(row._asdict() | {"grp": pick(*pair)})) for row, pair in parts]
        summed: dict[tuple[dt.date, str | None], _Counted] = {}
        for row in _counted(m, relabelled):
            entry = summed.setdefault((row.p_start, row.grp), _Counted(row.p_start, row.p_end, row.grp))
            entry.num += row.num or 0
            entry.den += row.den or 0
        out[group_by] = list(summed.values())
    return out


def _points(
    m: Measure, spans: Sequence[tuple[dt.date, dt.date]], rows: Sequence[Any], group_by: MeasureGrouping
) -> list[MeasurePoint]:
    found = {(r.p_start, r.grp): r for r in rows}
    points: list[MeasurePoint] = []
    for p_start, p_end in spans:
        groups = sorted({g for (s, g) in found if s == p_start}, key=lambda g: (g is not None, g or ""))
        if group_by is MeasureGrouping.council or not groups:
            groups = groups or [None]
        for grp in groups:
            row = found.get((p_start, grp))
            num, den = (int(row.num or 0), int(row.den or 0)) if row is not None else (0, 0)
            points.append(
                MeasurePoint(
                    period_start=p_start,
                    period_end=p_end,
                    group=grp,
                    value=_value(m, num, den),
                    numerator=num if m.shape == "proportion" else None,
                    denominator=den,
                )
            )
    return points


async def refresh(
    db: Database, *, months: int = 24, la_codes: Sequence[str] | None = None, jobs: int = 1
) -> dict[str, int]:
    """Recompute every measure's monthly figures (default parameters, every grouping) for the last `months` months
    of each council, replacing what was stored: one council and measure at a time, each in its own transaction,
    within that council's tenant; the council, team and worker figures from one statement (_rows_rolled_up).
    `jobs` councils at once (each on its own connection: size the pool to match). A period with nothing counted is
    stored as an empty figure (0 of 0), so the reads can tell "nothing happened" from "not computed". Returns the
    rows written per council."""
    if la_codes is None:
        async with db.begin_system() as conn:
            la_codes = await queries.select_councils(conn)
    last = today()
    spans = periods(MeasurePeriod.month, add_months(last.replace(day=1), -(months - 1)), last)
    written: dict[str, int] = dict.fromkeys(la_codes, 0)
    waiting = list(reversed(la_codes))

    async def work() -> None:
        while waiting:
            la_code = waiting.pop()
            written[la_code] = await _refresh_council(db, la_code, spans)

    await asyncio.gather(*(work() for _ in range(max(1, jobs))))
    return written


async def _refresh_council(db: Database, la_code: str, spans: Sequence[tuple[dt.date, dt.date]]) -> int:
    scope = Scope(la_code=la_code, visibilities=ALL_VISIBILITIES, person_register=True, redact_confidential=False)
    written = 0
    for m in MEASURES:
        defaults = parameters_for(m, {})
        async with db.begin(scope) as conn:
            by_grouping = await _rows_rolled_up(conn, m, la_code, spans, defaults)
            for group_by in sorted(m.groupings - by_grouping.keys()):
                by_grouping[group_by] = list(await _rows(conn, m, la_code, spans, group_by, defaults, None))
            for group_by, rows in sorted(by_grouping.items()):
                counted = {r.p_start for r in rows}
                rows += [_Counted(s, e, None) for s, e in spans if s not in counted]
                written += await queries.replace_materialised(conn, la_code, m.code, group_by, rows, now())
    return written


class _Counted:
    __slots__ = ("den", "grp", "num", "p_end", "p_start")

    def __init__(self, p_start: dt.date, p_end: dt.date, grp: str | None) -> None:
        self.p_start, self.p_end, self.grp, self.num, self.den = p_start, p_end, grp, 0, 0


def _icpc_counts(rows: Sequence[object]) -> list[_Counted]:
    """Initial conferences held within 15 working days of their strategy discussion (BR-13), per period and
    group: the working days come from the bank holiday calendar (timescales.py), not from SQL."""
    counted: dict[tuple[dt.date, str | None], _Counted] = {}
    for row in rows:
        key = (row.p_start, row.grp)  # type: ignore[attr-defined]
        entry = counted.setdefault(key, _Counted(row.p_start, row.p_end, row.grp))  # type: ignore[attr-defined]
        entry.den += 1
        entry.num += row.held_on <= add_working_days(row.strategy_on, ICPC_WORKING_DAYS)  # type: ignore[attr-defined]
    return list(counted.values())


def _due_counts(rows: Sequence[Any], start: str, working_days: int, done: str) -> list[_Counted]:
    """Things due `working_days` after the day in `start` (BR-13, BR-15), counted in the period they fall due in,
    and those done (the day in `done`) by then; rows due in another period are dropped."""
    counted: dict[tuple[dt.date, str | None], _Counted] = {}
    for row in rows:
        due_on = add_working_days(getattr(row, start), working_days)
        if not row.p_start <= due_on <= row.p_end:
            continue
        entry = counted.setdefault((row.p_start, row.grp), _Counted(row.p_start, row.p_end, row.grp))
        entry.den += 1
        finished = getattr(row, done)
        entry.num += finished is not None and finished <= due_on
    return list(counted.values())


def _shown(count: int | None) -> str:
    """A count as it may leave the council: 1 to 4 become "<5" (0 is shown: it picks out nobody)."""
    if count is None:
        return ""
    return "<5" if 0 < count < SMALL else str(count)


def to_csv(s: MeasureSeries) -> bytes:
    """The series as CSV, small numbers suppressed (catalogue.SUPPRESSION)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["code", "la_code", "period_start", "period_end", "group_by", "group", "value", "numerator", "denominator"]
    )
    for p in s.points:
        hidden = any(c is not None and 0 < c < SMALL for c in (p.numerator, p.denominator))
        value = "" if hidden or p.value is None else f"{p.value:g}"
        writer.writerow(
            [
                s.code,
                s.la_code,
                p.period_start.isoformat(),
                p.period_end.isoformat(),
                s.group_by.value,
                p.group or "",
                value,
                _shown(p.numerator),
                _shown(p.denominator),
            ]
        )
    return out.getvalue().encode()
