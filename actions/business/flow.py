"""What the assistant does next, decided from plain values (no Rasa types here)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions.business import parsing
from actions.business.catalog import Catalog
from actions.business.fields import display

# Intents that carry an answer to the bot's question rather than a new subject.
ANSWER_INTENTS = frozenset({"inform", "affirm", "deny", "nlu_fallback"})
SMALL_TALK = frozenset({"greet", "goodbye", "thank", "bot_challenge", "ask_capabilities"})
CANCEL = "cancel"
# The user asked for a ticket in the middle of a rule's questions.
REQUEST_TICKET = "request_ticket"


@dataclass(frozen=True)
class Plan:
    """For one topic and role: ask the role first, or answer then apply a rule or offer a ticket."""

    ask_role: bool = False
    decision: str | None = None
    answer: str | None = None
    ticket: str | None = None


def plan_topic(topic: str, role: str | None, catalog: Catalog) -> Plan:
    entry = catalog.topics[topic]
    if entry.needs_role and role is None:
        return Plan(ask_role=True)
    decision = entry.decision_for(role)
    if decision:
        return Plan(decision=decision, answer=f"utter_{topic}")
    return Plan(answer=f"utter_{topic}", ticket=entry.ticket_for(role))


def word_count(text: str) -> int:
    """Words only: French puts a space before "?" and "!", which are no words."""
    return len(re.findall(r"\w+", text))


def interruption(
    text: str, intent: str | None, confidence: float, understood: bool, kind: str,
    threshold: float,
) -> str | None:
    """Whether a form answer is really the user leaving the form: "cancel", an intent, or None.

    A well-understood answer stays an answer, whatever intent the classifier saw in it: a free-text
    description of a platform bug reads like a platform question. Only a confident, different
    subject that could not be read as an answer interrupts.
    """
    if parsing.is_cancel(text):
        return CANCEL
    if intent is None or intent in ANSWER_INTENTS - {"deny"} or confidence < threshold:
        return None
    if kind == "text":
        short = word_count(text) <= 4
        return intent if not understood or (short and intent in SMALL_TALK) else None
    # "une" in "comment facturer une prime ?" reads as a count: a question is no answer.
    if understood and "?" not in text:
        return None
    return CANCEL if intent == "deny" else intent


def ticket_fields(category: str, role: str | None, catalog: Catalog) -> tuple[str, ...]:
    return catalog.categories[category].details_for(role)


def summary_lines(
    category: str, role: str | None, values: dict[str, str], catalog: Catalog,
) -> list[tuple[str, str]]:
    """(label, value as read) for each detail of the ticket, in the order asked."""
    lines = []
    for name in ticket_fields(category, role, catalog):
        field = catalog.fields[name]
        lines.append((field.label, display(field, values[name], catalog)))
    return lines
