"""Forwarding to a loopback server that answers like Zendesk."""

import asyncio
import base64
import logging
import socket
from datetime import datetime, timedelta, timezone

import pytest

from actions.business.catalog import load_catalog
from actions.tickets.config import ZendeskSettings
from actions.tickets.memory import InMemoryTicketStore
from actions.tickets.model import Ticket
from actions.tickets.zendesk import (
    Outbox,
    backoff_delay,
    build_payload,
    forward_due,
    retry_after_delay,
)
from tests.tickets.conftest import STUDENT_NAME, Reply, make_new_ticket

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


def _pending(store: InMemoryTicketStore, key: str = "k1", **overrides) -> Ticket:
    ticket, _ = store.create(make_new_ticket(key, **overrides), forwarding=True, now=NOW)
    return ticket


def _forward(store, settings: ZendeskSettings, now: datetime = NOW):
    return asyncio.run(forward_due(store, settings, now))


# ---------------------------------------------------------------- payload


@pytest.mark.parametrize("category", sorted(load_catalog().categories))
def test_subject_and_details_are_named_as_in_the_rules(memory_store, category):
    """Every category and detail reaches Zendesk with the French label of rules/*.yml."""
    catalog = load_catalog()
    spec = catalog.categories[category]
    details = {name: "valeur" for name in spec.details_for("mentor")}
    ticket = _pending(memory_store, category=category, details=details)
    fields = build_payload(ticket)["ticket"]
    assert fields["subject"] == f"{spec.label} ({ticket.reference})"
    for name in details:
        assert f"- {catalog.fields[name].label} : valeur" in fields["comment"]["body"]


def test_payload_has_subject_body_tags_and_external_id(memory_store):
    """The payload follows the Tickets API: French subject with reference, body, tags, id."""
    ticket = _pending(memory_store)
    fields = build_payload(ticket)["ticket"]
    assert fields["subject"] == f"Étudiant sans réponse ({ticket.reference})"
    assert fields["external_id"] == ticket.reference
    assert fields["tags"] == ["ocbot", "student_unresponsive", "mentor"]
    assert f"- Étudiant : {STUDENT_NAME}" in fields["comment"]["body"]
    assert "Assistant : Je crée un ticket." in fields["comment"]["body"]
    assert "requester" not in fields


def test_payload_names_requester_only_when_email_known(memory_store):
    """A requester is sent only when the user's email is known."""
    ticket = _pending(memory_store, requester_email="mentor@example.org")
    assert build_payload(ticket)["ticket"]["requester"]["email"] == "mentor@example.org"


def test_payload_requester_carries_the_users_name(memory_store):
    """The requester Zendesk creates is named after the user, not after the address."""
    ticket = _pending(memory_store, requester_email="alice@example.org",
                      requester_name="Alice Martin", identity="verified")
    assert build_payload(ticket)["ticket"]["requester"] == {
        "email": "alice@example.org", "name": "Alice Martin"}


def test_payload_tags_skip_unknown_role(memory_store):
    """Without a role the tags are just the bot tag and the category."""
    ticket = _pending(memory_store, role=None)
    assert build_payload(ticket)["ticket"]["tags"] == ["ocbot", "student_unresponsive"]


# ---------------------------------------------------------------- timing rules


def test_backoff_doubles_and_caps_at_one_hour():
    """Backoff is 30 s times 2^attempts, never beyond one hour."""
    delays = [backoff_delay(attempts, jitter=0).total_seconds() for attempts in (0, 1, 2, 10)]
    assert delays == [30, 60, 120, 3600]
    assert backoff_delay(50, jitter=0.1).total_seconds() == 3600


def test_retry_after_accepts_an_http_date():
    """Retry-After given as an HTTP date means the time left until that date."""
    assert retry_after_delay("Mon, 02 Mar 2026 10:00:20 GMT", NOW) == timedelta(seconds=20)
    assert retry_after_delay("soon", NOW) is None


def test_retry_after_is_bounded():
    """Negative or absurd Retry-After values are clamped between now and one day."""
    assert retry_after_delay("-5", NOW) == timedelta(0)
    assert retry_after_delay("inf", NOW) == timedelta(days=1)


# ---------------------------------------------------------------- HTTP outcomes


def test_created_ticket_is_marked_forwarded_with_zendesk_id(memory_store, zendesk):
    """A 201 from Zendesk marks the ticket forwarded with the Zendesk ticket id."""
    ticket = _pending(memory_store)
    zendesk.queue(Reply(201, body={"ticket": {"id": 4242}}))
    results = _forward(memory_store, zendesk.settings())
    stored = memory_store.get(ticket.reference)
    assert (stored.status, stored.external_id) == ("forwarded", "4242")
    assert results[0].outcome == "forwarded"


def test_request_carries_auth_idempotency_key_and_payload(memory_store, zendesk):
    """The request uses token basic auth, the reference as Idempotency-Key, and the payload."""
    ticket = _pending(memory_store)
    _forward(memory_store, zendesk.settings())
    received = zendesk.received[0]
    expected = base64.b64encode(b"bot@example.org/token:secret-token").decode()
    assert received.headers["Authorization"] == f"Basic {expected}"
    assert received.headers["Idempotency-Key"] == ticket.reference
    assert received.payload["ticket"]["external_id"] == ticket.reference
    assert received.payload["ticket"]["tags"] == ["ocbot", "student_unresponsive", "mentor"]


