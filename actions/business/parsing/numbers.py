"""Whole numbers written in French words, and counts of events ("deux fois", "aucune")."""

from __future__ import annotations

import re

from actions.business.parsing.text import normalize, plain_words, strip_fillers

_UNITS = (
    "zero", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
    "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix sept", "dix huit", "dix neuf",
)
_TENS = {20: "vingt", 30: "trente", 40: "quarante", 50: "cinquante", 60: "soixante",
         80: "quatre vingt"}
# Frequent misspellings of number words, mapped to the spelling NUMBER_WORDS knows.
NUMBER_TYPOS = {
    "troi": "trois", "deus": "deux", "deu": "deux", "quatres": "quatre", "katre": "quatre",
    "cinqs": "cinq", "cinque": "cinq", "sixe": "six", "septs": "sept", "nuef": "neuf",
    "onse": "onze", "douse": "douze", "treise": "treize", "seise": "seize", "vint": "vingt",
    "vingts": "vingt", "trentes": "trente", "zeros": "zero",
}


def _tens_base(n: int) -> int:
    # French counts 70-79 and 90-99 on top of 60 and 80 ("soixante-dix", "quatre-vingt-dix").
    if 70 <= n < 80:
        return 60
    if n >= 90:
        return 80
    return n - n % 10


def _number_forms(n: int) -> list[str]:
    if n < 20:
        return [_UNITS[n]] + (["une"] if n == 1 else [])
    base = _tens_base(n)
    rest = n - base
    name = _TENS[base]
    if rest == 0:
        return [name, name + "s"] if base == 80 else [name]
    unit = _UNITS[rest]
    forms = [f"{name} {unit}"]
    if rest in (1, 11) and base != 80:
        forms.append(f"{name} et {unit}")
    if rest == 1:
        forms += [f"{name} et une", f"{name} une"]
    return forms


def _build_number_words() -> dict[str, int]:
    return {form: n for n in range(100) for form in _number_forms(n)}


NUMBER_WORDS: dict[str, int] = _build_number_words()
_MAX_NUMBER_TOKENS = 4  # "quatre vingt dix neuf"


def find_word_number(text: str, start: int = 0) -> tuple[int, int, int] | None:
    """First spelled-out number (0-99) in plain-word text: (start, end, value), longest match."""
    tokens = [(m.start(), m.end(), NUMBER_TYPOS.get(m.group(), m.group()))
              for m in re.finditer(r"[a-z]+", text[start:])]
    for i in range(len(tokens)):
        for size in range(min(_MAX_NUMBER_TOKENS, len(tokens) - i), 0, -1):
            phrase = " ".join(tok for _, _, tok in tokens[i:i + size])
            if phrase in NUMBER_WORDS:
                return start + tokens[i][0], start + tokens[i + size - 1][1], NUMBER_WORDS[phrase]
    return None


_COUNT_UNKNOWN_RE = re.compile(
    r"\b(?:aucune idee|sais pas|sait pas|sais plus|je ne sais|ne me souviens|me rappelle pas)\b"
)
# A minus sign or a decimal is not a count of events.
_NEGATIVE_NUMBER_RE = re.compile(r"(?<![\w])-\s*\d|\bmoins\s+\d|\d[.,]\d")
_ZERO_RE = re.compile(
    r"\b(?:aucune?|zero|nulle?|jamais|rien|personne|pas une? seule?(?: fois)?|pas une? fois"
    r"|pas une?|pas de|pas encore)\b"
)
_APPROX_COUNTS = {"huitaine": 8, "dizaine": 10, "douzaine": 12, "quinzaine": 15,
                  "vingtaine": 20, "trentaine": 30, "quarantaine": 40, "cinquantaine": 50}
_APPROX_COUNT_RE = re.compile(r"\b(?:une?\s+)?(" + "|".join(_APPROX_COUNTS) + r")\b")
_MORE_THAN_RE = re.compile(
    r"\b(?:plus de|plus que|plus d|au dela de|superieur a|superieure a|davantage que)\s*$"
)
_LESS_THAN_RE = re.compile(r"\b(?:moins de|moins que|moins d|inferieur a|inferieure a)\s*$")


# "une troisième fois", "pour la 3e fois": the ordinal is the count, not the article before it.
_ORDINAL_WORDS = {"premiere": 1, "deuxieme": 2, "seconde": 2, "troisieme": 3, "quatrieme": 4,
                  "cinquieme": 5, "sixieme": 6, "septieme": 7, "huitieme": 8, "neuvieme": 9,
                  "dixieme": 10}
_ORDINAL_TIMES_RE = re.compile(
    r"\b(?:(?P<digits>\d+)\s*(?:e|eme|ieme|er|ere)|(?P<word>" + "|".join(_ORDINAL_WORDS)
    + r"))\s+fois\b"
)


def _ordinal_times(s: str) -> int | None:
    match = _ORDINAL_TIMES_RE.search(s)
    if not match:
        return None
    digits = match.group("digits")
    return int(digits) if digits else _ORDINAL_WORDS[match.group("word")]


def _count_candidates(s: str) -> list[tuple[int, int, int]]:
    """(start, end, value) of every way a quantity may be written, to keep the earliest."""
    found: list[tuple[int, int, int]] = []
    digits = re.search(r"\d+", s)
    if digits:
        found.append((digits.start(), digits.end(), int(digits.group())))
    approx = _APPROX_COUNT_RE.search(s)
    if approx:
        found.append((approx.start(), approx.end(), _APPROX_COUNTS[approx.group(1)]))
    zero = _ZERO_RE.search(s)
    if zero:
        found.append((zero.start(), zero.end(), 0))
    spelled = find_word_number(s)
    if spelled:
        found.append(spelled)
    # At equal start, the longest reading wins ("une quinzaine" over "une", "pas une" over "une").
    return sorted(found, key=lambda item: (item[0], -(item[1] - item[0])))


def parse_count(text: str) -> int | None:
    """A non-negative count ("deux", "2 fois", "aucune", "plus de 3" -> 4); None if unreadable."""
    s = strip_fillers(plain_words(text))
    if not s or _COUNT_UNKNOWN_RE.search(s) or _NEGATIVE_NUMBER_RE.search(normalize(text)):
        return None
    ordinal = _ordinal_times(s)
    if ordinal is not None:
        return ordinal
    candidates = _count_candidates(s)
    if not candidates:
        return None
    start, _, value = candidates[0]
    before = s[:start]
    if _MORE_THAN_RE.search(before):
        return value + 1
    if _LESS_THAN_RE.search(before):
        return max(value - 1, 0)
    return value
