"""The report's figures on hand-built conversations and tickets."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from actions.tickets.model import Ticket
from reporting import figures
from reporting.conversations import conversations
from tests.reporting.builders import PARIS, Talk, rows

LABELS = {"payment_missing": "Paiement non reçu", "referral_bonus": "Prime de cooptation"}


def ticket(number: int, category: str, created: str, status: str = "stored") -> Ticket:
    return Ticket(id=number, reference=f"OC-2026-{number:06d}", category=category, details={},
                  role="mentor", channel="rest", sender_id="s", transcript=[],
                  idempotency_key=f"k{number}",
                  created_at=datetime.fromisoformat(created).replace(tzinfo=timezone.utc),
                  status=status)


def resolved_talk() -> Talk:
    return Talk("ok", "2026-11-06 10:00").user("x", "referral_bonus").answered("referral_bonus")


def ticket_talk() -> Talk:
    return (Talk("t", "2026-11-06 11:00").user("x", "payment_missing")
            .answered("payment_missing").ticket("OC-2026-000001"))


def unhappy_talk() -> Talk:
    return (Talk("u", "2026-11-07 09:00").user("x", "payment_missing")
            .answered("payment_missing").feedback(False, "payment_missing"))


def small_talk() -> Talk:
    return Talk("s", "2026-11-07 10:00").user("bonjour", "greet")


@pytest.mark.parametrize(("talks", "resolved", "with_ticket", "negative", "total"), [
    ([resolved_talk()], 1, 0, 0, 1),
    ([ticket_talk()], 0, 1, 0, 1),
    ([unhappy_talk()], 0, 0, 1, 1),
    ([small_talk()], 0, 0, 0, 0),  # no topic answered: not a topic conversation
    ([resolved_talk(), ticket_talk(), unhappy_talk(), small_talk()], 1, 1, 1, 3),
])
def test_overall_resolution(talks, resolved, with_ticket, negative, total):
    """Resolved = a topic answered, no ticket, no "Pas vraiment"; small talk is left out."""
    overall = figures.resolution(conversations(rows(*talks)), LABELS)["overall"]
    assert (overall["resolved"], overall["with_ticket"], overall["with_negative_feedback"],
            overall["conversations"]) == (resolved, with_ticket, negative, total)


def test_rates_are_shares_of_topic_conversations():
    """One resolved, one ticket, one unhappy: a third resolved, a third with a ticket."""
    talks = conversations(rows(resolved_talk(), ticket_talk(), unhappy_talk(), small_talk()))
    overall = figures.resolution(talks, LABELS)["overall"]
    assert (overall["resolution_rate"], overall["ticket_rate"]) == (0.3333, 0.3333)


def test_resolution_per_topic():
    """Per topic: payment has two conversations (one ticket, one unhappy), referral one."""
    talks = conversations(rows(resolved_talk(), ticket_talk(), unhappy_talk()))
    per_topic = {r["topic"]: r for r in figures.resolution(talks, LABELS)["per_topic"]}
    assert (per_topic["payment_missing"]["conversations"],
            per_topic["payment_missing"]["resolved"],
            per_topic["payment_missing"]["ticket_rate"]) == (2, 0, 0.5)
    assert per_topic["referral_bonus"]["resolution_rate"] == 1.0
    assert per_topic["referral_bonus"]["label"] == "Prime de cooptation"


def test_out_of_scope_is_no_topic():
    """An out-of-scope answer does not make a topic conversation."""
    talk = Talk("o", "2026-11-06 10:00").user("météo", "out_of_scope").answered("out_of_scope")
    assert figures.resolution(conversations(talk.rows), LABELS)["overall"]["conversations"] == 0


def test_conversations_per_day_by_channel_and_role():
    """Days in Paris time; a conversation counts on the day of its first message."""
    late = Talk("n", "2026-11-06 23:58", channel="slack").user("x", "greet").user("y", "greet")
    talks = conversations(rows(resolved_talk(), late, small_talk()))
    assert figures.per_day(talks, PARIS, "channel") == {
        "2026-11-06": {"rest": 1, "slack": 1}, "2026-11-07": {"rest": 1}}
    assert figures.per_day(talks, PARIS, "role") == {
        "2026-11-06": {"inconnu": 2}, "2026-11-07": {"inconnu": 1}}


def test_period_keeps_conversations_started_inside_it():
    """since and until are both included, in Paris days."""
    talks = conversations(rows(resolved_talk(), unhappy_talk()))
    kept = figures.in_period(talks, date(2026, 11, 7), date(2026, 11, 7), PARIS)
    assert [c.sender_id for c in kept] == ["u"]


def test_tickets_per_category_per_week():
    """ISO weeks, one row per week and category, with the category's label."""
    tickets = [ticket(1, "payment_missing", "2026-11-02T09:00"),
               ticket(2, "payment_missing", "2026-11-08T09:00"),
               ticket(3, "other", "2026-11-09T09:00")]
    assert figures.tickets_per_week(tickets, PARIS, {"other": "Autre"}) == [
        {"week": "2026-W45", "category": "payment_missing", "label": "payment_missing",
         "count": 2},
        {"week": "2026-W46", "category": "other", "label": "Autre", "count": 1},
    ]


