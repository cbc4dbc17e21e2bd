"""`python -m reporting --since 2026-11-01 --until 2026-11-30 --out reports/`.

Writes support.html (one self-contained page) and support.json (the same figures) into --out.
Defaults: the last 28 days up to today (Europe/Paris), the stores of the running assistant
(endpoints.yml's tracker store or TRACKER_DB_URL; TICKETS_DB_URL or var/tickets.db).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from actions.business.calendar import today as paris_today
from actions.business.catalog import cached_catalog
from actions.business.rulebook import cached_rules
from actions.tickets.config import db_url_from_env, project_root
from reporting.build import build_report
from reporting.figures import LOW_CONFIDENCE
from reporting.page import render
from reporting.stores import StoreError, period_bounds, read_events, read_tickets, tracker_url

DEFAULT_DAYS = 28


def parse_args(argv: list[str] | None, today: date) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m reporting", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--since", type=date.fromisoformat,
                        help=f"first day, YYYY-MM-DD (default: {DEFAULT_DAYS} days ago)")
    parser.add_argument("--until", type=date.fromisoformat, default=today,
                        help="last day included, YYYY-MM-DD (default: today)")
    parser.add_argument("--out", type=Path, default=project_root() / "reports",
                        help="folder for support.html and support.json (default: reports/)")
    parser.add_argument("--endpoints", type=Path, default=project_root() / "endpoints.yml",
                        help="endpoints file naming the tracker store (default: endpoints.yml)")
    parser.add_argument("--tracker-url", help="SQLAlchemy URL of the tracker store (overrides)")
    parser.add_argument("--tickets-url", help="SQLAlchemy URL of the ticket store (overrides)")
    parser.add_argument("--low-confidence", type=float, default=LOW_CONFIDENCE,
                        help="reads under this confidence count as not understood (default: "
                             f"{LOW_CONFIDENCE})")
    args = parser.parse_args(argv)
    if args.since is None:
        args.since = args.until - timedelta(days=DEFAULT_DAYS - 1)
    if args.since > args.until:
        parser.error("--since is after --until")
    return args


def main(argv: list[str] | None = None) -> int:
    rules = cached_rules()
    zone = ZoneInfo(rules.timezone)
    args = parse_args(argv, paris_today(rules.timezone, os.environ))
    catalog = cached_catalog()
    topic_labels = {name: topic.label for name, topic in catalog.topics.items()}
    category_labels = {name: category.label for name, category in catalog.categories.items()}
    try:
        url = args.tracker_url or tracker_url(args.endpoints)
        rows = read_events(url, *period_bounds(args.since, args.until, zone))
        tickets = read_tickets(args.tickets_url or db_url_from_env())
    except StoreError as error:
        print(f"report: {error}", file=sys.stderr)
        return 2
    report = build_report(rows, tickets, args.since, args.until, zone, topic_labels,
                          category_labels, args.low_confidence)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "support.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (args.out / "support.html").write_text(render(report, topic_labels), encoding="utf-8")
    summary = report["summary"]
    print(f"{args.out / 'support.html'}: {summary['conversations']} conversations, "
          f"{summary['resolution_rate']:.0%} resolved without a ticket, "
          f"{summary['tickets']} tickets, {summary['not_understood']} not understood")
    return 0


if __name__ == "__main__":
    sys.exit(main())
