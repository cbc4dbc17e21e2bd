"""Reading the tracker store's events table and finding it from the endpoints file."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa

from reporting.stores import period_bounds, read_events, tracker_url
from tests.reporting.builders import PARIS, Talk, at, rows

# The table as Rasa 3.6's SQLTrackerStore creates it (rasa/core/tracker_store.py, SQLEvent).
RASA_EVENTS_DDL = """CREATE TABLE events (
    id INTEGER NOT NULL PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),
    action_name VARCHAR(255), data TEXT)"""


def write(url: str, events: list[dict]) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(RASA_EVENTS_DDL)
        for row in events:
            connection.execute(
                sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) "
                        "VALUES (:s, :t, :ts, :d)"),
                {"s": row["sender_id"], "t": row["type_name"], "ts": row["timestamp"],
                 "d": json.dumps(row["data"])})
        connection.execute(sa.text(
            "INSERT INTO events (sender_id, type_name, timestamp, data) "
            "VALUES ('a', 'bot', :ts, '{}')"), {"ts": at("2026-11-06 10:01")})
    engine.dispose()


def test_reads_user_slot_and_session_events_of_active_senders(tmp_path):
    """Bot events are skipped; a sender silent in the period is left out."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    inside = Talk("a", "2026-11-06 10:00").user("bonjour", "greet").slot("role", "coach")
    before = Talk("b", "2026-10-01 10:00").user("bonjour", "greet")
    write(url, rows(inside, before))
    events = read_events(url, *period_bounds(date(2026, 11, 1), date(2026, 11, 30), PARIS))
    assert [(e["sender_id"], e["type_name"]) for e in events] == [
        ("a", "session_started"), ("a", "user"), ("a", "slot")]
    assert events[1]["data"]["text"] == "bonjour"


def test_no_events_table_yet_means_no_events(tmp_path):
    """Before Rasa's first conversation the table does not exist: nothing to report."""
    (tmp_path / "empty.db").touch()
    assert read_events(f"sqlite:///{tmp_path / 'empty.db'}", 0, 2e9) == []


def test_missing_sqlite_file_is_no_events_and_is_not_created(tmp_path):
    """Before `make run` ever ran, the report finds nothing and leaves no file behind."""
    path = tmp_path / "var" / "tracker.db"
    assert read_events(f"sqlite:///{path}", 0, 2e9) == []
    assert not path.exists()


def test_period_bounds_are_paris_midnights():
    """From since 00:00 to the day after until 00:00, Paris time."""
    assert period_bounds(date(2026, 11, 6), date(2026, 11, 6), PARIS) == (
        at("2026-11-06 00:00"), at("2026-11-07 00:00"))


def test_sqlite_tracker_path_is_relative_to_the_endpoints_file(tmp_path):
    """endpoints.yml's `db: var/tracker.db` is the file next to it, as `make run` uses it."""
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text('tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "var/t.db"\n')
    assert tracker_url(endpoints, {}) == f"sqlite:///{tmp_path / 'var' / 't.db'}"


def test_postgresql_tracker_from_the_environment(tmp_path):
    """The production file's ${VAR} values are read from the environment, as Rasa does."""
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: ${H}\n  port: ${P}\n"
        "  db: ${D}\n  username: ${U}\n  password: ${W}\n")
    url = tracker_url(endpoints, {"H": "db.local", "P": "5433", "D": "rasa", "U": "bot",
                                  "W": "s3cret"})
    assert url.render_as_string(hide_password=False) == (
        "postgresql://bot:s3cret@db.local:5433/rasa")


def test_tracker_db_url_overrides_the_endpoints_file(tmp_path):
    """TRACKER_DB_URL wins over whatever endpoints.yml says."""
    assert tracker_url(tmp_path / "missing.yml", {"TRACKER_DB_URL": "sqlite:///x.db"}) == (
        "sqlite:///x.db")
