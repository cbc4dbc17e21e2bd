"""A calibrated linear intent classifier on the features Rasa's featurizers computed.

Why: on short support questions a linear model over TF-IDF-weighted word and character n-grams
reads realistic messages better than DIET trained on the same data (issue 11's bench), trains in
seconds instead of minutes and parses in well under a millisecond. Dense word vectors (from
SpacyFeaturizer) bring synonyms the n-grams cannot see ("visio" / "visioconférence").

What it does, for every message:
- each sparse sentence feature block (one per CountVectorsFeaturizer) is TF-IDF weighted (sublinear
  term frequency, idf learnt at training) and scaled to unit length, so the word block and the
  character block weigh the same whatever their vocabulary sizes;
- the dense sentence feature (mean of the token vectors) is scaled to unit length and multiplied
  by `dense_weight`;
- a linear SVM separates the intents, and its scores are turned into probabilities by sigmoid
  calibration on internal cross-validation folds (`calibration_folds`), so the FallbackClassifier's
  threshold means what it says.
Registered like Rasa's own classifiers; in config.yml:
`name: nlu.linear_intent_classifier.LinearIntentClassifier`.
"""

from __future__ import annotations

import logging
import pickle
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.preprocessing import normalize

from nlu.linear_scorer import LinearScorer

logger = logging.getLogger(__name__)

