"""Tests for actions.business.turn: what a message means where the conversation stands."""

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
)
from actions.business.turn import (
    Answered,
    Asked,
    AtSummary,
    Corrected,
    FollowUp,
    Hypothesis,
    Leaves,
    Message,
    NewTopic,
    Nothing,
    OfferAccepted,
    ResentConfirmation,
    RoleGiven,
    RoleNoted,
    SideQuestion,
    SmallTalk,
    State,
    Step,
    TicketAsked,
    Unreadable,
    Unsure,
    WantsTicket,
    read_answer,
    read_turn,
)

TODAY = date(2026, 11, 9)
SUMMARY = State(step=Step.CONFIRM, role="mentor", ticket_category="invoice_call_missing",
                known={"invoice_month": "2026-10"}, draft_fields=("invoice_month",))
AFTER_CONTACTS = State(step=Step.LISTEN, role="coach", topic="student_unresponsive",
                       last_decision="contacts", known={"contact_attempts": "2"})
ROLE_ASKED = State(step=Step.LISTEN, pending_topic="application_followup")
OFFERED = State(step=Step.LISTEN, role="coach", topic="coaching_tips",
                offered_ticket="student_disengaged", offered_fields=("student_name", "path"))
NOTHING_ASKED = State(step=Step.LISTEN, role="mentor")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.mark.parametrize(
    ("state", "message", "expected"),
    [
        (SUMMARY, Message("Confirmer", "platform_question", 0.64),
         AtSummary(SummaryReply(Command.CONFIRM))),
        (SUMMARY, Message("modifier le mois, c'est novembre", "inform", 0.7),
         AtSummary(SummaryReply(Command.EDIT, "invoice_month", "2026-11"))),
        (SUMMARY, Message("et comment facturer une prime de cooptation ?", "referral_bonus", 0.9),
         SideQuestion("referral_bonus")),
        (AFTER_CONTACTS, Message("finalement je l'ai relancée une troisième fois",
                                 "student_unresponsive", 0.7),
         FollowUp("contacts", Change("contact_attempts", "3"))),
        (AFTER_CONTACTS, Message("j'ai un problème de visio", "videoconference_problem", 0.95),
         NewTopic("videoconference_problem")),
        (AFTER_CONTACTS, Message("et si j'attends plus d'un mois ?", "student_unresponsive", 0.9),
         Hypothesis("contacts", 31)),
        (ROLE_ASKED, Message("je postule pour être mentor", "become_mentor", 0.9),
         RoleGiven(RoleAnswer("mentor", "application_followup"))),
        (OFFERED, Message("Karim Benali", "inform", 0.5),
         OfferAccepted("student_disengaged", OfferReply(True, {"student_name": "Karim Benali"}))),
        (OFFERED, Message("/request_human", "request_human", 1.0), TicketAsked()),
        (NOTHING_ASKED, Message("oui", "affirm", 0.99), Nothing()),
        (NOTHING_ASKED, Message("je veux parler à quelqu'un", "request_human", 0.99),
         TicketAsked()),
        (NOTHING_ASKED, Message("bonjour", "greet", 0.99), SmallTalk("greet")),
        (NOTHING_ASKED, Message("le 3 novembre", "inform", 0.6), Unsure()),
        (NOTHING_ASKED, Message("blabla", "nlu_fallback", 0.2), Unsure()),
        (NOTHING_ASKED, Message("je suis mentor", "inform", 0.9, role_entity="mentor"),
         RoleNoted()),
        (State(step=Step.CREATED, role="mentor"), Message("/affirm", "affirm", 1.0),
         ResentConfirmation()),
        (State(step=Step.CREATED, role="mentor"), Message("ok", "affirm", 0.9), Nothing()),
    ],
    ids=["typed-confirm", "edit-with-value", "side-question", "follow-up-fact",
         "new-topic-after-decision", "what-if-later", "role-in-a-sentence", "name-after-offer",
         "offer-button",
         "bare-yes", "person-asked", "small-talk", "answer-to-nothing", "not-understood",
         "role-out-of-the-blue-noted", "confirm-clicked-again", "ok-after-sent"],
)
def test_read_turn(catalog: Catalog, state: State, message: Message, expected: object) -> None:
    """A reply to what the bot just asked comes first; then a new topic; then small talk."""
    assert read_turn(state, message, catalog, TODAY) == expected


