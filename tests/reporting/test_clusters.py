"""Grouping not-understood questions by similarity."""

from __future__ import annotations

from reporting.clusters import group_questions
from reporting.conversations import Turn


def turn(text: str, best: str | None = None) -> Turn:
    return Turn(at=0.0, text=text, intent="nlu_fallback", best=best, confidence=0.3,
                payload=False)


def test_similar_questions_share_a_group():
    """Spelling variants of one question form one group, an unrelated one its own."""
    groups = group_questions([
        turn("comment changer mon mot de passe", "platform_question"),
        turn("changer mot de passe ?", "platform_question"),
        turn("comment changer mon mot de pass", "external_tool"),
        turn("quelle est la météo à Lyon demain"),
    ])
    assert [g["count"] for g in groups] == [3, 1]
    assert groups[0]["likely_intent"] == "platform_question"
    assert groups[1]["example"] == "quelle est la météo à Lyon demain"


def test_example_is_one_of_the_group_and_not_repeated_in_others():
    """The example is a member; the other members are listed once each, without it."""
    texts = ["attestation de stage", "attestation stage", "attestation de stage"]
    group = group_questions([turn(t) for t in texts])[0]
    assert group["example"] in texts
    assert group["example"] not in group["others"]


def test_no_questions_no_groups():
    """Nothing missed: no group."""
    assert group_questions([]) == []


def test_single_question_is_its_own_group():
    """One message makes one group of one."""
    assert group_questions([turn("bonjour ?")])[0]["count"] == 1
