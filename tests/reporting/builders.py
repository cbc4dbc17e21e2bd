"""Hand-built tracker events, shaped like the rows Rasa's SQLTrackerStore writes."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def at(moment: str) -> float:
    """Epoch seconds of a Paris local time written 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(moment).replace(tzinfo=PARIS).timestamp()


class Talk:
    """One sender's events, in order, as the rows of the events table."""

    def __init__(self, sender: str, start: str, channel: str = "rest") -> None:
        self.sender, self.channel, self.clock = sender, channel, at(start)
        self.rows: list[dict[str, Any]] = []
        self.session()

    def _row(self, kind: str, data: dict[str, Any]) -> Talk:
        self.clock += 5
        data = {"event": kind, "timestamp": self.clock, **data}
        self.rows.append({"sender_id": self.sender, "type_name": kind,
                          "timestamp": self.clock, "data": data})
        return self

    def session(self, start: str | None = None) -> Talk:
        if start:
            self.clock = at(start)
        return self._row("session_started", {})

    def user(self, text: str, intent: str, confidence: float = 0.9,
             ranking: list[tuple[str, float]] | None = None, role: str | None = None) -> Talk:
        ranking = ranking or [(intent, confidence)]
        parse = {"intent": {"name": intent, "confidence": confidence},
                 "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
                 "text": text, "entities": []}
        return self._row("user", {"text": text, "parse_data": parse,
                                  "input_channel": self.channel,
                                  "metadata": {"role": role} if role else {}})

    def fallback(self, text: str, best: str, confidence: float) -> Talk:
        """What the FallbackClassifier writes: nlu_fallback first, the real ranking after."""
        return self.user(text, "nlu_fallback", 0.4,
                         ranking=[("nlu_fallback", 0.4), (best, confidence)])

    def form(self, name: str | None) -> Talk:
        """A form starts (its name) or ends (None)."""
        return self._row("active_loop", {"name": name})

    def slot(self, name: str, value: Any) -> Talk:
        return self._row("slot", {"name": name, "value": value})

    def answered(self, topic: str) -> Talk:
        return self.slot("topic", topic)

    def ticket(self, reference: str) -> Talk:
        return self.slot("last_ticket_ref", reference)

    def feedback(self, helpful: bool, topic: str, answer: str | None = None) -> Talk:
        return self.slot("feedback", {"helpful": helpful, "topic": topic,
                                      "answer": answer or f"utter_{topic}", "confidence": 0.9,
                                      "channel": self.channel, "role": "mentor"})


def rows(*talks: Talk) -> list[dict[str, Any]]:
    return [row for talk in talks for row in talk.rows]
