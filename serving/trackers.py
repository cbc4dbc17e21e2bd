"""Fewer tracker copies in the Rasa server's turn (docs/performance.md has the profiles).

- `MessageProcessor._run_action` runs every action (the custom one, each response, the final
  `action_listen`) on a copy of the tracker, made by replaying every event of the session,
  "as we might need to discard the policy events in case of a rejection": the events the
  policy attached to its prediction, applied to the copy only. A prediction of RulePolicy
  carries none, and then the copy is the tracker itself, event for event: the action gets the
  tracker, not a replayed duplicate. A loop action (a form) may mutate what it gets, and keeps
  its copy.
- Every new tracker (each copy and each of the prior trackers a policy featurises) copies each
  of the domain's 150 slots with `copy.copy`, which goes through `__reduce_ex__` and copyreg
  for plain attribute objects: 5 % of the server's samples. `Slot.__copy__` makes the same
  shallow copy (a new object of the same class with the same attribute values) directly.
"""

from __future__ import annotations

from typing import Any

from rasa.core.actions.loops import LoopAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.slots import Slot

RunActionFn = Any


def slot_copy(self: Slot) -> Slot:
    """`copy.copy(slot)`: a new slot of the same class sharing the attribute values."""
    copied = object.__new__(type(self))
    copied.__dict__.update(self.__dict__)
    return copied


class _Itself:
    """`tracker.copy()` answering the tracker itself, for the length of one action run."""

    def __init__(self, tracker: Any) -> None:
        self.tracker = tracker

    def __enter__(self) -> None:
        self.tracker.copy = lambda: self.tracker  # an instance attribute hides the method

    def __exit__(self, *_: object) -> None:
        del self.tracker.copy


def run_action_on_the_tracker(run_action: RunActionFn) -> RunActionFn:
    """`MessageProcessor._run_action` without the tracker copy when there is nothing to undo."""

    async def _run_action(self: MessageProcessor, action: Any, tracker: Any,
                          output_channel: Any, nlg: Any, prediction: Any) -> bool:
        if prediction.events or isinstance(action, LoopAction):
            return await run_action(self, action, tracker, output_channel, nlg, prediction)
        with _Itself(tracker):
            return await run_action(self, action, tracker, output_channel, nlg, prediction)

    _run_action.ocbot_no_copy = True  # type: ignore[attr-defined]
    return _run_action


def install() -> None:
    """In the Rasa server process (serving.performance.install)."""
    Slot.__copy__ = slot_copy  # type: ignore[method-assign]
    if not getattr(MessageProcessor._run_action, "ocbot_no_copy", False):
        MessageProcessor._run_action = run_action_on_the_tracker(  # type: ignore[method-assign]
            MessageProcessor._run_action)
