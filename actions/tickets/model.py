"""Ticket records: what the bot hands over, and what the store keeps."""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from actions.tickets.attachments import Attachment

STATUS_STORED = "stored"
STATUS_PENDING = "pending"
STATUS_FORWARDED = "forwarded"
STATUS_REJECTED = "rejected"
STATUSES = (STATUS_STORED, STATUS_PENDING, STATUS_FORWARDED, STATUS_REJECTED)

# How the requester is known: a signed token or Slack's profile, typed by the user, not at all.
IDENTITY_VERIFIED = "verified"
IDENTITY_DECLARED = "declared"
IDENTITY_NONE = "none"
IDENTITIES = (IDENTITY_VERIFIED, IDENTITY_DECLARED, IDENTITY_NONE)

# The SQL column's size: refusing here keeps the in-memory fake as strict as the database.
MAX_IDEMPOTENCY_KEY_LENGTH = 255

_REFERENCE = re.compile(r"^OC-(\d{4})-(\d{6,})$")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes come back from SQLite without their zone; they were written as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def make_reference(ticket_id: int, created_at: datetime) -> str:
    return f"OC-{as_utc(created_at).year:04d}-{ticket_id:06d}"


def parse_reference(reference: str) -> tuple[int, int] | None:
    """Return (year, id) for a well-formed reference, else None."""
    match = _REFERENCE.match(reference.strip().upper())
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2))


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else as_utc(moment).isoformat()


@dataclass(frozen=True)
class AttachedFile:
    """A checked file (attachments.check_file) and its bytes, handed over with a new ticket."""

    attachment: Attachment
    data: bytes

    def __post_init__(self) -> None:
        if hashlib.sha256(self.data).hexdigest() != self.attachment.sha256:
            raise ValueError("the data is not the checked attachment")


@dataclass(frozen=True)
class NewTicket:
    """What a conversation produces once the user confirmed the summary."""

    category: str
    details: dict[str, str]
    role: str | None
    channel: str | None
    sender_id: str
    transcript: list[dict[str, Any]]
    idempotency_key: str
    requester_email: str | None = None
    files: tuple[AttachedFile, ...] = ()
    requester_name: str | None = None
    user_id: str | None = None
    identity: str = IDENTITY_NONE

    def __post_init__(self) -> None:
        if self.identity not in IDENTITIES:
            raise ValueError(f"identity must be one of {IDENTITIES}")
        # An empty key would make every ticket a duplicate of the first one.
        if not self.idempotency_key:
            raise ValueError("idempotency_key must not be empty")
        if len(self.idempotency_key) > MAX_IDEMPOTENCY_KEY_LENGTH:
            raise ValueError("idempotency_key is longer than 255 characters")
        if not self.category:
            raise ValueError("category must not be empty")


@dataclass(frozen=True)
class Ticket:
    """A stored ticket; stores hand out copies, so changing one changes nothing stored."""

    id: int
    reference: str
    category: str
    details: dict[str, str]
    role: str | None
    channel: str | None
    sender_id: str
    transcript: list[dict[str, Any]]
    idempotency_key: str
    created_at: datetime
    status: str
    requester_email: str | None = None
    requester_name: str | None = None
    user_id: str | None = None
    identity: str = IDENTITY_NONE
    forward_attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    external_id: str | None = None
    attachments: tuple[Attachment, ...] = ()

    @classmethod
    def from_new(cls, new: NewTicket, ticket_id: int, created_at: datetime, status: str) -> Ticket:
        return cls(
            id=ticket_id,
            reference=make_reference(ticket_id, created_at),
            category=new.category,
            details=dict(new.details),
            role=new.role,
            channel=new.channel,
            sender_id=new.sender_id,
            transcript=copy.deepcopy(new.transcript),
            idempotency_key=new.idempotency_key,
            created_at=as_utc(created_at),
            status=status,
            requester_email=new.requester_email,
            attachments=tuple(file.attachment for file in new.files),
            requester_name=new.requester_name,
            user_id=new.user_id,
            identity=new.identity,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reference": self.reference,
            "category": self.category,
            "details": dict(self.details),
            "role": self.role,
            "channel": self.channel,
            "sender_id": self.sender_id,
            "transcript": copy.deepcopy(self.transcript),
            "idempotency_key": self.idempotency_key,
            "requester_email": self.requester_email,
            "requester_name": self.requester_name,
            "user_id": self.user_id,
            "identity": self.identity,
            "created_at": _iso(self.created_at),
            "status": self.status,
            "forward_attempts": self.forward_attempts,
            "next_attempt_at": _iso(self.next_attempt_at),
            "last_error": self.last_error,
            "external_id": self.external_id,
            "attachments": [attachment.as_json() for attachment in self.attachments],
        }
