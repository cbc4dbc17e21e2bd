"""The local profile's tracker store: Rasa's SQL tracker store (SQLite under var/), with the
latest session of each conversation also kept in memory as the stored JSON rows.

Rasa reads the whole conversation back from the database at every turn (one query, one ORM
object and one `json.loads` per event) and counts the stored events again before each save to
find the new ones: the biggest share of the Rasa server's time in the profiles of
docs/performance.md. Here every write still goes to the database first, in the same transaction
as Rasa's, so the file is what it always was (a restart, another reader of var/tracker.db, the
reliability tests); only reads come from memory, and only in the process that wrote them.

It is right only when one process writes the database, which is what the local profile is
(one Rasa server, in-memory lock store). The production profile keeps Rasa's own SQL store on
PostgreSQL (deploy/endpoints.production.yml): there several Rasa servers share conversations.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)

# Conversations kept in memory, least recently used dropped first (a dropped one is read from
# the database again, as Rasa always does).
DEFAULT_CACHED_CONVERSATIONS = 5000


class CachedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose reads of the latest session come from what this process wrote."""

    def __init__(self, *args: Any, cached_conversations: int = DEFAULT_CACHED_CONVERSATIONS,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cached_conversations = int(cached_conversations)
        self._rows: OrderedDict[str, list[str]] = OrderedDict()

    def _remember(self, sender_id: str, rows: list[str]) -> None:
        self._rows[sender_id] = rows
        self._rows.move_to_end(sender_id)
        while len(self._rows) > self.cached_conversations:
            self._rows.popitem(last=False)

    def _tracker(self, sender_id: str, rows: list[str]) -> DialogueStateTracker | None:
        # What SQLTrackerStore._retrieve builds from the same rows.
        if self.domain and rows:
            return DialogueStateTracker.from_dict(sender_id, [json.loads(r) for r in rows],
                                                  self.domain.slots)
        return None

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        rows = self._rows.get(sender_id)
        if rows is None:
            with self.session_scope() as session:
                stored = self._event_query(session, sender_id,
                                           fetch_events_from_all_sessions=False).all()
                rows = [event.data for event in stored]
            if rows:
                self._remember(sender_id, rows)
        else:
            self._rows.move_to_end(sender_id)
        return self._tracker(sender_id, rows)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save, with the count of stored events taken from memory when known."""
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        with self.session_scope() as session:
            known = self._rows.get(sender_id)
            if known is None:
                stored = self._event_query(session, sender_id,
                                           fetch_events_from_all_sessions=False).count()
            else:
                stored = len(known)
            new_rows, new_session = [], False
            for event in list(tracker.events)[stored:]:
                data = event.as_dict()
                row = json.dumps(data)
                session.add(self.SQLEvent(
                    sender_id=sender_id, type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(
                        INTENT_NAME_KEY),
                    action_name=data.get("name"), data=row,
                ))
                new_rows.append(row)
                new_session = new_session or isinstance(event, SessionStarted)
            session.commit()
        if known is not None and not new_session:
            known.extend(new_rows)
            self._rows.move_to_end(sender_id)
        else:
            # A new session changes which rows make the latest session: read them from the
            # database next time, as Rasa does.
            self._rows.pop(sender_id, None)
        logger.debug("Tracker with sender_id '%s' stored to database", sender_id)
