"""Two facts about who is speaking, read with the message instead of by the action server.

- the user's role: the verified identity's role (channels put it in the message metadata, the
  client's own claims removed: channels/identity.py) wins over a role the user typed ("je suis
  coach"); a typed role is kept only as "mentor" or "coach" ("coache", "mentorat" are read so);
- the student's gender: "mon étudiante ne répond plus" makes the answers about the student
  feminine, "mon étudiant" masculine; a message naming neither changes nothing.

Both come out as entities (`role`, `student_gender`) that the domain maps onto slots with
`from_entity`. Before this component a custom action (`action_validate_slot_mappings`) did the
same after every message: one round trip to the action server, the whole tracker with it, on
every turn, the greeting included (docs/performance.md).

Registered in config.yml after the entity extractors, like a built-in component.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.business.parsing import parse_role, parse_student_gender

ROLE = "role"
GENDER = "student_gender"
EXTRACTOR = "SpeakerFacts"


def role_entities(entities: list[dict[str, Any]], metadata: Any) -> list[dict[str, Any]]:
    """The role entities a message ends with: the metadata's role alone when it names one,
    else the typed ones that read as a role, normalised; other entities untouched."""
    others = [entity for entity in entities if entity.get("entity") != ROLE]
    claimed = metadata.get(ROLE) if isinstance(metadata, dict) else None
    verified = parse_role(claimed) if isinstance(claimed, str) else None
    if verified:
        return [*others, {"entity": ROLE, "value": verified, "extractor": EXTRACTOR}]
    typed = []
    for entity in entities:
        if entity.get("entity") != ROLE:
            continue
        value = entity.get("value")
        role = parse_role(value) if isinstance(value, str) else None
        if role:
            typed.append({**entity, "value": role})
    return [*others, *typed]


def gender_entities(text: str) -> list[dict[str, Any]]:
    """A `student_gender` entity when the message names one student with a gendered noun."""
    gender = parse_student_gender(text)
    return [{"entity": GENDER, "value": gender, "extractor": EXTRACTOR}] if gender else []


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False,
)
class SpeakerFacts(GraphComponent):
    """Adds the `role` (metadata first) and `student_gender` entities of each message."""

    @classmethod
    def create(
        cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpeakerFacts:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = role_entities(list(message.get(ENTITIES, [])), message.get(METADATA))
            entities += gender_entities(message.get(TEXT) or "")
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
