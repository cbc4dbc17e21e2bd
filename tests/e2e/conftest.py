"""Real servers on loopback: the Rasa server with the trained model, and the action server.

These tests run with `make test-e2e` (part of `make test`) once a model exists; plain `pytest`
skips them unless OCBOT_E2E=1, because starting Rasa takes half a minute.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest

from harness.stack import (
    MODEL,
    ROOT,
    Server,
    action_server,
    free_port,
    rasa_server,
    write_endpoints,
)
from tests.opt_in import skip_unless_enabled


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_unless_enabled(items, "OCBOT_E2E", "e2e", "test-e2e")


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Server]]:
    """The Rasa server (REST + socket.io, credentials.yml) and an action server a test restarts."""
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first")
    work = tmp_path_factory.mktemp("e2e")
    action_port, rasa_port = free_port(), free_port()
    endpoints = write_endpoints(work / "endpoints.yml", action_port)
    # Every test's action server writes its tickets here unless the test names another store.
    actions = action_server(action_port, work / "actions.log",
                            env={"TICKETS_DB_URL": f"sqlite:///{work / 'tickets.db'}"})
    actions.start()
    rasa = rasa_server(rasa_port, endpoints, ROOT / "credentials.yml", work / "rasa.log",
                       env={"OCBOT_SESSION_SECRET": "e2e-session-secret-0123456789"})
    rasa.start()
    try:
        yield f"http://127.0.0.1:{rasa_port}", actions
    finally:
        rasa.stop()
        actions.stop()


def say(base: str, sender: str, text: str, role: str | None = None) -> list[dict]:
    """Send one message through the REST channel; the bot's messages come back."""
    body = {"sender": sender, "message": text}
    if role:
        body["metadata"] = {"role": role}
    request = urllib.request.Request(
        f"{base}/webhooks/rest/webhook", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)
