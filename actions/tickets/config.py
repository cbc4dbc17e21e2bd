"""Where tickets live and where they go, read from the environment when asked (never at import)."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from actions.tickets.store import TicketStore

DEFAULT_ZENDESK_TIMEOUT_SECONDS = 10.0

_stores: dict[str, TicketStore] = {}
_stores_lock = threading.Lock()


def project_root() -> Path:
    """The folder holding `actions/`: actions/tickets/config.py is two levels below it."""
    return Path(__file__).resolve().parents[2]


def default_db_url() -> str:
    return f"sqlite:///{project_root() / 'var' / 'tickets.db'}"


def db_url_from_env(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    return env.get("TICKETS_DB_URL", "").strip() or default_db_url()


def store_from_env(env: Mapping[str, str] | None = None) -> TicketStore:
    """The store for TICKETS_DB_URL, one per URL so that every caller shares its engine."""
    url = db_url_from_env(env)
    with _stores_lock:
        store = _stores.get(url)
        if store is None:
            # Imported here: callers that only need settings should not pay for SQLAlchemy.
            from actions.tickets.sql import SqlTicketStore

            store = SqlTicketStore(url)
            _stores[url] = store
        return store


def forget_stores() -> None:
    """Drop cached stores (tests that change TICKETS_DB_URL)."""
    with _stores_lock:
        _stores.clear()


@dataclass(frozen=True)
class ZendeskSettings:
    subdomain: str
    email: str
    # Kept out of repr so that logging the settings never leaks the token.
    api_token: str = field(repr=False)
    base_url: str = ""
    timeout_seconds: float = DEFAULT_ZENDESK_TIMEOUT_SECONDS

    @property
    def tickets_url(self) -> str:
        base = self.base_url or f"https://{self.subdomain}.zendesk.com"
        return f"{base.rstrip('/')}/api/v2/tickets.json"

    @property
    def uploads_url(self) -> str:
        """Uploads API: each attached file is sent first, its token then goes with the ticket."""
        return self.tickets_url.replace("/tickets.json", "/uploads.json")


def zendesk_settings(env: Mapping[str, str] | None = None) -> ZendeskSettings | None:
    """Settings when ZENDESK_SUBDOMAIN, ZENDESK_EMAIL and ZENDESK_API_TOKEN are all set."""
    env = os.environ if env is None else env
    subdomain = env.get("ZENDESK_SUBDOMAIN", "").strip()
    email = env.get("ZENDESK_EMAIL", "").strip()
    token = env.get("ZENDESK_API_TOKEN", "").strip()
    if not (subdomain and email and token):
        return None
    base_url = env.get("ZENDESK_BASE_URL", "").strip() or f"https://{subdomain}.zendesk.com"
    return ZendeskSettings(subdomain=subdomain, email=email, api_token=token, base_url=base_url)


def forwarding_enabled(env: Mapping[str, str] | None = None) -> bool:
    """What to pass as `forwarding=` to TicketStore.create."""
    return zendesk_settings(env) is not None