def test_forwarding_status_names_rejected_failed():
    """stored, pending, forwarded, and rejected counted as failed."""
    tickets = [ticket(1, "other", "2026-11-02T09:00", status)
               for status in ("stored", "pending", "forwarded", "forwarded", "rejected")]
    assert figures.forwarding_status(tickets) == {
        "stored": 1, "pending": 1, "forwarded": 2, "failed": 1}


def test_not_understood_is_fallbacks_and_low_confidence_reads():
    """A fallback and a 0.5 read are not understood; a 0.9 read and a button click are."""
    talk = (Talk("a", "2026-11-06 10:00").fallback("truc", "platform_question", 0.3)
            .user("vague", "payment_missing", 0.5).user("clair", "payment_missing", 0.9)
            .user("/payment_missing", "payment_missing", 1.0))
    missed = figures.not_understood(conversations(talk.rows), low=0.6)
    assert [t.text for t in missed] == ["truc", "vague"]


def test_answers_to_a_form_are_not_questions_not_understood():
    """A name typed while the ticket form asks it reads badly, but the form understood it."""
    talk = (Talk("a", "2026-11-06 10:00").user("/request_human", "request_human", 1.0)
            .form("ticket_form").user("Jean Dupont", "inform", 0.3).form(None)
            .user("euh truc", "greet", 0.3))
    talks = conversations(talk.rows)
    assert [t.text for t in figures.not_understood(talks)] == ["euh truc"]
    assert sum(b["count"] for b in figures.confidence_histogram(talks)) == 1


def test_answers_to_the_bots_questions_are_not_questions_not_understood():
    """A name typed while action_respond asks it (next_step at ticket) is an answer; once the
    bot waits for nothing in particular (listen), a message is a question again."""
    talk = (Talk("a", "2026-11-06 10:00").user("/request_human", "request_human", 1.0)
            .slot("next_step", "ticket").user("Jean Dupont", "inform", 0.3)
            .slot("next_step", "confirm").user("euh truc", "greet", 0.3)
            .slot("next_step", "decision").user("euh le 3", "inform", 0.2)
            .slot("next_step", "listen").user("bof", "greet", 0.2))
    talks = conversations(talk.rows)
    assert [t.text for t in figures.not_understood(talks)] == ["euh truc", "bof"]


def test_confidence_histogram_counts_typed_messages_per_band():
    """0.05 -> first band, 0.95 and 1.0 -> last; button payloads are not counted."""
    talk = (Talk("a", "2026-11-06 10:00").user("a", "greet", 0.05).user("b", "greet", 0.95)
            .user("c", "greet", 1.0).user("/greet", "greet", 1.0))
    bands = figures.confidence_histogram(conversations(talk.rows))
    assert [b["count"] for b in bands] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 2]
    assert (bands[0]["from"], bands[-1]["to"]) == (0.0, 1.0)


def test_answers_ranked_by_not_helpful():
    """The answer with the most "Pas vraiment" comes first, with its "Oui, merci" too."""
    talk = (Talk("a", "2026-11-06 10:00").user("x", "payment_missing")
            .feedback(True, "referral_bonus", "utter_referral_ok")
            .feedback(False, "payment_missing", "utter_payment_paid_wait")
            .feedback(False, "payment_missing", "utter_payment_paid_wait")
            .feedback(True, "payment_missing", "utter_payment_paid_wait"))
    ranked = figures.feedback_by_answer(conversations(talk.rows), LABELS)
    assert [(r["answer"], r["not_helpful"], r["helpful"], r["not_helpful_share"])
            for r in ranked] == [("utter_payment_paid_wait", 2, 1, 0.6667),
                                 ("utter_referral_ok", 0, 1, 0.0)]
