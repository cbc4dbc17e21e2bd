"""User turns until a rule decides, over REST on real servers: the figure issue 12 asks for.

Each scenario of tests/conversations/turns.yml opens with a realistic message and answers the
bot's questions by fragment until a decision response (one of decisions.py's) is sent. Run from
the checkout to measure (its servers, its model): `python scripts/turns_to_decision.py`.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import tempfile
import urllib.request
from pathlib import Path

import yaml

ROOT = Path.cwd()
sys.path.insert(0, str(ROOT))
from harness.stack import LocalStack, conversation_of, rest_session  # noqa: E402

MAX_TURNS = 8
SCENARIOS = Path(__file__).resolve().parents[1] / "tests" / "conversations" / "turns.yml"


def decision_responses(root: Path) -> set[str]:
    """The responses decisions.py can decide with, including those built from a prefix and a
    prerequisite's name ("utter_novice" + "_" + "novice_course_done")."""
    source = (root / "actions" / "business" / "decisions.py").read_text(encoding="utf-8")
    names = set(re.findall(r'"(utter_[a-z_]+)"', source))
    for facts, prefix in re.findall(
            r'names = \(([^)]*)\)\s*return _prerequisites\(names, "(utter_[a-z]+)"', source):
        names |= {f"{prefix}_{fact}" for fact in re.findall(r'"([a-z_]+)"', facts)}
        names.add(f"{prefix}_ok")
    for prefix in re.findall(r'_warned_first\(\s*"[a-z_]+",\s*"(utter_[a-z]+)"', source):
        names |= {f"{prefix}_write", f"{prefix}_warn_first"}
    for who in ("mentor", "coach"):
        names |= {f"utter_application_{when}_{who}" for when in ("wait", "late")}
    return names


def say(base: str, sender: str, text: str, role: str | None) -> str:
    """The bot's last message in reply (its question, when it asks one)."""
    body: dict = {"sender": sender, "message": text}
    if role:
        body["metadata"] = {"role": role}
    request = urllib.request.Request(
        f"{base}/webhooks/rest/webhook", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        messages = [m.get("text", "") for m in json.loads(response.read()) if m.get("text")]
    return messages[-1] if messages else ""


def bot_actions(db: Path, sender: str) -> list[str]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'bot' ORDER BY id",
            (sender,)).fetchall()
    return [json.loads(data).get("metadata", {}).get("utter_action", "") for (data,) in rows]


def play(stack: LocalStack, scenario: dict, names: set[str]) -> int | None:
    base = stack.rasa[0].base_url
    sender = rest_session(base)
    reply = say(base, sender, scenario["opening"], scenario.get("role"))
    for turn in range(1, MAX_TURNS + 1):
        actions = bot_actions(stack.tracker_db, conversation_of(sender))
        if any(action in names for action in actions):
            return turn
        answer = next((text for fragment, text in scenario["answers"].items()
                       if fragment.lower() in reply.lower()), None)
        if answer is None:
            return None
        reply = say(base, sender, answer, scenario.get("role"))
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    scenarios = yaml.safe_load(SCENARIOS.read_text(encoding="utf-8"))
    decided = decision_responses(ROOT)
    results = {}
    days = sorted({s["today"] for s in scenarios})
    stack = LocalStack(Path(tempfile.mkdtemp()), days[0])
    stack.start()
    try:
        for today in days:  # the action server reads "today" from its environment
            stack.actions.start(**{**stack.actions.base_env, "OCBOT_TODAY": today})
            for scenario in (s for s in scenarios if s["today"] == today):
                results[scenario["name"]] = play(stack, scenario, decided)
    finally:
        stack.stop()
    reached = [turns for turns in results.values() if turns is not None]
    summary = {"scenarios": results, "decided": len(reached), "total": len(results),
               "mean_turns": round(sum(reached) / len(reached), 2) if reached else None}
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
