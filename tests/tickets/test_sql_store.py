"""What only the SQL store does: files, permissions, laziness, persistence."""

import os
import stat
from pathlib import Path

from actions.tickets.sql import SqlTicketStore
from tests.tickets.conftest import make_new_ticket


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_sqlite_file_is_private_to_its_owner(tmp_path):
    """The database file is created with mode 600, in a folder created on demand."""
    path = tmp_path / "var" / "nested" / "tickets.db"
    store = SqlTicketStore(f"sqlite:///{path}")
    store.create(make_new_ticket(), forwarding=False)
    store.dispose()
    assert _mode(path) == 0o600


def test_existing_readable_file_is_made_private(tmp_path):
    """A database file left world-readable is tightened to 600 on first use."""
    path = tmp_path / "tickets.db"
    path.touch()
    os.chmod(path, 0o644)
    store = SqlTicketStore(f"sqlite:///{path}")
    store.list()
    store.dispose()
    assert _mode(path) == 0o600


def test_nothing_is_touched_before_first_use(tmp_path):
    """Building the store neither creates the folder nor the file: that waits for first use."""
    path = tmp_path / "later" / "tickets.db"
    store = SqlTicketStore(f"sqlite:///{path}")
    assert not path.parent.exists()
    assert store.list() == []
    assert path.exists()
    store.dispose()


def test_tickets_survive_a_new_store_on_the_same_file(tmp_path):
    """Another store (another process, a restart) reads what the first one committed."""
    url = f"sqlite:///{tmp_path / 'tickets.db'}"
    first = SqlTicketStore(url)
    ticket, _ = first.create(make_new_ticket(), forwarding=True)
    first.dispose()
    second = SqlTicketStore(url)
    assert second.get(ticket.reference) == ticket
    _, created = second.create(make_new_ticket(), forwarding=True)
    assert created is False
    second.dispose()


def test_details_and_transcript_keep_accents_and_shape(sqlite_file_store):
    """Details and transcript round-trip through JSON text unchanged, accents included."""
    new = make_new_ticket(details={"raison": "congé été", "élève": "Zoé"})
    ticket, _ = sqlite_file_store.create(new, forwarding=False)
    stored = sqlite_file_store.get(ticket.reference)
    assert stored.details == {"raison": "congé été", "élève": "Zoé"}
    assert stored.transcript == new.transcript


def test_ids_are_not_reused_after_a_deletion(sqlite_file_store):
    """References stay unique even if an operator deletes the last row by hand."""
    from sqlalchemy import delete

    from actions.tickets.sql import tickets_table

    first, _ = sqlite_file_store.create(make_new_ticket("a"), forwarding=False)
    with sqlite_file_store._begin() as connection:
        connection.execute(delete(tickets_table))
    second, _ = sqlite_file_store.create(make_new_ticket("b"), forwarding=False)
    assert second.id == first.id + 1


def test_database_from_before_the_requester_columns_is_upgraded(tmp_path):
    """A tickets table without requester_name, user_id, identity gets them on first use."""
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE tickets (id INTEGER PRIMARY KEY AUTOINCREMENT, reference VARCHAR(32),"
            " idempotency_key VARCHAR(255) NOT NULL UNIQUE, category VARCHAR(64) NOT NULL,"
            " details TEXT NOT NULL, role VARCHAR(32), channel VARCHAR(64),"
            " sender_id VARCHAR(255) NOT NULL, transcript TEXT NOT NULL,"
            " requester_email VARCHAR(320), created_at DATETIME NOT NULL,"
            " status VARCHAR(16) NOT NULL, forward_attempts INTEGER NOT NULL,"
            " next_attempt_at DATETIME, last_error TEXT, external_id VARCHAR(64))")
        db.execute(
            "INSERT INTO tickets VALUES (1, 'OC-2026-000001', 'k0', 'pause', '{}', 'coach',"
            " 'rest', 's', '[]', NULL, '2026-03-01 10:00:00', 'stored', 0, NULL, NULL, NULL)")
    store = SqlTicketStore(f"sqlite:///{path}")
    assert store.list()[0].identity == "none"
    ticket, _ = store.create(make_new_ticket(user_id="u-1", identity="declared"),
                             forwarding=False)
    assert (store.get(ticket.reference).user_id, ticket.identity) == ("u-1", "declared")
    store.dispose()
