"""The held-out NLU splits stay held out: none of their sentences is in the training data.

tests/nlu is the first split (written in the style of the training data); tests/nlu2 the second
(issue 11: long messages with context, role prefixes, SMS style, close pairs, near-domain
off-topic), written from the help page before any tuning and never mined for training lines.
tests/nlu_dev is a development set (written the same way, independently): classifier settings
may be chosen on it and its misses read for the kinds of message that fail; no training line may
copy one of its sentences either.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SPLITS = {"first": ROOT / "tests" / "nlu", "second": ROOT / "tests" / "nlu2"}
DEV = ROOT / "tests" / "nlu_dev"
HELD_OUT = {**SPLITS, "dev": DEV}
MINIMUM_OFF_TOPIC = {"first": 30, "second": 40}


def normalised(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def labelled(folder: Path) -> list[tuple[str, str]]:
    found = []
    for path in sorted(folder.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in block.get("examples", "").splitlines():
                if line.strip().startswith("- "):
                    text = re.sub(r"\[([^\]]*)\][({][^)}]*[)}]", r"\1", line.strip()[2:])
                    found.append((text, block["intent"]))
    return found


def examples(folder: Path) -> list[str]:
    return [text for text, _ in labelled(folder)]


@pytest.mark.parametrize("split", sorted(HELD_OUT))
def test_no_held_out_sentence_is_in_the_training_data(split):
    """Accents, case and punctuation aside, every held-out sentence is new to the model."""
    training = {normalised(text) for text in examples(ROOT / "data" / "nlu")}
    leaked = [text for text in examples(HELD_OUT[split]) if normalised(text) in training]
    assert leaked == []


@pytest.mark.parametrize("split", sorted(HELD_OUT))
def test_no_held_out_sentence_is_a_near_copy_of_a_training_line(split):
    """A training line differing from a held-out one by a word or two would leak it too."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    training = [normalised(text) for text in examples(ROOT / "data" / "nlu")]
    # Phrases of four words or fewer ("le 4 octobre" / "octobre") are alike by nature, not copied.
    held_out = [text for text in map(normalised, examples(HELD_OUT[split]))
                if len(text.split()) > 4]
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3)).fit(training + held_out)
    similarity = vectors.transform(held_out) @ vectors.transform(training).T
    closest = similarity.max(axis=1).toarray().ravel()
    near = [(text, round(float(score), 2))
            for text, score in zip(held_out, closest, strict=True) if score > 0.9]
    assert near == []


@pytest.mark.parametrize(("one", "other"), [("first", "second"), ("first", "dev"),
                                            ("second", "dev")])
def test_no_two_sets_share_a_sentence(one, other):
    """Each set counts on its own: a sentence in two would be counted twice."""
    seen = {normalised(text) for text in examples(HELD_OUT[one])}
    assert [text for text in examples(HELD_OUT[other]) if normalised(text) in seen] == []


@pytest.mark.parametrize("split", sorted(SPLITS))
def test_every_intent_has_at_least_five_held_out_examples(split):
    """Issues 3 and 11: at least 5 held-out examples per intent, and enough off-topic ones."""
    counts: dict[str, int] = {}
    for _, intent in labelled(SPLITS[split]):
        counts[intent] = counts.get(intent, 0) + 1
    intents = yaml.safe_load((ROOT / "domain" / "core.yml").read_text(encoding="utf-8"))["intents"]
    assert {intent: counts.get(intent, 0) for intent in intents if counts.get(intent, 0) < 5} == {}
    assert counts["out_of_scope"] >= MINIMUM_OFF_TOPIC[split]
    assert set(counts) <= set(intents)


def test_the_second_split_has_at_least_250_messages():
    """Issue 11: the second split is big enough to move by less than half a point a message."""
    assert len(labelled(SPLITS["second"])) >= 250


def test_the_development_set_names_only_known_intents():
    """A misspelt intent in the development set would count as a miss of every pipeline."""
    intents = yaml.safe_load((ROOT / "domain" / "core.yml").read_text(encoding="utf-8"))["intents"]
    assert {intent for _, intent in labelled(DEV)} <= set(intents)
