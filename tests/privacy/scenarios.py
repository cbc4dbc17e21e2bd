"""What purge and erase must do, written once and run on SQLite (tests/privacy) and PostgreSQL
(tests/reliability/test_privacy.py). Conversations are written by Rasa's own SQLTrackerStore,
so the table is exactly the one production holds."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

from actions.privacy.__main__ import erase, purge
from actions.privacy.tracker import TrackerEvents
from actions.tickets.sql import SqlTicketStore
from tests.tickets.conftest import make_new_ticket

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
OLD = NOW - timedelta(days=120)
RECENT = NOW - timedelta(days=10)


def rasa_store(**kwargs: Any) -> Any:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    return SQLTrackerStore(Domain.empty(), **kwargs)


def write(tracker_store: Any, sender: str, at: datetime, metadata: dict | None = None,
          email: str | None = None) -> None:
    """Two user turns (and the typed e-mail slot) at `at`, saved the way Rasa saves them."""
    from rasa.shared.core.events import SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    events = [UserUttered("bonjour", metadata=metadata or {}, timestamp=at.timestamp()),
              UserUttered("Jeanne Dupont ne répond plus", timestamp=at.timestamp() + 1)]
    if email:
        events.append(SlotSet("requester_email", email, timestamp=at.timestamp() + 2))
    asyncio.run(tracker_store.save(DialogueStateTracker.from_events(sender, events)))


def senders(events: TrackerEvents) -> set[str]:
    return events.existing(["old-anon", "recent-anon", "user:alice-7", "anon-typed", "slack:U1",
                            "user:bob-8"])


def purge_deletes_only_idle_conversations(tracker_store: Any, events: TrackerEvents,
                                          tickets: SqlTicketStore) -> None:
    write(tracker_store, "old-anon", OLD)
    write(tracker_store, "recent-anon", RECENT)
    old, _ = tickets.create(make_new_ticket("old"), forwarding=False, now=OLD)
    removed = purge(tickets, events, 90, now=NOW)
    assert (removed.conversations, removed.tickets) == (1, 1)
    assert removed.events >= 2
    assert senders(events) == {"recent-anon"}
    assert tickets.get(old.reference).transcript == []
    again = purge(tickets, events, 90, now=NOW)
    assert (again.conversations, again.events, again.tickets) == (0, 0, 0)


def erase_removes_one_persons_conversations_and_tickets(tracker_store: Any, events: TrackerEvents,
                                                        tickets: SqlTicketStore) -> None:
    identity = {"kind": "verified", "user_id": "alice-7", "email": "alice@example.org",
                "name": "Alice"}
    write(tracker_store, "user:alice-7", RECENT, metadata={"identity": identity})
    write(tracker_store, "anon-typed", RECENT, email="Alice@Example.org")
    write(tracker_store, "user:bob-8", RECENT)
    tickets.create(make_new_ticket("a1", sender_id="user:alice-7", user_id="alice-7",
                                   requester_email="alice@example.org", identity="verified"),
                   forwarding=False, now=RECENT)
    tickets.create(make_new_ticket("a2", sender_id="anon-typed",
                                   requester_email="Alice@Example.org", identity="declared"),
                   forwarding=False, now=RECENT)
    bob, _ = tickets.create(make_new_ticket("b1", sender_id="user:bob-8", user_id="bob-8"),
                            forwarding=False, now=RECENT)
    removed = erase(tickets, events, "alice@example.org")
    assert (removed.conversations, removed.tickets) == (2, 2)
    assert senders(events) == {"user:bob-8"}
    assert [t.reference for t in tickets.list()] == [bob.reference]
    again = erase(tickets, events, "alice@example.org")
    assert (again.conversations, again.events, again.tickets) == (0, 0, 0)


def erase_by_sub_finds_the_signed_in_conversation(tracker_store: Any, events: TrackerEvents,
                                                  tickets: SqlTicketStore) -> None:
    write(tracker_store, "user:bob-8", RECENT)
    write(tracker_store, "recent-anon", RECENT)
    tickets.create(make_new_ticket("b1", sender_id="user:bob-8", user_id="bob-8"),
                   forwarding=False, now=RECENT)
    removed = erase(tickets, events, "bob-8")
    assert (removed.conversations, removed.tickets) == (1, 1)
    assert senders(events) == {"recent-anon"}
