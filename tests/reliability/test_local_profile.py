"""The local default (`make run`): conversations in an SQLite file survive a Rasa restart."""

from __future__ import annotations

from harness.stack import LocalStack, rest_session
from tests.reliability.conftest import TODAY, say


def test_a_form_survives_a_restart_with_the_sqlite_tracker_store(tmp_path):
    """endpoints.yml's store: the form goes on after the only Rasa server restarts."""
    local = LocalStack(tmp_path, TODAY)
    [rasa] = local.rasa
    try:
        local.start()
        me = rest_session(rasa.base_url)
        say(rasa, me, "mon virement n'est pas arrivé alors que la facture est payée")
        assert "Depuis quelle date" in say(rasa, me, "payée")
        rasa.restart()
        assert "Quel mois de facturation" in say(rasa, me, "le 2 novembre")
    finally:
        local.stop()
    assert local.tracker_db.stat().st_size > 0
