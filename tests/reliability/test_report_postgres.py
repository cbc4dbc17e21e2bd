"""The support report reads the production stores: PostgreSQL tracker store and ticket store."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg2

from harness.stack import (
    PRODUCTION_ENDPOINTS,
    PYTHON,
    ROOT,
    ProductionStack,
    production_env,
    rest_session,
)
from tests.reliability.conftest import TOKEN, say


def feedback_events(stack: ProductionStack) -> list[dict]:
    with psycopg2.connect(stack.postgres.url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT data FROM events WHERE type_name = 'slot' ORDER BY id")
        events = [json.loads(row[0]) for row in cursor.fetchall()]
    return [e["value"] for e in events if e.get("name") == "feedback" and e.get("value")]


def test_report_reads_postgresql_through_the_production_endpoints(stack, tmp_path):
    """A rated answer on one server, the rating on the other: the report run with the
    production endpoints file finds it, and its feedback totals are those of PostgreSQL."""
    first, second = stack.rasa[0], stack.rasa[-1]
    me = rest_session(first.base_url)
    assert "Cette réponse vous a-t-elle aidé ?" in say(first, me, "comment avoir plus d'étudiants")
    assert "ne vous ait pas aidé" in say(second, me, '/deny{"feedback":"unhelpful"}')
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    env = production_env(stack.postgres, stack.redis, 0, TOKEN)
    subprocess.run(
        [PYTHON, "-m", "reporting", "--since", str(today - timedelta(days=1)),
         "--until", str(today + timedelta(days=1)), "--endpoints", str(PRODUCTION_ENDPOINTS),
         "--tickets-url", stack.tickets_url, "--out", str(tmp_path)],
        cwd=ROOT, check=True, capture_output=True, text=True,
        env={**env, "PATH": "", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"},
    )
    report = json.loads((tmp_path / "support.json").read_text(encoding="utf-8"))
    stored = feedback_events(stack)
    assert report["summary"]["feedback_not_helpful"] == sum(not f["helpful"] for f in stored)
    assert report["summary"]["feedback_helpful"] == sum(f["helpful"] for f in stored)
    assert any(r["answer"] == "utter_more_students" and r["not_helpful"] >= 1
               for r in report["answers_feedback"])
    assert report["summary"]["conversations"] >= 1
