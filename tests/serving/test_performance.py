"""serving.performance: the cached validator accepts and refuses what Rasa's own check does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from serving.performance import validate_action_result

ACTION = RemoteAction("action_respond", None)

GOOD = {
    "events": [{"event": "slot", "name": "role", "value": "mentor", "timestamp": None}],
    "responses": [{"response": "utter_greet"}],
}
BAD = [
    {"events": [{"event": "slot", "name": 3}]},
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
]


def test_a_valid_response_passes_both_checks():
    """A well-formed action server answer is accepted, as by Rasa's own method."""
    assert validate_action_result(ACTION, GOOD) is True
    assert RemoteAction._validate_action_result(ACTION, GOOD) is True


@pytest.mark.parametrize("result", BAD)
def test_an_invalid_response_fails_like_rasas_check(result):
    """Malformed answers raise the same ValidationError, with Rasa's explanation appended."""
    with pytest.raises(ValidationError) as ours:
        validate_action_result(ACTION, result)
    with pytest.raises(ValidationError) as theirs:
        RemoteAction._validate_action_result(ACTION, result)
    assert ours.value.message == theirs.value.message


# ------------------------------------------------------------------ what the action server gets

def _domain(form: str = "ticket_form"):
    from rasa.shared.core.domain import Domain

    return Domain.from_yaml(f"""
version: "3.1"
intents: [greet]
slots:
  role: {{type: text, mappings: [{{type: custom}}]}}
forms:
  {form}: {{required_slots: [role]}}
responses:
  utter_greet: [{{text: "Bonjour"}}]
actions: [action_respond, validate_ticket_form]
""")


def _tracker(domain):
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker("alice", domain.slots)
    tracker.update(UserUttered("bonjour", {"name": "greet", "confidence": 1.0}))
    return tracker


def test_the_action_call_is_rasas_but_for_the_responses():
    """The request sent to the action server equals Rasa's own, minus the domain's responses."""
    from serving.performance import action_call_format

    domain = _domain()
    tracker = _tracker(domain)
    ours = action_call_format(ACTION, tracker, domain)
    theirs = RemoteAction._action_call_format(ACTION, tracker, domain)
    assert "responses" not in ours["domain"]
    assert {k: v for k, v in theirs["domain"].items() if k != "responses"} == ours["domain"]
    assert {k: v for k, v in theirs.items() if k != "domain"} == {
        k: v for k, v in ours.items() if k != "domain"}


def test_the_domain_sent_follows_a_new_model():
    """A new Domain object (a new model loaded) gets its own domain sent, not the previous one."""
    from serving.performance import DomainForActions

    cache = DomainForActions()
    first, second = _domain(), _domain("other_form")
    assert "other_form" not in cache.of(first)["forms"]
    assert "other_form" in cache.of(second)["forms"]


def test_sqlite_connections_use_wal_after_install(tmp_path):
    """After install(), a SQLite database opened through SQLAlchemy is in WAL mode, commits
    without a full fsync, and keeps what was committed."""
    import sqlalchemy as sa

    from serving import performance

    performance.install()
    engine = sa.create_engine(f"sqlite:///{tmp_path / 't.db'}")
    with engine.begin() as connection:
        connection.execute(sa.text("create table t (x integer)"))
        connection.execute(sa.text("insert into t values (1)"))
    with engine.connect() as connection:
        assert connection.execute(sa.text("pragma journal_mode")).scalar() == "wal"
        assert connection.execute(sa.text("pragma synchronous")).scalar() == 1  # NORMAL
        assert connection.execute(sa.text("select x from t")).scalar() == 1


def test_the_sqlite_tracker_store_keeps_its_connections_and_its_events(tmp_path):
    """After install(), Rasa's SQL tracker store on a SQLite file pools its connections and a
    tracker saved twice reads back with every event, once."""
    import asyncio

    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import ActionExecuted
    from sqlalchemy.pool import QueuePool

    from serving import performance

    performance.install()
    domain = _domain()
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    assert isinstance(store.engine.pool, QueuePool)
    tracker = _tracker(domain)
    asyncio.run(store.save(tracker))
    tracker.update(ActionExecuted("utter_greet"))
    asyncio.run(store.save(tracker))
    again = asyncio.run(store.retrieve("alice"))
    assert [e.as_dict()["event"] for e in again.events] == ["user", "action"]


