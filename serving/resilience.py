"""What the Rasa server does when the action server cannot answer.

Rasa 3.6 logs a failed custom action, drops its events and goes on predicting
(`MessageProcessor._run_action`): the user gets silence, and a form that was waiting for an answer
may close itself because its validation returned nothing. `install()` changes two things:

- `RemoteAction.run` retries a refused connection briefly (the request never reached the action
  server, so a retry cannot run an action twice: a rolling restart is bridged). When the action
  server stays unreachable, times out or fails (5xx), it raises ActionServerUnavailable, a
  BaseException so that no generic `except Exception` of Rasa's (forms, processor) swallows it.
- `MessageProcessor._run_action` catches it: the user's turn is reverted (UserUtteranceReverted:
  the slots and the open form are exactly as before the message, which stays in the event log),
  the user is told `utter_service_unavailable`, and the bot listens again. Sending the message again
  once the action server is back continues the conversation where it was.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.actions.action import RemoteAction, create_bot_utterance
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, Event, UserUtteranceReverted
from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)

UNAVAILABLE_RESPONSE = "utter_service_unavailable"
CONNECT_RETRY_DELAYS = (0.2, 0.6)

RunFn = Callable[..., Awaitable[list[Event]]]
RunActionFn = Callable[..., Awaitable[bool]]


class ActionServerUnavailable(BaseException):
    """The action server could not run `action`; handled by the processor wrapper."""

    def __init__(self, action: str) -> None:
        super().__init__(f"action server unavailable for '{action}'")
        self.action = action


def _cause(error: BaseException) -> BaseException | None:
    # Rasa raises its RasaException from (5xx) or while handling (refused) the aiohttp error.
    return error.__cause__ or error.__context__


def is_unavailable(error: BaseException) -> bool:
    """An error that means 'the action server could not do it', as opposed to a bug in Rasa."""
    if isinstance(error, (asyncio.TimeoutError, aiohttp.ClientConnectionError)):
        return True
    cause = _cause(error)
    if isinstance(error, RasaException) and cause is not None:
        if isinstance(cause, aiohttp.ClientResponseError):
            return cause.status >= 500
        return isinstance(cause, (aiohttp.ClientConnectionError, asyncio.TimeoutError))
    return False


def connection_refused(error: BaseException) -> bool:
    """The request never reached the action server: safe to send again."""
    return isinstance(error, aiohttp.ClientConnectorError) or isinstance(
        _cause(error), aiohttp.ClientConnectorError
    )


def resilient_run(run: RunFn, delays: tuple[float, ...] = CONNECT_RETRY_DELAYS) -> RunFn:
    """`RemoteAction.run` with retries on refused connections; raises ActionServerUnavailable."""

    async def run_resilient(self: RemoteAction, *args: Any) -> list[Event]:
        attempt = 0
        while True:
            try:
                return await run(self, *args)
            except Exception as error:
                if not is_unavailable(error):
                    raise
                if attempt < len(delays) and connection_refused(error):
                    await asyncio.sleep(delays[attempt])
                    attempt += 1
                    continue
                logger.error("Action server unavailable for '%s': %s", self.name(), error)
                raise ActionServerUnavailable(self.name()) from error

    return run_resilient


def resilient_run_action(run_action: RunActionFn) -> RunActionFn:
    """`MessageProcessor._run_action` that turns ActionServerUnavailable into a clear answer."""

    async def run_action_resilient(
        self: MessageProcessor, action: Any, tracker: Any, output_channel: Any, nlg: Any,
        prediction: Any,
    ) -> bool:
        try:
            return await run_action(self, action, tracker, output_channel, nlg, prediction)
        except ActionServerUnavailable:
            await tell_unavailable(tracker, output_channel, nlg)
            return False  # stop predicting: the bot waits for the user

    return run_action_resilient


async def tell_unavailable(tracker: Any, output_channel: Any, nlg: Any) -> None:
    """Revert the user's turn and say so; the message itself stays in the event log."""
    tracker.update(UserUtteranceReverted())
    response = await nlg.generate(UNAVAILABLE_RESPONSE, tracker, output_channel.name())
    if response:
        await output_channel.send_response(tracker.sender_id, dict(response))
        tracker.update(create_bot_utterance(dict(response)))
    # The revert also drops the `action_listen` before the message: the bot listens again, as
    # after any answer, so the next message goes to the open form (or to NLU) as usual.
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))


def install() -> None:
    """Wrap both methods once, in the Rasa server process (see serving.rasa_server)."""
    if getattr(RemoteAction.run, "ocbot_resilient", False):
        return
    run = resilient_run(RemoteAction.run)
    run.ocbot_resilient = True  # type: ignore[attr-defined]
    RemoteAction.run = run  # type: ignore[method-assign]
    MessageProcessor._run_action = resilient_run_action(  # type: ignore[method-assign]
        MessageProcessor._run_action
    )
