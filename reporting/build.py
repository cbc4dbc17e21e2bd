"""Every figure of the support report, from rows already read (pure: no database here)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from actions.tickets.model import Ticket
from reporting import figures
from reporting.clusters import group_questions
from reporting.conversations import conversations


def build_report(
    rows: Iterable[dict[str, Any]], tickets: Iterable[Ticket], since: date, until: date,
    zone: ZoneInfo, topic_labels: Mapping[str, str], category_labels: Mapping[str, str],
    low: float = figures.LOW_CONFIDENCE,
) -> dict[str, Any]:
    """The report as JSON values: what reports/support.json holds and the page shows."""
    talks = figures.in_period(conversations(rows), since, until, zone)
    stored = figures.tickets_in_period(tickets, since, until, zone)
    missed = figures.not_understood(talks, low)
    resolution = figures.resolution(talks, topic_labels)
    return {
        "period": {"since": since.isoformat(), "until": until.isoformat(), "timezone": zone.key},
        "summary": {
            "conversations": len(talks),
            "topic_conversations": resolution["overall"]["conversations"],
            "resolution_rate": resolution["overall"]["resolution_rate"],
            "ticket_rate": resolution["overall"]["ticket_rate"],
            "tickets": len(stored),
            "not_understood": len(missed),
            "typed_messages": len(figures.reads(talks)),
            **{f"feedback_{k}": v for k, v in figures.feedback_totals(talks).items()},
        },
        "conversations_per_day": {
            "by_channel": figures.per_day(talks, zone, "channel"),
            "by_role": figures.per_day(talks, zone, "role"),
        },
        "resolution": resolution,
        "tickets_per_week": figures.tickets_per_week(stored, zone, category_labels),
        "forwarding": figures.forwarding_status(stored),
        "not_understood": {"low_confidence_below": low, "messages": len(missed),
                           "groups": group_questions(missed)},
        "answers_feedback": figures.feedback_by_answer(talks, topic_labels),
        "confidence": figures.confidence_histogram(talks),
    }
