"""What a SQLite tracker store holds, read directly: the refusal tests check that nothing was
stored, the session tests what was stored under which id."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def senders(db: Path) -> set[str]:
    """Every conversation the tracker store holds."""
    if not db.exists():
        return set()
    with sqlite3.connect(db) as connection:
        return {row[0] for row in connection.execute("SELECT DISTINCT sender_id FROM events")}


def event_count(db: Path, sender: str) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?",
                                  (sender,)).fetchone()[0]
