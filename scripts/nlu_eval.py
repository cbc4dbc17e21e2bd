"""NLU figures on the held-out splits, the project's pipeline side by side with its peers.

Splits: `first` = tests/nlu (the training data's style), `second` = tests/nlu2 (real users' styles:
context before the question, role prefixes, SMS, close pairs, near-domain off-topic). Both were
written apart from the training data and are never used for training. `dev` = tests/nlu_dev, a
development set written the same way by someone else: settings may be chosen on it and the kinds
of message it fails on read (its figure is therefore the optimistic one); it is never gated.

For each pipeline and split: accuracy (the gated figure) over in-scope examples (catalogue and
conversation intents; nlu_fallback counts as a miss), accuracy_all over every example, macro-F1
over every gold label, off-topic recall (off-topic questions that get the fallback treatment:
out_of_scope or nlu_fallback), in-scope fallback rate, ms per parse, and the training time.

Pipelines (`--peers` adds the two peers, as issue 11 asks):
- project: the model `make train` built (config.yml);
- rasa_default: the pipeline `rasa init` writes (scripts/nlu_peers/rasa_default.yml), trained on
  the same data with `rasa train nlu`, cached under .cache/nlu_peers by the hash of its inputs;
- tfidf_svm / tfidf_logreg: TF-IDF words 1-2 + char_wb 2-5 with scikit-learn's LinearSVC /
  LogisticRegression, trained on the same examples; they have no fallback.
The project's fallback threshold is also swept over the three sets (`threshold_sweep`).

    python scripts/nlu_eval.py --gate first=0.95 --gate second=0.92      # make test-nlu
    python scripts/nlu_eval.py --peers --out reports/nlu.json             # make bench
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The model names this project's own NLU components (nlu/); they import from the repository root.
sys.path.insert(0, str(ROOT))

OFF_TOPIC = "out_of_scope"
FALLBACK = "nlu_fallback"
SPLITS = {"first": ROOT / "tests" / "nlu", "second": ROOT / "tests" / "nlu2",
          "dev": ROOT / "tests" / "nlu_dev"}
TRAINING = ROOT / "data" / "nlu"
PEER_CONFIG = ROOT / "scripts" / "nlu_peers" / "rasa_default.yml"
PEER_CACHE = ROOT / ".cache" / "nlu_peers"
SWEEP = [round(0.05 * step, 2) for step in range(0, 15)]


@dataclass(frozen=True)
class Read:
    """What a pipeline made of one message: its answer, and its top two before any fallback."""

    intent: str
    top: str
    confidence: float
    margin: float  # top confidence minus the second one


def load_examples(folder: Path) -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    examples = []
    for path in sorted(folder.glob("*.yml")):
        for message in load_data(str(path)).intent_examples:
            examples.append((message.get("text"), message.get("intent")))
    return examples


# ---- pipelines ---------------------------------------------------------------------------------
async def read_with_rasa(
    model: Path, texts: dict[str, list[str]],
) -> dict[str, tuple[list[Read], float]]:
    """Each split's reads and seconds per parse, the model loaded once."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # one debug line per parsed message otherwise
    agent = Agent.load(str(model))
    await agent.parse_message("bonjour")  # first parse builds caches; not a user's wait
    result = {}
    for split, split_texts in texts.items():
        reads = []
        started = time.perf_counter()
        for text in split_texts:
            parsed = await agent.parse_message(text)
            ranking = [r for r in parsed.get("intent_ranking", []) if r["name"] != FALLBACK]
            top = ranking[0] if ranking else parsed["intent"]
            second = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
            reads.append(Read(parsed["intent"]["name"], top["name"], top["confidence"],
                              top["confidence"] - second))
        result[split] = (reads, (time.perf_counter() - started) / len(split_texts))
    return result


def tfidf_peer(kind: str):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    classifier = LinearSVC() if kind == "svm" else LogisticRegression(max_iter=2000)
    return make_pipeline(
        make_union(TfidfVectorizer(ngram_range=(1, 2)),
                   TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5))),
        classifier,
    )


def read_with_sklearn(model, texts: list[str]) -> tuple[list[Read], float]:
    reads = []
    started = time.perf_counter()
    for text in texts:  # one at a time, as messages arrive
        label = str(model.predict([text])[0])
        reads.append(Read(label, label, 1.0, 1.0))
    return reads, (time.perf_counter() - started) / len(texts)


