"""Tests for actions.business.decisions: the rules of SPEC's table "Rules", with rules/*.yml.

Every test passes `today` explicitly; facts are the canonical texts the form stores.
"""

from __future__ import annotations

from datetime import date

import pytest

from actions.business.catalog import DECISIONS, Catalog, load_catalog
from actions.business.decisions import RULES, Ask, Facts, Outcome, step
from actions.business.parsing import LATE_CASES
from actions.business.rulebook import Rules, load_rules

TODAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def decide(rule: str, facts: Facts, today: date, rules: Rules, role: str = "mentor") -> Outcome:
    """The rule's decision, failing the test if it still asks a question."""
    result = step(rule, role, facts, today, rules)
    assert isinstance(result, Outcome), f"{rule} still asks {result}"
    return result


# --------------------------------------------------------------------------- invoice call


@pytest.mark.parametrize(
    ("today", "response"),
    [
        (date(2026, 11, 1), "utter_invoice_call_wait"),
        (date(2026, 11, 5), "utter_invoice_call_wait"),
        (date(2026, 11, 6), "utter_invoice_call_wait"),
        (date(2026, 12, 1), "utter_invoice_call_wait_weekend"),
        (date(2026, 12, 4), "utter_invoice_call_wait_weekend"),
        (date(2026, 12, 5), "utter_invoice_call_wait_weekend"),
        (date(2026, 12, 6), "utter_invoice_call_wait_weekend"),
        (date(2027, 9, 6), "utter_invoice_call_wait_weekend"),
    ],
    ids=["day-1", "day-5", "day-6", "dec-1-5th-is-saturday", "dec-4", "dec-5-saturday",
         "dec-6-sunday", "sept-2027-5th-is-sunday"],
)
def test_invoice_call_waits_until_the_6th(rules: Rules, today: date, response: str) -> None:
    """Up to the 6th: wait, and say the call is late when the 5th falls on a weekend."""
    outcome = decide("invoice_call", {}, today, rules)
    assert (outcome.response, outcome.ticket) == (response, None)


@pytest.mark.parametrize(
    ("today", "month", "label"),
    [
        (date(2026, 11, 7), "2026-10", "octobre 2026"),
        (date(2026, 12, 7), "2026-11", "novembre 2026"),
        (date(2026, 11, 30), "2026-10", "octobre 2026"),
        (date(2027, 1, 7), "2026-12", "décembre 2026"),
    ],
    ids=["day-7", "day-7-after-weekend-5th", "end-of-month", "january-7th"],
)
def test_invoice_call_from_the_7th_opens_a_ticket_for_the_previous_month(
    rules: Rules, today: date, month: str, label: str
) -> None:
    """From the 7th: write to the team, about the previous month (December in January)."""
    outcome = decide("invoice_call", {}, today, rules)
    assert (outcome.response, outcome.ticket, outcome.prefill) == (
        "utter_invoice_call_write", "invoice_call_missing", {"invoice_month": month}
    )
    assert outcome.values["month"] == label


@pytest.mark.parametrize(
    ("today", "day", "of_month"),
    [
        (date(2026, 9, 1), "1er", "d'août 2026"),
        (date(2026, 11, 7), "7", "d'octobre 2026"),
        (date(2026, 5, 3), "3", "d'avril 2026"),
        (date(2026, 12, 2), "2", "de novembre 2026"),
    ],
    ids=["1er-august", "7th-october", "3rd-april", "2nd-november"],
)
def test_invoice_call_values_read_as_french(
    rules: Rules, today: date, day: str, of_month: str
) -> None:
    """"le 1er", not "le 1"; "d'août", not "de août"; writing starts "à partir du 7"."""
    outcome = decide("invoice_call", {}, today, rules)
    assert (outcome.values["day"], outcome.values["of_month"], outcome.values["write_day"]) == (
        day, of_month, "7"
    )


# --------------------------------------------------------------------------- payment


