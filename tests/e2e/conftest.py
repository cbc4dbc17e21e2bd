"""Real servers on loopback: the Rasa server with the trained model, and the action server.

These tests run with `make test-e2e` (part of `make test`) once a model exists; plain `pytest`
skips them unless OCBOT_E2E=1, because starting Rasa takes half a minute.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "ocbot.tar.gz"
VENV_BIN = Path(sys.executable).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("OCBOT_E2E") == "1":
        return
    skip = pytest.mark.skip(reason="end-to-end: run `make test-e2e` (OCBOT_E2E=1)")
    for item in items:
        if "e2e" in item.nodeid:
            item.add_marker(skip)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early ({process.returncode}) before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


class ActionServer:
    """An action server whose environment (OCBOT_TODAY, TICKETS_DB_URL) a test can change."""

    def __init__(self, port: int, log: Path) -> None:
        self.port, self.log = port, log
        self.process: subprocess.Popen | None = None

    def start(self, **env: str) -> None:
        self.stop()
        full_env = {**os.environ, **env}
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions",
                 "--port", str(self.port)],
                cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT,
            )
        wait_for(f"http://127.0.0.1:{self.port}/health", self.process, 60)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ActionServer]]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` first")
    work = tmp_path_factory.mktemp("e2e")
    action_port, rasa_port = free_port(), free_port()
    endpoints = work / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n', encoding="utf-8"
    )
    actions = ActionServer(action_port, work / "actions.log")
    actions.start(TICKETS_DB_URL=f"sqlite:///{work / 'tickets.db'}")
    with open(work / "rasa.log", "wb") as out:
        rasa = subprocess.Popen(
            [str(VENV_BIN / "rasa"), "run", "--model", str(MODEL), "--endpoints", str(endpoints),
             "--credentials", str(ROOT / "credentials.yml"), "--interface", "127.0.0.1",
             "--port", str(rasa_port)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        )
    try:
        wait_for(f"http://127.0.0.1:{rasa_port}/", rasa, 180)
        yield f"http://127.0.0.1:{rasa_port}", actions
    finally:
        rasa.terminate()
        rasa.wait(timeout=30)
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
