"""What the Rasa server does when the action server cannot answer.

Rasa 3.6 logs a failed custom action, drops its events and goes on predicting
(`MessageProcessor._run_action`): the user gets silence, or a rule fires on a half-updated
conversation. `install()` wraps `RemoteAction.run` so that:

- a refused connection is retried briefly (the request never reached the action server, so a
  retry cannot run an action twice: a rolling restart is bridged);
- when the action server stays unreachable, times out or fails (5xx), the user gets the domain
  response `utter_service_unavailable` once per turn and the bot listens again. Nothing the user
  said is lost: the message is in the tracker, the slots and the active form are untouched, and
  the same question is asked again when the action server is back.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.actions.action import RemoteAction, create_bot_utterance
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import Event, FollowupAction, UserUttered
from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)

UNAVAILABLE_RESPONSE = "utter_service_unavailable"
# Runs on every user message for custom slot mappings; Rasa already tolerates its failure, and
# the turn's real action will tell the user if the action server is down.
SILENT_ACTIONS = frozenset({"action_validate_slot_mappings"})
CONNECT_RETRY_DELAYS = (0.2, 0.6)
NOTIFIED_TURNS_KEPT = 10_000

RunFn = Callable[..., Awaitable[list[Event]]]


class TurnMemo:
    """Turns already told that the service is unavailable (one message per turn, not per action)."""

    def __init__(self, size: int = NOTIFIED_TURNS_KEPT) -> None:
        self._seen: OrderedDict[tuple[str, float], None] = OrderedDict()
        self._size = size

    def first_time(self, key: tuple[str, float]) -> bool:
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return True


def is_unavailable(error: BaseException) -> bool:
    """An error that means 'the action server could not do it', as opposed to a bug in Rasa."""
    if isinstance(error, (asyncio.TimeoutError, aiohttp.ClientConnectionError)):
        return True
    cause = error.__cause__
    if isinstance(error, RasaException) and cause is not None:
        if isinstance(cause, aiohttp.ClientResponseError):
            return cause.status >= 500
        return isinstance(cause, (aiohttp.ClientConnectionError, asyncio.TimeoutError))
    return False


def connection_refused(error: BaseException) -> bool:
    """The request never reached the action server: safe to send again."""
    return isinstance(error.__cause__, aiohttp.ClientConnectorError) or isinstance(
        error, aiohttp.ClientConnectorError
    )


def turn_key(tracker: Any) -> tuple[str, float]:
    latest = tracker.get_last_event_for(UserUttered)
    return (tracker.sender_id, latest.timestamp if latest else 0.0)


def resilient(
    run: RunFn, memo: TurnMemo, delays: tuple[float, ...] = CONNECT_RETRY_DELAYS
) -> RunFn:
    """`RemoteAction.run` with retries on refused connections and a French message on failure."""

    async def run_resilient(
        self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any
    ) -> list[Event]:
        attempt = 0
        while True:
            try:
                return await run(self, output_channel, nlg, tracker, domain)
            except Exception as error:
                if not is_unavailable(error):
                    raise
                if attempt < len(delays) and connection_refused(error):
                    await asyncio.sleep(delays[attempt])
                    attempt += 1
                    continue
                logger.error("Action server unavailable for '%s': %s", self.name(), error)
                return await _unavailable(self.name(), output_channel, nlg, tracker, memo)

    return run_resilient


async def _unavailable(
    action: str, output_channel: Any, nlg: Any, tracker: Any, memo: TurnMemo
) -> list[Event]:
    if action in SILENT_ACTIONS:
        return []
    events: list[Event] = []
    if memo.first_time(turn_key(tracker)):
        response = await nlg.generate(UNAVAILABLE_RESPONSE, tracker, output_channel.name())
        if response:
            events.append(create_bot_utterance(response))
    return [*events, FollowupAction(ACTION_LISTEN_NAME)]


def install() -> None:
    """Wrap `RemoteAction.run` once, in the Rasa server process (see serving.rasa_server)."""
    if getattr(RemoteAction.run, "ocbot_resilient", False):
        return
    wrapped = resilient(RemoteAction.run, TurnMemo())
    wrapped.ocbot_resilient = True  # type: ignore[attr-defined]
    RemoteAction.run = wrapped  # type: ignore[method-assign]
