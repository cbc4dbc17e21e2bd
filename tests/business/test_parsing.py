"""Tests for the non-date answer parsers of actions.business.parsing."""

from __future__ import annotations

import pytest

from actions.business.parsing import (
    is_cancel,
    is_skip,
    normalize,
    parse_count,
    parse_free_text,
    parse_funding,
    parse_invoice_status,
    parse_late_case,
    parse_person_name,
    parse_role,
    parse_student_gender,
    parse_url,
    parse_yes_no,
)


def test_normalize_removes_accents_case_and_extra_spaces() -> None:
    """Normalisation is what makes every parser accent- and case-insensitive."""
    assert normalize("  Ça  FAIT\u00a0l’Été  œuvre ") == "ca fait l'ete oeuvre"


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("deux", 2),
        ("2 fois", 2),
        ("trois relances", 3),
        ("une seule", 1),
        ("un", 1),
        ("une fois", 1),
        ("aucune", 0),
        ("zéro", 0),
        ("zero", 0),
        ("0", 0),
        ("3", 3),
        ("vingt", 20),
        ("vingt-deux", 22),
        ("soixante et onze", 71),
        ("quatre-vingt-dix-neuf", 99),
        ("12 sessions", 12),
        ("pas une seule", 0),
        ("une quinzaine", 15),
        ("euh je pense 4", 4),
        ("Trois", 3),
        ("troi", 3),
        ("pas encore", 0),
        ("une dizaine de fois", 10),
    ],
)
def test_parse_count(text: str, expected: int) -> None:
    """Counts are read from digits or French words, with units and fillers around."""
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("plus de 3", 4), ("plus de trois", 4), ("au moins trois", 3), ("moins de 3", 2)],
)
def test_parse_count_bounds(text: str, expected: int) -> None:
    """'Plus de N' is N + 1, 'au moins N' is N, 'moins de N' is N - 1."""
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("finalement je l'ai relancée une troisième fois", 3), ("pour la 2e fois", 2),
     ("une première fois", 1), ("je l'ai relancé une fois", 1)],
)
def test_parse_count_ordinal_times(text: str, expected: int) -> None:
    """'Une troisième fois' counts three, not the article 'une'."""
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    "text", ["-2", "moins 2", "", "bonjour", "plusieurs", "aucune idée", "2.5", "je ne sais pas"]
)
def test_parse_count_unreadable(text: str) -> None:
    """Negative, fractional or missing numbers give None."""
    assert parse_count(text) is None


# --------------------------------------------------------------------------- yes / no


@pytest.mark.parametrize(
    "text",
    [
        "oui", "Oui.", "ouais", "yes", "ok", "OK", "d'accord", "oui je l'ai prévenu",
        "c'est fait", "bien sûr", "bien sur", "absolument", "tout à fait", "exact",
        "affirmatif", "ouiiii", "pas de souci", "je pense que oui", "si",
        "oui mais il ne répond pas",
    ],
)
def test_yes(text: str) -> None:
    """Agreement in its usual forms is True."""
    assert parse_yes_no(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "non", "Non !", "nan", "pas encore", "non pas encore", "pas du tout", "jamais",
        "pas vraiment", "je ne l'ai pas prévenu", "absolument pas", "je pense que non",
        "non, ok", "toujours pas", "je n'ai plus de nouvelles", "j'ai pas prévenu",
        "ok, pas encore", "c'est pas fait",
    ],
)
def test_no(text: str) -> None:
    """Refusal, 'not yet' and clear negations are False, even before a later 'ok'."""
    assert parse_yes_no(text) is False


@pytest.mark.parametrize("text", ["", "peut-être", "je ne sais pas", "bonjour", "oui et non"])
def test_yes_no_unclear(text: str) -> None:
    """Unclear or hedged answers give None so the bot can ask again."""
    assert parse_yes_no(text) is None


# --------------------------------------------------------------------------- categories


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("payée", "payee"),
        ("payee", "payee"),
        ("payé", "payee"),
        ("réglée", "payee"),
        ("Elle est PAYÉE", "payee"),
        ("acceptée et payée", "payee"),
        ("en cours", "en_cours"),
        ("encours", "en_cours"),
        ("en attente", "en_cours"),
        ("acceptée", "en_cours"),
        ("pas encore payée", "en_cours"),
        ("en attente d'être payée", "en_cours"),
    ],
)
def test_parse_invoice_status(text: str, expected: str) -> None:
    """Paid invoices are 'payee'; accepted, pending or not-yet-paid ones are 'en_cours'."""
    assert parse_invoice_status(text) == expected


