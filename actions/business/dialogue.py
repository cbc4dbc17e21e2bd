"""How a message reads against what the bot has just asked: a command, an answer, a correction.

The classifier reads a message on its own; the same words mean something else after a question.
"Modifier" at the summary is the edit command, not a platform question; "en fait non, c'est pour
octobre" in the middle of the questions changes the month instead of cancelling everything.
Plain values in, plain values out: no Rasa type here, `today` is a parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as default
from datetime import date
from enum import Enum

from actions.business import parsing
from actions.business.catalog import Catalog, Field
from actions.business.decisions import Outcome, step
from actions.business.fields import SKIPPED, understand
from actions.business.flow import ANSWER_INTENTS, word_count
from actions.business.opening import samples
from actions.business.rulebook import Rules

# Kinds whose reader accepts only a real value: a sentence read as one of them is meant as one.
# Free text and names read almost anything, so they need the detail to be named ("l'étudiant").
STRICT_KINDS = frozenset({
    "date", "past_date", "future_date", "month", "count", "invoice_status", "funding", "url",
})
# Words that name a detail beyond its label ("le mois", "le nom", "la date").
KIND_HINTS = {
    "month": ("mois",),
    "date": ("date", "jour"),
    "past_date": ("date", "jour", "depuis"),
    "future_date": ("date", "jour", "jusqu"),
    "person_name": ("etudiant", "etudiante", "eleve", "nom", "apprenant", "apprenante"),
    "count": ("nombre", "combien", "fois"),
    "url": ("lien", "url", "adresse"),
    "invoice_status": ("statut",),
    "funding": ("financement", "finance"),
}
_LABEL_STOP = frozenset({
    "dans", "avec", "pour", "depuis", "votre", "cette", "sont", "etre", "vous", "concerne",
    "concernee", "concernes", "realise", "realisee", "souhaitee", "souhaite", "partir",
})
_MIN_HINT = 4

# A correction opens with one of these; a plain "non" stays an answer to a yes/no question.
_CORRECTION_RE = re.compile(
    r"^(?:(?:ah|oh|ha|euh|bon|non|ah non|oups|pardon|desole|desolee|excusez moi|ah si|si)\s+)*"
    r"(?:en fait|attends|attendez|attend|pardon|oups|finalement|plutot|correction|je rectifie"
    r"|rectification|erreur|je me suis trompee?|je me trompe|autant pour moi|au temps pour moi)"
    r"\b(?:\s+(?:non|si|pardon|plutot|je voulais dire|c etait))*\s*"
)
_EDIT_RE = re.compile(
    r"\b(?:modif\w*|chang\w*|corrig\w*|rectifi\w*|remplac\w*|mettre plutot|pas (?:le bon|la bonne"
    r"|correct\w*|juste)|faux|fausse|erron\w*|mauvais\w*|en fait|plutot)\b"
)
_CONFIRM_RE = re.compile(
    r"^(?:(?:oui|ok|okay|c est bon|parfait|super|tres bien|d accord|yes|go|top)\s*)*"
    r"(?:je\s+)?(?:confirm\w*|envoi\w*|envoy\w*|valid\w*|c est (?:tout )?bon|c est parfait|c est ok"
    r"|tout est bon|tout est correct|c est correct|parfait|go|ok|oui|yes|d accord)\b"
)
_CANCEL_RE = re.compile(
    r"^(?:non\s+)?(?:annul\w*|supprim\w*|n envoie pas|ne l envoie pas|ne pas envoyer|n envoyez pas"
    r"|ne l envoyez pas|laisse tomber|laissez tomber|oublie|oubliez)"
)
_CLAUSE_RE = re.compile(r"\s*(?:[,;:]|\bc est\b|\bc etait\b|\bplutot\b|\bpar\b)\s*")
# A message that asks a question is a new question, not a command.
_MAX_COMMAND_WORDS = 12


class Command(Enum):
    """What the user asks for at the ticket summary."""

    CONFIRM = "confirm"
    CANCEL = "cancel"
    EDIT = "edit"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class Change:
    """A detail the user gives or corrects, as the canonical value the slot holds."""

    field: str
    value: str


@dataclass(frozen=True)
class SummaryReply:
    """The command read at the summary; for an edit, the detail named and its new value if given."""

    command: Command
    field: str | None = None
    value: str | None = None


def hints(field: Field) -> frozenset[str]:
    """The words that name this detail in a sentence: its label's own words, and its kind's."""
    words = {
        word for word in parsing.plain_words(field.label).split()
        if len(word) >= _MIN_HINT and word not in _LABEL_STOP
    }
    return frozenset(words | set(KIND_HINTS.get(field.kind, ())))


def mentioned(text: str, names: Sequence[str], catalog: Catalog) -> list[str]:
    """The details the sentence names, in the order of `names`."""
    words = set(parsing.plain_words(text).split())
    found = []
    for name in names:
        if any(hint in words or (hint == "jusqu" and "jusqu" in text.lower())
               for hint in hints(catalog.fields[name])):
            found.append(name)
    return found


def correction_rest(text: str) -> str | None:
    """What follows a correction's opening ("en fait non, c'est pour octobre" -> the rest)."""
    s = parsing.plain_words(text)
    match = _CORRECTION_RE.match(s)
    if not match:
        return None
    return _tail_of(text, s[match.end():]) or None


