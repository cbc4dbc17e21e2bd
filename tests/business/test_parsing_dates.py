"""Tests for French date and month parsing (parse_date, parse_month)."""

from __future__ import annotations

import time
from datetime import date

import pytest

from actions.business.parsing import parse_date, parse_month

TODAY = date(2026, 11, 28)  # a Saturday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("le 3 novembre", date(2026, 11, 3)),
        ("3 novembre 2026", date(2026, 11, 3)),
        ("3 nov.", date(2026, 11, 3)),
        ("le 3 novembre à 14h", date(2026, 11, 3)),
        ("lundi 2 novembre", date(2026, 11, 2)),
        ("le 3 décembre", date(2026, 12, 3)),
        ("3 novembre 25", date(2025, 11, 3)),
        ("depuis le 2 septembre", date(2026, 9, 2)),
        ("1er mars", date(2026, 3, 1)),
        ("le premier mars", date(2026, 3, 1)),
        ("LE 3 NOVEMBRE", date(2026, 11, 3)),
    ],
)
def test_day_and_month_name(text: str, expected: date) -> None:
    """A day and a French month name give that day, in today's year unless one is typed."""
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3/11", date(2026, 11, 3)),
        ("03/11/2026", date(2026, 11, 3)),
        ("3-11-26", date(2026, 11, 3)),
        ("3.11.2026", date(2026, 11, 3)),
        ("2026-11-03", date(2026, 11, 3)),
        ("2026/11/03", date(2026, 11, 3)),
        ("12/01", date(2026, 1, 12)),
        ("le 3/11 vers 10h", date(2026, 11, 3)),
    ],
)
def test_numeric_dates_are_day_first(text: str, expected: date) -> None:
    """Numeric dates are read day first; ISO dates are read year-month-day."""
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hier", date(2026, 11, 27)),
        ("avant-hier", date(2026, 11, 26)),
        ("avant hier", date(2026, 11, 26)),
        ("aujourd'hui", date(2026, 11, 28)),
        ("aujourdhui", date(2026, 11, 28)),
        ("demain", date(2026, 11, 29)),
        ("après-demain", date(2026, 11, 30)),
        ("apres demain", date(2026, 11, 30)),
        ("depuis hier", date(2026, 11, 27)),
    ],
)
def test_day_keywords(text: str, expected: date) -> None:
    """Hier, avant-hier, aujourd'hui, demain, après-demain are offsets from today."""
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("il y a 10 jours", date(2026, 11, 18)),
        ("il y a deux semaines", date(2026, 11, 14)),
        ("il y a 2 semaine", date(2026, 11, 14)),
        ("il y a 1 mois", date(2026, 10, 28)),
        ("il y a un mois", date(2026, 10, 28)),
        ("il y a 2 ans", date(2024, 11, 28)),
        ("ça fait 3 jours", date(2026, 11, 25)),
        ("ca fait trois jours", date(2026, 11, 25)),
        ("depuis 5 jours", date(2026, 11, 23)),
        ("ya 3 jours", date(2026, 11, 25)),
        ("il y a une quinzaine de jours", date(2026, 11, 13)),
        ("il y a environ 10 jours", date(2026, 11, 18)),
        ("dans 3 jours", date(2026, 12, 1)),
    ],
)
def test_relative_offsets(text: str, expected: date) -> None:
    """'Il y a N ...', 'ça fait N ...', 'depuis N ...' count back from today; 'dans' forward."""
    assert parse_date(text, TODAY) == expected


def test_month_offset_clamps_to_month_end() -> None:
    """One month before 31 March is the last day of February, not an error."""
    assert parse_date("il y a 1 mois", date(2026, 3, 31)) == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lundi dernier", date(2026, 11, 23)),
        ("samedi dernier", date(2026, 11, 21)),
        ("mecredi dernier", date(2026, 11, 25)),
        ("lundi passé", date(2026, 11, 23)),
        ("lundi", date(2026, 11, 30)),
        ("mardi", date(2026, 12, 1)),
        ("samedi", date(2026, 11, 28)),
        ("lundi prochain", date(2026, 11, 30)),
        ("samedi prochain", date(2026, 12, 5)),
        ("lundi de la semaine dernière", date(2026, 11, 16)),
        ("jeudi de la semaine prochaine", date(2026, 12, 3)),
    ],
)
def test_weekdays(text: str, expected: date) -> None:
    """A plain weekday is the upcoming one (today included); 'dernier' is the past one."""
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("c'était lundi", date(2026, 11, 23)),
        ("depuis mercredi", date(2026, 11, 25)),
    ],
)
def test_weekday_in_past_context(text: str, expected: date) -> None:
    """'C'était' or 'depuis' before a weekday means the most recent one, not the next."""
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("la semaine dernière", date(2026, 11, 16)),
        ("semaine derniere", date(2026, 11, 16)),
        ("la semaine prochaine", date(2026, 11, 30)),
        ("cette semaine", date(2026, 11, 23)),
        ("le mois dernier", date(2026, 10, 1)),
        ("le mois prochain", date(2026, 12, 1)),
    ],
)
def test_relative_weeks_and_months(text: str, expected: date) -> None:
    """Weeks start on Monday; 'le mois dernier' is the first day of the previous month."""
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("début octobre", date(2026, 10, 1)),
        ("debut octobre", date(2026, 10, 1)),
        ("mi-octobre", date(2026, 10, 15)),
        ("à la mi octobre", date(2026, 10, 15)),
        ("fin octobre", date(2026, 10, 31)),
        ("fin novembre 2025", date(2025, 11, 30)),
        ("fin février 2028", date(2028, 2, 29)),
        ("fin du mois dernier", date(2026, 10, 31)),
        ("début du mois", date(2026, 11, 1)),
    ],
)
def test_parts_of_month(text: str, expected: date) -> None:
    """Début is the 1st, mi the 15th, fin the month's last day."""
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("trois novembre", date(2026, 11, 3)),
        ("le vingt et un mars", date(2026, 3, 21)),
        ("vingt-et-un mars", date(2026, 3, 21)),
        ("dix-sept octobre", date(2026, 10, 17)),
        ("trente et un décembre", date(2026, 12, 31)),
    ],
)
def test_days_in_words(text: str, expected: date) -> None:
    """Days can be spelled out, up to trente et un."""
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("euh je pense que c'était le 3 novembre", date(2026, 11, 3)),
        ("Le 3 Novembre !", date(2026, 11, 3)),
        ("3 novmbre", date(2026, 11, 3)),
        ("le 3 fevrier", date(2026, 2, 3)),
        ("12 otobre", date(2026, 10, 12)),
        ("c'était hier je crois", date(2026, 11, 27)),
    ],
)
def test_fillers_accents_and_typos(text: str, expected: date) -> None:
    """Filler words, missing accents, capitals and small typos do not stop parsing."""
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    ["31 février", "32/01", "30/02/2026", "29/02/2027", "31/04", "0/11", "3/13", "le 32 mars"],
)
def test_impossible_dates(text: str) -> None:
    """Dates that do not exist give None rather than a guess."""
    assert parse_date(text, TODAY) is None


