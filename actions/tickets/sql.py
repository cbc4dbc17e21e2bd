"""Ticket store on SQLAlchemy Core 1.4: SQLite by default, PostgreSQL in production."""

from __future__ import annotations

import builtins
import json
import logging
import os
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, Connection, Engine, Row, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.pool import QueuePool, StaticPool

from actions.tickets.attachments import Attachment
from actions.tickets.model import (
    STATUS_FORWARDED,
    STATUS_PENDING,
    STATUS_STORED,
    NewTicket,
    Ticket,
    as_utc,
    make_reference,
    utc_now,
)
from actions.tickets.store import ForwardingMarks, UnknownTicket

logger = logging.getLogger(__name__)

# How long SQLite waits for another writer (action server, outbox, CLI) before giving up.
SQLITE_BUSY_TIMEOUT_SECONDS = 30

metadata = MetaData()

tickets_table = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # Filled right after the insert, in the same transaction, once the id is known.
    Column("reference", String(32), nullable=True, unique=True),
    Column("idempotency_key", String(255), nullable=False),
    Column("category", String(64), nullable=False),
    Column("details", Text, nullable=False),
    Column("role", String(32), nullable=True),
    Column("channel", String(64), nullable=True),
    Column("sender_id", String(255), nullable=False),
    Column("transcript", Text, nullable=False),
    Column("requester_email", String(320), nullable=True),
    Column("requester_name", String(200), nullable=True),
    Column("user_id", String(128), nullable=True),
    Column("identity", String(16), nullable=False, default="none", server_default="none"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),
    Column("forward_attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("external_id", String(64), nullable=True),
    # The database, not the code, guarantees one ticket per key, even across processes.
    UniqueConstraint("idempotency_key", name="uq_tickets_idempotency_key"),
    Index("ix_tickets_status_next_attempt", "status", "next_attempt_at"),
    # Without it SQLite may reuse the id of a deleted row, hence an old reference.
    sqlite_autoincrement=True,
)

# Files attached to a ticket, in the database so that every action server of the production
# profile reads them (a local directory would be one server's only).
attachments_table = Table(
    "ticket_attachments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", String(255), nullable=False),
    Column("content_type", String(128), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
    UniqueConstraint("ticket_id", "position", name="uq_ticket_attachments_position"),
)


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _is_sqlite_memory(url: URL) -> bool:
    database = url.database or ""
    return _is_sqlite(url) and (database in ("", ":memory:") or "mode=memory" in database)


def sqlite_file_path(url: URL) -> Path | None:
    """The database file of a plain SQLite file URL; None for memory or URI forms."""
    if not _is_sqlite(url) or _is_sqlite_memory(url):
        return None
    database = url.database or ""
    if database.startswith("file:"):
        return None
    return Path(database)


