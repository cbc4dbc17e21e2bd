"""What comes after an answer (actions.business.questions.next_question): the rule's next
question or its decision, then the ticket's next question, file, address, or summary."""

from __future__ import annotations

from datetime import date

import pytest

from actions.business.catalog import load_catalog
from actions.business.questions import (
    EMAIL,
    FILE,
    AskFor,
    AskForFile,
    Decided,
    NothingToAsk,
    Progress,
    Summarised,
    next_question,
)
from actions.business.rulebook import load_rules
from actions.business.turn import Step

CATALOG = load_catalog()
RULES = load_rules()


def after(progress: Progress, today: str = "2026-11-20"):
    return next_question(progress, CATALOG, date.fromisoformat(today), RULES)


# ------------------------------------------------------------------ a rule's questions, real dates

RULE_CASES = [
    # (rule, role, values, today, what comes next: a fact asked or the decision's response)
    ("invoice_call", "mentor", {}, "2026-11-06", "utter_invoice_call_wait"),
    ("invoice_call", "mentor", {}, "2026-11-07", "utter_invoice_call_write"),
    ("payment", "mentor", {}, "2026-11-20", "invoice_status"),
    ("payment", "mentor", {"invoice_status": "payee"}, "2026-11-20", "status_since"),
    ("payment", "mentor", {"invoice_status": "payee", "status_since": "2026-11-15"},
     "2026-11-20", "utter_payment_paid_wait"),
    ("payment", "coach", {"invoice_status": "payee", "status_since": "2026-11-12"},
     "2026-11-20", "utter_payment_paid_write"),
    ("payment", "mentor", {"invoice_status": "en_cours", "status_since": "2026-10-21"},
     "2026-11-20", "utter_payment_pending_wait"),
    ("absences", "mentor", {}, "2026-11-20", "absences_count"),
    ("absences", "mentor", {"absences_count": "1"}, "2026-11-20", "utter_absences_one"),
    ("absences", "mentor", {"absences_count": "2"}, "2026-11-20", "last_absence_date"),
    ("absences", "mentor", {"absences_count": "2", "last_absence_date": "2026-11-19"},
     "2026-11-20", "utter_absences_too_early"),
    ("absences", "mentor", {"absences_count": "2", "last_absence_date": "2026-11-10"},
     "2026-11-20", "last_absence_justified"),
    ("absences", "mentor", {"absences_count": "2", "last_absence_date": "2026-11-10",
                            "last_absence_justified": "non"},
     "2026-11-20", "previous_absence_justified"),
    ("absences", "mentor", {"absences_count": "2", "last_absence_date": "2026-11-10",
                            "last_absence_justified": "non",
                            "previous_absence_justified": "oui"},
     "2026-11-20", "utter_absences_justified"),
    ("absences", "mentor", {"absences_count": "2", "last_absence_date": "2026-11-10",
                            "last_absence_justified": "non",
                            "previous_absence_justified": "non"},
     "2026-11-20", "utter_absences_write"),
]


@pytest.mark.parametrize(("rule", "role", "values", "today", "expected"), RULE_CASES,
                         ids=[f"{c[0]}-{c[3]}-{c[4]}" for c in RULE_CASES])
def test_rule_asks_its_next_fact_or_decides(rule, role, values, today, expected):
    """The rule's next question while a fact is missing, its decision once it has them all."""
    found = after(Progress(rule=rule, role=role, values=values), today)
    if expected.startswith("utter_"):
        assert isinstance(found, Decided) and found.outcome.response == expected
        assert found.rule == rule
    else:
        assert found == AskFor(expected, Step.DECISION)
        assert found.response == f"utter_ask_{expected}"


def test_decision_that_writes_carries_the_ticket_and_what_it_knows():
    """On the 7th, the invoice-call rule opens its ticket with the previous month."""
    found = after(Progress(rule="invoice_call", role="mentor"), "2027-01-07")
    assert isinstance(found, Decided)
    assert (found.outcome.ticket, found.outcome.prefill) == (
        "invoice_call_missing", {"invoice_month": "2026-12"})


def test_rule_reads_no_raw_text_as_a_fact():
    """A value that is no read fact (a text kept as typed) is asked again, never decided on."""
    found = after(Progress(rule="payment", role="mentor",
                           values={"invoice_status": "je crois qu'elle est payée"}))
    assert found == AskFor("invoice_status", Step.DECISION)


def test_rule_comes_before_a_draft_left_from_earlier():
    """A rule in progress asks its own facts, whatever ticket category was drafted before."""
    found = after(Progress(rule="payment", category="other", role="mentor"))
    assert found == AskFor("invoice_status", Step.DECISION)


# ------------------------------------------------------------------ a ticket's questions

def test_ticket_asks_its_details_in_order_skipping_the_known():
    """The payment ticket, status and date known from the rule: the month is asked."""
    found = after(Progress(category="payment_missing", role="mentor",
                           values={"invoice_status": "payee", "status_since": "2026-11-10"}))
    assert found == AskFor("invoice_month", Step.TICKET)


@pytest.mark.parametrize(("role", "expected"), [
    ("mentor", "path"), ("coach", "contact_attempts")])
def test_ticket_details_depend_on_the_role(role, expected):
    """An unresponsive student: a mentor's ticket asks the path, a coach's the attempts."""
    found = after(Progress(category="student_unresponsive", role=role,
                           values={"student_name": "Marie Dupont"}))
    assert found == AskFor(expected, Step.TICKET)


def test_ticket_counts_a_detail_kept_as_typed_or_skipped():
    """A detail kept as typed, or skipped, is given: the ticket moves on."""
    found = after(Progress(category="transfer", role="mentor",
                           values={"student_warned": "oui", "student_name": "Karim Benali",
                                   "transfer_date": "dès que possible",
                                   "transfer_reason": "non précisé"}))
    assert found == Summarised("transfer")


def test_file_comes_after_the_details_with_its_kind():
    """The novice-status ticket asks for the self-evaluation sheet once its details are known."""
    found = after(Progress(category="novice_status", role="mentor", file_kind="sheet",
                           values={"novice_course_done": "oui", "novice_sheet_complete": "oui"}))
    assert found == AskForFile(FILE, Step.TICKET, "sheet")
    assert found.response == "utter_ask_file_sheet"


@pytest.mark.parametrize(("needs_email", "values", "expected"), [
    (True, {"invoice_month": "2026-10"}, AskFor(EMAIL, Step.TICKET)),
    (True, {"invoice_month": "2026-10", EMAIL: "a@example.org"},
     Summarised("invoice_call_missing")),
    (False, {"invoice_month": "2026-10"}, Summarised("invoice_call_missing")),
], ids=["anonymous-asked", "address-given", "signed-in"])
def test_address_last_then_the_summary(needs_email, values, expected):
    """An anonymous user is asked where to answer after the details; then the summary."""
    found = after(Progress(category="invoice_call_missing", role="mentor",
                           values=values, needs_email=needs_email))
    assert found == expected


def test_nothing_in_progress_asks_nothing():
    """No rule and no draft: nothing to ask."""
    assert after(Progress(role="mentor")) == NothingToAsk()
