"""Operator commands for the ticket store.

python -m actions.tickets list [--json]
python -m actions.tickets show OC-2026-000123
python -m actions.tickets retry [--stored]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from actions.tickets.config import store_from_env, zendesk_settings
from actions.tickets.labels import category_label, field_label
from actions.tickets.model import STATUS_PENDING, STATUS_REJECTED, STATUS_STORED, Ticket
from actions.tickets.store import TicketStore

if TYPE_CHECKING:
    from actions.tickets.zendesk import ForwardResult

# The readable table leaves out details, sender and transcript: it may end up in a chat or a log.
TABLE_COLUMNS = (
    ("reference", 16),
    ("created_at", 20),
    ("category", 42),
    ("role", 7),
    ("channel", 10),
    ("status", 10),
    ("tries", 5),
    ("zendesk", 10),
)


def _table_row(ticket: Ticket) -> list[str]:
    return [
        ticket.reference,
        ticket.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        category_label(ticket.category),
        ticket.role or "-",
        ticket.channel or "-",
        ticket.status,
        str(ticket.forward_attempts),
        ticket.external_id or "-",
    ]


def _format_line(cells: Sequence[str]) -> str:
    padded = [cell.ljust(width) for cell, (_, width) in zip(cells, TABLE_COLUMNS, strict=True)]
    return "  ".join(padded).rstrip()


def print_table(tickets: Sequence[Ticket], out: TextIO) -> None:
    if not tickets:
        print("no tickets", file=out)
        return
    print(_format_line([name for name, _ in TABLE_COLUMNS]), file=out)
    for ticket in tickets:
        print(_format_line(_table_row(ticket)), file=out)


def command_list(store: TicketStore, as_json: bool, out: TextIO) -> int:
    tickets = store.list()
    if as_json:
        print(json.dumps([ticket.to_dict() for ticket in tickets]), file=out)
    else:
        print_table(tickets, out)
    return 0


def command_show(store: TicketStore, reference: str, out: TextIO, err: TextIO) -> int:
    ticket = store.get(reference.strip().upper())
    if ticket is None:
        print(f"no ticket {reference}", file=err)
        return 1
    shown = {
        **ticket.to_dict(),
        # What the support agent reads: the labels the user saw in the summary (rules/*.yml).
        "category_label": category_label(ticket.category),
        "detail_labels": {name: field_label(name) for name in ticket.details},
    }
    print(json.dumps(shown, ensure_ascii=False, indent=2), file=out)
    return 0


def command_retry(
    store: TicketStore, include_stored: bool, env: Mapping[str, str] | None, out: TextIO
) -> int:
    statuses = {STATUS_PENDING, STATUS_REJECTED} | ({STATUS_STORED} if include_stored else set())
    requeued = [
        ticket.reference
        for ticket in store.list()
        if ticket.status in statuses and store.requeue(ticket.reference)
    ]
    print(f"requeued {len(requeued)} ticket(s): {', '.join(requeued) or '-'}", file=out)
    settings = zendesk_settings(env)
    if settings is None:
        print("Zendesk is not configured: tickets stay in the local store.", file=out)
        return 0
    # Imported here so that list/show work without the HTTP stack.
    from actions.tickets.zendesk import forward_due

    results = asyncio.run(forward_due(store, settings))
    for result in results:
        print(describe_result(result), file=out)
    print(f"forwarding pass done: {len(results)} ticket(s) sent", file=out)
    return 0


def describe_result(result: ForwardResult) -> str:
    line = f"{result.reference}: {result.outcome} ({result.detail})"
    if result.next_attempt_at is not None:
        line += f", next attempt {result.next_attempt_at.isoformat()}"
    return line


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m actions.tickets",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="every ticket, oldest first")
    listing.add_argument("--json", action="store_true", help="full records as a JSON array")
    show = commands.add_parser("show", help="one ticket as JSON")
    show.add_argument("reference")
    retry = commands.add_parser("retry", help="requeue pending/rejected tickets and forward")
    retry.add_argument("--stored", action="store_true", help="also queue never-forwarded tickets")
    return parser


def main(
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    store = store_from_env(env)
    if args.command == "list":
        return command_list(store, args.json, out)
    if args.command == "show":
        return command_show(store, args.reference, out, err)
    return command_retry(store, args.stored, env, out)


if __name__ == "__main__":
    sys.exit(main())