def test_events_resolve_to_the_same_classes():
    """Every event type name resolves to the class Rasa's own lookup finds; unknown names still
    fail the same way, and the default is still returned for them when given."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    from serving.performance import cached_resolve_by_type

    original = Event.resolve_by_type
    ours = cached_resolve_by_type(original)
    for name in {cls.type_name for cls in all_subclasses(Event)}:
        assert ours(name) is original(name)
    with pytest.raises(ValueError):
        ours("no_such_event")
    assert ours("no_such_event", Event) is Event


def test_the_action_request_body_reads_back_identical():
    """A real action call (accents, slashes, float timestamps) serialised by ujson reads back,
    with the standard json module, as the very same value."""
    import json

    from serving.performance import action_call_format, fast_dumps

    domain = _domain()
    tracker = _tracker(domain)
    tracker.update_with_events([], domain)
    body = action_call_format(ACTION, tracker, domain)
    body["tracker"]["latest_message"]["text"] = "payée le 2/11 à 9h"
    body["tracker"]["events"][0]["timestamp"] = 1764640000.1234567
    assert json.loads(fast_dumps(body)) == json.loads(json.dumps(body)) == body


# ------------------------------------------------------------------ responses of a remote action

QUESTION_DOMAIN = """
version: "3.1"
intents: [inform]
slots:
  invoice_status: {type: text, influence_conversation: false, mappings: [{type: custom}]}
responses:
  utter_ask_status_since:
  - condition: [{type: slot, name: invoice_status, value: payee}]
    text: "Depuis quelle date est-elle notée payée ?"
  - text: "Depuis quelle date ?"
actions: [action_respond]
"""
ANSWER = {"events": [{"event": "slot", "name": "invoice_status", "value": "payee",
                      "timestamp": None}],
          "responses": [{"response": "utter_ask_status_since"}]}


def _rendered(utter_responses, answer):
    """The texts a remote action's answer is rendered to, and the slot as it is afterwards."""
    import asyncio
    import copy

    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain

    from serving.performance import validate_action_result

    domain = Domain.from_yaml(QUESTION_DOMAIN)
    tracker = _tracker(domain)
    answer = copy.deepcopy(answer)
    validate_action_result(ACTION, answer)  # as RemoteAction.run does, right before rendering
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)

    async def render():
        return await utter_responses(answer["responses"], CollectingOutputChannel(), nlg,
                                     tracker)

    uttered = asyncio.run(render())
    slot = tracker.slots["invoice_status"]
    return [u.text for u in uttered], (slot.value, slot.has_been_set)


def test_responses_render_with_the_slots_the_action_itself_sets():
    """The question uttered by the run that reads 'payée' takes the 'payée' variant; the
    tracker is left as it was (Rasa applies the events afterwards)."""
    from serving.performance import render_with_own_slots

    ours = render_with_own_slots(RemoteAction._utter_responses)
    texts, slot = _rendered(ours, ANSWER)
    assert texts == ["Depuis quelle date est-elle notée payée ?"]
    assert slot == (None, False)


def test_rasas_own_rendering_takes_the_old_variant():
    """Without the fix the same answer renders the variant of the slot before the action ran
    (what the fix is for)."""
    from serving.performance import render_with_own_slots

    # Rasa's own method, even when install() already wrapped it in this process
    original = getattr(RemoteAction._utter_responses, "__wrapped__",
                       RemoteAction._utter_responses)
    texts, _ = _rendered(original, ANSWER)
    assert texts == ["Depuis quelle date ?"]
    assert render_with_own_slots(original).__wrapped__ is original


def test_an_answer_without_slot_events_renders_as_rasa_does():
    """No SlotSet in the answer: the tracker's own values, untouched."""
    from serving.performance import render_with_own_slots

    ours = render_with_own_slots(RemoteAction._utter_responses)
    texts, slot = _rendered(ours, {**ANSWER, "events": []})
    assert texts == ["Depuis quelle date ?"]
    assert slot == (None, False)


EVENTS_OF_EVERY_KIND = [
    {"event": "slot", "name": "role", "value": "mentor"},
    {"event": "bot", "text": "Bonjour", "data": {}, "metadata": {}},
    {"event": "action", "name": "action_listen", "policy": None, "confidence": None},
    {"event": "followup", "name": "action_respond"},
    {"event": "reset_slots"},
    {"event": "session_started"},
    {"event": "user", "text": "salut", "parse_data": {"intent": {"name": "greet",
                                                                 "confidence": 1.0}}},
    {"event": "slot", "name": "role"},  # no value
    {"event": "slot", "name": "role", "value": "x", "timestamp": "hier"},
    {"event": "bot", "text": 3},
    {"event": "user", "parse_data": {"entities": [{"entity": "role"}]}},
    {"event": "active_loop", "name": 5},
    {"event": 7},
    {"name": "role"},
    "slot",
]


@pytest.mark.parametrize("event", EVENTS_OF_EVERY_KIND)
def test_each_event_gets_rasas_verdict(event):
    """One event of each kind, well or badly formed: accepted or refused as by the whole
    schema, with the same error."""
    result = {"events": [GOOD["events"][0], event], "responses": []}
    try:
        RemoteAction._validate_action_result(ACTION, result)
    except ValidationError as theirs:
        with pytest.raises(ValidationError) as ours:
            validate_action_result(ACTION, result)
        assert ours.value.message == theirs.message
    else:
        assert validate_action_result(ACTION, result) is True
