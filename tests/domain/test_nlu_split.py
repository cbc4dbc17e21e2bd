"""The held-out NLU split stays held out: none of its sentences is in the training data."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def normalised(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def examples(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in block.get("examples", "").splitlines():
                if line.strip().startswith("- "):
                    found.append(re.sub(r"\[([^\]]*)\][({][^)}]*[)}]", r"\1", line.strip()[2:]))
    return found


def test_no_held_out_sentence_is_in_the_training_data():
    """Accents, case and punctuation aside, every held-out sentence is new to the model."""
    training = {normalised(text) for text in examples(ROOT / "data" / "nlu")}
    leaked = [text for text in examples(ROOT / "tests" / "nlu") if normalised(text) in training]
    assert leaked == []


def test_every_intent_has_at_least_five_held_out_examples():
    """Issue 3: at least 5 held-out examples per intent."""
    counts: dict[str, int] = {}
    for path in (ROOT / "tests" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            lines = [x for x in block.get("examples", "").splitlines() if x.strip().startswith("-")]
            counts[block["intent"]] = counts.get(block["intent"], 0) + len(lines)
    intents = yaml.safe_load((ROOT / "domain" / "core.yml").read_text(encoding="utf-8"))["intents"]
    assert {intent: counts.get(intent, 0) for intent in intents if counts.get(intent, 0) < 5} == {}
    assert counts["out_of_scope"] >= 30
