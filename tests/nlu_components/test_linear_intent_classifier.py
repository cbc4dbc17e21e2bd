"""Tests for nlu.linear_intent_classifier: the project's intent classifier as Rasa runs it.

Messages are featurized by Rasa's own CountVectorsFeaturizer (words and char n-grams) and a dense
block, trained and persisted in a real LocalModelStorage, then loaded again, as `rasa train` and
`rasa run` do.
"""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.linear_intent_classifier import LinearIntentClassifier

EXAMPLES = {
    "invoice_call_missing": [
        "je n'ai pas reçu mon appel à facturation", "pas d'appel à facturation ce mois-ci",
        "toujours pas d'appel à facturation", "appel à facturation manquant",
        "où est mon appel à facturation", "je n'ai pas eu l'appel à facturation d'octobre",
    ],
    "payment_missing": [
        "ma facture est payée mais pas de virement", "je n'ai pas reçu mon paiement",
        "le virement n'est pas arrivé", "paiement toujours pas reçu",
        "facture payée, argent pas reçu", "où est mon paiement du mois dernier",
    ],
    "greet": ["bonjour", "salut", "hello", "bonsoir", "coucou", "bonjour à vous"],
}


def messages(texts_by_intent: dict[str, list[str]]) -> list[Message]:
    return [Message.build(text=text, intent=intent)
            for intent, texts in texts_by_intent.items() for text in texts]


def dense_vector() -> Features:
    """A sentence vector as SpacyFeaturizer adds one; the same for all, so it tells nothing."""
    return Features(np.ones((1, 4)), "sentence", "text", "dense")


class Pipeline:
    """Tokenizer, word and char n-gram featurizers, a fake dense featurizer, the classifier."""

    def __init__(self, storage: LocalModelStorage, config: dict | None = None) -> None:
        self.storage = storage
        self.context = ExecutionContext(GraphSchema({}), "test")
        self.tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
        self.words = self._featurizer("words", {})
        self.chars = self._featurizer("chars", {"analyzer": "char_wb", "min_ngram": 2,
                                                "max_ngram": 4})
        self.config = {**LinearIntentClassifier.get_default_config(), **(config or {})}
        self.resource = Resource("linear")

    def _featurizer(self, name: str, config: dict) -> CountVectorsFeaturizer:
        return CountVectorsFeaturizer.create(
            {**CountVectorsFeaturizer.get_default_config(), **config}, self.storage,
            Resource(name), self.context,
        )

    def featurize(self, batch: list[Message]) -> list[Message]:
        self.tokenizer.process(batch)
        self.words.process(batch)
        self.chars.process(batch)
        for message in batch:  # a dense sentence vector, as SpacyFeaturizer adds
            message.add_features(dense_vector())
        return batch

    def train(self, batch: list[Message]) -> LinearIntentClassifier:
        data = TrainingData(batch)
        self.tokenizer.process_training_data(data)
        self.words.train(data)
        self.chars.train(data)
        self.words.process_training_data(data)
        self.chars.process_training_data(data)
        for message in batch:
            message.add_features(dense_vector())
        classifier = LinearIntentClassifier.create(self.config, self.storage, self.resource,
                                                   self.context)
        classifier.train(data)
        return classifier

    def load(self) -> LinearIntentClassifier:
        return LinearIntentClassifier.load(self.config, self.storage, self.resource, self.context)


@pytest.fixture
def pipeline(tmp_path) -> Pipeline:
    return Pipeline(LocalModelStorage(tmp_path))


def read(classifier: LinearIntentClassifier, pipeline: Pipeline, text: str) -> Message:
    message = Message.build(text=text)
    classifier.process(pipeline.featurize([message]))
    return message


@pytest.mark.parametrize(("text", "intent"), [
    ("pas reçu l'appel à facturation de novembre", "invoice_call_missing"),
    ("le virement de ma facture payée n'est pas arrivé", "payment_missing"),
    ("salut à vous", "greet"),
])
def test_reads_the_intent_of_a_new_message(pipeline, text, intent):
    """A message it never saw gets the intent whose words it shares."""
    classifier = pipeline.train(messages(EXAMPLES))
    assert read(classifier, pipeline, text).get("intent")["name"] == intent