@pytest.mark.parametrize(
    ("facts", "question"),
    [({}, "invoice_status"), ({"invoice_status": "payee"}, "status_since")],
    ids=["status-first", "then-since-when"],
)
def test_payment_asks_the_status_then_since_when(
    rules: Rules, facts: dict[str, str], question: str
) -> None:
    """The payment rule needs the invoice status first, then the date of that status."""
    assert step("payment", "mentor", facts, TODAY, rules) == Ask(question)


@pytest.mark.parametrize(
    ("status", "since", "response"),
    [
        ("payee", date(2026, 11, 28), "utter_payment_paid_wait"),
        ("payee", date(2026, 11, 21), "utter_payment_paid_wait"),
        ("en_cours", date(2026, 10, 29), "utter_payment_pending_wait"),
    ],
    ids=["paid-today", "paid-7-days", "pending-30-days"],
)
def test_payment_within_the_delay_means_waiting(
    rules: Rules, status: str, since: date, response: str
) -> None:
    """"payée" up to 7 days ago (bank delays), "en cours" up to 30 days: wait, no ticket."""
    outcome = decide("payment", {"invoice_status": status, "status_since": since.isoformat()},
                     TODAY, rules)
    assert (outcome.response, outcome.ticket) == (response, None)


@pytest.mark.parametrize(
    ("status", "since", "response"),
    [
        ("payee", date(2026, 11, 20), "utter_payment_paid_write"),
        ("en_cours", date(2026, 10, 28), "utter_payment_pending_write"),
        ("en_cours", date(2026, 6, 1), "utter_payment_pending_write"),
    ],
    ids=["paid-8-days", "pending-31-days", "pending-months"],
)
def test_payment_beyond_the_delay_opens_a_ticket(
    rules: Rules, status: str, since: date, response: str
) -> None:
    """Beyond the delay of the status: ticket payment_missing, prefilled with what was said."""
    outcome = decide("payment", {"invoice_status": status, "status_since": since.isoformat()},
                     TODAY, rules)
    assert (outcome.response, outcome.ticket, outcome.prefill) == (
        response, "payment_missing", {"invoice_status": status, "status_since": since.isoformat()}
    )


@pytest.mark.parametrize(
    ("status", "until"),
    [("payee", "10 novembre 2026"), ("en_cours", "3 décembre 2026")],
    ids=["paid-plus-7", "pending-plus-30"],
)
def test_payment_says_until_when_to_wait(rules: Rules, status: str, until: str) -> None:
    """The answer gives the date after which writing is useful."""
    outcome = decide("payment", {"invoice_status": status, "status_since": "2026-11-03"},
                     date(2026, 11, 5), rules)
    assert outcome.values["until"] == until


# --------------------------------------------------------------------------- absences (mentor)


def test_absences_asks_the_count_first(rules: Rules) -> None:
    """Nothing is decided before the number of consecutive absences is known."""
    assert step("absences", "mentor", {}, TODAY, rules) == Ask("absences_count")


@pytest.mark.parametrize(
    ("count", "response"),
    [("0", "utter_absences_none"), ("1", "utter_absences_one")],
    ids=["none", "one"],
)
def test_absences_below_two_means_following_up(rules: Rules, count: str, response: str) -> None:
    """Under 2 consecutive absences: follow up and mark "Absent", without asking more; no
    absence and one absence have their own wording (no "0 absence(s)")."""
    outcome = decide("absences", {"absences_count": count}, TODAY, rules)
    assert (outcome.response, outcome.ticket) == (response, None)


@pytest.mark.parametrize("count", ["2", "3"])
def test_absences_at_two_asks_when_the_last_one_was(rules: Rules, count: str) -> None:
    """From 2 consecutive absences the rule needs the latest absence's date (48 h to justify)."""
    assert step("absences", "mentor", {"absences_count": count}, TODAY, rules) == Ask(
        "last_absence_date"
    )


