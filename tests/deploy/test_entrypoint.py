"""The images' start command (deploy/entrypoint.sh): purge personal data, then serve.

Docker itself does not run here: the Dockerfile and docker-compose.yml are read, and the
entrypoint script is run by /bin/sh with a stand-in `python` on PATH that records its arguments.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"
FAKE_PYTHON = """#!/bin/sh
echo "$*" >> "$CALLS"
case "$*" in *actions.privacy*) exit "$PURGE_STATUS" ;; esac
exit 0
"""


def stage_instructions(stage: str) -> dict[str, list[str]]:
    """ENTRYPOINT and CMD (JSON form) of one stage of deploy/Dockerfile."""
    text = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    body = re.split(r"^FROM .* AS (\w+)$", text, flags=re.MULTILINE)
    stages = dict(zip(body[1::2], body[2::2], strict=True))
    found = re.findall(r"^(ENTRYPOINT|CMD) (\[.*\])$", stages[stage], flags=re.MULTILINE)
    return {name: json.loads(value) for name, value in found}


def start(stage: str, tmp_path: Path, purge_status: int = 0, extra: list[str] = ()) -> list[str]:
    """Run the stage's start command as the container would; the `python` calls, in order."""
    (tmp_path / "bin").mkdir()
    fake = tmp_path / "bin" / "python"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(0o755)
    instructions = stage_instructions(stage)
    command = [*instructions.get("ENTRYPOINT", []), *(list(extra) or instructions.get("CMD", []))]
    calls = tmp_path / "calls"
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True,
        env={"PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "CALLS": str(calls),
             "PURGE_STATUS": str(purge_status)},
    )
    assert done.returncode == 0, done.stderr
    (tmp_path / "stderr").write_text(done.stderr)
    return calls.read_text().splitlines()


@pytest.mark.parametrize("stage, server", [
    ("rasa", "-m serving.rasa_server run"),
    ("actions", "-m serving.action_server"),
])
def test_each_image_purges_before_it_serves(tmp_path: Path, stage: str, server: str) -> None:
    """The container's start runs `actions.privacy purge` once, then the server."""
    calls = start(stage, tmp_path)
    assert calls[0] == "-m actions.privacy purge"
    assert len(calls) == 2 and calls[1].startswith(server)


@pytest.mark.parametrize("stage", ["rasa", "actions"])
def test_a_failed_purge_is_logged_and_the_server_starts_anyway(tmp_path: Path, stage: str):
    """A purge that fails (database not up yet) does not keep the server from starting."""
    calls = start(stage, tmp_path, purge_status=1)
    assert calls[0] == "-m actions.privacy purge" and len(calls) == 2
    assert "privacy purge failed" in (tmp_path / "stderr").read_text()


def test_the_compose_command_reaches_the_rasa_server(tmp_path: Path) -> None:
    """docker-compose.yml's `--cors <origin>` is appended to the Rasa server's arguments."""
    calls = start("rasa", tmp_path, extra=["--cors", "https://mentors.example"])
    assert calls[1].endswith("--port 5005 --cors https://mentors.example")


def test_another_command_runs_alone(tmp_path: Path) -> None:
    """`docker compose run --rm actions python -m actions.privacy erase ...`: no purge first."""
    calls = start("actions", tmp_path, extra=["python", "-m", "actions.privacy", "erase",
                                              "--user", "alice@example.org"])
    assert calls == ["-m actions.privacy erase --user alice@example.org"]


@pytest.mark.parametrize("service", ["rasa", "actions"])
def test_compose_tells_the_purge_where_both_stores_are(service: str) -> None:
    """Both services can purge: tracker and ticket store URLs are in their environment."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    environment = compose["services"][service]["environment"]
    assert {"TRACKER_DB_URL", "TICKETS_DB_URL"} <= set(environment)
    assert "@postgres:5432/" in environment["TRACKER_DB_URL"]
