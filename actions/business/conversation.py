"""The whole conversation, as one pure function: where it stands and the user's message in, the
bot's whole next turn out.

`next_turn(conversation, message, today, catalog, rules, new_key)` returns a `Turn`: the
responses by name with their values and buttons (`Say`, in order), the conversation's new state
(its slots), the ticket draft when there is one, and the effects the adapter must carry out
(`CreateTicket`, `RecordFeedback`). When a ticket is created, the store's answer comes back
through `after_ticket(conversation, result)`, so that the responses are all chosen here.
actions/respond.py is the Rasa adapter: it reads the tracker into a `Conversation` and a
`Message` once, calls these two functions, sends the responses, sets the slots that changed
and calls the ports (the ticket store, the outbox).

One turn, in order (`_respond`):
1. a question is asked (a rule's or a ticket's, `asked_field`): the message is read as its answer
   (`read_answer`: the value, a correction, a ticket request, leaving, an unreadable answer);
2. else feedback on the answer just given ("Oui, merci" / "Pas vraiment");
3. else what the message means where the conversation stands (`read_turn`: a reply to the
   summary, a fact for the rule just applied, the role, the ticket offer, a new topic...);
4. then, while a rule's or a ticket's questions are under way and nothing is asked yet, the bot
   moves on (`next_question`): the next question, the rule's decision (`decisions.step`, applied
   once, its `Ask`/`Outcome` handed over as is), the ticket it opens, or the ticket's summary.
Nothing outside this module chooses a response or a slot value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from dataclasses import field as default
from datetime import date, timedelta
from typing import Any

from actions.business import feedback
from actions.business.address_edit import read_address_edit
from actions.business.calendar import date_label
from actions.business.catalog import Catalog, FileRequest
from actions.business.decisions import Outcome, step
from actions.business.dialogue import (
    Change,
    Command,
    GiveUp,
    SummaryReply,
    after_unreadable,
    declared_role,
    ticket_on_request,
)
from actions.business.fields import SKIPPED, display, is_canonical
from actions.business.flow import (
    CANCEL,
    REQUEST_TICKET,
    interruption,
    plan_topic,
    summary_lines,
    ticket_fields,
    word_count,
)
from actions.business.opening import opening_facts
from actions.business.questions import (
    EMAIL,
    FILE,
    AskFor,
    Decided,
    Progress,
    Summarised,
    next_question,
)
from actions.business.reply_address import is_email, parse_email
from actions.business.rulebook import ROLES, Rules
from actions.business.turn import (
    ASKING,
    Answered,
    Asked,
    AtSummary,
    Corrected,
    FollowUp,
    Hypothesis,
    Leaves,
    Message,
    NewTopic,
    OfferAccepted,
    ResentConfirmation,
    RoleGiven,
    RoleNoted,
    SideQuestion,
    SmallTalk,
    State,
    Step,
    TicketAsked,
    Unreadable,
    Unsure,
    WantsTicket,
    read_answer,
    read_turn,
)
from actions.business.turn import Turn as Kind  # the kind of turn a message makes
from actions.tickets.attachments import Attachment, Refusal
from actions.tickets.model import IDENTITY_DECLARED, IDENTITY_NONE, IDENTITY_VERIFIED

# Below this confidence an intent seen in the answer to a question never leaves the questions.
INTERRUPT_CONFIDENCE = 0.8
FALLBACK_TOPIC = "out_of_scope"
SUGGESTIONS = 2
SUGGESTIONS_RESPONSE = "utter_suggest_topics"
# A turn moves on at most this many times (a decision, the ticket it opens, its first question).
MAX_MOVES = 4
ASKED = "asked_field"
FILES = "ticket_attachments"  # the files attached to the draft (their description)
TRIES = "failed_answers"
NOT_ATTACHED = "aucun fichier joint"
FEEDBACK_QUESTION = "utter_ask_feedback"
NO_FEEDBACK_TOPICS = frozenset({FALLBACK_TOPIC})  # "I cannot help with that" is no answer
WAITING = ("listen", "confirm", "created")  # what feedback leaves waiting
SMALL_TALK_RESPONSES = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thank": "utter_you_are_welcome",
    "bot_challenge": "utter_iamabot",
    "ask_capabilities": "utter_capabilities",
}


# ------------------------------------------------------------------------------ what comes in


@dataclass(frozen=True)
class Identity:
    """The signed-in user, as the channel proved it (never what the user typed)."""

    email: str | None = None
    name: str | None = None
    user_id: str | None = None


@dataclass(frozen=True)
class TopicAsked:
    """How the classifier read the message that asked a topic (for the feedback record)."""

    confidence: float | None = None
    ranking: tuple[str, ...] = ()  # the intents, likeliest first


@dataclass(frozen=True)
class Heard:
    """What comes with the user's message besides its reading (`Message`): the entities the
    turn uses, the classifier's ranking, the file attached, the channel, the signed-in user."""

    second_topic: str | None = None  # a second question in the same message
    feedback: str | None = None  # a feedback button's entity
    ranking: tuple[str, ...] = ()  # the intents, likeliest first
    attachment: Attachment | Refusal | None = None
    channel: str | None = None
    identity: Identity | None = None