# Today is Saturday 28 November 2026: the student has 48 h to justify an absence, and dates
# carry no hour, so the window ends on the second day after the absence, at the session's time.
@pytest.mark.parametrize(
    ("last", "window_end"),
    [
        (date(2026, 11, 28), "30 novembre 2026"),
        (date(2026, 11, 27), "29 novembre 2026"),
        (date(2026, 11, 26), "28 novembre 2026"),
        (date(2026, 10, 30), "1er novembre 2026"),
    ],
    ids=["today", "yesterday", "two-days-ago-window-ends-today", "month-boundary"],
)
def test_a_recent_absence_cannot_be_called_unjustified_yet(
    rules: Rules, last: date, window_end: str
) -> None:
    """Within the 48 h the student has to justify it, nothing is asked about justification and
    no ticket is opened; the answer says until when the student can justify."""
    today = TODAY if last.month == 11 else date(2026, 11, 1)
    facts = {"absences_count": "2", "last_absence_date": last.isoformat()}
    outcome = decide("absences", facts, today, rules)
    assert (outcome.response, outcome.ticket, outcome.values["window_end"]) == (
        "utter_absences_too_early", None, window_end
    )


def test_once_the_window_is_over_the_last_absence_justification_is_asked(rules: Rules) -> None:
    """Three days after the latest absence, its justification is asked (on its own)."""
    facts = {"absences_count": "2", "last_absence_date": "2026-11-25"}
    assert step("absences", "mentor", facts, TODAY, rules) == Ask("last_absence_justified")


def test_the_previous_absence_justification_is_asked_separately(rules: Rules) -> None:
    """The latest absence unjustified: the one before is asked about in its own question."""
    facts = {"absences_count": "2", "last_absence_date": "2026-11-25",
             "last_absence_justified": "non"}
    assert step("absences", "mentor", facts, TODAY, rules) == Ask("previous_absence_justified")


@pytest.mark.parametrize(
    ("last", "previous"),
    [("oui", None), ("non", "oui")],
    ids=["latest-justified", "previous-justified"],
)
def test_one_justified_absence_means_no_ticket(
    rules: Rules, last: str, previous: str | None
) -> None:
    """A justified absence already has a note on the dashboard: not two unjustified, no ticket."""
    facts = {"absences_count": "2", "last_absence_date": "2026-11-20",
             "last_absence_justified": last, "previous_absence_justified": previous}
    outcome = decide("absences", facts, TODAY, rules)
    assert (outcome.response, outcome.ticket) == ("utter_absences_justified", None)


@pytest.mark.parametrize("count", ["2", "3"])
def test_two_unjustified_absences_open_a_ticket(rules: Rules, count: str) -> None:
    """The last two absences unjustified, past the 48 h: ticket student_unresponsive."""
    facts = {"absences_count": count, "last_absence_date": "2026-11-25",
             "last_absence_justified": "non", "previous_absence_justified": "non"}
    outcome = decide("absences", facts, TODAY, rules)
    assert (outcome.response, outcome.ticket) == ("utter_absences_write", "student_unresponsive")


# --------------------------------------------------------------------------- contacts (coach)


def test_contacts_asks_the_number_of_attempts_first(rules: Rules) -> None:
    """Nothing is decided before the number of contact attempts is known."""
    assert step("contacts", "coach", {}, TODAY, rules) == Ask("contact_attempts")


def test_contacts_none_yet_asks_for_three(rules: Rules) -> None:
    """No contact yet: the answer asks for 3 contacts, not "encore 3 fois" after none."""
    outcome = decide("contacts", {"contact_attempts": "0"}, TODAY, rules, role="coach")
    assert (outcome.response, outcome.ticket, outcome.values["needed"]) == (
        "utter_contacts_none", None, "3"
    )


@pytest.mark.parametrize(("count", "remaining"), [("1", "2"), ("2", "1")])
def test_contacts_below_three_says_how_many_remain(
    rules: Rules, count: str, remaining: str
) -> None:
    """Under 3 attempts: contact the student again, saying how many attempts remain."""
    outcome = decide("contacts", {"contact_attempts": count}, TODAY, rules, role="coach")
    assert (outcome.response, outcome.ticket, outcome.values["remaining"]) == (
        "utter_contacts_again", None, remaining
    )


