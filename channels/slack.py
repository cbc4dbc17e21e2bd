"""Slack channel: Rasa 3.6's `SlackInput` plus what this deployment needs.

Declared in a credentials file as `channels.slack.SlackChannel:` (see credentials_slack.yml).

- Secrets come from the environment (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, optional
  SLACK_CHANNEL) when the credentials values are empty, so no secret is ever written in YAML.
- SLACK_API_URL (default https://slack.com/api/) is the Web API base URL of the replies, so the
  end-to-end tests can aim them at a fake Slack on loopback.
- Rasa's signature check is kept as is: `SlackInput.is_request_from_slack_authentic` (Rasa 3.6)
  compares `v0=HMAC-SHA256(secret, "v0:{X-Slack-Request-Timestamp}:{body}")` with
  X-Slack-Signature in constant time and rejects timestamps more than 5 minutes from now.
- Every Slack retry (X-Slack-Retry-Num present) is acknowledged without being processed: Rasa
  only drops `http_timeout` retries, so a retried "Confirmer" could otherwise be handled twice.
- Slack's url_verification challenge is answered in text/plain, the form Slack documents (Rasa
  answers it as a JSON string).
- Only the configured workspace (SLACK_TEAM_ID, required) is served: a signed event or button
  click from another team id gets a 403 and is not processed.
- Who is asking: the Slack user's profile e-mail and real name (users.info, cached per user,
  channels/slack_people.py) go in the message metadata as a verified identity, so tickets name
  their requester. Conversations are `slack:<user id>`, ids no anonymous REST client may use.
- Messages go through channels.guard like the other channels' (an empty or too long message is
  answered at once; payloads the bot never offers are read as text), and the bot's text is
  escaped for mrkdwn, so a detail the user typed ("<!channel>") is shown, never interpreted.
- A file shared in the conversation (a message event with `files`, even without text) is fetched
  with the bot token (files.info, then url_private_download; channels/slack_files.py) and goes
  to Rasa in the message metadata like the widget's files; a refused or unreachable file is
  answered in French.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from actions.tickets.attachments import METADATA_KEY
from channels.identity import IDENTITY_KEY, RESERVED_KEYS
from channels.screening import AgentScreen, Checked
from channels.slack_files import Download, fetch_shared_file, shared_file_id, token_download
from channels.slack_people import SlackDirectory, identity_metadata

logger = logging.getLogger(__name__)

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
RETRY_NUM_HEADER = "X-Slack-Retry-Num"
RETRY_REASON_HEADER = "X-Slack-Retry-Reason"

# Credentials key -> environment variable read when the key is missing or empty.
ENV_FALLBACKS: dict[str, str] = {
    "slack_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_channel": "SLACK_CHANNEL",
    "slack_team_id": "SLACK_TEAM_ID",
}
REQUIRED_KEYS = ("slack_token", "slack_signing_secret", "slack_team_id")
CONVERSATION_PREFIX = "slack:"
USERS_INFO_TIMEOUT_SECONDS = 5
LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}
MRKDWN_ESCAPES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}


def escape_mrkdwn(text: str) -> str:
    """Text Slack shows as typed: its three control characters escaped, as Slack documents."""
    return text.translate(MRKDWN_ESCAPES)


def resolve_settings(
    credentials: Mapping[str, Any] | None, environ: Mapping[str, str]
) -> dict[str, Any]:
    """Credentials values, with empty ones taken from the environment; checks what is required."""
    settings: dict[str, Any] = dict(credentials or {})
    for key, variable in ENV_FALLBACKS.items():
        if not settings.get(key):
            settings[key] = environ.get(variable) or None
    missing = [f"{ENV_FALLBACKS[key]} (or `{key}`)" for key in REQUIRED_KEYS if not settings[key]]
    if missing:
        raise InvalidConfigException(f"Slack channel: missing {' and '.join(missing)}.")
    api_url = environ.get("SLACK_API_URL") or DEFAULT_SLACK_API_URL
    parts = urlsplit(api_url)
    # The bot token travels to this URL as a bearer header: plain http only to this machine.
    if parts.scheme != "https" and not (
        parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    ):
        raise InvalidConfigException(
            "SLACK_API_URL must be an https URL (plain http is accepted on loopback only)."
        )
    settings["slack_api_url"] = api_url
    return settings


class SlackOutput(SlackBot):
    """Rasa's SlackBot, whose Web API client talks to `base_url` instead of always slack.com."""

    def __init__(
        self,
        token: str,
        slack_channel: str | None = None,
        thread_id: str | None = None,
        proxy: str | None = None,
        *,
        base_url: str = DEFAULT_SLACK_API_URL,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        # SlackBot builds its client without base_url; building one makes no network call.
        self.client = AsyncWebClient(token, base_url=base_url, proxy=proxy)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await super().send_text_message(recipient_id, escape_mrkdwn(text), **kwargs)


class SlackChannel(SlackInput):
    """Slack input channel; served at /webhooks/slack/webhook like Rasa's own (same name())."""

    slack_api_url: str = DEFAULT_SLACK_API_URL
    team_id: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.input_check = AgentScreen()
        self.directory: SlackDirectory | None = None
        self.downloader: Download | None = None

    def people(self) -> SlackDirectory:
        """users.info on the configured Web API, built on first use (no call at start-up)."""
        if self.directory is None:
            client = AsyncWebClient(self.slack_token, base_url=self.slack_api_url,
                                    proxy=self.proxy, timeout=USERS_INFO_TIMEOUT_SECONDS)

            async def lookup(user_id: str) -> Mapping[str, Any]:
                return (await client.users_info(user=user_id)).data  # type: ignore[return-value]

            self.directory = SlackDirectory(lookup)
        return self.directory

    @staticmethod
    def _is_user_message(slack_event: dict[str, Any]) -> bool:
        """Rasa's test, plus a file shared without a word (Slack sends no text then)."""
        event = _mapping(slack_event.get("event"))
        if event.get("type") == "message" and not event.get("bot_id") and shared_file_id(event):
            return True
        return SlackInput._is_user_message(slack_event)

    async def shared_file(self, request: Request) -> dict[str, Any] | None:
        """The metadata entry of the file shared with this event, or the response name that
        answers instead ({"problem": ...}); None when no file was shared."""
        payload = self._json_payload(request)
        event = _mapping(payload.get("event")) if isinstance(payload, dict) else {}
        file_id = shared_file_id(event)
        if file_id is None:
            return None
        client = AsyncWebClient(self.slack_token, base_url=self.slack_api_url, proxy=self.proxy,
                                timeout=USERS_INFO_TIMEOUT_SECONDS)

        async def files_info(file: str) -> Mapping[str, Any]:
            return (await client.files_info(file=file)).data  # type: ignore[return-value]

        if self.downloader is None:
            self.downloader = token_download(self.slack_token, self.proxy)
        fetched = await fetch_shared_file(file_id, files_info, self.downloader,
                                          self.slack_api_url)
        return fetched.wire if fetched.wire is not None else {"problem": fetched.problem}

    def _get_conversation_id(
        self, sender_id: str | None, channel_id: str | None = None,
        thread_id: str | None = None,
    ) -> str | None:
        conversation = super()._get_conversation_id(sender_id, channel_id, thread_id)
        return f"{CONVERSATION_PREFIX}{conversation}" if conversation else conversation

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        settings = resolve_settings(credentials, os.environ)
        channel = super().from_credentials(settings)  # builds `cls`, i.e. a SlackChannel
        if isinstance(channel, SlackChannel):
            channel.slack_api_url = settings["slack_api_url"]
            channel.team_id = settings["slack_team_id"]
        return channel

    def get_output_channel(
        self, channel: str | None = None, thread_id: str | None = None
    ) -> OutputChannel:
        return SlackOutput(
            self.slack_token,
            channel or self.slack_channel,
            thread_id,
            self.proxy,
            base_url=self.slack_api_url,
        )

    async def process_message(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        sender_id: str | None,
        metadata: dict | None,
    ) -> Any:
        metadata = {k: v for k, v in (metadata or {}).items() if k not in RESERVED_KEYS}
        metadata.pop(METADATA_KEY, None)
        shared = await self.shared_file(request)
        if shared is not None and "problem" in shared:
            answer = self.input_check.answer(request.app.ctx.agent, shared["problem"])
            checked = Checked("", answer)
        else:
            if shared is not None:
                metadata[METADATA_KEY] = shared
            checked = self.input_check.check_message(request.app.ctx.agent, text, metadata)
        user_id, _ = self._user_and_team(request)
        if checked.answer:
            channel = (metadata or {}).get("out_channel") or user_id
            thread = (metadata or {}).get("thread_id") if self.use_threads else None
            output = self.get_output_channel(channel, thread)
            await output.send_text_message(sender_id, checked.answer)
            return response.text("")
        metadata = dict(checked.metadata or {})
        verified = identity_metadata(await self.people().person(user_id)) if user_id else None
        if verified is not None:
            metadata[IDENTITY_KEY] = verified
        return await super().process_message(
            request, on_new_message, checked.text, sender_id, metadata
        )

    def _user_and_team(self, request: Request) -> tuple[str | None, str | None]:
        """The Slack user and team of an event (JSON) or a button click (form `payload`)."""
        payload = self._json_payload(request)
        if payload is None:
            try:
                payload = json.loads((request.form or {}).get("payload") or "null")
            except (ValueError, TypeError):
                return None, None
        if not isinstance(payload, dict):
            return None, None
        event = _mapping(payload.get("event"))
        user = _mapping(payload.get("user"))
        team = _mapping(payload.get("team"))
        user_id = event.get("user") or user.get("id")
        team_id = payload.get("team_id") or team.get("id") or user.get("team_id")
        return (user_id if isinstance(user_id, str) else None,
                team_id if isinstance(team_id, str) else None)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        # Blueprint middleware runs for this blueprint's routes only, before Rasa's handler;
        # returning a response short-circuits the handler.
        @webhook.middleware("request")
        async def screen_slack_request(request: Request) -> HTTPResponse | None:
            return self.screen(request)

        return webhook

    def screen(self, request: Request) -> HTTPResponse | None:
        """The answer to give instead of Rasa's handler, or None to let the request through."""
        if (request.name or "").endswith(".health"):
            return None  # the unauthenticated GET health check of the blueprint
        # Checked here as well as in Rasa's handler, so nothing below runs for a forged request.
        if not self.is_request_from_slack_authentic(request):
            logger.warning("Slack webhook: rejected a request with a bad or stale signature")
            return response.text("invalid or stale Slack signature", status=HTTPStatus.UNAUTHORIZED)
        payload = self._json_payload(request)
        if payload is not None and not isinstance(payload, dict):
            return response.text("the body must be a JSON object", status=HTTPStatus.BAD_REQUEST)
        if isinstance(payload, dict) and payload.get("type") == "url_verification":
            return response.text(str(payload.get("challenge", "")))
        _, team_id = self._user_and_team(request)
        if self.team_id and team_id != self.team_id:
            logger.warning("Slack webhook: refused a request from another workspace")
            return response.text("this workspace is not served", status=HTTPStatus.FORBIDDEN)
        retry_num = request.headers.get(RETRY_NUM_HEADER)
        if retry_num:
            # The first delivery was already handed to Rasa (it answers at once and processes in
            # the background), so processing the retry would repeat the user's message. Logged as
            # a warning: Slack retries when this server was slow or failing.
            logger.warning(
                "Slack webhook: ignored retry #%s (%s)",
                retry_num,
                request.headers.get(RETRY_REASON_HEADER, "no reason given"),
            )
            return response.text("", status=HTTPStatus.OK, headers={"X-Slack-No-Retry": "1"})
        return None

    @staticmethod
    def _json_payload(request: Request) -> Any:
        """The JSON body (any JSON value; a non-JSON body as a string), None for a form body."""
        if not (request.headers.get("content-type") or "").startswith("application/json"):
            return None
        try:
            return json.loads(request.body or b"")
        except ValueError:
            return "not JSON"


def _mapping(value: Any) -> dict[str, Any]:
    """A JSON object of the payload, or an empty one when it is something else."""
    return value if isinstance(value, dict) else {}
