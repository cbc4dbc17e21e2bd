"""What a message outside the questions means, given where the conversation stands.

One pure function, `read_turn`: the conversation's state (typed, built from the tracker by the
adapter) and the understood message in, the kind of turn out. The order of the checks is the
order of precedence: a reply to what the bot has just asked (its summary, a fact for the rule it
has just applied, "mentor ou coach ?", its ticket offer) comes before a new topic, and a new
topic before small talk. actions/business/conversation.py carries each kind of turn out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as default
from datetime import date
from enum import Enum

from actions.business import parsing
from actions.business.catalog import Catalog
from actions.business.dialogue import (
    Change,
    Command,
    GiveUp,
    OfferReply,
    RoleAnswer,
    SummaryReply,
    after_unreadable,
    asks_for_ticket,
    is_resent_confirmation,
    read_correction,
    read_followup,
    read_hypothesis,
    read_offer_reply,
    read_role_answer,
    read_summary_reply,
)
from actions.business.fields import SKIPPED, understand
from actions.business.flow import SMALL_TALK, interruption, word_count
from actions.business.opening import DATE_KINDS, spells_out_a_date, stated_fact

# An "answer" of more words than this, when the bot asked nothing, is a misread question.
MAX_BARE_ANSWER_WORDS = 4


class Step(Enum):
    """What the bot waits for after its turn (the `next_step` slot; while a question is asked,
    the conversation rules send every message to action_respond, small talk included)."""

    LISTEN = "listen"  # nothing in particular: any question
    DECISION = "decision"  # the answer to one of the rule's questions (slot `asked_field`)
    TICKET = "ticket"  # the answer to one of the ticket's questions (slot `asked_field`)
    CONFIRM = "confirm"  # Confirmer / Modifier / Annuler at the summary
    CREATED = "created"  # the ticket was sent

    @classmethod
    def of(cls, value: object) -> Step | None:
        return next((step for step in cls if step.value == value), None)


# The steps at which a question is asked and its answer awaited.
ASKING = (Step.DECISION, Step.TICKET)


@dataclass(frozen=True)
class State:
    """Where the conversation stands, as the tracker's slots say it."""

    step: Step | None = None
    asked_field: str | None = None  # the question asked, at Step.DECISION or Step.TICKET
    role: str | None = None
    topic: str | None = None
    pending_topic: str | None = None  # asked "mentor ou coach ?" for this topic
    offered_ticket: str | None = None  # asked "Souhaitez-vous que j'ouvre une demande ?"
    last_decision: str | None = None  # the rule just applied, without a ticket
    ticket_category: str | None = None  # the draft on screen at the summary
    known: Mapping[str, str] = default(default_factory=dict)  # facts read so far
    draft_fields: tuple[str, ...] = ()  # the draft's details
    offered_fields: tuple[str, ...] = ()  # the offered ticket's details
    # The bot's last message was the fallback's suggestions: its 'Autre demande' is a button,
    # no question, so a bare "oui" accepts nothing.
    suggested: bool = False


@dataclass(frozen=True)
class Message:
    """The user's message as the classifier understood it."""

    text: str
    intent: str
    confidence: float = 1.0
    role_entity: str | None = None
    field_entity: str | None = None

    @property
    def words(self) -> int:
        return word_count(self.text)


@dataclass(frozen=True)
class AtSummary:
    """A reply to the summary: a command, typed or clicked."""

    reply: SummaryReply


@dataclass(frozen=True)
class SideQuestion:
    """A question asked at the summary: answered, then the summary again."""

    topic: str


@dataclass(frozen=True)
class FollowUp:
    """A new fact for the rule just applied: the rule runs again."""

    rule: str
    change: Change


@dataclass(frozen=True)
class Hypothesis:
    """"Et si j'attends plus d'un mois ?" right after a rule: the same case `days` later."""

    rule: str
    days: int


@dataclass(frozen=True)
class RoleGiven:
    """The reply to "mentor ou coach ?"."""

    answer: RoleAnswer


@dataclass(frozen=True)
class OfferAccepted:
    """The ticket offer accepted, with the details the reply already gives."""

    category: str
    reply: OfferReply


@dataclass(frozen=True)
class NewTopic:
    topic: str


@dataclass(frozen=True)
class TicketAsked:
    """"Ouvrir une demande", or a yes to the offer: the ticket the situation calls for."""


@dataclass(frozen=True)
class ResentConfirmation:
    """Confirmer clicked again after the ticket was sent: the same ticket is shown."""


@dataclass(frozen=True)
class RoleNoted:
    """The role said out of the blue."""


@dataclass(frozen=True)
class Unsure:
    """Not understood, or an answer when nothing was asked: the likeliest topics offered."""


@dataclass(frozen=True)
class SmallTalk:
    intent: str


@dataclass(frozen=True)
class Nothing:
    """Nothing to act on ("ok"): the bot says it is there for anything else."""


Turn = (AtSummary | SideQuestion | FollowUp | Hypothesis | RoleGiven | OfferAccepted | NewTopic
        | TicketAsked | ResentConfirmation | RoleNoted | Unsure | SmallTalk | Nothing)


