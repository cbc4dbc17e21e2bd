"""Tests for nlu.speaker_facts: the role (verified metadata first) and the student's gender read
with the message, as Rasa runs the component."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from nlu.speaker_facts import SpeakerFacts


@pytest.fixture
def component(tmp_path) -> SpeakerFacts:
    return SpeakerFacts.create({}, LocalModelStorage(tmp_path), Resource("speaker_facts"),
                               ExecutionContext(GraphSchema({}), "test"))


def facts(component: SpeakerFacts, text: str, metadata=None, typed_role=None) -> dict:
    data = {"text": text, "metadata": metadata}
    if typed_role:
        data["entities"] = [{"entity": "role", "value": typed_role, "start": 0, "end": 5,
                             "extractor": "RegexEntityExtractor"}]
    [message] = component.process([Message(data=data)])
    return {entity["entity"]: entity["value"] for entity in message.get("entities", [])}


@pytest.mark.parametrize(("metadata", "expected"), [
    ({"role": "mentor"}, "mentor"),
    ({"role": "Coach"}, "coach"),
    ({"role": "admin"}, None),
    ({}, None),
    ({"role": 3}, None),
    (None, None),
], ids=["mentor", "capitalised", "unknown-role", "no-role", "not-text", "no-metadata"])
def test_the_metadata_role_becomes_the_role(component, metadata, expected):
    """Only 'mentor' or 'coach' in the metadata give the role."""
    assert facts(component, "bonjour", metadata).get("role") == expected


def test_the_metadata_role_wins_over_a_typed_one(component):
    """Signed in as a mentor, "je suis coach" does not change the role: the token is a proof."""
    assert facts(component, "je suis coach", {"role": "mentor"}, typed_role="coach") == {
        "role": "mentor"}


@pytest.mark.parametrize(("typed", "expected"), [
    ("coache", "coach"), ("mentorat", "mentor"), ("bonjour", None),
])
def test_a_typed_role_is_kept_only_as_one_of_the_two_roles(component, typed, expected):
    """'coache' typed by the user is kept as 'coach'; a word that is no role is dropped."""
    assert facts(component, f"je suis {typed}", typed_role=typed).get("role") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("mon étudiante ne répond plus", "feminine"),
    ("mon étudiant est absent", "masculine"),
    ("mon apprenante a raté deux sessions", "feminine"),
    ("Camille Martin", None),
    ("l'étudiant ou l'étudiante, je ne sais plus", None),
], ids=["feminine", "masculine", "apprenante", "no-gendered-noun", "both"])
def test_the_students_gender_follows_the_users_words(component, text, expected):
    """"mon étudiante" makes the answers about the student feminine; a name changes nothing."""
    assert facts(component, text).get("student_gender") == expected


def test_other_entities_are_kept(component):
    """The component adds to what the extractors found, it drops nothing else."""
    message = Message(data={"text": "le mois", "entities": [
        {"entity": "field", "value": "month", "start": 3, "end": 7, "extractor": "Regex"}]})
    [processed] = component.process([message])
    assert [e["entity"] for e in processed.get("entities")] == ["field"]
