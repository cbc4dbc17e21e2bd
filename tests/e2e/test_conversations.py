"""Conversations through the real servers, read from tests/conversations/conversations.yml.

Every rule branch with a real date, and the replies the bot must read against its own question:
what each user turn gets is checked by response name (from the tracker store's bot events), and
the ticket stored at the end by what the support team's CLI lists.
"""

from __future__ import annotations

import json
import sqlite3
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.stack import ROOT, LocalStack, conversation_of, list_tickets, rest_session

CONVERSATIONS = yaml.safe_load(
    (ROOT / "tests" / "conversations" / "conversations.yml").read_text(encoding="utf-8"))


class Conversations:
    """One local stack for every conversation; the action server restarts when the date does."""

    def __init__(self, work: Path) -> None:
        self.stack = LocalStack(work, CONVERSATIONS[0]["today"])
        self.today = CONVERSATIONS[0]["today"]

    def on(self, today: str) -> None:
        if today != self.today:
            self.stack.actions.start(**{**self.stack.actions.base_env, "OCBOT_TODAY": today})
            self.today = today

    def say(self, sender: str, text: str, role: str | None) -> list[str]:
        """The response names the bot sent for this message."""
        before = len(self.responses(conversation_of(sender)))
        body: dict[str, Any] = {"sender": sender, "message": text}
        if role:
            body["metadata"] = {"role": role}
        request = urllib.request.Request(
            f"{self.stack.rasa[0].base_url}/webhooks/rest/webhook",
            data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
        return self.responses(conversation_of(sender))[before:]

    def responses(self, sender: str) -> list[str]:
        with sqlite3.connect(self.stack.tracker_db) as connection:
            rows = connection.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'bot' ORDER BY id",
                (sender,)).fetchall()
        return [json.loads(data).get("metadata", {}).get("utter_action", "") for (data,) in rows]

    def tickets(self, sender: str) -> list[dict[str, Any]]:
        return [t for t in list_tickets(self.stack.tickets_url)
                if t["sender_id"] == conversation_of(sender)]


@pytest.fixture(scope="module")
def conversations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Conversations]:
    runner = Conversations(tmp_path_factory.mktemp("conversations"))
    runner.stack.start()
    try:
        yield runner
    finally:
        runner.stack.stop()


def in_order(expected: list[str], got: list[str]) -> bool:
    """Whether `expected` appears in `got` in this order (other responses may come between)."""
    remaining = iter(got)
    return all(name in remaining for name in expected)


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c["name"] for c in CONVERSATIONS])
def test_conversation(conversations: Conversations, conversation: dict[str, Any]) -> None:
    """Each user turn gets its responses in order and none of its absent ones; the ticket stored
    at the end holds the category and details written for it (or none is stored)."""
    conversations.on(conversation["today"])
    sender = rest_session(conversations.stack.rasa[0].base_url)
    for turn in conversation["turns"]:
        got = conversations.say(sender, turn["user"], conversation.get("role"))
        assert in_order(turn["bot"], got), f"{turn['user']!r}: expected {turn['bot']}, got {got}"
        sent = set(got) & set(turn.get("absent", []))
        assert not sent, f"{turn['user']!r}: {sorted(sent)} should not be sent ({got})"
    if "ticket" in conversation:
        expected = conversation["ticket"]
        tickets = conversations.tickets(sender)
        if expected is None:
            assert tickets == []
        else:
            assert [(t["category"], t["details"]) for t in tickets] == [
                (expected["category"], expected["details"])]