class _ReadsSlots:
    """What the slots say where the bot stands: what it waits for, and the user's role."""

    slots: Mapping[str, object]

    def get(self, name: str) -> Any:
        return self.slots.get(name)

    @property
    def step(self) -> Step | None:
        return Step.of(self.get("next_step"))

    @property
    def role(self) -> str | None:
        role = self.get("role")
        return role if role in ROLES else None


@dataclass(frozen=True)
class Conversation(_ReadsSlots):
    """Where the conversation stands: every slot's value, and what the event log says besides
    (whether a session started since the bot's last message, the bot's last response, how the
    messages that asked each topic were read)."""

    slots: Mapping[str, object] = default(default_factory=dict)
    new_session: bool = False
    last_response: str | None = None
    topics_asked: Mapping[str, TopicAsked] = default(default_factory=dict)


# ------------------------------------------------------------------------------ what goes out


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Say:
    """One response of the domain, by name, with its values and buttons."""

    name: str
    values: Mapping[str, object] = default(default_factory=dict)
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Requester:
    """Who the ticket is from: the signed-in user, the address typed, or nobody known."""

    email: str | None
    name: str | None
    user_id: str | None
    identity: str


@dataclass(frozen=True)
class Draft:
    """The ticket as it stands: its details as the support agent reads them, and which of them
    the bot inferred rather than read."""

    category: str
    role: str | None
    details: Mapping[str, str]
    inferred: tuple[str, ...] = ()


@dataclass(frozen=True)
class CreateTicket:
    """Store the draft once (`key` makes a repeated confirmation return the same ticket);
    `files`: the sha256 of the files attached, whose bytes the adapter reads again."""

    draft: Draft
    key: str
    requester: Requester
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordFeedback:
    """One feedback record (kept as a `feedback` slot event of the conversation)."""

    record: Mapping[str, object]


Effect = CreateTicket | RecordFeedback


@dataclass(frozen=True)
class Stored:
    """The store's answer: the ticket's reference, and whether it was created now."""

    reference: str
    created: bool


@dataclass(frozen=True)
class StoreDown:
    """The store failed: the draft stays in the conversation for a retry."""


TicketResult = Stored | StoreDown


@dataclass(frozen=True)
class Turn:
    """The bot's whole turn: what it says, where the conversation stands after it, the ticket
    draft if there is one, and what the adapter must do."""

    responses: tuple[Say, ...]
    conversation: Conversation
    draft: Draft | None = None
    effects: tuple[Effect, ...] = ()

    @property
    def slots(self) -> Mapping[str, object]:
        return self.conversation.slots

    def changes(self, before: Mapping[str, object]) -> dict[str, object]:
        """The slots whose value this turn changed (only those get a slot event)."""
        return {name: value for name, value in self.slots.items() if before.get(name) != value}

    def then(self, later: Turn) -> Turn:
        """This turn followed by `later` (the answer of a port)."""
        return replace(later, responses=(*self.responses, *later.responses),
                       effects=(*self.effects, *later.effects))


# ------------------------------------------------------------------------- the two functions


def next_turn(
    conversation: Conversation, message: Message, heard: Heard, today: date, catalog: Catalog,
    rules: Rules, new_key: str,
) -> Turn:
    """The bot's whole next turn (`new_key`: the key a new draft gets, so that the function
    stays deterministic)."""
    run = _Run(conversation, message, heard, today, catalog, rules, new_key)
    _respond(run, message.intent or "nlu_fallback")
    _carry_on(run)
    return run.turn()


def move_on(
    conversation: Conversation, message: Message, heard: Heard, today: date, catalog: Catalog,
    rules: Rules, new_key: str,
) -> Turn:
    """What the bot does next from where the conversation stands, before reading anything (a
    rule or a ticket in progress, nothing asked yet)."""
    run = _Run(conversation, message, heard, today, catalog, rules, new_key)
    _carry_on(run)
    return run.turn()


