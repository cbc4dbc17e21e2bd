"""People's names, links and free text, as typed and tidied."""

from __future__ import annotations

import re
import unicodedata

from actions.business.parsing.answers import is_non_answer
from actions.business.parsing.text import normalize

_URL_RE = re.compile(r"https?://[^\s<>\"'\u00ab\u00bb]+", re.IGNORECASE)
_BARE_URL_RE = re.compile(
    r"(?<![\w@/.-])(?:www\.[\w-]+(?:\.[\w-]+)+|(?:[\w-]+\.)*openclassrooms\.com)"
    r"(?:/[^\s<>\"'\u00ab\u00bb]*)?",
    re.IGNORECASE,
)
_URL_TRAILING = ".,;:!?)]}'\""


def _trim_url(url: str) -> str:
    # Sentence punctuation sticks to pasted links; keep a ")" only when the URL opened one.
    while url and url[-1] in _URL_TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def parse_url(text: str) -> str | None:
    """First web link in the text; bare "openclassrooms.com/..." gets https:// added."""
    full, bare = _URL_RE.search(text), _BARE_URL_RE.search(text)
    if full and (not bare or full.start() <= bare.start()):
        url = _trim_url(full.group())
        return url if len(url) > len("https://") else None
    if bare:
        return "https://" + _trim_url(bare.group())
    return None


_NAME_PREFIXES = tuple(
    tuple(phrase.split())
    for phrase in (
        "il s appelle", "elle s appelle", "je m appelle", "il se nomme", "elle se nomme",
        "il s agit de", "son nom est", "son nom c est", "son nom", "mon nom est", "le nom est",
        "son prenom est", "son prenom c est", "son prenom", "moi c est", "c est", "c etait",
        "s appelle", "l etudiant", "l etudiante", "l eleve", "l apprenant", "l apprenante",
        "mon etudiant", "mon etudiante", "mon eleve", "mon apprenant", "mon apprenante",
        "le mentor", "la mentor", "le coach", "la coach", "mon mentor", "ma mentor",
        "mon coach", "ma coach", "nom", "prenom", "euh", "heu", "alors", "bah", "ben", "donc",
        "oui", "bonjour", "salut", "monsieur", "madame", "mr", "mme", "m",
    )
)
_NAME_SUFFIXES = tuple(
    tuple(phrase.split())
    for phrase in (
        "je crois", "je pense", "il me semble", "merci", "normalement", "voila", "l etudiant",
        "l etudiante", "mon etudiant", "mon etudiante", "l apprenant", "l apprenante",
    )
)
_NAME_PARTICLES = frozenset(
    {"de", "du", "des", "la", "le", "van", "von", "der", "den", "da", "di", "dos", "del",
     "della", "ben", "ibn", "bin", "el", "al", "d", "l"}
)
_NOT_NAME_WORDS = frozenset(
    {
        "je", "j", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "me", "te", "se",
        "ne", "n", "pas", "plus", "oui", "non", "ok", "merci", "bonjour", "salut", "sais",
        "sait", "est", "suis", "es", "sont", "a", "ai", "as", "avez", "avoir", "etre", "que",
        "qui", "quoi", "pourquoi", "comment", "quand", "ou", "et", "mais", "donc", "car", "ni",
        "un", "une", "ce", "cet", "cette", "ces", "mon", "ma", "mes", "ton", "ta", "tes",
        "son", "sa", "ses", "notre", "votre", "leur", "aucun", "aucune", "rien", "personne",
        "idee", "inconnu", "facture", "session", "sessions", "mentor", "coach", "etudiant",
        "etudiante", "besoin", "probleme", "aide", "veux", "voudrais", "peux", "dois", "fait",
        "faire", "avec", "pour", "sans", "dans", "sur", "par", "en", "au", "aux", "y", "tout",
        "tous", "hello", "help", "stp", "svp", "souviens", "rappelle", "passer",
        "annuler", "stop", "the", "no", "yes", "si", "test",
    }
)
_NAME_TOKEN_RE = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*\.?")
_MAX_NAME_WORDS = 6


