"""NLU figures on the held-out split (tests/nlu), written to a JSON report.

accuracy_all: every held-out example, nlu_fallback counting as a miss (strict);
accuracy (the gated figure): in-scope examples only (catalogue and conversation intents), since
off-topic questions have their own figure; macro-F1 over every gold label; off-topic recall:
off-topic questions that get the fallback treatment (out_of_scope or nlu_fallback); in-scope
fallback: in-scope questions sent to nlu_fallback. `--min-accuracy` makes it a test gate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from collections import Counter
from pathlib import Path

OFF_TOPIC = "out_of_scope"
FALLBACK = "nlu_fallback"


def load_examples(folder: Path) -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    examples = []
    for path in sorted(folder.glob("*.yml")):
        for message in load_data(str(path)).intent_examples:
            examples.append((message.get("text"), message.get("intent")))
    return examples


async def predict(model: str, texts: list[str]) -> list[str]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # one debug line per parsed message otherwise
    agent = Agent.load(model)
    predictions = []
    for text in texts:
        parsed = await agent.parse_message(text)
        predictions.append(parsed["intent"]["name"])
    return predictions


def figures(gold: list[str], predicted: list[str]) -> dict:
    from sklearn.metrics import f1_score

    pairs = list(zip(gold, predicted, strict=True))
    in_scope = [(g, p) for g, p in pairs if g != OFF_TOPIC]
    off_topic = [(g, p) for g, p in pairs if g == OFF_TOPIC]
    confusions = Counter((g, p) for g, p in pairs if g != p)
    return {
        "examples": len(pairs),
        "accuracy_all": sum(g == p for g, p in pairs) / len(pairs),
        "accuracy": sum(g == p for g, p in in_scope) / len(in_scope),
        "macro_f1": f1_score(gold, predicted, labels=sorted(set(gold)), average="macro"),
        "off_topic_recall": (
            sum(p in (OFF_TOPIC, FALLBACK) for _, p in off_topic) / len(off_topic)
            if off_topic else None
        ),
        "in_scope_fallback_rate": sum(p == FALLBACK for _, p in in_scope) / len(in_scope),
        "worst_confusions": [
            {"expected": g, "predicted": p, "count": n} for (g, p), n in confusions.most_common(10)
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="models/ocbot.tar.gz")
    parser.add_argument("--data", default="tests/nlu")
    parser.add_argument("--out", default="reports/nlu.json")
    parser.add_argument("--min-accuracy", type=float, default=None)
    args = parser.parse_args()
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("rasa").setLevel(logging.WARNING)

    examples = load_examples(Path(args.data))
    started = time.perf_counter()
    predicted = asyncio.run(predict(args.model, [text for text, _ in examples]))
    report = figures([intent for _, intent in examples], predicted)
    report["seconds_per_parse"] = (time.perf_counter() - started) / len(examples)
    report["misses"] = [
        {"text": text, "expected": gold, "predicted": guess}
        for (text, gold), guess in zip(examples, predicted, strict=True) if gold != guess
    ]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")

    print(f"NLU held-out: {report['examples']} examples")
    print(f"  in-scope accuracy {report['accuracy']:.1%}"
          f"   all (strict) {report['accuracy_all']:.1%}   macro-F1 {report['macro_f1']:.3f}")
    if report["off_topic_recall"] is not None:
        print(f"  off-topic recall {report['off_topic_recall']:.1%}")
    print(f"  in-scope sent to fallback {report['in_scope_fallback_rate']:.1%}")
    for row in report["worst_confusions"]:
        print(f"  {row['count']:3d}  {row['expected']:30s} -> {row['predicted']}")
    print(f"  report: {out}")
    if args.min_accuracy is not None and report["accuracy"] < args.min_accuracy:
        print(f"FAILED: accuracy below {args.min_accuracy:.0%}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
