"""Tests for actions.business.fields: reading a form answer as a canonical value, and back."""

from __future__ import annotations

from datetime import date

import pytest

from actions.business.catalog import Catalog, Field, load_catalog
from actions.business.fields import SKIPPED, Reading, display, understand

TODAY = date(2026, 11, 28)  # a Saturday


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def field(kind: str, optional: bool = False) -> Field:
    return Field("answer", kind, "Réponse", optional)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("kind", "text", "today", "expected"),
    [
        ("date", "3 novembre 2026", TODAY, "2026-11-03"),
        ("date", "le 27 novembre", TODAY, "2026-11-27"),
        ("date", "le 3 décembre", TODAY, "2026-12-03"),
        ("past_date", "3 novembre", TODAY, "2026-11-03"),
        ("past_date", "hier", TODAY, "2026-11-27"),
        ("past_date", "aujourd'hui", TODAY, "2026-11-28"),
        ("past_date", "le 3 décembre 2025", TODAY, "2025-12-03"),
        ("future_date", "demain", TODAY, "2026-11-29"),
        ("future_date", "aujourd'hui", TODAY, "2026-11-28"),
        ("future_date", "3 décembre", TODAY, "2026-12-03"),
    ],
    ids=["date-explicit", "date-in-the-past", "date-in-the-future", "past-bare",
         "past-yesterday", "past-today", "past-explicit-year", "future-tomorrow",
         "future-today", "future-bare"],
)
def test_date_answer_becomes_an_iso_date(
    kind: str, text: str, today: date, expected: str
) -> None:
    """A readable date within the kind's bounds (today included) is stored as YYYY-MM-DD."""
    assert understand(field(kind), text, today) == Reading(expected)


def test_bare_future_day_for_a_past_date_means_last_year() -> None:
    """"3 décembre" typed on 28 November 2026 about a past event means 3 December 2025."""
    assert understand(field("past_date"), "3 décembre", TODAY) == Reading("2025-12-03")


@pytest.mark.parametrize(
    ("kind", "text", "today", "error"),
    [
        ("past_date", "3 décembre 2026", TODAY, "utter_invalid_past_date"),
        ("past_date", "15/12/2026", TODAY, "utter_invalid_past_date"),
        ("past_date", "29 février", date(2028, 2, 28), "utter_invalid_past_date"),
        ("future_date", "hier", TODAY, "utter_invalid_future_date"),
        ("future_date", "3 novembre 2026", TODAY, "utter_invalid_future_date"),
    ],
    ids=["past-with-future-year", "past-numeric-future", "past-29-feb-without-last-year",
         "future-yesterday", "future-explicit-past"],
)
def test_date_outside_the_kind_bounds_is_refused(
    kind: str, text: str, today: date, error: str
) -> None:
    """A past date that is in the future, or a future date that is past, is refused."""
    assert understand(field(kind), text, today) == Reading(None, error)


@pytest.mark.parametrize("kind", ["date", "past_date", "future_date"])
def test_unreadable_date_is_reported_as_unreadable(kind: str) -> None:
    """Text that is no date at all gets the "unreadable date" response, whatever the kind."""
    assert understand(field(kind), "n'importe quoi", TODAY) == Reading(None, "utter_invalid_date")


@pytest.mark.parametrize(
    "text", ["demain", "dans 3 jours", "lundi prochain"],
    ids=["tomorrow", "in-3-days", "next-monday"],
)
def test_relative_future_answer_for_a_past_date_is_refused(text: str) -> None:
    """"demain" cannot answer "since when?": it is refused, not read as last year."""
    assert understand(field("past_date"), text, TODAY) == Reading(None, "utter_invalid_past_date")


@pytest.mark.parametrize(
    "text", ["03/12/26", "3 décembre 26"], ids=["numeric", "month-name"]
)
def test_two_digit_future_year_for_a_past_date_is_refused(text: str) -> None:
    """A year typed on two digits is the user's choice: a future date is refused, not shifted."""
    assert understand(field("past_date"), text, TODAY) == Reading(None, "utter_invalid_past_date")


def test_bare_past_day_for_a_future_date_means_next_year() -> None:
    """"15 janvier" typed on 20 December 2026 for a future date means 15 January 2027."""
    assert understand(field("future_date"), "15 janvier", date(2026, 12, 20)) == Reading(
        "2027-01-15"
    )


@pytest.mark.parametrize(
    ("kind", "text", "today", "expected"),
    [
        ("future_date", "jusqu'au 15 janvier", date(2026, 11, 9), "2027-01-15"),
        ("future_date", "jusqu'au 15 novembre", date(2026, 11, 9), "2026-11-15"),
        ("future_date", "le 5", date(2026, 11, 7), "2026-12-05"),
        ("future_date", "le 7", date(2026, 11, 7), "2026-11-07"),
        ("future_date", "le 31", date(2026, 11, 7), None),
        ("past_date", "le 10", date(2026, 11, 9), "2026-10-10"),
        ("past_date", "depuis le 9", date(2026, 11, 9), "2026-11-09"),
        ("past_date", "le 3", date(2026, 11, 9), "2026-11-03"),
        ("date", "le 5", date(2026, 11, 7), "2026-11-05"),
    ],
)
def test_date_without_year_or_month_takes_the_direction_of_the_question(
    kind: str, text: str, today: date, expected: str | None,
) -> None:
    """A day or a day and month alone means the next such date when a future date is asked,
    the last one when a past date is asked (no month without a 31st is invented)."""
    assert understand(field(kind), text, today).value == expected


