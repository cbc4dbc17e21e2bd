"""Charts of the report as inline SVG (matplotlib, no pyplot state, no file, no font download).

Glyphs are drawn as paths (svg.fonttype "path"): the page looks the same on every machine,
with no font to fetch. Every chart is named for screen readers (role="img", aria-label) and
the page repeats its numbers in a table.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

PALETTE = ("#5b3cc4", "#e8833a", "#2a9d8f", "#c0392b", "#7f8c8d", "#f1c40f", "#34495e",
           "#16a085")
WIDTH, HEIGHT, EMPTY_HEIGHT = 7.5, 3.2, 0.8


def _figure(height: float = HEIGHT) -> Any:  # a matplotlib Figure, imported lazily
    from matplotlib.figure import Figure

    # A one-line "no data" chart has nothing to lay out (and would warn).
    return Figure(figsize=(WIDTH, height), dpi=96, constrained_layout=height > EMPTY_HEIGHT)


def _svg(figure: Any, title: str) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "ocbot",
                                "font.family": "DejaVu Sans"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    svg = text[text.index("<svg"):]
    # Give the chart a name for assistive technologies; the table below holds the numbers.
    svg = re.sub(r"^<svg ", f'<svg role="img" aria-label="{_escape(title)}" ', svg, count=1)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    # Several charts share one page: their ids (glyphs, clip paths) must not collide.
    prefix = "c" + hashlib.sha1(title.encode()).hexdigest()[:8] + "-"
    svg = svg.replace(' id="', f' id="{prefix}').replace("url(#", f"url(#{prefix}")
    return svg.replace('href="#', f'href="#{prefix}')


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def _empty(axes: Any, message: str) -> None:
    axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes,
              color="#555")
    axes.set_axis_off()


def stacked_bars(series: Mapping[str, Mapping[str, int]], title: str, ylabel: str,
                 rotate: bool = True) -> str:
    """Bars per x value (a day, a week), stacked by group (a channel, a role, a category)."""
    xs = list(series)
    groups = sorted({g for values in series.values() for g in values})
    figure = _figure(HEIGHT if xs else EMPTY_HEIGHT)
    axes = figure.add_subplot()
    if not xs:
        _empty(axes, "Aucune donnée sur la période")
        return _svg(figure, title)
    bottom = [0] * len(xs)
    for index, group in enumerate(groups):
        heights = [series[x].get(group, 0) for x in xs]
        axes.bar(xs, heights, bottom=bottom, label=group, color=PALETTE[index % len(PALETTE)])
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_ylabel(ylabel)
    axes.yaxis.get_major_locator().set_params(integer=True)
    if rotate:
        axes.tick_params(axis="x", labelrotation=45)
    axes.legend(loc="upper left", fontsize="small", frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure, title)


def horizontal_bars(labels: Sequence[str], values: Sequence[float], title: str, xlabel: str,
                    percent: bool = False) -> str:
    figure = _figure(0.32 * len(labels) + 1.0 if labels else EMPTY_HEIGHT)
    axes = figure.add_subplot()
    if not labels:
        _empty(axes, "Aucune donnée sur la période")
        return _svg(figure, title)
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, values, color=PALETTE[0])
    axes.set_yticks(positions, labels=[label[:60] for label in labels], fontsize="small")
    for y, value in zip(positions, values, strict=True):
        axes.text(value, y, f" {value:.0%}" if percent else f" {value:g}", va="center",
                  fontsize="small")
    if percent:
        axes.set_xlim(0, 1.15)
        axes.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    axes.set_xlabel(xlabel)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure, title)


def histogram(bands: Sequence[Mapping[str, float]], title: str, threshold: float) -> str:
    """Typed messages per confidence band, with the "not understood" threshold drawn."""
    figure = _figure()
    axes = figure.add_subplot()
    lefts = [band["from"] for band in bands]
    widths = [band["to"] - band["from"] for band in bands]
    counts = [band["count"] for band in bands]
    colors = [PALETTE[3] if band["to"] <= threshold else PALETTE[0] for band in bands]
    axes.bar(lefts, counts, width=widths, align="edge", color=colors, edgecolor="white")
    axes.axvline(threshold, color="#333", linestyle="--", linewidth=1)
    top = max([*counts, 1])
    axes.set_ylim(0, top * 1.1)
    axes.text(threshold, top, f" seuil {threshold:.0%}", va="top", fontsize="small")
    axes.set_xlim(0, 1)
    axes.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    axes.set_xlabel("confiance du meilleur intent")
    axes.set_ylabel("messages")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure, title)


def forwarding(counts: Mapping[str, int], labels: Mapping[str, str], title: str) -> str:
    names = [n for n in counts if counts[n]]
    return horizontal_bars([labels.get(n, n) for n in names], [counts[n] for n in names],
                           title, "demandes")
