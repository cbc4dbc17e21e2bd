"""French dates and months.

Strategy: cheap explicit regex rules first (they cover nearly every real answer and know when a
date is impossible), dateparser only as a last resort for the odd phrasing they miss.
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from actions.business.calendar import add_months
from actions.business.parsing.numbers import NUMBER_WORDS, find_word_number
from actions.business.parsing.text import normalize, strip_fillers

_MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
}
_MONTH_ALIASES = {
    "janv": 1, "jan": 1, "fev": 2, "fevr": 2, "avr": 4, "juil": 7, "juill": 7, "aou": 8,
    "sept": 9, "sep": 9, "oct": 10, "nov": 11, "dec": 12, "fevier": 2, "fervier": 2,
}
_WEEKDAYS = {
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
}
_FUZZY_MIN_LENGTH = 5  # shorter tokens collide too easily ("mai"/"mais", "mer"/"mars")
_FUZZY_CUTOFF = 0.85  # one slip in a long word; "mardis" must not become "mars"


def _fuzzy_lookup(word: str, table: dict[str, int]) -> int | None:
    if word in table:
        return table[word]
    if len(word) < _FUZZY_MIN_LENGTH:
        return None
    close = difflib.get_close_matches(word, list(table), n=1, cutoff=_FUZZY_CUTOFF)
    return table[close[0]] if close else None


def month_number(word: str) -> int | None:
    """Month (1-12) for a French month name, abbreviation or near-miss spelling."""
    if word in _MONTH_ALIASES:
        return _MONTH_ALIASES[word]
    return _fuzzy_lookup(word, _MONTHS)


def weekday_number(word: str) -> int | None:
    """Weekday (Monday=0) for a French day name, plural or near-miss spelling."""
    return _fuzzy_lookup(word, _WEEKDAYS)


def safe_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when it does not exist (31 February, month 13...)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_start(day: date, months: int = 0) -> date:
    return add_months(day.replace(day=1), months)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _expand_year(raw: str) -> int | None:
    year = int(raw)
    if len(raw) == 2:
        return 2000 + year
    return year if len(raw) == 4 and 1900 <= year <= 2100 else None


class _NoMatch:
    """A rule that does not apply, as opposed to one that applies to an impossible date."""


_NO_MATCH = _NoMatch()
_RuleResult = date | None | _NoMatch
_PAST_WORDS = r"dernier|derniere|passe|passee|precedent|precedente"
_NEXT_WORDS = r"prochain|prochaine|suivant|suivante"


def _date_text(text: str) -> str:
    """Normalised text keeping only what date rules read: letters, digits, / . - separators."""
    s = normalize(text).replace("'", " ")
    s = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", s)  # "avant-hier", "mi-octobre", "dix-sept"
    s = re.sub(r"[^a-z0-9/.\- ]", " ", s)
    return " ".join(s.split())


_ISO_RE = re.compile(r"(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)")


def _iso_rule(s: str, today: date) -> _RuleResult:
    match = _ISO_RE.search(s)
    if not match:
        return _NO_MATCH
    year, _, month, day = match.groups()
    return safe_date(int(year), int(month), int(day))


_NUMERIC_RE = re.compile(
    r"(?<![\d/.-])(\d{1,2})\s*([/.-])\s*(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\d/]|[.-]\d)"
)


def _followed_by_month(s: str, end: int) -> bool:
    word = re.match(r"\s*([a-z]+)", s[end:])
    return word is not None and month_number(word.group(1)) is not None


def _numeric_rule(s: str, today: date) -> _RuleResult:
    for match in _NUMERIC_RE.finditer(s):
        day, _, month, raw_year = match.groups()
        if not raw_year and _followed_by_month(s, match.end()):
            continue  # "3-5 novembre" is a range of days, left to the day-month rule
        year = _expand_year(raw_year) if raw_year else today.year
        return safe_date(year, int(month), int(day)) if year else None
    return _NO_MATCH


_DAY_WORDS = sorted((w for w, n in NUMBER_WORDS.items() if 1 <= n <= 31), key=len, reverse=True)
_DAY_MONTH_RE = re.compile(
    r"(?<![a-z0-9])(?P<day>\d{1,2}(?:\s?er)?|(?:premier|" + "|".join(_DAY_WORDS) + r")\b)"
    r"\s*(?P<month>[a-z]+)\.?(?:\s+(?P<year>\d{4}|\d{2})(?![a-z0-9:]))?"
    rf"(?:\s+(?P<rel>{_PAST_WORDS}|{_NEXT_WORDS}))?"
)


def _day_value(raw: str) -> int:
    digits = re.match(r"\d+", raw)
    if digits:
        return int(digits.group())
    return 1 if raw == "premier" else NUMBER_WORDS[raw]


def _apply_direction(found: date, rel: str | None, today: date) -> date:
    # Only an explicit "dernier"/"prochain" moves the year; plain dates keep today's year.
    if rel and re.fullmatch(_PAST_WORDS, rel) and found > today:
        return add_months(found, -12)
    if rel and re.fullmatch(_NEXT_WORDS, rel) and found < today:
        return add_months(found, 12)
    return found


# "du 3 au 5 novembre": the start of a range is the date asked for.
_DAY_RANGE_RE = re.compile(
    r"(?<![a-z0-9])(\d{1,2}(?:\s?er)?)\s*(?:au|a|et|ou|-)\s*\d{1,2}\s+(?=[a-z])"
)


def _day_month_rule(s: str, today: date) -> _RuleResult:
    for match in _DAY_MONTH_RE.finditer(_DAY_RANGE_RE.sub(r"\1 ", s)):
        month = month_number(match.group("month"))
        if month is None:
            continue
        year = _expand_year(match.group("year")) if match.group("year") else today.year
        found = safe_date(year, month, _day_value(match.group("day"))) if year else None
        if found is None or match.group("year"):
            return found
        return _apply_direction(found, match.group("rel"), today)
    return _NO_MATCH


_PART_OF_MONTH_RE = re.compile(
    r"\b(?P<part>debut|mi|milieu|fin)\s+(?:(?:de|d|du)\s+)?(?:(?:le|ce|la)\s+)?"
    r"(?P<what>[a-z]+)\.?(?:\s+(?P<year>\d{4}))?"
    rf"(?:\s+(?P<rel>{_PAST_WORDS}|{_NEXT_WORDS}|ci))?"
)


def _relative_shift(rel: str) -> int:
    if re.fullmatch(_PAST_WORDS, rel):
        return -1
    return 1 if re.fullmatch(_NEXT_WORDS, rel) else 0


def _part_of_month_rule(s: str, today: date) -> _RuleResult:
    for match in _PART_OF_MONTH_RE.finditer(s):
        what, rel = match.group("what"), match.group("rel") or ""
        if what == "mois":
            first = _month_start(today, _relative_shift(rel))
        else:
            month = month_number(what)
            if month is None:
                continue
            year = int(match.group("year")) if match.group("year") else today.year
            first = date(year, month, 1)
            if not match.group("year"):
                first = _apply_direction(first, rel, today.replace(day=1))
        part = match.group("part")
        if part == "debut":
            return first
        if part == "fin":
            return _month_end(first.year, first.month)
        return first.replace(day=15)
    return _NO_MATCH


_RELATIVE_LEAD_RE = re.compile(
    r"\b(?P<lead>il y a|il y avait|y a|ya|ca fait|cela fait|ca faisait|ca va faire|voila"
    r"|depuis|dans|d ici)\s+"
)
_RELATIVE_HEDGE_RE = re.compile(
    r"(?:environ|presque|a peu pres|deja|bien|pile|exactement|au moins|plus de|pres de"
    r"|quasiment|moins de)\s+"
)
_APPROX_NUMBERS = {"huitaine": 8, "dizaine": 10, "douzaine": 12, "quinzaine": 15,
                   "vingtaine": 20, "trentaine": 30}
_APPROX_RE = re.compile(r"(?:une?\s+)?(" + "|".join(_APPROX_NUMBERS) + r")\s+")
_UNIT_RE = re.compile(r"(?:de\s+|d\s+)?(jours?|jrs?|j|semaines?|sem|mois|ans?|annees?)\b")


def _leading_quantity(rest: str) -> tuple[int, str] | None:
    """Number at the very start of rest (digits, words, "une quinzaine"), and what follows."""
    digits = re.match(r"(\d{1,3})\s*", rest)
    if digits:
        return int(digits.group(1)), rest[digits.end():]
    approx = _APPROX_RE.match(rest)
    if approx:
        return _APPROX_NUMBERS[approx.group(1)], rest[approx.end():]
    spelled = find_word_number(rest)
    if spelled and spelled[0] == 0:
        return spelled[2], rest[spelled[1]:].lstrip()
    return None


def _shift(today: date, amount: int, unit: str) -> date:
    if unit.startswith("j"):
        return today + timedelta(days=amount)
    if unit.startswith("sem"):
        return today + timedelta(weeks=amount)
    if unit == "mois":
        return add_months(today, amount)
    return add_months(today, 12 * amount)


def _relative_offset_rule(s: str, today: date) -> _RuleResult:
    for lead in _RELATIVE_LEAD_RE.finditer(s):
        rest = s[lead.end():]
        hedge = _RELATIVE_HEDGE_RE.match(rest)
        quantity = _leading_quantity(rest[hedge.end():] if hedge else rest)
        if quantity is None:
            continue
        amount, after = quantity
        unit = _UNIT_RE.match(after)
        if unit is None:
            continue
        sign = 1 if lead.group("lead") in ("dans", "d ici") else -1
        return _shift(today, sign * amount, unit.group(1))
    return _NO_MATCH


_KEYWORD_OFFSETS = (
    (re.compile(r"\bavant\s*hier\b"), -2),
    (re.compile(r"\bapres\s*demain\b"), 2),
    (re.compile(r"\b(?:aujourd\s*h?ui|auj|ajd|ce matin|ce midi|ce soir|cet apres midi"
                r"|a l instant|tout a l heure)\b"), 0),
    (re.compile(r"\bhier\b"), -1),
    (re.compile(r"\bdemain\b"), 1),
)


def _keyword_rule(s: str, today: date) -> _RuleResult:
    for pattern, offset in _KEYWORD_OFFSETS:
        if pattern.search(s):
            return today + timedelta(days=offset)
    return _NO_MATCH


_WEEK_PAST_RE = re.compile(rf"^(?:de\s+)?(?:la\s+)?semaine\s+(?:{_PAST_WORDS}|d avant)\b")
_WEEK_NEXT_RE = re.compile(rf"^(?:de\s+)?(?:la\s+)?semaine\s+(?:{_NEXT_WORDS}|d apres)\b")
_WEEK_THIS_RE = re.compile(r"^(?:de\s+)?cette\s+semaine\b")
# Plain weekdays point forward, unless the sentence is plainly about the past.
_PAST_CONTEXT_RE = re.compile(r"\b(?:c etait|etait|depuis|a eu lieu|s est passe|c est passe)\b")


def _weekday_from_context(weekday: int, after: str, s_raw: str, today: date) -> date:
    monday = _week_start(today)
    if _WEEK_PAST_RE.match(after):
        return monday - timedelta(weeks=1) + timedelta(days=weekday)
    if _WEEK_NEXT_RE.match(after):
        return monday + timedelta(weeks=1) + timedelta(days=weekday)
    if _WEEK_THIS_RE.match(after):
        return monday + timedelta(days=weekday)
    days_ahead = (weekday - today.weekday()) % 7
    if re.match(rf"(?:{_PAST_WORDS})\b", after):
        return today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
    if re.match(rf"(?:{_NEXT_WORDS})\b", after):
        return today + timedelta(days=days_ahead or 7)
    if _PAST_CONTEXT_RE.search(s_raw):
        return today - timedelta(days=(today.weekday() - weekday) % 7)
    return today + timedelta(days=days_ahead)


def _weekday_rule(s: str, today: date, s_raw: str = "") -> _RuleResult:
    for token in re.finditer(r"[a-z]+", s):
        weekday = weekday_number(token.group())
        if weekday is not None:
            return _weekday_from_context(weekday, s[token.end():].lstrip(), s_raw, today)
    return _NO_MATCH


_WEEK_RULES = (
    (re.compile(rf"\bsemaine\s+(?:{_PAST_WORDS}|d avant)\b"), -1),
    (re.compile(rf"\bsemaine\s+(?:{_NEXT_WORDS}|d apres)\b"), 1),
    (re.compile(r"\bcette\s+semaine\b"), 0),
)
_MONTH_RULES = (
    (re.compile(rf"\bmois\s+(?:{_PAST_WORDS}|d avant)\b"), -1),
    (re.compile(rf"\bmois\s+(?:{_NEXT_WORDS}|d apres)\b"), 1),
    (re.compile(r"\bce\s+mois\b|\bmois\s+(?:ci|en cours|actuel|courant)\b"), 0),
)


def _week_rule(s: str, today: date) -> _RuleResult:
    for pattern, weeks in _WEEK_RULES:
        if pattern.search(s):
            return _week_start(today) + timedelta(weeks=weeks)
    return _NO_MATCH


def _month_rule(s: str, today: date) -> _RuleResult:
    for pattern, months in _MONTH_RULES:
        if pattern.search(s):
            return _month_start(today, months)
    return _NO_MATCH


_BARE_DAY_RE = re.compile(r"(?:depuis\s+)?(?:le|du)\s+(\d{1,2}|1\s?er|premier)")


def _bare_day_rule(s: str, today: date) -> _RuleResult:
    # "le 3" alone: the caller asked for a date, so the current month is the natural reading.
    match = _BARE_DAY_RE.fullmatch(s)
    if not match:
        return _NO_MATCH
    return safe_date(today.year, today.month, _day_value(match.group(1)))


_Rule = Callable[[str, date], _RuleResult]
# Order matters: the most specific shapes first, so "lundi 3 novembre" is read as the 3rd and
# "lundi de la semaine dernière" is not mistaken for "la semaine dernière".
_RULES: tuple[_Rule, ...] = (
    _iso_rule, _numeric_rule, _day_month_rule, _part_of_month_rule, _relative_offset_rule,
    _keyword_rule,
)
_LATE_RULES: tuple[_Rule, ...] = (_week_rule, _month_rule, _bare_day_rule)


def _explicit_date(s: str, s_raw: str, today: date) -> _RuleResult:
    for rule in _RULES:
        found = rule(s, today)
        if found is not _NO_MATCH:
            return found
    found = _weekday_rule(s, today, s_raw)
    if found is not _NO_MATCH:
        return found
    for rule in _LATE_RULES:
        found = rule(s, today)
        if found is not _NO_MATCH:
            return found
    return _NO_MATCH


@lru_cache(maxsize=16)
def _date_data_parser(today: date) -> Any:
    # Imported lazily: dateparser is slow to import and rarely needed.
    from dateparser.date import DateDataParser

    settings = {
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": "current_period",
        "RELATIVE_BASE": datetime(today.year, today.month, today.day),
        "PREFER_DAY_OF_MONTH": "first",
    }
    return DateDataParser(languages=["fr"], settings=settings)


_FALLBACK_MAX_LENGTH = 50
_FALLBACK_MAX_YEARS = 10


def _has_month_only(s: str) -> bool:
    # A month without a day is parse_month's business; dateparser would invent a day.
    if re.search(r"\b\d{1,2}\s*[/.-]\s*\d{4}\b|\b\d{4}-\d{1,2}\b", s):
        return True
    return any(month_number(token) is not None for token in re.findall(r"[a-z]+", s))


def _dateparser_fallback(text: str, s: str, today: date) -> date | None:
    # Without a real word ("12h", "3") dateparser reads hours or bare numbers: not a date answer.
    if not re.search(r"[a-z]{3}", s) or len(s) > _FALLBACK_MAX_LENGTH or _has_month_only(s):
        return None
    parsed = _date_data_parser(today).get_date_data(text.strip()).date_obj
    if parsed is None:
        return None
    found = parsed.date()
    return found if abs(found.year - today.year) <= _FALLBACK_MAX_YEARS else None


def parse_date(text: str, today: date) -> date | None:
    """A French date answer as a date; day-first, year defaults to today's, None if impossible."""
    s_raw = _date_text(text)
    s = strip_fillers(s_raw)
    if not s:
        return None
    found = _explicit_date(s, s_raw, today)
    if not isinstance(found, _NoMatch):
        return found
    return _dateparser_fallback(text, s, today)


