"""Load bench: N simulated users x 10 turns over REST against the local stack.

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
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from serving.stack import (  # noqa: E402
    ROOT,
    LocalStack,
    ProductionStack,
    list_tickets,
    peak_rss_mb,
)

TODAY = "2026-11-20"
# (message, words the answer must contain): turn 7 confirms the ticket.
CONVERSATION = [
    ("bonjour", "Bonjour"),
    ("mon virement n'est pas arrivé alors que la facture est payée", "statut de votre facture"),
    ("payée", "Depuis quelle date"),
    ("le 2 novembre", "Quel mois de facturation"),
    ("octobre", "À quelle adresse email"),
    ("mentor@example.org", "Voici votre demande"),
    ("/affirm", "OC-"),
    ("comment devenir mentor ?", "devenir mentor"),
    ("merci beaucoup", ""),
    ("au revoir", ""),
]
TICKETS_PER_USER = 1
TOKEN = "bench-action-token"
STACKS = {
    True: "local profile: 1 Rasa server + 1 action server, SQLite stores, loopback",
    False: "production profile: {n} Rasa servers (round robin per turn) + 1 action server, "
           "PostgreSQL tracker and ticket stores, Redis lock store, loopback",
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return round(ordered[index] * 1000, 1)


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
    senders = [f"bench-{uuid.uuid4().hex[:12]}" for _ in range(users)]
    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        start = time.perf_counter()
        await asyncio.gather(*(user(session, urls, number, sender, latencies, errors)
                               for number, sender in enumerate(senders)))
        wall = time.perf_counter() - start
    return latencies, errors, wall, senders


def tickets_for(db_url: str, senders: list[str]) -> int:
    wanted = set(senders)
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


def table(report: dict) -> str:
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
    for split, nlu in report["nlu"].items():
        if isinstance(nlu, dict) and "accuracy" in nlu:
            lines.append(f"NLU ({split} split): in-scope accuracy {nlu['accuracy']:.3f}, "
                         f"macro-F1 {nlu['macro_f1']:.3f}, "
                         f"off-topic recall {nlu['off_topic_recall']:.3f}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rasa-servers", type=int, default=1,
                        help="1: local profile; 2 or more: production profile (PostgreSQL, "
                             "Redis), turns spread over the servers like a load balancer")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench.json")
    parser.add_argument("--nlu-report", type=Path, default=ROOT / "reports" / "nlu.json")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ocbot-bench-"))
    stack = (LocalStack(work, TODAY) if args.rasa_servers == 1
             else ProductionStack(work, TODAY, args.rasa_servers, TOKEN))
    try:
        stack.start()
        urls = [server.base_url + "/webhooks/rest/webhook" for server in stack.rasa]
        latencies, errors, wall, senders = asyncio.run(load(urls, args.users))
        memory = {f"rasa_server_{i + 1}": peak_rss_mb(server.pid)
                  for i, server in enumerate(stack.rasa)}
        memory["action_server"] = peak_rss_mb(stack.actions.pid)
        created = tickets_for(stack.tickets_url, senders)
    finally:
        stack.stop()

    every = [value for turn in latencies for value in turn]
    requests = args.users * len(CONVERSATION)
    report = {
        "users": args.users,
        "turns_per_user": len(CONVERSATION),
        "requests": requests,
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
        "tickets": {"created": created,
                    "expected": args.users * TICKETS_PER_USER},
        "peak_memory_mb": memory,
        "nlu": nlu_figures(args.nlu_report),
        "stack": STACKS[args.rasa_servers == 1].format(n=args.rasa_servers),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    summary = table(report)
    args.out.with_suffix(".md").write_text(summary + "\n", encoding="utf-8")
    print(summary)
    ok = not errors and report["tickets"]["created"] == report["tickets"]["expected"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
