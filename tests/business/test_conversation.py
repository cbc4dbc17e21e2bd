"""Table tests of the whole conversation (actions.business.conversation): where it stands and
the user's message in, the bot's whole next turn out (responses by name, new slots, the ticket
draft, the effects the adapter carries out). Plain values only, `today` a parameter."""

from __future__ import annotations

from datetime import date
from typing import Any

from actions.business.catalog import load_catalog
from actions.business.conversation import (
    Button,
    Conversation,
    CreateTicket,
    Draft,
    Heard,
    Identity,
    RecordFeedback,
    Requester,
    Stored,
    StoreDown,
    TopicAsked,
    Turn,
    after_ticket,
    move_on,
    next_turn,
)
from actions.business.rulebook import load_rules
from actions.business.turn import Message
from actions.tickets.attachments import Attachment, Refusal

CATALOG = load_catalog()
RULES = load_rules()
TODAY = date(2026, 11, 28)  # a Saturday
KEY = "key-1"
SIGNED_IN = Heard(identity=Identity(email="camille@example.org", name="Camille", user_id="u-7"))
INVOICE_DRAFT = {"next_step": "confirm", "ticket_category": "invoice_call_missing",
                 "role": "mentor", "invoice_month": "2026-10", "ticket_key": "k-2",
                 "inferred_details": ["invoice_month"]}
COACH_DRAFT = {"next_step": "confirm", "ticket_category": "student_unresponsive",
               "role": "coach", "student_name": "Marie Dupont", "contact_attempts": "3",
               "ticket_key": "k-1"}


def turn(slots: dict[str, Any], text: str = "", intent: str = "inform", confidence: float = 0.99,
         today: date = TODAY, heard: Heard = SIGNED_IN, conversation: dict[str, Any] | None = None,
         **message: Any) -> Turn:
    """The bot's turn for one message (signed in, unless `heard` says otherwise)."""
    return next_turn(Conversation(slots=slots, **(conversation or {})),
                     Message(text, intent, confidence, **message), heard, today, CATALOG, RULES,
                     KEY)


def asking(field: str, step: str = "decision", **slots: Any) -> dict[str, Any]:
    """The slots while the bot waits for the answer to `field` (a rule's or a ticket's)."""
    return {"next_step": step, "asked_field": field, **slots}


def said(result: Turn) -> list[str]:
    return [say.name for say in result.responses]


def values(result: Turn, name: str) -> dict[str, object]:
    return dict(next(say for say in result.responses if say.name == name).values)


# ------------------------------------------------------------------------------------ topics


def test_topic_answer_asks_feedback_then_offers_its_ticket():
    """A topic the support team handles: the answer, the feedback question, then the offer."""
    result = turn({"role": "mentor"}, "il y a une erreur dans le cours", "content_error")
    assert said(result) == ["utter_content_error", "utter_ask_feedback", "utter_offer_ticket"]
    assert result.slots["offered_ticket"] == "content_error"
    assert result.slots["next_step"] == "listen"
    assert result.slots["feedback_on"]["topic"] == "content_error"


def test_feedback_question_keeps_the_reading_of_the_question():
    """The feedback to come is tied to how the question was read: its confidence and the two
    closest other topics."""
    asked = TopicAsked(0.87123, ("more_students", "other_paths", "first_student_wait"))
    result = turn({"role": "mentor"}, "comment avoir plus d'étudiants", "more_students",
                  conversation={"topics_asked": {"more_students": asked}})
    assert result.slots["feedback_on"] == {
        "topic": "more_students", "answer": "utter_more_students", "confidence": 0.8712,
        "closest": ["other_paths", "first_student_wait"]}


def test_topic_that_needs_the_role_asks_it_first():
    """No role known: "mentor ou coach ?", the topic and the opening message kept."""
    result = turn({}, "mon étudiant ne répond plus", "student_unresponsive")
    assert said(result) == ["utter_ask_role"]
    assert result.slots["pending_topic"] == "student_unresponsive"
    assert result.slots["opening_text"] == "mon étudiant ne répond plus"


