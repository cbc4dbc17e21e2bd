"""The HTML page: self-contained, one chart per figure, the numbers in tables."""

from __future__ import annotations

import re
from datetime import date

import pytest

from reporting.build import build_report
from reporting.page import render
from tests.reporting.builders import PARIS, Talk, rows

LABELS = {"payment_missing": "Paiement non reçu"}


@pytest.fixture(scope="module")
def html() -> str:
    talks = [
        Talk("a", "2026-11-06 10:00").user("paiement ?", "payment_missing", role="mentor")
        .answered("payment_missing").feedback(False, "payment_missing"),
        Talk("b", "2026-11-07 10:00", channel="slack").fallback("truc <b>bizarre</b>",
                                                                "platform_question", 0.2),
    ]
    report = build_report(rows(*talks), [], date(2026, 11, 1), date(2026, 11, 30), PARIS,
                          LABELS, {})
    return render(report, LABELS)


def test_page_loads_nothing_from_outside(html):
    """No script, stylesheet link, image or font URL: the page opens offline."""
    assert "<script" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert not re.search(r"url\((?!#)", html)  # only the SVGs' own clip paths
    assert "<link" not in html


def test_every_chart_is_inline_svg_with_a_name(html):
    """Seven charts, each an <svg role="img"> with an aria-label."""
    assert len(re.findall(r'<svg role="img" aria-label="[^"]+"', html)) == 7


def test_user_text_is_escaped(html):
    """A not-understood message is shown as text, never as markup."""
    assert "truc &lt;b&gt;bizarre&lt;/b&gt;" in html
    assert "<b>bizarre" not in html


def test_figures_are_in_tables(html):
    """The per-topic row shows the label and its counts for screen readers."""
    row = re.search(r"<th scope=\"row\">Paiement non reçu</th>(.*?)</tr>", html, re.DOTALL)
    assert row is not None
    cells = re.findall(r'<td class="n">([^<]*)</td>', row.group(1))
    assert cells == ["1", "0", "0", "1", "0 %", "0 %"]


def test_chart_ids_are_unique_on_the_page(html):
    """Seven SVGs on one page: no id is defined twice, so each chart draws its own shapes."""
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
