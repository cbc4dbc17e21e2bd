"""The bench's users over REST: idle turns one user at a time, and the open-loop load.

Pure parts (schedule, percentiles, verdicts) are in scripts/bench_load.py; this module only
sends messages and times them.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

import aiohttp

from harness.stack import rest_session
from scripts.bench_load import (
    OPEN_LOOP_CONFIRMATION,
    OPEN_LOOP_TURNS,
    TURNS,
    send_times,
    summary_ms,
    user_slots,
)

REQUEST_TIMEOUT = 30.0


async def say(session: aiohttp.ClientSession, url: str, sender: str, text: str,
              expected: str) -> tuple[float, str | None]:
    """One REST turn: its seconds and the error, if any (HTTP, timeout, or expected words)."""
    body = {"sender": sender, "message": text, "metadata": {"role": "mentor"}}
    started = time.perf_counter()
    try:
        async with session.post(url, json=body) as answer:
            status, messages = answer.status, await answer.json(content_type=None)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        return time.perf_counter() - started, type(error).__name__
    elapsed = time.perf_counter() - started
    reply = "\n".join(m.get("text", "") for m in messages or [])
    if status != 200 or not reply.strip():
        return elapsed, f"HTTP {status}, {len(messages or [])} messages"
    if expected and expected not in reply:
        return elapsed, f"answer without '{expected}'"
    return elapsed, None


async def idle(url: str, repeat: int) -> tuple[dict[str, dict], list[str]]:
    """The bench conversation played `repeat` times, one user at a time: latency per kind."""
    by_kind: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for _ in range(repeat):
            sender = rest_session(url)
            for text, expected, kind in TURNS:
                seconds, error = await say(session, url, sender, text, expected)
                by_kind[kind].append(seconds)
                if error:
                    errors.append(f"{kind}: {error}")
    return {kind: summary_ms(values) for kind, values in by_kind.items()}, errors


@dataclass
class OpenLoopResult:
    offered_rate: float
    duration: float
    users: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)  # senders whose ticket was confirmed
    senders: list[str] = field(default_factory=list)
    late_turns: int = 0  # sent after their planned time (the previous reply came too late)
    planned: int = 0  # turns the schedule offered (a Poisson draw around rate x duration)
    wall: float = 0.0


async def slot(session: aiohttp.ClientSession, url: str, plan: list[float], start: float,
               result: OpenLoopResult) -> None:
    """One user slot: conversations back to back, each turn sent at its planned time (or at
    once when the previous reply came after it), a new sender for each conversation."""
    turn, sender = 0, ""
    for planned in plan:
        if turn == 0:
            # In a thread: the event loop keeps sending the other users' turns meanwhile.
            sender = await asyncio.to_thread(rest_session, url)
            result.senders.append(sender)
        wait = start + planned - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        else:
            result.late_turns += 1
        text, expected, _kind = OPEN_LOOP_TURNS[turn]
        seconds, error = await say(session, url, sender, text, expected)
        result.latencies.append(seconds)
        if error:
            result.errors.append(f"turn {turn + 1}: {error}")
        elif turn == OPEN_LOOP_CONFIRMATION:
            result.completed.append(sender)
        turn = (turn + 1) % len(OPEN_LOOP_TURNS)


async def open_loop(url: str, rate: float, think: float, duration: float,
                    seed: int = 15) -> OpenLoopResult:
    """`rate` turns per second offered for `duration` seconds by users thinking `think` s."""
    plans = send_times(rate, think, duration, random.Random(seed))
    result = OpenLoopResult(rate, duration, user_slots(rate, think),
                            planned=sum(len(plan) for plan in plans))
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(*(slot(session, url, plan, start, result) for plan in plans))
        result.wall = time.perf_counter() - start
    return result
