"""Tests for actions.business.rulebook: the thresholds of rules/*.yml, validated strictly.

Every broken rulebook is built in a private copy of the real rules/ folder (tmp_path), so each test
breaks exactly one thing in files that otherwise load.
"""

from __future__ import annotations

import operator
import re
from pathlib import Path
from typing import Any

import pytest

from actions.business.rulebook import RulebookError, load_rules
from tests.business.rules_copy import DELETE, edit

# --------------------------------------------------------------------------- the real folder


SEED_THRESHOLDS = [
    ("timezone", "Europe/Paris"),
    ("holidays_country", "FR"),
    ("invoice_call.usual_day", 5),
    ("invoice_call.last_waiting_day", 6),
    ("payment.payment_deadline_days", 30),
    ("payment.bank_delay_days", 7),
    ("absences.consecutive_for_alert", 2),
    ("absences.justification_hours", 48),
    ("contacts.min_attempts", 3),
    ("first_student.wait_months", 1),
    ("application_followup.business_days", {"mentor": 3, "coach": 7}),
    ("referral.min_sessions", 5),
    ("discount.percent", 20),
    ("personal_data_retention_days", 90),
    ("discount.eligible_funding", ("self",)),
    (
        "student_late.alert_cases",
        ("weekly_session_not_planned", "worrying_delay", "repeated_cancellations",
         "dropout_risk"),
    ),
]


@pytest.mark.parametrize(
    ("attribute", "expected"), SEED_THRESHOLDS, ids=[row[0] for row in SEED_THRESHOLDS]
)
def test_real_rules_folder_loads_with_the_seed_thresholds(attribute: str, expected: Any) -> None:
    """The shipped rules/ folder loads and holds the numbers of the seed and the SPEC."""
    assert operator.attrgetter(attribute)(load_rules()) == expected


def test_untouched_copy_loads_like_the_real_folder(folder: Path) -> None:
    """A copy of rules/ loads to the same rules: every failure below comes from its one edit."""
    assert load_rules(folder) == load_rules()


# --------------------------------------------------------------------------- keys


@pytest.mark.parametrize(
    ("name", "dotted", "key"),
    [
        ("invoicing.yml", "invoice_call.usual_day", "usual_day"),
        ("invoicing.yml", "invoice_call.last_waiting_day", "last_waiting_day"),
        ("invoicing.yml", "payment", "payment"),
        ("students.yml", "absences.justification_hours", "justification_hours"),
        ("students.yml", "student_late.alert_cases", "alert_cases"),
        ("general.yml", "timezone", "timezone"),
        ("applications.yml", "referral.min_sessions", "min_sessions"),
        ("applications.yml", "discount.eligible_funding", "eligible_funding"),
        ("general.yml", "personal_data_retention_days", "personal_data_retention_days"),
    ],
    ids=["usual_day", "last_waiting_day", "payment", "justification_hours", "alert_cases",
         "timezone", "min_sessions", "eligible_funding", "retention"],
)
def test_removed_key_fails_naming_it(folder: Path, name: str, dotted: str, key: str) -> None:
    """A key removed from a rules file is reported as missing, by name: no silent default."""
    edit(folder, name, dotted, DELETE)
    with pytest.raises(RulebookError, match=rf"missing key\(s\) \['{key}'\]"):
        load_rules(folder)


@pytest.mark.parametrize(
    ("name", "dotted", "key"),
    [
        ("invoicing.yml", "invoice_call.extra_day", "extra_day"),
        ("invoicing.yml", "payment.bank_delay", "bank_delay"),
        ("general.yml", "currency", "currency"),
        ("applications.yml", "discount.max_percent", "max_percent"),
    ],
    ids=["nested-extra_day", "typo-bank_delay", "top-level-currency", "nested-max_percent"],
)
def test_unknown_key_fails_naming_it(folder: Path, name: str, dotted: str, key: str) -> None:
    """A key the rulebook does not know (a typo, a leftover) is an error, not ignored."""
    edit(folder, name, dotted, 3)
    with pytest.raises(RulebookError, match=rf"unknown key\(s\) \['{key}'\]"):
        load_rules(folder)


