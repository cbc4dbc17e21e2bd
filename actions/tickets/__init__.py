"""Ticket store: tickets are committed locally first, then forwarded to Zendesk when configured.

Nothing here connects, reads files or reads the environment at import time.
"""

from actions.tickets.config import (
    ZendeskSettings,
    forwarding_enabled,
    store_from_env,
    zendesk_settings,
)
from actions.tickets.model import (
    STATUS_FORWARDED,
    STATUS_PENDING,
    STATUS_REJECTED,
    STATUS_STORED,
    NewTicket,
    Ticket,
)
from actions.tickets.store import TicketStore, UnknownTicket

__all__ = [
    "STATUS_FORWARDED",
    "STATUS_PENDING",
    "STATUS_REJECTED",
    "STATUS_STORED",
    "NewTicket",
    "Ticket",
    "TicketStore",
    "UnknownTicket",
    "ZendeskSettings",
    "forwarding_enabled",
    "store_from_env",
    "zendesk_settings",
]
