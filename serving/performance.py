"""Mechanism fixes for the Rasa server's hot path (docs/performance.md has the profiles).

- Rasa 3.6 validates every action server response with `jsonschema.validate`, which checks the
  schema itself again on every call: 60 % of the Rasa server's CPU under load (py-spy, make
  bench). One validator is built once per process: same schema, same errors; and each event
  is checked against its own type's schema only (`EventValidator`: the same verdict).
- Every call to the action server carries `domain.as_dict()`, rebuilt each time, and 98 kB of
  its 118 kB are the responses, which only the Rasa server renders (the action server names
  them; rasa-sdk reads the domain's slots and forms). The domain sent is built once per model,
  without the responses: 4 to 5 calls per turn sent 0.5 MB of JSON on a date answer.
- The SQLite tracker store committed each turn with a full fsync in rollback-journal mode (11 %
  of the Rasa server's samples were in `do_commit`). SQLite connections of the Rasa server use
  WAL with synchronous=NORMAL: a commit is an append, still atomic and safe when a process
  crashes (the last commits may be lost on power failure only). SQLAlchemy 1.4 opens and closes
  a SQLite file connection for every session (NullPool), and closing the last one checkpoints
  the WAL: the tracker store's SQLite engine keeps its connections in a pool instead, as
  SQLAlchemy 2.0 does by default. PostgreSQL is untouched.
- Every event read from the tracker store is resolved to its class by walking all of Event's
  subclasses with `inspect.isabstract` (`Event.resolve_by_type`): a whole conversation per turn.
  The type names are looked up in a table built from the same walk, first match first, rebuilt
  when a name is not in it (a subclass imported later).
- The requests to the action server are serialised with ujson (installed with Rasa) instead of
  the standard json module: the same JSON values, in a fraction of the time.
- A remote action's responses are rendered (`RemoteAction._utter_responses`) with the tracker
  as it was before the action's events, which Rasa applies afterwards: a conditional response
  (domain/questions.yml: on `invoice_status`, `student_gender`, `role`...) uttered by the same
  run that sets the slot would take the old variant. One action does the whole turn (it reads
  the answer, sets the slot and asks the next question), so the responses are rendered with the
  slot values its own SlotSet events set, applied to the tracker for the rendering only and
  restored right after (`own_slots_for_rendering`).
`install()` applies them in the Rasa server process (serving.rasa_server), with
serving.graph_runner (Rasa's graphs run without dask's scheduler) and serving.trackers (fewer
tracker copies per turn).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

# Domain sections the action server never reads (rasa-sdk reads slots and forms).
NOT_SENT_TO_ACTIONS = frozenset({"responses"})
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


def _compiled(schema: dict[str, Any]) -> Any:
    from jsonschema.validators import validator_for

    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


class EventValidator:
    """Rasa's check of an action's answer, each event checked against its own type's schema.

    The schema's events are a `oneOf` of 23 schemas, one per event type, each fixing `event`
    to its type with `const`: jsonschema tries every one of them on every event, raising and
    catching an error for each that does not match (2 ms for an answer of 8 slot events, 5 %
    of the Rasa server's samples). Since the types are distinct constants, only the schema of
    an event's own type can match, so exactly one matches if and only if that one does: the
    same verdict from one schema per event. An answer this check refuses goes through the
    whole schema, which raises Rasa's own error; a schema of another shape (another Rasa) is
    checked whole."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.whole = _compiled(schema)
        self.outer: Any = None
        self.by_type: dict[str, Any] = {}
        items = schema.get("properties", {}).get("events", {}).get("items", {})
        branches = items.get("oneOf") if isinstance(items, dict) else None
        types = [b.get("properties", {}).get("event", {}).get("const") for b in branches or ()]
        if not branches or None in types or len(set(types)) != len(types):
            return
        outer = {**schema, "properties": {
            **schema["properties"],
            "events": {**schema["properties"]["events"],
                       "items": {k: v for k, v in items.items() if k != "oneOf"}},
        }}
        self.outer = _compiled(outer)
        self.by_type = {t: _compiled(branch) for t, branch in zip(types, branches, strict=True)}

    def is_valid(self, result: Any) -> bool:
        if self.outer is None:
            return bool(self.whole.is_valid(result))
        if not self.outer.is_valid(result):
            return False
        events = result.get("events", [])
        for event in events:  # the outer schema checked: a list of objects with a string type
            own = self.by_type.get(event["event"])
            if own is None or not own.is_valid(event):
                return False
        return True

    def validate(self, result: Any) -> None:
        """Nothing for a valid answer; Rasa's ValidationError for an invalid one."""
        if not self.is_valid(result):
            self.whole.validate(result)


@lru_cache(maxsize=1)
def _event_validator() -> EventValidator:
    return EventValidator(RemoteAction.action_response_format_spec())


# The action server's answer being handled, from its validation (RemoteAction.run validates the
# answer right before rendering its responses) to the rendering; one per asyncio task.
_ANSWER: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "ocbot_action_answer", default=None)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    from jsonschema import ValidationError

    try:
        _event_validator().validate(result)
        _ANSWER.set(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error


class DomainForActions:
    """The domain as the action server gets it, built once per Domain object (one per model;
    a new model loaded by the server is a new object, so its domain is rebuilt)."""

    def __init__(self) -> None:
        self._domain: Any = None
        self._sent: dict[str, Any] = {}

    def of(self, domain: Any) -> dict[str, Any]:
        if domain is not self._domain:
            whole = domain.as_dict()
            self._sent = {k: v for k, v in whole.items() if k not in NOT_SENT_TO_ACTIONS}
            self._domain = domain
        return self._sent


_DOMAIN_FOR_ACTIONS = DomainForActions()


def action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> dict[str, Any]:
    """Rasa 3.6's `RemoteAction._action_call_format`, with the domain built once."""
    import rasa
    from rasa.shared.core.trackers import EventVerbosity

    result = {
        "next_action": self._name,
        "sender_id": tracker.sender_id,
        "tracker": tracker.current_state(EventVerbosity.ALL),
        "version": rasa.__version__,
    }
    if (not self._is_selective_domain_enabled()
            or domain.does_custom_action_explicitly_need_domain(self.name())):
        result["domain"] = _DOMAIN_FOR_ACTIONS.of(domain)
    return result


@contextmanager
def own_slots_for_rendering(tracker: Any, events: list[dict[str, Any]]) -> Iterator[None]:
    """The tracker with the slot values the action's SlotSet events set (the last one wins),
    then exactly as it was: value and has-been-set flag of each slot touched."""
    saved: dict[str, tuple[Any, bool]] = {}
    try:
        for event in events:
            slot = tracker.slots.get(event.get("name")) if event.get("event") == "slot" else None
            if slot is None:
                continue
            saved.setdefault(slot.name, (slot._value, slot._has_been_set))
            slot.value = event.get("value")
        yield
    finally:
        for name, (value, was_set) in saved.items():
            tracker.slots[name]._value = value
            tracker.slots[name]._has_been_set = was_set


def render_with_own_slots(original: Any) -> Any:
    """RemoteAction._utter_responses, rendering with the action's own slot values."""

    async def _utter_responses(responses: Any, output_channel: Any, nlg: Any,
                               tracker: Any) -> Any:
        answer = _ANSWER.get()
        _ANSWER.set(None)
        events = answer.get("events") if isinstance(answer, dict) else None
        with own_slots_for_rendering(tracker, events if isinstance(events, list) else []):
            return await original(responses, output_channel, nlg, tracker)

    _utter_responses.ocbot_own_slots = True  # type: ignore[attr-defined]
    _utter_responses.__wrapped__ = original  # type: ignore[attr-defined]
    return _utter_responses


def sqlite_on_connect(connection: Any, _record: Any) -> None:
    """Every new SQLite connection: WAL journal, no fsync per commit."""
    cursor = connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _is_sqlite(connection: Any) -> bool:
    import sqlite3

    return isinstance(connection, sqlite3.Connection)


def _on_connect(connection: Any, record: Any) -> None:
    if _is_sqlite(connection):
        sqlite_on_connect(connection, record)


def pooled_sqlite(engine_kwargs: Any) -> Any:
    """rasa.core.tracker_store.create_engine_kwargs, with a connection pool for SQLite files."""

    def create_engine_kwargs(url: Any) -> dict[str, Any]:
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import QueuePool

        kwargs = engine_kwargs(url)
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            # One connection is only ever used by one session at a time (the pool hands it out).
            kwargs.update(poolclass=QueuePool, connect_args={"check_same_thread": False})
        return kwargs

    create_engine_kwargs.ocbot_pooled = True  # type: ignore[attr-defined]
    return create_engine_kwargs


def cached_resolve_by_type(original: Any) -> Any:
    """Event.resolve_by_type through a table of type names; identical answers."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    table: dict[str, Any] = {}

    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        found = table.get(type_name)
        if found is None:
            table.clear()
            for cls in all_subclasses(Event):
                table.setdefault(cls.type_name, cls)
            found = table.get(type_name)
        return found if found is not None else original(type_name, default)

    resolve_by_type.ocbot_cached = True  # type: ignore[attr-defined]
    return resolve_by_type


def fast_dumps(value: Any) -> str:
    import ujson

    return ujson.dumps(value, ensure_ascii=False, escape_forward_slashes=False)


# Idle connections to an endpoint are closed after this long, before the action server's own
# keep-alive timeout (Sanic's KEEP_ALIVE_TIMEOUT, 5 s) would close them: a request never goes
# out on a connection the server is closing.
KEEP_ALIVE_SECONDS = 2.0


class KeptSession:
    """What `async with endpoint.session()` enters: the endpoint's session, left open."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *_: object) -> None:
        return None


def _new_session(endpoint: Any) -> Any:
    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

    auth = None
    if endpoint.basic_auth:
        auth = aiohttp.BasicAuth(endpoint.basic_auth["username"],
                                 endpoint.basic_auth["password"])
    return aiohttp.ClientSession(
        headers=endpoint.headers, auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT), json_serialize=fast_dumps,
        connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS),
    )


