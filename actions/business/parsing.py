"""Turn what a user types in answer to one of the bot's questions into a value.

Every function is pure: same text (and same `today` for dates) gives the same value, None when
the answer cannot be read. Matching is accent- and case-insensitive and tolerates filler words
and common typos, because users answer in a chat box, not a form.
"""

from __future__ import annotations

import re
import unicodedata

from actions.business.parsing_dates import (
    find_word_number,
    normalize,
    parse_date,
    parse_month,
    plain_words,
    strip_fillers,
)

__all__ = [
    "as_typed", "is_cancel", "is_non_answer", "is_skip", "normalize", "parse_count", "parse_date",
    "parse_free_text",
    "parse_funding", "parse_invoice_status", "parse_late_case", "parse_month",
    "parse_person_name", "parse_role", "parse_student_gender", "parse_url", "parse_yes_no",
]


def _first_match(patterns: tuple[tuple[re.Pattern[str], str], ...], s: str) -> str | None:
    for pattern, value in patterns:
        if pattern.search(s):
            return value
    return None


# --------------------------------------------------------------------------- counts

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


# --------------------------------------------------------------------------- yes / no

_UNSURE_RE = re.compile(
    r"\b(?:je ne sais pas|je sais pas|sais pas|chais pas|sait pas|aucune idee|peut etre"
    r"|pas sur|pas sure|pas certaine?|je ne suis pas sure?|bof|je ne sais plus|je sais plus"
    r"|oui et non|oui ou non|ca depend|je ne me souviens|je me souviens plus)\b"
)
# Phrases containing "pas"/"non" that actually agree, or agreeing words that actually refuse.
_REWRITES = (
    (re.compile(r"\b(?:pas de (?:souci|soucis|probleme|problemes|pb)|sans (?:souci|soucis"
                r"|probleme)|pourquoi pas|ca ne me derange pas)\b"), " ok "),
    (re.compile(r"\b(?:absolument|certainement|surtout|evidemment|vraiment|carrement"
                r"|clairement|franchement|bien sur que|toujours) (?:pas|non)\b"), " non "),
    (re.compile(r"\b(?:je pense|je crois|bien sur|evidemment|absolument|certainement) que non\b"),
     " non "),
    (re.compile(r"\b(?:je pense|je crois|il me semble) que (?:oui|si)\b"), " oui "),
)
_NO_RE = re.compile(
    r"\b(?:non|nan|nope|no|niet|nn|negatif|jamais|aucunement|pas|nul)\b"
    r"|\bne? (?:\w+ ){0,4}?(?:plus|rien|point|aucun|aucune|personne|jamais)\b"
)
_NEGATORS = r"(?:pas|rien|jamais|plus|point|aucun\w*|personne)\b"
_YES_RE = re.compile(
    r"\b(?:oui|ouai|ouais|ouep|ouaip|ui|wi|yes|yep|yup|yeah|ok|okay|okey|oki|k|d accord"
    r"|daccord|dacc|dac|c est fait|deja fait|fait|c est bon|bien sur|biensur|bien entendu"
    r"|absolument|tout a fait|exact|exactement|affirmatif|effectivement|en effet|evidemment"
    r"|certainement|carrement|volontiers|parfait|je confirme|confirme|confirmee?|correct"
    r"|c est ca|c est exact|c est juste|c est vrai|tres bien|entendu|ca marche|ca roule"
    r"|vas y|allez y|bien recu|sure|of course|(?:je l|je les|j) ai (?!" + _NEGATORS + r")\w+)\b"
)
# A bare acknowledgement before the real answer ("ok, pas encore") does not answer by itself.
_LEADING_ACK_RE = re.compile(
    r"^(?:(?:ok|okay|okey|oki|d accord|daccord|dac|dacc|entendu|bien recu|alors|bon|ben|bah)\s+)+"
)
_LONE_SI_RE = re.compile(r"(?:mais )?si(?: si)*")


def _squeeze_repeats(s: str) -> str:
    # "ouiiii", "nonnn", "okkk": stretched letters carry emphasis, not meaning.
    return re.sub(r"([a-z])\1{2,}", r"\1", s)


def parse_yes_no(text: str) -> bool | None:
    """True for agreement, False for refusal or "not yet", None when unclear."""
    s = _squeeze_repeats(plain_words(text))
    if not s or _UNSURE_RE.search(s):
        return None
    if _LONE_SI_RE.fullmatch(s):
        return True
    for pattern, replacement in _REWRITES:
        s = pattern.sub(replacement, s)
    s = _LEADING_ACK_RE.sub("", s) or s
    no, yes = _NO_RE.search(s), _YES_RE.search(s)
    if no and yes:
        # Whatever comes first frames the answer: "non, pas encore" vs "oui, il ne répond pas".
        return no.start() > yes.start()
    if no or yes:
        return bool(yes)
    return None