@pytest.mark.parametrize("count", ["3", "5"])
def test_contacts_from_three_open_a_ticket(rules: Rules, count: str) -> None:
    """From 3 attempts: ticket student_unresponsive carrying the number of attempts."""
    outcome = decide("contacts", {"contact_attempts": count}, TODAY, rules, role="coach")
    assert (outcome.response, outcome.ticket, outcome.prefill) == (
        "utter_contacts_write", "student_unresponsive", {"contact_attempts": count}
    )


# --------------------------------------------------------------------------- student late


def test_student_late_asks_the_case_first(rules: Rules) -> None:
    """The rule needs to know which situation the mentor sees."""
    assert step("student_late", "mentor", {}, TODAY, rules) == Ask("late_case")


@pytest.mark.parametrize("case", LATE_CASES)
def test_each_alert_case_opens_a_student_alert(rules: Rules, case: str) -> None:
    """Each of the four alert cases: ticket student_alert carrying the case."""
    outcome = decide("student_late", {"late_case": case}, TODAY, rules)
    assert (outcome.response, outcome.ticket, outcome.prefill) == (
        "utter_student_late_write", "student_alert", {"alert_case": case}
    )


def test_no_alert_case_means_no_ticket(rules: Rules) -> None:
    """None of the four cases: no alert needed, progress is tracked."""
    outcome = decide("student_late", {"late_case": "none"}, TODAY, rules)
    assert (outcome.response, outcome.ticket) == ("utter_student_late_no_alert", None)


def test_rulebook_alert_cases_are_those_the_parser_reads(rules: Rules) -> None:
    """Every case the late-case parser can return is an alert case of the rulebook."""
    assert set(rules.student_late.alert_cases) == set(LATE_CASES)


# --------------------------------------------------------------------------- scheduling

FUTURE = "2026-12-10"
END = "2027-03-31"


@pytest.mark.parametrize(
    ("facts", "question"),
    [
        ({}, "session_date"),
        ({"session_date": FUTURE}, "student_listed"),
        ({"session_date": TODAY.isoformat()}, "student_listed"),
        ({"session_date": FUTURE, "student_listed": "oui"}, "end_date"),
    ],
    ids=["date-first", "then-listed", "today-is-not-past", "then-end-date"],
)
def test_scheduling_asks_its_checks_in_order(
    rules: Rules, facts: dict[str, str], question: str
) -> None:
    """Session date, then student still listed, then end date; today counts as not past."""
    assert step("scheduling", "mentor", facts, TODAY, rules) == Ask(question)


def test_scheduling_past_date_is_explained_without_more_questions(rules: Rules) -> None:
    """A date in the past is the failing check: explained at once, nothing more asked."""
    outcome = decide("scheduling", {"session_date": "2026-11-27"}, TODAY, rules)
    assert (outcome.response, outcome.ticket) == ("utter_scheduling_past_date", None)
    assert outcome.values["session_date"] == "27 novembre 2026"


@pytest.mark.parametrize(
    ("facts", "response"),
    [
        ({"session_date": FUTURE, "student_listed": "non"}, "utter_scheduling_not_listed"),
        ({"session_date": FUTURE, "student_listed": "oui", "end_date": "2026-12-09"},
         "utter_scheduling_after_end"),
        ({"session_date": "2026-11-01", "student_listed": "non", "end_date": "2026-10-01"},
         "utter_scheduling_past_date"),
        ({"session_date": FUTURE, "student_listed": "non", "end_date": "2026-12-01"},
         "utter_scheduling_not_listed"),
    ],
    ids=["not-listed", "after-end-date", "past-wins-over-all", "not-listed-wins-over-end"],
)
def test_scheduling_explains_the_first_failing_check(
    rules: Rules, facts: dict[str, str], response: str
) -> None:
    """The first check that fails is the one explained, and no ticket is opened."""
    outcome = decide("scheduling", facts, TODAY, rules)
    assert (outcome.response, outcome.ticket) == (response, None)


