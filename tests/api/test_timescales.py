"""Working days (domain 3.5), checked against dates worked out by hand from the GOV.UK bank holiday list."""

from __future__ import annotations

import datetime as dt

import pytest

from sos_api.timescales import add_working_days, due, is_working_day, working_days_between

D = dt.date


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 11, 5), 1, D(2026, 11, 6)),  # Thursday -> Friday
        (D(2026, 11, 6), 1, D(2026, 11, 9)),  # Friday -> Monday, over the weekend
        (D(2026, 11, 7), 1, D(2026, 11, 9)),  # received on a Saturday: Monday
        (D(2026, 11, 2), 5, D(2026, 11, 9)),  # a working week
        (D(2026, 4, 2), 1, D(2026, 4, 7)),  # Thursday before Good Friday (3 Apr) and Easter Monday (6 Apr)
        (D(2026, 4, 1), 2, D(2026, 4, 7)),
        # Christmas Day is a Friday; Boxing Day falls on the Saturday, so Monday 28 December is its substitute.
        (D(2026, 12, 24), 1, D(2026, 12, 29)),
        (D(2026, 12, 23), 2, D(2026, 12, 29)),
        (D(2026, 12, 31), 1, D(2027, 1, 4)),  # New Year's Day 2027 is a Friday
        # 2027: Christmas and Boxing Day at a weekend, substitutes on Monday 27 and Tuesday 28 December.
        (D(2027, 12, 24), 1, D(2027, 12, 29)),
        (D(2026, 11, 2), 15, D(2026, 11, 23)),  # an ICPC's 15 working days (BR-13)
        (D(2026, 11, 9), 0, D(2026, 11, 9)),
        (D(2026, 12, 29), -1, D(2026, 12, 24)),  # backwards, over the same holidays
    ],
)
def test_add_working_days(start: dt.date, n: int, expected: dt.date) -> None:
    assert add_working_days(start, n) == expected
    assert working_days_between(start, expected) == n


def test_bank_holidays_and_weekends_are_not_working_days() -> None:
    assert not is_working_day(D(2026, 12, 28))  # Boxing Day (substitute)
    assert not is_working_day(D(2026, 8, 31))  # late summer bank holiday
    assert not is_working_day(D(2026, 11, 7))  # a Saturday
    assert is_working_day(D(2026, 12, 24))


def test_working_days_between_counts_after_the_start_up_to_the_end() -> None:
    assert working_days_between(D(2026, 12, 24), D(2026, 12, 31)) == 3  # 29, 30, 31
    assert working_days_between(D(2026, 12, 31), D(2026, 12, 24)) == -3
    assert working_days_between(D(2026, 11, 7), D(2026, 11, 8)) == 0  # a weekend


def test_due_counts_working_days_left_and_flags_late() -> None:
    ahead = due(D(2026, 12, 29), on=D(2026, 12, 24))
    assert (ahead.days_remaining, ahead.overdue) == (1, False)
    on_the_day = due(D(2026, 12, 29), on=D(2026, 12, 29))
    assert (on_the_day.days_remaining, on_the_day.overdue) == (0, False)
    late = due(D(2026, 12, 29), on=D(2027, 1, 4))
    assert (late.days_remaining, late.overdue) == (-3, True)  # 30, 31 December and 4 January
    weekend = due(D(2026, 11, 6), on=D(2026, 11, 7))
    assert (weekend.days_remaining, weekend.overdue) == (0, True)


def test_due_reads_today_in_england_by_default() -> None:
    assert due(D(2000, 1, 4)).overdue
    assert not due(D(2999, 1, 4)).overdue