# --------------------------------------------------------------------------- other kinds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("octobre", "2026-10"),
        ("oct", "2026-10"),
        ("le mois dernier", "2026-10"),
        ("10/2026", "2026-10"),
        ("décembre", "2025-12"),
        ("janvier 2027", "2027-01"),
    ],
    ids=["name", "abbreviation", "last-month", "numeric", "latest-december", "explicit-year"],
)
def test_month_answer_becomes_year_dash_month(text: str, expected: str) -> None:
    """A month is stored as YYYY-MM; a bare month name is the latest one not after today."""
    assert understand(field("month"), text, TODAY) == Reading(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3", "3"), ("trois", "3"), ("2 fois", "2"), ("aucune", "0")],
    ids=["digit", "word", "with-unit", "zero-word"],
)
def test_count_answer_becomes_a_whole_number(text: str, expected: str) -> None:
    """A count is stored as a whole number written in digits."""
    assert understand(field("count"), text, TODAY) == Reading(expected)


@pytest.mark.parametrize("text", ["999999999999", "1000", "-3", "plein"])
def test_absurd_counts_are_asked_again(text: str) -> None:
    """Negative, unreadable or four-digit counts get the count explanation, nothing stored."""
    assert understand(field("count"), text, TODAY) == Reading(None, "utter_invalid_count")


def test_the_largest_count_accepted_is_999() -> None:
    """999 is still a count."""
    assert understand(field("count"), "999", TODAY) == Reading("999")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("oui", "oui"), ("ouais", "oui"), ("Oui bien sûr", "oui"), ("non", "non"),
     ("nan", "non"), ("pas encore", "non")],
    ids=["oui", "ouais", "oui-bien-sur", "non", "nan", "pas-encore"],
)
def test_yes_no_answer_becomes_oui_or_non(text: str, expected: str) -> None:
    """Any way of saying yes or no is stored as "oui" or "non"."""
    assert understand(field("yes_no"), text, TODAY) == Reading(expected)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("invoice_status", "payée", "payee"),
        ("invoice_status", "en cours", "en_cours"),
        ("funding", "CPF", "third_party"),
        ("funding", "auto-financement", "self"),
        ("late_case", "4", "dropout_risk"),
        ("late_case", "aucun", "none"),
        ("person_name", "marie curie", "Marie Curie"),
        ("url", "https://x.fr/a", "https://x.fr/a"),
        ("text", "  le bouton   ne marche pas ", "le bouton ne marche pas"),
        ("person_or_url", "camille martin", "Camille Martin"),
        ("person_or_url", "voici son tableau de bord https://openclassrooms.com/fr/s/42",
         "https://openclassrooms.com/fr/s/42"),
        ("person_or_url", "openclassrooms.com/fr/mentorship/students/42",
         "https://openclassrooms.com/fr/mentorship/students/42"),
    ],
    ids=["paid", "pending", "cpf", "self-funded", "late-case-number", "late-case-none",
         "name-capitalised", "url", "text-cleaned", "student-name", "dashboard-link",
         "bare-dashboard-link"],
)
def test_choice_and_text_answers_become_their_canonical_value(
    kind: str, text: str, expected: str
) -> None:
    """Choices are stored as fixed keys, names capitalised, free text single-spaced."""
    assert understand(field(kind), text, TODAY) == Reading(expected)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("date", "n'importe quoi"),
        ("month", "blabla"),
        ("month", "13/2026"),
        ("count", "beaucoup"),
        ("count", "-2"),
        ("yes_no", "peut-être"),
        ("invoice_status", "bof"),
        ("funding", "?"),
        ("late_case", "xyz qwe"),
        ("person_name", "123"),
        ("url", "pas de lien"),
        ("person_or_url", "42 ?"),
        ("text", "!!"),
        ("text", ""),
    ],
    ids=["date", "month", "month-13", "count", "negative-count", "yes_no", "invoice_status",
         "funding", "late_case", "person_name", "url", "person_or_url", "text-punctuation",
         "text-empty"],
)
def test_invalid_answer_gets_the_kind_response(kind: str, text: str) -> None:
    """An answer that cannot be read gets utter_invalid_<kind>, and nothing is stored."""
    assert understand(field(kind), text, TODAY) == Reading(None, f"utter_invalid_{kind}")


def test_no_answer_at_all_is_invalid() -> None:
    """A missing text (None) is read as an empty answer, not a crash."""
    assert understand(field("count"), None, TODAY) == Reading(None, "utter_invalid_count")


