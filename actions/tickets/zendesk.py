"""Forward stored tickets to Zendesk, retrying until Zendesk accepts or refuses them.

The local store is the source of truth: a ticket is committed before any network call, and
the outbox keeps trying. Zendesk's Idempotency-Key (the reference) and external_id make a
repeated send harmless when a response was lost.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp

from actions.business.catalog import Catalog
from actions.tickets.attachments import Attachment
from actions.tickets.config import ZendeskSettings, store_from_env, zendesk_settings
from actions.tickets.labels import category_label, field_label
from actions.tickets.model import Ticket, as_utc, utc_now
from actions.tickets.store import TicketStore

logger = logging.getLogger(__name__)

BASE_BACKOFF_SECONDS = 30.0
MAX_BACKOFF_SECONDS = 3600.0
JITTER_RATIO = 0.1
# A Retry-After beyond a day is a misbehaving server, not a plan.
MAX_RETRY_AFTER_SECONDS = 86400.0
OUTBOX_INTERVAL_SECONDS = 5.0
# 408 and 409 (request timeout, idempotent request still in progress) are transient.
TRANSIENT_CLIENT_ERRORS = frozenset({408, 409})
ERROR_BODY_LIMIT = 300

OUTCOME_FORWARDED = "forwarded"
OUTCOME_RETRY = "retry"
OUTCOME_REJECTED = "rejected"

SPEAKERS = {"user": "Utilisateur", "bot": "Assistant"}


@dataclass(frozen=True)
class ForwardResult:
    reference: str
    outcome: str
    # Short and free of personal details: "zendesk #123", "HTTP 500", "timeout".
    detail: str
    next_attempt_at: datetime | None = None
    http_status: int | None = None


# ---------------------------------------------------------------- payload


def build_subject(ticket: Ticket, catalog: Catalog | None = None) -> str:
    return f"{category_label(ticket.category, catalog)} ({ticket.reference})"


def _details_lines(details: Mapping[str, str], catalog: Catalog | None) -> list[str]:
    return [f"- {field_label(key, catalog)} : {value}" for key, value in details.items()]


def _transcript_lines(transcript: list[dict[str, Any]]) -> list[str]:
    lines = []
    for entry in transcript:
        speaker = SPEAKERS.get(str(entry.get("who")), str(entry.get("who")))
        stamp = f"[{entry['at']}] " if entry.get("at") else ""
        lines.append(f"{stamp}{speaker} : {entry.get('text', '')}")
    return lines


def _attachment_lines(ticket: Ticket, skipped: tuple[str, ...]) -> list[str]:
    if not ticket.attachments:
        return []
    lines = ["", "Pièces jointes :"]
    for attachment in ticket.attachments:
        note = " (non transmise à Zendesk)" if attachment.sha256 in skipped else ""
        lines.append(f"- {attachment.name} ({attachment.content_type}, {attachment.size} octets)"
                     f"{note}")
    return lines


def build_body(ticket: Ticket, catalog: Catalog | None = None,
               skipped: tuple[str, ...] = ()) -> str:
    lines = [
        f"Demande ouverte via l'assistant, référence {ticket.reference}.",
        f"Catégorie : {category_label(ticket.category, catalog)} ({ticket.category})",
        f"Rôle : {ticket.role or 'inconnu'}",
        f"Canal : {ticket.channel or 'inconnu'}",
        "",
        "Détails :",
        *(_details_lines(ticket.details, catalog) or ["(aucun)"]),
        *_attachment_lines(ticket, skipped),
        "",
        "Conversation :",
        *(_transcript_lines(ticket.transcript) or ["(vide)"]),
    ]
    return "\n".join(lines)


def build_tags(ticket: Ticket) -> list[str]:
    # Zendesk splits tags on spaces, so none may contain one.
    tags = ["ocbot", ticket.category, ticket.role or ""]
    return [tag.strip().lower().replace(" ", "_") for tag in tags if tag and tag.strip()]


def build_payload(ticket: Ticket, uploads: tuple[str, ...] = (),
                  skipped: tuple[str, ...] = ()) -> dict[str, Any]:
    """The Tickets API body; `uploads` are the Uploads API tokens of the attached files,
    `skipped` the digests of files Zendesk refused (named in the body, the ticket still goes)."""
    comment: dict[str, Any] = {"body": build_body(ticket, skipped=skipped)}
    if uploads:
        comment["uploads"] = list(uploads)
    fields: dict[str, Any] = {
        "subject": build_subject(ticket),
        "comment": comment,
        "tags": build_tags(ticket),
        "external_id": ticket.reference,
    }
    if ticket.requester_email:
        # Zendesk creates the requester when unknown, and needs a name for that.
        fields["requester"] = {"email": ticket.requester_email,
                               "name": ticket.requester_name or ticket.requester_email}
    return {"ticket": fields}


def build_headers(ticket: Ticket) -> dict[str, str]:
    return {"Idempotency-Key": ticket.reference, "Accept": "application/json"}


def build_auth(settings: ZendeskSettings) -> aiohttp.BasicAuth:
    return aiohttp.BasicAuth(f"{settings.email}/token", settings.api_token)


# ---------------------------------------------------------------- retry timing


def backoff_delay(attempts: int, jitter: float | None = None) -> timedelta:
    """30 s, 60 s, 120 s ... capped at one hour; a little jitter spreads retries out."""
    spread = random.uniform(0.0, JITTER_RATIO) if jitter is None else jitter
    exponent = min(max(attempts, 0), 20)
    seconds = min(MAX_BACKOFF_SECONDS, BASE_BACKOFF_SECONDS * 2**exponent * (1 + spread))
    return timedelta(seconds=seconds)


def _as_seconds(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def retry_after_delay(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After is either a number of seconds or an HTTP date; None when unusable."""
    if not value:
        return None
    seconds = _as_seconds(value)
    if seconds is not None:
        return timedelta(seconds=min(MAX_RETRY_AFTER_SECONDS, max(0.0, seconds)))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    delay = as_utc(moment) - as_utc(now)
    return min(timedelta(seconds=MAX_RETRY_AFTER_SECONDS), max(timedelta(0), delay))


