"""Answers that pick one of a few options: invoice status, funding, role, late-student case."""

from __future__ import annotations

import re
from collections.abc import Sequence

from actions.business.parsing.text import normalize, plain_words


def _first_match(patterns: tuple[tuple[re.Pattern[str], str], ...], s: str) -> str | None:
    for pattern, value in patterns:
        if pattern.search(s):
            return value
    return None


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


def parse_late_case(text: str, order: Sequence[str] = (*LATE_CASES, "none")) -> str | None:
    """Which late-student situation applies: one of LATE_CASES, "none", or None if unclear.

    A digit picks the case in `order`, the order the question offers them (rules/fields.yml).
    """
    s = plain_words(text)
    choice = _CHOICE_RE.fullmatch(s)
    if choice:
        raw = choice.group("choice")
        number = int(raw) if raw.isdigit() else _CHOICE_WORDS[raw]
        return order[number - 1] if number <= len(order) else None
    return _first_match(_LATE_CASE_PATTERNS, s)


# The options each choice reader recognises; their labels and order are data (rules/fields.yml).
INVOICE_STATUSES = ("payee", "en_cours")
CHOICE_VOCABULARY = {
    "late_case": frozenset((*LATE_CASES, "none")),
    "invoice_status": frozenset(INVOICE_STATUSES),
    "funding": frozenset(FUNDING_MODES),
}


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