def test_ranking_is_a_probability_distribution_best_first(pipeline):
    """Confidences sum to one over the intents and the ranking is sorted, as Rasa expects."""
    classifier = pipeline.train(messages(EXAMPLES))
    ranking = read(classifier, pipeline, "paiement pas reçu").get("intent_ranking")
    confidences = [r["confidence"] for r in ranking]
    assert {r["name"] for r in ranking} == set(EXAMPLES)
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0)


def test_words_it_never_saw_give_a_low_confidence(pipeline):
    """Nothing in common with the training data: less sure than a known phrasing."""
    classifier = pipeline.train(messages(EXAMPLES))
    seen = read(classifier, pipeline, "je n'ai pas reçu mon appel à facturation")
    unseen = read(classifier, pipeline, "zxq wvk")
    assert unseen.get("intent")["confidence"] < seen.get("intent")["confidence"]


def test_a_loaded_model_reads_as_the_trained_one(pipeline):
    """What `rasa train` persisted is what `rasa run` loads: same intents, same confidences."""
    trained = pipeline.train(messages(EXAMPLES))
    loaded = pipeline.load()
    for text in ("appel à facturation", "virement pas arrivé", "bonsoir"):
        before = read(trained, pipeline, text).get("intent")
        after = read(loaded, pipeline, text).get("intent")
        assert after["name"] == before["name"]
        assert after["confidence"] == pytest.approx(before["confidence"])


def test_an_untrained_model_leaves_messages_alone(pipeline):
    """No trained file (e.g. no NLU data): messages pass through without an intent."""
    message = read(pipeline.load(), pipeline, "bonjour")
    assert message.get("intent") is None


def test_ranking_length_limits_the_ranking(tmp_path):
    """ranking_length keeps the best N, as for Rasa's classifiers."""
    pipeline = Pipeline(LocalModelStorage(tmp_path), {"ranking_length": 2})
    classifier = pipeline.train(messages(EXAMPLES))
    assert len(read(classifier, pipeline, "bonjour").get("intent_ranking")) == 2


def test_featurizers_changed_since_training_is_an_error(pipeline):
    """A model trained on two sparse blocks refuses messages with one: no silent misreading."""
    classifier = pipeline.train(messages(EXAMPLES))
    message = Message.build(text="bonjour")
    pipeline.tokenizer.process([message])
    pipeline.words.process([message])
    with pytest.raises(ValueError, match="sparse feature blocks"):
        classifier.process([message])


@pytest.mark.parametrize(("key", "value"), [
    ("C", 0), ("dense_weight", -1), ("calibration_folds", 1),
])
def test_invalid_settings_are_refused(pipeline, key, value):
    """A wrong value in config.yml stops training with the setting's name."""
    config = {**LinearIntentClassifier.get_default_config(), key: value}
    with pytest.raises(ValueError, match=key):
        LinearIntentClassifier.validate_config(config)


def test_predictions_are_sklearn_s_own(pipeline):
    """The array scorer gives the probabilities sklearn's predict_proba gives, message by
    message and in a batch, for messages seen and unseen."""
    classifier = pipeline.train(messages(EXAMPLES))
    texts = ["bonjour", "appel à facturation pas reçu", "virement", "zzz qwerty", "",
             "je n'ai pas reçu mon paiement d'octobre malgré la facture"]
    batch = pipeline.featurize([Message.build(text=text) for text in texts])
    _, ours = classifier.probabilities(batch)
    np.testing.assert_allclose(ours, classifier.sklearn_probabilities(batch), rtol=0,
                               atol=1e-12)
    for message, row in zip(batch, ours, strict=True):
        np.testing.assert_allclose(classifier.probabilities([message])[1][0], row, atol=1e-12)


def test_a_loaded_model_ranks_as_sklearn_does(pipeline):
    """A model read back from the model storage ranks the intents as sklearn does."""
    pipeline.train(messages(EXAMPLES))
    loaded = pipeline.load()
    batch = pipeline.featurize([Message.build(text="salut, pas de virement")])
    classes, ours = loaded.probabilities(batch)
    theirs = loaded.sklearn_probabilities(batch)
    assert list(classes[np.argsort(-ours[0])]) == list(classes[np.argsort(-theirs[0])])
