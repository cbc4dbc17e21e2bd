"""Tests for actions.business.flow: what to do for a topic, when a form answer is an interruption,
and how a ticket summary reads."""

from __future__ import annotations

import pytest

from actions.business.catalog import Catalog, load_catalog
from actions.business.fields import SKIPPED
from actions.business.flow import (
    CANCEL,
    Plan,
    interruption,
    plan_topic,
    summary_lines,
    ticket_fields,
)

THRESHOLD = 0.7


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


# --------------------------------------------------------------------------- plan_topic

PLANS = [
    ("application_followup", None, Plan(ask_role=True)),
    ("student_unresponsive", None, Plan(ask_role=True)),
    ("student_unresponsive", "mentor",
     Plan(decision="absences", answer="utter_student_unresponsive")),
    ("student_unresponsive", "coach",
     Plan(decision="contacts", answer="utter_student_unresponsive")),
    ("student_late", "mentor", Plan(decision="student_late", answer="utter_student_late")),
    ("student_late", "coach", Plan(answer="utter_student_late", ticket="student_disengaged")),
    ("leave_novice_status", None,
     Plan(decision="novice_status", answer="utter_leave_novice_status")),
    ("invoice_call_missing", "coach",
     Plan(decision="invoice_call", answer="utter_invoice_call_missing")),
    ("become_mentor", None, Plan(answer="utter_become_mentor", ticket="application_blocked")),
    ("free_session", "mentor", Plan(answer="utter_free_session", ticket="free_session")),
    ("other_paths", "mentor", Plan(answer="utter_other_paths")),
    ("other_paths", "coach", Plan(answer="utter_other_paths", ticket="add_path")),
    ("extra_sessions", "mentor", Plan(answer="utter_extra_sessions")),
    ("out_of_scope", None, Plan(answer="utter_out_of_scope", ticket="other")),
]


@pytest.mark.parametrize(
    ("topic", "role", "plan"), PLANS, ids=[f"{topic}-{role}" for topic, role, _ in PLANS]
)
def test_plan_topic(catalog: Catalog, topic: str, role: str | None, plan: Plan) -> None:
    """Unknown role on a role-dependent topic: ask it; else answer, then a rule or a ticket."""
    assert plan_topic(topic, role, catalog) == plan


# --------------------------------------------------------------------------- interruption


@pytest.mark.parametrize(
    ("text", "intent", "understood", "kind"),
    [
        ("annuler", "payment_missing", False, "past_date"),
        ("laisse tomber", None, False, "count"),
        ("stop", "out_of_scope", False, "yes_no"),
        ("on arrête là", "deny", False, "date"),
        ("laisse tomber, je vais écrire au support", "request_human", True, "text"),
        ("annule", "inform", True, "text"),
    ],
    ids=["annuler", "laisse-tomber", "stop", "on-arrete-la", "laisse-tomber-on-text",
         "annule-read-as-text"],
)
def test_cancel_phrase_cancels_the_form(
    text: str, intent: str | None, understood: bool, kind: str
) -> None:
    """A cancel phrase leaves the form, whatever the classifier or the parser made of it."""
    assert interruption(text, intent, 0.99, understood, kind, THRESHOLD) == CANCEL


@pytest.mark.parametrize(
    ("text", "intent", "kind"),
    [
        ("le 3 novembre", "payment_missing", "past_date"),
        ("3", "student_unresponsive", "count"),
        ("oui", "affirm", "yes_no"),
        ("non", "deny", "yes_no"),
        ("octobre", "invoice_call_missing", "month"),
    ],
    ids=["date-read-as-topic", "count-read-as-topic", "yes", "no-is-an-answer",
         "month-read-as-topic"],
)
def test_well_understood_answer_is_never_an_interruption(
    text: str, intent: str, kind: str
) -> None:
    """An answer the parser read stays an answer, even if the classifier saw a topic in it."""
    assert interruption(text, intent, 0.99, True, kind, THRESHOLD) is None


@pytest.mark.parametrize(
    ("text", "intent", "kind"),
    [
        ("et pour mon paiement alors ?", "payment_missing", "past_date"),
        ("je veux arrêter le mentorat", "stop_activity", "date"),
        ("bonjour", "greet", "count"),
    ],
    ids=["topic-on-date", "stop-topic-is-not-a-cancel", "small-talk-on-count"],
)
def test_confident_intent_on_an_unreadable_answer_interrupts(
    text: str, intent: str, kind: str
) -> None:
    """An unreadable answer with a confident other intent is the user changing subject."""
    assert interruption(text, intent, 0.9, False, kind, THRESHOLD) == intent


def test_confident_deny_on_an_unreadable_answer_cancels() -> None:
    """A confident "no" that does not answer the question means leaving the form."""
    assert interruption("non pas du tout", "deny", 0.9, False, "date", THRESHOLD) == CANCEL