def after_ticket(
    conversation: Conversation, result: TicketResult, today: date, catalog: Catalog,
    rules: Rules,
) -> Turn:
    """What the bot says once the store has answered the ticket's creation."""
    run = _Run(conversation, Message("", ""), Heard(), today, catalog, rules, "")
    if isinstance(result, StoreDown):
        run.say("utter_ticket_store_down")
        run.wait(Step.CONFIRM)
    else:
        run.say("utter_ticket_created" if result.created else "utter_ticket_already_created",
                reference=result.reference)
        run.set("last_ticket_ref", result.reference)
        run.wait(Step.CREATED)
    return run.turn()


# ------------------------------------------------------------------------------ the turn run


class _Run(_ReadsSlots):
    """The turn being built: a working copy of the slots, the responses, the effects."""

    def __init__(self, conversation: Conversation, message: Message, heard: Heard, today: date,
                 catalog: Catalog, rules: Rules, new_key: str) -> None:
        self.start = conversation
        self.slots: dict[str, object] = dict(conversation.slots)
        self.message = message
        self.heard = heard
        self.today = today
        self.catalog = catalog
        self.rules = rules
        self.new_key = new_key
        self.said: list[Say] = []
        self.effects: list[Effect] = []

    def set(self, name: str, value: object) -> None:
        self.slots[name] = value

    def clear(self, names: Any) -> None:
        for name in names:
            if self.slots.get(name) is not None:
                self.slots[name] = None

    def say(self, name: str, buttons: tuple[Button, ...] = (), **values: object) -> None:
        self.said.append(Say(name, values, buttons))

    def wait(self, waiting: Step) -> None:
        """What the bot waits for once its turn is over."""
        self.slots["next_step"] = waiting.value

    def effects_pending(self) -> bool:
        """A ticket is being created: the store's answer ends the turn (`after_ticket`)."""
        return any(isinstance(effect, CreateTicket) for effect in self.effects)

    def values(self, names: Any) -> dict[str, Any]:
        return {name: self.get(name) for name in names}

    def state(self) -> State:
        """Where the conversation stands, as `read_turn` reads it."""
        fields = self.catalog.fields
        role = self.role
        category, offered = self.get("ticket_category"), self.get("offered_ticket")
        details = self.catalog.categories
        return State(
            step=self.step,
            asked_field=self.get(ASKED),
            role=role,
            topic=self.get("topic"),
            pending_topic=self.get("pending_topic"),
            offered_ticket=offered,
            last_decision=self.get("last_decision"),
            ticket_category=category,
            known={name: value for name in fields
                   if is_canonical(fields[name], value := self.get(name))},
            draft_fields=details[category].details_for(role) if category in details else (),
            offered_fields=details[offered].details_for(role) if offered in details else (),
            suggested=self.start.last_response == SUGGESTIONS_RESPONSE,
        )

    def turn(self) -> Turn:
        conversation = replace(self.start, slots=dict(self.slots))
        return Turn(tuple(self.said), conversation, _draft(self), tuple(self.effects))


# ------------------------------------------------------------------------- reading the message


def _respond(run: _Run, intent: str) -> None:
    """The answer to the question asked, if one is; else feedback; else what the message means
    here, read by `read_turn`, then carried out."""
    if _asked(run):
        leaving = _take_answer(run)
        if leaving:
            _leave(run, leaving)
        return
    if _feedback_reply(run, intent):
        return
    turn = read_turn(run.state(), replace(run.message, intent=intent), run.catalog, run.today)
    _carry_out(run, turn)


def _asked(run: _Run) -> str | None:
    """The question whose answer the bot waits for. A question of an earlier session is no
    longer waited for (the first message of a session is read afresh)."""
    if run.step not in ASKING or run.start.new_session:
        return None
    return run.get(ASKED)


