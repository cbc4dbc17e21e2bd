"""A second question in the same message ("comment facturer une session libre ? et quand serai-je
payé ?"): the intent classifier reads one topic per message, this component finds the other.

It splits the message into clauses that read as questions and classifies the last one with its
own TF-IDF (words 1-2 and characters 2-5, accents stripped) and linear SVM, trained on the same
examples as the intent classifier. When that clause is confidently about another topic than the
message's intent, it is added as a `second_topic` entity; the assistant answers the first topic
and offers the second as a button.

Registered in config.yml after the intent classifier, like a built-in component.
"""

from __future__ import annotations

import pickle
import re
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.svm import LinearSVC

ENTITY = "second_topic"
MODEL_FILE = "second_question.pkl"
# Where a second question starts: a question mark, or "et"/"aussi"/"autre question" followed by
# a question word.
_QUESTION_WORDS = (r"(?:comment|quand|pourquoi|combien|est[- ]ce|que|qu['’]|o[uù]|quel(?:le)?s?"
                   r"|puis[- ]je|peut[- ]on|dois[- ]je|faut[- ]il|je voudrais|j['’]aimerais|si)")
_SPLIT_RE = re.compile(
    rf"(?<=\?)\s+|\s*[.;!]\s+|\s+(?:et|aussi|autre question|par ailleurs|sinon)\s*[,:]?\s+"
    rf"(?={_QUESTION_WORDS}\b)", re.IGNORECASE)
_MIN_CLAUSE_WORDS = 3


_LEAD_RE = re.compile(r"^(?:et|aussi|et aussi|sinon|par ailleurs|autre question)\b[\s,:]*",
                      re.IGNORECASE)


def clauses(text: str) -> list[str]:
    """The message cut where a new question starts, without the "et" that opens it; a clause of
    fewer than 3 words (a greeting, "merci") is kept with its neighbour."""
    parts = [_LEAD_RE.sub("", part.strip()) for part in _SPLIT_RE.split(text)]
    parts = [part for part in parts if part]
    kept: list[str] = []
    carried = ""
    for part in parts:
        if len(part.split()) < _MIN_CLAUSE_WORDS:
            if kept:
                kept[-1] = f"{kept[-1]} {part}"
            else:
                carried = f"{carried} {part}".strip()
            continue
        kept.append(f"{carried}. {part}" if carried else part)
        carried = ""
    return kept or ([carried] if carried else [])


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True,
)
class SecondQuestionDetector(GraphComponent):
    """Adds a `second_topic` entity when a message asks a second question on another topic."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "min_margin": 0.3,  # the clause's best score over the second best
            "C": 1.0,
        }

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: Any | None = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SecondQuestionDetector:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        if len({m.get(INTENT) for m in examples}) < 2:
            return self._resource
        features = FeatureUnion([
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
                                      strip_accents="unicode")),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                      strip_accents="unicode")),
        ])
        model = make_pipeline(features, LinearSVC(C=self._config["C"]))
        model.fit([m.get(TEXT) for m in examples], [m.get(INTENT) for m in examples])
        self._model = model
        with self._model_storage.write_to(self._resource) as directory:
            with open(directory / MODEL_FILE, "wb") as file:
                pickle.dump(model, file)
        return self._resource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> SecondQuestionDetector:
        try:
            with model_storage.read_from(resource) as directory:
                with open(directory / MODEL_FILE, "rb") as file:
                    return cls(config, model_storage, resource, pickle.load(file))
        except (ValueError, FileNotFoundError):  # trained without enough data
            return cls(config, model_storage, resource)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            topic = self.second_topic(message.get(TEXT) or "",
                                      (message.get(INTENT) or {}).get("name"))
            if topic:
                entity = {"entity": ENTITY, "value": topic, "start": 0, "end": 0,
                          "confidence": 1.0, "extractor": type(self).__name__}
                message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages

    def second_topic(self, text: str, intent: str | None) -> str | None:
        """The first question of the message on another intent than the message's, read with
        confidence; None for a message of one question. (The assistant keeps only topics.)"""
        parts = clauses(text)
        if self._model is None or len(parts) < 2 or intent is None:
            return None
        for scores in self._model.decision_function(parts):
            order = np.argsort(scores)[::-1]
            best = str(self._model.classes_[order[0]])
            if best != intent and scores[order[0]] - scores[order[1]] >= self._config["min_margin"]:
                return best
        return None
