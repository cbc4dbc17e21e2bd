"""serving.resilience: the action server down never means silence or lost input."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from serving.resilience import (
    ActionServerUnavailable,
    is_unavailable,
    resilient_run,
    resilient_run_action,
)


class FakeNlg:
    """Answers every response name with a text naming it."""

    async def generate(self, name: str, tracker: Any, channel: str, **_: Any) -> dict:
        return {"text": f"<{name}>"}


class FakeChannel:
    @staticmethod
    def name() -> str:
        return "rest"


def refused() -> RasaException:
    """What RemoteAction raises when the connection is refused: raised while handling it."""
    try:
        try:
            raise aiohttp.ClientConnectorError(
                connection_key=None,  # type: ignore[arg-type]
                os_error=ConnectionRefusedError(111, "refused"),
            )
        except aiohttp.ClientConnectionError:
            raise RasaException("Failed to execute custom action") from None
    except RasaException as error:
        error.__suppress_context__ = False
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


def tracker(text: str = "Jean Dupont") -> DialogueStateTracker:
    return DialogueStateTracker.from_events("s1", [UserUttered(text)])


def call(run: Any, action: str = "validate_ticket_form") -> list:
    wrapped = resilient_run(run, delays=(0, 0))
    return asyncio.run(
        wrapped(RemoteAction(action, None), FakeChannel(), FakeNlg(), tracker(), None)
    )


def test_a_refused_connection_is_retried_until_it_works():
    """Two refusals then success: the action's own events come back, nothing else."""
    run = ScriptedRun(refused(), refused(), events=[SlotSet("student_name", "Jean Dupont")])
    assert call(run) == [SlotSet("student_name", "Jean Dupont")]
    assert run.calls == 3


def test_an_action_server_that_stays_down_is_reported_after_the_retries():
    """Three refusals: ActionServerUnavailable, which no `except Exception` catches."""
    run = ScriptedRun(refused(), refused(), refused())
    with pytest.raises(ActionServerUnavailable) as raised:
        call(run)
    assert not isinstance(raised.value, Exception)
    assert raised.value.action == "validate_ticket_form"
    assert run.calls == 3


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_failing_action_server_is_not_retried(status):
    """A 5xx may have run part of the action: no retry."""
    run = ScriptedRun(server_error(status))
    with pytest.raises(ActionServerUnavailable):
        call(run)
    assert run.calls == 1


def test_a_timeout_is_not_retried():
    """The action may still be running: no retry."""
    run = ScriptedRun(asyncio.TimeoutError())
    with pytest.raises(ActionServerUnavailable):
        call(run)
    assert run.calls == 1


@pytest.mark.parametrize(
    "error",
    [RasaException("no endpoint configured"), ValueError("bug"), server_error(404)],
)
def test_other_errors_are_left_to_rasa(error):
    """Configuration errors, bugs and 4xx are not 'unavailable': Rasa handles them as before."""
    with pytest.raises(type(error)):
        call(ScriptedRun(error))
    assert not is_unavailable(error)


def run_action_that(outcome: BaseException | bool) -> Any:
    async def run_action(*_: Any) -> bool:
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return resilient_run_action(run_action)


def test_the_processor_reverts_the_turn_and_tells_the_user():
    """Unavailable: the turn is reverted, the French message sent and logged, the bot waits."""
    state, channel = form_tracker(), CollectingOutputChannel()
    wrapped = run_action_that(ActionServerUnavailable("validate_decision_form"))
    assert asyncio.run(wrapped(None, None, state, channel, FakeNlg(), None)) is False
    assert [m["text"] for m in channel.messages] == ["<utter_service_unavailable>"]
    assert isinstance(state.events[-3], UserUtteranceReverted)
    assert state.latest_bot_utterance.text == "<utter_service_unavailable>"
    assert state.latest_action_name == "action_listen"  # so the next answer goes to the form
    assert state.active_loop_name == "decision_form"
    assert state.get_slot("requested_slot") == "invoice_status"
    assert state.get_slot("invoice_status") is None  # the unvalidated answer is not kept


def test_the_processor_wrapper_passes_normal_results_through():
    """Without an outage the processor's own answer comes back unchanged."""
    wrapped = run_action_that(True)
    assert asyncio.run(wrapped(None, None, form_tracker(), CollectingOutputChannel(), None, None))


def form_tracker() -> DialogueStateTracker:
    """A decision form waiting for invoice_status; the user has just answered."""
    domain = Domain.from_dict({"slots": {
        "requested_slot": {"type": "any", "mappings": [{"type": "custom"}]},
        "invoice_status": {"type": "any", "mappings": [{"type": "custom"}]},
    }, "forms": {"decision_form": {"required_slots": []}}})
    return DialogueStateTracker.from_events("s1", [
        ActionExecuted("action_listen"), UserUttered("paiement"),
        ActionExecuted("decision_form"), ActiveLoop("decision_form"),
        SlotSet("requested_slot", "invoice_status"), ActionExecuted("action_listen"),
        UserUttered("payée"), SlotSet("invoice_status", "payée"),
    ], slots=domain.slots)