def _carry_out(run: _Run, turn: Kind) -> None:
    """The responses and slot changes of one kind of turn."""
    match turn:
        case AtSummary(reply):
            _reply_to_summary(run, reply)
            return
        case SideQuestion(topic):
            # Answer the side question, then show the unsent ticket again: nothing is dropped.
            _answer(run, topic)
            _show_summary(run)
            return
        case FollowUp(rule, change):
            # the rule runs again with the new fact (`_carry_on` applies it)
            run.set(change.field, change.value)
            run.set("decision_rule", rule)
            run.set(ASKED, None)
            run.wait(Step.DECISION)
            return
        case Hypothesis(rule, days):
            _later(run, rule, days)
            return
        case RoleGiven(role_answer):
            run.set("role", role_answer.role)
            if role_answer.topic != run.get("pending_topic"):
                run.set("opening_text", None)  # another question: its own words count
            _respond_to_topic(run, role_answer.topic)
            return
        case OfferAccepted(category, offer):
            for name, value in offer.details.items():
                run.set(name, value)
            _start_ticket(run, category)
            return
        case NewTopic(topic):
            _respond_to_topic(run, topic)
            return
        case TicketAsked():
            _start_ticket(run, _requested_category(run))
            return
        case ResentConfirmation():
            _create_ticket(run)
            return
        case RoleNoted():
            run.say("utter_role_noted")
            run.wait(Step.LISTEN)
            return
        case Unsure():
            _suggest_topics(run)
            return
        case SmallTalk(intent):
            run.say(SMALL_TALK_RESPONSES[intent])
        case _:
            run.say("utter_anything_else")
    run.set("offered_ticket", None)
    run.wait(Step.LISTEN)


# ------------------------------------------------------------------------------------ topics


def _answer(run: _Run, topic: str) -> None:
    """The topic's answer; a long one goes on in a second bubble (rules/topics.yml: more)."""
    run.say(f"utter_{topic}")
    more = run.catalog.topics[topic].more_for(run.role)
    if more:
        run.say(more)


def _respond_to_topic(run: _Run, topic: str) -> None:
    """Ask the role, start the rule's questions, or answer and offer a ticket.

    The message that opened the topic (kept while the role is asked) is read for the facts it
    already states, the role included ("jsuis coach, ..."), so that none is asked again.
    """
    opening = run.get("opening_text") or run.message.text or ""
    if not run.role and (said := declared_role(opening)):
        run.set("role", said)
    plan = plan_topic(topic, run.role, run.catalog)
    if plan.ask_role:
        run.say("utter_ask_role")
        run.set("pending_topic", topic)
        run.set("opening_text", opening)
        run.wait(Step.LISTEN)
        return
    _answer(run, topic)
    _offer_second_question(run, topic)  # before the feedback question
    stated = opening_facts(opening, plan.decision, run.role, run.catalog, run.today, run.rules)
    run.clear([name for name in run.catalog.fields if name not in stated]
              + ["last_decision", "opening_text"])
    for name, value in stated.items():
        run.set(name, value)
    run.set("topic", topic)
    run.set("pending_topic", None)
    if plan.decision:
        run.set("decision_rule", plan.decision)
        run.set(ASKED, None)
        run.wait(Step.DECISION)  # its first question, or its decision, next
        return
    run.set("offered_ticket", plan.ticket)
    run.wait(Step.LISTEN)
    _ask_feedback(run, topic, plan.answer or f"utter_{topic}")
    if plan.ticket:
        run.say("utter_offer_ticket")


def _offer_second_question(run: _Run, answered: str) -> None:
    """A second question in the same message: offered as a button once the first is answered."""
    second = run.heard.second_topic
    topics = run.catalog.topics
    if second not in topics or second in (answered, FALLBACK_TOPIC):
        return
    run.say("utter_second_question", buttons=(Button(topics[second].label, f"/{second}"),))


def _later(run: _Run, rule: str, days: int) -> None:
    """The rule applied to the same facts `days` later: whether it would then say to write.
    Nothing is opened now; the user comes back on that day."""
    later = run.today + timedelta(days=days)
    outcome = step(rule, run.role, run.values(run.catalog.fields), later, run.rules)
    writes = isinstance(outcome, Outcome) and outcome.ticket is not None
    run.say("utter_later_write" if writes else "utter_later_wait", date_label=date_label(later))
    run.wait(Step.LISTEN)


def _suggest_topics(run: _Run) -> None:
    """Unsure: offer the two most likely topics, and 'Autre demande' (a ticket 'other')."""
    topics = run.catalog.topics
    likely = [name for name in run.heard.ranking if name in topics and name != FALLBACK_TOPIC]
    buttons = [Button(topics[name].label, f"/{name}") for name in likely[:SUGGESTIONS]]
    buttons.append(Button(topics[FALLBACK_TOPIC].label, "/request_human"))
    run.say(SUGGESTIONS_RESPONSE, buttons=tuple(buttons))
    run.set("offered_ticket", "other")
    run.wait(Step.LISTEN)


# -------------------------------------------------------------------- the questions, answered


def _take_answer(run: _Run) -> str | None:
    """The user's message read as the answer to the question asked; the reason when the user
    leaves the questions (cancel, a ticket request, another subject)."""
    name = run.get(ASKED)
    if name == EMAIL:
        _email_answer(run)
    elif name == FILE:
        _file_answer(run)
    else:
        _field_answer(run, name)
    run.set(ASKED, None)
    reason = run.get("interruption")
    return reason if isinstance(reason, str) else None


