"""Slots filled outside forms: the role the chat widget passes in the message metadata."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions.business import parsing


class ValidateSlotMappings(ValidationAction):
    """Runs after every user message (action_extract_slots calls it)."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def extract_role(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
    ) -> dict[str, Any]:
        """The widget knows the user's role: `metadata.role` wins over anything guessed."""
        metadata = tracker.latest_message.get("metadata") or {}
        raw = metadata.get("role") if isinstance(metadata, dict) else None
        role = parsing.parse_role(raw) if isinstance(raw, str) else None
        if role and role != tracker.get_slot("role"):
            return {"role": role}
        return {}

    async def extract_student_gender(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
    ) -> dict[str, Any]:
        """"mon étudiante ne répond pas": the answers about the student agree with it."""
        gender = parsing.parse_student_gender(tracker.latest_message.get("text") or "")
        if gender and gender != tracker.get_slot("student_gender"):
            return {"student_gender": gender}
        return {}

    async def validate_role(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
    ) -> dict[str, Any]:
        """Entities may say "coache" or "mentorat": keep only the two known roles."""
        role = parsing.parse_role(value) if isinstance(value, str) else None
        return {"role": role or tracker.get_slot("role")}
