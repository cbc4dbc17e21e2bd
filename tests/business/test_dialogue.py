"""Tests for actions.business.dialogue: a message read against what the bot has just asked."""

from __future__ import annotations

from datetime import date

import pytest

from actions.business.catalog import Catalog, load_catalog
from actions.business.dialogue import (
    Change,
    Command,
    GiveUp,
    OfferReply,
    RoleAnswer,
    SummaryReply,
    after_unreadable,
    asks_for_ticket,
    correction_rest,
    declared_role,
    read_correction,
    read_followup,
    read_hypothesis,
    read_offer_reply,
    read_role_answer,
    read_summary_reply,
    ticket_on_request,
)
from actions.business.rulebook import load_rules

TODAY = date(2026, 11, 9)
INVOICE_CALL = ("invoice_month",)
ALERT = ("student_name", "path", "alert_case")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.mark.parametrize(
    ("text", "intent", "names", "expected"),
    [
        ("Confirmer", "platform_question", INVOICE_CALL, SummaryReply(Command.CONFIRM)),
        ("confirmer", None, ALERT, SummaryReply(Command.CONFIRM)),
        ("c'est bon, envoie", None, ALERT, SummaryReply(Command.CONFIRM)),
        ("/affirm", "affirm", ALERT, SummaryReply(Command.CONFIRM)),
        ("Annuler", None, ALERT, SummaryReply(Command.CANCEL)),
        ("non, ne l'envoie pas", "deny", ALERT, SummaryReply(Command.CANCEL)),
        ("non", "deny", ALERT, SummaryReply(Command.CANCEL)),
        ("Modifier", "platform_question", ALERT, SummaryReply(Command.EDIT)),
        ("Modifier", "platform_question", INVOICE_CALL,
         SummaryReply(Command.EDIT, "invoice_month")),
        ("modifier le mois, c'est novembre", "inform", INVOICE_CALL,
         SummaryReply(Command.EDIT, "invoice_month", "2026-11")),
        ("non c'est septembre", "deny", INVOICE_CALL,
         SummaryReply(Command.EDIT, "invoice_month", "2026-09")),
        ("je veux changer le nom de l'étudiant", None, ALERT,
         SummaryReply(Command.EDIT, "student_name")),
        ("corriger l'étudiant : Paul Lefebvre", None, ALERT,
         SummaryReply(Command.EDIT, "student_name", "Paul Lefebvre")),
        ("je n'arrive pas à me connecter à la visio", "videoconference_problem", ALERT,
         SummaryReply(Command.UNCLEAR)),
    ],
)
def test_summary_reply(
    catalog: Catalog, text: str, intent: str | None, names: tuple[str, ...],
    expected: SummaryReply,
) -> None:
    """Typed commands mean what the buttons mean, whatever intent the classifier saw; an edit
    may name the detail and give its new value at once."""
    assert read_summary_reply(text, intent, None, names, catalog, TODAY) == expected


def test_summary_edit_button_names_the_detail(catalog: Catalog) -> None:
    """The button of a detail in the edit menu asks for that detail again."""
    reply = read_summary_reply('/inform{"field":"path"}', "inform", "path", ALERT, catalog, TODAY)
    assert reply == SummaryReply(Command.EDIT, "path")


