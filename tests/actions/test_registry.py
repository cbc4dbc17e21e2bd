"""The action server registers exactly the custom actions the domain declares."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

DOMAIN = Path(__file__).resolve().parents[2] / "domain" / "core.yml"


def test_every_declared_action_is_registered_and_nothing_else():
    """Abstract bases stay out, and no declared action is missing."""
    executor = ActionExecutor()
    executor.register_package("actions")
    declared = set(yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["actions"])
    assert set(executor.actions) == declared