@pytest.mark.parametrize(
    ("session", "end"),
    [(FUTURE, END), (TODAY.isoformat(), END), (FUTURE, FUTURE)],
    ids=["future", "today", "on-the-end-date"],
)
def test_scheduling_all_checks_pass_opens_a_ticket(rules: Rules, session: str, end: str) -> None:
    """All checks pass: ticket session_scheduling carrying the session date."""
    facts = {"session_date": session, "student_listed": "oui", "end_date": end}
    outcome = decide("scheduling", facts, TODAY, rules)
    assert (outcome.response, outcome.ticket, outcome.prefill) == (
        "utter_scheduling_write", "session_scheduling", {"session_date": session}
    )


# --------------------------------------------------------------------------- application


def test_application_followup_asks_the_date_first(rules: Rules) -> None:
    """The rule needs the application date."""
    assert step("application_followup", "coach", {}, TODAY, rules) == Ask("application_date")


@pytest.mark.parametrize(
    ("role", "applied", "today", "response"),
    [
        ("mentor", date(2026, 11, 23), date(2026, 11, 26), "utter_application_wait_mentor"),
        ("mentor", date(2026, 11, 23), date(2026, 11, 27), "utter_application_late_mentor"),
        ("mentor", date(2026, 11, 25), date(2026, 11, 30), "utter_application_wait_mentor"),
        ("mentor", date(2026, 11, 25), date(2026, 12, 1), "utter_application_late_mentor"),
        ("mentor", date(2026, 12, 22), date(2026, 12, 28), "utter_application_wait_mentor"),
        ("mentor", date(2026, 12, 22), date(2026, 12, 29), "utter_application_late_mentor"),
        ("coach", date(2026, 11, 16), date(2026, 11, 25), "utter_application_wait_coach"),
        ("coach", date(2026, 11, 16), date(2026, 11, 26), "utter_application_late_coach"),
        ("coach", date(2026, 11, 20), date(2026, 12, 1), "utter_application_wait_coach"),
        ("coach", date(2026, 11, 20), date(2026, 12, 2), "utter_application_late_coach"),
        ("coach", date(2026, 12, 21), date(2027, 1, 1), "utter_application_wait_coach"),
        ("coach", date(2026, 12, 21), date(2027, 1, 4), "utter_application_late_coach"),
    ],
    ids=["mentor-3-days", "mentor-4-days", "mentor-3-across-weekend",
         "mentor-4-across-weekend", "mentor-3-across-christmas", "mentor-4-across-christmas",
         "coach-7-days", "coach-8-days", "coach-7-across-weekends", "coach-8-across-weekends",
         "coach-7-across-holidays", "coach-8-across-holidays"],
)
def test_application_followup_counts_business_days(
    rules: Rules, role: str, applied: date, today: date, response: str
) -> None:
    """Up to 3 business days (mentor) or 7 (coach) after applying: wait; beyond: too late."""
    outcome = decide("application_followup", {"application_date": applied.isoformat()}, today,
                     rules, role=role)
    assert (outcome.response, outcome.ticket) == (response, None)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("mentor", "28 décembre 2026"), ("coach", "4 janvier 2027")],
    ids=["mentor-3", "coach-7"],
)
def test_application_followup_says_when_the_answer_is_due(
    rules: Rules, role: str, expected: str
) -> None:
    """The expected answer date skips weekends, Christmas and New Year's Day."""
    outcome = decide("application_followup", {"application_date": "2026-12-22"},
                     date(2026, 12, 23), rules, role=role)
    assert outcome.values["expected"] == expected


# --------------------------------------------------------------------------- first student


def test_first_student_asks_the_availability_date_first(rules: Rules) -> None:
    """The rule needs the date the mentor became available."""
    assert step("first_student", "mentor", {}, TODAY, rules) == Ask("available_since")


