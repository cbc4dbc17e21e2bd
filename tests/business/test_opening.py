"""Tests for actions.business.opening: facts stated in the message that opens a topic."""

from __future__ import annotations

from datetime import date

import pytest

from actions.business.catalog import Catalog, load_catalog
from actions.business.opening import opening_facts, stated_month
from actions.business.rulebook import Rules, load_rules

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


@pytest.mark.parametrize(
    ("text", "rule", "role", "expected"),
    [
        ("il a manqué les deux dernières sessions sans prévenir", "absences", "mentor",
         {"absences_count": "2", "last_absence_justified": "non",
          "previous_absence_justified": "non"}),
        ("elle a justifié la première mais pas la deuxième absence", "absences", "mentor", {}),
        ("mon étudiant a 3 absences", "absences", "mentor", {"absences_count": "3"}),
        ("Je suis mentor depuis un an. Mon étudiante ne s'est pas présentée aux deux dernières "
         "sessions, sans prévenir.", "absences", "mentor",
         {"absences_count": "2", "last_absence_justified": "non",
          "previous_absence_justified": "non"}),
        ("mon étudiant ne répond plus", "absences", "mentor", {}),
        ("j'ai relancé mon étudiant 2 fois sans réponse", "contacts", "coach",
         {"contact_attempts": "2"}),
        ("J'ai terminé le cours et regardé le webinaire, comment devenir évaluateur ?",
         "evaluator_status", "mentor", {"evaluator_course_done": "oui", "webinar_attended": "oui"}),
        ("je veux transférer mon étudiant, je l'ai déjà prévenu", "transfer", "mentor",
         {"student_warned": "oui"}),
        ("ma facture est notée payée depuis le 3 novembre", "payment", "mentor",
         {"invoice_status": "payee", "status_since": "2026-11-03"}),
        ("ma facture payée depuis le 3 novembre", "payment", "mentor",
         {"status_since": "2026-11-03"}),
        ("impossible de planifier la session du 25 novembre", "scheduling", "mentor",
         {"session_date": "2026-11-25"}),
    ],
)
def test_facts_said_plainly_are_taken_in_the_rule_order(
    catalog: Catalog, rules: Rules, text: str, rule: str, role: str, expected: dict,
) -> None:
    """A number next to what it counts, a yes/no or a status said in so many words, one date
    written out (for the rule's first date): taken for the rule; which of two absences was
    justified is never guessed."""
    assert opening_facts(text, rule, role, catalog, TODAY, rules) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("appel à facturation d'octobre jamais reçu", "2026-10"),
     ("pas reçu l'appel de décembre", "2025-12"),
     ("payée depuis le 3 novembre", None),
     ("mais je n'ai rien reçu", None)],
)
def test_a_month_named_alone_is_the_month_of_the_request(text: str, expected: str | None) -> None:
    """A month named on its own is the latest such month; the month of a date is not one."""
    assert stated_month(text, TODAY) == expected


def test_a_month_named_in_the_first_message_fills_the_month_detail(
    catalog: Catalog, rules: Rules,
) -> None:
    """The invoice-call rule asks nothing; the month said is kept for its ticket."""
    facts = opening_facts("appel à facturation de septembre jamais reçu", "invoice_call",
                          "mentor", catalog, TODAY, rules)
    assert facts == {"invoice_month": "2026-09"}