def read_turn(state: State, message: Message, catalog: Catalog, today: date) -> Turn:
    """The kind of turn this message makes, in the state the conversation is in."""
    topics = list(catalog.topics)
    if state.step is Step.CONFIRM and state.ticket_category:
        reply = read_summary_reply(message.text, message.intent, message.field_entity,
                                   state.draft_fields, catalog, today)
        if reply.command is Command.UNCLEAR and message.intent in catalog.topics:
            return SideQuestion(message.intent)
        return AtSummary(reply)
    if state.last_decision and (days := read_hypothesis(message.text)):
        return Hypothesis(state.last_decision, days)
    if state.last_decision:
        change = read_followup(message.text, message.intent, message.confidence,
                               list(state.known), catalog, today)
        if change:
            return FollowUp(state.last_decision, change)
    if state.pending_topic and message.intent not in SMALL_TALK:
        role_answer = read_role_answer(message.text, message.intent, message.confidence,
                                       state.pending_topic, topics)
        if role_answer:
            return RoleGiven(role_answer)
    if state.offered_ticket and not state.suggested and message.intent != "request_human":
        offer = read_offer_reply(message.text, message.intent, message.confidence, topics,
                                 state.offered_fields, catalog, today, state.topic)
        if offer:
            return OfferAccepted(state.offered_ticket, offer)
    return _outside_questions(state, message, catalog)


def _outside_questions(state: State, message: Message, catalog: Catalog) -> Turn:
    """A message that answers none of the bot's questions."""
    intent = message.intent
    if intent in catalog.topics:
        return NewTopic(intent)
    if intent == "request_human" or (
            intent == "affirm" and state.offered_ticket and not state.suggested):
        return TicketAsked()
    if intent == "affirm" and state.step is Step.CREATED and is_resent_confirmation(
            message.text):
        return ResentConfirmation()
    if intent == "inform" and state.pending_topic and state.role:
        return NewTopic(state.pending_topic)
    if intent == "inform" and message.role_entity:
        return RoleNoted()
    bare_answer = intent == "inform" or (
        intent in ("affirm", "deny") and message.words > MAX_BARE_ANSWER_WORDS)
    if intent == "nlu_fallback" or bare_answer:
        return Unsure()
    if intent in SMALL_TALK:
        return SmallTalk(intent)
    return Nothing()


# ------------------------------------------------------------------ an answer to a question


@dataclass(frozen=True)
class Answered:
    """The question is answered with this value; `inferred` when the bot worked it out (a date
    from "la semaine dernière") rather than read it, so that it says which one it took."""

    value: str
    inferred: bool = False


@dataclass(frozen=True)
class Corrected:
    """An earlier detail corrected (or the asked one answered as a correction)."""

    change: Change


@dataclass(frozen=True)
class WantsTicket:
    """"Ouvrir une demande" typed during the questions."""


@dataclass(frozen=True)
class Leaves:
    """A cancel or a new subject: the questions end (`reason` is CANCEL or the intent)."""

    reason: str


@dataclass(frozen=True)
class Unreadable:
    """No value in the answer: the response that explains why, and what to do about it."""

    error: str | None
    next: GiveUp
    value: str | None = None  # what is kept, when the detail is skipped or kept as typed


Answer = Answered | Corrected | WantsTicket | Leaves | Unreadable


@dataclass(frozen=True)
class Asked:
    """The question the bot asked, and where: the details the questions deal with, how many
    unreadable answers it already got, and whether a ticket's details are being asked."""

    field: str
    topic_fields: tuple[str, ...] = ()
    tries: int = 0
    in_ticket: bool = False
    given: tuple[str, ...] = ()  # the details already answered


def read_answer(asked: Asked, message: Message, catalog: Catalog, today: date,
                leave_confidence: float) -> Answer:
    """How a message answers the bot's question, in order: a request for a ticket, a correction,
    the answer itself (or the fact said in other words), leaving, or an unreadable answer."""
    if asks_for_ticket(message.text, message.intent, message.confidence):
        return WantsTicket()
    change = read_correction(message.text, asked.field, asked.topic_fields, catalog, today,
                             asked.given)
    if change:
        return Corrected(change)
    field = catalog.fields[asked.field]
    reading = understand(field, message.text, today)
    value = reading.value if reading.value is not None else stated_fact(asked.field, message.text)
    leaving = interruption(message.text, message.intent, message.confidence, value is not None,
                           field.kind, leave_confidence)
    if leaving:
        return Leaves(leaving)
    if value is not None:
        return Answered(value, field.kind in DATE_KINDS and not spells_out_a_date(message.text))
    choice = after_unreadable(asked.tries + 1, field.optional, asked.in_ticket)
    kept = None
    if choice is GiveUp.SKIP:
        kept = SKIPPED
    elif choice is GiveUp.AS_TYPED:
        kept = parsing.as_typed(message.text) or SKIPPED
    return Unreadable(reading.error, choice, kept)