# --------------------------------------------------------------------------- types and ranges


@pytest.mark.parametrize(
    ("name", "dotted", "value"),
    [
        ("invoicing.yml", "invoice_call.last_waiting_day", "6"),
        ("invoicing.yml", "invoice_call.usual_day", "5"),
        ("invoicing.yml", "payment.bank_delay_days", True),
        ("invoicing.yml", "payment.payment_deadline_days", 30.5),
        ("students.yml", "contacts.min_attempts", None),
        ("applications.yml", "application_followup.business_days.coach", "7"),
        ("general.yml", "timezone", 5),
        ("general.yml", "holidays_country", ""),
        ("students.yml", "student_late.alert_cases", "dropout_risk"),
        ("students.yml", "student_late.alert_cases", []),
        ("applications.yml", "discount.eligible_funding", [1]),
        ("invoicing.yml", "invoice_call", 5),
    ],
    ids=["day-as-text", "usual-day-as-text", "true-as-number", "float-days", "null-attempts",
         "business-days-as-text", "timezone-number", "empty-country", "cases-not-a-list",
         "cases-empty", "funding-not-texts", "section-not-a-mapping"],
)
def test_wrong_type_fails_naming_the_key(folder: Path, name: str, dotted: str, value: Any) -> None:
    """A value of the wrong type ("6" as text, true as a number...) fails, naming where."""
    edit(folder, name, dotted, value)
    with pytest.raises(RulebookError, match=re.escape(f"rules.{dotted}")):
        load_rules(folder)


@pytest.mark.parametrize(
    ("name", "dotted", "value"),
    [
        ("invoicing.yml", "invoice_call.usual_day", 0),
        ("invoicing.yml", "invoice_call.usual_day", 40),
        ("invoicing.yml", "invoice_call.last_waiting_day", 29),
        ("invoicing.yml", "payment.payment_deadline_days", 0),
        ("invoicing.yml", "payment.bank_delay_days", -1),
        ("students.yml", "absences.consecutive_for_alert", 0),
        ("applications.yml", "application_followup.business_days.mentor", 0),
        ("applications.yml", "discount.percent", 101),
        ("general.yml", "personal_data_retention_days", 0),
        ("general.yml", "personal_data_retention_days", 4000),
    ],
    ids=["usual-day-0", "usual-day-40", "last-day-29", "deadline-0", "bank-delay-negative",
         "absences-0", "business-days-0", "percent-101", "retention-0", "retention-4000"],
)
def test_out_of_range_number_fails(folder: Path, name: str, dotted: str, value: int) -> None:
    """A whole number outside its allowed range (day 0, day 40 of a month...) fails."""
    edit(folder, name, dotted, value)
    with pytest.raises(RulebookError, match=rf"{value} is outside"):
        load_rules(folder)


@pytest.mark.parametrize("day", [1, 28], ids=["first-day", "28th"])
def test_range_bounds_are_accepted(folder: Path, day: int) -> None:
    """The bounds of a range are valid values: days 1 and 28 exist in every month."""
    edit(folder, "invoicing.yml", "invoice_call.usual_day", day)
    edit(folder, "invoicing.yml", "invoice_call.last_waiting_day", day)
    assert load_rules(folder).invoice_call.usual_day == day


def test_last_waiting_day_before_usual_day_fails(folder: Path) -> None:
    """Waiting only until the 4th for a call sent on the 5th is contradictory: an error."""
    edit(folder, "invoicing.yml", "invoice_call.last_waiting_day", 4)
    with pytest.raises(RulebookError, match="last_waiting_day must not be before usual_day"):
        load_rules(folder)


def test_last_waiting_day_equal_to_usual_day_is_accepted(folder: Path) -> None:
    """Waiting until the very day of the call is allowed (the check is strictly 'before')."""
    edit(folder, "invoicing.yml", "invoice_call.last_waiting_day", 5)
    assert load_rules(folder).invoice_call.last_waiting_day == 5


