"""The fitted classifier of nlu.linear_intent_classifier as a few array operations.

Why: sklearn's `TfidfTransformer.transform`, `LinearSVC.decision_function` and
`CalibratedClassifierCV.predict_proba` check, convert and copy their inputs on every call, and
calibrate one class at a time in Python: about half of a message's parse time (1.5 of 3.4 ms,
cProfile over the bench's messages) for arithmetic that takes a few microseconds. The numbers
are the same as sklearn's (the same formulas, float64 throughout; only the order of the sums
differs, so they agree to about 1e-12), which the tests check on every trained model.

The formulas, as sklearn 1.1 computes them for `TfidfTransformer(sublinear_tf=True)` (l2 norm),
`LinearSVC` and sigmoid calibration of a one-vs-rest classifier with `ensemble=False`:
- each sparse block: tf = 1 + log(count); x = tf * idf; x /= ||x|| (a zero row stays zero);
- the dense block: v / ||v|| * dense_weight;
- score_k = x . w_k + b_k over the blocks side by side;
- p_k = 1 / (1 + exp(A_k score_k + B_k)), then divided by their sum (uniform when it is 0),
  and a value over 1 by less than 1e-5 set to 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse
from scipy.special import expit


@dataclass(frozen=True)
class LinearScorer:
    """The weights of one fitted model, laid out for prediction."""

    idf: tuple[np.ndarray, ...]  # one per sparse block
    sparse_weights: tuple[np.ndarray, ...]  # (block features, classes), one per sparse block
    dense_weights: np.ndarray | None  # (dense features, classes), or None without a dense block
    dense_weight: float
    intercept: np.ndarray  # (classes,)
    slope: np.ndarray  # A_k of each class's sigmoid
    offset: np.ndarray  # B_k
    classes: np.ndarray

    @classmethod
    def of(cls, model: dict[str, Any], dense_weight: float) -> LinearScorer | None:
        """The scorer of a model trained by LinearIntentClassifier, or None for a model of
        another shape (then sklearn itself predicts)."""
        classifier = model["classifier"]
        calibrated = getattr(classifier, "calibrated_classifiers_", [])
        if len(calibrated) != 1 or getattr(calibrated[0], "method", None) != "sigmoid":
            return None
        fitted = calibrated[0]
        svm = fitted.base_estimator
        classes = np.asarray(classifier.classes_)
        if len(classes) < 3 or list(svm.classes_) != list(classes):
            return None  # binary models calibrate one score; sklearn handles them
        if any(not (w.sublinear_tf and w.use_idf and w.norm == "l2") for w in model["weights"]):
            return None
        coef = np.asarray(svm.coef_, dtype=np.float64)
        sizes = [len(w.idf_) for w in model["weights"]]
        bounds = np.cumsum([0, *sizes])
        sparse = tuple(np.ascontiguousarray(coef[:, start:end].T)
                       for start, end in zip(bounds[:-1], bounds[1:], strict=True))
        rest = coef[:, bounds[-1]:]
        return cls(
            idf=tuple(np.asarray(w.idf_, dtype=np.float64) for w in model["weights"]),
            sparse_weights=sparse,
            dense_weights=np.ascontiguousarray(rest.T) if rest.shape[1] else None,
            dense_weight=float(dense_weight),
            intercept=np.asarray(svm.intercept_, dtype=np.float64),
            slope=np.array([c.a_ for c in fitted.calibrators], dtype=np.float64),
            offset=np.array([c.b_ for c in fitted.calibrators], dtype=np.float64),
            classes=classes,
        )

    def probabilities(
        self, sparse: list[scipy.sparse.csr_matrix], dense: np.ndarray | None,
    ) -> np.ndarray:
        """(messages, classes) calibrated probabilities, as `predict_proba` gives them (one
        sparse block per block trained on: the classifier checks their number)."""
        scores = np.tile(self.intercept, (sparse[0].shape[0], 1))
        for block, idf, weights in zip(sparse, self.idf, self.sparse_weights, strict=True):
            scores += _tfidf_rows(block, idf) @ weights
        if self.dense_weights is not None and dense is not None and self.dense_weight > 0:
            norms = np.sqrt(np.einsum("ij,ij->i", dense, dense))
            norms[norms == 0] = 1.0
            scores += (dense / norms[:, None] * self.dense_weight) @ self.dense_weights
        proba = expit(-(self.slope * scores + self.offset))
        total = proba.sum(axis=1, keepdims=True)
        proba = np.divide(proba, total, out=np.full_like(proba, 1 / proba.shape[1]),
                          where=total != 0)
        proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
        return proba


def _tfidf_rows(block: scipy.sparse.csr_matrix, idf: np.ndarray) -> scipy.sparse.csr_matrix:
    """Sublinear TF-IDF rows of unit length (TfidfTransformer.transform's result)."""
    data = np.log(block.data.astype(np.float64))
    data += 1.0
    data *= idf[block.indices]
    rows = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=block.shape[0]))
    norms[norms == 0] = 1.0
    data /= norms[rows]
    return scipy.sparse.csr_matrix((data, block.indices, block.indptr), shape=block.shape)
