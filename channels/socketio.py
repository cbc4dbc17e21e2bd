"""socket.io channel: Rasa 3.6's protocol, with server-issued sessions and input checks.

Credentials key `channels.socketio.SocketIOChannel` (same events and options as Rasa's
`socketio`, same /socket.io path). Differences from Rasa's channel:
- `session_request` resumes a session only for an id this server signed (channels.sessions);
  any other id, guessed or made up, gets a fresh session. Messages are attributed to the session
  bound to the socket, never to a `session_id` the message claims.
- every message goes through channels.guard like the REST channel's; malformed events are
  dropped with a log line, never an exception.
- identity (channels.identity): the token travels as Rasa's convention has it, in the connect
  `auth` ({"token": "<jwt>"}), and is verified like the REST channel's (keys from the
  environment, or the credentials' `jwt_key` / `jwt_method`). A bad token, or none when identity
  is required, refuses the connection. A signed-in socket's session is the user's conversation
  (`user:<sub>`) and its metadata's role, e-mail and name come from the token only.
- a file in the message's `metadata.attachment` is checked like the REST channel's
  (channels.files); packets up to MAX_MESSAGE_BYTES are read, so that a 10 MB file fits.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer
from socketio.exceptions import ConnectionRefusedError as RefusedConnection

from actions.tickets.attachments import MAX_ENCODED
from channels.identity import (
    Identity,
    IdentityVerifier,
    Refusal,
    conversation_id,
    message_metadata,
    verifier_from_env,
)
from channels.screening import AgentScreen
from channels.sessions import SessionSigner, load_secret

logger = logging.getLogger(__name__)
# The largest socket.io packet: a file's base64 (checked again by channels.files) and the text.
MAX_MESSAGE_BYTES = MAX_ENCODED + 256 * 1024


def metadata_of(data: dict) -> dict:
    raw = data.get("metadata")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    return raw if isinstance(raw, dict) else {}


class SocketIOChannel(SocketIOInput):
    """Rasa's socket.io channel with signed sessions (see module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.input_check = AgentScreen()
        self.signer: SessionSigner | None = None
        self.senders: dict[str, str] = {}  # socket id -> conversation id
        self.identities: dict[str, Identity] = {}  # socket id -> signed-in user
        self.verifier: IdentityVerifier | None = None
        self.app: Sanic | None = None

    def build_verifier(self) -> IdentityVerifier:
        """The environment's keys; else Rasa's `jwt_key` credentials (then a token is required)."""
        verifier = verifier_from_env(os.environ)
        if verifier.required or not self.jwt_key:
            return verifier
        if self.jwt_algorithm == "RS256":
            return IdentityVerifier(rs256_public_key=self.jwt_key)
        return IdentityVerifier(hs256_secret=self.jwt_key.encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        self.signer = SessionSigner(load_secret(os.environ))
        self.verifier = self.build_verifier()
        # A message may carry a 10 MB file as base64 (channels.files); engine.io's default is 1 MB.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[],
                          max_http_buffer_size=MAX_MESSAGE_BYTES)
        webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.listener("before_server_start")
        async def remember_app(app: Sanic, _: Any) -> None:
            self.app = app

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict, auth: dict | None = None) -> bool:
            verified = self.admit(auth)
            if isinstance(verified, Refusal):
                logger.warning("socket.io: refused a connection (%s)", verified.code)
                raise RefusedConnection({"error": verified.reason, "code": verified.code})
            if verified is not None:
                self.identities[sid] = verified
            return True

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            self.senders.pop(sid, None)
            self.identities.pop(sid, None)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            verified = self.identities.get(sid)
            if verified is not None:  # the user's own conversation, whatever id is presented
                session_id = sender = conversation_id(verified)
            else:
                session_id, sender = self.open_session(data)
            self.senders[sid] = sender
            if self.session_persistence:
                await sio.enter_room(sid, sender, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None) -> None:
            await self.receive(sid, data, on_new_message)

        return webhook

    def admit(self, auth: Any) -> Identity | Refusal | None:
        """The verified user, the refusal, or None for an allowed anonymous client."""
        if self.verifier is None:
            self.verifier = self.build_verifier()
        token = auth.get("token") if isinstance(auth, dict) else None
        if token is None and not self.verifier.required:
            return None
        return self.verifier.verify(token)

    def open_session(self, data: Any) -> tuple[str, str]:
        """(session id to confirm, conversation id): the presented one if signed, else new."""
        assert self.signer is not None
        presented = data.get("session_id") if isinstance(data, dict) else None
        sender = self.signer.sender_of(presented)
        if sender is not None and isinstance(presented, str):
            return presented, sender
        if presented:
            logger.warning("socket.io: refused an unsigned session id, issued a new session")
        return self.signer.issue()

    async def receive(
        self, sid: str, data: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        assert self.sio is not None
        verified = self.identities.get(sid)
        if verified is not None:
            sender: str | None = conversation_id(verified)
        else:
            sender = self.senders.get(sid) if self.session_persistence else sid
        if sender is None or not isinstance(data, dict):
            logger.warning("socket.io: dropped a message without a session or not an object")
            return
        agent = self.app.ctx.agent if self.app else None
        if agent is None:
            return
        metadata = message_metadata(metadata_of(data), self.identities.get(sid))
        checked = self.input_check.check_message(agent, data.get("message"), metadata)
        if checked.answer:
            await self.sio.emit(self.bot_message_evt, {"text": checked.answer}, room=sid)
            return
        output = SocketIOOutput(self.sio, self.bot_message_evt)
        await on_new_message(
            UserMessage(checked.text, output, sender, input_channel=self.name(),
                        metadata=checked.metadata)
        )
