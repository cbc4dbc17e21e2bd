"""The contract every ticket store keeps (SQL in production, in-memory in tests)."""

from __future__ import annotations

import builtins
from collections.abc import Collection
from datetime import datetime
from typing import Any, Protocol

from actions.tickets.model import (
    STATUS_FORWARDED,
    STATUS_PENDING,
    STATUS_REJECTED,
    NewTicket,
    Ticket,
    as_utc,
)

# Zendesk error bodies can be long; the store only needs enough to diagnose.
MAX_ERROR_LENGTH = 500


class UnknownTicket(KeyError):
    """Raised by the mark_* methods when no ticket has that reference."""


def short_error(error: str) -> str:
    return error[:MAX_ERROR_LENGTH]


class ForwardingMarks:
    """The three outcomes of a forwarding attempt, shared by every store.

    A store only provides `_record_attempt(reference, **changes)`, which counts the attempt and
    applies the changes atomically.
    """

    def _record_attempt(self, reference: str, **changes: Any) -> Ticket:
        raise NotImplementedError

    def mark_forwarded(self, reference: str, external_id: str | None) -> Ticket:
        return self._record_attempt(reference, status=STATUS_FORWARDED, external_id=external_id,
                                    next_attempt_at=None, last_error=None)

    def mark_retry(self, reference: str, error: str, next_attempt_at: datetime) -> Ticket:
        return self._record_attempt(reference, status=STATUS_PENDING,
                                    last_error=short_error(error),
                                    next_attempt_at=as_utc(next_attempt_at))

    def mark_rejected(self, reference: str, error: str) -> Ticket:
        return self._record_attempt(reference, status=STATUS_REJECTED,
                                    last_error=short_error(error), next_attempt_at=None)


class TicketStore(Protocol):
    def create(
        self, new: NewTicket, *, forwarding: bool, now: datetime | None = None
    ) -> tuple[Ticket, bool]:
        """Store the ticket unless its idempotency key is known.

        Returns the ticket and True when created, or the first ticket with that key and False.
        Status is "pending" when forwarding is on, else "stored".
        """
        ...

    def get(self, reference: str) -> Ticket | None: ...

    def due_for_forwarding(self, now: datetime) -> builtins.list[Ticket]:
        """Pending tickets whose next attempt is due (or not yet scheduled), oldest first."""
        ...

    def mark_forwarded(self, reference: str, external_id: str | None) -> Ticket: ...

    def mark_retry(self, reference: str, error: str, next_attempt_at: datetime) -> Ticket: ...

    def mark_rejected(self, reference: str, error: str) -> Ticket: ...

    def requeue(self, reference: str, now: datetime | None = None) -> bool:
        """Put a ticket back in the queue, due now. Forwarded tickets are left alone (False)."""
        ...

    def list(self) -> builtins.list[Ticket]:
        """Every ticket, oldest first."""
        ...

    def attachment_data(self, reference: str, sha256: str) -> bytes:
        """The bytes of a file attached to the ticket; UnknownTicket or KeyError when absent."""
        ...

    def strip_transcripts(self, created_before: datetime) -> int:
        """Empty the transcript of tickets created before the date, except those still waiting
        to be forwarded; the number of tickets changed (0 when run again)."""
        ...

    def erase(self, person: str, sender_ids: Collection[str] = ()) -> int:
        """Delete the tickets of a person (user id or e-mail, any case) or of those
        conversations; the number deleted."""
        ...


def belongs_to(ticket: Ticket, person: str, sender_ids: Collection[str]) -> bool:
    """The rule `erase` applies, shared by every store."""
    email = (ticket.requester_email or "").lower()
    return ticket.user_id == person or (bool(email) and email == person.lower()) \
        or ticket.sender_id in sender_ids
