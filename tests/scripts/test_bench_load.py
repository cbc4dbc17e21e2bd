"""scripts/bench_load.py: the bench's pure parts (schedule, percentiles, sweep verdict)."""

from __future__ import annotations

import random
import statistics

import pytest

from scripts.bench_load import (
    OPEN_LOOP_CONFIRMATION,
    OPEN_LOOP_TURNS,
    TURNS,
    percentile,
    ratio,
    send_times,
    summary_ms,
    sustainable_rate,
    turn_kind,
    user_slots,
)


def test_percentile_is_the_nearest_rank_in_milliseconds():
    """p50 of 1..100 ms is 50 ms, p95 is 95 ms, p99 is 99 ms, p100 the maximum."""
    values = [n / 1000 for n in range(1, 101)]
    assert [percentile(values, s) for s in (0.5, 0.95, 0.99, 1.0)] == [50.0, 95.0, 99.0, 100.0]


def test_percentile_of_nothing_is_zero():
    """No sample gives 0 rather than an error."""
    assert percentile([], 0.95) == 0.0


def test_percentile_ignores_the_order_of_samples():
    """Samples in any order give the same percentile."""
    values = [0.3, 0.1, 0.2]
    assert percentile(values, 0.5) == percentile(sorted(values), 0.5) == 200.0


def test_summary_counts_the_samples():
    """The summary carries the number of samples beside p50, p95 and p99."""
    assert summary_ms([0.01, 0.02])["n"] == 2


def test_user_slots_offer_the_rate_with_the_think_time():
    """10 turns/s from users thinking 4 s on average takes 40 users."""
    assert user_slots(10, 4) == 40


def test_user_slots_refuse_a_zero_rate():
    """A rate of zero cannot be offered."""
    with pytest.raises(ValueError):
        user_slots(0, 4)


@pytest.mark.parametrize(("rate", "duration"), [(10, 20), (10, 600), (40, 20), (5, 30)])
def test_send_times_offer_exactly_the_rate_asked(rate, duration):
    """The planned turns are rate x duration, whatever the draw: the bench measures the server,
    not the luck of its schedule."""
    plans = send_times(rate, 3, duration, random.Random(1))
    assert sum(len(plan) for plan in plans) == rate * duration


def test_send_times_stay_in_the_window_and_in_order():
    """Every planned time is inside [0, duration) and each user's times increase."""
    for plan in send_times(5, 2, 30, random.Random(2)):
        assert all(0 <= t < 30 for t in plan)
        assert plan == sorted(plan)


def test_send_times_gaps_are_exponential():
    """A user's gaps have the think time as mean and about as large a spread (exponential)."""
    plans = send_times(1, 4, 20_000, random.Random(3))
    gaps = [b - a for plan in plans for a, b in zip(plan, plan[1:], strict=False)]
    assert abs(statistics.fmean(gaps) - 4) < 0.2
    assert abs(statistics.stdev(gaps) - 4) < 0.3


def test_send_times_start_at_once_not_after_a_ramp():
    """The first 10 % of the window already carries about its share of the turns."""
    plans = send_times(20, 3, 100, random.Random(4))
    early = sum(t < 10 for plan in plans for t in plan)
    assert 150 < early < 250


def test_sustainable_rate_is_the_last_rate_under_the_limit():
    """With p95 under 500 ms at 5 and 10 turns/s and over it at 20, the sustainable rate is 10."""
    points = [{"offered_rate": 20, "p95": 900, "errors": 0},
              {"offered_rate": 5, "p95": 80, "errors": 0},
              {"offered_rate": 10, "p95": 120, "errors": 0}]
    assert sustainable_rate(points) == 10


def test_sustainable_rate_stops_at_the_first_failure():
    """A higher rate that passes after one that failed does not count."""
    points = [{"offered_rate": 5, "p95": 80, "errors": 0},
              {"offered_rate": 10, "p95": 700, "errors": 0},
              {"offered_rate": 20, "p95": 400, "errors": 0}]
    assert sustainable_rate(points) == 5


def test_sustainable_rate_counts_errors_as_a_failure():
    """A rate with errors is not sustainable, whatever its p95."""
    points = [{"offered_rate": 5, "p95": 80, "errors": 2}]
    assert sustainable_rate(points) is None


def test_ratio_to_nothing_is_unknown():
    """A ratio to a zero reference is None, not a division error."""
    assert ratio(10, 0) is None
    assert ratio(30, 10) == 3.0


def test_every_turn_has_a_kind():
    """Each bench message maps to its declared kind, an unknown one to 'other'."""
    assert all(turn_kind(text) == kind for text, _e, kind in TURNS)
    assert turn_kind("quelque chose d'autre") == "other"


def test_the_open_loop_conversation_confirms_a_ticket_and_asks_two_questions():
    """Users play a conversation whose confirmation turn expects a ticket number, with two
    FAQ questions around it."""
    assert OPEN_LOOP_TURNS[OPEN_LOOP_CONFIRMATION][1] == "OC-"
    assert sum(kind == "topic_answer" for _t, _e, kind in OPEN_LOOP_TURNS) == 2