@pytest.mark.parametrize(
    ("text", "current", "names", "expected"),
    [
        ("en fait non, c'est pour un autre étudiant, Paul Lefebvre", "path",
         ("student_name", "path"), Change("student_name", "Paul Lefebvre")),
        ("non attends, c'est pour octobre", "invoice_status", ("invoice_month", "invoice_status"),
         Change("invoice_month", "2026-10")),
        ("pardon, il en a eu 3", "last_absence_justified",
         ("absences_count", "last_absence_justified"),
         Change("absences_count", "3")),
        ("en fait c'est Paul Lefebvre", "student_name", ("student_name", "path"),
         Change("student_name", "Paul Lefebvre")),
        ("finalement elle est payée", "status_since", ("invoice_status", "status_since"),
         Change("invoice_status", "payee")),
        ("ah pardon, le 10", "status_since", ("invoice_status", "status_since"),
         Change("status_since", "2026-10-10")),
    ],
)
def test_correction_changes_the_detail_it_names(
    catalog: Catalog, text: str, current: str, names: tuple[str, ...], expected: Change,
) -> None:
    """A correction mid-way changes the detail it is about (or answers the question asked)."""
    assert read_correction(text, current, names, catalog, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "current"),
    [("non", "last_absence_justified"), ("3", "absences_count"), ("Paul Lefebvre", "student_name"),
     ("en fait je ne sais pas", "absences_count")],
)
def test_plain_answer_is_no_correction(catalog: Catalog, text: str, current: str) -> None:
    """A plain answer, even "non", is read as the answer, not as a correction."""
    names = ("absences_count", "last_absence_justified", "student_name")
    assert read_correction(text, current, names, catalog, TODAY) is None


@pytest.mark.parametrize(
    ("text", "rest"),
    [("en fait non, c'est pour octobre", "c'est pour octobre"),
     ("Ah pardon, le 10", "le 10"),
     ("oups je me suis trompé : Paul", "Paul"),
     ("non", None), ("le 10", None)],
)
def test_correction_opening(text: str, rest: str | None) -> None:
    """Only a correction's opening words make a message a correction; the rest is kept as typed."""
    assert correction_rest(text) == rest


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "expected"),
    [
        ("je postule pour être mentor", "become_mentor", 0.9,
         RoleAnswer("mentor", "application_followup")),
        ("coach", "inform", 0.9, RoleAnswer("coach", "application_followup")),
        ("je suis coach et ma facture n'est toujours pas payée", "payment_missing", 0.95,
         RoleAnswer("coach", "payment_missing")),
        ("bonjour", "greet", 0.9, None),
    ],
)
def test_role_answer(text: str, intent: str, confidence: float, expected: object) -> None:
    """The reply to "mentor ou coach ?" gives the role; the waiting topic goes on unless the
    sentence plainly asks about another one."""
    topics = list(load_catalog().topics)
    assert read_role_answer(text, intent, confidence, "application_followup", topics) == expected


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("Karim Benali", "inform", OfferReply(True, {"student_name": "Karim Benali"})),
        ("oui, pour Karim Benali", "affirm", OfferReply(True, {"student_name": "Karim Benali"})),
        ("oui", "affirm", OfferReply(True)),
        ("non merci", "deny", None),
        ("je ne sais pas", "inform", None),
    ],
)
def test_offer_reply(catalog: Catalog, text: str, intent: str, expected: object) -> None:
    """A yes or the ticket's first detail typed at once accept the offer; anything else does
    not."""
    topics = list(catalog.topics)
    reply = read_offer_reply(text, intent, 0.6, topics, ("student_name", "path"), catalog, TODAY)
    assert reply == expected


def test_offer_reply_with_a_date_fills_the_first_date_detail(catalog: Catalog) -> None:
    """"le 1er décembre" to the pause offer: the pause starts then."""
    reply = read_offer_reply("le 1er décembre", "inform", 0.4, list(catalog.topics),
                             ("pause_from", "pause_until", "students_concerned"), catalog, TODAY)
    assert reply == OfferReply(True, {"pause_from": "2026-12-01"})


def test_offer_reply_ignores_a_confident_new_question(catalog: Catalog) -> None:
    """A new question after the offer is a new question."""
    reply = read_offer_reply("comment facturer une prime de cooptation ?", "referral_bonus", 0.95,
                             list(catalog.topics), ("student_name",), catalog, TODAY)
    assert reply is None


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "names", "expected"),
    [
        ("ah pardon, le 10", "nlu_fallback", 0.3, ("invoice_status", "status_since"),
         Change("status_since", "2026-10-10")),
        ("finalement je l'ai relancée une troisième fois", "student_unresponsive", 0.9,
         ("contact_attempts",), Change("contact_attempts", "3")),
        ("j'ai un problème de visio", "videoconference_problem", 0.95, ("contact_attempts",),
         None),
    ],
)
def test_followup_after_a_decision(
    catalog: Catalog, text: str, intent: str, confidence: float, names: tuple[str, ...],
    expected: Change | None,
) -> None:
    """A new fact right after a decision is read against its rule; a new question is not."""
    assert read_followup(text, intent, confidence, names, catalog, TODAY) == expected