@pytest.mark.parametrize(
    "text", ["", "   ", "bonjour", "je ne sais pas", "3", "12h", "octobre", "?", "oui", "2 fois"]
)
def test_not_a_date(text: str) -> None:
    """Text without a day (or a bare number or month) gives None."""
    assert parse_date(text, TODAY) is None


@pytest.mark.parametrize("text", ["du 3 au 5 novembre", "3-5 novembre", "le 3 ou 4 novembre"])
def test_day_range_gives_its_start(text: str) -> None:
    """A range of days in one month is read as its first day."""
    assert parse_date(text, TODAY) == date(2026, 11, 3)


def test_bare_day_is_in_current_month() -> None:
    """'Le 3' alone is the 3rd of the current month."""
    assert parse_date("le 3", TODAY) == date(2026, 11, 3)


def test_explicit_last_moves_to_previous_year() -> None:
    """'Le 3 décembre dernier' in November means last December."""
    assert parse_date("le 3 décembre dernier", TODAY) == date(2025, 12, 3)


def test_yesterday_in_leap_year() -> None:
    """On 1 March 2028, 'hier' is 29 February."""
    assert parse_date("hier", date(2028, 3, 1)) == date(2028, 2, 29)


def test_dateparser_fallback() -> None:
    """Phrasings the explicit rules miss are still handed to dateparser."""
    assert parse_date("l'année dernière", TODAY) == date(2025, 11, 28)


def test_many_calls_are_fast() -> None:
    """200 calls after warm-up stay cheap (reported, not asserted: timing is machine-bound)."""
    samples = ["le 3 novembre", "hier", "il y a 10 jours", "lundi dernier", "03/11/2026",
               "mi-octobre", "la semaine dernière", "vingt et un mars"]
    for text in samples:
        parse_date(text, TODAY)
    start = time.perf_counter()
    results = [parse_date(samples[i % len(samples)], TODAY) for i in range(200)]
    elapsed = time.perf_counter() - start
    print(f"200 parse_date calls: {elapsed * 1000:.1f} ms")
    assert all(results)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("octobre", (2026, 10)),
        ("novembre", (2026, 11)),
        ("décembre", (2025, 12)),
        ("octobre 2026", (2026, 10)),
        ("Octobre 2024", (2024, 10)),
        ("10/2026", (2026, 10)),
        ("2026-10", (2026, 10)),
        ("le mois dernier", (2026, 10)),
        ("ce mois-ci", (2026, 11)),
        ("ce mois ci", (2026, 11)),
        ("le mois prochain", (2026, 12)),
        ("celui d'octobre", (2026, 10)),
        ("novembre dernier", (2025, 11)),
        ("octobre dernier", (2026, 10)),
        ("fevrier", (2026, 2)),
        ("03/11/2026", (2026, 11)),
        ("il y a 2 mois", (2026, 9)),
        ("euh je crois que c'était en septembre", (2026, 9)),
    ],
)
def test_parse_month(text: str, expected: tuple[int, int]) -> None:
    """A bare month name is the latest one not after today's month; 'dernier' is strictly past."""
    assert parse_month(text, TODAY) == expected


def test_month_in_january_looks_back_a_year() -> None:
    """Asked in January, 'décembre' is December of the previous year."""
    assert parse_month("décembre", date(2027, 1, 10)) == (2026, 12)


@pytest.mark.parametrize("text", ["", "13/2026", "00/2026", "bonjour", "2026", "je ne sais pas"])
def test_parse_month_unreadable(text: str) -> None:
    """No month, or an impossible one, gives None."""
    assert parse_month(text, TODAY) is None
