"""python -m actions.privacy's purge and erase on a real PostgreSQL (Rasa's events table)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from actions.privacy.tracker import TrackerEvents
from actions.tickets.sql import SqlTicketStore
from harness.stack import Postgres, free_port
from tests.privacy import scenarios


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    server = Postgres(free_port())
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def stores(postgres: Postgres) -> Iterator[tuple[Any, TrackerEvents, SqlTicketStore]]:
    """A fresh database per test: Rasa's tracker store and the ticket store side by side."""
    url = postgres.create_database(f"privacy_{uuid.uuid4().hex[:8]}")
    name = url.rsplit("/", 1)[1]
    tracker_store = scenarios.rasa_store(dialect="postgresql", host="127.0.0.1",
                                         port=postgres.port, db=name, username="ocbot")
    events = TrackerEvents(url)
    tickets = SqlTicketStore(url)
    yield tracker_store, events, tickets
    events.dispose()
    tickets.dispose()
    tracker_store.engine.dispose()


def test_purge_deletes_only_idle_conversations(stores):
    """As on SQLite: idle conversations and old transcripts go, recent ones stay; idempotent."""
    scenarios.purge_deletes_only_idle_conversations(*stores)


def test_erase_by_email_removes_the_persons_conversations_and_tickets(stores):
    """As on SQLite: everything of Alice, nothing of Bob; idempotent."""
    scenarios.erase_removes_one_persons_conversations_and_tickets(*stores)


def test_erase_by_sub_finds_the_signed_in_conversation(stores):
    """As on SQLite: user:<sub> and its ticket."""
    scenarios.erase_by_sub_finds_the_signed_in_conversation(*stores)