def _token_keys(tokens: list[str]) -> list[list[str]]:
    return [normalize(token).replace("'", " ").replace(".", " ").split() for token in tokens]


def _strip_phrases(
    tokens: list[str], phrases: tuple[tuple[str, ...], ...], from_end: bool
) -> list[str]:
    # Phrases are matched on normalised sub-words but only whole typed tokens are removed,
    # so "l'étudiant" and "l etudiant" both go while "O'Neil" stays intact.
    changed = True
    while tokens and changed:
        changed = False
        keys = _token_keys(tokens)
        for phrase in phrases:
            taken, flat = 0, list[str]()
            indexes = range(len(tokens) - 1, -1, -1) if from_end else range(len(tokens))
            for index in indexes:
                flat = keys[index] + flat if from_end else flat + keys[index]
                taken += 1
                if len(flat) >= len(phrase):
                    break
            if tuple(flat) == phrase:
                tokens = tokens[:-taken] if from_end else tokens[taken:]
                changed = True
                break
    return tokens


def _clean_name_token(token: str) -> str:
    token = token.strip(",;:!\"()[]{}\u00ab\u00bb")
    # Keep the dot of an initial ("Karim B."), drop a sentence-ending one.
    if token.endswith(".") and not re.fullmatch(r"[^\W\d_]\.", token):
        token = token.rstrip(".")
    return token


def _capitalise(token: str, first: bool) -> str:
    key = normalize(token).replace("'", "")
    if token != token.lower() or (not first and key in _NAME_PARTICLES):
        return token  # typed with capitals on purpose ("McDonald", "DUPONT"), or a particle
    return re.sub(r"(^|[-'])(\w)", lambda m: m.group(1) + m.group(2).upper(), token)


def _looks_like_name(tokens: list[str]) -> bool:
    if not 1 <= len(tokens) <= _MAX_NAME_WORDS:
        return False
    for index, token in enumerate(tokens):
        if not _NAME_TOKEN_RE.fullmatch(token):
            return False
        key = normalize(token).rstrip(".")
        if index > 0 and key.replace("'", "") in _NAME_PARTICLES:
            continue
        if index == 0 and key in _NAME_PARTICLES:
            return False
        # Later capitalised words are trusted ("Jack Ma"); lower-case ones may be a sentence.
        if index > 0 and token[0].isupper():
            continue
        if any(part in _NOT_NAME_WORDS for part in key.split("'")):
            return False
    return True


def parse_person_name(text: str) -> str | None:
    """The person's name as typed, tidied ("il s'appelle jean-pierre martin" -> "Jean-Pierre
    Martin"); None for questions, numbers, long sentences or obvious non-names."""
    text = text.translate({0x2019: "'", 0x2018: "'"})
    if "?" in text or any(ch.isdigit() for ch in text):
        return None
    tokens = [t for t in (_clean_name_token(raw) for raw in text.split()) if t]
    tokens = _strip_phrases(tokens, _NAME_PREFIXES, from_end=False)
    tokens = _strip_phrases(tokens, _NAME_SUFFIXES, from_end=True)
    if not _looks_like_name(tokens):
        return None
    return " ".join(_capitalise(token, index == 0) for index, token in enumerate(tokens))


_MAX_FREE_TEXT = 2000


def as_typed(text: str) -> str | None:
    """The text as typed, tidied, even when it carries no detail: kept for the support team."""
    visible = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co")
    )
    cleaned = " ".join(visible.split())[:_MAX_FREE_TEXT].rstrip()
    return cleaned if any(ch.isalnum() for ch in cleaned) else None


def parse_free_text(text: str) -> str | None:
    """Text without control characters, single-spaced, capped at 2000 characters; None for a
    reply that carries no detail."""
    cleaned = as_typed(text) or ""
    if len(cleaned) < 2 or not any(ch.isalnum() for ch in cleaned) or is_non_answer(cleaned):
        return None
    return cleaned