# ---------------------------------------------------------------- sending


@dataclass(frozen=True)
class _Response:
    status: int
    retry_after: str | None
    body: str


async def _post(
    ticket: Ticket, settings: ZendeskSettings, session: aiohttp.ClientSession,
    uploads: tuple[str, ...] = (), skipped: tuple[str, ...] = (),
) -> _Response:
    async with session.post(
        settings.tickets_url,
        json=build_payload(ticket, uploads, skipped),
        headers=build_headers(ticket),
        auth=build_auth(settings),
        timeout=aiohttp.ClientTimeout(total=settings.timeout_seconds),
        # A redirected POST would silently turn into a GET.
        allow_redirects=False,
    ) as response:
        body = await response.text()
        return _Response(response.status, response.headers.get("Retry-After"), body)


async def _upload(
    attachment: Attachment, data: bytes, settings: ZendeskSettings,
    session: aiohttp.ClientSession,
) -> _Response:
    async with session.post(
        settings.uploads_url,
        params={"filename": attachment.name},
        data=data,
        headers={"Content-Type": attachment.content_type, "Accept": "application/json"},
        auth=build_auth(settings),
        timeout=aiohttp.ClientTimeout(total=settings.timeout_seconds),
        allow_redirects=False,
    ) as response:
        body = await response.text()
        return _Response(response.status, response.headers.get("Retry-After"), body)


def _upload_token(body: str) -> str | None:
    try:
        token = json.loads(body)["upload"]["token"]
    except (ValueError, KeyError, TypeError):
        return None
    return token if isinstance(token, str) and token else None


def _transient(status: int) -> bool:
    return status == 429 or status >= 500 or status in TRANSIENT_CLIENT_ERRORS


async def _upload_files(
    store: TicketStore, ticket: Ticket, settings: ZendeskSettings,
    session: aiohttp.ClientSession,
) -> tuple[tuple[str, ...], tuple[str, ...], _Response | None]:
    """Upload every attached file: (tokens, digests Zendesk refused, transient failure).

    A transient failure stops here (the whole attempt is retried later); a file refused for
    good is skipped and named in the ticket's body, so the ticket itself is never lost.
    """
    tokens: list[str] = []
    skipped: list[str] = []
    for attachment in ticket.attachments:
        data = await asyncio.to_thread(store.attachment_data, ticket.reference, attachment.sha256)
        response = await _upload(attachment, data, settings, session)
        token = _upload_token(response.body) if 200 <= response.status < 300 else None
        if token:
            tokens.append(token)
        elif _transient(response.status):
            return tuple(tokens), tuple(skipped), response
        else:
            skipped.append(attachment.sha256)
    return tuple(tokens), tuple(skipped), None


def _zendesk_id(body: str) -> str | None:
    try:
        ticket_id = json.loads(body)["ticket"]["id"]
    except (ValueError, KeyError, TypeError):
        return None
    return None if ticket_id is None else str(ticket_id)


def _error_text(response: _Response) -> str:
    return f"HTTP {response.status}: {response.body[:ERROR_BODY_LIMIT]}"


async def _forwarded(store: TicketStore, ticket: Ticket, response: _Response) -> ForwardResult:
    external_id = _zendesk_id(response.body)
    await asyncio.to_thread(store.mark_forwarded, ticket.reference, external_id)
    logger.info("ticket %s forwarded to Zendesk as #%s", ticket.reference, external_id)
    return ForwardResult(
        ticket.reference, OUTCOME_FORWARDED, f"zendesk #{external_id}", None, response.status
    )


async def _retry_later(
    store: TicketStore,
    ticket: Ticket,
    when: datetime,
    summary: str,
    response: _Response | None = None,
) -> ForwardResult:
    error = summary if response is None else _error_text(response)
    await asyncio.to_thread(store.mark_retry, ticket.reference, error, when)
    # Only the summary goes to the log: a response body may echo personal details.
    logger.warning(
        "ticket %s not forwarded (%s), next attempt at %s",
        ticket.reference,
        summary,
        when.isoformat(),
    )
    status = None if response is None else response.status
    return ForwardResult(ticket.reference, OUTCOME_RETRY, summary, when, status)


