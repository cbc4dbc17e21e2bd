"""python -m actions.tickets, run as operators and the end-to-end tests run it."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest

from actions.tickets.__main__ import main
from actions.tickets.sql import SqlTicketStore
from tests.tickets.conftest import STUDENT_NAME, make_new_ticket

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'var' / 'tickets.db'}"


@pytest.fixture
def filled(db_url: str):
    store = SqlTicketStore(db_url)
    first, _ = store.create(make_new_ticket("a", requester_email="alice@example.org",
                                            requester_name="Alice", user_id="u-42",
                                            identity="verified"), forwarding=False)
    second, _ = store.create(make_new_ticket("b", category="pause", role="coach"), forwarding=True)
    store.mark_rejected(second.reference, "HTTP 422")
    store.dispose()
    return first, second


def _run_module(*args: str, env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    # Only the test decides whether Zendesk is configured, not the developer's shell.
    env = {name: value for name, value in os.environ.items() if not name.startswith("ZENDESK_")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "actions.tickets", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _main(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    code = main(list(args), env=env, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_list_json_prints_every_ticket(db_url, filled):
    """list --json prints a JSON array with the fields the end-to-end tests rely on."""
    result = _run_module("list", "--json", env_extra={"TICKETS_DB_URL": db_url})
    assert result.returncode == 0, result.stderr
    tickets = json.loads(result.stdout)
    assert [ticket["reference"] for ticket in tickets] == [t.reference for t in filled]
    first = tickets[0]
    required = {"id", "category", "details", "role", "sender_id", "status", "created_at"}
    assert required <= first.keys()
    assert first["details"]["student_name"] == STUDENT_NAME
    assert first["transcript"][0]["who"] == "user"
    assert (first["status"], tickets[1]["status"]) == ("stored", "rejected")


def test_list_json_shows_the_requester(db_url, filled):
    """list --json names who asked and how they are known, for the support team's reply."""
    tickets = json.loads(_main("list", "--json", env={"TICKETS_DB_URL": db_url})[1])
    assert {k: tickets[0][k] for k in ("requester_email", "requester_name", "user_id",
                                       "identity")} == {
        "requester_email": "alice@example.org", "requester_name": "Alice", "user_id": "u-42",
        "identity": "verified"}
    assert tickets[1]["identity"] == "none"


def test_list_json_on_a_fresh_database_is_empty(db_url):
    """On a database that does not exist yet, list --json prints []."""
    assert _main("list", "--json", env={"TICKETS_DB_URL": db_url})[1].strip() == "[]"


def test_list_table_shows_no_personal_details(db_url, filled):
    """The readable list shows references and categories, not names, senders or transcripts."""
    code, out, _ = _main("list", env={"TICKETS_DB_URL": db_url})
    assert code == 0
    assert filled[0].reference in out and "Étudiant sans réponse" in out
    assert STUDENT_NAME not in out
    assert "sender-42" not in out


def test_show_prints_one_ticket(db_url, filled):
    """show REF prints that ticket as a JSON object."""
    code, out, _ = _main("show", filled[1].reference, env={"TICKETS_DB_URL": db_url})
    assert code == 0
    assert json.loads(out)["category"] == "pause"


def test_show_names_the_category_and_details_as_the_rules_do(db_url, filled):
    """The support agent reads the French labels of rules/*.yml beside the keys."""
    code, out, _ = _main("show", filled[0].reference, env={"TICKETS_DB_URL": db_url})
    shown = json.loads(out)
    assert shown["category_label"] == "Étudiant sans réponse"
    assert shown["detail_labels"]["student_name"] == "Étudiant"


def test_show_unknown_reference_fails(db_url, filled):
    """show with an unknown reference says so and exits with 1."""
    code, _, err = _main("show", "OC-2026-009999", env={"TICKETS_DB_URL": db_url})
    assert code == 1 and "OC-2026-009999" in err


def test_retry_without_zendesk_requeues_only(db_url, filled):
    """retry without Zendesk requeues the rejected ticket and says nothing was sent."""
    code, out, _ = _main("retry", env={"TICKETS_DB_URL": db_url})
    assert code == 0
    assert f"requeued 1 ticket(s): {filled[1].reference}" in out
    assert "not configured" in out
    assert SqlTicketStore(db_url).get(filled[1].reference).status == "pending"


def test_retry_with_zendesk_forwards_requeued_tickets(db_url, filled, zendesk):
    """retry with Zendesk configured sends the requeued ticket and reports the outcome."""
    env = {
        "TICKETS_DB_URL": db_url,
        "ZENDESK_SUBDOMAIN": "oc-test",
        "ZENDESK_EMAIL": "bot@example.org",
        "ZENDESK_API_TOKEN": "secret-token",
        "ZENDESK_BASE_URL": zendesk.base_url,
    }
    result = _run_module("retry", env_extra=env)
    assert result.returncode == 0, result.stderr
    assert f"{filled[1].reference}: forwarded" in result.stdout
    assert len(zendesk.received) == 1
    stored = SqlTicketStore(db_url).get(filled[1].reference)
    assert stored.status == "forwarded" and stored.external_id


def test_retry_stored_also_queues_never_forwarded_tickets(db_url, filled):
    """retry --stored also queues tickets created while Zendesk was not configured."""
    _, out, _ = _main("retry", "--stored", env={"TICKETS_DB_URL": db_url})
    assert "requeued 2 ticket(s)" in out


def test_list_json_shows_attached_files(db_url):
    """list --json lists each ticket's files as {name, content_type, size, sha256}, not bytes."""
    from actions.tickets.attachments import check_file
    from actions.tickets.model import AttachedFile

    sheet = b"%PDF-1.7\nfiche\n%%EOF\n"
    attachment = check_file("fiche.pdf", sheet)
    store = SqlTicketStore(db_url)
    store.create(make_new_ticket("f", category="novice_status",
                                 files=(AttachedFile(attachment, sheet),)), forwarding=False)
    store.dispose()
    code, out, _ = _main("list", "--json", env={"TICKETS_DB_URL": db_url})
    assert code == 0
    assert json.loads(out)[0]["attachments"] == [attachment.as_json()]
