"""The report as one self-contained HTML page: inline CSS and SVG, no script, no link out."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reporting import charts

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHANNELS = {"rest": "Widget / REST", "socketio": "socket.io", "slack": "Slack",
            "cmdline": "Terminal", "inconnu": "inconnu"}
ROLES = {"mentor": "Mentor", "coach": "Coach", "inconnu": "Rôle inconnu"}
STATUSES = {"stored": "Enregistrée (sans transmission)", "pending": "En attente",
            "forwarded": "Transmise", "failed": "Échec"}
TOP_ANSWERS = 10


def pct(value: float) -> str:
    return f"{value:.0%}".replace("%", " %")


def columns_of(days: Mapping[str, Mapping[str, int]]) -> list[str]:
    return sorted({name for counts in days.values() for name in counts})


def _renamed(days: Mapping[str, Mapping[str, int]],
             names: Mapping[str, str]) -> dict[str, dict[str, int]]:
    return {day: {names.get(k, k): v for k, v in counts.items()} for day, counts in days.items()}


def _weeks(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    series: dict[str, dict[str, int]] = {}
    for row in rows:
        series.setdefault(row["week"], {})[row["label"]] = row["count"]
    return series


def draw(report: Mapping[str, Any]) -> dict[str, str]:
    """Every chart of the page, as SVG text."""
    per_day = report["conversations_per_day"]
    topics = report["resolution"]["per_topic"]
    answers = report["answers_feedback"][:TOP_ANSWERS]
    return {
        "by_channel": charts.stacked_bars(_renamed(per_day["by_channel"], CHANNELS),
                                          "Conversations par jour et par canal", "conversations"),
        "by_role": charts.stacked_bars(_renamed(per_day["by_role"], ROLES),
                                       "Conversations par jour et par rôle", "conversations"),
        "resolution": charts.horizontal_bars(
            [r["label"] for r in topics], [r["resolution_rate"] for r in topics],
            "Taux de résolution sans demande par sujet", "résolues sans demande", percent=True),
        "feedback": charts.horizontal_bars(
            [r["label"] for r in answers], [r["not_helpful"] for r in answers],
            "Réponses avec le plus de « Pas vraiment »", "« Pas vraiment »"),
        "tickets": charts.stacked_bars(_weeks(report["tickets_per_week"]),
                                       "Demandes par semaine et par catégorie", "demandes",
                                       rotate=False),
        "forwarding": charts.forwarding(report["forwarding"], STATUSES,
                                        "Statut de transmission des demandes"),
        "confidence": charts.histogram(report["confidence"], "Distribution de la confiance NLU",
                                       report["not_understood"]["low_confidence_below"]),
    }


def render(report: Mapping[str, Any], topic_labels: Mapping[str, str]) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    template = environment.get_template("support.html.j2")
    return template.render(
        **report, charts=draw(report), pct=pct, columns_of=columns_of,
        names={"by_channel": lambda c: CHANNELS.get(c, c), "by_role": lambda r: ROLES.get(r, r)},
        topic_label=lambda t: topic_labels.get(t, t) if t else "—",
        status_label=lambda s: STATUSES.get(s, s),
    )
