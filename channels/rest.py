"""REST channel: Rasa 3.6's `RestInput` plus input checks (`channels.rest.RestChannel`).

Served at /webhooks/rest/webhook like Rasa's own (same name()). Before Rasa sees a request:
- the body must be a JSON object with a string `sender` (1-128 URL-safe characters), a string
  `message` and, if any, an object `metadata`; anything else gets a 400 with a JSON reason;
- the message goes through channels.guard: empty or too long messages get a French answer at
  once, button payloads the bot never offers are read as plain text;
- `input_channel` is always this channel's name (Rasa lets the client choose it).
- identity (channels.identity): `Authorization: Bearer <token>` is verified; under a valid token
  the conversation is the signed-in user's (`user:<sub>`, the body's `sender` is ignored) and
  role, e-mail and name come from the token only. A bad token, or no token when
  OCBOT_IDENTITY_SECRET (or a public key) is set, gets a 401 with a JSON reason before anything
  reaches Rasa. Anonymous clients may not use `user:` sender ids, nor set e-mail or name.
- anonymous sessions (channels.sessions, the socket.io channel's signer): an anonymous client
  first asks `POST /webhooks/rest/session` for a sender id the server signs
  (`{"sender": "<random>.<signature>"}`) and sends it with every message; any other anonymous
  sender id gets a 403 `unsigned_sender` and reaches no tracker, so nobody enters another
  anonymous conversation by guessing or choosing its id. The conversation (tracker, tickets) is
  keyed by the random part alone, as on socket.io: what is stored cannot be replayed.
- a file in `metadata.attachment` ({"name", "content_type", "data": base64}, 10 MB) is checked
  by channels.files: refused ones get their French answer at once and reach no tracker.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import rasa.utils.endpoints
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.identity import (
    Identity,
    IdentityVerifier,
    Refusal,
    bearer_token,
    conversation_id,
    is_reserved_sender,
    message_metadata,
    verifier_from_env,
)
from channels.screening import AgentScreen
from channels.sessions import SessionSigner, load_secret

SENDER_RE = re.compile(r"^[A-Za-z0-9_.:@+\-]{1,128}$")
UNSIGNED_SENDER = "unsigned_sender"
UNSIGNED_REASON = ("this sender id was not issued by this server: POST /webhooks/rest/session "
                   "for one, then send it as `sender`")


def body_problem(body: Any, signed_in: bool = False) -> str | None:
    """Why a webhook body is refused, or None (under a token the sender is not read)."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    sender = body.get("sender")
    if not signed_in and (not isinstance(sender, str) or not SENDER_RE.match(sender)):
        return "`sender` must be 1 to 128 letters, digits or _.:@+-"
    if not signed_in and isinstance(sender, str) and is_reserved_sender(sender):
        return "`sender` ids starting with user: or slack: belong to signed-in users"
    if not isinstance(body.get("message"), str):
        return "`message` must be a string"
    if body.get("metadata") is not None and not isinstance(body["metadata"], dict):
        return "`metadata` must be an object"
    return None


def bad_request(reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=HTTPStatus.BAD_REQUEST)


def unsigned_sender() -> HTTPResponse:
    return response.json({"error": UNSIGNED_REASON, "code": UNSIGNED_SENDER},
                         status=HTTPStatus.FORBIDDEN)


def unauthorized(refusal: Refusal) -> HTTPResponse:
    return response.json({"error": refusal.reason, "code": refusal.code},
                         status=HTTPStatus.UNAUTHORIZED,
                         headers={"WWW-Authenticate": 'Bearer realm="ocbot"'})


