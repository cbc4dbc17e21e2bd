"""Every bubble the assistant can send, rendered with the values the rules really produce: short
enough for a chat, and written in correct, consistent French (issue 14).

The decision responses are rendered with the values of every outcome reached by walking each
rule over a range of answers and days (so a template that uses a value its rule does not give
fails here too); the other responses with representative values.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache

import pytest

from actions.business.catalog import load_catalog
from actions.business.decisions import RULES, Ask, step
from actions.business.flow import plan_topic
from actions.business.parsing import LATE_CASES
from actions.business.rulebook import load_rules
from tests.domain.test_answers import RESPONSES

MAX_BUBBLE = 700
ROLES = ("mentor", "coach")

# Candidate answers for each fact a rule asks; the walk tries every one.
CANDIDATES: dict[str, tuple[str, ...]] = {
    "invoice_status": ("payee", "en_cours"),
    "status_since": ("2026-11-27", "2026-11-20", "2026-10-01", "2026-08-31"),
    "absences_count": ("0", "1", "2", "3"),
    "last_absence_date": ("2026-11-27", "2026-11-26", "2026-11-01"),
    "contact_attempts": ("0", "1", "2", "3", "5"),
    "late_case": (*LATE_CASES, "none"),
    "session_date": ("2026-11-01", "2026-12-01", "2027-04-01"),
    "end_date": ("2026-12-31", "2026-11-30"),
    "application_date": ("2026-11-27", "2026-11-02", "2026-10-01"),
    "available_since": ("2026-11-01", "2026-08-01"),
    "sessions_done": ("0", "1", "4", "5", "12"),
    "funding_mode": ("self", "third_party"),
}
YES_NO = ("oui", "non")
# Days chosen to reach month labels with and without elision, the 1st, weekends on the 5th.
DAYS = tuple(date(2026, 1, 1) + timedelta(days=n) for n in range(0, 730, 3)) + (
    date(2026, 9, 1), date(2026, 5, 1), date(2026, 11, 28), date(2026, 12, 7),
)
OTHER_VALUES = {
    "category_label": [c.label for c in load_catalog().categories.values()],
    "summary": ["- Étudiant : Camille Martin\n- Parcours : Développeur web\n"
                "- Description : Mon étudiante me demande comment décaler sa date de fin de "
                "financement, elle a reçu un e-mail du Support étudiant."],
    "reference": ["OC-2026-000123"],
    "max_chars": ["2 000"],
    "details": ["Mois concerné", "Mois concerné, Date de fin"],
    "field_label": [f.label for f in load_catalog().fields.values()],
    "value": ["Paul Lefebvre", "octobre 2026", "3", "en cours"],
    "requester_email": ["camille.martin@example.org"],
    "date_label": ["3 novembre 2026", "1er décembre 2026"],
    "file_name": ["fiche-autoevaluation.pdf", "Capture d’écran 2026-11-28 à 10.42.13.png"],
}
# Values of responses no rule reaches with today's thresholds (utter_absences_follow_up: 2
# absences or more but under the threshold, which is 2).
UNREACHED = {"utter_absences_follow_up": {"count": "2", "threshold": "3", "hours": "48"}}


def walk(rule: str, role: str, today: date) -> Iterator[tuple[str, dict[str, str]]]:
    """Every (response, values) the rule can decide on this day, over the candidate answers."""
    rules = load_rules()
    pending: list[dict[str, str]] = [{}]
    while pending:
        facts = pending.pop()
        result = step(rule, role, facts, today, rules)
        if isinstance(result, Ask):
            for value in CANDIDATES.get(result.fact, YES_NO):
                pending.append({**facts, result.fact: value})
        else:
            yield result.response, result.values


@lru_cache(maxsize=1)
def decided_values() -> dict[str, list[dict[str, str]]]:
    """Response name -> the distinct value sets the rules give it."""
    found: dict[str, list[dict[str, str]]] = {}
    for rule in RULES:
        days = DAYS if rule == "invoice_call" else (date(2026, 11, 28), date(2026, 12, 1))
        for role in ROLES:
            for today in days:
                for response, values in walk(rule, role, today):
                    if values not in found.setdefault(response, []):
                        found[response].append(values)
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def renderings() -> Iterator[tuple[str, str]]:
    """(response name, text as the user reads it) for every variation of every response."""
    decided = decided_values()
    for name, variants in RESPONSES.items():
        for variant in variants:
            text = variant["text"]
            names = placeholders(text)
            if not names:
                yield name, text
            elif name in decided:
                for values in decided[name]:
                    yield name, text.format(**values)
            elif name in UNREACHED:
                yield name, text.format(**UNREACHED[name])
            else:
                for value_sets in _other_values(names):
                    yield name, text.format(**value_sets)


def _other_values(names: set[str]) -> Iterator[dict[str, str]]:
    longest = max(len(OTHER_VALUES[n]) for n in names)
    for i in range(longest):
        yield {n: OTHER_VALUES[n][i % len(OTHER_VALUES[n])] for n in names}


RENDERED = list(renderings())


def test_every_response_with_placeholders_is_rendered():
    """No response with {values} escapes the checks below: each is rendered at least once."""
    with_values = {n for n, vs in RESPONSES.items() for v in vs if placeholders(v["text"])}
    rendered = {name for name, text in RENDERED}
    assert with_values - rendered == set()
    assert all("{" not in text for _, text in RENDERED)


def test_every_bubble_fits_a_chat():
    """No bubble is longer than about 700 characters: longer answers go on in a second bubble."""
    long = sorted({(name, len(text)) for name, text in RENDERED if len(text) > MAX_BUBBLE})
    assert long == []


# "de", "que", "ne", "je", "le", "la", "me", "se" before a vowel are elided in French (not the
# pronoun after an imperative: "envoyez-le à nouveau").
ELISION = re.compile(r"(?<![\w-])(de|que|ne|je|le|la|me|se|te)\s+(?=[aeiouyàâäéèêëîïôöùûü])",
                     re.IGNORECASE)


def test_elision_before_vowels():
    """"d'août", "d'octobre", "qu'il": never "de août", "de octobre", "que il"."""
    bad = sorted({(name, m.group(0) + text[m.end():m.end() + 10])
                  for name, text in RENDERED for m in ELISION.finditer(text)})
    assert bad == []


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (r"\(s\)", "no '(s)' plurals: '0 absence(s)', 'jour(s)'"),
        (r"\b(le|du|au) 1(?!\d|er)", "'le 1er', 'du 1er'"),
        (r"\b0 (absence|session|jour|fois)", "no '0 absence', '0 session'"),
        (r"\bemail", "'e-mail', as everywhere else"),
        (r"\bweekend", "'week-end'"),
        (r"-le nous\b", "'signalez-le-nous'"),
        (r"\b(tu|toi|ton|tes|laisse)\b", "vous throughout, no tutoiement ('« laisse tomber »')"),
        (r"(?i)relancez-le|notez-le|contactez-le", "no masculine pronoun for the student"),
        (r"(?i)inutile de nous relancer", "not on the page"),
        (r"(?i)aurait dû vous parvenir", "not on the page"),
        (r"(?i)soit jusqu'au", "no dated promise for a payment 'en cours'"),
        (r"(?i)quelques questions", "said even when nothing is left to ask"),
        (r"(?i)du \{?\w+\}? passé", "'À partir du 6 passé'"),
    ],
    ids=["plural-s", "le-1er", "zero", "e-mail", "week-end", "le-nous", "vous", "student-pronoun",
         "relancer", "parvenir", "promise", "questions", "passe"],
)
def test_no_bubble_has(pattern: str, why: str):
    """Wording the issue found wrong appears in no rendered bubble."""
    regex = re.compile(pattern)
    bad = sorted({(name, m.group(0)) for name, text in RENDERED for m in regex.finditer(text)})
    assert bad == [], why


def test_le_1er_for_the_first_of_the_month():
    """On the 1st, the invoice-call answer says "Nous sommes le 1er"."""
    texts = [text for name, text in RENDERED if name.startswith("utter_invoice_call_")]
    assert any("Nous sommes le 1er :" in text for text in texts)
    assert not any("Nous sommes le 1 :" in text for text in texts)


TOPIC_ROLES = [(t, r) for t in load_catalog().topics for r in ROLES]


@pytest.mark.parametrize(("topic", "role"), TOPIC_ROLES, ids=[f"{t}-{r}" for t, r in TOPIC_ROLES])
def test_answer_does_not_offer_what_the_next_bubble_offers(topic: str, role: str):
    """When a ticket offer (or a rule's questions) follows the answer, the answer itself does not
    say "je peux ouvrir la demande": one offer, not two bubbles asking the same."""
    from tests.domain.test_answers import variation

    plan = plan_topic(topic, role, load_catalog())
    if plan.ticket or plan.decision:
        assert "je peux ouvrir" not in variation(topic, role).lower()


def test_ticket_start_does_not_repeat_the_decision():
    """A rule's decision says "J'ouvre la demande…": the ticket form's first bubble does not
    say it again, and every decision that opens a ticket says it once."""
    opening = re.compile(r"j'ouvr|ouvrir (?:la|une) demande", re.IGNORECASE)
    assert not opening.search(pick_default("utter_ticket_start"))
    for rule in RULES:
        for role in ROLES:
            for response, _ in walk(rule, role, date(2026, 11, 28)):
                text = pick_default(response)
                assert len(opening.findall(text)) <= 1, response


def pick_default(name: str) -> str:
    return next(v["text"] for v in RESPONSES[name] if not v.get("condition"))


def test_coaches_are_not_told_the_mentors_contract_ending():
    """"rupture de votre contrat" is the mentors' stop procedure, not the coaches'."""
    from tests.domain.test_answers import variation

    assert "rupture" not in variation("stop_activity", "coach")
    assert "rupture" in variation("stop_activity", "mentor")


def test_mentors_are_not_given_the_coaches_additional_services_procedure():
    """The procedure (wait for the amount, "Mes factures") is in the coaches' section only."""
    from tests.domain.test_answers import variation

    assert "Mes factures" not in variation("additional_services_invoice", "mentor")
    assert "Mes factures" in variation("additional_services_invoice", "coach")


SLOT_STATES = [
    {"role": role, "student_gender": gender, "topic": topic, "invoice_status": status}
    for role in (*ROLES, None) for gender in ("masculine", "feminine")
    for topic in ("pause_activity", "stop_activity") for status in ("payee", "en_cours", None)
]


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_one_variation_per_situation(name: str):
    """Whatever the role and the student's gender, at most one variation matches: Rasa picks at
    random among several, so the feminine answer must never compete with the masculine one."""
    from tests.domain.test_answers import matching

    for slots in SLOT_STATES:
        assert len(matching(name, slots)) == 1, slots


FEMININE_CASES = [
    ("utter_student_unresponsive", "mentor"), ("utter_student_unresponsive", "coach"),
    ("utter_student_late", "coach"), ("utter_transfer_student", "mentor"),
    ("utter_absences_write", None), ("utter_contacts_again", None),
    ("utter_transfer_write", None), ("utter_ask_student_name", None),
]


@pytest.mark.parametrize(("name", "role"), FEMININE_CASES, ids=[n for n, _ in FEMININE_CASES])
def test_answers_agree_with_mon_etudiante(name: str, role: str | None):
    """After "mon étudiante", the answer speaks of "l'étudiante" / "votre étudiante" and agrees
    (prévenue, sortie, concernée), and never of a single "étudiant"."""
    from tests.domain.test_answers import pick

    text = pick(name, role, "feminine")
    assert "étudiante" in text
    assert re.search(r"\b(votre|l'|de l'|d'un|un) ?étudiant\b(?!s)", text) is None
    assert pick(name, role, "masculine") != text
