"""serving.performance: the cached validator accepts and refuses what Rasa's own check does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from serving.performance import validate_action_result

ACTION = RemoteAction("action_respond", None)

GOOD = {
    "events": [{"event": "slot", "name": "role", "value": "mentor", "timestamp": None}],
    "responses": [{"response": "utter_greet"}],
}
BAD = [
    {"events": [{"event": "slot", "name": 3}]},
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
]


def test_a_valid_response_passes_both_checks():
    """A well-formed action server answer is accepted, as by Rasa's own method."""
    assert validate_action_result(ACTION, GOOD) is True
    assert RemoteAction._validate_action_result(ACTION, GOOD) is True


@pytest.mark.parametrize("result", BAD)
def test_an_invalid_response_fails_like_rasas_check(result):
    """Malformed answers raise the same ValidationError, with Rasa's explanation appended."""
    with pytest.raises(ValidationError) as ours:
        validate_action_result(ACTION, result)
    with pytest.raises(ValidationError) as theirs:
        RemoteAction._validate_action_result(ACTION, result)
    assert ours.value.message == theirs.value.message