# --------------------------------------------------------------------------- categories

_NOT_YET_PAID_RE = re.compile(
    r"\b(?:pas|non|jamais)\s+(?:encore\s+)?(?:ete\s+)?(?:payee?s?|reglee?s?|versee?s?)\b"
    r"|\bimpayee?s?\b|\b(?:en attente|en cours|attente)\b.*\b(?:payee?s?|reglee?s?|versee?s?)\b"
)
_PAID_RE = re.compile(r"\b(?:payee?s?|reglee?s?|acquittee?s?|versee?s?|recue?s?)\b")
_PENDING_RE = re.compile(
    r"\b(?:en cours|encours|en court|en attente|attente|acceptee?s?|validee?s?|en traitement"
    r"|en validation|en paiement)\b"
)


def parse_invoice_status(text: str) -> str | None:
    """"payee" or "en_cours" for the status shown on the invoice page."""
    s = plain_words(text)
    if _NOT_YET_PAID_RE.search(s):
        return "en_cours"
    if _PAID_RE.search(s):
        return "payee"
    if _PENDING_RE.search(s):
        return "en_cours"
    return None


# "par moi-même" must beat "financé par", and "compte personnel" must beat "personnel".
_SELF_STRONG_RE = re.compile(
    r"\b(?:moi meme|moi memes|auto ?financ\w*|autofinanc\w*|j autofinance|de ma poche"
    r"|mes propres (?:fonds|deniers|moyens)|a mes frais|par moi|mes economies|self)\b"
)
_THIRD_PARTY_RE = re.compile(
    r"\b(?:cpf|compte personnel de formation|compte formation|mon compte formation"
    r"|pole emploi|france travail|francetravail|employeur|mon patron|ma boite|ma societe"
    r"|opco|entreprise|societe|region|conseil regional|transition pro|ptp|agefiph"
    r"|alternance|apprentissage|apprenti|contrat pro|contrat de professionnalisation"
    r"|finance par|financee par|financement par|pris en charge|prise en charge"
    r"|mission locale|aif|afpr|poei|fongecif|tiers|organisme)\b"
)
_SELF_WEAK_RE = re.compile(
    r"\b(?:perso|personnel|personnellement|je paie|je paye|je paies|je payes|je finance"
    r"|je regle|moi|particulier|auto|mon argent|mes fonds)\b"
)


FUNDING_MODES = ("self", "third_party")


def parse_funding(text: str) -> str | None:
    """"self" when the student pays, "third_party" for CPF, France Travail, employer..."""
    s = plain_words(text)
    if _SELF_STRONG_RE.search(s):
        return "self"
    if _THIRD_PARTY_RE.search(s):
        return "third_party"
    if _SELF_WEAK_RE.search(s):
        return "self"
    return None


_MENTOR_RE = re.compile(r"\bm[ae]nt?or(?:e|es|s|at|ats|ing)?\b")
_COACH_RE = re.compile(r"\bcoat?ch(?:e|es|s|ing|ee|ees)?\b")


def parse_role(text: str) -> str | None:
    """"mentor" or "coach"; None when neither or both are named."""
    s = plain_words(text)
    mentor, coach = bool(_MENTOR_RE.search(s)), bool(_COACH_RE.search(s))
    if mentor == coach:
        return None
    return "mentor" if mentor else "coach"