def prepare_private_file(path: Path) -> None:
    """Create the file up front so that SQLite never creates it world-readable."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(descriptor)
    # os.open's mode is ignored for an existing file, and is filtered by the umask.
    os.chmod(path, 0o600)


def build_engine(url_text: str) -> Engine:
    url = make_url(url_text)
    if _is_sqlite_memory(url):
        # One shared connection, or every thread would see its own empty database.
        return create_engine(
            url,
            future=True,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
        )
    if _is_sqlite(url):
        path = sqlite_file_path(url)
        if path is not None:
            prepare_private_file(path)
        # Pooled connections (SQLAlchemy 1.4 opens a file database anew for every use) in WAL
        # mode, fsynced at every commit (synchronous=FULL: a ticket the user was told about
        # survives a power cut): one fsync per ticket instead of the rollback journal's
        # several, 2.3 -> 1.2 ms per ticket. A connection serves one thread at a time.
        engine = create_engine(
            url, future=True, poolclass=QueuePool,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        event.listen(engine, "connect", _sqlite_wal)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def _sqlite_wal(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


def _create_table(engine: Engine) -> None:
    try:
        metadata.create_all(engine)
    except DBAPIError:
        # Another process may have created the table between the check and the CREATE.
        metadata.create_all(engine)
    _add_missing_columns(engine)


def _add_missing_columns(engine: Engine) -> None:
    """Columns added after a database was created (nullable or defaulted): ALTER TABLE once."""
    present = {column["name"] for column in inspect(engine).get_columns(tickets_table.name)}
    for column in tickets_table.columns:
        if column.name in present:
            continue
        kind = column.type.compile(dialect=engine.dialect)
        default = f" NOT NULL DEFAULT '{column.server_default.arg}'" if column.server_default \
            else ""
        try:
            with engine.begin() as connection:
                connection.execute(
                    text(f"ALTER TABLE {tickets_table.name} ADD COLUMN {column.name} {kind}"
                         f"{default}"))
        except DBAPIError:  # another process added it first
            logger.info("column %s already added", column.name)


def _row_to_ticket(row: Row, attachments: tuple[Attachment, ...] = ()) -> Ticket:
    values = row._mapping
    return Ticket(
        id=values["id"],
        reference=values["reference"] or make_reference(values["id"], values["created_at"]),
        category=values["category"],
        details=json.loads(values["details"]),
        role=values["role"],
        channel=values["channel"],
        sender_id=values["sender_id"],
        transcript=json.loads(values["transcript"]),
        idempotency_key=values["idempotency_key"],
        created_at=as_utc(values["created_at"]),
        status=values["status"],
        requester_email=values["requester_email"],
        requester_name=values["requester_name"],
        user_id=values["user_id"],
        identity=values["identity"] or "none",
        forward_attempts=values["forward_attempts"] or 0,
        next_attempt_at=_optional_utc(values["next_attempt_at"]),
        last_error=values["last_error"],
        external_id=values["external_id"],
        attachments=attachments,
    )


def _tickets(connection: Connection, rows: builtins.list[Row]) -> builtins.list[Ticket]:
    """Tickets of these rows, each with its attachments' descriptions (not their bytes)."""
    ids = [row._mapping["id"] for row in rows]
    found: dict[int, builtins.list[Attachment]] = {}
    if ids:
        column = attachments_table.c
        query = (
            select(column.ticket_id, column.name, column.content_type, column.size, column.sha256)
            .where(column.ticket_id.in_(ids))
            .order_by(column.ticket_id, column.position)
        )
        for item in connection.execute(query):
            found.setdefault(item.ticket_id, []).append(
                Attachment(item.name, item.content_type, item.size, item.sha256))
    return [_row_to_ticket(row, tuple(found.get(row._mapping["id"], ()))) for row in rows]


def _optional_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else as_utc(moment)


def _new_row(new: NewTicket, created_at: datetime, status: str) -> dict[str, Any]:
    return {
        "idempotency_key": new.idempotency_key,
        "category": new.category,
        "details": json.dumps(new.details, ensure_ascii=False),
        "role": new.role,
        "channel": new.channel,
        "sender_id": new.sender_id,
        "transcript": json.dumps(new.transcript, ensure_ascii=False),
        "requester_email": new.requester_email,
        "requester_name": new.requester_name,
        "user_id": new.user_id,
        "identity": new.identity,
        "created_at": created_at,
        "status": status,
        "forward_attempts": 0,
        "next_attempt_at": None,
    }


