"""Facts the user states in the message that opens a topic, so that they are not asked again.

"Il a manqué les deux dernières sessions sans prévenir" already answers how many absences and
whether they were justified; "appel à facturation d'octobre jamais reçu" already names the month.
Only what the sentence says plainly is taken: a number next to the word it counts, a month named
on its own, a yes/no stated in so many words. Anything less clear is asked as before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from actions.business import parsing
from actions.business.catalog import Catalog, Field
from actions.business.decisions import Ask, step
from actions.business.fields import understand
from actions.business.parsing_dates import month_number
from actions.business.rulebook import Rules

# Words that must occur for a count in the sentence to be this count ("3 absences", "relancé
# deux fois"), matched on the start of words without accents.
COUNT_CUES: Mapping[str, tuple[str, ...]] = {
    "absences_count": ("absen", "manque", "rate", "loupe", "pas venu", "pas presente"),
    "contact_attempts": ("relanc", "contacte", "ecrit", "appele", "message"),
    "sessions_done": ("session", "seance"),
}
# A yes/no or a status said in so many words; when two readings match, nothing is taken.
STATED_CUES: Mapping[str, Mapping[str, str]] = {
    "invoice_status": {
        "payee": r"\b(?:notee?|indiquee?|marquee?|affichee?|statut|passee?|apparait)"
                 r" (?:comme |en )?(?:«\s*)?payee?s?\b",
        "en_cours": r"\b(?:notee?|indiquee?|marquee?|affichee?|statut|passee?|apparait|toujours"
                    r"|encore|est|reste) (?:comme )?(?:«\s*)?en cours\b",
    },
    "absences_justified": {
        "non": r"\bsans (?:prevenir|justif\w*|excuse\w*|raison|nouvelles?|explication)"
               r"|\binjustifi\w*|\b(?:non|pas) justifi\w*",
        "oui": r"(?<!pas )(?<!non )\bjustifiee?s?\b|\bil a prevenu|\belle a prevenu",
    },
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


def stated_date(field: Field, text: str, today: date) -> str | None:
    """The one date the sentence writes out, read as this date fact; None if none or several."""
    dates = _DATE_RE.findall(parsing.normalize(text))
    if len(dates) != 1:
        return None
    return understand(field, dates[0], today).value


def stated_fact(name: str, text: str) -> str | None:
    """The fact's canonical value if the sentence states it plainly, else None."""
    s = parsing.plain_words(text)
    if name in COUNT_CUES:
        if not any(cue in s for cue in COUNT_CUES[name]):
            return None
        count = parsing.parse_count(text)
        return None if count is None else str(count)
    readings = {value for value, pattern in STATED_CUES.get(name, {}).items()
                if re.search(pattern, s)}
    return readings.pop() if len(readings) == 1 else None


def opening_facts(
    text: str, rule: str | None, role: str | None, catalog: Catalog, today: date, rules: Rules,
) -> dict[str, str]:
    """The facts of `rule` the opening message states, in the order the rule asks them, and the
    month it names: the rule then asks only what is still missing."""
    facts: dict[str, str | None] = dict.fromkeys(catalog.fields)
    found: dict[str, str] = {}
    for _ in catalog.fields if rule else ():
        asked = step(str(rule), role, facts, today, rules)
        if not isinstance(asked, Ask):
            break
        field = catalog.fields[asked.fact]
        value = (stated_date(field, text, today) if field.kind in DATE_KINDS
                 else stated_fact(asked.fact, text))
        if value is None:
            break
        facts[asked.fact] = found[asked.fact] = value
    month = stated_month(text, today)
    if month:
        found.update({name: month for name, field in catalog.fields.items()
                      if field.kind == "month"})
    return found
