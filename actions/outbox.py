"""Starts the Zendesk outbox inside the action server's event loop, on first need."""

from __future__ import annotations

import os

from actions.tickets.zendesk import outbox_from_env


def kick_outbox() -> None:
    """Forward new tickets now; call from a coroutine (the outbox runs in its event loop)."""
    outbox = outbox_from_env(os.environ)
    if outbox is None:
        return
    outbox.start()
    outbox.kick()