def _tail_of(text: str, plain_tail: str) -> str:
    """The original characters (capitals, accents) of the last words of `text`."""
    if not plain_tail:
        return ""
    words = text.split()
    count = len(plain_tail.split())
    for start in range(len(words)):
        if len(parsing.plain_words(" ".join(words[start:])).split()) <= count:
            return " ".join(words[start:]).lstrip(" ,;:")
    return text


def _pieces(text: str) -> list[str]:
    """The whole text, then its clauses from the last one: the value is usually said last."""
    parts = [part for part in _CLAUSE_RE.split(text) if part and part.strip(" ,.;:!")]
    pieces = [text, *reversed(parts)]
    return list(dict.fromkeys(piece.strip() for piece in pieces if piece.strip()))


def read_value(field: Field, text: str, today: date) -> str | None:
    """The detail's value somewhere in the sentence, or None."""
    for piece in _pieces(text):
        reading = understand(field, piece, today)
        if reading.value is not None and reading.value != SKIPPED:
            return reading.value
    return None


def read_change(
    text: str, names: Sequence[str], catalog: Catalog, today: date,
) -> Change | None:
    """One detail of `names` that the sentence gives: the one it names, else the only strict one
    whose value it holds ("c'est novembre" can only be the month)."""
    named = mentioned(text, names, catalog)
    for name in named:
        value = read_value(catalog.fields[name], text, today)
        if value is not None:
            return Change(name, value)
    if named:
        return None
    readable = [
        Change(name, value) for name in names
        if catalog.fields[name].kind in STRICT_KINDS
        and (value := read_value(catalog.fields[name], text, today)) is not None
    ]
    return readable[0] if len(readable) == 1 else None


def read_correction(
    text: str, current: str, names: Sequence[str], catalog: Catalog, today: date,
    given: Sequence[str] = (),
) -> Change | None:
    """A correction while the bot asks `current`: "en fait non, c'est pour octobre".

    `names` are the details the questions deal with (those given and the one asked), `given`
    those already answered. Returns the detail it changes with its new value (the asked one when
    it is simply answered that way), or None when the message does not open as a correction or
    gives no readable value.
    """
    rest = correction_rest(text)
    if rest is None:
        return None
    others = [name for name in names if name != current]
    change = read_change(rest, others, catalog, today)
    if change and mentioned(rest, others, catalog):
        return change
    renamed = _renamed(rest, current, given, catalog)
    if renamed:
        return renamed
    value = read_value(catalog.fields[current], rest, today)
    if value is not None:
        return Change(current, value)
    return change


