"""Shared helpers: ticket factory, stores, and a loopback server that behaves like Zendesk."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from actions.tickets.config import ZendeskSettings, forget_stores
from actions.tickets.memory import InMemoryTicketStore
from actions.tickets.model import NewTicket
from actions.tickets.sql import SqlTicketStore

STUDENT_NAME = "Jeanne Dupont"


def make_new_ticket(key: str = "conv-1:1", **overrides: Any) -> NewTicket:
    values: dict[str, Any] = {
        "category": "student_unresponsive",
        "details": {"student_name": STUDENT_NAME, "path": "Développeur web"},
        "role": "mentor",
        "channel": "rest",
        "sender_id": "sender-42",
        "transcript": [
            {"who": "user", "text": f"{STUDENT_NAME} ne répond plus", "at": None},
            {"who": "bot", "text": "Je crée un ticket.", "at": "2026-03-02T10:00:00+00:00"},
        ],
        "idempotency_key": key,
    }
    values.update(overrides)
    return NewTicket(**values)


@pytest.fixture
def new_ticket() -> Callable[..., NewTicket]:
    return make_new_ticket


@pytest.fixture
def memory_store() -> InMemoryTicketStore:
    return InMemoryTicketStore()


@pytest.fixture(autouse=True)
def _fresh_store_cache() -> Iterator[None]:
    # store_from_env caches per URL; tests must not see each other's stores.
    forget_stores()
    yield
    forget_stores()


@pytest.fixture
def sqlite_file_store(tmp_path: Path) -> Iterator[SqlTicketStore]:
    store = SqlTicketStore(f"sqlite:///{tmp_path / 'db' / 'tickets.db'}")
    yield store
    store.dispose()


@dataclass
class Reply:
    status: int = 201
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    hang_seconds: float = 0.0


@dataclass
class Received:
    headers: dict[str, str]
    payload: dict[str, Any]


@dataclass
class Uploaded:
    filename: str
    content_type: str
    data: bytes


class FakeZendesk:
    """Answers POST /api/v2/tickets.json with the queued replies (then 201), on 127.0.0.1, and
    POST /api/v2/uploads.json (Uploads API) with its own queue (then 201 and a token).

    It runs its own event loop in a thread so that tests can drive the client with
    asyncio.run, or run the CLI in a subprocess, against it.
    """

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.received: list[Received] = []
        self.upload_replies: deque[Reply] = deque()
        self.uploads: list[Uploaded] = []
        self.port = 0
        self._next_id = 9000
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self._release: asyncio.Event | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self, timeout_seconds: float = 2.0) -> ZendeskSettings:
        return ZendeskSettings(
            subdomain="oc-test",
            email="bot@example.org",
            api_token="secret-token",
            base_url=self.base_url,
            timeout_seconds=timeout_seconds,
        )

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=5)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    async def _start(self) -> None:
        self._release = asyncio.Event()
        app = web.Application()
        app.router.add_post("/api/v2/tickets.json", self._handle)
        app.router.add_post("/api/v2/uploads.json", self._handle_upload)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _stop(self) -> None:
        assert self._release is not None and self._runner is not None
        # Let hanging handlers finish so that shutdown does not wait for them.
        self._release.set()
        await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        self.received.append(Received(dict(request.headers), await request.json()))
        reply = self.replies.popleft() if self.replies else Reply()
        if reply.hang_seconds:
            assert self._release is not None
            try:
                await asyncio.wait_for(self._release.wait(), reply.hang_seconds)
            except asyncio.TimeoutError:
                pass
        body = reply.body
        if body is None and reply.status in (200, 201):
            self._next_id += 1
            body = {"ticket": {"id": self._next_id}}
        return web.json_response(
            body or {"error": "fake"}, status=reply.status, headers=reply.headers
        )


    async def _handle_upload(self, request: web.Request) -> web.Response:
        self.uploads.append(Uploaded(request.query.get("filename", ""),
                                     request.headers.get("Content-Type", ""),
                                     await request.read()))
        reply = self.upload_replies.popleft() if self.upload_replies else Reply()
        body = reply.body
        if body is None and reply.status in (200, 201):
            body = {"upload": {"token": f"token-{len(self.uploads)}"}}
        return web.json_response(
            body or {"error": "fake"}, status=reply.status, headers=reply.headers
        )


@pytest.fixture
def zendesk() -> Iterator[FakeZendesk]:
    server = FakeZendesk()
    server.start()
    yield server
    server.stop()
