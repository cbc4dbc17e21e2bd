"""Load bench over REST: idle turns beside the bare parse, an open-loop load and its sweep, and
the closed-loop burst (N simulated users x 10 turns at once).

Idle (issue 15): the bench conversation played `--idle-repeat` times by one user at a time, p50
and p95 per kind of turn, next to the bare NLU parse of the same messages timed in the same run
(scripts/bench_parse.py, the model loaded in-process) and to Rasa's own floor, the greeting, which
a rule answers with a response alone through the same server and channel.

Open loop: users thinking `--think` seconds on average (exponential) offer `--rate` turns/s for
`--duration` seconds, each playing a conversation to a confirmed ticket and two FAQ questions;
then the same at each rate of `--sweep`, stopping after the first rate whose p95 reaches 500 ms
or that has errors. Achieved rate, p50/p95/p99, errors, tickets created vs tickets confirmed,
peak memory of each server, and the highest rate whose p95 stays under 500 ms.

Burst:

Starts an action server and a Rasa server exactly as `make run` does (serving.*), on free
loopback ports, with throw-away SQLite tracker and ticket databases; every user runs the same
10-turn conversation (greeting, payment rule, ticket confirmed, a question, thanks, goodbye),
all users at once. Reports per-turn latency percentiles, throughput, errors (HTTP failures and
answers missing their expected words), tickets created vs expected (one per user), the peak
memory of each server, and the NLU figures of reports/nlu.json. Writes reports/bench.json and
prints a short table (also in reports/bench.md).

`--rasa-servers 2` (or more) runs the production profile instead: PostgreSQL, Redis and the
deploy/ files, each turn sent to the next server as a load balancer without stickiness would.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.stack import (  # noqa: E402
    MODEL,
    PYTHON,
    ROOT,
    LocalStack,
    ProductionStack,
    conversation_of,
    cpu_seconds,
    list_tickets,
    peak_rss_mb,
    rest_session,
)
from scripts.bench_load import (  # noqa: E402
    CONVERSATION,
    TODAY,
    TURNS,
    percentile,
    ratio,
    summary_ms,
    sustainable_rate,
)
from scripts.bench_users import OpenLoopResult, idle, open_loop  # noqa: E402

TICKETS_PER_USER = 1
P95_LIMIT_MS = 500.0
FLOOR_KIND = "greeting"  # a rule answers it with a response alone
TOKEN = "bench-action-token"
STACKS = {
    True: "local profile: 1 Rasa server + 1 action server, SQLite stores, loopback",
    False: "production profile: {n} Rasa servers (round robin per turn) + 1 action server, "
           "PostgreSQL tracker and ticket stores, Redis lock store, loopback",
}


async def user(session: aiohttp.ClientSession, urls: list[str], number: int, sender: str,
               latencies: list[list[float]], errors: list[str]) -> None:
    for turn, (text, expected) in enumerate(CONVERSATION):
        url = urls[(number + turn) % len(urls)]  # no stickiness: any server, any turn
        body = {"sender": sender, "message": text, "metadata": {"role": "mentor"}}
        start = time.perf_counter()
        try:
            async with session.post(url, json=body) as answer:
                status, messages = answer.status, await answer.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            errors.append(f"turn {turn + 1}: {type(error).__name__}")
            continue
        latencies[turn].append(time.perf_counter() - start)
        reply = "\n".join(m.get("text", "") for m in messages or [])
        if status != 200 or not reply.strip():
            errors.append(f"turn {turn + 1}: HTTP {status}, {len(messages or [])} messages")
        elif expected and expected not in reply:
            errors.append(f"turn {turn + 1}: answer without '{expected}'")


async def load(
    urls: list[str], users: int
) -> tuple[list[list[float]], list[str], float, list[str]]:
    latencies: list[list[float]] = [[] for _ in CONVERSATION]
    errors: list[str] = []
    senders = [rest_session(urls[0]) for _ in range(users)]  # before the clock starts
    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        start = time.perf_counter()
        await asyncio.gather(*(user(session, urls, number, sender, latencies, errors)
                               for number, sender in enumerate(senders)))
        wall = time.perf_counter() - start
    return latencies, errors, wall, senders


def tickets_for(db_url: str, senders: list[str]) -> int:
    wanted = {conversation_of(sender) for sender in senders}
    return sum(ticket["sender_id"] in wanted for ticket in list_tickets(db_url))


def nlu_figures(path: Path) -> dict:
    if not path.exists():
        return {"missing": f"{path} (run scripts/nlu_eval.py first)"}
    report = json.loads(path.read_text())
    keys = ("examples", "accuracy", "accuracy_all", "macro_f1", "off_topic_recall",
            "in_scope_fallback_rate", "ms_per_parse")
    project = report.get("pipelines", {}).get("project", {})
    # One entry per held-out split; the side-by-side table is reports/nlu.md.
    return {split: {key: found[key] for key in keys if key in found}
            for split, found in project.items() if isinstance(found, dict)}


def burst_table(report: dict) -> str:
    lines = [
        f"Bench ({report['stack']}):",
        f"{report['users']} users x {report['turns_per_user']} turns "
        f"({report['requests']} requests) in {report['wall_seconds']} s",
        f"Throughput: {report['throughput_turns_per_second']} turns/s; "
        f"errors: {report['errors']['count']}; tickets created {report['tickets']['created']} "
        f"/ expected {report['tickets']['expected']}",
        "",
        "| turn | message | p50 ms | p95 ms | p99 ms |",
        "|---:|---|---:|---:|---:|",
    ]
    for row in report["latency_ms"]["per_turn"]:
        lines.append(f"| {row['turn']} | {row['message'][:40]} | {row['p50']} | {row['p95']} "
                     f"| {row['p99']} |")
    overall = report["latency_ms"]["all_turns"]
    lines += [f"| all | | {overall['p50']} | {overall['p95']} | {overall['p99']} |", "",
              "Peak memory (MB): " + ", ".join(f"{k} {v}" for k, v in
                                               report["peak_memory_mb"].items())]
    return "\n".join(lines)


def nlu_lines(nlu_report: dict) -> list[str]:
    return [f"NLU ({split} split): in-scope accuracy {nlu['accuracy']:.3f}, "
            f"macro-F1 {nlu['macro_f1']:.3f}, off-topic recall {nlu['off_topic_recall']:.3f}"
            for split, nlu in nlu_report.items() if isinstance(nlu, dict) and "accuracy" in nlu]


def bare_parse(model: Path, repeat: int) -> dict[str, list[float]]:
    """Seconds per parse of each bench message, the model loaded in its own process."""
    messages = [text for text, _expected, _kind in TURNS]
    done = subprocess.run(
        [PYTHON, str(ROOT / "scripts" / "bench_parse.py"), "--model", str(model), "--repeat",
         str(repeat), *messages], cwd=ROOT, check=True, capture_output=True, text=True,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def idle_report(per_kind: dict[str, dict], errors: list[str],
                parses: dict[str, list[float]]) -> dict:
    parse_by_kind: dict[str, list[float]] = {}
    for text, _expected, kind in TURNS:
        parse_by_kind.setdefault(kind, []).extend(parses.get(text, []))
    floor = per_kind.get(FLOOR_KIND, {}).get("p50", 0.0)
    rows = {}
    for kind, turn in per_kind.items():
        parse = percentile(parse_by_kind.get(kind, []), 0.5)
        rows[kind] = {**turn, "parse_p50": parse, "x_parse": ratio(turn["p50"], parse),
                      "x_floor": ratio(turn["p50"], floor)}
    return {"per_kind": rows, "floor_kind": FLOOR_KIND, "floor_p50": floor,
            "errors": {"count": len(errors), "first": errors[:10]}}


def cpu_of(stack: LocalStack | ProductionStack) -> dict[str, float | None]:
    return {"rasa": sum(cpu_seconds(server.pid) or 0.0 for server in stack.rasa),
            "actions": cpu_seconds(stack.actions.pid)}


def cpu_ms_per_turn(before: dict, after: dict, turns: int) -> dict[str, float | None]:
    """CPU milliseconds each server spent per turn answered between two readings."""
    return {name: round((after[name] - before[name]) * 1000 / turns, 1)
            if turns and after[name] is not None and before[name] is not None else None
            for name in before}


def open_loop_point(result: OpenLoopResult, tickets_url: str, memory: dict,
                    cpu: dict) -> dict:
    return {
        "offered_rate": result.offered_rate, "users": result.users,
        "duration_seconds": result.duration,
        "planned_rate": round(result.planned / result.duration, 2),
        "achieved_rate": round(len(result.latencies) / result.wall, 2) if result.wall else 0,
        **{k: v for k, v in summary_ms(result.latencies).items()},
        "errors": len(result.errors), "first_errors": result.errors[:5],
        "late_turns": result.late_turns,
        "conversations_started": len(result.senders),
        "tickets_confirmed": len(result.completed),
        "tickets_created": tickets_for(tickets_url, result.senders),
        "peak_memory_mb": memory,
        "cpu_ms_per_turn": cpu,
    }


def memory_of(stack: LocalStack | ProductionStack) -> dict:
    memory = {f"rasa_server_{i + 1}": peak_rss_mb(server.pid)
              for i, server in enumerate(stack.rasa)}
    memory["action_server"] = peak_rss_mb(stack.actions.pid)
    return memory


def run_open_loop(url: str, stack: LocalStack | ProductionStack, args: argparse.Namespace
                  ) -> dict:
    """The default rate, then the sweep (the default rate's run is reused when it is in it)."""
    points: dict[float, dict] = {}
    rates = [args.rate] + [rate for rate in sorted(args.sweep) if rate != args.rate]
    for rate in rates:
        if rate != args.rate and rate > args.rate and any(
                p["p95"] >= P95_LIMIT_MS or p["errors"] for r, p in points.items() if r < rate):
            continue  # beyond the first rate over the limit: no capacity to find there
        before = cpu_of(stack)
        result = asyncio.run(open_loop(url, rate, args.think, args.duration))
        cpu = cpu_ms_per_turn(before, cpu_of(stack), len(result.latencies))
        points[rate] = open_loop_point(result, stack.tickets_url, memory_of(stack), cpu)
        print(f"  open loop {rate} turns/s: achieved {points[rate]['achieved_rate']}, "
              f"p95 {points[rate]['p95']} ms, errors {points[rate]['errors']}", flush=True)
    sweep = [points[rate] for rate in sorted(points) if rate in args.sweep]
    return {"think_seconds": args.think, "duration_seconds": args.duration,
            "p95_limit_ms": P95_LIMIT_MS, "default": points[args.rate], "sweep": sweep,
            "not_run": [rate for rate in args.sweep if rate not in points],
            "sustainable_rate": sustainable_rate(sweep, P95_LIMIT_MS)}


def run_burst(urls: list[str], stack: LocalStack | ProductionStack, users: int) -> dict:
    latencies, errors, wall, senders = asyncio.run(load(urls, users))
    every = [value for turn in latencies for value in turn]
    return {
        "users": users,
        "turns_per_user": len(CONVERSATION),
        "requests": users * len(CONVERSATION),
        "wall_seconds": round(wall, 1),
        "throughput_turns_per_second": round(len(every) / wall, 2),
        "latency_ms": {
            "all_turns": {"p50": percentile(every, 0.5), "p95": percentile(every, 0.95),
                          "p99": percentile(every, 0.99),
                          "mean": round(statistics.fmean(every) * 1000, 1) if every else 0},
            "per_turn": [
                {"turn": index + 1, "message": CONVERSATION[index][0],
                 "p50": percentile(values, 0.5), "p95": percentile(values, 0.95),
                 "p99": percentile(values, 0.99)}
                for index, values in enumerate(latencies)
            ],
        },
        "errors": {"count": len(errors), "first": errors[:10]},
        "tickets": {"created": tickets_for(stack.tickets_url, senders),
                    "expected": users * TICKETS_PER_USER},
        "peak_memory_mb": memory_of(stack),
    }


def run_stack(stack: LocalStack | ProductionStack, args: argparse.Namespace,
              parses: dict[str, list[float]], parts: set[str], description: str) -> dict:
    report: dict = {"stack": description}
    try:
        stack.start()
        urls = [server.base_url + "/webhooks/rest/webhook" for server in stack.rasa]
        if "idle" in parts:
            per_kind, errors = asyncio.run(idle(urls[0], args.idle_repeat))
            report["idle"] = idle_report(per_kind, errors, parses)
            print(f"  idle: {report['idle']['per_kind']}", flush=True)
        if "open" in parts:
            report["open_loop"] = run_open_loop(urls[0], stack, args)
        if "burst" in parts:  # last: its peak memory would hide the open loop's
            report["burst"] = run_burst(urls, stack, args.users)
            report["burst"]["stack"] = description
    finally:
        stack.stop()
    return report


def idle_table(idle_part: dict) -> list[str]:
    lines = ["| turn kind | p50 ms | p95 ms | bare parse p50 ms | x parse | x floor |",
             "|---|---:|---:|---:|---:|---:|"]
    for kind, row in idle_part["per_kind"].items():
        lines.append(f"| {kind} | {row['p50']} | {row['p95']} | {row['parse_p50']} "
                     f"| {row['x_parse']} | {row['x_floor']} |")
    return lines + [f"Rasa's floor ({idle_part['floor_kind']}, a rule answering with a response "
                    f"alone, same server and channel): p50 {idle_part['floor_p50']} ms; idle "
                    f"errors: {idle_part['errors']['count']}"]


def open_table(part: dict) -> list[str]:
    lines = [f"Users think {part['think_seconds']} s on average (exponential); "
             f"{part['duration_seconds']} s per rate.", "",
             "| offered /s | users | scheduled /s | achieved /s | p50 ms | p95 ms | p99 ms "
             "| errors | late | tickets created / confirmed | peak MB (rasa, actions) "
             "| CPU ms/turn (rasa, actions) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|"]
    for point in part["sweep"] or [part["default"]]:
        memory = point["peak_memory_mb"]
        lines.append(
            f"| {point['offered_rate']} | {point['users']} | {point['planned_rate']} "
            f"| {point['achieved_rate']} "
            f"| {point['p50']} | {point['p95']} | {point['p99']} | {point['errors']} "
            f"| {point['late_turns']} | {point['tickets_created']} / {point['tickets_confirmed']} "
            f"| {memory.get('rasa_server_1')}, {memory.get('action_server')} "
            f"| {point['cpu_ms_per_turn']['rasa']}, {point['cpu_ms_per_turn']['actions']} |")
    if part["not_run"]:
        lines.append(f"Not run (beyond the first rate over {part['p95_limit_ms']} ms): "
                     f"{part['not_run']}")
    lines.append(f"Highest offered rate with p95 < {part['p95_limit_ms']:.0f} ms: "
                 f"{part['sustainable_rate']} turns/s")
    return lines


def table(report: dict) -> str:
    lines: list[str] = []
    for name in ("local", "production"):
        part = report.get(name)
        if not part:
            continue
        lines += [f"## {name} profile: {part['stack']}", ""]
        if "idle" in part:
            lines += ["### Idle, one user at a time", "", *idle_table(part["idle"]), ""]
        if "open_loop" in part:
            lines += ["### Open loop", "", *open_table(part["open_loop"]), ""]
        if "burst" in part:
            lines += ["### Closed-loop burst", "", burst_table(part["burst"]), ""]
    return "\n".join(lines + nlu_lines(report.get("nlu", {})))


def ok_part(part: dict) -> bool:
    burst = part.get("burst")
    if burst and (burst["errors"]["count"] or
                  burst["tickets"]["created"] != burst["tickets"]["expected"]):
        return False
    if part.get("idle", {}).get("errors", {}).get("count"):
        return False
    default = part.get("open_loop", {}).get("default")
    return not default or default["tickets_created"] == default["tickets_confirmed"]


def rates(text: str) -> list[float]:
    return [float(rate) for rate in text.split(",") if rate.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="burst: users at once")
    parser.add_argument("--rasa-servers", type=int, default=1,
                        help="1: local profile; 2 or more: production profile (PostgreSQL, "
                             "Redis), turns spread over the servers like a load balancer")
    parser.add_argument("--parts", default="idle,open,burst",
                        help="comma-separated: idle, open, burst")
    parser.add_argument("--idle-repeat", type=int, default=20)
    parser.add_argument("--rate", type=float, default=10.0, help="open loop: turns/s offered")
    parser.add_argument("--sweep", type=rates, default=[5.0, 10.0, 20.0, 40.0],
                        help="open loop: the rates of the sweep, e.g. 5,10,20,40")
    parser.add_argument("--think", type=float, default=3.0, help="mean think time, seconds")
    parser.add_argument("--duration", type=float, default=30.0,
                        help="open loop: seconds per rate")
    parser.add_argument("--production", action="store_true",
                        help="also run idle and open loop on the production profile "
                             "(PostgreSQL + Redis, one Rasa server)")
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench.json")
    parser.add_argument("--nlu-report", type=Path, default=ROOT / "reports" / "nlu.json")
    args = parser.parse_args()
    parts = {part.strip() for part in args.parts.split(",")}

    parses = bare_parse(args.model, args.idle_repeat) if "idle" in parts else {}
    report: dict = {"nlu": nlu_figures(args.nlu_report)}
    work = Path(tempfile.mkdtemp(prefix="ocbot-bench-"))
    local = args.rasa_servers == 1
    (work / "local").mkdir()
    stack = (LocalStack(work / "local", TODAY) if local
             else ProductionStack(work / "local", TODAY, args.rasa_servers, TOKEN))
    name = "local" if local else "production"
    print(f"{name} profile...", flush=True)
    report[name] = run_stack(stack, args, parses, parts,
                             STACKS[local].format(n=args.rasa_servers))
    if args.production and local:
        print("production profile...", flush=True)
        (work / "production").mkdir()
        report["production"] = run_stack(
            ProductionStack(work / "production", TODAY, 1, TOKEN), args, parses,
            parts - {"burst"}, STACKS[False].format(n=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    summary = table(report)
    args.out.with_suffix(".md").write_text(summary + "\n", encoding="utf-8")
    print(summary)
    return 0 if all(ok_part(report[n]) for n in ("local", "production") if n in report) else 1


if __name__ == "__main__":
    sys.exit(main())
