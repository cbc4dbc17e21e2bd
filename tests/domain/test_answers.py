"""Each topic's answer carries the help-center page's key facts (numbers, names, links)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from actions.business.catalog import Catalog, load_catalog

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
RESPONSES: dict = {}
for path in sorted(DOMAIN.glob("*.yml")):
    RESPONSES.update(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses", {}))

# intent -> role ("mentor", "coach" or None for the default variation) -> facts of the seed page
KEY_FACTS = {
    "become_mentor": {None: ["conditions", "capture d'écran"]},
    "become_coach": {None: ["devenez coach avec OpenClassrooms", "offres"]},
    "application_followup": {"mentor": ["3 jours ouvrés"],
                             "coach": ["7 jours ouvrés", "plus d'une semaine"]},
    "leave_novice_status": {None: ["Explorez le rôle du mentor OpenClassrooms",
                                   "fiche d'autoévaluation"]},
    "first_student_wait": {None: ["prioritaire", "un mois"]},
    "more_students": {"mentor": ["pas nécessaire", "profil"], "coach": ["jauge"]},
    "other_paths": {"mentor": ["Missions disponibles", "déjà mentor"], "coach": ["CV"]},
    "evaluator_status": {None: ["webinaire", "certificat", "mot clé"]},
    "student_admin_question": {None: ["Support étudiant"]},
    "student_late": {"mentor": ["quatre cas", "Gérez la motivation de l'étudiant"],
                     "coach": ["assidu"]},
    "student_unresponsive": {"mentor": ["Absent", "deux absences consécutives", "48h"],
                             "coach": ["3 fois"]},
    "transfer_student": {None: ["prévenu", "date de transfert"]},
    "end_coaching": {None: ["projet 3"]},
    "coaching_tips": {None: ["gratuit", "motivation"]},
    "extra_sessions": {None: ["accord", "tableau de bord", "conseiller pédagogique"]},
    "pause_activity": {None: ["plusieurs semaines", "temporaire"]},
    "stop_activity": {None: ["date", "disponibilité", "raison"]},
    "free_session": {None: ["session libre", "détails"]},
    "contract_2024": {None: ["1er mars 2024", "Nouvelles grilles de tarifs"]},
    "legal_structure": {None: ["Provigis", "https://support.provigis.com/hc/fr",
                               "https://provigis.com/contact?besoin=centre-aide",
                               "Structure juridique et contractualisation"]},
    "weekly_meetings": {None: ["Rendez-vous hebdomadaires"]},
    "invoicing_how": {None: ["mensuelle", "appel à facturation"],
                      "mentor": ["1er septembre 2024"]},
    "invoice_call_missing": {None: ["5 du mois", "6 du mois", "7 du mois"]},
    "payment_missing": {None: ["30 jours", "payée", "en cours", "plus d'une semaine"]},
    "invoice_dispute": {None: ["pas le montant", "sessions"]},
    "additional_services_invoice": {"coach": ["webinaire", "Mes factures", "à part"],
                                    "mentor": ["Facturer vos services additionnels"]},
    "referral_bonus": {None: ["5 sessions", "fin de mois"]},
    "mentor_discount": {None: ["20 %", "auto-financement", "CPF", "avant de vous inscrire"]},
    "schedule_session_problem": {"mentor": ["passé", "liste", "fin de financement"],
                                 "coach": ["fin de parcours"]},
    "complete_session_problem": {None: ["tous les champs", "page complète", "navigateurs"]},
    "validated_session_error": {None: ["note interne", "compte-rendu"]},
    "schedule_defense_problem": {None: ["évaluateur", "autoriser"]},
    "validated_defense_error": {None: ["lien de la soutenance", "changements"]},
    "defense_result_doubt": {None: ["Guide Mentor", "lien de la soutenance", "désaccord"]},
    "videoconference_problem": {None: ["L'outil de visioconférence pour vos sessions",
                                       "nature du problème"]},
    "project_doubt": {None: ["mission du projet", "guide mentor", "Workplace"]},
    "content_error": {None: ["lien", "pourquoi"]},
    "content_suggestion": {None: ["contenu concerné", "amélioré"]},
    "platform_question": {None: ["ce que vous souhaitez faire", "capture d'écran"]},
    "external_tool": {"mentor": ["guide mentor", "nom de l'outil"], "coach": ["guide coach"]},
    "consultant_mission": {None: ["référent"]},
    "learning_team_jobs": {None: ["équipe Learning", "offres"]},
    "contact_category": {None: ["motif"]},
}


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    return load_catalog()


def variation(intent: str, role: str | None) -> str:
    """What a user with this role reads: the topic's answer, and its second bubble if any."""
    more = catalog().topics[intent].more_for(role)
    text = pick(f"utter_{intent}", role)
    return f"{text}\n{pick(more, role)}" if more else text


def matching(name: str, slots: dict[str, str | None]) -> list[dict]:
    """As Rasa does: the conditional variations whose every condition holds, else the default
    ones (Rasa picks at random among several)."""
    variants = RESPONSES[name]
    conditional = [v for v in variants if v.get("condition") and all(
        slots.get(c["name"]) == c["value"] for c in v["condition"])]
    return conditional or [v for v in variants if not v.get("condition")]


def pick(name: str, role: str | None, gender: str = "masculine") -> str:
    """The text Rasa would pick for this role and student's gender."""
    return matching(name, {"role": role, "student_gender": gender})[0]["text"]


def test_every_topic_has_an_answer_and_key_facts():
    """No topic of the catalogue is left without an answer or without facts to check."""
    topics = set(load_catalog().topics) - {"out_of_scope"}
    assert topics == set(KEY_FACTS)
    assert all(f"utter_{topic}" in RESPONSES for topic in topics)


CASES = [
    (intent, role, fact)
    for intent, by_role in KEY_FACTS.items()
    for role, facts in by_role.items()
    for fact in facts
]


@pytest.mark.parametrize(("intent", "role", "fact"), CASES,
                         ids=[f"{i}-{r or 'any'}-{f[:20]}" for i, r, f in CASES])
def test_answer_states_the_seed_fact(intent, role, fact):
    """The answer a user with this role gets contains the fact (case-insensitive)."""
    assert fact.lower() in variation(intent, role).lower()


def test_every_response_has_a_default_variation():
    """A user whose role is unknown always gets an answer."""
    missing = [name for name, variants in RESPONSES.items()
               if not any(not v.get("condition") for v in variants)]
    assert missing == []


def test_every_form_field_has_a_question():
    """Each field a rule or ticket may ask has its utter_ask_ question."""
    fields = load_catalog().fields
    assert [f for f in fields if f"utter_ask_{f}" not in RESPONSES] == []


def test_late_case_question_lists_the_four_cases_with_the_page_details():
    """The mentor's answer no longer repeats the four cases: the question that follows lists
    them, with the page's details (financing partners, 48 h to justify)."""
    question = pick("utter_ask_late_case", "mentor")
    for fact in ("partenaires financeurs", "perte de motivation", "deux absences consécutives",
                 "48h", "risque d'abandon"):
        assert fact.lower() in question.lower()
