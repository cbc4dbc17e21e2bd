"""scripts/nlu_eval.py: the NLU figures `make test` gates on and `make bench` compares."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def nlu_eval():
    spec = importlib.util.spec_from_file_location("nlu_eval", ROOT / "scripts" / "nlu_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["nlu_eval"] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("confidence", "margin", "expected"), [
    (0.39, 0.30, "nlu_fallback"),  # under the threshold
    (0.40, 0.30, "payment_missing"),  # at the threshold: kept, as Rasa's FallbackClassifier does
    (0.80, 0.04, "nlu_fallback"),  # two topics too close
    (0.80, 0.05, "payment_missing"),
])
def test_decide_replays_the_fallback_classifier(nlu_eval, confidence, margin, expected):
    """The sweep re-decides each read as the FallbackClassifier would at that threshold."""
    read = nlu_eval.Read("payment_missing", "payment_missing", confidence, margin)
    assert nlu_eval.decide(read, threshold=0.4, ambiguity=0.05) == expected


def test_figures_count_fallback_as_a_miss_in_scope_and_a_success_off_topic(nlu_eval):
    """In-scope questions sent to the fallback are misses; off-topic ones are caught."""
    gold = ["payment_missing", "payment_missing", "greet", "out_of_scope", "out_of_scope"]
    predicted = ["payment_missing", "nlu_fallback", "greet", "nlu_fallback", "greet"]
    found = nlu_eval.figures(gold, predicted)
    assert found["accuracy"] == pytest.approx(2 / 3)
    assert found["in_scope_fallback_rate"] == pytest.approx(1 / 3)
    assert found["off_topic_recall"] == pytest.approx(1 / 2)
    assert found["accuracy_all"] == pytest.approx(2 / 5)
    assert {"expected": "out_of_scope", "predicted": "nlu_fallback", "count": 1} \
        not in found["worst_confusions"]


@pytest.mark.parametrize("value", ["third=0.9", "first", "first="])
def test_a_gate_on_an_unknown_split_or_without_a_figure_is_refused(nlu_eval, value):
    """A typo in the Makefile's gate must not silently gate nothing."""
    with pytest.raises(SystemExit, match="--gate"):
        nlu_eval.parse_gates([value])


def test_gates_are_read_per_split(nlu_eval):
    """`--gate first=0.95 --gate second=0.92` gates each split on its own figure."""
    assert nlu_eval.parse_gates(["first=0.95", "second=0.92"]) == {"first": 0.95, "second": 0.92}


def test_the_markdown_table_lists_every_pipeline_on_every_split(nlu_eval):
    """reports/nlu.md shows the pipelines side by side, one table per split."""
    result = {"accuracy": 0.981, "macro_f1": 0.98, "off_topic_recall": 1.0,
              "in_scope_fallback_rate": 0.005, "ms_per_parse": 5.4}
    report = {"splits": {"first": "tests/nlu", "second": "tests/nlu2"},
              "examples": {"first": 457, "second": 362},
              "pipelines": {name: {"training_seconds": 3.0, "first": result, "second": result}
                            for name in ("project", "tfidf_svm")}}
    table = nlu_eval.markdown(report)
    assert table.count("| project | 98.1% | 0.980 | 100.0% | 0.5% | 5.40 | 3 |") == 2
    assert table.count("| tfidf_svm |") == 2
