"""Working-day timescales (domain 3.5): when something is due and whether it is late.

A working day is Monday to Friday, less the England and Wales bank holidays (the `holidays` package's calendar
for England, which follows the GOV.UK list, substitute days included). "Within N working days of X" means due
on the Nth working day after X. Councils' own closure days [VBC] are not counted yet.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import cache
from uuid import UUID

import holidays
import msgspec

from sos_schema import DueWork, DueWorkKind

from .resources.service import LONDON, today

ONE_DAY = dt.timedelta(days=1)


@cache
def bank_holidays(year: int) -> frozenset[dt.date]:
    """One year's bank holidays in England (cached: the calendar is read once per year asked about)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The Nth working day after `start` (before it when n is negative); `start` itself when n is 0."""
    step, day = (ONE_DAY if n >= 0 else -ONE_DAY), start
    for _ in range(abs(n)):
        day += step
        while not is_working_day(day):
            day += step
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` comes first, so that
    `working_days_between(x, add_working_days(x, n)) == n`."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for k in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(days=k)))


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, or that month's last day (31 August + 6 = 28 or 29 February):
    "within 3 months" and "6 months apart" (domain 3.5) are calendar months."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def london_date(at: dt.datetime) -> dt.date:
    """The day an instant falls on in England, where timescales are counted."""
    return at.astimezone(LONDON).date()


class Due(msgspec.Struct, frozen=True, kw_only=True):
    """A deadline seen from one day: working days left (negative when late) and whether it has passed."""

    due_on: dt.date
    days_remaining: int
    overdue: bool


def due(due_on: dt.date, on: dt.date | None = None) -> Due:
    """The deadline seen from `on` (today in England unless given). A deadline missed on a Friday reads 0 days
    remaining over the weekend, and overdue, until Monday makes it -1."""
    on = on or today()
    return Due(due_on=due_on, days_remaining=working_days_between(on, due_on), overdue=on > due_on)


def due_work(
    what: DueWorkKind, kind: str, record_id: UUID, case_id: UUID | None, child_ids: list[UUID], due_on: dt.date
) -> DueWork:
    """One item of a team's due-work list, seen from today."""
    clock = due(due_on)
    return DueWork(
        what=what,
        kind=kind,
        record_id=record_id,
        case_id=case_id,
        child_ids=child_ids,
        due_by=due_on,
        working_days_remaining=clock.days_remaining,
        overdue=clock.overdue,
    )