class RestChannel(RestInput):
    """Rasa's REST channel behind the checks above."""

    def __init__(self) -> None:
        self.input_check = AgentScreen()
        self.verifier: IdentityVerifier | None = None
        self.signer: SessionSigner | None = None

    def identity_of(self, request: Request) -> Identity | Refusal | None:
        """The verified user, the refusal to send, or None for an allowed anonymous client."""
        if self.verifier is None:
            self.verifier = verifier_from_env(os.environ)
        token = bearer_token(request.headers.get("Authorization"))
        if token is None and not self.verifier.required:
            return None
        return self.verifier.verify(token)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        if self.verifier is None:  # at start-up, so a bad key stops the server, not a request
            self.verifier = verifier_from_env(os.environ)
        if self.signer is None:
            self.signer = SessionSigner(load_secret(os.environ))

        @webhook.middleware("request")
        async def screen_request(request: Request) -> HTTPResponse | None:
            if request.method != "POST" or not request.path.rstrip("/").endswith("/webhook"):
                return None
            return self.screen_request(request)

        @webhook.route("/session", methods=["POST"])
        async def session(request: Request) -> HTTPResponse:
            return self.open_session(request)

        return webhook

    def open_session(self, request: Request) -> HTTPResponse:
        """A sender id for the client: a fresh signed one, or the signed-in user's conversation.

        Nothing is stored: the id is checked by its signature alone, so issuing costs no state.
        """
        verified = self.identity_of(request)
        if isinstance(verified, Refusal):
            return unauthorized(verified)
        if verified is not None:
            return response.json({"sender": conversation_id(verified)})
        assert self.signer is not None
        session_id, _ = self.signer.issue()
        return response.json({"sender": session_id})

    def anonymous_conversation(self, request: Request, sender: str) -> str | None:
        """The conversation of an anonymous sender id this server signed; None for any other."""
        if self.signer is None:
            self.signer = SessionSigner(load_secret(os.environ))
        return self.signer.sender_of(sender)

    def screen_request(self, request: Request) -> HTTPResponse | None:
        """The answer to give instead of Rasa's handler, or None to let the request through."""
        verified = self.identity_of(request)
        if isinstance(verified, Refusal):
            return unauthorized(verified)
        try:
            body = json.loads(request.body or b"")
        except (ValueError, UnicodeDecodeError):
            return bad_request("the body must be JSON")
        problem = body_problem(body, signed_in=verified is not None)
        if problem:
            return bad_request(problem)
        if verified is not None:
            sender = conversation_id(verified)
        else:
            anonymous = self.anonymous_conversation(request, body["sender"])
            if anonymous is None:
                return unsigned_sender()
            sender = anonymous
        metadata = message_metadata(body.get("metadata"), verified)
        checked = self.input_check.check_message(request.app.ctx.agent, body["message"],
                                                 metadata)
        if checked.answer:
            message = {"recipient_id": sender, "text": checked.answer}
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.text(json.dumps(message) + "\n")  # one line, as Rasa streams
            return response.json([message])
        request.ctx.ocbot_text = checked.text
        request.ctx.ocbot_sender = sender
        request.ctx.ocbot_metadata = checked.metadata
        return None

    async def _extract_sender(self, req: Request) -> str | None:
        return getattr(req.ctx, "ocbot_sender", None)

    def _extract_message(self, req: Request) -> str | None:
        return getattr(req.ctx, "ocbot_text", None)

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return getattr(request.ctx, "ocbot_metadata", None)

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()


LOOPBACK = frozenset({"127.0.0.1", "::1", "::ffff:127.0.0.1"})
SHELL_PREFIX = "shell:"


class ShellChannel(RestChannel):
    """`rasa shell`'s channel (Rasa's CmdlineInput) with the same checks as REST.

    The shell talks to /webhooks/rest/webhook of its own server; serving.rasa_server puts this
    class in place of CmdlineInput for `shell`, so the terminal is screened like the web.

    Rasa's console client names its conversation itself (a random uuid) and cannot ask for a
    signed id, so this channel, and only it, accepts an unsigned sender id, from a loopback peer
    only (the socket's address, not a forwarded header; `make shell` also binds the server to
    127.0.0.1). Such a conversation is `shell:<id>`: a name a shell user picks can never be a web
    or Slack conversation, so the shell cannot be used to enter one. Signed ids work as on REST.
    """

    def __init__(self) -> None:
        super().__init__()
        # The terminal of this machine: a token is checked if one comes, none is required.
        self.verifier = dataclasses.replace(verifier_from_env(os.environ), required=False)

    @classmethod
    def name(cls) -> str:
        return "cmdline"

    def url_prefix(self) -> str:
        return RestInput.name()

    def anonymous_conversation(self, request: Request, sender: str) -> str | None:
        signed = super().anonymous_conversation(request, sender)
        if signed is not None:
            return signed
        return SHELL_PREFIX + sender if request.ip in LOOPBACK else None
