"""serving.resilience: the action server down never means silence or lost input."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import BotUttered, FollowupAction, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from serving.resilience import TurnMemo, is_unavailable, resilient


class FakeNlg:
    """Answers every response name with a text naming it."""

    async def generate(self, name: str, tracker: Any, channel: str, **_: Any) -> dict:
        return {"text": f"<{name}>"}


class FakeChannel:
    @staticmethod
    def name() -> str:
        return "rest"


def refused() -> RasaException:
    error = RasaException("Failed to run custom action")
    error.__cause__ = aiohttp.ClientConnectorError(
        connection_key=None, os_error=ConnectionRefusedError(111, "refused")  # type: ignore[arg-type]
    )
    return error


def server_error(status: int) -> RasaException:
    error = RasaException("Failed to execute custom action")
    error.__cause__ = aiohttp.ClientResponseError(None, (), status=status)  # type: ignore[arg-type]
    return error


class ScriptedRun:
    """A RemoteAction.run that raises the scripted errors, then returns `events`."""

    def __init__(self, *errors: BaseException, events: list | None = None) -> None:
        self.errors, self.events, self.calls = list(errors), events or [], 0

    async def __call__(self, action: RemoteAction, *args: Any) -> list:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return self.events


def tracker(text: str = "Jean Dupont", timestamp: float = 1.0) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("s1", [UserUttered(text, timestamp=timestamp)])


def call(run: Any, action: str = "validate_ticket_form", memo: TurnMemo | None = None,
         state: DialogueStateTracker | None = None) -> list:
    wrapped = resilient(run, memo or TurnMemo(), delays=(0, 0))
    return asyncio.run(
        wrapped(RemoteAction(action, None), FakeChannel(), FakeNlg(), state or tracker(), None)
    )


def test_a_refused_connection_is_retried_until_it_works():
    """Two refusals then success: the action's own events come back, nothing else."""
    run = ScriptedRun(refused(), refused(), events=[SlotSet("student_name", "Jean Dupont")])
    assert call(run) == [SlotSet("student_name", "Jean Dupont")]
    assert run.calls == 3


def test_an_action_server_that_stays_down_gets_a_french_message_and_listens():
    """After the retries: the 'unavailable' response, then the bot waits for the user."""
    run = ScriptedRun(refused(), refused(), refused())
    events = call(run)
    assert [type(e) for e in events] == [BotUttered, FollowupAction]
    assert events[0].text == "<utter_service_unavailable>"
    assert events[1].action_name == "action_listen"
    assert run.calls == 3


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_failing_action_server_is_not_retried(status):
    """A 5xx may have run part of the action: no retry, the user is told."""
    run = ScriptedRun(server_error(status))
    assert isinstance(call(run)[0], BotUttered)
    assert run.calls == 1


def test_a_timeout_is_not_retried():
    """The action may still be running: no retry, the user is told."""
    run = ScriptedRun(asyncio.TimeoutError())
    assert isinstance(call(run)[0], BotUttered)
    assert run.calls == 1


def test_the_user_is_told_once_per_turn():
    """Several failing actions in one turn: one message, each still stops the turn."""
    memo, state = TurnMemo(), tracker()
    first = call(ScriptedRun(server_error(500)), memo=memo, state=state)
    second = call(ScriptedRun(server_error(500)), action="action_respond", memo=memo, state=state)
    assert [type(e) for e in first] == [BotUttered, FollowupAction]
    assert [type(e) for e in second] == [FollowupAction]


def test_the_next_turn_is_told_again():
    """A new user message that also fails gets its own message."""
    memo = TurnMemo()
    call(ScriptedRun(server_error(500)), memo=memo, state=tracker(timestamp=1.0))
    events = call(ScriptedRun(server_error(500)), memo=memo, state=tracker(timestamp=2.0))
    assert isinstance(events[0], BotUttered)


def test_the_slot_mapping_check_fails_silently():
    """action_validate_slot_mappings runs every turn; the turn's real action tells the user."""
    assert call(ScriptedRun(server_error(500)), action="action_validate_slot_mappings") == []


@pytest.mark.parametrize(
    "error",
    [RasaException("no endpoint configured"), ValueError("bug"), server_error(404)],
)
def test_other_errors_are_left_to_rasa(error):
    """Configuration errors, bugs and 4xx are not 'unavailable': Rasa handles them as before."""
    with pytest.raises(type(error)):
        call(ScriptedRun(error))
    assert not is_unavailable(error)


def test_the_memo_forgets_the_oldest_turns():
    """The memo is bounded."""
    memo = TurnMemo(size=2)
    for turn in range(3):
        assert memo.first_time(("s", float(turn)))
    assert memo.first_time(("s", 0.0))
    assert not memo.first_time(("s", 2.0))