class SqlTicketStore(ForwardingMarks):
    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()
        # An in-memory database is one shared connection: threads must take turns.
        self._turns = threading.RLock() if _is_sqlite_memory(make_url(url)) else None

    def create(
        self, new: NewTicket, *, forwarding: bool, now: datetime | None = None
    ) -> tuple[Ticket, bool]:
        created_at = as_utc(now or utc_now())
        status = STATUS_PENDING if forwarding else STATUS_STORED
        try:
            ticket_id = self._insert(new, created_at, status)
        except IntegrityError:
            existing = self._get_by_key(new.idempotency_key)
            if existing is None:
                raise
            logger.info("ticket %s already exists for this request", existing.reference)
            return existing, False
        ticket = Ticket.from_new(new, ticket_id, created_at, status)
        logger.info("ticket %s created (category %s)", ticket.reference, ticket.category)
        return ticket, True

    def get(self, reference: str) -> Ticket | None:
        query = select(tickets_table).where(tickets_table.c.reference == reference)
        with self._begin() as connection:
            found = _tickets(connection, list(connection.execute(query)))
        return found[0] if found else None

    def attachment_data(self, reference: str, sha256: str) -> bytes:
        ticket, files = tickets_table.c, attachments_table.c
        query = (
            select(files.data)
            .select_from(attachments_table.join(tickets_table, files.ticket_id == ticket.id))
            .where(ticket.reference == reference)
            .where(files.sha256 == sha256)
        )
        with self._begin() as connection:
            data = connection.execute(query).scalar()
        if data is None:
            if self.get(reference) is None:
                raise UnknownTicket(reference)
            raise KeyError(sha256)
        return bytes(data)

    def due_for_forwarding(self, now: datetime) -> builtins.list[Ticket]:
        column = tickets_table.c
        query = (
            select(tickets_table)
            .where(column.status == STATUS_PENDING)
            .where(column.next_attempt_at.is_(None) | (column.next_attempt_at <= as_utc(now)))
            .order_by(column.id)
        )
        with self._begin() as connection:
            return _tickets(connection, list(connection.execute(query)))

    def requeue(self, reference: str, now: datetime | None = None) -> bool:
        column = tickets_table.c
        statement = (
            update(tickets_table)
            .where(column.reference == reference)
            .where(column.status != STATUS_FORWARDED)
            # A manual retry starts the backoff afresh.
            .values(
                status=STATUS_PENDING,
                next_attempt_at=as_utc(now or utc_now()),
                forward_attempts=0,
            )
        )
        with self._begin() as connection:
            if connection.execute(statement).rowcount == 1:
                return True
        if self.get(reference) is None:
            raise UnknownTicket(reference)
        return False

    def list(self) -> builtins.list[Ticket]:
        query = select(tickets_table).order_by(tickets_table.c.id)
        with self._begin() as connection:
            return _tickets(connection, list(connection.execute(query)))

    def strip_transcripts(self, created_before: datetime) -> int:
        column = tickets_table.c
        statement = (
            update(tickets_table)
            .where(column.created_at < as_utc(created_before))
            .where(column.status != STATUS_PENDING)
            .where(column.transcript != "[]")
            .values(transcript="[]")
        )
        with self._begin() as connection:
            return int(connection.execute(statement).rowcount)

    def erase(self, person: str, sender_ids: Collection[str] = ()) -> int:
        column = tickets_table.c
        condition = (column.user_id == person) | (func.lower(column.requester_email)
                                                   == person.lower())
        if sender_ids:
            condition = condition | column.sender_id.in_(list(sender_ids))
        with self._begin() as connection:
            return int(connection.execute(delete(tickets_table).where(condition)).rowcount)

    def _insert(self, new: NewTicket, created_at: datetime, status: str) -> int:
        with self._begin() as connection:
            result = connection.execute(
                insert(tickets_table).values(**_new_row(new, created_at, status))
            )
            ticket_id = int(result.inserted_primary_key[0])
            connection.execute(
                update(tickets_table)
                .where(tickets_table.c.id == ticket_id)
                .values(reference=make_reference(ticket_id, created_at))
            )
            for position, file in enumerate(new.files):
                attachment = file.attachment
                connection.execute(insert(attachments_table).values(
                    ticket_id=ticket_id, position=position, name=attachment.name,
                    content_type=attachment.content_type, size=attachment.size,
                    sha256=attachment.sha256, data=file.data))
        return ticket_id

    def _get_by_key(self, idempotency_key: str) -> Ticket | None:
        query = select(tickets_table).where(tickets_table.c.idempotency_key == idempotency_key)
        with self._begin() as connection:
            found = _tickets(connection, list(connection.execute(query)))
        return found[0] if found else None

    def _record_attempt(self, reference: str, **changes: Any) -> Ticket:
        """Every mark_* call reports the outcome of one forwarding attempt."""
        column = tickets_table.c
        statement = (
            update(tickets_table)
            .where(column.reference == reference)
            .values(forward_attempts=column.forward_attempts + 1, **changes)
        )
        with self._begin() as connection:
            if connection.execute(statement).rowcount == 0:
                raise UnknownTicket(reference)
            rows = list(connection.execute(
                select(tickets_table).where(column.reference == reference)))
            found = _tickets(connection, rows)
        assert found
        return found[0]

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        engine = self._get_engine()
        with self._turns or nullcontext():
            with engine.begin() as connection:
                yield connection

    def _get_engine(self) -> Engine:
        # Built on first use so that importing or configuring never touches the database.
        with self._engine_lock:
            if self._engine is None:
                engine = build_engine(self.url)
                _create_table(engine)
                self._engine = engine
            return self._engine

    def dispose(self) -> None:
        """Close pooled connections (tests, shutdown)."""
        with self._engine_lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
