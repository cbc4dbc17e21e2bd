"""data/*.yml: every rule that runs action_respond ends with it and waits for the user.

action_respond does the whole turn and then tells Rasa to listen (a FollowupAction event), so
Rasa does not run its policies a second time to find `action_listen`: that is only right while
no rule has a step after action_respond.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RULES = [
    (path.name, rule)
    for path in sorted((ROOT / "data").glob("*.yml"))
    for rule in (yaml.safe_load(path.read_text()) or {}).get("rules", [])
]


def test_there_are_rules_running_action_respond():
    """The check below has something to check."""
    assert any(step.get("action") == "action_respond"
               for _, rule in RULES for step in rule["steps"])


@pytest.mark.parametrize(("file", "rule"), RULES, ids=[r["rule"] for _, r in RULES])
def test_action_respond_is_the_last_step_and_the_bot_listens(file, rule):
    """No step follows action_respond, and the rule waits for the user's next message."""
    steps = rule["steps"]
    for index, step in enumerate(steps):
        if step.get("action") == "action_respond":
            assert index == len(steps) - 1, f"{file}: {rule['rule']}"
            assert rule.get("wait_for_user_input", True), f"{file}: {rule['rule']}"