@pytest.mark.parametrize(
    ("confidence", "expected"),
    [(0.2, None), (0.69, None), (0.7, "payment_missing"), (0.95, "payment_missing")],
    ids=["very-low", "just-below", "at-threshold", "high"],
)
def test_low_confidence_never_interrupts(confidence: float, expected: str | None) -> None:
    """Below the threshold the classifier is not trusted: the answer is asked again instead."""
    result = interruption("euh je sais plus", "payment_missing", confidence, False, "past_date",
                          THRESHOLD)
    assert result == expected


@pytest.mark.parametrize("intent", ["inform", "affirm", "nlu_fallback"])
def test_answer_intents_never_interrupt(intent: str) -> None:
    """An intent meaning "here is my answer" never interrupts, even when the answer is unread."""
    assert interruption("le truc là", intent, 0.99, False, "date", THRESHOLD) is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("quand je clique sur planifier la page reste blanche et rien ne se passe",
         "platform_question"),
        ("le paiement de la facture d'octobre", "payment_missing"),
        ("merci beaucoup pour toute votre aide", "thank"),
    ],
    ids=["long-description-as-topic", "five-words-as-topic", "long-thanks"],
)
def test_free_text_accepts_a_description_whatever_its_intent(text: str, intent: str) -> None:
    """A description typed in a text field reads like a topic, and is still the answer."""
    assert interruption(text, intent, 0.99, True, "text", THRESHOLD) is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [("merci", "thank"), ("bonjour", "greet"), ("au revoir", "goodbye"),
     ("es-tu un bot ?", "bot_challenge")],
    ids=["merci", "bonjour", "au-revoir", "bot-challenge"],
)
def test_small_talk_on_a_text_field_interrupts(text: str, intent: str) -> None:
    """A short small-talk message is not a description, even though it reads as text."""
    assert interruption(text, intent, 0.99, True, "text", THRESHOLD) == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [("tu es un robot ?", "bot_challenge"), ("merci à vous tous !", "thank")],
    ids=["robot-question", "thanks-exclamation"],
)
def test_french_spaced_punctuation_is_not_a_word(text: str, intent: str) -> None:
    """Four words of small talk followed by " ?" or " !" are still short small talk."""
    assert interruption(text, intent, 0.99, True, "text", THRESHOLD) == intent


def test_short_topic_text_on_a_text_field_is_an_answer() -> None:
    """A short description that is not small talk stays the answer ("bug de connexion")."""
    assert interruption("bug de connexion", "platform_question", 0.99, True, "text",
                        THRESHOLD) is None


def test_unreadable_text_with_a_confident_intent_interrupts() -> None:
    """A text field answer that cannot be stored (no letters) lets the intent take over."""
    assert interruption("??", "out_of_scope", 0.99, False, "text", THRESHOLD) == "out_of_scope"


# --------------------------------------------------------------------------- summary


def test_summary_lists_details_in_order_with_labels(catalog: Catalog) -> None:
    """The summary shows each detail's label and readable value, in the order asked."""
    values = {"status_since": "2026-11-03", "invoice_status": "payee", "invoice_month": "2026-10"}
    assert summary_lines("payment_missing", "mentor", values, catalog) == [
        ("Mois concerné", "octobre 2026"),
        ("Statut de la facture", "payée"),
        ("Depuis le", "3 novembre 2026"),
    ]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("mentor", [("Étudiant", "Marie Curie"), ("Parcours", "Développeur web")]),
        ("coach", [("Étudiant", "Marie Curie"), ("Nombre de relances", "3")]),
        (None, [("Étudiant", "Marie Curie"), ("Parcours", "Développeur web")]),
    ],
    ids=["mentor", "coach", "unknown-role-as-mentor"],
)
def test_summary_follows_the_role(
    catalog: Catalog, role: str | None, expected: list[tuple[str, str]]
) -> None:
    """A category with per-role details summarises the details of that role only."""
    values = {"student_name": "Marie Curie", "path": "Développeur web", "contact_attempts": "3"}
    assert summary_lines("student_unresponsive", role, values, catalog) == expected


def test_summary_names_the_alert_case(catalog: Catalog) -> None:
    """The alert case is shown with its French label, not its key."""
    values = {"alert_case": "dropout_risk", "student_name": "Marie Curie", "path": "Data"}
    assert summary_lines("student_alert", "mentor", values, catalog) == [
        ("Cas d'alerte", "Risque d'abandon"),
        ("Étudiant", "Marie Curie"),
        ("Parcours", "Data"),
    ]


def test_summary_shows_a_skipped_detail_as_not_given(catalog: Catalog) -> None:
    """A skipped optional detail appears as "non précisée" after a feminine label ("Raison")."""
    values = {"student_warned": "oui", "student_name": "Marie Curie",
              "transfer_date": "2027-01-04", "transfer_reason": SKIPPED}
    assert summary_lines("transfer", "coach", values, catalog) == [
        ("Étudiant prévenu", "oui"),
        ("Étudiant", "Marie Curie"),
        ("Date de transfert souhaitée", "4 janvier 2027"),
        ("Raison", "non précisée"),
    ]


def test_ticket_fields_without_role_are_the_mentor_ones(catalog: Catalog) -> None:
    """With the role unknown, a ticket asks the mentor's details."""
    assert ticket_fields("student_unresponsive", None, catalog) == ("student_name", "path")