def _raw_intent(run: _Run) -> str | None:
    return run.message.intent or None


def _field_answer(run: _Run, name: str) -> None:
    if _feedback_during_questions(run):  # an old "Oui, merci" / "Pas vraiment" button
        return
    tries = run.get(TRIES) or {}
    fields = run.catalog.fields
    known = [other for other in fields if is_canonical(fields[other], run.get(other))]
    question = Asked(
        field=name, topic_fields=tuple(_topic_fields(run, known)),
        tries=tries.get("count", 0) if tries.get("field") == name else 0,
        in_ticket=run.step is Step.TICKET,
        given=tuple(other for other in known if other != name),
    )
    message = Message(run.message.text, run.message.intent, run.message.confidence)
    answer = read_answer(question, message, run.catalog, run.today, INTERRUPT_CONFIDENCE)
    match answer:
        case WantsTicket():
            _ticket_requested(run)
        case Corrected(change):
            _corrected(run, name, change)
        case Leaves(reason):
            run.set("interruption", reason)
        case Answered(found, inferred):
            if inferred:  # "la semaine dernière": say which date was taken
                run.say("utter_date_understood",
                        date_label=display(fields[name], found, run.catalog))
            run.set(name, found)
            run.set(TRIES, None)
        case Unreadable(error, next_move, kept):
            _unreadable(run, name, question.tries + 1, error, next_move, kept)


def _unreadable(run: _Run, name: str, count: int, error: str | None, next_move: GiveUp,
                kept: str | None) -> None:
    """Asked again with an example; after two tries the bot stops asking the same thing."""
    if next_move is GiveUp.ASK_AGAIN:
        if error:  # a value not read always comes with the response that explains why
            run.say(error)
        run.set(TRIES, {"field": name, "count": count})
        return
    run.set(TRIES, None)
    if next_move is GiveUp.TO_TEAM:
        run.say("utter_fact_to_team")
        run.set("interruption", REQUEST_TICKET)
        return
    run.say("utter_detail_kept_as_typed" if kept != SKIPPED else "utter_detail_skipped")
    run.set(name, kept)


def _ticket_requested(run: _Run) -> None:
    """"Ouvrir une demande" typed during the questions: the ticket's questions go on; the rule's
    questions give way to the topic's own ticket."""
    if run.step is Step.TICKET:
        run.say("utter_ticket_in_progress")
        return
    run.set("interruption", REQUEST_TICKET)


def _corrected(run: _Run, asked_name: str, change: Change) -> None:
    """Take the corrected detail, keep the rest; the question asked comes again if it was not
    the one corrected (or the next one the rule needs now)."""
    if change.field != asked_name:
        field = run.catalog.fields[change.field]
        run.say("utter_detail_corrected", field_label=field.label,
                value=display(field, change.value, run.catalog))
    run.set(change.field, change.value)


def _topic_fields(run: _Run, known: list[str]) -> list[str]:
    """The details this conversation has dealt with (`known`: given so far), and the ticket's."""
    category = run.get("ticket_category")
    draft = ticket_fields(category, run.role, run.catalog) if (
        category and run.step is Step.TICKET) else ()
    return list(dict.fromkeys([*known, *draft]))


def _email_answer(run: _Run) -> None:
    """The typed address, or why not; "laisse tomber" or a clear new question leaves."""
    text = run.message.text
    email = parse_email(text)
    leaving = interruption(text, _raw_intent(run), run.message.confidence, email is not None,
                           "text", INTERRUPT_CONFIDENCE)
    if leaving and leaving != FALLBACK_TOPIC:  # a mistyped address often reads as off-topic
        run.set(EMAIL, None)
        run.set("interruption", leaving)
        return
    if email is None:
        run.say("utter_invalid_email")
    run.set(EMAIL, email)


def _file_request(run: _Run) -> FileRequest | None:
    category = run.get("ticket_category")
    known = run.catalog.categories.get(category) if category else None
    return known.file if known else None