@pytest.mark.parametrize(
    ("since", "today"),
    [
        (date(2026, 1, 31), date(2026, 2, 27)),
        (date(2028, 1, 31), date(2028, 2, 28)),
        (date(2026, 10, 15), date(2026, 11, 14)),
        (date(2026, 11, 28), date(2026, 11, 28)),
    ],
    ids=["31-jan-on-27-feb", "31-jan-on-28-feb-leap-year", "day-before-a-month",
         "available-today"],
)
def test_first_student_under_a_month_means_patience(
    rules: Rules, since: date, today: date
) -> None:
    """Under one month of availability: novices are prioritised, be patient, no ticket."""
    outcome = decide("first_student", {"available_since": since.isoformat()}, today, rules)
    assert (outcome.response, outcome.ticket) == ("utter_first_student_patience", None)


@pytest.mark.parametrize(
    ("since", "today"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 10, 15), date(2026, 11, 15)),
        (date(2026, 3, 1), date(2026, 11, 28)),
    ],
    ids=["31-jan-on-28-feb", "31-jan-on-29-feb-leap-year", "one-month", "months-later"],
)
def test_first_student_after_a_month_opens_a_ticket(
    rules: Rules, since: date, today: date
) -> None:
    """From one month on: ticket no_student_yet carrying the availability date."""
    outcome = decide("first_student", {"available_since": since.isoformat()}, today, rules)
    assert (outcome.response, outcome.ticket, outcome.prefill) == (
        "utter_first_student_write", "no_student_yet", {"available_since": since.isoformat()}
    )


# --------------------------------------------------------------------------- transfer


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({}, Ask("student_warned")),
        ({"student_warned": "non"}, Outcome("utter_transfer_warn_first")),
        ({"student_warned": "oui"},
         Outcome("utter_transfer_write", {}, "transfer", {"student_warned": "oui"})),
    ],
    ids=["asks", "not-warned", "warned"],
)
def test_transfer_needs_the_student_warned(
    rules: Rules, facts: dict[str, str], expected: Ask | Outcome
) -> None:
    """Not warned: warn the student first, no ticket; warned: ticket transfer."""
    assert step("transfer", "coach", facts, TODAY, rules) == expected


@pytest.mark.parametrize("rule", ["pause", "stop"])
@pytest.mark.parametrize(
    ("warned", "response", "ticket", "prefill"),
    [
        (None, None, None, None),
        ("non", "warn_first", None, {}),
        ("oui", "write", "", {"students_warned": "oui"}),
    ],
    ids=["asks", "not-warned", "warned"],
)
def test_pause_and_stop_need_the_students_warned(
    rules: Rules, rule: str, warned: str | None, response: str | None, ticket: str | None,
    prefill: dict[str, str] | None,
) -> None:
    """The page: warn the students, then write. Not warned: warn first, no ticket; warned: the
    pause or stop ticket, carrying the confirmation."""
    facts = {"students_warned": warned} if warned else {}
    result = step(rule, "coach", facts, TODAY, rules)
    if response is None:
        assert result == Ask("students_warned")
        return
    expected_ticket = rule if ticket == "" else None
    assert result == Outcome(f"utter_{rule}_{response}", {}, expected_ticket, prefill or {})


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (None, Ask("wrong_project_or_status")),
        ("oui", Outcome("utter_validated_session_write", {}, "validated_session_fix")),
        ("non", Outcome("utter_validated_session_self_fix")),
    ],
    ids=["asks", "project-or-status", "report-or-percentage-only"],
)
def test_validated_session_ticket_only_for_project_or_status(
    rules: Rules, answer: str | None, expected: Ask | Outcome
) -> None:
    """Wrong project or status: ticket; only the report or the percentage wrong: the page's fix
    (internal note, report by e-mail), no ticket."""
    facts = {"wrong_project_or_status": answer} if answer else {}
    assert step("validated_session", "mentor", facts, TODAY, rules) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (None, Ask("technical_problem")),
        ("oui", Outcome("utter_videoconference_report_in_tool")),
        ("non", Outcome("utter_videoconference_write", {}, "videoconference")),
    ],
    ids=["asks", "technical-report-in-tool", "other-situation-ticket"],
)
def test_videoconference_ticket_only_for_a_non_technical_situation(
    rules: Rules, answer: str | None, expected: Ask | Outcome
) -> None:
    """A technical problem is reported from the tool itself; only another situation: ticket."""
    facts = {"technical_problem": answer} if answer else {}
    assert step("videoconference", "mentor", facts, TODAY, rules) == expected