_NUMERIC_MONTH_RE = re.compile(r"(?<![\d/.-])(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
_ISO_MONTH_RE = re.compile(r"(?<!\d)(\d{4})\s*[/.-]\s*(\d{1,2})(?![\d/]|[.-]\d)")
_YEAR_RE = re.compile(r"\b(?:19|20)\d{2}\b")


def _numeric_month(s: str) -> tuple[int, int] | None | _NoMatch:
    match = _NUMERIC_MONTH_RE.search(s)
    if match:
        month, year = int(match.group(1)), int(match.group(2))
    else:
        match = _ISO_MONTH_RE.search(s)
        if not match:
            return _NO_MATCH
        year, month = int(match.group(1)), int(match.group(2))
    return (year, month) if 1 <= month <= 12 else None


def _named_month(s: str, today: date) -> tuple[int, int] | None:
    for token in re.finditer(r"[a-z]+", s):
        month = month_number(token.group())
        if month is None:
            continue
        explicit_year = _YEAR_RE.search(s)
        if explicit_year:
            return int(explicit_year.group()), month
        after = s[token.end():].lstrip()
        if re.match(rf"(?:{_PAST_WORDS})\b", after):
            return (today.year if month < today.month else today.year - 1), month
        if re.match(rf"(?:{_NEXT_WORDS})\b", after):
            return (today.year if month > today.month else today.year + 1), month
        return (today.year if month <= today.month else today.year - 1), month
    return None


def parse_month(text: str, today: date) -> tuple[int, int] | None:
    """(year, month) for a French month answer; a bare month name is the latest not after today."""
    s_raw = _date_text(text)
    s = strip_fillers(s_raw)
    if not s:
        return None
    relative = _month_rule(s, today)
    if isinstance(relative, date):
        return relative.year, relative.month
    numeric = _numeric_month(s)
    if not isinstance(numeric, _NoMatch):
        return numeric
    named = _named_month(s, today)
    if named:
        return named
    found = _explicit_date(s, s_raw, today)
    return (found.year, found.month) if isinstance(found, date) else None