def test_role_given_in_a_sentence_answers_the_role_question():
    """"je postule pour être mentor" to "mentor ou coach ?" is the role, and the rule starts."""
    result = turn({"pending_topic": "application_followup"}, "je postule pour être mentor",
                  "become_mentor", 0.9)
    assert result.slots["role"] == "mentor"
    assert said(result) == ["utter_application_followup", "utter_ask_application_date"]
    assert (result.slots["decision_rule"], result.slots["asked_field"]) == (
        "application_followup", "application_date")


def test_role_said_in_the_opening_message_is_not_asked():
    """"jsuis coach, ..." in the first message: the role is taken, the topic answered."""
    result = turn({}, "je suis coach et mon étudiant ne répond plus", "student_unresponsive")
    assert result.slots["role"] == "coach"
    assert "utter_ask_role" not in said(result)


def test_facts_of_the_first_message_are_not_asked_again():
    """"il a manqué les deux dernières sessions sans prévenir": two unjustified absences known,
    only what is missing is asked."""
    result = turn({"role": "mentor"},
                  "mon étudiant a manqué les deux dernières sessions sans prévenir",
                  "student_unresponsive")
    assert (result.slots["absences_count"], result.slots["last_absence_justified"],
            result.slots["previous_absence_justified"]) == ("2", "non", "non")
    assert "utter_ask_absences_count" not in said(result)


def test_second_question_is_offered_as_a_button():
    """A second topic in the message: a button to it once the first is answered."""
    result = turn({"role": "mentor"}, "facturation ? et plus d'étudiants ?", "invoicing_how",
                  heard=Heard(second_topic="more_students"))
    offer = next(say for say in result.responses if say.name == "utter_second_question")
    assert offer.buttons == (Button("Avoir plus d'étudiants", "/more_students"),)
    assert said(result).index("utter_second_question") < said(result).index(
        "utter_ask_feedback")


# ------------------------------------------------------------------- a rule: facts, decision


def test_rule_asks_its_first_fact():
    """The payment rule starts with the invoice status."""
    result = turn({"role": "mentor"}, "ma facture n'est pas payée", "payment_missing")
    assert said(result)[-1] == "utter_ask_invoice_status"
    assert (result.slots["asked_field"], result.slots["next_step"]) == (
        "invoice_status", "decision")


def test_answer_is_read_and_the_next_fact_asked_in_the_same_turn():
    """'elle est payée' fills the status; the rule then needs the date, asked at once."""
    result = turn(asking("invoice_status", decision_rule="payment"), "elle est payée")
    assert result.slots["invoice_status"] == "payee"
    assert said(result) == ["utter_ask_status_since"]


def test_rule_that_says_wait_states_it_and_stays_open():
    """Seven days after 'payée' (the 21st, on the 28th): wait, no ticket, the feedback
    question; the rule stays open for a follow-up."""
    state = asking("status_since", decision_rule="payment", invoice_status="payee",
                   topic="payment_missing", role="mentor")
    result = turn(state, "le 21 novembre")
    assert said(result) == ["utter_payment_paid_wait", "utter_ask_feedback"]
    assert (result.slots["last_decision"], result.slots["decision_rule"]) == ("payment", None)
    assert result.draft is None


def test_rule_that_says_write_opens_the_ticket_with_the_users_figures():
    """Eight days after 'payée' (the 20th): the decision with the user's own figures, then the
    ticket starts and asks its first detail, in the same turn."""
    state = asking("status_since", decision_rule="payment", invoice_status="payee",
                   topic="payment_missing", role="mentor")
    result = turn(state, "le 20 novembre")
    assert said(result) == ["utter_payment_paid_write", "utter_ticket_start",
                            "utter_ask_invoice_month"]
    assert values(result, "utter_payment_paid_write")["since"] == "20 novembre 2026"
    assert result.slots["ticket_category"] == "payment_missing"
    assert result.draft is not None and result.draft.category == "payment_missing"


