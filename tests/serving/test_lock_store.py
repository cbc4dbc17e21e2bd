"""serving.lock_store: ticket locks changed atomically, even when servers interleave."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError
from redis.exceptions import WatchError

from serving.lock_store import AtomicRedisLockStore


class FakeRedis:
    """The WATCH / MULTI / EXEC subset the lock store uses, with a hook between read and write."""

    def __init__(self) -> None:
        self.data: dict[str, str] = {}
        self.versions: dict[str, int] = {}
        self.before_exec: Callable[[], None] | None = None

    def write(self, key: str, value: str | None) -> None:
        if value is None:
            self.data.pop(key, None)
        else:
            self.data[key] = value
        self.versions[key] = self.versions.get(key, 0) + 1

    def get(self, key: str) -> str | None:
        return self.data.get(key)

    def pipeline(self) -> FakePipeline:
        return FakePipeline(self)


class FakePipeline:
    def __init__(self, redis: FakeRedis) -> None:
        self.redis, self.watched, self.queued = redis, {}, []

    def __enter__(self) -> FakePipeline:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def watch(self, key: str) -> None:
        self.watched, self.queued = {key: self.redis.versions.get(key, 0)}, []

    def get(self, key: str) -> str | None:
        return self.redis.get(key)

    def multi(self) -> None:
        self.queued = []

    def set(self, key: str, value: str) -> None:
        self.queued.append((key, value))

    def delete(self, key: str) -> None:
        self.queued.append((key, None))

    def execute(self) -> None:
        hook, self.redis.before_exec = self.redis.before_exec, None
        if hook:
            hook()  # another server acts between this one's read and write
        if any(self.redis.versions.get(k, 0) != v for k, v in self.watched.items()):
            raise WatchError("watched key changed")
        for key, value in self.queued:
            self.redis.write(key, value)


def store(redis: FakeRedis) -> AtomicRedisLockStore:
    instance = AtomicRedisLockStore.__new__(AtomicRedisLockStore)
    instance.red, instance.key_prefix = redis, "lock:"
    return instance


def lock_of(redis: FakeRedis, conversation: str = "c1") -> TicketLock | None:
    raw = redis.get("lock:" + conversation)
    return TicketLock.from_dict(json.loads(raw)) if raw else None


def test_two_servers_issuing_at_once_get_different_tickets():
    """Server B issues a ticket while A is between read and write: A retries and gets the next."""
    redis = FakeRedis()
    a, b = store(redis), store(redis)
    redis.before_exec = lambda: b.issue_ticket("c1")
    assert a.issue_ticket("c1") == 1
    assert [t.number for t in lock_of(redis).tickets] == [0, 1]


def test_the_second_ticket_waits_for_the_first():
    """Ticket 1 is locked until ticket 0 is done."""
    redis = FakeRedis()
    a = store(redis)
    first, second = a.issue_ticket("c1"), a.issue_ticket("c1")
    assert not lock_of(redis).is_locked(first)
    assert lock_of(redis).is_locked(second)
    a.cleanup("c1", first)
    assert not lock_of(redis).is_locked(second)


def test_cleanup_keeps_a_ticket_issued_meanwhile():
    """A finishes while B issues a ticket: the lock is not deleted under B."""
    redis = FakeRedis()
    a, b = store(redis), store(redis)
    mine = a.issue_ticket("c1")
    redis.before_exec = lambda: b.issue_ticket("c1")
    a.cleanup("c1", mine)
    assert [t.number for t in lock_of(redis).tickets] == [1]


def test_the_last_cleanup_deletes_the_lock():
    """Nobody waiting: the lock goes away."""
    redis = FakeRedis()
    a = store(redis)
    a.cleanup("c1", a.issue_ticket("c1"))
    assert lock_of(redis) is None


def test_endless_conflicts_fail_loudly():
    """If the lock never stops changing, a LockError is raised rather than looping forever."""
    redis = FakeRedis()
    a = store(redis)

    class AlwaysConflicting(FakePipeline):
        def execute(self) -> None:
            raise WatchError("always")

    redis.pipeline = lambda: AlwaysConflicting(redis)  # type: ignore[method-assign]
    with pytest.raises(LockError):
        a.issue_ticket("c1")
