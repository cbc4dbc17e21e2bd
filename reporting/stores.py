"""Reading the real stores: Rasa's tracker store (its `events` table) and the ticket store.

The tracker store is found like Rasa finds it: TRACKER_DB_URL when set (any SQLAlchemy URL),
else the `tracker_store` section of the endpoints file (SQLite `db`, or `url`/`port`/`db`/
`username`/`password` with `${VAR}` taken from the environment, as Rasa does).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import yaml

from actions.privacy.tracker import is_sql_tracker
from actions.tickets.model import Ticket

_VARIABLE = re.compile(r"\$\{([^}]+)\}")
# The columns Rasa 3.6's SQLTrackerStore writes (rasa/core/tracker_store.py, class SQLEvent).
_METADATA = sa.MetaData()
EVENTS = sa.Table(
    "events", _METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("type_name", sa.String(255)),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)
# Events the report reads; the others (bot messages, actions) are skipped in the query.
KINDS = ("user", "slot", "session_started", "active_loop")


class StoreError(RuntimeError):
    """A store that cannot be read, said in a sentence."""


def _expand(value: object, env: Mapping[str, str]) -> str:
    return _VARIABLE.sub(lambda m: env.get(m.group(1), ""), str(value))


def tracker_url(endpoints: Path, env: Mapping[str, str] | None = None) -> str | sa.engine.URL:
    env = os.environ if env is None else env
    if env.get("TRACKER_DB_URL", "").strip():
        return env["TRACKER_DB_URL"].strip()
    config = (yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}).get("tracker_store")
    if not config or not is_sql_tracker(config):
        raise StoreError(f"{endpoints}: no SQL tracker_store (set TRACKER_DB_URL)")
    values = {k: _expand(v, env) for k, v in config.items() if v is not None}
    dialect = values.get("dialect", "sqlite")
    if dialect == "sqlite":
        db = Path(values.get("db", "rasa.db"))
        return f"sqlite:///{db if db.is_absolute() else endpoints.resolve().parent / db}"
    host = values.get("url") or None
    if host and "://" in host:
        return host
    return sa.engine.URL.create(
        dialect, username=values.get("username") or None, password=values.get("password") or None,
        host=host, port=int(values["port"]) if values.get("port") else None,
        database=values.get("db") or None,
    )


def period_bounds(since: date, until: date, zone: ZoneInfo) -> tuple[float, float]:
    """Epoch seconds from since 00:00 to the day after until 00:00, local time."""
    start = datetime.combine(since, time(), zone)
    end = datetime.combine(until + timedelta(days=1), time(), zone)
    return start.timestamp(), end.timestamp()


def read_events(url: str | sa.engine.URL, start: float, end: float) -> list[dict[str, Any]]:
    """The user, slot, form and session events of every conversation active in [start, end)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and not Path(parsed.database).exists():
        return []  # no conversation yet; connecting would create an empty file
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("events"):
                return []  # Rasa creates the table on its first conversation
            active = (sa.select(EVENTS.c.sender_id).distinct()
                      .where(EVENTS.c.timestamp >= start, EVENTS.c.timestamp < end))
            query = (sa.select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp,
                               EVENTS.c.data)
                     .where(EVENTS.c.sender_id.in_(active), EVENTS.c.type_name.in_(KINDS),
                            EVENTS.c.timestamp < end)
                     .order_by(EVENTS.c.sender_id, EVENTS.c.id))
            return [{"sender_id": r.sender_id, "type_name": r.type_name,
                     "timestamp": r.timestamp, "data": json.loads(r.data or "{}")}
                    for r in connection.execute(query)]
    except sa.exc.SQLAlchemyError as error:
        raise StoreError(f"tracker store: {error.__class__.__name__}: {error}") from error
    finally:
        engine.dispose()


def read_tickets(url: str) -> list[Ticket]:
    from actions.tickets.sql import SqlTicketStore

    try:
        return SqlTicketStore(url).list()
    except sa.exc.SQLAlchemyError as error:
        raise StoreError(f"ticket store: {error.__class__.__name__}: {error}") from error
