"""A Redis lock store whose tickets stay right when several Rasa servers share it.

Rasa Open Source 3.6's RedisLockStore reads a conversation's ticket lock, changes it in Python and
writes it back: two servers receiving messages of one conversation at the same moment can both
get ticket 0 and process the messages together, and one of them is then lost from the tracker
(seen in tests/reliability). Here every change of a lock (issue a ticket, drop expired ones,
finish serving) is one optimistic Redis transaction (WATCH / MULTI / EXEC, retried on conflict).

endpoints: `lock_store: {type: serving.lock_store.AtomicRedisLockStore, url: ..., port: ...}`
with the options of Rasa's `redis` lock store.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import WatchError

logger = logging.getLogger(__name__)

Result = TypeVar("Result")
# A change gets the current lock (None: no lock) and returns the lock to keep (None: delete it).
Change = Callable[[TicketLock | None], tuple[TicketLock | None, Result]]
MAX_ATTEMPTS = 50


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore with atomic read-modify-write of ticket locks."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    def _transact(self, conversation_id: str, change: Change[Result]) -> Result:
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            for _ in range(MAX_ATTEMPTS):
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    current = TicketLock.from_dict(json.loads(raw)) if raw else None
                    kept, result = change(current)
                    pipe.multi()
                    if kept is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, kept.dumps())
                    pipe.execute()
                    return result
                except WatchError:
                    continue  # another server changed this lock meanwhile: start again
        raise LockError(f"Lock for conversation '{conversation_id}' kept changing; gave up.")

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        return self._transact(conversation_id, issue)

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._transact(conversation_id, drop_expired)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._transact(conversation_id, finish)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def remove(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._transact(conversation_id, remove)