def test_invoice_call_waits_until_the_sixth():
    """The invoice-call rule needs only today: on the 6th, wait."""
    result = move_on(Conversation({"decision_rule": "invoice_call", "role": "mentor",
                                   "next_step": "decision"}), Message("", ""), SIGNED_IN,
                     date(2026, 11, 6), CATALOG, RULES, KEY)
    assert said(result)[0] == "utter_invoice_call_wait"
    assert result.slots["last_decision"] == "invoice_call"


def test_invoice_call_from_the_seventh_opens_the_ticket_for_the_previous_month():
    """On 7 January the ticket is for December, marked as inferred; an anonymous user is asked
    the address the answer goes to."""
    result = move_on(Conversation({"decision_rule": "invoice_call", "next_step": "decision"}),
                     Message("", ""), Heard(), date(2027, 1, 7), CATALOG, RULES, KEY)
    assert said(result) == ["utter_invoice_call_write", "utter_ticket_start",
                            "utter_ask_requester_email"]
    assert result.slots["invoice_month"] == "2026-12"
    assert result.draft == Draft("invoice_call_missing", None,
                                 {"invoice_month": "décembre 2026"}, ("invoice_month",))


def test_unreadable_answer_is_asked_again_with_an_example():
    """"je ne sais pas" once: the kind's help, then the same question."""
    state = asking("absences_count", decision_rule="absences", role="mentor")
    result = turn(state, "je ne sais pas")
    assert said(result) == ["utter_invalid_count", "utter_ask_absences_count"]
    assert result.slots["failed_answers"] == {"field": "absences_count", "count": 1}


def test_second_unreadable_fact_sends_the_case_to_the_team():
    """"je ne sais pas" twice on a fact the rule needs: the team takes the case (the topic's
    ticket), not the same question forever."""
    state = asking("absences_count", decision_rule="absences", role="mentor",
                   failed_answers={"field": "absences_count", "count": 1},
                   topic="student_unresponsive")
    result = turn(state, "je l'ai pas sous la main")
    assert said(result)[:2] == ["utter_fact_to_team", "utter_ticket_start"]
    assert result.slots["ticket_category"] == "student_unresponsive"
    assert (result.slots["interruption"], result.slots["failed_answers"]) == (None, None)


def test_correction_mid_way_changes_that_detail_and_keeps_the_rest():
    """"en fait non, c'est pour un autre étudiant, Paul Lefebvre" while the path is asked:
    the name changes, the path is asked again."""
    state = asking("path", "ticket", ticket_category="student_alert", role="mentor",
                   alert_case="dropout_risk", student_name="Karim Benali")
    result = turn(state, "en fait non, c'est pour un autre étudiant, Paul Lefebvre", "deny")
    assert result.slots["student_name"] == "Paul Lefebvre"
    assert said(result) == ["utter_detail_corrected", "utter_ask_path"]
    assert result.slots["alert_case"] == "dropout_risk"


def test_cancel_phrase_leaves_the_questions():
    """"laisse tomber" in the rule's questions: said so, nothing half-done kept."""
    state = asking("absences_count", decision_rule="absences", role="mentor")
    result = turn(state, "laisse tomber", "deny")
    assert said(result) == ["utter_form_cancelled"]
    assert (result.slots["decision_rule"], result.slots["asked_field"],
            result.slots["next_step"]) == (None, None, "listen")


def test_ticket_request_inside_a_rule_opens_the_topic_ticket_with_what_is_known():
    """"Ouvrir une demande" during the absences questions: the absences ticket, count kept."""
    state = asking("last_absence_date", decision_rule="absences", role="mentor",
                   absences_count="2", topic="student_unresponsive")
    result = turn(state, "Ouvrir une demande", "request_human")
    assert said(result)[0] == "utter_ticket_start"
    assert result.slots["ticket_category"] == "student_unresponsive"
    assert result.slots["absences_count"] == "2"


# ------------------------------------------------------------------- after a decision


