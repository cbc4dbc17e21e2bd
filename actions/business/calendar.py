"""Dates as the support team counts them: Paris time, business days, months, French labels."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)
TODAY_OVERRIDE = "OCBOT_TODAY"
# First letters before which "de" becomes "d'" (months: avril, août, octobre; h muet aside).
ELIDING = frozenset("aeiouyàâäéèêëîïôöùûü")


def today(timezone: str, env: Mapping[str, str] = os.environ) -> date:
    """Today in the rules' timezone, or OCBOT_TODAY (YYYY-MM-DD) when set, for tests and demos."""
    forced = env.get(TODAY_OVERRIDE, "").strip()
    if forced:
        try:
            return date.fromisoformat(forced)
        except ValueError as error:
            raise ValueError(f"{TODAY_OVERRIDE} must be YYYY-MM-DD, got {forced!r}") from error
    return datetime.now(ZoneInfo(timezone)).date()


@lru_cache(maxsize=8)
def _holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year))


def is_business_day(day: date, country: str) -> bool:
    return day.weekday() < 5 and day not in _holidays(country, day.year)


def business_days_after(start: date, end: date, country: str) -> int:
    """Business days strictly after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        count += is_business_day(day, country)
        day += timedelta(days=1)
    return count


def add_business_days(start: date, count: int, country: str) -> date:
    """The `count`-th business day after `start`."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        count -= is_business_day(day, country)
    return day


def add_months(start: date, months: int) -> date:
    """Same day `months` later, clamped to the month end (31 January + 1 month: 28 or 29 Feb)."""
    return start + relativedelta(months=months)


def previous_month(today_: date) -> tuple[int, int]:
    first = today_.replace(day=1) - timedelta(days=1)
    return first.year, first.month


def month_label(year: int, month: int) -> str:
    return f"{MONTHS_FR[month - 1]} {year}"


def of(label: str) -> str:
    """'de' before a French word, elided before a vowel sound: "d'octobre", "de novembre"."""
    return f"d'{label}" if label[:1].lower() in ELIDING else f"de {label}"


def day_number(day: int) -> str:
    """'1er', '2', ... '31': how a day of the month is written after 'le'."""
    return "1er" if day == 1 else str(day)


def date_label(day: date) -> str:
    """'3 novembre 2026', '1er mars 2024'."""
    return f"{day_number(day.day)} {MONTHS_FR[day.month - 1]} {day.year}"
