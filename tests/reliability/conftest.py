"""The production profile on one machine: PostgreSQL, Redis, one action server, two Rasa servers.

Every server runs as in production (deploy/endpoints.production.yml, deploy/credentials.
production.yml, the action server token), on loopback, in a temporary folder. These tests run
with `make test-reliability` (part of `make test`); plain `pytest` skips them unless
OCBOT_RELIABILITY=1, because they install and start real services.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from serving.stack import (
    MODEL,
    ROOT,
    Postgres,
    Redis,
    Server,
    action_server,
    free_port,
    production_env,
    rasa_server,
)
from tests.opt_in import skip_unless_enabled

TODAY = "2026-11-20"
TOKEN = "reliability-action-token"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_unless_enabled(items, "OCBOT_RELIABILITY", "reliability", "test-reliability")


@dataclass
class Stack:
    """The running deployment: two Rasa servers sharing PostgreSQL and Redis, one action server."""

    a: Server
    b: Server
    actions: Server
    postgres: Postgres
    redis: Redis

    @staticmethod
    def base(server: Server) -> str:
        return server.health.rstrip("/")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first")
    work = tmp_path_factory.mktemp("reliability")
    postgres = Postgres(free_port())
    redis = Redis(work / "redis", free_port())
    postgres.start()
    redis.start()
    action_port = free_port()
    env = production_env(postgres, redis, action_port, TOKEN)
    actions = action_server(action_port, work / "actions.log")
    endpoints = ROOT / "deploy" / "endpoints.production.yml"
    credentials = ROOT / "deploy" / "credentials.production.yml"
    a = rasa_server(free_port(), endpoints, credentials, work / "rasa-a.log")
    b = rasa_server(free_port(), endpoints, credentials, work / "rasa-b.log")
    try:
        actions.launch(ACTION_SERVER_TOKEN=TOKEN, TICKETS_DB_URL=postgres.url, OCBOT_TODAY=TODAY)
        a.launch(**env)
        b.launch(**env)
        for server in (actions, a, b):
            server.wait_ready()
        yield Stack(a, b, actions, postgres, redis)
    finally:
        for server in (a, b, actions):
            server.stop()
        redis.stop()
        postgres.stop()


def say(server: Server | str, sender: str, text: str, role: str = "mentor") -> str:
    """One REST message to a server (or base URL); the bot's texts, joined."""
    base = server if isinstance(server, str) else Stack.base(server)
    body = json.dumps({"sender": sender, "message": text, "metadata": {"role": role}}).encode()
    request = urllib.request.Request(f"{base}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return "\n".join(m.get("text", "") for m in json.loads(answer.read()))


def log_tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