def test_rate_limit_retries_after_the_given_seconds(memory_store, zendesk):
    """A 429 with Retry-After: 7 schedules the next attempt exactly 7 s later."""
    ticket = _pending(memory_store)
    zendesk.queue(Reply(429, headers={"Retry-After": "7"}))
    _forward(memory_store, zendesk.settings())
    stored = memory_store.get(ticket.reference)
    assert stored.status == "pending"
    assert stored.next_attempt_at == NOW + timedelta(seconds=7)


def test_rate_limit_without_header_uses_backoff(memory_store, zendesk):
    """A 429 without Retry-After falls back to the ordinary backoff."""
    ticket = _pending(memory_store)
    zendesk.queue(Reply(429))
    _forward(memory_store, zendesk.settings())
    delay = memory_store.get(ticket.reference).next_attempt_at - NOW
    assert timedelta(seconds=30) <= delay <= timedelta(seconds=33)


def test_rate_limit_ends_the_pass(memory_store, zendesk):
    """After a 429 the pass stops: the other due tickets wait for the next pass."""
    _pending(memory_store, "a")
    second = _pending(memory_store, "b")
    zendesk.queue(Reply(429, headers={"Retry-After": "7"}))
    _forward(memory_store, zendesk.settings())
    assert len(zendesk.received) == 1
    assert memory_store.get(second.reference).forward_attempts == 0


def test_server_error_retries_with_exponential_backoff(memory_store, zendesk):
    """A 500 keeps the ticket pending, retried after 30 s, then 60 s, with small jitter."""
    ticket = _pending(memory_store)
    zendesk.queue(Reply(500), Reply(500))
    _forward(memory_store, zendesk.settings())
    first = memory_store.get(ticket.reference)
    assert first.status == "pending" and first.last_error.startswith("HTTP 500")
    assert timedelta(seconds=30) <= first.next_attempt_at - NOW <= timedelta(seconds=33)
    _forward(memory_store, zendesk.settings(), first.next_attempt_at)
    second = memory_store.get(ticket.reference)
    assert second.forward_attempts == 2
    assert timedelta(seconds=60) <= second.next_attempt_at - first.next_attempt_at
    assert second.next_attempt_at - first.next_attempt_at <= timedelta(seconds=66)


def test_client_error_rejects_and_never_retries(memory_store, zendesk):
    """A 422 marks the ticket rejected; later passes do not send it again."""
    ticket = _pending(memory_store)
    zendesk.queue(Reply(422, body={"error": "RecordInvalid"}))
    _forward(memory_store, zendesk.settings())
    _forward(memory_store, zendesk.settings(), NOW + timedelta(days=1))
    stored = memory_store.get(ticket.reference)
    assert stored.status == "rejected"
    assert "RecordInvalid" in stored.last_error
    assert len(zendesk.received) == 1


def test_hanging_server_means_retry(memory_store, zendesk):
    """No answer within the client timeout: the ticket stays pending for a later retry."""
    ticket = _pending(memory_store)
    zendesk.queue(Reply(201, hang_seconds=3))
    results = _forward(memory_store, zendesk.settings(timeout_seconds=0.3))
    stored = memory_store.get(ticket.reference)
    assert (stored.status, stored.last_error) == ("pending", "timeout")
    assert stored.next_attempt_at > NOW
    assert results[0].outcome == "retry"