LATE_CASES = (
    "weekly_session_not_planned", "worrying_delay", "repeated_cancellations", "dropout_risk",
)
_CHOICE_WORDS = {
    "un": 1, "une": 1, "premier": 1, "premiere": 1, "deux": 2, "deuxieme": 2, "second": 2,
    "seconde": 2, "trois": 3, "troisieme": 3, "quatre": 4, "quatrieme": 4, "cinq": 5,
    "cinquieme": 5,
}
_CHOICE_RE = re.compile(
    r"(?:(?:c est|cas|option|choix|reponse|numero|num|no|n|le|la|l)\s+)*"
    r"(?P<choice>[1-5]|" + "|".join(_CHOICE_WORDS) + r")(?:\s*(?:er|ere|e|eme))?"
)
_LATE_CASE_PATTERNS = (
    # Priority from most to least serious: the gravest signal decides the follow-up.
    (re.compile(r"\b(?:abandon\w*|arreter|quitter|quitte|lacher|lache|laisser tomber"
                r"|plaquer|jeter l eponge|renoncer|renonce)\b"), "dropout_risk"),
    (re.compile(r"\b(?:annul\w*|repete\w*|repetition\w*|repetiti\w*|absen\w*|consecuti\w*"
                r"|plusieurs fois|lapin\w*|no show|ne vient pas|ne se presente pas|pas venue?"
                r"|ne se connecte pas|de suite|d affilee|coup sur coup"
                r"|(?:rate|manque|loupe|saute)e?s? (?:les |ses )?(?:\w+ )?(?:deux|trois|2|3"
                r"|plusieurs|dernieres) (?:\w+ )?(?:sessions?|seances?|rdv|rendez vous|cours))\b"),
     "repeated_cancellations"),
    (re.compile(r"\b(?:inquiet\w*|preoccup\w*|alarm\w*|motivation|motivee?|demotiv\w*"
                r"|implication|impliquee?|investissement|investie?|engagement|decroch\w*"
                r"|tres en retard|gros retard|grand retard|enorme retard|beaucoup de retard"
                r"|serieux retard|retard (?:tres )?(?:important|considerable|grave|serieux"
                r"|enorme|consequent))\b"), "worrying_delay"),
    (re.compile(r"\b(?:hebdo\w*|planifi\w*|programm\w*|pas de session|pas de seance"
                r"|aucune session|aucune seance|pas reserve|pas de (?:rdv|rendez vous)"
                r"|cette semaine)\b"), "weekly_session_not_planned"),
    (re.compile(r"\b(?:aucun\w*|rien|non|autre|pas vraiment|un peu de retard|leger retard"
                r"|petit retard|legerement|juste|ras)\b"), "none"),
)


def parse_late_case(text: str) -> str | None:
    """Which late-student situation applies: one of LATE_CASES, "none", or None if unclear."""
    s = plain_words(text)
    choice = _CHOICE_RE.fullmatch(s)
    if choice:
        raw = choice.group("choice")
        number = int(raw) if raw.isdigit() else _CHOICE_WORDS[raw]
        return LATE_CASES[number - 1] if number <= len(LATE_CASES) else "none"
    return _first_match(_LATE_CASE_PATTERNS, s)


# --------------------------------------------------------------------------- url, names, text

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
            taken, flat = 0, []
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


# Answers that say nothing: a detail written as "oui", "ok" or "je ne m'en souviens plus" would
# reach the support team empty, so it is asked again.
_NON_ANSWER_RE = re.compile(
    r"(?:(?:euh|bah|ben|hmm|alors|desole|desolee|malheureusement|non|oui|franchement) )*"
    r"(?:oui|non|ok|okay|d accord|si|yes|no|rien|aucune idee|je sais pas|je ne sais pas"
    r"|sais pas|chais pas|je sais plus|je ne sais plus|je ne sais pas trop|pas d idee"
    r"|(?:je )?(?:ne )?(?:m en |me )?(?:souviens|rappelle) (?:plus|pas)(?: du tout)?"
    r"|je (?:ne )?l ai (?:pas|plus) (?:sous la main|en tete)|je (?:l ai )?oublie|j ai oublie"
    r"|aucun souvenir|peu importe|n importe quoi|test|\?+|\.+)"
    r"(?: (?:desole|desolee|merci|du tout|malheureusement))*"
)


def is_non_answer(text: str) -> bool:
    """A reply that carries no detail at all ("oui", "je ne m'en souviens plus")."""
    s = _squeeze_repeats(plain_words(text))
    return not s or bool(_NON_ANSWER_RE.fullmatch(s))


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


# --------------------------------------------------------------------------- skip / cancel

_POLITE = (
    r"(?:non|bon|ok|okay|euh|heu|bah|ben|finalement|en fait|alors|au final|tout compte fait"
    r"|c est bon|pardon|desole|desolee|merci|non merci|stp|svp|s il te plait|s il vous plait"
    r"|du coup|bref)"
)
_SKIP_CORE = (
    r"(?:passer|passe|je passe|on passe|pass|skip|suivant|next|non|nan|no|nope|rien|rien a dire"
    r"|rien a ajouter|rien de plus|rien de special|rien de particulier|aucun|aucune"
    r"|aucune raison|pas de raison|sans raison|aucune idee|je ne sais pas|je sais pas"
    r"|sais pas|nsp|ras|n a|na|neant|vide|pas d avis|pas de commentaire|sans commentaire"
    r"|aucun commentaire|pas de details?|aucun detail|pas de precision|pas besoin"
    r"|pas necessaire|pas important|pas envie|je (?:ne )?prefere (?:ne )?pas(?: le)?"
    r"(?: (?:dire|repondre|preciser|en parler|le dire|partager|donner))?"
    r"|prefere ne pas (?:dire|repondre|preciser)"
    r"|je ne (?:souhaite|veux) pas (?:repondre|le dire|dire|preciser|en parler|le preciser)"
    r"|c est personnel|confidentiel|c est tout|ca ira|ignore|ignorer|laisse vide"
    r"|non communique|pas concernee?|non applicable|sans objet|pas de reponse)"
)
_SKIP_RE = re.compile(rf"(?:{_POLITE} )*{_SKIP_CORE}(?: {_POLITE})*")
_SKIP_SYMBOLS_RE = re.compile(r"[\s\-_./\u2013\u2014\u2026]+")


