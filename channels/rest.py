"""REST channel: Rasa 3.6's `RestInput` plus input checks (`channels.rest.RestChannel`).

Served at /webhooks/rest/webhook like Rasa's own (same name()). Before Rasa sees a request:
- the body must be a JSON object with a string `sender` (1-128 URL-safe characters), a string
  `message` and, if any, an object `metadata`; anything else gets a 400 with a JSON reason;
- the message goes through channels.guard: empty or too long messages get a French answer at
  once, button payloads the bot never offers are read as plain text;
- `input_channel` is always this channel's name (Rasa lets the client choose it).
"""

from __future__ import annotations

import json
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

from channels.screening import AgentScreen

SENDER_RE = re.compile(r"^[A-Za-z0-9_.:@+\-]{1,128}$")


def body_problem(body: Any) -> str | None:
    """Why a webhook body is refused, or None."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    sender = body.get("sender")
    if not isinstance(sender, str) or not SENDER_RE.match(sender):
        return "`sender` must be 1 to 128 letters, digits or _.:@+-"
    if not isinstance(body.get("message"), str):
        return "`message` must be a string"
    if body.get("metadata") is not None and not isinstance(body["metadata"], dict):
        return "`metadata` must be an object"
    return None


def bad_request(reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=HTTPStatus.BAD_REQUEST)


class RestChannel(RestInput):
    """Rasa's REST channel behind the checks above."""

    def __init__(self) -> None:
        self.input_check = AgentScreen()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.middleware("request")
        async def screen_request(request: Request) -> HTTPResponse | None:
            if request.method != "POST":
                return None
            return self.screen_request(request)

        return webhook

    def screen_request(self, request: Request) -> HTTPResponse | None:
        """The answer to give instead of Rasa's handler, or None to let the request through."""
        try:
            body = json.loads(request.body or b"")
        except (ValueError, UnicodeDecodeError):
            return bad_request("the body must be JSON")
        problem = body_problem(body)
        if problem:
            return bad_request(problem)
        checked = self.input_check.check(request.app.ctx.agent, body["message"])
        if checked.answer:
            message = {"recipient_id": body["sender"], "text": checked.answer}
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.text(json.dumps(message) + "\n")  # one line, as Rasa streams
            return response.json([message])
        request.ctx.ocbot_text = checked.text
        return None

    def _extract_message(self, req: Request) -> str | None:
        return getattr(req.ctx, "ocbot_text", None)

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()


class ShellChannel(RestChannel):
    """`rasa shell`'s channel (Rasa's CmdlineInput) with the same checks as REST.

    The shell talks to /webhooks/rest/webhook of its own server; serving.rasa_server puts this
    class in place of CmdlineInput for `shell`, so the terminal is screened like the web.
    """

    @classmethod
    def name(cls) -> str:
        return "cmdline"

    def url_prefix(self) -> str:
        return RestInput.name()
