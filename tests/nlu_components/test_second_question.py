"""Tests for nlu.second_question: a second question in the same message, as Rasa runs it
(trained and persisted in a real LocalModelStorage, then loaded again)."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.second_question import SecondQuestionDetector, clauses
from tests.nlu_components.test_linear_intent_classifier import EXAMPLES, messages

EXAMPLES_PLUS = {
    **EXAMPLES,
    "referral_bonus": [
        "comment toucher la prime de cooptation", "la prime de cooptation c'est quand",
        "j'ai coopté un mentor, quelle prime", "prime de parrainage d'un mentor",
        "combien pour la cooptation", "comment facturer la prime de cooptation",
    ],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("je n'ai pas reçu mon paiement ? et comment toucher la prime de cooptation ?",
      ["je n'ai pas reçu mon paiement ?", "comment toucher la prime de cooptation ?"]),
     ("pas d'appel à facturation. Et comment marche la cooptation ?",
      ["pas d'appel à facturation", "comment marche la cooptation ?"]),
     ("je n'ai pas reçu mon paiement", ["je n'ai pas reçu mon paiement"]),
     ("bonjour. je n'ai pas reçu mon paiement", ["bonjour. je n'ai pas reçu mon paiement"]),
     ("ma facture et mon paiement ne sont pas arrivés",
      ["ma facture et mon paiement ne sont pas arrivés"])],
)
def test_clauses_cut_where_a_new_question_starts(text: str, expected: list[str]) -> None:
    """A question mark, a full stop, or "et" before a question word starts a clause; "et"
    between two nouns does not; a one-word greeting stays with what follows."""
    assert clauses(text) == expected


@pytest.fixture
def detector(tmp_path) -> SecondQuestionDetector:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("second_question")
    context = ExecutionContext(GraphSchema({}), "test")
    config = SecondQuestionDetector.get_default_config()
    trained = SecondQuestionDetector.create(config, storage, resource, context)
    trained.train(TrainingData(messages(EXAMPLES_PLUS)))
    return SecondQuestionDetector.load(config, storage, resource, context)


def parse(detector: SecondQuestionDetector, text: str, intent: str) -> list[str]:
    message = Message.build(text=text)
    message.set("intent", {"name": intent, "confidence": 0.9}, add_to_output=True)
    [processed] = detector.process([message])
    return [e["value"] for e in processed.get("entities", []) if e["entity"] == "second_topic"]


def test_second_question_on_another_topic_is_an_entity(detector) -> None:
    """Two questions on two topics: the one the intent does not name comes out, after loading."""
    text = "je n'ai pas reçu mon paiement ? et comment toucher la prime de cooptation ?"
    assert parse(detector, text, "payment_missing") == ["referral_bonus"]


def test_one_question_gives_no_second_topic(detector) -> None:
    """A message of one question has no second topic."""
    assert parse(detector, "je n'ai pas reçu mon paiement", "payment_missing") == []


def test_two_sentences_on_the_same_topic_give_no_second_topic(detector) -> None:
    """"Le virement n'est pas arrivé. Où est mon paiement ?" is one topic."""
    text = "le virement n'est pas arrivé. où est mon paiement du mois dernier ?"
    assert parse(detector, text, "payment_missing") == []
