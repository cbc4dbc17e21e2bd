"""Turn an answer typed in a form into the canonical value of a field, and back into French.

Canonical values are what slots and rules hold: ISO dates, "YYYY-MM" months, "oui"/"non",
whole numbers as text, fixed keys for choices, cleaned free text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from actions.business import calendar as cal
from actions.business import parsing
from actions.business.calendar import add_months
from actions.business.catalog import Catalog, Field
from actions.business.parsing import month_number

SKIPPED = "non précisé"
SKIPPED_FEMININE = "non précisée"


@dataclass(frozen=True)
class Reading:
    """What was understood: a value to store, or the response that explains the problem."""

    value: str | None
    error: str | None = None


def _ok(value: str) -> Reading:
    return Reading(value)


def _bad(kind: str) -> Reading:
    return Reading(None, f"utter_invalid_{kind}")


LEAD_WORDS = frozenset({"le", "depuis", "c", "etait", "au", "du", "a", "partir", "de", "l", "vers",
                        "jusqu", "jusque", "jusqua", "est", "pour", "ce", "sera", "ca"})
PART_WORDS = frozenset({"debut", "mi", "fin", "milieu"})
HALF_YEAR = timedelta(days=183)


def _date(text: str, today: date, kind: str) -> Reading:
    day = parsing.parse_date(text, today)
    if day is None:
        return _bad("date")
    free = _free_part(text)
    if free == "year":
        day = _nearest_year(day, today, kind)
    elif free == "month":
        day = _nearest_month(day, today, kind)
    if kind == "past_date" and day > today:
        return _bad("past_date")
    if kind == "future_date" and day < today:
        return _bad("future_date")
    return _ok(day.isoformat())


def _free_part(text: str) -> str | None:
    """What the user left out: "year" for '3 décembre', 'le 1er mars', '3/12', 'fin janvier';
    "month" for a bare day ('le 5'); None when the date is complete or relative.

    The missing part is then the user's implicit choice, which the question's direction settles.
    """
    tokens = re.findall(r"[a-z0-9]+", parsing.normalize(text))
    while tokens and tokens[0] in LEAD_WORDS:
        tokens.pop(0)
    if len(tokens) == 1 and _is_day(tokens[0]) and tokens[0] not in PART_WORDS:
        return "month"
    if len(tokens) != 2:
        return None
    first, month = tokens
    month_ok = (month.isdigit() and 1 <= int(month) <= 12 and first.isdigit()) or bool(
        month_number(month))
    return "year" if _is_day(first) and month_ok else None


def _is_day(token: str) -> bool:
    return token in ("1er", "premier") or token in PART_WORDS or (
        token.isdigit() and 1 <= int(token) <= 31)


def _nearest_year(day: date, today: date, kind: str) -> date:
    """The year the user meant when they typed none: the past for a past event, and so on."""
    if kind == "past_date" and day > today:
        return _shift_year(day, -1) or day
    if kind == "future_date" and day < today:
        return _shift_year(day, 1) or day
    if kind == "date" and day < today - HALF_YEAR:
        return _shift_year(day, 1) or day
    return day


def _nearest_month(day: date, today: date, kind: str) -> date:
    """'le 5' said on the 7th: last month's 5th for a past event, next month's for a future one."""
    if kind == "past_date" and day > today:
        return _same_day_in(day, -1) or day
    if kind == "future_date" and day < today:
        return _same_day_in(day, 1) or day
    return day


def _same_day_in(day: date, months: int) -> date | None:
    shifted = add_months(day, months)
    return shifted if shifted.day == day.day else None


def _shift_year(day: date, years: int) -> date | None:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return None


def _month(text: str, today: date) -> Reading:
    month = parsing.parse_month(text, today)
    return _ok(f"{month[0]:04d}-{month[1]:02d}") if month else _bad("month")


# Absences, follow-ups, sessions of one student: a four-digit answer is a typo, not a case.
_MAX_COUNT = 999


def _count(text: str) -> Reading:
    count = parsing.parse_count(text)
    return _ok(str(count)) if count is not None and 0 <= count <= _MAX_COUNT else _bad("count")


def _yes_no(text: str) -> Reading:
    answer = parsing.parse_yes_no(text)
    return _bad("yes_no") if answer is None else _ok("oui" if answer else "non")


def _choice(parse: Callable[[str], str | None], kind: str) -> Callable[[str], Reading]:
    def read(text: str) -> Reading:
        value = parse(text)
        return _ok(value) if value else _bad(kind)

    return read


SIMPLE_KINDS: dict[str, Callable[[str], Reading]] = {
    "count": _count,
    "yes_no": _yes_no,
    "invoice_status": _choice(parsing.parse_invoice_status, "invoice_status"),
    "funding": _choice(parsing.parse_funding, "funding"),
    "person_name": _choice(parsing.parse_person_name, "person_name"),
    # "L'étudiant concerné (ou le lien vers son tableau de bord)": a link, else a name.
    "person_or_url": _choice(
        lambda text: parsing.parse_url(text) or parsing.parse_person_name(text), "person_or_url"),
    "url": _choice(parsing.parse_url, "url"),
    "text": _choice(parsing.parse_free_text, "text"),
}


def understand(field: Field, text: str | None, today: date) -> Reading:
    """Read `text` as an answer for `field`."""
    text = (text or "").strip()
    if field.optional and parsing.is_skip(text):
        return _ok(SKIPPED)
    if field.kind in ("date", "past_date", "future_date"):
        return _date(text, today, field.kind)
    if field.kind == "month":
        return _month(text, today)
    if field.kind == "late_case":  # a digit picks the case in the order offered
        order = field.choices or (*parsing.LATE_CASES, "none")
        return _choice(lambda answer: parsing.parse_late_case(answer, order), "late_case")(text)
    return SIMPLE_KINDS[field.kind](text)


CHOICES = {
    "yes_no": frozenset({"oui", "non"}),
}


def is_canonical(field: Field, value: object) -> bool:
    """Whether a slot already holds a read value (and not the raw text typed a moment ago)."""
    if not isinstance(value, str):
        return False
    if field.optional and value == SKIPPED:
        return True
    try:
        if field.kind in ("date", "past_date", "future_date"):
            date.fromisoformat(value)
        elif field.kind == "month":
            year, month = value.split("-")
            return len(year) == 4 and 1 <= int(month) <= 12
        elif field.kind == "count":
            return value.isdigit()
    except ValueError:
        return False
    if field.choices:
        return value in field.choices
    return value in CHOICES.get(field.kind, {value})


def display(field: Field, value: str, catalog: Catalog) -> str:
    """The value as the user and the support team read it (as typed when it could not be read)."""
    if value == SKIPPED:
        return SKIPPED_FEMININE if field.feminine else SKIPPED
    if not is_canonical(field, value):
        return value
    if field.kind in ("date", "past_date", "future_date") and value != SKIPPED:
        return cal.date_label(date.fromisoformat(value))
    if field.kind == "month":
        year, month = value.split("-")
        return cal.month_label(int(year), int(month))
    if field.kind in catalog.choices:
        return catalog.choices[field.kind].get(value, value)
    return value
