"""Conversations rebuilt from the rows of Rasa's tracker store (plain dicts in, dataclasses out).

One conversation is one Rasa session of one sender: a new `session_started` event starts the
next. Messages typed while the bot asks one of a rule's or a ticket's questions (slot
`next_step` at decision or ticket; `active_loop` events in conversations stored when forms
asked them) are answers to those questions (a date, a name, a description), not questions the
classifier had to understand.
Rasa replays the carried-over slots at the start of every session (role, last ticket, ...);
slot events before the session's first user message are therefore context, not things that
happened in it, except the role, which says who is talking.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from actions.business.feedback import RECORD_SLOT

FALLBACK_INTENT = "nlu_fallback"
TOPIC_SLOT = "topic"
TICKET_SLOT = "last_ticket_ref"
ROLE_SLOT = "role"
UNKNOWN = "inconnu"
# While next_step holds one of these, the bot waits for the answer to its question
# (actions/business/turn.py: Step.DECISION, Step.TICKET; reporting reads stored values only).
ASKING_SLOT = "next_step"
ASKING_VALUES = frozenset({"decision", "ticket"})


@dataclass(frozen=True)
class Turn:
    """A user message as the classifier read it."""

    at: float
    text: str
    intent: str | None  # the intent the conversation went on with (nlu_fallback included)
    best: str | None  # the classifier's best real intent, under a fallback too
    confidence: float | None  # the best real intent's confidence
    payload: bool  # a button's `/intent` payload, not a read
    in_form: bool = False  # typed while a question was asked: an answer (a date, a name)

    @property
    def fallback(self) -> bool:
        return self.intent == FALLBACK_INTENT


@dataclass(frozen=True)
class Feedback:
    at: float
    helpful: bool
    topic: str | None
    answer: str | None
    confidence: float | None
    channel: str | None
    role: str | None


@dataclass
class Conversation:
    sender_id: str
    turns: list[Turn] = field(default_factory=list)
    channel: str = UNKNOWN
    role: str = UNKNOWN
    topics: list[str] = field(default_factory=list)  # topics answered, in order, no repeats
    tickets: list[str] = field(default_factory=list)  # ticket references given in it
    feedback: list[Feedback] = field(default_factory=list)

    @property
    def started_at(self) -> float:
        return self.turns[0].at

    @property
    def unhelpful(self) -> bool:
        return any(not f.helpful for f in self.feedback)


def read_turn(data: dict[str, Any], at: float) -> Turn:
    text = str(data.get("text") or "")
    parse = data.get("parse_data") or {}
    intent = (parse.get("intent") or {}).get("name")
    ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
    top = ranking[0] if ranking else (parse.get("intent") or {})
    best = top.get("name") if top.get("name") != FALLBACK_INTENT else None
    confidence = top.get("confidence") if best else None
    return Turn(at=at, text=text, intent=intent, best=best,
                confidence=float(confidence) if confidence is not None else None,
                payload=text.startswith("/"))


def read_feedback(value: dict[str, Any], at: float) -> Feedback:
    confidence = value.get("confidence")
    return Feedback(
        at=at, helpful=bool(value.get("helpful")), topic=value.get("topic"),
        answer=value.get("answer"),
        confidence=float(confidence) if isinstance(confidence, int | float) else None,
        channel=value.get("channel"), role=value.get("role"),
    )


def conversations(rows: Iterable[dict[str, Any]]) -> list[Conversation]:
    """Rows are {sender_id, type_name, timestamp, data} in insertion order (the table's id).

    Sessions without any user message (a widget opened, nothing typed) are left out.
    """
    found: list[Conversation] = []
    current: dict[str, Conversation] = {}
    in_form: dict[str, bool] = {}
    for row in rows:
        sender, kind, data = row["sender_id"], row["type_name"], row["data"]
        at = float(row.get("timestamp") or data.get("timestamp") or 0.0)
        if kind == "session_started" or sender not in current:
            current[sender] = Conversation(sender_id=sender)
            found.append(current[sender])
            in_form[sender] = False
        conversation = current[sender]
        if kind == "active_loop":
            in_form[sender] = bool(data.get("name"))
        elif kind == "user":
            conversation.turns.append(replace(read_turn(data, at), in_form=in_form[sender]))
            channel = data.get("input_channel")
            if channel and conversation.channel == UNKNOWN:
                conversation.channel = str(channel)
            role = (data.get("metadata") or {}).get("role")
            if isinstance(role, str) and role and conversation.role == UNKNOWN:
                conversation.role = role
        elif kind == "slot":
            if data.get("name") == ASKING_SLOT:
                in_form[sender] = data.get("value") in ASKING_VALUES
            _slot(conversation, data, at)
    return [c for c in found if c.turns]


def _slot(conversation: Conversation, data: dict[str, Any], at: float) -> None:
    name, value = data.get("name"), data.get("value")
    if value is None or value == "":
        return
    if name == ROLE_SLOT:
        conversation.role = str(value)
        return
    if not conversation.turns:  # carried over from the previous session
        return
    if name == TOPIC_SLOT and value not in conversation.topics:
        conversation.topics.append(str(value))
    elif name == TICKET_SLOT and value not in conversation.tickets:
        conversation.tickets.append(str(value))
    elif name == RECORD_SLOT and isinstance(value, dict):
        conversation.feedback.append(read_feedback(value, at))
