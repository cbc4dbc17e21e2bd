"""Normalisation every reader starts from: case, accents, punctuation, filler words."""

from __future__ import annotations

import re
import unicodedata

_PUNCT_TRANSLATION = str.maketrans(
    {
        "\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'",
        "\u00ab": '"', "\u00bb": '"', "\u201c": '"', "\u201d": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2212": "-",
    }
)
# NFKD does not split ligatures, yet French users type them ("cœur", "sœur").
_LIGATURES = (("\u0153", "oe"), ("\u00e6", "ae"), ("\u00df", "ss"))


def normalize(text: str) -> str:
    """Lower-case, accent-free, single-spaced text; apostrophes unified to "'"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_PUNCT_TRANSLATION))
    kept = "".join(
        ch for ch in decomposed
        if not unicodedata.combining(ch) and unicodedata.category(ch) not in ("Cf", "Co", "Cs")
    )
    lowered = kept.lower()
    for ligature, replacement in _LIGATURES:
        lowered = lowered.replace(ligature, replacement)
    return " ".join(lowered.split())


def plain_words(text: str) -> str:
    """Normalised text reduced to letters and digits separated by single spaces."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", normalize(text)).split())


# Hesitations and hedges that carry no value; removed so rules can anchor on what remains.
_FILLER_RE = re.compile(
    r"\b(?:euh+|heu+|hum+|hm+|bah|ben|bon|alors|donc|eh bien|genre|en fait|du coup|disons"
    r"|je dirais|plutot|normalement|environ|a peu pres|approximativement|aux alentours d[eu]"
    r"|vers|je pense que|je pense|je crois que|je crois|il me semble que|il me semble"
    r"|c etait|c est|ca devait etre|peut etre|si je me souviens bien)\b"
)


def strip_fillers(words: str) -> str:
    """Remove filler words from text already passed through plain-word style cleaning."""
    return " ".join(_FILLER_RE.sub(" ", words).split())


def squeeze_repeats(s: str) -> str:
    # "ouiiii", "nonnn", "okkk": stretched letters carry emphasis, not meaning.
    return re.sub(r"([a-z])\1{2,}", r"\1", s)
