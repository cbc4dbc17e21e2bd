"""The report's figures: pure functions of conversations and tickets (no database, no files).

Every function returns plain JSON values (dicts, lists, numbers, strings): the same values feed
reports/support.json, the charts and the HTML tables.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from actions.tickets.model import (
    STATUS_FORWARDED,
    STATUS_PENDING,
    STATUS_REJECTED,
    STATUS_STORED,
    Ticket,
)
from reporting.conversations import Conversation, Turn

# A read under this confidence is "not really understood" even when no fallback was triggered.
LOW_CONFIDENCE = 0.6
CONFIDENCE_BINS = 10
# Forwarding outcomes as the support team names them; "failed" is Zendesk refusing the ticket.
FORWARDING = {STATUS_STORED: "stored", STATUS_PENDING: "pending",
              STATUS_FORWARDED: "forwarded", STATUS_REJECTED: "failed"}
NOT_A_TOPIC = frozenset({"out_of_scope"})


def local_day(moment: float, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(moment, timezone.utc).astimezone(zone).date()


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def in_period(conversations: Iterable[Conversation], since: date, until: date,
              zone: ZoneInfo) -> list[Conversation]:
    """Conversations whose first message falls between since and until (both included)."""
    return [c for c in conversations if since <= local_day(c.started_at, zone) <= until]


def tickets_in_period(tickets: Iterable[Ticket], since: date, until: date,
                      zone: ZoneInfo) -> list[Ticket]:
    return [t for t in tickets
            if since <= local_day(t.created_at.timestamp(), zone) <= until]


def per_day(conversations: Iterable[Conversation], zone: ZoneInfo,
            key: str) -> dict[str, dict[str, int]]:
    """{day: {channel or role: conversations}}, days in order."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for conversation in conversations:
        day = local_day(conversation.started_at, zone).isoformat()
        counts[day][getattr(conversation, key)] += 1
    return {day: dict(sorted(counts[day].items())) for day in sorted(counts)}


def _rates(conversations: list[Conversation]) -> dict[str, float | int]:
    total = len(conversations)
    ticket = sum(1 for c in conversations if c.tickets)
    unhelpful = sum(1 for c in conversations if c.unhelpful)
    resolved = sum(1 for c in conversations if not c.tickets and not c.unhelpful)
    return {
        "conversations": total, "resolved": resolved, "with_ticket": ticket,
        "with_negative_feedback": unhelpful,
        "resolution_rate": round(resolved / total, 4) if total else 0.0,
        "ticket_rate": round(ticket / total, 4) if total else 0.0,
    }


def topics_of(conversation: Conversation) -> list[str]:
    return [t for t in conversation.topics if t not in NOT_A_TOPIC]


def resolution(conversations: Iterable[Conversation],
               labels: Mapping[str, str]) -> dict[str, Any]:
    """Topic conversations (at least one topic answered) that ended without a ticket and
    without a "Pas vraiment", overall and per topic (a conversation counts for each topic it
    answered)."""
    with_topic = [c for c in conversations if topics_of(c)]
    by_topic: dict[str, list[Conversation]] = defaultdict(list)
    for conversation in with_topic:
        for topic in topics_of(conversation):
            by_topic[topic].append(conversation)
    rows = [{"topic": topic, "label": labels.get(topic, topic), **_rates(group)}
            for topic, group in by_topic.items()]
    rows.sort(key=lambda r: (-int(r["conversations"]), str(r["topic"])))
    return {"overall": _rates(with_topic), "per_topic": rows}


def tickets_per_week(tickets: Iterable[Ticket], zone: ZoneInfo,
                     labels: Mapping[str, str]) -> list[dict[str, object]]:
    """One row per (ISO week, category) with its count, weeks then categories in order."""
    counts: Counter[tuple[str, str]] = Counter(
        (iso_week(local_day(t.created_at.timestamp(), zone)), t.category) for t in tickets)
    return [{"week": week, "category": category, "label": labels.get(category, category),
             "count": count} for (week, category), count in sorted(counts.items())]


def forwarding_status(tickets: Iterable[Ticket]) -> dict[str, int]:
    """How many tickets are only stored, waiting or retrying, forwarded, or refused."""
    counts = {name: 0 for name in FORWARDING.values()}
    for ticket in tickets:
        name = FORWARDING.get(ticket.status, ticket.status)
        counts[name] = counts.get(name, 0) + 1
    return counts


def reads(conversations: Iterable[Conversation]) -> list[Turn]:
    """What users typed outside forms: the messages the classifier had to understand (button
    payloads are no reads; a form's answers are read by the form, whatever the intent)."""
    return [t for c in conversations for t in c.turns
            if not t.payload and t.text and not t.in_form]


def not_understood(conversations: Iterable[Conversation],
                   low: float = LOW_CONFIDENCE) -> list[Turn]:
    """Typed messages that triggered the fallback or were read with a low confidence."""
    return [t for t in reads(conversations)
            if t.fallback or t.confidence is None or t.confidence < low]


def confidence_histogram(conversations: Iterable[Conversation],
                         bins: int = CONFIDENCE_BINS) -> list[dict[str, float | int]]:
    """Counts of typed messages per confidence band of the best intent ([0, 0.1), ..., [0.9, 1])."""
    counts = [0] * bins
    for turn in reads(conversations):
        if turn.confidence is not None:
            counts[min(int(turn.confidence * bins), bins - 1)] += 1
    return [{"from": round(i / bins, 2), "to": round((i + 1) / bins, 2), "count": n}
            for i, n in enumerate(counts)]


def feedback_by_answer(conversations: Iterable[Conversation],
                       labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """Answers by number of "Pas vraiment" (then share of them), with their "Oui, merci"."""
    counts: dict[tuple[str, str], Counter[bool]] = defaultdict(Counter)
    for conversation in conversations:
        for feedback in conversation.feedback:
            counts[(feedback.answer or "?", feedback.topic or "?")][feedback.helpful] += 1
    rows: list[dict[str, Any]] = []
    for (answer, topic), count in counts.items():
        total = count[True] + count[False]
        rows.append({"answer": answer, "topic": topic, "label": labels.get(topic, topic),
                     "not_helpful": count[False], "helpful": count[True],
                     "not_helpful_share": round(count[False] / total, 4)})
    rows.sort(key=lambda r: (-int(r["not_helpful"]), -float(r["not_helpful_share"]),
                             str(r["answer"])))
    return rows


def feedback_totals(conversations: Iterable[Conversation]) -> dict[str, int]:
    values = [f.helpful for c in conversations for f in c.feedback]
    return {"helpful": sum(values), "not_helpful": len(values) - sum(values)}
