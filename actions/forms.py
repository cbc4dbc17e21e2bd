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

from actions import attachments, context, feedback, requester
from actions.business.decisions import Ask, step
from actions.business.dialogue import (
    Change,
    GiveUp,
)
from actions.business.fields import SKIPPED, display, is_canonical
from actions.business.flow import REQUEST_TICKET, ticket_fields
from actions.business.turn import (
    Answered,
    Asked,
    Corrected,
    Leaves,
    Message,
    Unreadable,
    WantsTicket,
    read_answer,
)

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
            if name == attachments.FILE_SLOT and name in required:
                events.extend(attachments.validate(value, dispatcher, tracker))
                continue
            if name not in required or name not in context.catalog().fields:
                continue
            events.extend(self._validate(name, value, dispatcher, tracker))
        return events

    def _validate(
        self, name: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
    ) -> Events:
        rated = feedback.during_form(dispatcher, tracker)
        if rated is not None:  # an old "Oui, merci" / "Pas vraiment" button: no answer
            return [SlotSet(name, None), *rated]
        tries = tracker.get_slot("failed_answers") or {}
        fields = context.catalog().fields
        known = [other for other in fields if is_canonical(fields[other], tracker.get_slot(other))]
        asked = Asked(
            field=name, topic_fields=tuple(self._topic_fields(tracker, known)),
            tries=tries.get("count", 0) if tries.get("field") == name else 0,
            in_ticket=bool(tracker.get_slot("ticket_category")),
            given=tuple(other for other in known if other != name),
        )
        intent, confidence = context.latest_intent(tracker)
        message = Message(str(value), intent or "", confidence)
        answer = read_answer(asked, message, context.catalog(), context.today(),
                             context.INTERRUPT_CONFIDENCE)
        match answer:
            case WantsTicket():
                return self._ticket_requested(name, dispatcher, tracker)
            case Corrected(change):
                return self._corrected(name, change, dispatcher, tracker)
            case Leaves(reason):
                tracker.slots["interruption"] = reason
                return [SlotSet(name, None), SlotSet("interruption", reason)]
            case Answered(found, inferred):
                if inferred:  # "la semaine dernière": say which date was taken
                    field = context.catalog().fields[name]
                    dispatcher.utter_message(response="utter_date_understood",
                                             date_label=display(field, found, context.catalog()))
                tracker.slots[name] = found
                return [SlotSet(name, found), *self._tries_reset(tracker)]
            case Unreadable(error, next_move, kept):
                return self._unreadable(name, asked.tries + 1, error, next_move, kept,
                                        dispatcher, tracker)
        raise AssertionError(f"unknown answer {answer!r}")

    def _unreadable(
        self, name: str, count: int, error: str | None, next_move: GiveUp, kept: str | None,
        dispatcher: CollectingDispatcher, tracker: Tracker,
    ) -> Events:
        """Asked again with an example; after two tries the bot stops asking the same thing."""
        if next_move is GiveUp.ASK_AGAIN:
            dispatcher.utter_message(response=error)
            tracker.slots[name] = None
            return [SlotSet(name, None), SlotSet("failed_answers", {"field": name, "count": count})]
        events = self._tries_reset(tracker) or [SlotSet("failed_answers", None)]
        if next_move is GiveUp.TO_TEAM:
            dispatcher.utter_message(response="utter_fact_to_team")
            tracker.slots["interruption"] = REQUEST_TICKET
            return [SlotSet(name, None), SlotSet("interruption", REQUEST_TICKET), *events]
        dispatcher.utter_message(response="utter_detail_kept_as_typed" if kept != SKIPPED
                                 else "utter_detail_skipped")
        tracker.slots[name] = kept
        return [SlotSet(name, kept), *events]

    def _tries_reset(self, tracker: Tracker) -> Events:
        if tracker.get_slot("failed_answers") is None:
            return []
        tracker.slots["failed_answers"] = None
        return [SlotSet("failed_answers", None)]

    def _ticket_requested(
        self, asked: str, dispatcher: CollectingDispatcher, tracker: Tracker,
    ) -> Events:
        """"Ouvrir une demande" typed during the questions: the ticket form goes on (that is what
        it does); the rule's questions give way to the topic's own ticket."""
        if tracker.get_slot("ticket_category"):
            dispatcher.utter_message(response="utter_ticket_in_progress")
            return [SlotSet(asked, None)]
        tracker.slots["interruption"] = REQUEST_TICKET
        return [SlotSet(asked, None), SlotSet("interruption", REQUEST_TICKET)]

    def _corrected(
        self, asked: str, change: Change, dispatcher: CollectingDispatcher, tracker: Tracker,
    ) -> Events:
        """Take the corrected detail, keep the rest; the question asked comes again if it was
        not the one corrected."""
        tracker.slots[change.field] = change.value
        if change.field == asked:
            return [SlotSet(asked, change.value)]
        field = context.catalog().fields[change.field]
        dispatcher.utter_message(response="utter_detail_corrected", field_label=field.label,
                                 value=display(field, change.value, context.catalog()))
        tracker.slots[asked] = None
        return [SlotSet(change.field, change.value), SlotSet(asked, None)]

    def _topic_fields(self, tracker: Tracker, known: list[str]) -> list[str]:
        """The details this conversation has dealt with (`known`: given so far), and the
        ticket's."""
        category = tracker.get_slot("ticket_category")
        draft = ticket_fields(category, context.role_of(tracker), context.catalog()) if (
            category) else ()
        return list(dict.fromkeys([*known, *draft]))

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
        # then the file the category comes with, then the address to answer to
        return [*names, *attachments.required_slots(tracker), *requester.missing_slots(tracker)]