def _renamed(rest: str, current: str, given: Sequence[str], catalog: Catalog) -> Change | None:
    """"en fait c'est Julie Bernard" while a free-text detail is asked, just after the student's
    name was given: the name is what is corrected, not the new detail."""
    if catalog.fields[current].kind != "text":
        return None
    name = parsing.parse_person_name(rest)
    named = [field for field in given if catalog.fields[field].kind == "person_name"]
    return Change(named[-1], name) if name and named else None


def read_summary_reply(
    text: str, intent: str | None, field_entity: str | None, names: Sequence[str],
    catalog: Catalog, today: date,
) -> SummaryReply:
    """The user's reply to the ticket summary, typed or clicked.

    Typed commands mean what the buttons mean whatever the classifier saw in them; an edit may
    name the detail and give its new value at once ("modifier le mois, c'est novembre").
    """
    s = parsing.plain_words(text)
    if field_entity in names or field_entity == "menu":
        return SummaryReply(Command.EDIT, field_entity if field_entity in names else None)
    if len(s.split()) > _MAX_COMMAND_WORDS:
        return SummaryReply(Command.UNCLEAR)
    if _EDIT_RE.search(s) or correction_rest(text) is not None:
        return _edit(text, names, catalog, today)
    if _CANCEL_RE.match(s) or parsing.is_cancel(text):
        return SummaryReply(Command.CANCEL)
    if _CONFIRM_RE.match(s):
        return SummaryReply(Command.CONFIRM)
    change = read_change(text, names, catalog, today)
    if change:
        return SummaryReply(Command.EDIT, change.field, change.value)
    if intent == "affirm":
        return SummaryReply(Command.CONFIRM)
    if intent == "deny":
        return SummaryReply(Command.CANCEL)
    return SummaryReply(Command.UNCLEAR)


def _edit(text: str, names: Sequence[str], catalog: Catalog, today: date) -> SummaryReply:
    change = read_change(text, names, catalog, today)
    if change:
        return SummaryReply(Command.EDIT, change.field, change.value)
    named = mentioned(text, names, catalog)
    if named:
        return SummaryReply(Command.EDIT, named[0])
    return SummaryReply(Command.EDIT, names[0] if len(names) == 1 else None)


# A topic only replaces the one waiting for the role when it is said plainly and at length:
# "je postule pour être mentor" answers "mentor ou coach ?", it does not ask how to become one.
NEW_TOPIC_CONFIDENCE = 0.8
NEW_TOPIC_MIN_WORDS = 6
ROLE_TOPICS = frozenset({"become_mentor", "become_coach"})


@dataclass(frozen=True)
class RoleAnswer:
    """The role read in the reply to "mentor ou coach ?", and the topic to answer next."""

    role: str
    topic: str


def read_role_answer(
    text: str, intent: str | None, confidence: float, pending_topic: str,
    topics: Sequence[str],
) -> RoleAnswer | None:
    """The reply to the role question: the role it names, and the waiting topic unless the
    sentence clearly asks about another one ("je suis coach, et ma facture n'est pas payée")."""
    role = parsing.parse_role(text)
    if role is None:
        return None
    words = word_count(text)
    new_topic = (
        intent in topics and intent != pending_topic and intent not in ROLE_TOPICS
        and confidence >= NEW_TOPIC_CONFIDENCE and words >= NEW_TOPIC_MIN_WORDS
    )
    return RoleAnswer(role, intent if new_topic and intent else pending_topic)


@dataclass(frozen=True)
class OfferReply:
    """The reply to "Souhaitez-vous que j'ouvre une demande ?": accepted, with the details the
    reply already gives ("Karim Benali", "le 1er décembre")."""

    accepted: bool
    details: dict[str, str] = default(default_factory=dict)


_MAX_DETAIL_REPLY_WORDS = 8


_MIN_DESCRIPTION_WORDS = 5


