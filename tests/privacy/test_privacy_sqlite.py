"""python -m actions.privacy on SQLite: purge past the retention, erase one person."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest

from actions.privacy.__main__ import main
from actions.privacy.tracker import TrackerEvents, tracker_url
from actions.tickets.sql import SqlTicketStore
from tests.privacy import scenarios


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[tuple[Any, TrackerEvents, SqlTicketStore]]:
    db = tmp_path / "tracker.db"
    tracker_store = scenarios.rasa_store(dialect="sqlite", db=str(db))
    events = TrackerEvents(f"sqlite:///{db}")
    tickets = SqlTicketStore(f"sqlite:///{tmp_path / 'tickets.db'}")
    yield tracker_store, events, tickets
    events.dispose()
    tickets.dispose()


def test_purge_deletes_only_idle_conversations(stores):
    """Idle for 120 days: deleted, and the old ticket's transcript emptied; idle 10: kept;
    a second run removes nothing."""
    scenarios.purge_deletes_only_idle_conversations(*stores)


def test_erase_by_email_removes_the_persons_conversations_and_tickets(stores):
    """By e-mail: the signed-in conversation, the one where it was typed, both tickets; Bob's
    stay; a second run removes nothing."""
    scenarios.erase_removes_one_persons_conversations_and_tickets(*stores)


def test_erase_by_sub_finds_the_signed_in_conversation(stores):
    """By sub: user:<sub> and its ticket."""
    scenarios.erase_by_sub_finds_the_signed_in_conversation(*stores)


def test_commands_print_counts(stores, tmp_path):
    """The CLI reads TRACKER_DB_URL and TICKETS_DB_URL and prints what it removed."""
    tracker_store, _, _ = stores
    scenarios.write(tracker_store, "old-anon", scenarios.OLD)
    env = {"TRACKER_DB_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
           "TICKETS_DB_URL": f"sqlite:///{tmp_path / 'tickets.db'}"}
    out = StringIO()
    assert main(["purge"], env=env, out=out) == 0
    assert "deleted 1 conversation(s)" in out.getvalue()
    out = StringIO()
    assert main(["erase", "--user", "nobody@example.org"], env=env, out=out) == 0
    assert "deleted 0 conversation(s) (0 events) and 0 ticket(s)" in out.getvalue()


def test_tracker_url_from_the_endpoints_files(tmp_path):
    """endpoints.yml's SQLite file, and the production file's PostgreSQL from ${VARS}."""
    assert tracker_url({}).endswith("/var/tracker.db")
    production = tracker_url({"OCBOT_PROFILE": "production", "POSTGRES_HOST": "db",
                              "POSTGRES_PORT": "5432", "POSTGRES_DB": "ocbot",
                              "POSTGRES_USER": "rasa", "POSTGRES_PASSWORD": "pw"})
    assert production.render_as_string(hide_password=False) == "postgresql://rasa:pw@db:5432/ocbot"
    memory = tmp_path / "endpoints.yml"
    memory.write_text("action_endpoint:\n  url: http://x\n")
    assert tracker_url({}, memory) is None
