"""Tests for actions.business.calendar: today, business days in France, months, French labels."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfoNotFoundError

import pytest

from actions.business.calendar import (
    add_business_days,
    add_months,
    business_days_after,
    date_label,
    is_business_day,
    month_label,
    previous_month,
    today,
)

# --------------------------------------------------------------------------- today


@pytest.mark.parametrize(
    "forced", ["2026-11-28", "  2026-11-28 \n"], ids=["plain", "surrounding-spaces"]
)
def test_today_honours_ocbot_today(forced: str) -> None:
    """OCBOT_TODAY (YYYY-MM-DD) in the environment mapping is "today", whatever the clock says."""
    assert today("Europe/Paris", {"OCBOT_TODAY": forced}) == date(2026, 11, 28)


def test_today_override_does_not_need_the_timezone() -> None:
    """With OCBOT_TODAY set, neither the clock nor the timezone is consulted."""
    assert today("Not/A_Zone", {"OCBOT_TODAY": "2028-02-29"}) == date(2028, 2, 29)


@pytest.mark.parametrize(
    "forced", ["28/11/2026", "2026-13-01", "2026-02-30", "demain", "2026-11"],
    ids=["french-order", "month-13", "30-february", "word", "month-only"],
)
def test_today_rejects_a_malformed_override(forced: str) -> None:
    """A malformed OCBOT_TODAY fails loudly, naming the variable, instead of using the clock."""
    with pytest.raises(ValueError, match=r"OCBOT_TODAY must be YYYY-MM-DD"):
        today("Europe/Paris", {"OCBOT_TODAY": forced})


@pytest.mark.parametrize("env", [{}, {"OCBOT_TODAY": ""}, {"OCBOT_TODAY": "   "}],
                         ids=["unset", "empty", "blank"])
def test_today_without_override_uses_the_rules_timezone(env: dict[str, str]) -> None:
    """An unset or blank OCBOT_TODAY falls back to the clock in the rules' timezone."""
    with pytest.raises(ZoneInfoNotFoundError):
        today("Not/A_Zone", env)


# --------------------------------------------------------------------------- business days


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 11, 23), date(2026, 11, 27), 4),
        (date(2026, 11, 27), date(2026, 11, 30), 1),
        (date(2026, 11, 27), date(2026, 11, 29), 0),
        (date(2026, 12, 24), date(2026, 12, 28), 1),
        (date(2026, 12, 31), date(2027, 1, 4), 1),
        (date(2026, 4, 30), date(2026, 5, 4), 1),
        (date(2026, 5, 7), date(2026, 5, 11), 1),
        (date(2027, 5, 5), date(2027, 5, 7), 1),
        (date(2026, 11, 10), date(2026, 11, 12), 1),
        (date(2026, 11, 27), date(2026, 11, 27), 0),
        (date(2026, 11, 30), date(2026, 11, 27), 0),
    ],
    ids=["mon-to-fri", "across-weekend", "fri-to-sun", "christmas-25-dec", "new-year-1-jan",
         "labour-day-1-may", "victory-day-8-may", "ascension-2027", "armistice-11-nov",
         "same-day", "end-before-start"],
)
def test_business_days_after(start: date, end: date, expected: int) -> None:
    """Business days strictly after start up to end: weekends and French holidays excluded."""
    assert business_days_after(start, end, "FR") == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 27), True),
        (date(2026, 11, 28), False),
        (date(2026, 11, 29), False),
        (date(2026, 12, 25), False),
        (date(2027, 5, 6), False),
        (date(2027, 5, 17), False),
        (date(2026, 12, 24), True),
    ],
    ids=["friday", "saturday", "sunday", "christmas", "ascension-2027", "whit-monday-2027",
         "christmas-eve"],
)
def test_is_business_day(day: date, expected: bool) -> None:
    """A business day is a weekday that is not a French public holiday."""
    assert is_business_day(day, "FR") is expected


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2026, 11, 23), 3, date(2026, 11, 26)),
        (date(2026, 11, 27), 1, date(2026, 11, 30)),
        (date(2026, 11, 28), 1, date(2026, 11, 30)),
        (date(2026, 12, 22), 3, date(2026, 12, 28)),
        (date(2026, 12, 21), 8, date(2027, 1, 4)),
        (date(2027, 5, 5), 1, date(2027, 5, 7)),
        (date(2026, 11, 27), 0, date(2026, 11, 27)),
    ],
    ids=["within-week", "friday-plus-1", "saturday-plus-1", "over-christmas",
         "over-christmas-and-new-year", "over-ascension", "zero"],
)
def test_add_business_days(start: date, count: int, expected: date) -> None:
    """The count-th business day after start skips weekends and public holidays."""
    assert add_business_days(start, count, "FR") == expected


# --------------------------------------------------------------------------- months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 10, 15), 1, date(2026, 11, 15)),
        (date(2026, 12, 10), 1, date(2027, 1, 10)),
        (date(2026, 1, 31), 2, date(2026, 3, 31)),
    ],
    ids=["31-jan-2026", "31-jan-2028-leap", "31-mar-to-30-apr", "mid-month", "across-year",
         "two-months"],
)
def test_add_months_clamps_to_the_month_end(start: date, months: int, expected: date) -> None:
    """Same day some months later, or the last day of a shorter month."""
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 1, 7), (2026, 12)),
        (date(2027, 1, 1), (2026, 12)),
        (date(2026, 11, 30), (2026, 10)),
        (date(2026, 3, 1), (2026, 2)),
    ],
    ids=["january-7th", "new-year", "end-of-month", "first-of-march"],
)
def test_previous_month(day: date, expected: tuple[int, int]) -> None:
    """The month before today's, December of the previous year in January."""
    assert previous_month(day) == expected


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 3, 1), "1er mars 2024"),
        (date(2026, 11, 3), "3 novembre 2026"),
        (date(2026, 2, 21), "21 février 2026"),
        (date(2026, 8, 15), "15 août 2026"),
        (date(2026, 12, 31), "31 décembre 2026"),
    ],
    ids=["first-of-month", "plain", "accented-february", "accented-august", "december"],
)
def test_date_label(day: date, expected: str) -> None:
    """Dates are written the French way, with "1er" for the first of the month."""
    assert date_label(day) == expected


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [(2026, 1, "janvier 2026"), (2026, 10, "octobre 2026"), (2025, 12, "décembre 2025")],
    ids=["january", "october", "december"],
)
def test_month_label(year: int, month: int, expected: str) -> None:
    """A month is written as its French name and the year."""
    assert month_label(year, month) == expected