def read_offer_reply(
    text: str, intent: str | None, confidence: float, topics: Sequence[str],
    names: Sequence[str], catalog: Catalog, today: date, topic: str | None = None,
) -> OfferReply | None:
    """A yes, or the first detail of the offered ticket typed straight away (the student's name,
    a date, or a description of the same problem as the topic just answered); None otherwise (a
    new question, a no, anything else)."""
    if intent is not None and intent == topic and len(text.split()) >= _MIN_DESCRIPTION_WORDS:
        described = next((n for n in names if catalog.fields[n].kind == "text"), None)
        value = parsing.parse_free_text(text)
        return OfferReply(True, {described: value} if described and value else {})
    if intent in topics and confidence >= NEW_TOPIC_CONFIDENCE:
        return None
    yes = intent == "affirm" or parsing.parse_yes_no(text) is True
    detail = _first_detail(_after_yes(text) if yes else text, names, catalog, today)
    if yes:
        return OfferReply(True, detail)
    if detail and parsing.parse_yes_no(text) is None and intent != "deny":
        return OfferReply(True, detail)
    return None


def _first_detail(
    text: str | None, names: Sequence[str], catalog: Catalog, today: date,
) -> dict[str, str]:
    """The first detail of the ticket that a short reply gives: a name, or a strict value."""
    if not text or len(text.split()) > _MAX_DETAIL_REPLY_WORDS or parsing.is_non_answer(text):
        return {}
    for name in names:
        kind = catalog.fields[name].kind
        if kind == "person_name" and (value := parsing.parse_person_name(text)):
            return {name: value}
        if kind in STRICT_KINDS and (value := read_value(catalog.fields[name], text, today)):
            return {name: value}
    return {}


def _after_yes(text: str) -> str | None:
    """"oui, pour Karim Benali": what follows the yes."""
    parts = re.split(r"\s*(?:[,;:]\s*(?:c est |pour )?|\bpour\b)\s*",
                     text.replace("'", " "), maxsplit=1)
    return parts[1] if len(parts) == 2 else None


def read_followup(
    text: str, intent: str | None, confidence: float, names: Sequence[str], catalog: Catalog,
    today: date,
) -> Change | None:
    """Right after a decision, a new fact for the rule just applied ("ah pardon, le 10",
    "finalement je l'ai relancée une troisième fois"): the fact and its value, or None.

    A message that opens as a correction is read against the rule's facts whatever its intent;
    otherwise only a message the classifier reads as an answer, or is unsure about, is.
    """
    rest = correction_rest(text)
    if rest is None and intent not in ANSWER_INTENTS and confidence >= NEW_TOPIC_CONFIDENCE:
        return None
    return read_change(rest or text, names, catalog, today)


def ticket_on_request(
    rule: str, role: str | None, facts: Mapping[str, str | None], catalog: Catalog, today: date,
    rules: Rules,
) -> str | None:
    """The ticket a rule opens for a case like the user's, when they ask for one before the
    rule has decided ("Ouvrir une demande" in the middle of its questions): the facts known so
    far are kept, the missing ones tried with sample values until a decision opens a ticket;
    when what is known leads to no ticket (told to wait, the user still asks), the ticket the
    rule opens for any case."""
    return _reachable_ticket(rule, role, facts, catalog, today, rules) or _reachable_ticket(
        rule, role, dict.fromkeys(facts), catalog, today, rules)


def _reachable_ticket(
    rule: str, role: str | None, facts: Mapping[str, str | None], catalog: Catalog, today: date,
    rules: Rules,
) -> str | None:
    pending: list[dict[str, str | None]] = [dict(facts)]
    while pending:
        known = pending.pop(0)
        outcome = step(rule, role, known, today, rules)
        if isinstance(outcome, Outcome):
            if outcome.ticket:
                return outcome.ticket
            continue
        kind = catalog.fields[outcome.fact].kind
        pending.extend({**known, outcome.fact: value} for value in samples(kind, today))
    return None


# "Ouvrir une demande", "je veux parler à quelqu'un": short, and read as such with confidence.
_TICKET_REQUEST_RE = re.compile(
    r"(?:je (?:veux|voudrais) )?(?:ouvrir|faire|creer|envoyer) (?:une|la|ma) demande"
    r"|(?:je (?:veux|voudrais) )?(?:parler|ecrire) a (?:quelqu un|un humain|une personne"
    r"|l equipe|une vraie personne|un conseiller)|contacter (?:le support|l equipe)"
)
_MAX_REQUEST_WORDS = 8