def _file_answer(run: _Run) -> None:
    """The answer to the file question: the file, a refusal said in French, a skipped optional
    file, or (required) a reminder that the file itself is needed."""
    wanted = _file_request(run)
    received = run.heard.attachment
    if isinstance(received, Refusal):
        run.say(received.response)
        run.set(FILE, None)
        return
    if received is not None:
        files = [*(run.get(FILES) or []), received.as_json()]
        run.say("utter_file_received", file_name=received.name)
        run.set(FILES, files)
        run.set(FILE, ", ".join(str(entry["name"]) for entry in files))
        run.set(TRIES, None)
        return
    intent = _raw_intent(run)
    declined = intent == "deny"  # "non", "je ne l'ai pas": an answer, not leaving
    leaving = interruption(run.message.text, intent, run.message.confidence, declined, "text",
                           INTERRUPT_CONFIDENCE)
    if leaving and leaving != FALLBACK_TOPIC:  # "non", "je ne l'ai pas" often read off-topic
        run.set(FILE, None)
        run.set("interruption", leaving)
        return
    if wanted is None or wanted.optional:
        run.set(FILE, SKIPPED)
        return
    tries = run.get(TRIES) or {}
    count = (tries.get("count", 0) if tries.get("field") == FILE else 0) + 1
    if after_unreadable(count, optional=False, in_ticket=True) is GiveUp.ASK_AGAIN:
        run.say("utter_file_needed")
        run.set(FILE, None)
        run.set(TRIES, {"field": FILE, "count": count})
        return
    run.set(FILE, NOT_ATTACHED)  # asked twice: the request goes without it
    run.set(TRIES, None)


def _leave(run: _Run, reason: str) -> None:
    """The user left the questions: say so, keep nothing half-done, answer the new subject."""
    category = _requested_category(run) if reason == REQUEST_TICKET else None
    run.set("interruption", None)
    run.set("decision_rule", None)
    run.set(ASKED, None)
    run.wait(Step.LISTEN)
    if reason == CANCEL:
        run.say("utter_form_cancelled")
        run.set("ticket_category", None)
        return
    if category:
        _start_ticket(run, category)
        return
    run.say("utter_form_left")
    _respond(run, reason)


# ------------------------------------------------------------------ moving on: the next move


def _carry_on(run: _Run) -> None:
    """While the bot is in a rule's or a ticket's questions and has asked nothing yet, it moves
    on (a decision may open a ticket, whose first question comes)."""
    for _ in range(MAX_MOVES):
        if run.step not in ASKING or run.get(ASKED) or run.effects_pending():
            break
        _ask_next(run)


def _progress(run: _Run) -> Progress:
    wanted = _file_request(run)
    return Progress(
        rule=run.get("decision_rule"),
        category=run.get("ticket_category"),
        role=run.role,
        values=run.values([*run.catalog.fields, FILE, EMAIL]),
        file_kind=wanted.kind if wanted else None,
        needs_email=not _requester(run).email,
    )


def _ask_next(run: _Run) -> None:
    """One move: ask the next question, or state the decision, or show the summary."""
    found = next_question(_progress(run), run.catalog, run.today, run.rules)
    if isinstance(found, AskFor):
        run.say(found.response)
        run.set(ASKED, found.field)
        run.wait(found.step)
        return
    run.set(ASKED, None)
    if isinstance(found, Decided):
        _state_outcome(run, found.rule, found.outcome)
    elif isinstance(found, Summarised):
        _show_summary(run)
    else:
        run.say("utter_anything_else")
        run.wait(Step.LISTEN)


def _state_outcome(run: _Run, rule: str, outcome: Outcome) -> None:
    """State the rule applied to the user's case; open the ticket if it says so (its questions
    come next, in the same turn).

    A decision without a ticket stays open (`last_decision`): a fact given right after it
    ("ah pardon, le 10") is read against the same rule, which is applied again.
    """
    run.said.append(Say(outcome.response, dict(outcome.values)))
    run.set("decision_rule", None)
    run.set("last_decision", None)
    if outcome.ticket:
        _start_ticket(run, outcome.ticket, outcome.prefill)
        return
    topic = run.get("topic")
    offer = run.catalog.topics[topic].ticket_for(run.role) if topic else None
    run.set("last_decision", rule)
    run.set("offered_ticket", offer)
    run.wait(Step.LISTEN)
    _ask_feedback(run, topic, outcome.response)


# ------------------------------------------------------------------------------------ ticket


def _requested_category(run: _Run) -> str:
    """The ticket the user asks for: the one offered, else the one the topic's rule opens for a
    case like theirs, else the topic's, else 'other'."""
    offered = run.get("offered_ticket")
    if offered:
        return str(offered)
    role = run.role
    rule = run.get("decision_rule") or run.get("last_decision")
    facts = run.values(run.catalog.fields)
    category = rule and ticket_on_request(rule, role, facts, run.catalog, run.today, run.rules)
    topic = run.get("topic")
    topic_ticket = run.catalog.topics[topic].ticket_for(role) if topic else None
    return category or topic_ticket or "other"


