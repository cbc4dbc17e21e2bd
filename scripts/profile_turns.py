"""Where a turn's time goes: action-server round trips, payload sizes and server time per turn.

Starts the local stack (harness.stack: action server, Rasa server, SQLite stores) with a
recording proxy between the two, then plays the bench conversation one user at a time. For each
turn it reports the REST latency, the number of calls Rasa made to the action server, the actions
called, the bytes sent (the whole tracker each time) and received, and the time spent in the
action server. With `--py-spy SECONDS` it also records both servers with py-spy (`.venv/bin/py-spy`,
pinned in requirements.txt) while the same conversation is played by `--users` users in a loop,
and writes the top frames (self time) of each server.

    .venv/bin/python scripts/profile_turns.py --users 5 --out reports/profile.json
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.stack import (  # noqa: E402
    ROOT,
    action_server,
    free_port,
    rasa_server,
    rest_session,
    sqlite_tracker,
    start_side_by_side,
    write_endpoints,
)
from scripts.bench_load import CONVERSATION, TODAY, turn_kind  # noqa: E402


class Recorder:
    """A loopback proxy in front of the action server that records each call."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.calls: list[tuple[str, int, int, float]] = []  # (action, out, back, seconds)
        self.session: aiohttp.ClientSession | None = None

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        assert self.session is not None
        started = time.perf_counter()
        async with self.session.post(self.target, data=body,
                                     headers={"Content-Type": "application/json"}) as answer:
            payload, status = await answer.read(), answer.status
        elapsed = time.perf_counter() - started
        name = json.loads(body).get("next_action", "?")
        self.calls.append((name, len(body), len(payload), elapsed))
        return web.Response(body=payload, status=status, content_type="application/json")

    async def start(self, port: int) -> web.AppRunner:
        self.session = aiohttp.ClientSession()
        app = web.Application(client_max_size=50_000_000)
        app.router.add_post("/webhook", self.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        return runner


async def play(url: str, recorder: Recorder, users: int) -> list[dict]:
    rows: dict[int, list[dict]] = collections.defaultdict(list)
    async with aiohttp.ClientSession() as session:
        for _ in range(users):
            sender = rest_session(url)
            for turn, (text, _expected) in enumerate(CONVERSATION):
                before = len(recorder.calls)
                started = time.perf_counter()
                async with session.post(url, json={"sender": sender, "message": text,
                                                   "metadata": {"role": "mentor"}}) as answer:
                    await answer.read()
                elapsed = time.perf_counter() - started
                calls = recorder.calls[before:]
                rows[turn].append({
                    "ms": elapsed * 1000, "calls": len(calls),
                    "actions": [c[0] for c in calls],
                    "bytes_sent": sum(c[1] for c in calls),
                    "bytes_back": sum(c[2] for c in calls),
                    "action_ms": sum(c[3] for c in calls) * 1000,
                })
    summary = []
    for turn, samples in sorted(rows.items()):
        text = CONVERSATION[turn][0]
        summary.append({
            "turn": turn + 1, "message": text, "kind": turn_kind(text),
            "p50_ms": round(statistics.median(s["ms"] for s in samples), 1),
            "action_calls": samples[-1]["calls"], "actions": samples[-1]["actions"],
            "bytes_sent": samples[-1]["bytes_sent"], "bytes_back": samples[-1]["bytes_back"],
            "action_ms_p50": round(statistics.median(s["action_ms"] for s in samples), 1),
        })
    return summary


def top_frames(raw: Path, count: int = 25) -> list[tuple[str, float]]:
    """Self-time share of the innermost frames of a py-spy `--format raw` file."""
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if not stack:
            continue
        frames = stack.split(";")
        weight = int(samples)
        total += weight
        own[frames[-1]] += weight
    return [(frame, round(100 * n / total, 1)) for frame, n in own.most_common(count)]


def cumulative(raw: Path, needles: list[str]) -> dict[str, float]:
    """Share of samples whose stack holds a frame matching each needle (inclusive time)."""
    hits: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if not stack:
            continue
        weight = int(samples)
        total += weight
        for needle in needles:
            if needle in stack:
                hits[needle] += weight
    return {needle: round(100 * hits[needle] / max(total, 1), 1) for needle in needles}


NEEDLES = [  # frames of interest, matched as substrings of "function (file:line)"
    "handle_message", "parse_message", "_predict_next_with_tracker", "_run_action",
    "run (rasa/core/actions/action.py", "request (rasa/utils/endpoints", "get_tracker",
    "save (", "retrieve (", "from_dict", "tracker_store.py", "sql", "current_state",
    "action_call_format", "validate_action_result", "jsonschema", "run_action_extract_slots",
    "featurize", "prediction_states", "past_states", "rule_policy.py", "memoization.py",
    "copy.py", "deepcopy", "applied_events", "events.py", "json", "logging", "structlog",
    "aiohttp", "spacy", "sklearn", "dateparser", "parsing_dates", "decisions", "catalog",
    "rulebook", "yaml", "tickets",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--py-spy", type=float, default=0.0, dest="py_spy",
                        help="seconds of py-spy recording under a closed loop of --users")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "profile.json")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ocbot-profile-"))
    action_port, proxy_port = free_port(), free_port()
    endpoints = write_endpoints(work / "endpoints.yml", proxy_port,
                                sqlite_tracker(work / "tracker.db"))
    actions = action_server(action_port, work / "actions.log",
                            env={"OCBOT_TODAY": TODAY,
                                 "TICKETS_DB_URL": f"sqlite:///{work / 'tickets.db'}"})
    rasa = rasa_server(free_port(), endpoints, ROOT / "credentials.yml", work / "rasa.log")
    recorder = Recorder(f"http://127.0.0.1:{action_port}/webhook")
    report: dict = {}

    async def run() -> None:
        runner = await recorder.start(proxy_port)
        url = rasa.base_url + "/webhooks/rest/webhook"
        await play(url, recorder, 1)  # warm-up: first calls import and build caches
        report["idle_turns"] = await play(url, recorder, args.users)
        if args.py_spy:
            spies = {}
            for name, server in (("rasa", rasa), ("actions", actions)):
                raw = work / f"{name}.raw"
                spies[name] = (raw, subprocess.Popen(
                    [str(ROOT / ".venv" / "bin" / "py-spy"), "record", "-p", str(server.pid),
                     "-d", str(int(args.py_spy)), "-r", "200", "--nonblocking", "-f", "raw",
                     "-o", str(raw)],
                    stdout=subprocess.DEVNULL, stderr=open(work / f"{name}.spy.log", "wb")))
            deadline = time.monotonic() + args.py_spy
            while time.monotonic() < deadline:
                await asyncio.gather(*(play(url, recorder, 1) for _ in range(args.users)))
            for name, (raw, spy) in spies.items():
                spy.wait(timeout=60)
                if raw.exists():
                    report[f"py_spy_{name}_self"] = top_frames(raw)
                    report[f"py_spy_{name}_inclusive"] = cumulative(raw, NEEDLES)
                    report[f"py_spy_{name}_raw"] = str(raw)
        assert recorder.session is not None
        await recorder.session.close()
        await runner.cleanup()

    try:
        start_side_by_side([actions, rasa])
        asyncio.run(run())
    finally:
        rasa.stop()
        actions.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    for row in report["idle_turns"]:
        print(f"{row['turn']:>2} {row['kind']:<16} {row['p50_ms']:>7} ms  "
              f"calls {row['action_calls']}  sent {row['bytes_sent']:>7} B  "
              f"action {row['action_ms_p50']:>6} ms  "
              f"{','.join(row['actions'])}")
    print("work folder:", work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
