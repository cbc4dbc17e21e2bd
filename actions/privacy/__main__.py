"""Personal data commands (safe to run from cron: running one twice removes nothing more).

python -m actions.privacy purge            # conversations and transcripts past the retention
python -m actions.privacy erase --user <sub|email|Slack user id>
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TextIO

from actions.business.rulebook import load_rules
from actions.privacy.tracker import TrackerEvents, tracker_from_env
from actions.tickets.config import store_from_env
from actions.tickets.model import utc_now
from actions.tickets.store import TicketStore, belongs_to

# The conversation ids the channels give a person (channels/identity.py, channels/slack.py).
CONVERSATION_PREFIXES = ("user:", "slack:")


@dataclass(frozen=True)
class Removed:
    conversations: int
    events: int
    tickets: int


def purge(store: TicketStore, tracker: TrackerEvents | None, retention_days: int,
          now: datetime | None = None) -> Removed:
    """Conversations idle for longer than the retention, and the transcripts of old tickets."""
    cutoff = (now or utc_now()) - timedelta(days=retention_days)
    stale = tracker.stale_senders(cutoff.timestamp()) if tracker else []
    events = tracker.delete_senders(stale) if tracker else 0
    return Removed(len(stale), events, store.strip_transcripts(cutoff))


def erase(store: TicketStore, tracker: TrackerEvents | None, person: str) -> Removed:
    """Everything held about one person: their conversations and their local ticket copies."""
    person = person.strip()
    senders = {prefix + person for prefix in CONVERSATION_PREFIXES}
    senders |= {t.sender_id for t in store.list() if belongs_to(t, person, ())}
    if tracker is not None:
        senders |= tracker.senders_mentioning(person)
        present = tracker.existing(senders)
        events = tracker.delete_senders(present)
    else:
        present, events = set(), 0
    return Removed(len(present), events, store.erase(person, senders))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m actions.privacy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("purge", help="delete what is older than the retention period")
    erasing = commands.add_parser("erase", help="delete one person's conversations and tickets")
    erasing.add_argument("--user", required=True,
                         help="the signed-in user's sub, an e-mail, or a Slack user id")
    return parser


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None,
         out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    store = store_from_env(env)
    tracker = tracker_from_env(env)
    if tracker is None:
        print("the tracker store is not SQL: conversations are not stored", file=out)
    try:
        if args.command == "purge":
            days = load_rules().personal_data_retention_days
            removed = purge(store, tracker, days)
            print(f"purge (retention {days} days): deleted {removed.conversations} "
                  f"conversation(s) ({removed.events} events); stripped the transcript of "
                  f"{removed.tickets} ticket(s)", file=out)
        else:
            removed = erase(store, tracker, args.user)
            print(f"erase: deleted {removed.conversations} conversation(s) ({removed.events} "
                  f"events) and {removed.tickets} ticket(s)", file=out)
    finally:
        if tracker is not None:
            tracker.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