def test_new_fact_right_after_a_decision_applies_the_rule_again():
    """"finalement je l'ai relancée une troisième fois" after "contact once more": the rule
    runs again with 3 and opens the ticket."""
    state = {"role": "coach", "last_decision": "contacts", "contact_attempts": "2",
             "topic": "student_unresponsive", "next_step": "listen"}
    result = turn(state, "finalement je l'ai relancée une troisième fois",
                  "student_unresponsive", 0.7)
    assert said(result)[:2] == ["utter_contacts_write", "utter_ticket_start"]
    assert result.slots["contact_attempts"] == "3"


def test_corrected_date_right_after_a_decision_is_read_against_that_rule():
    """"ah pardon, le 10" on 9 November after the payment rule: 10 October, write."""
    state = {"role": "mentor", "last_decision": "payment", "invoice_status": "payee",
             "status_since": "2026-11-05", "topic": "payment_missing", "next_step": "listen"}
    result = turn(state, "ah pardon, le 10", "nlu_fallback", 0.3, today=date(2026, 11, 9))
    assert result.slots["status_since"] == "2026-10-10"
    assert said(result)[0] == "utter_payment_paid_write"


def test_what_if_question_after_a_decision_applies_the_rule_later():
    """"et si j'attends plus d'un mois ?" after 'wait': the same case a month (31 days) later
    would say to write; nothing is opened now."""
    state = {"role": "mentor", "last_decision": "payment", "invoice_status": "payee",
             "status_since": "2026-11-21", "topic": "payment_missing", "next_step": "listen"}
    result = turn(state, "et si j'attends plus d'un mois ?", "payment_missing")
    assert said(result) == ["utter_later_write"]
    assert values(result, "utter_later_write") == {"date_label": "29 décembre 2026"}
    assert result.slots.get("ticket_category") is None


# ------------------------------------------------------------------------ the ticket summary


def test_last_detail_answered_shows_the_summary_with_a_new_key():
    """The last detail of the ticket: the summary, its key, Confirmer / Modifier / Annuler."""
    state = asking("contact_attempts", "ticket", ticket_category="student_unresponsive",
                   role="coach", student_name="Marie Dupont")
    result = turn(state, "3 fois")
    assert said(result) == ["utter_ticket_reply_to", "utter_ticket_summary"]
    assert (result.slots["ticket_key"], result.slots["next_step"]) == (KEY, "confirm")
    assert result.draft == Draft("student_unresponsive", "coach",
                                 {"student_name": "Marie Dupont", "contact_attempts": "3"})


def test_confirm_creates_the_ticket_through_the_store():
    """Confirmer: one effect, the draft stored under its key by the signed-in user; the bot's
    words wait for the store's answer."""
    result = turn(COACH_DRAFT, "/affirm", "affirm")
    assert said(result) == []
    assert result.effects == (CreateTicket(
        Draft("student_unresponsive", "coach",
              {"student_name": "Marie Dupont", "contact_attempts": "3"}),
        "k-1", Requester("camille@example.org", "Camille", "u-7", "verified")),)


def test_typed_confirm_creates_the_ticket_even_when_read_as_a_topic():
    """"Confirmer" typed at the summary, read as another topic: the same as the button."""
    result = turn(INVOICE_DRAFT, "Confirmer", "platform_question", 0.64)
    assert [type(effect) for effect in result.effects] == [CreateTicket]


def test_store_answer_gives_the_reference():
    """The store created the ticket: its reference, and the bot waits as after a ticket."""
    result = after_ticket(Conversation(COACH_DRAFT), Stored("OC-12", True), TODAY, CATALOG,
                          RULES)
    assert said(result) == ["utter_ticket_created"]
    assert values(result, "utter_ticket_created") == {"reference": "OC-12"}
    assert (result.slots["last_ticket_ref"], result.slots["next_step"]) == ("OC-12", "created")


def test_confirmation_replayed_shows_the_same_ticket():
    """The store already had the key (a double click): the same reference, said so."""
    result = after_ticket(Conversation(COACH_DRAFT), Stored("OC-12", False), TODAY, CATALOG,
                          RULES)
    assert said(result) == ["utter_ticket_already_created"]


