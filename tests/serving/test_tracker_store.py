"""serving.tracker_store: the cached SQL tracker store reads back what Rasa's own store reads."""

from __future__ import annotations

import asyncio

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from serving.tracker_store import CachedSQLTrackerStore

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet]
slots:
  role: {type: text, mappings: [{type: custom}]}
responses:
  utter_greet: [{text: "Bonjour"}]
""")


def run(coroutine):
    return asyncio.run(coroutine)


def stores(tmp_path):
    db = str(tmp_path / "tracker.db")
    return (CachedSQLTrackerStore(DOMAIN, dialect="sqlite", db=db),
            SQLTrackerStore(DOMAIN, dialect="sqlite", db=db))


def turn(tracker, text, role=None):
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    if role:
        tracker.update(SlotSet("role", role))
    tracker.update(ActionExecuted("utter_greet"))
    tracker.update(BotUttered("Bonjour"))
    tracker.update(ActionExecuted("action_listen"))


def events_of(tracker):
    return [e.as_dict() for e in tracker.events] if tracker else None


def test_turns_saved_read_back_as_rasas_store_reads_them(tmp_path):
    """After several turns, each saved, the cached store's tracker equals the one Rasa's SQL
    store reads from the same file: same events, same slots."""
    cached, plain = stores(tmp_path)
    tracker = DialogueStateTracker("alice", DOMAIN.slots)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    for number, role in enumerate([None, "mentor", None]):
        run(cached.save(tracker))
        tracker = run(cached.retrieve("alice"))
        turn(tracker, f"message {number}", role)
    run(cached.save(tracker))
    ours, theirs = run(cached.retrieve("alice")), run(plain.retrieve("alice"))
    assert events_of(ours) == events_of(theirs)
    assert ours.get_slot("role") == theirs.get_slot("role") == "mentor"


def test_each_event_is_stored_once(tmp_path):
    """Saving the same tracker twice adds no row: the count of stored events is right."""
    cached, plain = stores(tmp_path)
    tracker = DialogueStateTracker("bob", DOMAIN.slots)
    turn(tracker, "bonjour")
    run(cached.save(tracker))
    run(cached.retrieve("bob"))
    run(cached.save(tracker))
    assert len(run(plain.retrieve("bob")).events) == len(tracker.events)


def test_a_new_session_reads_only_the_latest_session(tmp_path):
    """After a session restarts, the tracker holds the new session's events, as Rasa's does."""
    cached, plain = stores(tmp_path)
    tracker = DialogueStateTracker("carol", DOMAIN.slots)
    turn(tracker, "bonjour", "coach")
    run(cached.save(tracker))
    tracker = run(cached.retrieve("carol"))
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    turn(tracker, "rebonjour")
    run(cached.save(tracker))
    assert events_of(run(cached.retrieve("carol"))) == events_of(run(plain.retrieve("carol")))


def test_an_unknown_conversation_is_none(tmp_path):
    """A sender with no stored event gets no tracker, as from Rasa's store."""
    cached, _plain = stores(tmp_path)
    assert run(cached.retrieve("nobody")) is None


def test_memory_holds_at_most_the_configured_conversations(tmp_path):
    """Beyond `cached_conversations`, the oldest conversation is read from the database again,
    and still reads back whole."""
    db = str(tmp_path / "tracker.db")
    cached = CachedSQLTrackerStore(DOMAIN, dialect="sqlite", db=db, cached_conversations=2)
    for sender in ("a", "b", "c"):
        tracker = DialogueStateTracker(sender, DOMAIN.slots)
        turn(tracker, "bonjour")
        run(cached.save(tracker))
        run(cached.retrieve(sender))
    assert len(cached._sessions) == 2
    plain = SQLTrackerStore(DOMAIN, dialect="sqlite", db=db)
    assert events_of(run(cached.retrieve("a"))) == events_of(run(plain.retrieve("a")))
    assert len(run(cached.retrieve("a")).events) == 4


def test_a_turn_written_by_another_server_is_read_from_the_database(tmp_path):
    """Two stores on one database (two Rasa servers): a turn saved by one is in the tracker the
    other reads next, although the other had the conversation in memory."""
    db = str(tmp_path / "tracker.db")
    first = CachedSQLTrackerStore(DOMAIN, dialect="sqlite", db=db)
    second = CachedSQLTrackerStore(DOMAIN, dialect="sqlite", db=db)
    tracker = DialogueStateTracker("dan", DOMAIN.slots)
    turn(tracker, "bonjour")
    run(first.save(tracker))
    run(first.retrieve("dan"))
    tracker = run(second.retrieve("dan"))
    turn(tracker, "je suis coach", "coach")
    run(second.save(tracker))
    again = run(first.retrieve("dan"))
    assert again.get_slot("role") == "coach"
    assert len(again.events) == 9
    turn(again, "merci")
    run(first.save(again))
    plain = SQLTrackerStore(DOMAIN, dialect="sqlite", db=db)
    assert events_of(run(plain.retrieve("dan"))) == events_of(run(second.retrieve("dan")))
