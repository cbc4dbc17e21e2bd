"""Build the blank French spaCy pipeline with the lookup lemmatizer (no download needed).

The French models on the registry are built for spaCy 3.8 and do not load in 3.4, which Rasa 3.6
requires; a blank pipeline with spacy-lookups-data's lemma table gives tokens and lemmas offline.
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy


def build(target: Path) -> None:
    nlp = spacy.blank("fr")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # reads the lemma table shipped by spacy-lookups-data
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "var/spacy/fr_lookup")
    build(out)
    check = spacy.load(out)
    print(f"spaCy pipeline written to {out}:",
          [(t.text, t.lemma_) for t in check("les étudiants étaient absents")])