def _start_ticket(run: _Run, category: str, prefill: Mapping[str, str] | None = None) -> None:
    """Clear the category's details, keep what is already known, and start the ticket's
    questions (asked next in the same turn)."""
    names = ticket_fields(category, run.role, run.catalog)
    run.say("utter_ticket_start", category_label=run.catalog.categories[category].label)
    # What the user already said wins over what the rule infers; anything else is asked.
    fields = run.catalog.fields
    kept = {name for name in names if is_canonical(fields[name], run.get(name))}
    prefilled = {k: v for k, v in (prefill or {}).items() if k in names and k not in kept}
    # A value the rule copies from the user's answers was read; one it computes was inferred.
    said = {run.get(name) for name in fields} - {None}
    inferred = [name for name, value in prefilled.items() if value not in said]
    run.clear([name for name in names if name not in kept])
    run.set(FILE, None)  # a new ticket starts with no file
    run.set(FILES, None)
    for name, value in prefilled.items():
        run.set(name, value)
    run.set("ticket_category", category)
    run.set("inferred_details", sorted(inferred) or None)
    run.set("ticket_key", None)
    run.set("offered_ticket", None)
    run.set(ASKED, None)
    run.wait(Step.TICKET)


def _attached(run: _Run) -> list[dict[str, Any]]:
    return list(run.get(FILES) or [])


def _show_summary(run: _Run) -> None:
    """Every detail, then Confirmer / Modifier / Annuler."""
    category = run.get("ticket_category")
    entry = run.catalog.categories[category]
    names = ticket_fields(category, run.role, run.catalog)
    lines = summary_lines(category, run.role, run.values(names), run.catalog)
    wanted = _file_request(run)
    if wanted is not None:
        attached = [str(entry.get("name")) for entry in _attached(run)]
        lines.append((wanted.label, ", ".join(attached) if attached else NOT_ATTACHED))
    if entry.reminder and not _attached(run):
        run.say(entry.reminder)
    inferred = [run.catalog.fields[name].label for name in run.get("inferred_details") or ()]
    if inferred:
        # What the bot worked out (a month from today's date) is said so, never sent silently.
        run.say("utter_ticket_inferred", details=", ".join(inferred))
    email = _requester(run).email
    if email:  # the address the support team will answer to
        run.say("utter_ticket_reply_to", requester_email=email)
    run.say("utter_ticket_summary", category_label=entry.label,
            summary="\n".join(f"- {name} : {value}" for name, value in lines))
    run.set("ticket_key", run.get("ticket_key") or run.new_key)
    run.wait(Step.CONFIRM)


def _reply_to_summary(run: _Run, reply: SummaryReply) -> None:
    """The user's answer to the summary, typed or clicked: create, cancel, or change a detail."""
    names = ticket_fields(run.get("ticket_category"), run.role, run.catalog)
    reply = _address_reply(run, reply)  # the reply address is a detail too
    if reply.command is Command.CONFIRM:
        _create_ticket(run)
    elif reply.command is Command.CANCEL:
        run.say("utter_ticket_cancelled")
        run.set("ticket_category", None)
        run.set("ticket_key", None)
        run.wait(Step.LISTEN)
    elif reply.command is Command.EDIT and reply.field:
        run.set(reply.field, reply.value)
        inferred = [name for name in run.get("inferred_details") or () if name != reply.field]
        if inferred != list(run.get("inferred_details") or ()):
            run.set("inferred_details", inferred or None)  # the user's, no longer a guess
        if reply.value:
            _show_summary(run)
        else:
            run.wait(Step.TICKET)  # that detail is asked again
    elif reply.command is Command.EDIT:
        buttons = [Button(run.catalog.fields[name].label, f'/inform{{"field":"{name}"}}')
                   for name in names]
        if _editable(run):
            buttons.append(Button(run.catalog.reply_address_label,
                                  f'/inform{{"field":"{EMAIL}"}}'))
        run.say("utter_ticket_which_field", buttons=tuple(buttons))
        run.wait(Step.CONFIRM)
    else:
        run.say("utter_ticket_confirm_help")
        _show_summary(run)


def _create_ticket(run: _Run) -> None:
    """Store the ticket once: the draft's key makes a repeated confirmation return the same one.
    The store's answer comes back through `after_ticket`."""
    key = run.get("ticket_key")
    draft = _draft(run)
    if not key or draft is None:
        run.say("utter_anything_else")
        run.wait(Step.LISTEN)
        return
    files = tuple(str(entry.get("sha256")) for entry in _attached(run))
    run.effects.append(CreateTicket(draft, str(key), _requester(run), files))