# --------------------------------------------------------------------------- prerequisites


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({}, Ask("novice_course_done")),
        ({"novice_course_done": "non"}, Outcome("utter_novice_novice_course_done")),
        ({"novice_course_done": "non", "novice_sheet_complete": "oui"},
         Outcome("utter_novice_novice_course_done")),
        ({"novice_course_done": "oui"}, Ask("novice_sheet_complete")),
        ({"novice_course_done": "oui", "novice_sheet_complete": "non"},
         Outcome("utter_novice_novice_sheet_complete")),
        ({"novice_course_done": "oui", "novice_sheet_complete": "oui"},
         Outcome("utter_novice_ok", {}, "novice_status",
                 {"novice_course_done": "oui", "novice_sheet_complete": "oui"})),
    ],
    ids=["asks-course", "course-missing", "course-missing-sheet-done", "asks-sheet",
         "sheet-missing", "all-met"],
)
def test_novice_status_names_the_missing_prerequisite(
    rules: Rules, facts: dict[str, str], expected: Ask | Outcome
) -> None:
    """Course then self-evaluation sheet: the first one missing is named; both: ticket."""
    assert step("novice_status", "mentor", facts, TODAY, rules) == expected


ELIGIBLE = {"evaluator_path_eligible": "oui"}


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({}, Ask("evaluator_path_eligible")),
        ({"evaluator_path_eligible": "non"}, Outcome("utter_evaluator_evaluator_path_eligible")),
        ({"evaluator_path_eligible": "non", "evaluator_course_done": "oui",
          "webinar_attended": "oui"}, Outcome("utter_evaluator_evaluator_path_eligible")),
        (ELIGIBLE, Ask("evaluator_course_done")),
        ({**ELIGIBLE, "evaluator_course_done": "non"},
         Outcome("utter_evaluator_evaluator_course_done")),
        ({**ELIGIBLE, "evaluator_course_done": "oui"}, Ask("webinar_attended")),
        ({**ELIGIBLE, "evaluator_course_done": "oui", "webinar_attended": "non"},
         Outcome("utter_evaluator_webinar_attended")),
        ({**ELIGIBLE, "evaluator_course_done": "oui", "webinar_attended": "oui"},
         Outcome("utter_evaluator_ok", {}, "evaluator_status")),
    ],
    ids=["asks-path", "path-not-eligible", "not-eligible-whatever-else", "asks-course",
         "course-missing", "asks-webinar", "webinar-missing", "all-met"],
)
def test_evaluator_status_names_the_missing_prerequisite(
    rules: Rules, facts: dict[str, str], expected: Ask | Outcome
) -> None:
    """Mentor on an eligible path, dedicated course, webinar: the first one missing is named;
    all three: ticket."""
    assert step("evaluator_status", "mentor", facts, TODAY, rules) == expected


# --------------------------------------------------------------------------- referral, discount


@pytest.mark.parametrize(
    ("done", "response", "remaining"),
    [
        ("0", "utter_referral_none", "5"),
        ("4", "utter_referral_not_yet", "1"),
        ("5", "utter_referral_ok", "0"),
        ("12", "utter_referral_ok", "0"),
    ],
    ids=["none", "four", "five", "twelve"],
)
def test_referral_bonus_after_five_sessions(
    rules: Rules, done: str, response: str, remaining: str
) -> None:
    """Under 5 sessions by the new mentor: not yet (none yet has its own wording); from 5: it
    comes with the monthly review."""
    outcome = decide("referral", {"sessions_done": done}, TODAY, rules)
    assert (outcome.response, outcome.ticket, outcome.values["remaining"]) == (
        response, None, remaining
    )


