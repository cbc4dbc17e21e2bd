"""Feedback on an answer ("Oui, merci" / "Pas vraiment"), as plain values (no Rasa types).

The action server keeps two slots of type `any` in the conversation's tracker:
- `feedback_on`: the answer awaiting feedback (topic, answer response, NLU confidence of the
  question, the closest other topics);
- `feedback`: one record per reply, set once per feedback. Rasa writes each SlotSet as a row of
  the tracker store's `events` table (sender id = conversation id, timestamp = time), which is
  where the support report (`reporting/`) reads them: no second store, and feedback is kept or
  purged exactly like the conversation that holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PENDING_SLOT = "feedback_on"
RECORD_SLOT = "feedback"
# The buttons send `/affirm{"feedback":"helpful"}` or `/deny{"feedback":"unhelpful"}`.
ENTITY = "feedback"
HELPFUL = "helpful"
UNHELPFUL = "unhelpful"
VALUES = (HELPFUL, UNHELPFUL)
# A typed reply counts as feedback only when it is this short ("oui merci", "pas vraiment"):
# anything longer is a new question.
MAX_TYPED_WORDS = 4
TYPED_HELPFUL = frozenset({"affirm", "thank"})
TYPED_UNHELPFUL = frozenset({"deny"})
CLOSEST = 2


@dataclass(frozen=True)
class Pending:
    """The answer the user can rate."""

    topic: str
    answer: str
    confidence: float | None
    closest: tuple[str, ...] = ()

    def to_slot(self) -> dict[str, Any]:
        return {"topic": self.topic, "answer": self.answer, "confidence": self.confidence,
                "closest": list(self.closest)}

    @classmethod
    def from_slot(cls, value: object) -> Pending | None:
        if not isinstance(value, dict) or not value.get("topic") or not value.get("answer"):
            return None
        confidence = value.get("confidence")
        return cls(
            topic=str(value["topic"]), answer=str(value["answer"]),
            confidence=float(confidence) if isinstance(confidence, int | float) else None,
            closest=tuple(str(t) for t in value.get("closest") or ()),
        )


def closest_topics(
    ranking: list[dict[str, Any]], topics: set[str] | frozenset[str], answered: str,
    excluded: frozenset[str] = frozenset({"out_of_scope"}),
) -> tuple[str, ...]:
    """The two likeliest other topics of the question, from the classifier's ranking."""
    names = [name for r in ranking if isinstance(name := r.get("name"), str)]
    return tuple(
        n for n in names if n in topics and n != answered and n not in excluded
    )[:CLOSEST]


def reply_value(
    intent: str | None, entity: str | None, words: int, pending: Pending | None,
    asked_last: bool,
) -> str | None:
    """HELPFUL, UNHELPFUL or None: whether this message is feedback on the pending answer.

    A button says so explicitly. Typed "oui merci" / "pas vraiment" count only when the feedback
    question was the bot's last message (after a ticket offer, "oui" means "open the request").
    """
    if pending is None:
        return None
    if entity in VALUES:
        return entity
    if not asked_last or words > MAX_TYPED_WORDS:
        return None
    if intent in TYPED_HELPFUL:
        return HELPFUL
    if intent in TYPED_UNHELPFUL:
        return UNHELPFUL
    return None


def record(pending: Pending, value: str, channel: str | None, role: str | None) -> dict[str, Any]:
    """What one feedback stores (the event's timestamp and sender id add time and conversation)."""
    return {"helpful": value == HELPFUL, "topic": pending.topic, "answer": pending.answer,
            "confidence": pending.confidence, "channel": channel, "role": role}