@pytest.mark.parametrize(
    ("rule", "facts", "expected"),
    [
        ("absences", {}, "student_unresponsive"),
        ("payment", {"invoice_status": "payee"}, "payment_missing"),
        ("student_late", {}, "student_alert"),
        ("referral", {}, None),
    ],
)
def test_ticket_on_request(catalog: Catalog, rule: str, facts: dict, expected: str | None) -> None:
    """The ticket a rule opens for a case like the user's, found from what is known."""
    known = {**dict.fromkeys(catalog.fields), **facts}
    assert ticket_on_request(rule, "mentor", known, catalog, TODAY, load_rules()) == expected


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "expected"),
    [("Ouvrir une demande", "platform_question", 0.5, True),
     ("je veux parler à quelqu'un", "request_human", 0.99, True),
     ("parler à quelqu'un", None, 0.0, True),
     ("le bouton Ouvrir une demande ne marche pas quand je clique dessus", "request_human", 0.9,
      False),
     ("3", "inform", 0.9, False)],
)
def test_asks_for_ticket(text: str, intent: str | None, confidence: float, expected: bool) -> None:
    """A short request for a person or a ticket, typed or read with confidence."""
    assert asks_for_ticket(text, intent, confidence) is expected


@pytest.mark.parametrize(
    ("tries", "optional", "in_ticket", "expected"),
    [(1, False, True, GiveUp.ASK_AGAIN), (1, True, False, GiveUp.ASK_AGAIN),
     (2, True, True, GiveUp.SKIP), (2, False, True, GiveUp.AS_TYPED),
     (2, False, False, GiveUp.TO_TEAM), (3, False, False, GiveUp.TO_TEAM)],
)
def test_after_unreadable(tries: int, optional: bool, in_ticket: bool, expected: GiveUp) -> None:
    """Asked again once; then skipped when optional, kept as typed in a ticket, or handed to the
    team when the rule needs it."""
    assert after_unreadable(tries, optional, in_ticket) is expected


def test_offer_reply_describing_the_same_problem_accepts_it(catalog: Catalog) -> None:
    """After the content-error answer and offer, the user describes the error: that is a yes,
    and the description is the ticket's first written detail."""
    text = "c'est le quiz du chapitre 3, la réponse B est marquée fausse alors qu'elle est juste"
    names = ("error_location", "error_reason")
    reply = read_offer_reply(text, "content_error", 0.9, list(catalog.topics), names, catalog,
                             TODAY, topic="content_error")
    assert reply == OfferReply(True, {"error_location": text})


def test_declared_role() -> None:
    """The user's own role said in a sentence; someone else's role is not theirs."""
    assert declared_role("slt jsuis coach, jpeux pas planifier") == "coach"
    assert declared_role("en tant que mentor je voudrais savoir") == "mentor"
    assert declared_role("un autre mentor m'a dit que c'était possible") is None
    assert declared_role("mon coach ne répond pas") is None


@pytest.mark.parametrize(
    ("text", "days"),
    [("et si j'attends plus d'un mois ?", 31), ("et dans deux semaines ?", 14),
     ("si j'attends 10 jours ?", 10), ("et si je patiente encore une semaine", 7),
     ("j'attends depuis un mois", None), ("et si c'est le 10 ?", None)],
)
def test_read_hypothesis(text: str, days: int | None) -> None:
    """"Et si j'attends plus d'un mois ?": the same case that many days later; a plain statement
    or a corrected date is no such question."""
    assert read_hypothesis(text) == days