def test_referral_asks_the_sessions_first(rules: Rules) -> None:
    """The rule needs the number of sessions the new mentor has done."""
    assert step("referral", "mentor", {}, TODAY, rules) == Ask("sessions_done")


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({}, Ask("funding_mode")),
        ({"funding_mode": "self"}, Ask("already_enrolled")),
        ({"funding_mode": "self", "already_enrolled": "non"},
         Outcome("utter_discount_write", {"percent": "20"}, "mentor_discount")),
        ({"funding_mode": "self", "already_enrolled": "oui"},
         Outcome("utter_discount_already_enrolled", {"percent": "20"})),
        ({"funding_mode": "third_party"},
         Outcome("utter_discount_not_eligible", {"percent": "20"})),
    ],
    ids=["asks", "self-funded-asks-enrolled", "before-enrolling", "already-enrolled",
         "third-party"],
)
def test_discount_only_for_a_self_funded_path(
    rules: Rules, facts: dict[str, str], expected: Ask | Outcome
) -> None:
    """Self-funded and not yet enrolled: ticket mentor_discount (the page: contact us *before*
    enrolling); already enrolled, CPF or third party: not eligible, no ticket."""
    assert step("discount", "mentor", facts, TODAY, rules) == expected


def test_eligible_funding_modes_are_those_the_parser_reads(rules: Rules) -> None:
    """The rulebook's eligible funding modes are values the funding answer can take."""
    assert set(rules.discount.eligible_funding) <= set(load_catalog().choices["funding"])


# --------------------------------------------------------------------------- consistency

# One answer per fact, chosen so that every rule ends with a ticket when it can open one.
ANSWERS = {
    "invoice_status": "payee", "status_since": "2026-09-01", "absences_count": "2",
    "last_absence_date": "2026-11-20", "last_absence_justified": "non",
    "previous_absence_justified": "non", "contact_attempts": "3", "late_case": "dropout_risk",
    "session_date": "2026-12-10", "student_listed": "oui", "end_date": "2027-03-31",
    "application_date": "2026-09-01", "available_since": "2026-09-01", "student_warned": "oui",
    "novice_course_done": "oui", "novice_sheet_complete": "oui", "evaluator_course_done": "oui",
    "webinar_attended": "oui", "sessions_done": "5", "funding_mode": "self",
    "evaluator_path_eligible": "oui", "already_enrolled": "non", "students_warned": "oui",
    "wrong_project_or_status": "oui", "technical_problem": "non",
}
WALKS = [(rule, "coach" if rule == "contacts" else "mentor") for rule in sorted(RULES)]


def walk(rule: str, role: str, rules: Rules) -> tuple[list[str], Outcome]:
    """Answer each question of the rule from ANSWERS until it decides."""
    facts: dict[str, str] = {}
    asked: list[str] = []
    while isinstance(result := step(rule, role, facts, TODAY, rules), Ask):
        assert result.fact not in asked, f"{rule} asks {result.fact} twice"
        asked.append(result.fact)
        facts[result.fact] = ANSWERS[result.fact]
    return asked, result


def test_catalog_and_rules_name_the_same_decisions() -> None:
    """Every decision a topic may name has a rule, and every rule can be named by a topic."""
    assert set(RULES) == set(DECISIONS)


@pytest.mark.parametrize(("rule", "role"), WALKS, ids=[rule for rule, _ in WALKS])
def test_rule_asks_only_catalog_fields(
    rules: Rules, catalog: Catalog, rule: str, role: str
) -> None:
    """Each fact a rule asks is a field of fields.yml, so the form knows how to read it."""
    asked, _ = walk(rule, role, rules)
    assert [fact for fact in asked if fact not in catalog.fields] == []


@pytest.mark.parametrize(("rule", "role"), WALKS, ids=[rule for rule, _ in WALKS])
def test_rule_ticket_is_a_category_prefilled_with_its_details(
    rules: Rules, catalog: Catalog, rule: str, role: str
) -> None:
    """A ticket a rule opens exists in tickets.yml and is prefilled only with its details."""
    _, outcome = walk(rule, role, rules)
    if outcome.ticket is None:
        assert rule in {"application_followup", "referral"}
        return
    details = catalog.categories[outcome.ticket].details_for(role)
    assert set(outcome.prefill) <= set(details)