async def _rejected(store: TicketStore, ticket: Ticket, response: _Response) -> ForwardResult:
    await asyncio.to_thread(store.mark_rejected, ticket.reference, _error_text(response))
    logger.error(
        "ticket %s rejected by Zendesk (HTTP %s), not retried", ticket.reference, response.status
    )
    summary = f"HTTP {response.status}"
    return ForwardResult(ticket.reference, OUTCOME_REJECTED, summary, None, response.status)


async def forward_one(
    store: TicketStore,
    settings: ZendeskSettings,
    ticket: Ticket,
    now: datetime,
    session: aiohttp.ClientSession,
) -> ForwardResult:
    now = as_utc(now)
    backoff_at = now + backoff_delay(ticket.forward_attempts)
    try:
        tokens, skipped, failure = await _upload_files(store, ticket, settings, session)
        response = failure or await _post(ticket, settings, session, tokens, skipped)
    except asyncio.TimeoutError:
        return await _retry_later(store, ticket, backoff_at, "timeout")
    except aiohttp.ClientError as error:
        return await _retry_later(store, ticket, backoff_at, f"network: {type(error).__name__}")
    summary = f"HTTP {response.status}"
    if 200 <= response.status < 300:
        return await _forwarded(store, ticket, response)
    if response.status == 429:
        delay = retry_after_delay(response.retry_after, now)
        when = backoff_at if delay is None else now + delay
        return await _retry_later(store, ticket, when, summary, response)
    if response.status >= 500 or response.status in TRANSIENT_CLIENT_ERRORS:
        return await _retry_later(store, ticket, backoff_at, summary, response)
    return await _rejected(store, ticket, response)


async def forward_due(
    store: TicketStore,
    settings: ZendeskSettings,
    now: datetime | None = None,
    session: aiohttp.ClientSession | None = None,
) -> list[ForwardResult]:
    """Send every due ticket once, oldest first. Uses `session` when given, else its own."""
    now = as_utc(now or utc_now())
    if session is None:
        async with aiohttp.ClientSession() as own_session:
            return await _forward_all(store, settings, now, own_session)
    return await _forward_all(store, settings, now, session)


async def _forward_all(
    store: TicketStore, settings: ZendeskSettings, now: datetime, session: aiohttp.ClientSession
) -> list[ForwardResult]:
    results = []
    for ticket in await asyncio.to_thread(store.due_for_forwarding, now):
        result = await forward_one(store, settings, ticket, now, session)
        results.append(result)
        if result.http_status == 429:
            # Rate limited: the next requests would be refused too; the next pass resumes.
            break
    return results


# ---------------------------------------------------------------- background loop


class Outbox:
    """Forwards due tickets every few seconds, or at once when kicked."""

    def __init__(
        self,
        store: TicketStore,
        settings: ZendeskSettings,
        *,
        interval_seconds: float = OUTBOX_INTERVAL_SECONDS,
    ) -> None:
        self.store = store
        self.settings = settings
        self.interval_seconds = interval_seconds
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._stop: asyncio.Event | None = None

    def kick(self) -> None:
        """Wake the loop now; safe from any thread. Before the loop runs there is nothing to do:
        its first pass starts immediately anyway."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(wake.set)

    def start(self) -> asyncio.Task[None]:
        """Run the loop as a task of the running event loop; calling it again is harmless."""
        if self._task is None or self._task.done():
            self._stop = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self.run_forever(self._stop))
        return self._task

    async def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()
        if self._task is not None:
            await self._task

    async def run_forever(self, stop_event: asyncio.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        async with aiohttp.ClientSession() as session:
            while not stop_event.is_set():
                self._wake.clear()
                await self._run_pass(session)
                await self._sleep(stop_event, self._wake)

    async def _run_pass(self, session: aiohttp.ClientSession) -> None:
        try:
            await forward_due(self.store, self.settings, utc_now(), session)
        except Exception as error:
            # The loop must outlive a bad pass (database down, bug): the next one may work.
            # Database errors quote their parameters: the full error only at DEBUG.
            logger.error("ticket outbox pass failed: %s", type(error).__name__)
            logger.debug("ticket outbox pass failed", exc_info=True)

    async def _sleep(self, stop_event: asyncio.Event, wake: asyncio.Event) -> None:
        waiters = [asyncio.ensure_future(stop_event.wait()), asyncio.ensure_future(wake.wait())]
        try:
            await asyncio.wait(
                waiters, timeout=self.interval_seconds, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for waiter in waiters:
                waiter.cancel()


_outboxes: dict[tuple[str, ZendeskSettings], Outbox] = {}
_outboxes_lock = threading.Lock()


def outbox_from_env(env: Mapping[str, str] | None = None) -> Outbox | None:
    """The shared outbox for this environment, or None when Zendesk is not configured."""
    settings = zendesk_settings(env)
    if settings is None:
        return None
    store = store_from_env(env)
    key = (getattr(store, "url", ""), settings)
    with _outboxes_lock:
        if key not in _outboxes:
            _outboxes[key] = Outbox(store, settings)
        return _outboxes[key]
