"""The behaviour every TicketStore shares: run against the fake and both SQLite flavours.

Set TICKETS_TEST_POSTGRES_URL (a throwaway database: its tickets table is dropped) to run
the same tests on PostgreSQL.
"""

import os
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from actions.tickets.memory import InMemoryTicketStore
from actions.tickets.sql import SqlTicketStore, attachments_table, tickets_table
from actions.tickets.store import TicketStore, UnknownTicket
from tests.tickets.conftest import make_new_ticket

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


def _sql_url(kind: str, tmp_path: Path) -> str:
    if kind == "sqlite-memory":
        return "sqlite://"
    if kind == "sqlite-file":
        return f"sqlite:///{tmp_path / 't.db'}"
    url = os.environ.get("TICKETS_TEST_POSTGRES_URL", "")
    if not url:
        pytest.skip("TICKETS_TEST_POSTGRES_URL not set")
    return url


@pytest.fixture(params=["memory", "sqlite-memory", "sqlite-file", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TicketStore]:
    if request.param == "memory":
        yield InMemoryTicketStore()
        return
    sql_store = SqlTicketStore(_sql_url(request.param, tmp_path))
    yield sql_store
    if request.param == "postgres":
        # Each test starts from an empty table, with ids from 1 again.
        attachments_table.drop(sql_store._get_engine())
        tickets_table.drop(sql_store._get_engine())
    sql_store.dispose()


def test_create_returns_a_new_ticket_with_reference(store):
    """A first create gives a ticket with id, reference and the caller's data, and True."""
    ticket, created = store.create(make_new_ticket(), forwarding=False, now=NOW)
    assert created is True
    assert ticket.id == 1
    assert ticket.reference == "OC-2026-000001"
    assert ticket.details["student_name"] == "Jeanne Dupont"
    assert ticket.created_at == NOW


def test_status_is_stored_without_forwarding(store):
    """With no Zendesk configured the ticket is only committed locally: status stored."""
    ticket, _ = store.create(make_new_ticket(), forwarding=False)
    assert ticket.status == "stored"
    assert store.due_for_forwarding(NOW + timedelta(days=1)) == []


def test_status_is_pending_with_forwarding(store):
    """With Zendesk configured the ticket waits in the queue: status pending, due at once."""
    ticket, _ = store.create(make_new_ticket(), forwarding=True, now=NOW)
    assert ticket.status == "pending"
    assert [due.reference for due in store.due_for_forwarding(NOW)] == [ticket.reference]


def test_same_key_twice_gives_one_ticket(store):
    """Creating twice with one idempotency key returns the first ticket and False."""
    first, _ = store.create(make_new_ticket("k"), forwarding=True)
    again, created = store.create(make_new_ticket("k", category="other"), forwarding=True)
    assert created is False
    assert again.reference == first.reference
    assert again.category == first.category
    assert len(store.list()) == 1


def test_concurrent_creates_with_one_key_give_one_ticket(store):
    """Threads racing on one idempotency key end up with a single ticket, one creator."""
    barrier = threading.Barrier(8)
    outcomes: list[tuple[str, bool]] = []
    lock = threading.Lock()

    def create() -> None:
        barrier.wait()
        ticket, created = store.create(make_new_ticket("race"), forwarding=True)
        with lock:
            outcomes.append((ticket.reference, created))

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 8
    assert len({reference for reference, _ in outcomes}) == 1
    assert sum(created for _, created in outcomes) == 1
    assert len(store.list()) == 1


def test_concurrent_creates_with_different_keys_get_distinct_ids(store):
    """Threads creating different tickets each get their own id and reference."""
    barrier = threading.Barrier(6)

    def create(index: int) -> None:
        barrier.wait()
        store.create(make_new_ticket(f"key-{index}"), forwarding=False)

    threads = [threading.Thread(target=create, args=(index,)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    references = [ticket.reference for ticket in store.list()]
    assert len(references) == 6 == len(set(references))


def test_list_is_oldest_first(store):
    """list returns tickets in creation order."""
    for index in range(3):
        store.create(make_new_ticket(f"k{index}"), forwarding=False, now=NOW)
    assert [ticket.idempotency_key for ticket in store.list()] == ["k0", "k1", "k2"]


def test_get_finds_by_reference_and_misses_unknown(store):
    """get returns the ticket for its reference and None for an unknown one."""
    ticket, _ = store.create(make_new_ticket(), forwarding=False)
    assert store.get(ticket.reference) == ticket
    assert store.get("OC-2026-999999") is None


def test_datetimes_come_back_in_utc(store):
    """Datetimes read back are timezone-aware UTC, whatever zone they were given in."""
    paris = timezone(timedelta(hours=1))
    ticket, _ = store.create(make_new_ticket(), forwarding=True, now=NOW.astimezone(paris))
    store.mark_retry(ticket.reference, "HTTP 500", (NOW + timedelta(minutes=1)).astimezone(paris))
    stored = store.get(ticket.reference)
    assert stored.created_at.tzinfo == timezone.utc and stored.created_at == NOW
    assert stored.next_attempt_at == NOW + timedelta(minutes=1)
    assert stored.next_attempt_at.utcoffset() == timedelta(0)


def test_due_excludes_future_retries(store):
    """A ticket waiting for its next attempt is not due before that time, and due after."""
    ticket, _ = store.create(make_new_ticket(), forwarding=True, now=NOW)
    store.mark_retry(ticket.reference, "HTTP 500", NOW + timedelta(seconds=30))
    assert store.due_for_forwarding(NOW + timedelta(seconds=29)) == []
    assert len(store.due_for_forwarding(NOW + timedelta(seconds=30))) == 1


def test_mark_forwarded_records_zendesk_id(store):
    """mark_forwarded sets the status, the Zendesk id, counts the attempt, clears the error."""
    ticket, _ = store.create(make_new_ticket(), forwarding=True)
    store.mark_retry(ticket.reference, "timeout", NOW)
    forwarded = store.mark_forwarded(ticket.reference, "9001")
    assert (forwarded.status, forwarded.external_id) == ("forwarded", "9001")
    assert forwarded.forward_attempts == 2
    assert forwarded.last_error is None
    assert store.due_for_forwarding(NOW + timedelta(days=1)) == []


def test_mark_retry_keeps_ticket_pending(store):
    """mark_retry keeps the ticket pending, with the error and the next attempt time."""
    ticket, _ = store.create(make_new_ticket(), forwarding=True)
    retried = store.mark_retry(ticket.reference, "HTTP 503", NOW)
    assert retried.status == "pending"
    assert retried.last_error == "HTTP 503"
    assert retried.next_attempt_at == NOW
    assert retried.forward_attempts == 1


def test_mark_rejected_takes_ticket_out_of_queue(store):
    """A rejected ticket is never due again on its own."""
    ticket, _ = store.create(make_new_ticket(), forwarding=True)
    rejected = store.mark_rejected(ticket.reference, "HTTP 422: invalid")
    assert rejected.status == "rejected"
    assert store.due_for_forwarding(NOW + timedelta(days=365)) == []


def test_requeue_puts_rejected_ticket_back_due_now(store):
    """requeue makes a rejected ticket pending and due at the given time, backoff reset."""
    ticket, _ = store.create(make_new_ticket(), forwarding=True)
    store.mark_rejected(ticket.reference, "HTTP 401")
    assert store.requeue(ticket.reference, NOW) is True
    requeued = store.get(ticket.reference)
    assert (requeued.status, requeued.next_attempt_at, requeued.forward_attempts) == (
        "pending",
        NOW,
        0,
    )
    assert len(store.due_for_forwarding(NOW)) == 1


def test_requeue_leaves_forwarded_ticket_alone(store):
    """A ticket already in Zendesk is not sent again: requeue answers False."""
    ticket, _ = store.create(make_new_ticket(), forwarding=True)
    store.mark_forwarded(ticket.reference, "9001")
    assert store.requeue(ticket.reference, NOW) is False
    assert store.get(ticket.reference).status == "forwarded"


def test_marking_unknown_reference_raises(store):
    """Updating a reference the store does not know raises UnknownTicket."""
    with pytest.raises(UnknownTicket):
        store.mark_forwarded("OC-2026-000404", "1")
    with pytest.raises(UnknownTicket):
        store.requeue("OC-2026-000404", NOW)


def test_returned_tickets_are_copies(store):
    """Changing a returned ticket's details does not change what is stored."""
    ticket, _ = store.create(make_new_ticket(), forwarding=False)
    ticket.details["student_name"] = "changed"
    ticket.transcript.clear()
    stored = store.get(ticket.reference)
    assert stored.details["student_name"] == "Jeanne Dupont"
    assert len(stored.transcript) == 2


def _files() -> tuple:
    from actions.tickets.attachments import check_file
    from actions.tickets.model import AttachedFile

    sheet = b"%PDF-1.7\nfiche d'autoevaluation\n%%EOF\n"
    shot = b"\x89PNG\r\n\x1a\n" + bytes(32)
    return tuple(AttachedFile(check_file(name, data), data)
                 for name, data in (("fiche.pdf", sheet), ("capture.png", shot)))


def test_attachments_are_kept_with_the_ticket(store):
    """A ticket's files come back in order with name, type, size and digest, and their bytes."""
    files = _files()
    ticket, _ = store.create(make_new_ticket("files", files=files), forwarding=True, now=NOW)
    expected = [file.attachment for file in files]
    assert list(ticket.attachments) == expected
    assert list(store.get(ticket.reference).attachments) == expected
    assert list(store.list()[0].attachments) == expected
    assert list(store.due_for_forwarding(NOW)[0].attachments) == expected
    assert [store.attachment_data(ticket.reference, a.sha256) for a in expected] == [
        file.data for file in files]
    marked = store.mark_retry(ticket.reference, "HTTP 500", NOW)
    assert list(marked.attachments) == expected


def test_listed_attachments_describe_the_files(store):
    """list --json shows attachments as [{name, content_type, size, sha256}]."""
    files = _files()
    ticket, _ = store.create(make_new_ticket("files", files=files), forwarding=False, now=NOW)
    assert store.get(ticket.reference).to_dict()["attachments"] == [
        {"name": "fiche.pdf", "content_type": "application/pdf", "size": len(files[0].data),
         "sha256": files[0].attachment.sha256},
        {"name": "capture.png", "content_type": "image/png", "size": len(files[1].data),
         "sha256": files[1].attachment.sha256},
    ]


def test_ticket_without_files_lists_none(store):
    """A ticket created without files lists an empty attachments list."""
    ticket, _ = store.create(make_new_ticket("plain"), forwarding=False, now=NOW)
    assert store.get(ticket.reference).to_dict()["attachments"] == []


def test_unknown_attachment_raises(store):
    """Asking for a file the ticket does not hold fails, as does an unknown ticket."""
    ticket, _ = store.create(make_new_ticket("plain"), forwarding=False, now=NOW)
    with pytest.raises(KeyError):
        store.attachment_data(ticket.reference, "0" * 64)
    with pytest.raises(UnknownTicket):
        store.attachment_data("OC-2026-999999", "0" * 64)


def test_requester_and_identity_are_kept(store):
    """The requester's e-mail, name, user id and how they are known come back as given."""
    store.create(make_new_ticket(requester_email="alice@example.org", requester_name="Alice M",
                                 user_id="u-42", identity="verified"), forwarding=False, now=NOW)
    [ticket] = store.list()
    assert (ticket.requester_email, ticket.requester_name, ticket.user_id, ticket.identity) == (
        "alice@example.org", "Alice M", "u-42", "verified")


def test_identity_defaults_to_none(store):
    """A ticket created without a requester says identity "none"."""
    ticket, _ = store.create(make_new_ticket(), forwarding=False, now=NOW)
    assert (store.get(ticket.reference).identity, ticket.requester_email) == ("none", None)


def test_strip_transcripts_empties_old_tickets_once(store):
    """Tickets older than the date lose their transcript (not pending ones); a rerun changes 0."""
    old, _ = store.create(make_new_ticket("old"), forwarding=False, now=NOW)
    waiting, _ = store.create(make_new_ticket("waiting"), forwarding=True, now=NOW)
    recent, _ = store.create(make_new_ticket("recent"), forwarding=False,
                             now=NOW + timedelta(days=30))
    assert store.strip_transcripts(NOW + timedelta(days=1)) == 1
    assert store.get(old.reference).transcript == []
    assert store.get(old.reference).details == old.details  # what the team needs stays
    assert store.get(waiting.reference).transcript == waiting.transcript
    assert store.get(recent.reference).transcript == recent.transcript
    assert store.strip_transcripts(NOW + timedelta(days=1)) == 0


def test_erase_deletes_a_persons_tickets_by_user_id_email_or_conversation(store):
    """By user id, by e-mail in any case, or by conversation; other people's stay."""
    store.create(make_new_ticket("a", user_id="u-42"), forwarding=False, now=NOW)
    store.create(make_new_ticket("b", requester_email="Alice@Example.org"), forwarding=False,
                 now=NOW)
    store.create(make_new_ticket("c", sender_id="conv-alice"), forwarding=False, now=NOW)
    other, _ = store.create(make_new_ticket("d", user_id="u-7",
                                            requester_email="bob@example.org"),
                            forwarding=False, now=NOW)
    assert store.erase("u-42") == 1
    assert store.erase("alice@example.org", ["conv-alice"]) == 2
    assert [t.reference for t in store.list()] == [other.reference]
    assert store.erase("alice@example.org", ["conv-alice"]) == 0