@pytest.mark.parametrize("text", ["", "refusée", "je ne sais pas"])
def test_parse_invoice_status_unknown(text: str) -> None:
    """Other statuses give None."""
    assert parse_invoice_status(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "auto-financement", "autofinancement", "je paie moi-même", "je paye chaque mois",
        "perso", "personnel", "de ma poche", "financé par moi",
    ],
)
def test_funding_self(text: str) -> None:
    """The student paying out of pocket is 'self'."""
    assert parse_funding(text) == "self"


@pytest.mark.parametrize(
    "text",
    [
        "CPF", "compte personnel de formation", "Pôle emploi", "pole emploi", "France Travail",
        "mon employeur", "OPCO", "entreprise", "financé par la région", "région",
        "je paie via mon CPF",
    ],
)
def test_funding_third_party(text: str) -> None:
    """CPF, France Travail, employers, OPCO and regions are 'third_party'."""
    assert parse_funding(text) == "third_party"


@pytest.mark.parametrize("text", ["", "bof", "je ne sais pas"])
def test_funding_unknown(text: str) -> None:
    """No funding source gives None."""
    assert parse_funding(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mentor", "mentor"),
        ("Mentore", "mentor"),
        ("mentorat", "mentor"),
        ("je suis mentor", "mentor"),
        ("coach", "coach"),
        ("coaché", "coach"),
        ("coaching", "coach"),
        ("COACH", "coach"),
    ],
)
def test_parse_role(text: str, expected: str) -> None:
    """Mentor and coach are recognised with their usual derived forms."""
    assert parse_role(text) == expected


@pytest.mark.parametrize("text", ["", "étudiant", "mentor et coach", "je coche"])
def test_parse_role_unclear(text: str) -> None:
    """Neither role, or both, gives None."""
    assert parse_role(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("session hebdomadaire non planifiée", "weekly_session_not_planned"),
        ("pas de session cette semaine", "weekly_session_not_planned"),
        ("il n'a pas planifié", "weekly_session_not_planned"),
        ("retard très inquiétant", "worrying_delay"),
        ("perte de motivation", "worrying_delay"),
        ("manque d'implication", "worrying_delay"),
        ("démotivé", "worrying_delay"),
        ("annulations répétées", "repeated_cancellations"),
        ("retards répétés aux sessions", "repeated_cancellations"),
        ("deux absences consécutives", "repeated_cancellations"),
        ("risque d'abandon", "dropout_risk"),
        ("veut abandonner", "dropout_risk"),
        ("il va arrêter", "dropout_risk"),
        ("aucun de ces cas", "none"),
        ("juste un peu de retard", "none"),
        ("rien de tout ça", "none"),
        ("aucun", "none"),
        ("non, il a juste raté deux sessions de suite", "repeated_cancellations"),
        ("il a manqué les deux dernières sessions", "repeated_cancellations"),
        ("elle a loupé 3 séances d'affilée", "repeated_cancellations"),
        ("non, juste un petit retard", "none"),
    ],
)
def test_parse_late_case_phrases(text: str, expected: str) -> None:
    """Each late-student situation is recognised from its usual wording."""
    assert parse_late_case(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", "weekly_session_not_planned"),
        ("2", "worrying_delay"),
        ("3", "repeated_cancellations"),
        ("4", "dropout_risk"),
        ("5", "none"),
        ("cas 3", "repeated_cancellations"),
        ("le 2", "worrying_delay"),
        ("option 4.", "dropout_risk"),
    ],
)
def test_parse_late_case_digits(text: str, expected: str) -> None:
    """Digits 1-4 pick the cases in menu order; 5 means none."""
    assert parse_late_case(text) == expected


@pytest.mark.parametrize("text", ["", "bonjour", "6"])
def test_parse_late_case_unclear(text: str) -> None:
    """Anything else gives None."""
    assert parse_late_case(text) is None


# --------------------------------------------------------------------------- url, names, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://openclassrooms.com/fr/paths/123", "https://openclassrooms.com/fr/paths/123"),
        ("voici le lien : http://exemple.fr/a?b=1.", "http://exemple.fr/a?b=1"),
        ("openclassrooms.com/fr/courses/42", "https://openclassrooms.com/fr/courses/42"),
        ("www.openclassrooms.com/fr", "https://www.openclassrooms.com/fr"),
        ("(https://x.fr/a_(b))", "https://x.fr/a_(b)"),
        ("un https://a.fr/1 puis https://b.fr/2", "https://a.fr/1"),
    ],
)
def test_parse_url(text: str, expected: str) -> None:
    """The first link is returned, without trailing punctuation, with https:// if missing."""
    assert parse_url(text) == expected