# --------------------------------------------------------------------------- optional fields


@pytest.mark.parametrize(
    ("kind", "text"),
    [("text", "passer"), ("text", "Passer svp"), ("text", "non"), ("date", "passer")],
    ids=["passer", "passer-svp", "non", "optional-date"],
)
def test_optional_field_accepts_passer(kind: str, text: str) -> None:
    """An optional detail can be skipped; it is then stored as "non précisé"."""
    assert understand(field(kind, optional=True), text, TODAY) == Reading(SKIPPED)


def test_optional_field_still_reads_a_real_answer() -> None:
    """An optional detail given anyway is stored like any answer."""
    assert understand(field("text", optional=True), "il déménage", TODAY) == Reading(
        "il déménage"
    )


@pytest.mark.parametrize(
    ("kind", "error"),
    [("yes_no", "utter_invalid_yes_no"), ("date", "utter_invalid_date")],
    ids=["yes_no", "date"],
)
def test_required_field_does_not_accept_passer(kind: str, error: str) -> None:
    """A required detail cannot be skipped: "passer" is an invalid answer."""
    assert understand(field(kind), "passer", TODAY) == Reading(None, error)


# --------------------------------------------------------------------------- display


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("date", "2026-11-03", "3 novembre 2026"),
        ("past_date", "2024-03-01", "1er mars 2024"),
        ("future_date", "2027-01-15", "15 janvier 2027"),
        ("month", "2026-10", "octobre 2026"),
        ("month", "2025-12", "décembre 2025"),
        ("invoice_status", "payee", "payée"),
        ("invoice_status", "en_cours", "en cours"),
        ("funding", "self", "auto-financement"),
        ("funding", "third_party", "CPF ou financement tiers"),
        ("count", "3", "3"),
        ("yes_no", "oui", "oui"),
        ("text", "le bouton ne marche pas", "le bouton ne marche pas"),
    ],
    ids=["date", "first-of-month", "future-date", "month", "december", "paid", "pending",
         "self-funded", "third-party", "count", "yes", "text"],
)
def test_display_renders_the_value_in_french(
    catalog: Catalog, kind: str, value: str, expected: str
) -> None:
    """Stored values are shown as the user and the support team read them."""
    assert display(field(kind), value, catalog) == expected


@pytest.mark.parametrize(
    ("case", "label"),
    [
        ("weekly_session_not_planned", "Session hebdomadaire non planifiée"),
        ("worrying_delay", "Retard très inquiétant, perte de motivation"),
        ("repeated_cancellations", "Annulations ou retards répétés, deux absences consécutives"),
        ("dropout_risk", "Risque d'abandon"),
        ("none", "Aucun des quatre cas"),
    ],
    ids=["weekly", "worrying", "repeated", "dropout", "none"],
)
def test_display_names_late_cases(catalog: Catalog, case: str, label: str) -> None:
    """A late-student case is shown with its label from fields.yml, not its key."""
    assert display(field("late_case"), case, catalog) == label


def test_display_skipped_optional_date(catalog: Catalog) -> None:
    """A skipped optional date is shown as "non précisé", not parsed as a date."""
    assert display(field("date", optional=True), SKIPPED, catalog) == SKIPPED


@pytest.mark.parametrize(("text", "expected"), [
    ("fin janvier", "2027-01-31"),
    ("début février", "2027-02-01"),
    ("10 décembre", "2026-12-10"),
    ("fin janvier 2026", "2026-01-31"),
], ids=["end-of-month", "start-of-month", "this-month", "year-typed"])
def test_month_without_year_means_the_nearest_one_for_any_date(text, expected):
    """An end of funding 'fin janvier' told in December is next January unless a year is typed."""
    assert understand(field("date"), text, date(2026, 12, 4)) == Reading(expected)


@pytest.mark.parametrize(
    ("feminine", "shown"), [(True, "non précisée"), (False, "non précisé")],
    ids=["raison-feminine", "detail-masculine"],
)
def test_skipped_detail_agrees_with_its_label(
    catalog: Catalog, feminine: bool, shown: str
) -> None:
    """"Raison : non précisée", "Détail de la contestation : non précisé"."""
    label = Field("reason", "text", "Raison", optional=True, feminine=feminine)
    assert display(label, SKIPPED, catalog) == shown


def test_late_case_digit_follows_the_order_of_the_rules() -> None:
    """A digit picks the late case in the order rules/fields.yml offers them, not a Python one."""
    order = ("dropout_risk", "worrying_delay", "repeated_cancellations",
             "weekly_session_not_planned", "none")
    reordered = Field("case", "late_case", "Cas", choices=order)
    assert understand(reordered, "1", TODAY) == Reading("dropout_risk")


def test_choice_labels_come_from_the_rules(catalog: Catalog) -> None:
    """The summary shows the label rules/fields.yml gives each option."""
    status = catalog.fields["invoice_status"]
    assert display(status, "en_cours", catalog) == catalog.choices["invoice_status"]["en_cours"]