def test_store_down_keeps_the_draft_for_a_retry():
    """The store failed: a clear message, the summary still waits, nothing changes."""
    result = after_ticket(Conversation(COACH_DRAFT), StoreDown(), TODAY, CATALOG, RULES)
    assert said(result) == ["utter_ticket_store_down"]
    assert result.changes(COACH_DRAFT) == {}


def test_modify_on_a_one_detail_ticket_asks_that_detail_again():
    """"Modifier" typed, on a ticket of one detail: that detail asked again, nothing sent."""
    result = turn(INVOICE_DRAFT, "Modifier", "platform_question", 0.64)
    assert said(result) == ["utter_ask_invoice_month"]
    assert (result.slots["invoice_month"], result.slots["asked_field"]) == (None,
                                                                            "invoice_month")
    assert result.effects == ()


def test_modify_naming_the_detail_and_its_value_changes_it_at_once():
    """"modifier le mois, c'est novembre": the month changes, no longer marked as inferred,
    the summary comes back."""
    result = turn(INVOICE_DRAFT, "modifier le mois, c'est novembre")
    assert result.slots["invoice_month"] == "2026-11"
    assert result.slots["inferred_details"] is None
    assert said(result) == ["utter_ticket_reply_to", "utter_ticket_summary"]
    assert "novembre 2026" in str(values(result, "utter_ticket_summary")["summary"])


def test_modify_on_a_ticket_of_several_details_asks_which_one():
    """Modifier on a two-detail ticket: one button per detail (a signed-in address is none)."""
    result = turn(COACH_DRAFT, "Modifier", "inform")
    [which] = result.responses
    assert which.name == "utter_ticket_which_field"
    assert [b.payload for b in which.buttons] == ['/inform{"field":"student_name"}',
                                                   '/inform{"field":"contact_attempts"}']


def test_cancel_at_the_summary_drops_the_draft():
    """Annuler: nothing stored, the draft dropped."""
    result = turn(COACH_DRAFT, "annuler", "deny")
    assert said(result) == ["utter_ticket_cancelled"]
    assert (result.slots["ticket_category"], result.slots["ticket_key"]) == (None, None)
    assert result.effects == () and result.draft is None


def test_side_question_at_the_summary_is_answered_then_the_summary_again():
    """A new question before confirming: answered, then the unsent summary, same key."""
    result = turn(COACH_DRAFT, "les prestations annexes ?", "additional_services_invoice")
    assert said(result) == ["utter_additional_services_invoice", "utter_ticket_reply_to",
                            "utter_ticket_summary"]
    assert result.slots["ticket_key"] == "k-1"


def test_inferred_detail_is_said_before_the_summary():
    """A month worked out from today's date is announced as such before the summary."""
    result = turn(INVOICE_DRAFT, "je sais pas", "nlu_fallback", 0.3)
    assert values(result, "utter_ticket_inferred") == {"details": "Mois concerné"}


def test_anonymous_address_is_asked_then_shown_at_the_summary():
    """Nobody signed in: the address is asked after the details, then announced."""
    state = asking("requester_email", "ticket", **{
        k: v for k, v in COACH_DRAFT.items() if k not in ("next_step", "ticket_key")})
    result = turn(state, "bob@example.org", heard=Heard())
    assert result.slots["requester_email"] == "bob@example.org"
    assert values(result, "utter_ticket_reply_to") == {"requester_email": "bob@example.org"}


# ------------------------------------------------------------------- files


def test_file_received_is_listed_in_the_summary():
    """The category's screenshot arrives: acknowledged, then the summary lists it."""
    state = asking("ticket_file", "ticket", ticket_category="platform", role="mentor",
                   wanted_action="publier", blocked_where="sur la page projet")
    shot = Attachment("ecran.png", "image/png", 10, "abc")
    result = turn(state, "voici", heard=Heard(attachment=shot, identity=SIGNED_IN.identity))
    assert result.slots["ticket_attachments"] == [shot.as_json()]
    assert said(result)[0] == "utter_file_received"
    summary = str(values(result, "utter_ticket_summary")["summary"])
    assert "- Capture d'écran : ecran.png" in summary


