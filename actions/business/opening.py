"""Facts the user states in the message that opens a topic, so that they are not asked again.

"Il a manqué les deux dernières sessions sans prévenir" already answers how many absences and
whether they were justified; "appel à facturation d'octobre jamais reçu" already names the month.
Only what the sentence says plainly is taken: a number next to the word it counts, a month named
on its own, a yes/no stated in so many words. Anything less clear is asked as before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta

from actions.business import parsing
from actions.business.catalog import Catalog, Field
from actions.business.decisions import Ask, step
from actions.business.fields import understand
from actions.business.parsing import month_number
from actions.business.rulebook import Rules

# Words that must occur for a count in the sentence to be this count ("3 absences", "relancé
# deux fois"), matched on the start of words without accents.
COUNT_CUES: Mapping[str, tuple[str, ...]] = {
    "absences_count": ("absen", "manque", "rate", "loupe", "pas venu", "pas presente"),
    "contact_attempts": ("relanc", "contacte", "ecrit", "appele", "message"),
    "sessions_done": ("session", "seance"),
}
_UNJUSTIFIED = (r"\bsans (?:prevenir|justif\w*|excuse\w*|raison|nouvelles?|explication)"
                r"|\binjustifi\w*|\b(?:non|pas) justifi\w*")
# "justifié la première mais pas la deuxième": which absence is which is asked, not guessed.
_ONE_OF_THEM_RE = re.compile(r"\b(?:premiere|deuxieme|seconde|derniere|l une|une des|une seule"
                             r"|l autre)\b")
# A yes/no or a status said in so many words; when two readings match, nothing is taken.
STATED_CUES: Mapping[str, Mapping[str, str]] = {
    "invoice_status": {
        "payee": r"\b(?:notee?|indiquee?|marquee?|affichee?|statut|passee?|apparait)"
                 r" (?:comme |en )?(?:«\s*)?payee?s?\b",
        "en_cours": r"\b(?:notee?|indiquee?|marquee?|affichee?|statut|passee?|apparait|toujours"
                    r"|encore|est|reste) (?:comme )?(?:«\s*)?en cours\b",
    },
    # "sans prévenir" said of the absences covers both of them; "il a justifié" may not.
    "last_absence_justified": {
        "non": _UNJUSTIFIED,
        "oui": r"(?<!pas )(?<!non )\bjustifiee?s?\b|\bil a prevenu|\belle a prevenu",
    },
    "previous_absence_justified": {"non": _UNJUSTIFIED},
    "novice_course_done": {
        "oui": r"\b(?:termine|fini|fait|suivi|realise|valide)e? (?:le |du |mon )?cours",
    },
    "evaluator_course_done": {
        "oui": r"\b(?:termine|fini|fait|suivi|realise|valide)e? (?:le |du |mon )?cours",
    },
    "webinar_attended": {
        "oui": r"\b(?:regarde|suivi|assiste|vu|participe|fait)e? (?:au |le |a un |un )?webinaire",
        "non": r"\bpas (?:encore )?(?:regarde|suivi|assiste|vu|participe)\w* (?:au |le |a un |un )?"
               r"webinaire",
    },
    "student_warned": {
        "oui": r"\b(?:deja )?(?:prevenu|informe|averti)e?s? (?:mon |mes |l |les |son |ses )?"
               r"(?:etudiante?s?|eleves?|apprenante?s?)|\b(?:il|elle) est (?:deja )?(?:au courant"
               r"|prevenue?)|\b(?:je l ai|je les ai) (?:deja )?"
               r"(?:prevenue?s?|informee?s?|avertie?s?)",
    },
}
_NOT_BEFORE_MONTH = re.compile(r"^(?:\d+|1er|premier|fin|debut|mi|depuis)$")


def stated_month(text: str, today: date) -> str | None:
    """A month named alone ("d'octobre", "pour septembre"), not the month of a date ("le 3
    novembre"), as "YYYY-MM" (the latest such month up to this one)."""
    words = parsing.plain_words(text).split()
    for index, word in enumerate(words):
        number = month_number(word) if len(word) >= 3 else None
        before = words[index - 1] if index else ""
        if number and not _NOT_BEFORE_MONTH.match(before):
            year = today.year if number <= today.month else today.year - 1
            return f"{year:04d}-{number:02d}"
    return None


_MONTHS = ("janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre"
           "|decembre")
# "depuis le 3 novembre", "le 12/11", "du 1er octobre 2026": a date written out, nothing vague.
_DATE_RE = re.compile(
    rf"\b(?:depuis le|depuis|le|du|au|pour le)\s+(?:(?:\d{{1,2}}|1er|premier)\s+(?:{_MONTHS})"
    rf"(?:\s+\d{{4}})?|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?)\b"
)
DATE_KINDS = frozenset({"date", "past_date", "future_date"})


_SPELT_DATE_RE = re.compile(
    rf"\b(?:\d{{1,2}}|1er|premier)\s+(?:{_MONTHS})\b|\b\d{{1,2}}/\d{{1,2}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b"
)


def spells_out_a_date(text: str) -> bool:
    """"le 3 novembre", "03/11": the date is read; "la semaine dernière", "hier", "le 5" leave the
    bot to work out a month or a day."""
    return bool(_SPELT_DATE_RE.search(parsing.normalize(text)))


def stated_date(field: Field, text: str, today: date) -> str | None:
    """The one date the sentence writes out, read as this date fact; None if none or several."""
    dates = _DATE_RE.findall(parsing.normalize(text))
    if len(dates) != 1:
        return None
    return understand(field, dates[0], today).value


# What is counted: the number must stand just before one of these ("les deux dernières sessions",
# "relancé 3 fois"), not anywhere in the message ("mentor depuis un an").
_COUNTED_RE = re.compile(r"\b(?:absences?|sessions?|seances?|fois|relances?|rdv|rendez vous"
                         r"|messages?|mails?|appels?)\b")
_BETWEEN_WORDS = frozenset({"dernieres", "derniers", "premieres", "premiers", "de",
                            "d", "les", "ses", "mes", "nos", "aux", "des", "petites", "autres"})
_COUNT_WINDOW = 3


def _count_before_noun(s: str) -> int | None:
    for match in _COUNTED_RE.finditer(s):
        before = [word for word in s[:match.start()].split()[-_COUNT_WINDOW:]
                  if word not in _BETWEEN_WORDS]
        count = parsing.parse_count(" ".join(before)) if before else None
        if count is not None:
            return count
    return None


def stated_fact(name: str, text: str) -> str | None:
    """The fact's canonical value if the sentence states it plainly, else None."""
    s = parsing.plain_words(text)
    if name in COUNT_CUES:
        if not any(cue in s for cue in COUNT_CUES[name]):
            return None
        count = _count_before_noun(s)
        return None if count is None else str(count)
    if name.endswith("absence_justified") and _ONE_OF_THEM_RE.search(s):
        return None
    readings = {value for value, pattern in STATED_CUES.get(name, {}).items()
                if re.search(pattern, s)}
    return readings.pop() if len(readings) == 1 else None


def samples(kind: str, today: date) -> tuple[str, ...]:
    """A few values of each kind, enough to reach every branch of a rule."""
    if kind in ("date", "past_date", "future_date"):
        days = (0, 1, 3, 7, 10, 15, 30, 45, 60, 90, 180, 400)
        return tuple((today + timedelta(days=sign * n)).isoformat()
                     for n in days for sign in (-1, 1))
    return {
        "count": tuple(str(n) for n in range(7)),
        "yes_no": ("oui", "non"),
        "invoice_status": ("payee", "en_cours"),
        "funding": parsing.FUNDING_MODES,
        "late_case": (*parsing.LATE_CASES, "none"),
    }.get(kind, ("?",))


def rule_facts(
    rule: str, role: str | None, catalog: Catalog, today: date, rules: Rules,
) -> list[str]:
    """Every fact the rule may ask, in the order it first asks them (its branches explored with
    sample values)."""
    seen: list[str] = []
    pending: list[dict[str, str | None]] = [dict.fromkeys(catalog.fields)]
    while pending:
        known = pending.pop(0)
        asked = step(rule, role, known, today, rules)
        if not isinstance(asked, Ask):
            continue
        if asked.fact not in seen:
            seen.append(asked.fact)
            kind = catalog.fields[asked.fact].kind
            pending.extend({**known, asked.fact: value} for value in samples(kind, today))
    return seen


def opening_facts(
    text: str, rule: str | None, role: str | None, catalog: Catalog, today: date, rules: Rules,
) -> dict[str, str]:
    """The facts of `rule` the opening message states, and the month it names: the rule then
    asks only what is still missing."""
    found: dict[str, str] = {}
    dated = False  # one written-out date is one fact: the first date the rule asks
    for fact in rule_facts(rule, role, catalog, today, rules) if rule else ():
        field = catalog.fields[fact]
        if field.kind in DATE_KINDS:
            value = None if dated else stated_date(field, text, today)
            dated = True
        else:
            value = stated_fact(fact, text)
        if value is not None:
            found[fact] = value
    month = stated_month(text, today)
    if month:
        found.update({name: month for name, field in catalog.fields.items()
                      if field.kind == "month"})
    return found