def is_skip(text: str) -> bool:
    """The user declines to give an optional detail ("passer", "non", "rien", "-")."""
    if _SKIP_SYMBOLS_RE.fullmatch(text):
        return True
    s = _squeeze_repeats(plain_words(text))
    return bool(s) and bool(_SKIP_RE.fullmatch(s))


_CANCEL_LEAD = (
    r"(?:je veux|je voudrais|j aimerais|je prefere|je vais|on peut|on va|peut on|tu peux"
    r"|vous pouvez|on|je|allez on|bon on)"
)
_CANCEL_VERB = (
    r"(?:arr?ett?(?:e|er|ez|ons)|ann?ull?(?:e|er|ez|ons)|abb?andonn?(?:e|er|ez|ons)"
    r"|stopp?(?:e|er|ez|ons)?|quitt?(?:e|er|ez|ons)|oubli(?:e|er|ez|ons)"
    r"|lai?ss?(?:e|er|ez|es) tomb(?:e|er|ez)|lai?ss?(?:e|ez|es) bett?on|sortir|sors"
    r"|tout (?:arreter|annuler|stopper|laisser tomber))"
)
_CANCEL_OBJECT = (
    r"(?:ca|tout|tout ca|la|ici|la demande|cette demande|ma demande|les questions"
    r"|ces questions|le questionnaire|le formulaire|la conversation|cette conversation"
    r"|la discussion|l operation|cette operation|pour l instant|pour le moment|maintenant"
    r"|en fait|finalement|c est bon)"
)
_CANCEL_STANDALONE = (
    r"(?:plus besoin|pas besoin|j en ai plus besoin|je n en ai plus besoin|je n ai plus besoin"
    r"|c est bon laisse|c est bon laisse tomber|laisse|cancel|exit|quit|annulation|tant pis"
    r"|nevermind|never mind|on oublie|fin)"
)
_CANCEL_RE = re.compile(
    rf"(?:{_POLITE} )*(?:(?:{_CANCEL_LEAD} )?{_CANCEL_VERB}(?: {_CANCEL_OBJECT})*"
    rf"|{_CANCEL_STANDALONE})(?: {_POLITE})*"
)
# Unambiguous openings: whatever follows, the user is leaving ("laisse tomber, je verrai").
_CANCEL_START_RE = re.compile(
    rf"(?:{_POLITE} )*(?:lai?ss?(?:e|ez|es) tomb(?:e|er|ez)|oubli(?:e|ez) ca|plus besoin"
    r"|c est bon laisse|on arrete (?:la|tout)|stop|annule tout|annuler tout|tant pis)\b"
)
_MAX_CANCEL_WORDS = 8


def is_cancel(text: str) -> bool:
    """The user wants out of the current questions; "je veux arrêter le mentorat" is a topic."""
    normalized = normalize(text)
    s = _squeeze_repeats(plain_words(normalized))
    if not s or len(s.split()) > 2 * _MAX_CANCEL_WORDS:
        return False
    if _CANCEL_START_RE.match(s):
        return True
    first_clause = plain_words(re.split(r"[,.;!:]", normalized, maxsplit=1)[0])
    return any(
        len(part.split()) <= _MAX_CANCEL_WORDS and _CANCEL_RE.fullmatch(part)
        for part in (s, first_clause)
    )


# Feminine and masculine nouns for one student ("mon étudiante", "l'apprenant"); plural "mes
# étudiants" is the generic masculine and says nothing about one student.
_FEMININE_STUDENT = re.compile(r"\b(?:etudiante|apprenante|alternante)\b")
_MASCULINE_STUDENT = re.compile(r"\b(?:etudiant|apprenant|alternant)\b")


def parse_student_gender(text: str) -> str | None:
    """"feminine" or "masculine" when the message names one student with a gendered noun
    (both, or neither: None)."""
    s = normalize(text)
    feminine, masculine = bool(_FEMININE_STUDENT.search(s)), bool(_MASCULINE_STUDENT.search(s))
    if feminine == masculine:
        return None
    return "feminine" if feminine else "masculine"
