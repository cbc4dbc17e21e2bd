"""The bench's pure parts: the conversation users play, turn kinds, percentiles, the open-loop
schedule and the sweep's verdict. No server, no clock: tests/scripts/test_bench_load.py.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

TODAY = "2026-11-20"
# (message, words the answer must contain, kind of turn): turn 7 confirms the ticket. The users
# are anonymous (no identity token), so the ticket form asks the address to answer to.
TURNS = [
    ("bonjour", "Bonjour", "greeting"),
    ("mon virement n'est pas arrivé alors que la facture est payée", "statut de votre facture",
     "rule_question"),
    ("payée", "Depuis quelle date", "form_answer"),
    ("le 2 novembre", "Quel mois de facturation", "form_date_answer"),
    ("octobre", "À quelle adresse e-mail", "form_answer"),
    ("mentor@example.org", "Voici votre demande", "form_answer_decision"),
    ("/affirm", "OC-", "ticket_confirmation"),
    ("comment devenir mentor ?", "devenir mentor", "topic_answer"),
    ("merci beaucoup", "", "small_talk"),
    ("au revoir", "", "small_talk"),
]
CONVERSATION = [(text, expected) for text, expected, _kind in TURNS]
CONFIRMATION_TURN = 6  # index of "/affirm": a ticket exists once it is answered
# The open-loop users' conversation: a full ticket plus two FAQ questions.
OPEN_LOOP_TURNS = [
    ("bonjour", "Bonjour", "greeting"),
    ("comment devenir mentor ?", "devenir mentor", "topic_answer"),
    *TURNS[1:7],
    ("comment fonctionne la facturation ?", "", "topic_answer"),
    ("merci beaucoup", "", "small_talk"),
]
OPEN_LOOP_CONFIRMATION = 7


def turn_kind(text: str) -> str:
    for message, _expected, kind in TURNS + OPEN_LOOP_TURNS:
        if message == text:
            return kind
    return "other"


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of seconds, in milliseconds (0 for no values)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return round(ordered[index] * 1000, 1)


def summary_ms(values: Sequence[float]) -> dict[str, float | int]:
    return {"n": len(values), "p50": percentile(values, 0.5), "p95": percentile(values, 0.95),
            "p99": percentile(values, 0.99)}


def user_slots(rate: float, think_seconds: float) -> int:
    """Users needed so that each, sending every `think_seconds` on average, offers `rate`."""
    if rate <= 0 or think_seconds <= 0:
        raise ValueError("rate and think time must be positive")
    return max(1, round(rate * think_seconds))


def send_times(rate: float, think_seconds: float, duration: float,
               rng: random.Random) -> list[list[float]]:
    """Planned send times of each user slot over `duration` seconds, offering exactly `rate`
    turns per second whatever the server does (open loop).

    Each slot is a Poisson process of mean gap `think_seconds` conditioned on its count: its
    times are uniform over the window, sorted, so its gaps are exponential (as users think) while
    the slots together plan exactly rate x duration turns. An unconditioned Poisson draw moves the
    offered load itself by several per cent from run to run (185 turns instead of 200 at 10 /s
    over 20 s with the bench's seed), and the bench would then measure the draw.
    """
    slots = user_slots(rate, think_seconds)
    total = round(rate * duration)
    plans = []
    for index in range(slots):
        count = total // slots + (1 if index < total % slots else 0)
        plans.append(sorted(rng.uniform(0, duration) for _ in range(count)))
    return plans


def sustainable_rate(points: Iterable[dict], p95_limit_ms: float = 500.0) -> float | None:
    """The highest offered rate of a sweep, in increasing order, whose p95 is under the limit,
    with no errors, before the first rate that is not (a later pass is luck, not capacity)."""
    best = None
    for point in sorted(points, key=lambda p: p["offered_rate"]):
        if point["p95"] >= p95_limit_ms or point["errors"]:
            break
        best = point["offered_rate"]
    return best


def ratio(value: float, reference: float) -> float | None:
    return round(value / reference, 1) if reference else None