@pytest.mark.parametrize("text", ["", "pas de lien", "https://"])
def test_parse_url_missing(text: str) -> None:
    """No link gives None."""
    assert parse_url(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Marie Dupont", "Marie Dupont"),
        ("c'est Karim B.", "Karim B."),
        ("il s'appelle jean-pierre martin", "Jean-Pierre Martin"),
        ("l'étudiant Paul", "Paul"),
        ("l’étudiante s’appelle Chloé", "Chloé"),
        ("élodie de la fontaine", "Élodie de la Fontaine"),
        ("Marie DUPONT.", "Marie DUPONT"),
        ("o'neil", "O'Neil"),
        ("Paul, l'étudiant", "Paul"),
        ("Jack Ma", "Jack Ma"),
    ],
)
def test_parse_person_name(text: str, expected: str) -> None:
    """Introductions are dropped and lower-case names capitalised."""
    assert parse_person_name(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "", "   ", "je ne sais pas", "Paul ?", "12345", "Paul 2",
        "un deux trois quatre cinq six sept",
        "Anne Marie Claire Sophie Louise Jeanne Rose", "bonjour", "de rien", "aucune idée",
        "Marie et Paul", "j'sais pas",
    ],
)
def test_parse_person_name_rejects(text: str) -> None:
    """Empty text, questions, digits, long sentences and non-names give None."""
    assert parse_person_name(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  il   est\n\nmalade ", "il est malade"),
        ("Python", "Python"),
        ("a\x00b\x07c", "abc"),
        ("12", "12"),
    ],
)
def test_parse_free_text(text: str, expected: str) -> None:
    """Whitespace is collapsed and control characters removed."""
    assert parse_free_text(text) == expected


@pytest.mark.parametrize(
    "text",
    ["oui", "Ok merci", "non", "je ne m'en souviens plus", "je l'ai pas sous la main",
     "euh je sais pas", "Non, désolé", "Confirmer", "modifier"],
)
def test_parse_free_text_rejects_replies_without_a_detail(text: str) -> None:
    """A yes, a no or an "I don't remember" is no description: the detail is asked again."""
    assert parse_free_text(text) is None


def test_parse_free_text_keeps_a_sentence_that_starts_unsure() -> None:
    """A real description that begins with "je ne sais pas" is kept."""
    text = "je ne sais pas comment modifier mon RIB"
    assert parse_free_text(text) == text


@pytest.mark.parametrize("text", ["", " ", "a", "--", "?!", "\x00\x01"])
def test_parse_free_text_rejects(text: str) -> None:
    """Fewer than two characters, or no letter or digit, gives None."""
    assert parse_free_text(text) is None


def test_parse_free_text_is_capped() -> None:
    """Very long answers are cut at 2000 characters."""
    assert parse_free_text("x" * 2500) == "x" * 2000


# --------------------------------------------------------------------------- skip / cancel


@pytest.mark.parametrize(
    "text",
    [
        "passer", "Passer", "je préfère ne pas dire", "aucune raison", "non", "rien", "-",
        "non merci", "je passe", "rien à ajouter", "pas de commentaire", "…", ".",
    ],
)
def test_is_skip(text: str) -> None:
    """Declining an optional detail is recognised."""
    assert is_skip(text) is True


@pytest.mark.parametrize("text", ["", "il est malade", "j'ai une raison", "oui", "2"])
def test_is_not_skip(text: str) -> None:
    """A real answer is not a skip."""
    assert is_skip(text) is False


@pytest.mark.parametrize(
    "text",
    [
        "laisse tomber", "Laisse tomber !", "annule", "annuler", "stop", "STOP", "on arrête",
        "abandonne", "oublie", "oublie ça", "plus besoin", "c'est bon laisse", "je veux arrêter",
        "laisse tomber, je vais écrire au support", "annule, je me suis trompé",
        "bon ben on arrête là merci", "laissez tomber",
    ],
)
def test_is_cancel(text: str) -> None:
    """Short cancel phrases, or an unambiguous one at the start, cancel."""
    assert is_cancel(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "", "ok", "je veux arrêter le mentorat", "annuler ma session", "je veux annuler ma facture",
        "je voudrais arrêter ma formation", "mon étudiant veut tout arrêter",
    ],
)
def test_is_not_cancel(text: str) -> None:
    """Stopping something specific is a topic, not a request to leave the questions."""
    assert is_cancel(text) is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon étudiante ne répond plus", "feminine"),
        ("mon etudiante est absente", "feminine"),
        ("l’apprenante a abandonné", "feminine"),
        ("mon étudiant ne répond plus", "masculine"),
        ("mes étudiants sont en retard", None),
        ("l'étudiante ou l'étudiant", None),
        ("je n'ai pas reçu mon paiement", None),
    ],
    ids=["etudiante", "no-accents", "apprenante", "etudiant", "plural", "both", "none"],
)
def test_student_gender_read_from_one_gendered_noun(text: str, expected: str | None) -> None:
    """One student named with a feminine or masculine noun; plurals and mixes say nothing."""
    assert parse_student_gender(text) == expected
