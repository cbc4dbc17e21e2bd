"""The local default (`make run`): conversations in an SQLite file survive a Rasa restart."""

from __future__ import annotations

import uuid

from serving.stack import (
    ROOT,
    action_server,
    free_port,
    rasa_server,
    sqlite_tracker,
    write_endpoints,
)
from tests.reliability.conftest import TODAY, say


def test_a_form_survives_a_restart_with_the_sqlite_tracker_store(tmp_path):
    """endpoints.yml's store: the form goes on after the only Rasa server restarts."""
    action_port = free_port()
    tracker_db = tmp_path / "tracker.db"
    endpoints = write_endpoints(tmp_path / "endpoints.yml", action_port, sqlite_tracker(tracker_db))
    actions = action_server(action_port, tmp_path / "actions.log")
    rasa = rasa_server(free_port(), endpoints, ROOT / "credentials.yml", tmp_path / "rasa.log")
    me = f"local-{uuid.uuid4().hex[:8]}"
    try:
        actions.start(OCBOT_TODAY=TODAY, TICKETS_DB_URL=f"sqlite:///{tmp_path / 'tickets.db'}")
        rasa.start()
        say(rasa, me, "mon virement n'est pas arrivé alors que la facture est payée")
        assert "Depuis quelle date" in say(rasa, me, "payée")
        rasa.stop()
        rasa.start()
        assert "Quel mois de facturation" in say(rasa, me, "le 2 novembre")
    finally:
        rasa.stop()
        actions.stop()
    assert tracker_db.stat().st_size > 0