@pytest.mark.parametrize(
    "value",
    [{"mentor": 3}, {"mentor": 3, "coach": 7, "student": 2}, {"mentor": 3, "coache": 7}, 3],
    ids=["coach-missing", "extra-role", "role-typo", "single-number"],
)
def test_business_days_need_exactly_both_roles(folder: Path, value: Any) -> None:
    """The application delay is given for mentor and coach, no more, no less."""
    edit(folder, "applications.yml", "application_followup.business_days", value)
    with pytest.raises(RulebookError, match=r"business_days: expected exactly the keys"):
        load_rules(folder)


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize(
    ("name", "key"),
    [("students.yml", "referral"), ("invoicing.yml", "timezone"), ("general.yml", "payment")],
    ids=["referral-in-students", "timezone-in-invoicing", "payment-in-general"],
)
def test_key_defined_in_two_files_fails(folder: Path, name: str, key: str) -> None:
    """A top-level key written in two files is an error: neither copy silently wins."""
    edit(folder, name, key, {"anything": 1})
    with pytest.raises(RulebookError, match=rf"key '{key}' is defined twice"):
        load_rules(folder)


@pytest.mark.parametrize(
    "stranger", ["extra.yml", "invoicing.old.yml", "Payment.yml"],
    ids=["extra", "backup", "capitalised-name"],
)
def test_unknown_yml_file_in_the_folder_fails(folder: Path, stranger: str) -> None:
    """A .yml file the rulebook does not read would be silently ignored: it is an error."""
    (folder / stranger).write_text("payment:\n  bank_delay_days: 3\n", encoding="utf-8")
    with pytest.raises(RulebookError, match=rf"unknown rules file\(s\) \['{stranger}'\]"):
        load_rules(folder)


def test_missing_rules_file_fails_naming_it(folder: Path) -> None:
    """A rules file that is not there cannot be read: the error names it."""
    (folder / "students.yml").unlink()
    with pytest.raises(RulebookError, match=r"students\.yml: cannot read"):
        load_rules(folder)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "expected a mapping at the top level"),
        ("- usual_day\n- 5\n", "expected a mapping at the top level"),
        ("invoice_call: [5,\n", "cannot read"),
    ],
    ids=["empty", "list", "broken-yaml"],
)
def test_malformed_rules_file_fails(folder: Path, content: str, message: str) -> None:
    """An empty file, a list or invalid YAML fails with the file's name."""
    (folder / "invoicing.yml").write_text(content, encoding="utf-8")
    with pytest.raises(RulebookError, match=rf"invoicing\.yml: {message}"):
        load_rules(folder)


# --------------------------------------------------------------------------- known gaps


def test_key_defined_twice_in_one_file_fails(folder: Path) -> None:
    """A section written twice in the same file is an error, like across two files."""
    path = folder / "invoicing.yml"
    again = "\ninvoice_call:\n  usual_day: 5\n  last_waiting_day: 9\n"
    path.write_text(path.read_text(encoding="utf-8") + again, encoding="utf-8")
    with pytest.raises(RulebookError):
        load_rules(folder)


@pytest.mark.parametrize(
    ("name", "dotted", "value"),
    [
        ("general.yml", "timezone", "Europe/Pariss"),
        ("general.yml", "holidays_country", "XX"),
        ("students.yml", "student_late.alert_cases",
         ["weekly_session_not_planned", "worring_delay", "repeated_cancellations",
          "dropout_risk"]),
        ("applications.yml", "discount.eligible_funding", ["selff"]),
    ],
    ids=["timezone-typo", "country-typo", "alert-case-typo", "funding-typo"],
)
def test_value_typo_fails_at_load(folder: Path, name: str, dotted: str, value: Any) -> None:
    """A typo in a text value stops the server at start-up, as the module promises."""
    edit(folder, name, dotted, value)
    with pytest.raises(RulebookError):
        load_rules(folder)