def test_a_bare_role_answers_the_role_question(catalog: Catalog) -> None:
    """"coach" typed when the bot asked "mentor ou coach ?": the waiting topic goes on."""
    turn = read_turn(ROLE_ASKED, Message("coach", "inform", 0.9, role_entity="coach"), catalog,
                     TODAY)
    assert turn == RoleGiven(RoleAnswer("coach", "application_followup"))


def test_step_reads_the_slot_value() -> None:
    """The slot's text becomes the typed step; anything else is no step."""
    assert Step.of("confirm") is Step.CONFIRM
    assert Step.of("whatever") is None


@pytest.mark.parametrize(
    ("asked", "message", "expected"),
    [
        (Asked("absences_count"), Message("2", "inform", 0.9), Answered("2")),
        (Asked("last_absence_justified"), Message("il a justifié", "inform", 0.6),
         Answered("oui")),
        (Asked("description", in_ticket=True), Message("Ouvrir une demande", "request_human", 0.9),
         WantsTicket()),
        (Asked("path", ("student_name", "path"), in_ticket=True),
         Message("en fait non, c'est pour un autre étudiant, Paul Lefebvre", "deny", 0.8),
         Corrected(Change("student_name", "Paul Lefebvre"))),
        (Asked("invoice_status"), Message("laisse tomber", "deny", 0.9), Leaves("cancel")),
        (Asked("absences_count"),
         Message("comment facturer une prime de cooptation ?", "referral_bonus", 0.95),
         Leaves("referral_bonus")),
        (Asked("absences_count"), Message("je ne sais pas", "inform", 0.7),
         Unreadable("utter_invalid_count", GiveUp.ASK_AGAIN)),
        (Asked("absences_count", tries=1), Message("je ne sais pas", "inform", 0.7),
         Unreadable("utter_invalid_count", GiveUp.TO_TEAM)),
        (Asked("transfer_date", tries=1, in_ticket=True),
         Message("dès que possible", "inform", 0.6),
         Unreadable("utter_invalid_date", GiveUp.AS_TYPED, "dès que possible")),
        (Asked("transfer_reason", tries=1, in_ticket=True), Message("?", "inform", 0.6),
         Unreadable("utter_invalid_text", GiveUp.SKIP, "non précisé")),
        (Asked("description", in_ticket=True), Message("oui", "affirm", 0.9),
         Unreadable("utter_invalid_text", GiveUp.ASK_AGAIN)),
    ],
    ids=["count", "said-in-other-words", "ticket-asked", "correction", "cancel", "new-question",
         "unreadable-once", "unreadable-fact-twice", "unreadable-detail-twice",
         "unreadable-optional-twice", "yes-is-no-description"],
)
def test_read_answer(catalog: Catalog, asked: Asked, message: Message, expected: object) -> None:
    """An answer to the bot's question, in order: a ticket request, a correction, the answer,
    leaving, or an answer the bot cannot read (asked again, then not asked forever)."""
    assert read_answer(asked, message, catalog, TODAY, 0.8) == expected


@pytest.mark.parametrize(
    ("text", "value", "inferred"),
    [("le 3 novembre", "2026-11-03", False), ("03/11/2026", "2026-11-03", False),
     ("la semaine dernière", "2026-11-02", True), ("hier", "2026-11-08", True),
     ("le 5", "2026-11-05", True)],
)
def test_a_date_worked_out_is_marked_as_inferred(
    catalog: Catalog, text: str, value: str, inferred: bool,
) -> None:
    """A date written out is read; one the bot works out (a relative day, a bare day number) is
    marked so that the bot says which date it took."""
    assert read_answer(Asked("status_since"), Message(text, "inform", 0.9), catalog, TODAY,
                       0.8) == Answered(value, inferred)


def test_a_name_corrected_while_the_path_is_asked_corrects_the_name(catalog: Catalog) -> None:
    """"en fait c'est Julie Bernard" just after the student's name, while the path is asked: the
    name changes; the path is not "c'est Julie Bernard"."""
    asked = Asked("path", ("student_name", "path"), in_ticket=True, given=("student_name",))
    answer = read_answer(asked, Message("en fait c'est Julie Bernard", "inform", 0.6), catalog,
                         TODAY, 0.8)
    assert answer == Corrected(Change("student_name", "Julie Bernard"))
