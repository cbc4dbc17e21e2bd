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

import pytest

from harness.stack import MODEL, ProductionStack, Server
from tests.opt_in import skip_unless_enabled

TODAY = "2026-11-20"
TOKEN = "reliability-action-token"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_unless_enabled(items, "OCBOT_RELIABILITY", "reliability", "test-reliability")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProductionStack]:
    """Two Rasa servers (`stack.rasa`) sharing PostgreSQL and Redis, one action server."""
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first")
    deployment = ProductionStack(tmp_path_factory.mktemp("reliability"), TODAY,
                                 rasa_servers=2, token=TOKEN)
    try:
        deployment.start()
        yield deployment
    finally:
        deployment.stop()


def say(server: Server, sender: str, text: str, role: str = "mentor") -> str:
    """One REST message to a server; the bot's texts, joined."""
    base = server.base_url
    body = json.dumps({"sender": sender, "message": text, "metadata": {"role": role}}).encode()
    request = urllib.request.Request(f"{base}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return "\n".join(m.get("text", "") for m in json.loads(answer.read()))