def asks_for_ticket(text: str, intent: str | None, confidence: float) -> bool:
    """The user asks for a person or a ticket in so many words (the offer button's own text)."""
    s = parsing.plain_words(text)
    if len(s.split()) > _MAX_REQUEST_WORDS:
        return False
    return bool(_TICKET_REQUEST_RE.fullmatch(s)) or (
        intent == "request_human" and confidence >= NEW_TOPIC_CONFIDENCE)


# After this many unreadable answers to the same question, the bot stops asking it.
MAX_TRIES = 2


class GiveUp(Enum):
    """What to do with an answer the bot cannot read."""

    ASK_AGAIN = "ask_again"  # the question again, with its example
    SKIP = "skip"  # an optional detail: "non précisé"
    AS_TYPED = "as_typed"  # a ticket detail: kept as the user typed it, for the team to read
    TO_TEAM = "to_team"  # a fact the rule needs: the team takes the case with what is known


def after_unreadable(tries: int, optional: bool, in_ticket: bool) -> GiveUp:
    """`tries` unreadable answers to one question so far (this one included)."""
    if tries < MAX_TRIES:
        return GiveUp.ASK_AGAIN
    if optional:
        return GiveUp.SKIP
    return GiveUp.AS_TYPED if in_ticket else GiveUp.TO_TEAM


# "je suis coach", "jsuis mentor", "en tant que coach": the user's own role. "un autre mentor
# m'a dit" or "mon coach" name someone else.
_DECLARED_ROLE_RE = re.compile(
    r"\b(?:je suis|jsuis|j suis|chui|suis|en tant que|etant|moi|comme)\s+"
    r"(?:(?:un|une|nouveau|nouvelle|nouvel|deja|aussi|la|le)\s+)*(?P<role>m[ae]ntor\w*|coach\w*)"
)


def declared_role(text: str) -> str | None:
    """The role the user says is theirs in a sentence, or None."""
    match = _DECLARED_ROLE_RE.search(parsing.plain_words(text))
    return parsing.parse_role(match.group("role")) if match else None


def is_resent_confirmation(text: str) -> bool:
    """The Confirmer button clicked again, or "confirmer" typed again, after the ticket was sent
    (the same ticket is shown); an "ok" or a "oui" then is only an acknowledgement."""
    s = parsing.plain_words(text)
    resent = re.match(r"(?:je )?(?:confirm|envoi|envoy)", s)
    return text.strip().startswith("/affirm") or bool(resent)


# "et si j'attends plus d'un mois ?", "et dans deux semaines ?": the same case, later.
_HYPOTHESIS_RE = re.compile(
    r"\b(?:et si|si jamais|et dans|si j attends|si je patiente|si j attend|et d ici)\b")
_DURATION_RE = re.compile(
    r"\b(?P<more>plus d |plus de |au dela d |au dela de )?(?P<count>\d{1,3}|un|une|deux|trois"
    r"|quatre|cinq|six|sept|huit|dix|quinze)\s+(?P<unit>jours?|semaines?|mois)\b")
_UNIT_DAYS = {"jour": 1, "semaine": 7, "mois": 30}


def read_hypothesis(text: str) -> int | None:
    """How many days later the user asks about ("et si j'attends plus d'un mois ?" -> 31), or
    None when the message is no such question."""
    s = parsing.plain_words(text)
    if not _HYPOTHESIS_RE.search(s):
        return None
    duration = _DURATION_RE.search(s)
    if duration is None:
        return None
    count = parsing.parse_count(duration.group("count"))
    if count is None:
        return None
    unit = duration.group("unit")
    days = count * _UNIT_DAYS[unit if unit == "mois" else unit.rstrip("s")]
    return days + 1 if duration.group("more") else days
