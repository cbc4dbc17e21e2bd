"""Questions the assistant did not understand, grouped by similarity (what to add next).

Character n-grams (within words, accents and case removed) survive typos and SMS spelling
better than words; average-linkage clustering on cosine distance then puts together the messages
that share most of their n-grams, without choosing a number of groups in advance.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from reporting.conversations import Turn

# Two messages further apart than this (1 - cosine similarity) are never in the same group.
DISTANCE = 0.7
# Average linkage is quadratic in memory: beyond this many messages only the latest are grouped.
MAX_MESSAGES = 3000
EXAMPLES = 5


def group_questions(turns: Sequence[Turn], distance: float = DISTANCE) -> list[dict[str, object]]:
    """Groups, largest first: count, the most central message, a few others, the likeliest
    topic the classifier saw in them."""
    turns = list(turns)[-MAX_MESSAGES:]
    if not turns:
        return []
    labels = _cluster([t.text for t in turns], distance)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(label, []).append(index)
    result: list[dict[str, Any]] = []
    for members in groups.values():
        central = _central([turns[i].text for i in members]) if len(members) > 2 else 0
        example = turns[members[central]].text
        guesses = Counter(turns[i].best for i in members if turns[i].best)
        others = [turns[i].text for i in members if turns[i].text != example]
        result.append({
            "count": len(members), "example": example,
            "others": list(dict.fromkeys(others))[:EXAMPLES],
            "likely_intent": guesses.most_common(1)[0][0] if guesses else None,
        })
    result.sort(key=lambda g: (-int(g["count"]), str(g["example"])))
    return result


def _vectors(texts: list[str]) -> Any:  # a scipy sparse matrix (scipy is imported lazily)
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), lowercase=True,
                                 strip_accents="unicode", sublinear_tf=True)
    return vectorizer.fit_transform(texts)


def _cluster(texts: list[str], distance: float) -> list[int]:
    if len(texts) == 1:
        return [0]
    from sklearn.cluster import AgglomerativeClustering

    matrix = _vectors(texts).toarray()
    model = AgglomerativeClustering(n_clusters=None, distance_threshold=distance,
                                    affinity="cosine", linkage="average")  # sklearn 1.1: affinity
    return [int(label) for label in model.fit_predict(matrix)]


def _central(texts: list[str]) -> int:
    """Index of the message most similar to the others of its group."""
    matrix = _vectors(texts)
    similarity = (matrix @ matrix.T).toarray().sum(axis=1)
    return int(similarity.argmax())