def _draft(run: _Run) -> Draft | None:
    """The ticket draft with the details given so far, as the support agent reads them."""
    category = run.get("ticket_category")
    if not category or category not in run.catalog.categories:
        return None
    names = ticket_fields(category, run.role, run.catalog)
    lines = summary_lines(category, run.role, run.values(names), run.catalog)
    details = {name: value for name, (_, value) in zip(names, lines, strict=True)
               if run.get(name) is not None}
    return Draft(category, run.role, details, tuple(run.get("inferred_details") or ()))


# -------------------------------------------------------------------- the reply address


def _requester(run: _Run) -> Requester:
    """The signed-in user, else the address the user typed, else nobody known."""
    verified = run.heard.identity
    if verified is not None:
        return Requester(email=verified.email if is_email(verified.email) else None,
                         name=verified.name, user_id=verified.user_id,
                         identity=IDENTITY_VERIFIED)
    typed = run.get(EMAIL)
    if is_email(typed):
        return Requester(email=str(typed), name=None, user_id=None, identity=IDENTITY_DECLARED)
    return Requester(email=None, name=None, user_id=None, identity=IDENTITY_NONE)


def _editable(run: _Run) -> bool:
    """Whether the user may change the address: one they typed, never one a proof gave."""
    return run.heard.identity is None and is_email(run.get(EMAIL))


def _address_reply(run: _Run, reply: SummaryReply) -> SummaryReply:
    """The reply to the summary, or the change of address it asks for (typed or clicked)."""
    if not _editable(run):
        return reply
    if run.message.field_entity == EMAIL:
        return SummaryReply(Command.EDIT, EMAIL)
    return read_address_edit(run.message.text, reply, EMAIL)


# ----------------------------------------------------------------------------------- feedback


def _ask_feedback(run: _Run, topic: str | None, answer: str) -> None:
    """The feedback question after an answer (not for "I cannot help with that")."""
    if not topic or topic in NO_FEEDBACK_TOPICS:
        return
    asked = run.start.topics_asked.get(topic, TopicAsked())
    ranking = [{"name": name} for name in asked.ranking]
    pending = feedback.Pending(
        topic=topic, answer=answer,
        confidence=round(asked.confidence, 4) if asked.confidence is not None else None,
        closest=feedback.closest_topics(ranking, frozenset(run.catalog.topics), topic),
    )
    run.say(FEEDBACK_QUESTION)
    run.set(feedback.PENDING_SLOT, pending.to_slot())


def _record(run: _Run, pending: feedback.Pending, value: str) -> None:
    run.effects.append(RecordFeedback(
        feedback.record(pending, value, run.heard.channel, run.role)))
    run.set(feedback.PENDING_SLOT, None)


def _feedback_reply(run: _Run, intent: str) -> bool:
    """Record the user's feedback and answer it; False when the message is not feedback."""
    pending = feedback.Pending.from_slot(run.get(feedback.PENDING_SLOT))
    value = feedback.reply_value(intent, run.heard.feedback, word_count(run.message.text),
                                 pending, run.start.last_response == FEEDBACK_QUESTION)
    if value is None or pending is None:
        return False
    _record(run, pending, value)
    waiting = _still_waiting(run)
    if value == feedback.HELPFUL:
        run.say("utter_feedback_thanks")
        run.set("next_step", waiting)
        return True
    # "Pas vraiment": rephrase, one of the two closest topics, or open a request (the
    # response's own button).
    topics = run.catalog.topics
    run.say("utter_feedback_next_steps", buttons=tuple(
        Button(topics[name].label, f"/{name}") for name in pending.closest if name in topics))
    if waiting != "listen":
        run.set("next_step", waiting)  # the ticket summary still waits
        return True
    run.set("offered_ticket", topics[pending.topic].ticket_for(run.role) or "other")
    run.wait(Step.LISTEN)
    return True


def _feedback_during_questions(run: _Run) -> bool:
    """An earlier feedback button clicked while a question is asked: recorded, and the question
    comes again (the click is no answer). False when the message is no click."""
    if run.heard.feedback not in feedback.VALUES:
        return False
    pending = feedback.Pending.from_slot(run.get(feedback.PENDING_SLOT))
    if pending is not None:
        _record(run, pending, str(run.heard.feedback))
        run.say("utter_feedback_noted")
    return True


def _still_waiting(run: _Run) -> str:
    """What the bot still waits for: a ticket summary's answer stays pending after feedback."""
    waiting = run.get("next_step")
    return waiting if isinstance(waiting, str) and waiting in WAITING else "listen"