def inputs_digest(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        for file in sorted(path.rglob("*.yml")) if path.is_dir() else [path]:
            digest.update(file.relative_to(ROOT).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def train_rasa_peer() -> tuple[Path, float]:
    """Train (or reuse) the `rasa init` pipeline on the project's training data."""
    key = inputs_digest(PEER_CONFIG, TRAINING)
    model = PEER_CACHE / f"rasa_default-{key}.tar.gz"
    timing = PEER_CACHE / f"rasa_default-{key}.json"
    if not model.exists():
        PEER_CACHE.mkdir(parents=True, exist_ok=True)
        print("Training the rasa init pipeline on the same data (cached afterwards)...", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).with_name("rasa")), "train", "nlu", "--config",
             str(PEER_CONFIG), "--nlu", str(TRAINING), "--out", str(PEER_CACHE),
             "--fixed-model-name", model.name.removesuffix(".tar.gz"), "--quiet"],
            check=True, cwd=ROOT,
        )
        timing.write_text(json.dumps({"training_seconds": time.perf_counter() - started}))
    return model, json.loads(timing.read_text())["training_seconds"]


# ---- figures -----------------------------------------------------------------------------------
def decide(read: Read, threshold: float, ambiguity: float) -> str:
    """The intent the project's FallbackClassifier would give at another threshold."""
    if read.confidence < threshold or read.margin < ambiguity:
        return FALLBACK
    return read.top


def figures(gold: list[str], predicted: list[str]) -> dict:
    from sklearn.metrics import f1_score

    pairs = list(zip(gold, predicted, strict=True))
    in_scope = [(g, p) for g, p in pairs if g != OFF_TOPIC]
    off_topic = [(g, p) for g, p in pairs if g == OFF_TOPIC]
    confusions = Counter((g, p) for g, p in pairs if g != p and not (
        g == OFF_TOPIC and p == FALLBACK))
    return {
        "examples": len(pairs),
        "accuracy_all": sum(g == p for g, p in pairs) / len(pairs),  # strict: fallback = miss
        "accuracy": sum(g == p for g, p in in_scope) / len(in_scope),
        "macro_f1": float(f1_score(gold, predicted, labels=sorted(set(gold)), average="macro")),
        "off_topic_recall": (
            sum(p in (OFF_TOPIC, FALLBACK) for _, p in off_topic) / len(off_topic)
            if off_topic else None
        ),
        "in_scope_fallback_rate": sum(p == FALLBACK for _, p in in_scope) / len(in_scope),
        "worst_confusions": [
            {"expected": g, "predicted": p, "count": n} for (g, p), n in confusions.most_common(10)
        ],
    }


def project_thresholds(config: Path) -> tuple[float, float]:
    import yaml

    for step in yaml.safe_load(config.read_text(encoding="utf-8"))["pipeline"]:
        if step["name"] == "FallbackClassifier":
            return float(step["threshold"]), float(step.get("ambiguity_threshold", 0.1))
    return 0.0, 0.0


def sweep(splits: dict[str, tuple[list[str], list[Read]]], ambiguity: float) -> list[dict]:
    rows = []
    for threshold in SWEEP:
        row: dict = {"threshold": threshold}
        for name, (gold, reads) in splits.items():
            found = figures(gold, [decide(r, threshold, ambiguity) for r in reads])
            row[name] = {key: found[key] for key in
                         ("accuracy", "off_topic_recall", "in_scope_fallback_rate")}
        rows.append(row)
    return rows


# ---- report ------------------------------------------------------------------------------------
COLUMNS = [("accuracy", "in-scope acc."), ("macro_f1", "macro-F1"),
           ("off_topic_recall", "off-topic recall"),
           ("in_scope_fallback_rate", "in-scope fallback"),
           ("ms_per_parse", "ms / parse"), ("training_seconds", "training s")]


def cell(key: str, value) -> str:
    if value is None:
        return "n/a"
    if key == "ms_per_parse":
        return f"{value:.2f}"
    if key == "training_seconds":
        return f"{value:.0f}"
    if key == "macro_f1":
        return f"{value:.3f}"
    return f"{value:.1%}"


def markdown(report: dict) -> str:
    lines = ["# NLU bench: the project's pipeline and its peers, same data, same splits", ""]
    for split, folder in report["splits"].items():
        lines += [f"## Split `{split}` ({folder}, {report['examples'][split]} examples)", "",
                  "| pipeline | " + " | ".join(title for _, title in COLUMNS) + " |",
                  "|---|" + "---:|" * len(COLUMNS)]
        for name, result in report["pipelines"].items():
            found = {**result[split], "training_seconds": result.get("training_seconds")}
            lines.append(f"| {name} | " + " | ".join(cell(k, found.get(k)) for k, _ in COLUMNS)
                         + " |")
        lines.append("")
    if "threshold_sweep" in report:
        names = list(report["splits"])
        lines += ["## Project fallback threshold sweep (in-scope acc. / off-topic recall / "
                  "in-scope fallback)", "",
                  "| threshold | " + " | ".join(names) + " |", "|---:|" + "---|" * len(names)]
        for row in report["threshold_sweep"]:
            chosen = " (config)" if row["threshold"] == report["project_threshold"] else ""
            lines.append(f"| {row['threshold']:.2f}{chosen} | " + " | ".join(
                f"{row[n]['accuracy']:.1%} / {row[n]['off_topic_recall']:.1%} / "
                f"{row[n]['in_scope_fallback_rate']:.1%}" for n in names) + " |")
        lines.append("")
    return "\n".join(lines)