def test_refused_file_is_explained_and_asked_again():
    """A file the channel refused: why, then the file question again."""
    state = asking("ticket_file", "ticket", ticket_category="platform", role="mentor",
                   wanted_action="publier", blocked_where="sur la page projet")
    result = turn(state, "voici", heard=Heard(attachment=Refusal("too_large"),
                                             identity=SIGNED_IN.identity))
    assert said(result)[0] == "utter_attachment_too_large"
    assert result.slots["asked_field"] == "ticket_file"


# ------------------------------------------------------------------- small talk, fallback


def test_small_talk_is_answered_and_the_offer_dropped():
    """"bonjour": a greeting back; an earlier offer no longer stands."""
    result = turn({"role": "mentor", "offered_ticket": "content_error"}, "bonjour", "greet")
    assert said(result) == ["utter_greet"]
    assert (result.slots["offered_ticket"], result.slots["next_step"]) == (None, "listen")


def test_fallback_suggests_the_two_likeliest_topics_and_a_request():
    """Not understood: the two likeliest topics as buttons, then 'Autre demande'."""
    heard = Heard(ranking=("nlu_fallback", "out_of_scope", "payment_missing", "more_students",
                           "content_error"))
    result = turn({"role": "mentor"}, "bla bla", "nlu_fallback", 0.2, heard=heard)
    [suggest] = result.responses
    assert suggest.name == "utter_suggest_topics"
    assert [b.payload for b in suggest.buttons] == ["/payment_missing", "/more_students",
                                                    "/request_human"]


def test_bare_yes_without_an_offer_opens_no_ticket():
    """A "oui" when nothing was offered opens nothing."""
    result = turn({"role": "mentor"}, "oui", "affirm")
    assert result.draft is None
    assert "utter_ticket_start" not in said(result)


def test_bare_yes_after_the_suggestions_opens_no_empty_ticket():
    """The fallback's suggestions ask no question: a bare "oui" right after them opens no
    empty 'Autre demande'."""
    result = turn({"role": "mentor", "offered_ticket": "other", "next_step": "listen"}, "oui",
                  "affirm", conversation={"last_response": "utter_suggest_topics"})
    assert result.draft is None and "utter_ticket_start" not in said(result)
    assert said(result) == ["utter_anything_else"]


def test_autre_demande_clicked_after_the_suggestions_opens_the_request():
    """The suggestions' 'Autre demande' button still opens the request."""
    result = turn({"role": "mentor", "offered_ticket": "other", "next_step": "listen"},
                  "/request_human", "request_human",
                  conversation={"last_response": "utter_suggest_topics"})
    assert said(result)[0] == "utter_ticket_start"
    assert result.slots["ticket_category"] == "other"


# ------------------------------------------------------------------- feedback, sessions


def test_helpful_click_is_recorded_and_thanked():
    """"Oui, merci": one feedback record (an effect), thanks, nothing else changes."""
    pending = {"topic": "more_students", "answer": "utter_more_students", "confidence": 0.9,
               "closest": []}
    result = turn({"role": "mentor", "feedback_on": pending, "next_step": "listen"},
                  '/affirm{"feedback":"helpful"}', "affirm",
                  heard=Heard(feedback="helpful", channel="rest"))
    assert said(result) == ["utter_feedback_thanks"]
    [record] = result.effects
    assert isinstance(record, RecordFeedback)
    assert (record.record["helpful"], record.record["channel"]) == (True, "rest")
    assert result.slots["feedback_on"] is None


def test_question_of_an_earlier_session_is_no_longer_waited_for():
    """A new session began since the bot asked: the message is read afresh, as a topic."""
    state = asking("absences_count", decision_rule="absences", role="mentor")
    result = turn(state, "comment avoir plus d'étudiants", "more_students",
                  conversation={"new_session": True})
    assert said(result)[0] == "utter_more_students"


def test_only_the_slots_that_change_are_reported():
    """The turn's changes leave out every slot that keeps its value."""
    state = asking("invoice_status", decision_rule="payment", role="mentor")
    result = turn(state, "elle est payée")
    assert result.changes(state) == {"invoice_status": "payee", "asked_field": "status_since"}
