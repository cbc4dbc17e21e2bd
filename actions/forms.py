"""Form validation: which question comes next, and whether the user's answer makes sense.

Both forms ask fields of rules/fields.yml, so one generic validation reads every answer by the
field's kind; the two forms differ only in which fields they need.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions import context, requester
from actions.business.decisions import Ask, step
from actions.business.fields import is_canonical, understand
from actions.business.flow import interruption, ticket_fields

Events = list[dict[str, Any]]


class FieldsFormValidation(FormValidationAction):
    """Reads each answer by its field's kind; a cancel or a new subject ends the form."""

    @abstractmethod
    def name(self) -> str:
        """Abstract, so that the action server does not register this base class."""

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
    ) -> Events:
        required = await self.required_slots([], dispatcher, tracker, domain)
        events: Events = []
        for name, value in tracker.slots_to_validate().items():
            if name == requester.EMAIL_SLOT and name in required:
                events.extend(requester.validate_email(value, dispatcher, tracker))
                continue
            if name not in required or name not in context.catalog().fields:
                continue
            events.extend(self._validate(name, value, dispatcher, tracker))
        return events

    def _validate(
        self, name: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
    ) -> Events:
        field = context.catalog().fields[name]
        text = str(value)
        reading = understand(field, text, context.today())
        intent, confidence = context.latest_intent(tracker)
        leaving = interruption(text, intent, confidence, reading.value is not None, field.kind,
                               context.INTERRUPT_CONFIDENCE)
        if leaving:
            tracker.slots["interruption"] = leaving
            return [SlotSet(name, None), SlotSet("interruption", leaving)]
        if reading.value is None:
            dispatcher.utter_message(response=reading.error)
        tracker.slots[name] = reading.value
        return [SlotSet(name, reading.value)]

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
    ) -> dict[str, Any] | None:
        """The first required field still empty; None ends the form (also when the user left)."""
        if tracker.get_slot("interruption"):
            return SlotSet(REQUESTED_SLOT, None)
        required = await self.required_slots([], dispatcher, tracker, domain)
        missing = (name for name in required if tracker.get_slot(name) is None)
        return SlotSet(REQUESTED_SLOT, next(missing, None))


class ValidateDecisionForm(FieldsFormValidation):
    """Asks the facts the current rule needs, one at a time, until it can decide."""

    def name(self) -> str:
        return "validate_decision_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        rule = tracker.get_slot("decision_rule")
        if not rule:
            return []
        fields = context.catalog().fields
        facts = {
            name: value if is_canonical(fields[name], value) else None
            for name, value in context.slot_values(tracker, list(fields)).items()
        }
        next_step = step(rule, context.role_of(tracker), facts, context.today(), context.rules())
        asked = [name for name, value in facts.items() if value is not None]
        return asked + [next_step.fact] if isinstance(next_step, Ask) else asked


class ValidateTicketForm(FieldsFormValidation):
    """Asks the details of the ticket's category that are still missing."""

    def name(self) -> str:
        return "validate_ticket_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        category = tracker.get_slot("ticket_category")
        if not category:
            return []
        names = ticket_fields(category, context.role_of(tracker), context.catalog())
        return [*names, *requester.missing_slots(tracker)]  # then the address to answer to
