import json
from datetime import datetime, timedelta, timezone

import pytest

from actions.tickets.model import NewTicket, Ticket, make_reference, parse_reference
from tests.tickets.conftest import make_new_ticket


def test_reference_is_year_and_zero_padded_id():
    """A reference reads OC-<year of creation>-<id on six digits>."""
    created = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
    assert make_reference(123, created) == "OC-2026-000123"


def test_reference_year_is_taken_in_utc():
    """The year comes from the UTC creation time, whatever zone the datetime carries."""
    paris_new_year = datetime(2027, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    assert make_reference(7, paris_new_year) == "OC-2026-000007"


def test_reference_grows_past_six_digits():
    """Ids beyond 999999 keep every digit instead of being cut."""
    created = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert make_reference(1234567, created) == "OC-2026-1234567"


def test_parse_reference_reads_year_and_id():
    """A well-formed reference, in any case, gives back its year and id; others give None."""
    assert parse_reference("oc-2026-000123") == (2026, 123)
    assert parse_reference("TICKET-1") is None


def test_to_dict_is_json_safe_with_iso_datetimes():
    """to_dict can go straight to json.dumps, with ISO datetimes carrying their UTC offset."""
    created = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
    ticket = Ticket.from_new(make_new_ticket(), 5, created, "pending")
    data = json.loads(json.dumps(ticket.to_dict()))
    assert data["created_at"] == "2026-03-02T09:30:00+00:00"
    assert data["reference"] == "OC-2026-000005"
    assert data["details"]["path"] == "Développeur web"
    assert data["next_attempt_at"] is None


def test_ticket_copies_the_new_ticket_contents():
    """Changing the NewTicket afterwards does not change the ticket made from it."""
    new = make_new_ticket()
    ticket = Ticket.from_new(new, 1, datetime(2026, 1, 1, tzinfo=timezone.utc), "stored")
    new.details["path"] = "changed"
    new.transcript[0]["text"] = "changed"
    assert ticket.details["path"] == "Développeur web"
    assert ticket.transcript[0]["text"] != "changed"


def test_new_ticket_requires_an_idempotency_key():
    """Without a key every request would collapse onto the first ticket: refused."""
    with pytest.raises(ValueError):
        NewTicket("other", {}, None, None, "s", [], "")


def test_new_ticket_refuses_keys_longer_than_the_column():
    """Keys over 255 characters are refused up front, in every store alike."""
    with pytest.raises(ValueError):
        make_new_ticket("k" * 256)


def test_unknown_identity_kind_is_refused():
    """identity is verified, declared or none: anything else is a programming error."""
    with pytest.raises(ValueError, match="identity"):
        make_new_ticket(identity="trusted")