MODEL_FILE = "linear_intent_classifier.pkl"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Linear SVM with calibrated probabilities over TF-IDF n-grams and word vectors."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 1.0,  # SVM regularisation (chosen by cross-validation on the training data)
            "dense_weight": 1.5,  # weight of the word-vector block beside each n-gram block
            "calibration_folds": 3,
            "ranking_length": 10,
            "random_seed": 42,
        }

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if config["C"] <= 0:
            raise ValueError(f"{cls.__name__}: C must be positive, got {config['C']}")
        if config["dense_weight"] < 0:
            raise ValueError(f"{cls.__name__}: dense_weight must be >= 0")
        if config["calibration_folds"] < 2:
            raise ValueError(f"{cls.__name__}: calibration_folds must be >= 2")

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: dict[str, Any] | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self.validate_config(self._config)
        self._model_storage = model_storage
        self._resource = resource
        # {"weights": [a fitted TfidfTransformer per sparse block], "classifier": the
        # fitted CalibratedClassifierCV}
        self._model = model
        # The same model as plain arrays: what process() computes with (nlu/linear_scorer.py).
        self._scorer = LinearScorer.of(model, self._config["dense_weight"]) if model else None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    # ---- features --------------------------------------------------------------------------
    @staticmethod
    def _features(
        messages: list[Message],
    ) -> tuple[list[scipy.sparse.csr_matrix], np.ndarray | None]:
        """The messages' sentence features: one sparse matrix per featurizer, and dense rows."""
        sparse_rows: list[list[scipy.sparse.csr_matrix]] = []
        dense_rows: list[np.ndarray | None] = []
        for message in messages:
            sentence = [f for f in message.features if f.attribute == TEXT and f.type == "sentence"]
            sparse_rows.append([f.features.tocsr() for f in sentence if f.is_sparse()])
            dense = [np.asarray(f.features, dtype=np.float64).reshape(-1)
                     for f in sentence if f.is_dense()]
            dense_rows.append(np.concatenate(dense) if dense else None)
        if len({len(row) for row in sparse_rows}) > 1:
            raise ValueError(f"{LinearIntentClassifier.__name__}: messages with different "
                             "numbers of sparse feature blocks")
        if len(sparse_rows) == 1:  # a user's message: no stacking
            sparse = sparse_rows[0]
        else:
            sparse = [scipy.sparse.vstack([row[index] for row in sparse_rows], format="csr")
                      for index in range(len(sparse_rows[0]))]
        dense = [row for row in dense_rows if row is not None]
        return sparse, (np.vstack(dense) if len(dense) == len(dense_rows) else None)

    def _checked_features(
        self, messages: list[Message], blocks: int,
    ) -> tuple[list[scipy.sparse.csr_matrix], np.ndarray | None]:
        sparse, dense = self._features(messages)
        if len(sparse) != blocks:
            raise ValueError(
                f"{type(self).__name__}: {len(sparse)} sparse feature blocks, trained on "
                f"{blocks}; the featurizers before it changed"
            )
        return sparse, dense

    def _matrix(self, messages: list[Message], weights: list[Any]) -> scipy.sparse.csr_matrix:
        """One row per message: each weighted sparse block, then the weighted word vector."""
        sparse, dense = self._checked_features(messages, len(weights))
        parts = [weight.transform(block) for block, weight in zip(sparse, weights, strict=True)]
        if dense is not None and self._config["dense_weight"] > 0:
            parts.append(scipy.sparse.csr_matrix(normalize(dense) * self._config["dense_weight"]))
        return scipy.sparse.hstack(parts, format="csr")

    # ---- training and prediction -----------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.svm import LinearSVC

        examples = [m for m in training_data.intent_examples if m.get(INTENT) and m.get(TEXT)]
        labels = [m.get(INTENT) for m in examples]
        if len(set(labels)) < 2:
            logger.warning("%s: fewer than two intents, not trained", type(self).__name__)
            return self._resource
        # Sublinear TF-IDF, rows scaled to unit length, one transformer per sparse block.
        weights = [TfidfTransformer(sublinear_tf=True).fit(block)
                   for block in self._features(examples)[0]]
        svm = LinearSVC(C=self._config["C"], random_state=self._config["random_seed"])
        folds = min(self._config["calibration_folds"], min(labels.count(x) for x in set(labels)))
        # ensemble=False: one SVM fitted on all the data (the calibration folds only fit the
        # sigmoids); averaging fold models, each on 2/3 of the data, costs a point of accuracy.
        classifier = CalibratedClassifierCV(
            svm, method="sigmoid", cv=max(folds, 2), ensemble=False
        )
        classifier.fit(self._matrix(examples, weights), np.asarray(labels))
        self._model = {"weights": weights, "classifier": classifier}
        self._scorer = LinearScorer.of(self._model, self._config["dense_weight"])
        with self._model_storage.write_to(self._resource) as directory:
            with open(directory / MODEL_FILE, "wb") as file:
                pickle.dump(self._model, file)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                # Our own file, written by train() inside the model archive Rasa loads.
                with open(directory / MODEL_FILE, "rb") as file:
                    model = pickle.load(file)
        except (ValueError, FileNotFoundError):
            logger.debug("%s: no trained model in %s", cls.__name__, resource.name)
            model = None
        return cls(config, model_storage, resource, model)

    def probabilities(self, messages: list[Message]) -> tuple[np.ndarray, np.ndarray]:
        """The intents, and each message's probability of each (a trained model only)."""
        assert self._model is not None
        weights = self._model["weights"]
        if self._scorer is not None:
            sparse, dense = self._checked_features(messages, len(weights))
            return self._scorer.classes, self._scorer.probabilities(sparse, dense)
        classifier = self._model["classifier"]
        return classifier.classes_, classifier.predict_proba(self._matrix(messages, weights))

    def sklearn_probabilities(self, messages: list[Message]) -> np.ndarray:
        """sklearn's own `predict_proba` of the same model (what the scorer must reproduce)."""
        assert self._model is not None
        return self._model["classifier"].predict_proba(
            self._matrix(messages, self._model["weights"]))

    def process(self, messages: list[Message]) -> list[Message]:
        if self._model is None:
            return messages
        classes, probabilities = self.probabilities(messages)
        for message, row in zip(messages, probabilities, strict=True):
            order = np.argsort(-row)
            ranking = [{"name": str(classes[i]), "confidence": float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            length = self._config["ranking_length"]
            message.set("intent_ranking", ranking[:length] if length else ranking,
                        add_to_output=True)
        return messages
