"""The role from the chat widget's metadata."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.slot_mappings import ValidateSlotMappings
from tests.actions.conftest import make_tracker


def extract(slots, metadata):
    tracker = make_tracker(slots, intent="greet", metadata=metadata)
    return asyncio.run(ValidateSlotMappings().extract_role(CollectingDispatcher(), tracker, {}))


@pytest.mark.parametrize(("metadata", "expected"), [
    ({"role": "mentor"}, {"role": "mentor"}),
    ({"role": "Coach"}, {"role": "coach"}),
    ({"role": "admin"}, {}),
    ({}, {}),
    ({"role": 3}, {}),
], ids=["mentor", "capitalised", "unknown-role", "no-role", "not-text"])
def test_metadata_role_sets_the_slot(metadata, expected):
    """Only 'mentor' or 'coach' from the widget set the role."""
    assert extract({}, metadata) == expected


def test_metadata_role_already_set_changes_nothing():
    """The same role again emits no event."""
    assert extract({"role": "mentor"}, {"role": "mentor"}) == {}


def test_entity_role_is_normalised():
    """'coache' typed by the user is kept as 'coach'."""
    tracker = make_tracker({}, intent="inform")
    result = asyncio.run(ValidateSlotMappings().validate_role("coache", CollectingDispatcher(),
                                                               tracker, {}))
    assert result == {"role": "coach"}


@pytest.mark.parametrize(("text", "slots", "expected"), [
    ("mon étudiante ne répond plus", {"student_gender": "masculine"},
     {"student_gender": "feminine"}),
    ("mon étudiant est absent", {"student_gender": "feminine"}, {"student_gender": "masculine"}),
    ("Camille Martin", {"student_gender": "feminine"}, {}),
    ("mon étudiante", {"student_gender": "feminine"}, {}),
], ids=["feminine", "back-to-masculine", "no-gendered-noun", "unchanged"])
def test_student_gender_follows_the_users_words(text, slots, expected):
    """"mon étudiante" makes the answers about the student feminine; a name changes nothing."""
    tracker = make_tracker(slots, intent="inform", text=text)
    result = asyncio.run(ValidateSlotMappings().extract_student_gender(
        CollectingDispatcher(), tracker, {}))
    assert result == expected
