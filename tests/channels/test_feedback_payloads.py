"""The feedback buttons' payloads get through every channel's guard; forged values do not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.shared.core.domain import Domain

from channels.guard import Screened, screen
from channels.screening import payload_policy

DOMAIN = Path(__file__).resolve().parents[2] / "domain"


@pytest.fixture(scope="module")
def policy():
    return payload_policy(Domain.load(str(DOMAIN)))


def feedback_payloads() -> list[str]:
    responses = yaml.safe_load((DOMAIN / "feedback.yml").read_text(encoding="utf-8"))["responses"]
    # The domain doubles braces (Rasa formats button payloads like response text).
    return [b["payload"].replace("{{", "{").replace("}}", "}")
            for b in responses["utter_ask_feedback"][0]["buttons"]]


def test_feedback_buttons_pass_the_guard(policy):
    """"Oui, merci" and "Pas vraiment" reach Rasa with their intent and entity."""
    payloads = feedback_payloads()
    assert len(payloads) == 2
    for payload in payloads:
        assert screen(payload, policy) == Screened(payload)


def test_forged_feedback_value_is_plain_text(policy):
    """A typed payload with an unknown feedback value is read as words."""
    assert screen('/deny{"feedback":"furious"}', policy) == Screened('deny{"feedback":"furious"}')
