"""Rasa's SQL tracker store, with the latest session of each conversation also kept in memory as
the stored JSON rows.

Rasa reads the whole conversation back from the database at every turn (one query, one ORM
object and one `json.loads` per event) and counts the stored events again before each save to
find the new ones: the biggest share of the Rasa server's time in the profiles of
docs/performance.md. Here every write still goes to the database first, in one transaction as
Rasa's does, so the database is what it always was (a restart, another reader, other servers).
A read first asks the database for the conversation's last event id (one indexed query): when
it is the last id this process wrote or read, the rows in memory are the conversation and are
used; otherwise (another Rasa server answered a turn, a restart) the session is read from the
database as Rasa does. Events are only ever appended, so an unchanged last id means unchanged
rows. The lock store already serialises the turns of one conversation across servers.

A turn reads the conversation, then saves it, holding the conversation's lock throughout
(`Agent.handle_message`): nothing can be appended in between, so the save trusts the rows the
turn's read has just checked instead of asking for the last id a second time.
"""

from __future__ import annotations

import functools
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)

# Conversations kept in memory, least recently used dropped first (a dropped one is read from
# the database again, as Rasa always does). A conversation's rows weigh 20 to 200 kB: 500 of
# them (the ones talking in the last minutes, even in the invoice-call burst) stay under 100 MB.
# `cached_conversations:` in the tracker_store section of the endpoints sets it.
DEFAULT_CACHED_CONVERSATIONS = 500


@dataclass
class Session:
    """The stored rows of a conversation's latest session, and the id of its last event."""

    last_id: int | None
    rows: list[str] = field(default_factory=list)


class CachedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose reads of the latest session come from memory while the database's
    last event id for the conversation is the one this process knows."""

    def __init__(self, *args: Any, cached_conversations: int = DEFAULT_CACHED_CONVERSATIONS,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cached_conversations = int(cached_conversations)
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        # The conversations whose rows in memory the turn's read has just checked against the
        # database: the save of the same turn needs no second check.
        self._checked: set[str] = set()

    def _remember(self, sender_id: str, known: Session) -> None:
        self._sessions[sender_id] = known
        self._sessions.move_to_end(sender_id)
        while len(self._sessions) > self.cached_conversations:
            dropped, _ = self._sessions.popitem(last=False)
            self._checked.discard(dropped)

    def _last_id(self, session: Any, sender_id: str) -> int | None:
        # Plain SQL: the ORM query spent more time building its cache key than the database
        # took to answer (py-spy, docs/performance.md).
        return session.execute(self._last_id_sql, {"sender_id": sender_id}).scalar()

    @functools.cached_property
    def _last_id_sql(self) -> Any:
        table = self.SQLEvent.__table__
        return sa.text(f"SELECT max(id) FROM {table.name} WHERE sender_id = :sender_id")

    def _current(self, session: Any, sender_id: str) -> Session | None:
        """The rows in memory if they are still the conversation's, else None."""
        known = self._sessions.get(sender_id)
        if known is None:
            return None
        if known.last_id is None or known.last_id != self._last_id(session, sender_id):
            self._sessions.pop(sender_id, None)
            return None
        self._sessions.move_to_end(sender_id)
        return known

    def _tracker(self, sender_id: str, rows: list[str]) -> DialogueStateTracker | None:
        # What SQLTrackerStore._retrieve builds from the same rows.
        if self.domain and rows:
            return DialogueStateTracker.from_dict(sender_id, [json.loads(r) for r in rows],
                                                  self.domain.slots)
        return None

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            known = self._current(session, sender_id)
            if known is None:
                stored = self._event_query(session, sender_id,
                                           fetch_events_from_all_sessions=False).all()
                known = Session(max((event.id for event in stored), default=None),
                                [event.data for event in stored])
                if known.rows:
                    self._remember(sender_id, known)
            if known.rows:
                self._checked.add(sender_id)
        return self._tracker(sender_id, known.rows)

    def _checked_by_the_read(self, sender_id: str) -> Session | None:
        """The rows in memory, if the turn's read has just checked them."""
        if sender_id not in self._checked:
            return None
        self._checked.discard(sender_id)
        return self._sessions.get(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save, with the count of stored events taken from memory when still right."""
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        with self.session_scope() as session:
            known = self._checked_by_the_read(sender_id) or self._current(session, sender_id)
            if known is None:
                stored = self._event_query(session, sender_id,
                                           fetch_events_from_all_sessions=False).count()
            else:
                stored = len(known.rows)
            new_rows, added, new_session = [], [], False
            for event in list(tracker.events)[stored:]:
                data = event.as_dict()
                row = json.dumps(data)
                added.append({
                    "sender_id": sender_id, "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get(
                        INTENT_NAME_KEY),
                    "action_name": data.get("name"), "data": row,
                })
                new_rows.append(row)
                new_session = new_session or isinstance(event, SessionStarted)
            last_id = None
            if added:
                # One multi-row INSERT (not an ORM object per event); the conversation's last
                # id is then this turn's last event (the turn holds the conversation's lock).
                session.execute(self.SQLEvent.__table__.insert(), added)
                last_id = self._last_id(session, sender_id)
            session.commit()
        if known is not None and not new_session:
            known.rows.extend(new_rows)
            if last_id is not None:
                known.last_id = last_id
        else:
            # A new session changes which rows make the latest session: read them from the
            # database next time, as Rasa does.
            self._sessions.pop(sender_id, None)
        logger.debug("Tracker with sender_id '%s' stored to database", sender_id)
