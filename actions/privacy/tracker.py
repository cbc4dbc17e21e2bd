"""Rasa's SQL tracker store (table `events`), read and pruned with SQLAlchemy Core.

Rasa is not imported: the table is reflected from the database (sender_id, timestamp, data).
The URL comes from TRACKER_DB_URL, else from the tracker_store section of the endpoints file the
running profile uses (endpoints.yml, or deploy/endpoints.production.yml with ${VAR} expanded).
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import MetaData, Table, create_engine, delete, func, inspect, select
from sqlalchemy.engine import URL, Engine

from actions.tickets.config import project_root

BATCH = 500
_VARIABLE = re.compile(r"\$\{([^}]+)\}")


def endpoints_file(environ: Mapping[str, str]) -> Path:
    name = ("deploy/endpoints.production.yml" if environ.get("OCBOT_PROFILE") == "production"
            else "endpoints.yml")
    return project_root() / name


# Rasa's SQL tracker store, and the project's subclass that keeps recent sessions in memory
# (serving/tracker_store.py): both write the same `events` table.
SQL_TRACKER_TYPES = frozenset({"SQL", "SERVING.TRACKER_STORE.CACHEDSQLTRACKERSTORE"})


def is_sql_tracker(section: Mapping[str, object]) -> bool:
    """Whether an endpoints file's tracker_store section is an SQL tracker store."""
    return str(section.get("type", "")).upper() in SQL_TRACKER_TYPES


def tracker_url(environ: Mapping[str, str], endpoints: Path | None = None) -> str | URL | None:
    """The tracker store's SQLAlchemy URL; None when the conversations are not in SQL."""
    if environ.get("TRACKER_DB_URL"):
        return environ["TRACKER_DB_URL"]
    text = (endpoints or endpoints_file(environ)).read_text(encoding="utf-8")
    text = _VARIABLE.sub(lambda match: environ.get(match.group(1), ""), text)
    section = (yaml.safe_load(text) or {}).get("tracker_store") or {}
    if not is_sql_tracker(section):
        return None
    dialect = section.get("dialect") or "sqlite"
    if dialect == "sqlite":
        db = Path(section.get("db") or "rasa.db")
        return f"sqlite:///{db if db.is_absolute() else project_root() / db}"
    return URL.create(dialect, username=section.get("username") or None,
                      password=section.get("password") or None,
                      host=section.get("url") or None,
                      port=int(section["port"]) if section.get("port") else None,
                      database=section.get("db") or None)


class TrackerEvents:
    """The `events` table: which conversations are stale or mention someone, and deleting them."""

    def __init__(self, url: str | URL) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._table: Table | None = None

    def _events(self) -> Table | None:
        if self._engine is None:
            self._engine = create_engine(self.url, future=True)
        if self._table is None and inspect(self._engine).has_table("events"):
            self._table = Table("events", MetaData(), autoload_with=self._engine)
        return self._table

    def stale_senders(self, before_timestamp: float) -> list[str]:
        """Conversations whose latest event is older than the timestamp (seconds)."""
        events = self._events()
        if events is None:
            return []
        query = (select(events.c.sender_id).group_by(events.c.sender_id)
                 .having(func.max(events.c.timestamp) < before_timestamp))
        with self._begin() as connection:
            return [row[0] for row in connection.execute(query)]

    def senders_mentioning(self, value: str) -> set[str]:
        """Conversations whose events hold this exact value as a JSON string (any case)."""
        events = self._events()
        if events is None or not value:
            return set()
        quoted = '"' + value.lower().replace("\\", "\\\\").replace("%", "\\%")\
            .replace("_", "\\_") + '"'
        query = select(events.c.sender_id).distinct().where(
            func.lower(events.c.data).like(f"%{quoted}%", escape="\\"))
        with self._begin() as connection:
            return {row[0] for row in connection.execute(query)}

    def existing(self, senders: Iterable[str]) -> set[str]:
        events = self._events()
        wanted = list(dict.fromkeys(senders))
        if events is None or not wanted:
            return set()
        found: set[str] = set()
        with self._begin() as connection:
            for start in range(0, len(wanted), BATCH):
                query = select(events.c.sender_id).distinct().where(
                    events.c.sender_id.in_(wanted[start:start + BATCH]))
                found |= {row[0] for row in connection.execute(query)}
        return found

    def delete_senders(self, senders: Collection[str]) -> int:
        """Delete every event of these conversations; the number of events deleted."""
        events = self._events()
        wanted = list(senders)
        if events is None or not wanted:
            return 0
        deleted = 0
        with self._begin() as connection:
            for start in range(0, len(wanted), BATCH):
                result = connection.execute(
                    delete(events).where(events.c.sender_id.in_(wanted[start:start + BATCH])))
                deleted += int(result.rowcount)
        return deleted

    def _begin(self) -> Any:
        assert self._engine is not None
        return self._engine.begin()

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def tracker_from_env(environ: Mapping[str, str] | None = None) -> TrackerEvents | None:
    url = tracker_url(os.environ if environ is None else environ)
    return None if url is None else TrackerEvents(url)
