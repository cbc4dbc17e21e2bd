"""The ticket store's port: the draft the conversation confirmed becomes a stored ticket.

The draft, its key and who it is from come from the pure conversation (`CreateTicket`); the
channel, the transcript and the files' bytes from the tracker. The result goes back to
`conversation.after_ticket`, which chooses what the bot says."""

from __future__ import annotations

import logging

from rasa_sdk import Tracker

from actions import context
from actions.business.conversation import CreateTicket, Stored, StoreDown, TicketResult
from actions.outbox import kick_outbox
from actions.tickets.attachments import METADATA_KEY, read_wire
from actions.tickets.config import forwarding_enabled
from actions.tickets.model import AttachedFile, NewTicket

logger = logging.getLogger(__name__)


def create(effect: CreateTicket, tracker: Tracker) -> TicketResult:
    """Store the ticket once (its key makes a repeated confirmation return the same one); any
    store failure keeps the draft in the conversation, nothing is lost."""
    draft, who = effect.draft, effect.requester
    new = NewTicket(
        category=draft.category,
        details=dict(draft.details),
        role=draft.role,
        channel=tracker.get_latest_input_channel(),
        sender_id=tracker.sender_id,
        transcript=context.transcript(tracker),
        idempotency_key=effect.key,
        requester_email=who.email,
        requester_name=who.name,
        user_id=who.user_id,
        identity=who.identity,
        files=files_of(tracker, effect.files),
    )
    try:
        ticket, created = context.store().create(new, forwarding=forwarding_enabled())
    except Exception:  # any store failure: the draft stays in the conversation
        logger.exception("ticket store unavailable; draft kept for a retry")
        return StoreDown()
    logger.info("ticket %s %s (category %s)", ticket.reference,
                "created" if created else "already existed", ticket.category)
    if created and forwarding_enabled():
        kick_outbox()
    return Stored(ticket.reference, created)


def files_of(tracker: Tracker, wanted: tuple[str, ...]) -> tuple[AttachedFile, ...]:
    """The attached files' bytes, from the messages that brought them, checked again."""
    found: dict[str, AttachedFile] = {}
    for event in tracker.events:
        metadata = event.get("metadata") if event.get("event") == "user" else None
        raw = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
        read = read_wire(raw) if raw is not None else None
        if isinstance(read, tuple) and read[0].sha256 in wanted:
            found.setdefault(read[0].sha256, AttachedFile(*read))
    return tuple(found.values())