def parse_gates(values: list[str]) -> dict[str, float]:
    gates = {}
    for value in values:
        split, _, minimum = value.partition("=")
        if split not in SPLITS or not minimum:
            raise SystemExit(f"--gate {value}: expected <split>=<accuracy>, "
                             f"split in {list(SPLITS)}")
        gates[split] = float(minimum)
    return gates


def evaluate(args: argparse.Namespace) -> dict:
    examples = {name: load_examples(folder) for name, folder in SPLITS.items()}
    texts = {name: [text for text, _ in rows] for name, rows in examples.items()}
    gold = {name: [intent for _, intent in rows] for name, rows in examples.items()}
    report: dict = {"splits": {n: str(f.relative_to(ROOT)) for n, f in SPLITS.items()},
                    "examples": {n: len(rows) for n, rows in examples.items()}, "pipelines": {}}

    def add(name: str, reads_by_split: dict, training_seconds: float | None) -> None:
        entry: dict = {"training_seconds": training_seconds}
        for split, (reads, seconds) in reads_by_split.items():
            found = figures(gold[split], [r.intent for r in reads])
            found["ms_per_parse"] = seconds * 1000
            found["misses"] = [
                {"text": t, "expected": g, "predicted": r.intent,
                 "confidence": round(r.confidence, 3)}
                for t, g, r in zip(texts[split], gold[split], reads, strict=True)
                if g != r.intent and not (g == OFF_TOPIC and r.intent == FALLBACK)
            ]
            entry[split] = found
        report["pipelines"][name] = entry

    timing = Path(args.model).with_suffix("").with_suffix(".train.json")
    project_seconds = (json.loads(timing.read_text())["training_seconds"]
                       if timing.exists() else None)
    project = asyncio.run(read_with_rasa(Path(args.model), texts))
    add("project", project, project_seconds)
    threshold, ambiguity = project_thresholds(ROOT / "config.yml")
    report["project_threshold"] = threshold
    report["threshold_sweep"] = sweep({s: (gold[s], project[s][0]) for s in SPLITS}, ambiguity)

    if args.peers == "all":
        peer_model, peer_seconds = train_rasa_peer()
        peer = asyncio.run(read_with_rasa(peer_model, texts))
        add("rasa_default", peer, peer_seconds)
    if args.peers in ("tfidf", "all"):
        training = load_examples(TRAINING)
        for kind in ("svm", "logreg"):
            started = time.perf_counter()
            model = tfidf_peer(kind).fit([t for t, _ in training], [i for _, i in training])
            seconds = time.perf_counter() - started
            add(f"tfidf_{kind}", {s: read_with_sklearn(model, texts[s]) for s in SPLITS}, seconds)
        best_peer = {s: max(r[s]["accuracy"] for n, r in report["pipelines"].items()
                            if n != "project") for s in SPLITS}
        report["lead_over_best_peer"] = {
            s: report["pipelines"]["project"][s]["accuracy"] - best_peer[s] for s in SPLITS}
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "ocbot.tar.gz"))
    parser.add_argument("--out", default=str(ROOT / "reports" / "nlu.json"))
    parser.add_argument("--peers", choices=("none", "tfidf", "all"), default="none",
                        nargs="?", const="all",
                        help="train and compare the peers (tfidf: the scikit-learn ones only)")
    parser.add_argument("--gate", action="append", default=[], metavar="SPLIT=ACCURACY",
                        help="fail when the project's in-scope accuracy on SPLIT is lower")
    args = parser.parse_args()
    gates = parse_gates(args.gate)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("rasa").setLevel(logging.WARNING)

    report = evaluate(args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    table = markdown(report)
    out.with_suffix(".md").write_text(table, encoding="utf-8")
    print(table)
    print(f"report: {out} and {out.with_suffix('.md')}")

    failed = False
    for split, minimum in gates.items():
        accuracy = report["pipelines"]["project"][split]["accuracy"]
        if accuracy < minimum:
            print(f"FAILED: split {split}: in-scope accuracy {accuracy:.1%} < {minimum:.0%}",
                  file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