def test_unreachable_server_means_retry(memory_store):
    """A refused connection keeps the ticket pending for a later retry."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = ZendeskSettings("oc", "bot@example.org", "t", f"http://127.0.0.1:{port}", 1.0)
    ticket = _pending(memory_store)
    _forward(memory_store, settings)
    stored = memory_store.get(ticket.reference)
    assert stored.status == "pending"
    assert stored.last_error.startswith("network")


def test_only_due_tickets_are_sent(memory_store, zendesk):
    """Stored, forwarded and not-yet-due tickets are not sent."""
    memory_store.create(make_new_ticket("stored"), forwarding=False, now=NOW)
    waiting = _pending(memory_store, "waiting")
    memory_store.mark_retry(waiting.reference, "HTTP 500", NOW + timedelta(minutes=5))
    due = _pending(memory_store, "due")
    _forward(memory_store, zendesk.settings())
    assert [r.payload["ticket"]["external_id"] for r in zendesk.received] == [due.reference]


def test_logs_carry_no_personal_details(memory_store, zendesk, caplog):
    """Forwarding logs name references and statuses, never the student or the transcript."""
    _pending(memory_store, "a")
    _pending(memory_store, "b")
    zendesk.queue(Reply(201), Reply(422, body={"error": f"bad {STUDENT_NAME}"}))
    with caplog.at_level(logging.DEBUG, logger="actions.tickets"):
        _forward(memory_store, zendesk.settings())
    assert "OC-2026-000001" in caplog.text
    assert STUDENT_NAME not in caplog.text
    assert "ne répond plus" not in caplog.text


# ---------------------------------------------------------------- outbox


def test_outbox_kick_forwards_a_new_ticket_at_once(memory_store, zendesk):
    """With a long interval, kick() wakes the outbox, which forwards the new ticket."""

    async def scenario() -> str:
        outbox = Outbox(memory_store, zendesk.settings(), interval_seconds=60)
        stop = asyncio.Event()
        runner = asyncio.create_task(outbox.run_forever(stop))
        await asyncio.sleep(0.2)  # first pass: nothing due yet
        ticket, _ = memory_store.create(make_new_ticket(), forwarding=True)
        outbox.kick()
        for _ in range(50):
            if memory_store.get(ticket.reference).status == "forwarded":
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(runner, 5)
        return memory_store.get(ticket.reference).status

    assert asyncio.run(scenario()) == "forwarded"


def test_outbox_stops_when_asked(memory_store, zendesk):
    """Setting the stop event ends run_forever promptly, even mid-interval."""

    async def scenario() -> None:
        outbox = Outbox(memory_store, zendesk.settings(), interval_seconds=60)
        stop = asyncio.Event()
        runner = asyncio.create_task(outbox.run_forever(stop))
        await asyncio.sleep(0.1)
        stop.set()
        await asyncio.wait_for(runner, 2)

    asyncio.run(scenario())


def test_outbox_start_is_idempotent(memory_store, zendesk):
    """start() twice gives the same running task; stop() ends it."""

    async def scenario() -> bool:
        outbox = Outbox(memory_store, zendesk.settings(), interval_seconds=60)
        same = outbox.start() is outbox.start()
        await asyncio.sleep(0.05)
        await asyncio.wait_for(outbox.stop(), 2)
        return same

    assert asyncio.run(scenario()) is True


# ---------------------------------------------------------------- attachments (Uploads API)

SHEET = b"%PDF-1.7\nfiche d'autoevaluation\n%%EOF\n"
SHOT = b"\x89PNG\r\n\x1a\n" + bytes(32)


def _with_files(store: InMemoryTicketStore, key: str = "files") -> Ticket:
    from actions.tickets.attachments import check_file
    from actions.tickets.model import AttachedFile

    files = tuple(AttachedFile(check_file(name, data), data)
                  for name, data in (("fiche.pdf", SHEET), ("capture.png", SHOT)))
    return _pending(store, key, category="novice_status", files=files)


def test_attached_files_are_uploaded_then_named_in_the_ticket(memory_store, zendesk):
    """Each file goes to the Uploads API with its name and type; the ticket carries the tokens
    in order and lists the files in its body."""
    ticket = _with_files(memory_store)
    _forward(memory_store, zendesk.settings())
    assert [(u.filename, u.content_type, u.data) for u in zendesk.uploads] == [
        ("fiche.pdf", "application/pdf", SHEET), ("capture.png", "image/png", SHOT)]
    comment = zendesk.received[0].payload["ticket"]["comment"]
    assert comment["uploads"] == ["token-1", "token-2"]
    assert "- fiche.pdf (application/pdf" in comment["body"]
    assert memory_store.get(ticket.reference).status == "forwarded"


def test_ticket_without_files_uploads_nothing(memory_store, zendesk):
    """No file, no call to the Uploads API and no uploads in the comment."""
    _pending(memory_store)
    _forward(memory_store, zendesk.settings())
    assert zendesk.uploads == []
    assert "uploads" not in zendesk.received[0].payload["ticket"]["comment"]


def test_upload_server_error_retries_the_whole_ticket_later(memory_store, zendesk):
    """A 503 on an upload: the ticket is not sent yet, stays pending with its files, and the
    next attempt uploads and sends everything."""
    ticket = _with_files(memory_store)
    zendesk.upload_replies.append(Reply(503))
    _forward(memory_store, zendesk.settings())
    waiting = memory_store.get(ticket.reference)
    assert (waiting.status, zendesk.received) == ("pending", [])
    assert waiting.last_error.startswith("HTTP 503")
    _forward(memory_store, zendesk.settings(), waiting.next_attempt_at)
    assert memory_store.get(ticket.reference).status == "forwarded"
    assert len(zendesk.received[0].payload["ticket"]["comment"]["uploads"]) == 2


def test_file_refused_by_zendesk_is_skipped_not_the_ticket(memory_store, zendesk):
    """A 422 on one upload: the ticket still goes with the other file, and its body says which
    file did not reach Zendesk; nothing else is lost."""
    ticket = _with_files(memory_store)
    zendesk.upload_replies.append(Reply(422, body={"error": "Invalid"}))
    _forward(memory_store, zendesk.settings())
    comment = zendesk.received[0].payload["ticket"]["comment"]
    assert comment["uploads"] == ["token-2"]
    assert "fiche.pdf (application/pdf" in comment["body"]
    assert "(non transmise à Zendesk)" in comment["body"]
    assert memory_store.get(ticket.reference).status == "forwarded"
