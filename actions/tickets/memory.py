"""In-memory ticket store: the fake used by tests, same behaviour as the SQL one."""

from __future__ import annotations

import builtins
import copy
import dataclasses
import threading
from collections.abc import Collection
from datetime import datetime
from typing import Any

from actions.tickets.model import (
    STATUS_FORWARDED,
    STATUS_PENDING,
    STATUS_STORED,
    NewTicket,
    Ticket,
    as_utc,
    utc_now,
)
from actions.tickets.store import ForwardingMarks, UnknownTicket, belongs_to


def _copy(ticket: Ticket) -> Ticket:
    # Details and transcript are mutable: callers must not reach into the stored ones.
    return dataclasses.replace(
        ticket, details=dict(ticket.details), transcript=copy.deepcopy(ticket.transcript)
    )


class InMemoryTicketStore(ForwardingMarks):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_reference: dict[str, Ticket] = {}
        self._reference_by_key: dict[str, str] = {}
        self._files: dict[tuple[str, str], bytes] = {}
        self._last_id = 0

    def create(
        self, new: NewTicket, *, forwarding: bool, now: datetime | None = None
    ) -> tuple[Ticket, bool]:
        with self._lock:
            known = self._reference_by_key.get(new.idempotency_key)
            if known is not None:
                return _copy(self._by_reference[known]), False
            self._last_id += 1
            status = STATUS_PENDING if forwarding else STATUS_STORED
            ticket = Ticket.from_new(new, self._last_id, now or utc_now(), status)
            self._by_reference[ticket.reference] = ticket
            self._reference_by_key[new.idempotency_key] = ticket.reference
            for file in new.files:
                self._files[(ticket.reference, file.attachment.sha256)] = file.data
            return _copy(ticket), True

    def attachment_data(self, reference: str, sha256: str) -> bytes:
        with self._lock:
            self._find(reference)
            return self._files[(reference, sha256)]

    def get(self, reference: str) -> Ticket | None:
        with self._lock:
            ticket = self._by_reference.get(reference)
            return None if ticket is None else _copy(ticket)

    def due_for_forwarding(self, now: datetime) -> builtins.list[Ticket]:
        now = as_utc(now)
        return [
            ticket
            for ticket in self.list()
            if ticket.status == STATUS_PENDING
            and (ticket.next_attempt_at is None or ticket.next_attempt_at <= now)
        ]

    def requeue(self, reference: str, now: datetime | None = None) -> bool:
        with self._lock:
            ticket = self._find(reference)
            if ticket.status == STATUS_FORWARDED:
                return False
            # A manual retry starts the backoff afresh.
            self._by_reference[reference] = dataclasses.replace(
                ticket,
                status=STATUS_PENDING,
                next_attempt_at=as_utc(now or utc_now()),
                forward_attempts=0,
            )
            return True

    def list(self) -> builtins.list[Ticket]:
        with self._lock:
            tickets = sorted(self._by_reference.values(), key=lambda ticket: ticket.id)
            return [_copy(ticket) for ticket in tickets]

    def strip_transcripts(self, created_before: datetime) -> int:
        with self._lock:
            stale = [t for t in self._by_reference.values()
                     if t.created_at < as_utc(created_before) and t.status != STATUS_PENDING
                     and t.transcript]
            for ticket in stale:
                self._by_reference[ticket.reference] = dataclasses.replace(ticket, transcript=[])
            return len(stale)

    def erase(self, person: str, sender_ids: Collection[str] = ()) -> int:
        with self._lock:
            gone = [t for t in self._by_reference.values() if belongs_to(t, person, sender_ids)]
            for ticket in gone:
                del self._by_reference[ticket.reference]
                del self._reference_by_key[ticket.idempotency_key]  # as a deleted SQL row
            return len(gone)

    def _find(self, reference: str) -> Ticket:
        ticket = self._by_reference.get(reference)
        if ticket is None:
            raise UnknownTicket(reference)
        return ticket

    def _record_attempt(self, reference: str, **changes: Any) -> Ticket:
        """Every mark_* call reports the outcome of one forwarding attempt."""
        with self._lock:
            ticket = self._find(reference)
            changes["forward_attempts"] = ticket.forward_attempts + 1
            updated = dataclasses.replace(ticket, **changes)
            self._by_reference[reference] = updated
            return _copy(updated)
