"""The production profile holds: servers share conversations, survive restarts and outages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2
import pytest

from harness.stack import ROOT, ProductionStack, conversation_of, list_tickets, rest_session
from tests.reliability.conftest import say

PAYMENT = "mon virement n'est pas arrivé alors que la facture est payée"
ASKS_STATUS = "statut de votre facture"
ASKS_SINCE = "Depuis quelle date"
ASKS_MONTH = "Quel mois de facturation"
SUMMARY = "Voici votre demande"
ASKS_EMAIL = "À quelle adresse e-mail"
EMAIL = "mentor@example.org"  # anonymous REST: the address to answer to is asked
UNAVAILABLE = "momentanément indisponible"


def sender(stack: ProductionStack) -> str:
    """A signed anonymous sender id (any server of the deployment accepts it)."""
    return rest_session(stack.rasa[0].base_url)


def tickets_of(stack: ProductionStack, me: str) -> list[dict]:
    return [t for t in list_tickets(stack.postgres.url) if t["sender_id"] == conversation_of(me)]


def stored_events(stack: ProductionStack, me: str) -> list[dict]:
    with psycopg2.connect(stack.postgres.url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id",
                       (conversation_of(me),))
        return [json.loads(row[0]) for row in cursor.fetchall()]


def test_a_conversation_started_on_one_server_continues_on_the_other(stack):
    """Each turn on another Rasa server: the form goes on where the previous server left it."""
    me = sender(stack)
    assert ASKS_STATUS in say(stack.rasa[0], me, PAYMENT)
    assert ASKS_SINCE in say(stack.rasa[1], me, "payée")
    reply = say(stack.rasa[0], me, "le 2 novembre")
    assert "2 novembre" in reply and ASKS_MONTH in reply
    assert ASKS_EMAIL in say(stack.rasa[1], me, "octobre")
    assert SUMMARY in say(stack.rasa[0], me, EMAIL)
    assert "OC-" in say(stack.rasa[1], me, "/affirm")
    [ticket] = tickets_of(stack, me)
    assert ticket["category"] == "payment_missing"
    assert ticket["details"]["invoice_month"] == "octobre 2026"


def test_a_form_survives_a_restart_of_the_rasa_server(stack):
    """The server that held the form is restarted: the next answer continues the same form."""
    me = sender(stack)
    say(stack.rasa[0], me, PAYMENT)
    assert ASKS_SINCE in say(stack.rasa[0], me, "payée")
    stack.rasa[0].restart()
    reply = say(stack.rasa[0], me, "le 2 novembre")
    assert ASKS_MONTH in reply


def test_action_server_down_gets_a_french_message_and_the_form_resumes(stack):
    """Actions down: the user is told, nothing is lost; back up: the same answer continues."""
    me = sender(stack)
    say(stack.rasa[1], me, PAYMENT)
    stack.actions.stop()
    try:
        down = say(stack.rasa[1], me, "payée")
    finally:
        stack.actions.restart()
    assert UNAVAILABLE in down
    # The form is still open: the same answer, sent again, gets the next question.
    assert ASKS_SINCE in say(stack.rasa[0], me, "payée")
    assert ASKS_MONTH in say(stack.rasa[1], me, "le 2 novembre")
    assert ASKS_EMAIL in say(stack.rasa[0], me, "octobre")
    assert SUMMARY in say(stack.rasa[1], me, EMAIL)
    assert "OC-" in say(stack.rasa[0], me, "/affirm")
    assert len(tickets_of(stack, me)) == 1


def test_the_ticket_is_created_once_when_both_servers_get_the_confirmation(stack):
    """A double click reaching both servers at once: one ticket (Redis lock + idempotency)."""
    me = sender(stack)
    say(stack.rasa[0], me, PAYMENT)
    say(stack.rasa[0], me, "payée")
    say(stack.rasa[0], me, "le 2 novembre")
    say(stack.rasa[0], me, "octobre")
    assert SUMMARY in say(stack.rasa[0], me, EMAIL)
    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(lambda server: say(server, me, "/affirm"), stack.rasa))
    assert sum("OC-" in reply for reply in replies) >= 1
    assert len(tickets_of(stack, me)) == 1


@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_messages_of_one_conversation_are_all_kept(stack, attempt):
    """Messages of one user sent to both servers at once are processed one after the other."""
    me = sender(stack)
    with ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(lambda i: say(stack.rasa[i % 2], me, "bonjour"),
                                range(4)))
    assert all(replies)
    events = stored_events(stack, me)
    assert sum(e["event"] == "user" for e in events) == 4, [
        (e["event"], e.get("name") or e.get("text")) for e in events]
    assert sum(e["event"] == "bot" for e in events) >= 4


def test_the_action_server_refuses_callers_without_the_token(stack):
    """Only the Rasa servers, which send the token, may run actions."""
    request = urllib.request.Request(
        stack.actions.base_url + "/webhook", method="POST",
        data=json.dumps({"next_action": "action_respond", "tracker": {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401



def test_the_ticket_store_tests_pass_on_this_postgresql(stack):
    """tests/tickets' PostgreSQL cases (skipped without a server) run on a database of its own."""
    url = stack.postgres.create_database("ticket_contract")  # they drop their table
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/tickets", "-q", "-p", "no:warnings",
         "-k", "postgres"],
        cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "TICKETS_TEST_POSTGRES_URL": url},
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert " skipped" not in run.stdout, run.stdout[-1000:]


LOOPBACK_HEX = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it


def listening_on(port: int) -> set[str]:
    """Local addresses of the sockets listening on `port` (hex, as in /proc/net/tcp[6])."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:
                found.add(address)
    return found


def test_every_server_listens_on_loopback_only(stack):
    """The action server and both Rasa servers are bound to 127.0.0.1, not to every interface."""
    for server in (stack.actions, *stack.rasa):
        assert listening_on(server.port) == {LOOPBACK_HEX}, server.command