def endpoint_session(self: Any) -> KeptSession:
    """Rasa 3.6's `EndpointConfig.session`, with the request body serialised by ujson, and one
    session per endpoint and event loop whose connections are kept alive between requests.

    Rasa opens a session, hence a TCP connection, for every call and closes it after (9 % of
    the Rasa server's samples, connection set-up and teardown on both servers). A connection
    the action server closed (a restart) is dropped by the pool when the close arrives; a
    request that finds no server is refused and retried as before (serving.resilience)."""
    import asyncio

    loop = asyncio.get_running_loop()
    kept = self.__dict__.get("_ocbot_session")
    if kept is None or kept.closed or kept._loop is not loop:
        kept = _new_session(self)
        self.__dict__["_ocbot_session"] = kept
    return KeptSession(kept)


def one_blas_thread() -> None:
    """The Rasa server's numpy products are a message's (a 300-long vector by a 300 x 53
    matrix): OpenBLAS's second thread brought them nothing and spun on the other core after
    each, doubling the server's CPU per turn (60 ms against 31 over 100 turns, `/proc`)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def install() -> None:
    from rasa.core import tracker_store
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from serving import graph_runner, trackers

    if not getattr(tracker_store.create_engine_kwargs, "ocbot_pooled", False):
        tracker_store.create_engine_kwargs = pooled_sqlite(tracker_store.create_engine_kwargs)

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    RemoteAction._action_call_format = action_call_format  # type: ignore[method-assign]
    if not getattr(RemoteAction._utter_responses, "ocbot_own_slots", False):
        RemoteAction._utter_responses = staticmethod(  # type: ignore[method-assign]
            render_with_own_slots(RemoteAction._utter_responses))
    if not getattr(Event.resolve_by_type, "ocbot_cached", False):
        Event.resolve_by_type = staticmethod(  # type: ignore[method-assign]
            cached_resolve_by_type(Event.resolve_by_type))
    EndpointConfig.session = endpoint_session  # type: ignore[method-assign]
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)
    graph_runner.install()
    trackers.install()
    one_blas_thread()
