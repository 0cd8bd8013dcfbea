"""NLU benchmark: k-fold cross-validation of the one multilingual model, and language identification.

Every fold trains ONE model on the training split of all seven languages together (the production
design) with the real config.yml and domain.yml, then parses the held-out examples through a Rasa
Agent. Synonym, regex and lookup lists go into every training split; each example is tested exactly
once, and texts that repeat (lower-cased, without punctuation, in one language or several) stay in one
fold, so a test message is never a copy of a training message. An `nlu_fallback` prediction counts as
wrong. Entities are compared as (type, value) pairs per example after synonym mapping, case-insensitively.
Language ID runs `bot.language.detect` on every example (it needs no training). Prints numbers and
targets met/missed; it asserts nothing.

    .venv-rasa/bin/python bench/nlu.py [--folds 5] [--max-folds N] [--seed 7] [--languages de,ar] [--config C]

`--languages` limits what is evaluated and reported; training always uses all seven languages.
`--max-folds N` stops after N folds: a partial estimate, labelled PARTIAL.
`--config` evaluates another pipeline than config.yml (a candidate), under the same folds.
The sentence embeddings of the examples are cached by text in var/bench/embeddings.npz (the encoder is
deterministic): every fold re-featurizes the same texts, and only the first run pays for embedding them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EMBEDDINGS = ROOT / "var" / "bench" / "embeddings.npz"
LANGUAGES = ("de", "ar", "ru", "bs", "tr", "fr", "en")
TOPICS = frozenset(
    "residence naturalisation housing health work education language_course family benefits orientation".split()
)
INTENT_TARGET = 0.95
LANGID_TARGET = 0.98
MIN_WORDS = 3
WORD = re.compile(r"\w+", re.UNICODE)
Pair = tuple[str, str]


@dataclass(frozen=True)
class Example:
    lang: str
    text: str
    intent: str
    entities: frozenset[Pair]
    message: Any  # the rasa Message as read, written back unchanged into training splits


@dataclass
class Prediction:
    intent: str
    top_intent: str  # best intent other than nlu_fallback
    entities: frozenset[Pair]
    confidence: float = 0.0  # the classifier's confidence in top_intent


def _norm(value: Any) -> str:
    return str(value).strip().casefold()


def text_key(text: str) -> str:
    """What the tokenizer and featurizers see, roughly: lower-case words without punctuation."""
    return " ".join(WORD.findall(text.casefold())) or text.strip()


def load_corpus() -> tuple[list[Example], Any, dict[str, Any]]:
    """All examples (Rasa's reader), the non-example lists (synonyms, regexes, lookups), data warnings."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from rasa.shared.utils.io import dump_obj_as_yaml_to_string, read_yaml_file

    loaded = {lang: load_data(str(ROOT / "nlu_data" / lang / "nlu.yml")) for lang in LANGUAGES}
    lists = []  # only the synonym/regex/lookup items: synonyms implied by example annotations stay with the examples
    for path in [ROOT / "nlu_data" / lang / "nlu.yml" for lang in LANGUAGES] + sorted(
        (ROOT / "nlu_data" / "shared").glob("*.yml")
    ):
        doc = read_yaml_file(path) or {}
        items = [item for item in doc.get("nlu") or [] if "intent" not in item]
        lists.append(RasaYAMLReader().reads(dump_obj_as_yaml_to_string({"version": "3.1", "nlu": items})))
    extras = TrainingData().merge(*lists)

    synonyms: dict[str, str] = {}
    conflicts: list[str] = []
    for lang, data in loaded.items():
        for key, value in data.entity_synonyms.items():
            if synonyms.setdefault(key, value) != value:
                conflicts.append(f"{lang}: {key!r} -> {value!r}, elsewhere {synonyms[key]!r}")
    examples: list[Example] = []
    odd_values: list[str] = []
    for lang, data in loaded.items():
        for message in data.intent_examples:
            pairs = set()
            for entity in message.get("entities") or []:
                value = str(entity["value"])
                value = synonyms.get(value.lower(), value)  # what EntitySynonymMapper would do
                if (entity["entity"] == "topic" and value not in TOPICS) or (
                    entity["entity"] == "language" and value not in LANGUAGES
                ):
                    odd_values.append(f"{lang}: {entity['entity']}={value!r} in {message.get('text')!r}")
                pairs.add((entity["entity"], _norm(value)))
            examples.append(Example(lang, message.get("text"), message.get("intent"), frozenset(pairs), message))

    by_text: dict[str, set] = defaultdict(set)
    for ex in examples:
        by_text[text_key(ex.text)].add((ex.lang, ex.intent))
    label_clashes = sorted(
        f"{text!r}: {sorted(labels)}" for text, labels in by_text.items() if len({i for _, i in labels}) > 1
    )
    warnings = {
        "synonym_conflicts": conflicts,
        "gold_values_outside_vocabulary": odd_values,
        "same_text_different_intents": label_clashes,
    }
    counts = Counter(text_key(ex.text) for ex in examples)
    notes = {"repeated_texts": sorted(f"{text!r} x{n}" for text, n in counts.items() if n > 1)}
    return examples, extras, warnings | notes


def split(examples: Sequence[Example], folds: int, seed: int) -> Iterator[tuple[Any, Any]]:
    """(train, test) index arrays: stratified by (language, intent), grouped by text.

    Texts that are the same after lower-casing and dropping punctuation ("Hallo!" / "hallo", "bye" in de and
    en) stay in one fold: otherwise the test set partly repeats the training set.
    """
    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold

    labels = [f"{ex.lang}/{ex.intent}" for ex in examples]
    groups = [text_key(ex.text) for ex in examples]
    return StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(
        np.zeros(len(examples)), labels, groups
    )


_embedded: dict[str, Any] = {}  # text -> unit vector: var/bench/embeddings.npz in memory


def cached_embeddings(texts: Sequence[str], threads: int = 2) -> Any:
    """bot.sentence_embeddings.embed's unit vectors, one row per text, from the cache where embedded before."""
    import numpy as np

    sys.path.insert(0, str(ROOT))
    from bot import sentence_embeddings

    embed = getattr(sentence_embeddings.embed, "uncached", sentence_embeddings.embed)
    if not _embedded and EMBEDDINGS.exists():  # read the file once per process: parsing asks per message
        with np.load(EMBEDDINGS) as stored:
            _embedded.update(zip(stored["texts"].tolist(), stored["vectors"], strict=True))
    cached = _embedded
    if new := sorted(set(texts) - cached.keys()):
        print(f"embedding {len(new)} new texts (cached: {len(cached)})", file=sys.stderr)
        cached.update(zip(new, embed(new, threads=threads), strict=True))
        EMBEDDINGS.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(cached)
        np.savez(EMBEDDINGS, texts=np.array(keys), vectors=np.vstack([cached[k] for k in keys]))
    return np.vstack([cached[text] for text in texts]) if texts else embed([])


def use_embedding_cache() -> None:
    """Make the featurizer read cached vectors in this process (training and parsing alike)."""
    from bot import sentence_embeddings

    uncached = sentence_embeddings.embed

    def embed(texts: list[str], threads: int = 1, batch_size: int = 64) -> Any:
        return cached_embeddings(texts)

    embed.uncached = uncached  # type: ignore[attr-defined]
    sentence_embeddings.embed = embed


def train_fold(train: Sequence[Example], extras: Any, config: Path, workdir: Path, fold: int) -> str:
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data_dir = workdir / f"data-{fold}"
    data_dir.mkdir()
    data = TrainingData(training_examples=[ex.message for ex in train]).merge(extras)
    (data_dir / "nlu.yml").write_text(data.nlu_as_yaml(), encoding="utf-8")
    model = train_nlu(
        str(config),
        str(data_dir),
        str(workdir / "models"),
        fixed_model_name=f"fold-{fold}",
        domain=str(ROOT / "domain.yml"),
    )
    if not model:
        raise RuntimeError(f"training fold {fold} failed")
    return model


async def parse_all(model: str, texts: Sequence[str]) -> list[Prediction]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    predictions = []
    for text in texts:
        result = await agent.parse_message(text)
        ranking = [r for r in result.get("intent_ranking") or [] if r["name"] != "nlu_fallback"]
        intent = (result.get("intent") or {}).get("name") or "None"
        entities = frozenset((e["entity"], _norm(e["value"])) for e in result.get("entities") or [])
        top, confidence = (ranking[0]["name"], float(ranking[0]["confidence"])) if ranking else (intent, 0.0)
        predictions.append(Prediction(intent, top, entities, confidence))
    return predictions


def intent_scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    from sklearn.metrics import f1_score

    labels = sorted(set(gold))  # the intents present; predictions outside them (nlu_fallback) count as misses
    return {
        "macro_f1": float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)),
        "accuracy": sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold),
    }


def entity_scores(gold: Sequence[frozenset[Pair]], pred: Sequence[frozenset[Pair]]) -> dict[str, float]:
    tp = sum(len(g & p) for g, p in zip(gold, pred, strict=True))
    fp = sum(len(p - g) for g, p in zip(gold, pred, strict=True))
    fn = sum(len(g - p) for g, p in zip(gold, pred, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "gold": tp + fn, "predicted": tp + fp}


def nlu_report(pairs: Sequence[tuple[Example, Prediction]]) -> dict[str, Any]:
    gold = [ex.intent for ex, _ in pairs]
    report: dict[str, Any] = {"n": len(pairs), "intent": intent_scores(gold, [p.intent for _, p in pairs])}
    report["intent_without_fallback"] = intent_scores(gold, [p.top_intent for _, p in pairs])
    report["fallback_rate"] = sum(p.intent == "nlu_fallback" for _, p in pairs) / len(pairs)
    # Calibration: how often the best intent is right at the confidences the bot acts on.
    right = sorted(p.confidence for ex, p in pairs if p.top_intent == ex.intent)
    wrong = sorted(p.confidence for ex, p in pairs if p.top_intent != ex.intent)
    report["confidence"] = {
        "median_right": right[len(right) // 2] if right else None,
        "median_wrong": wrong[len(wrong) // 2] if wrong else None,
        "right_at_0.8": sum(c >= 0.8 for c in right) / len(pairs),
        "wrong_at_0.8": sum(c >= 0.8 for c in wrong) / len(pairs),
    }
    report["entity"] = entity_scores([ex.entities for ex, _ in pairs], [p.entities for _, p in pairs])
    report["entity_by_type"] = {
        kind: entity_scores(
            [frozenset(x for x in ex.entities if x[0] == kind) for ex, _ in pairs],
            [frozenset(x for x in p.entities if x[0] == kind) for _, p in pairs],
        )["f1"]
        for kind in sorted({k for ex, _ in pairs for k, _ in ex.entities})
    }
    # Confusions between intents: the classifier's best intent, whether or not the fallback threshold hid it.
    confused = Counter((ex.intent, p.top_intent) for ex, p in pairs if ex.intent != p.top_intent)
    report["fallback_by_intent"] = dict(
        Counter(ex.intent for ex, p in pairs if p.intent == "nlu_fallback").most_common()
    )
    report["worst_confusions"] = [{"gold": g, "predicted": p, "count": c} for (g, p), c in confused.most_common(5)]
    report["errors"] = [
        {"text": ex.text, "gold": ex.intent, "predicted": p.intent} for ex, p in pairs if ex.intent != p.intent
    ][:40]
    return report


def langid_report(examples: Sequence[Example], langs: Sequence[str]) -> dict[str, Any]:
    from bot.language import detect

    counts: dict[str, Counter] = defaultdict(Counter)
    misses: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ex in examples:
        if ex.lang not in langs:
            continue
        code, confidence = detect(ex.text)
        size = "long" if len(WORD.findall(ex.text)) >= MIN_WORDS else "short"
        counts[ex.lang][size] += 1
        counts[ex.lang][size + "_ok"] += code == ex.lang
        if size == "long" and code != ex.lang and len(misses[ex.lang]) < 10:
            misses[ex.lang].append({"text": ex.text, "detected": code, "confidence": round(confidence, 3)})

    def rate(c: Counter, size: str) -> float | None:
        return c[size + "_ok"] / c[size] if c[size] else None

    total = sum(counts.values(), Counter())
    report: dict[str, Any] = {
        lang: {
            "n_long": counts[lang]["long"],
            "accuracy_long": rate(counts[lang], "long"),
            "n_short": counts[lang]["short"],
            "accuracy_short": rate(counts[lang], "short"),
            "misdetections": misses[lang],
        }
        for lang in langs
    }
    report["overall"] = {
        "n_long": total["long"],
        "accuracy_long": rate(total, "long"),
        "n_short": total["short"],
        "accuracy_short": rate(total, "short"),
    }
    return report


def mark(value: float | None, target: float) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f} {'target met' if value >= target else 'below target'}"


def print_table(nlu: dict[str, Any], langid: dict[str, Any], keys: Sequence[str]) -> None:
    columns = ["lang", "n", "intent macro-F1 (>=0.95)", "acc", "fallbk", "F1 w/o fb", "ent P", "ent R", "ent F1"]
    columns += ["lang-ID >=3 words (>=0.98)", "n", "1-2 words"]
    row = "{:<8}{:>6}  {:<26}{:>6}{:>8}{:>10}{:>7}{:>7}{:>7}  {:<28}{:>6}{:>10}"
    print("\n" + row.format(*columns))
    for key in keys:
        r, lid = nlu[key], langid[key]
        short = "n/a" if lid["accuracy_short"] is None else f"{lid['accuracy_short']:.3f}"
        numbers = [r["intent"]["accuracy"], r["fallback_rate"], r["intent_without_fallback"]["macro_f1"]]
        numbers += [r["entity"]["precision"], r["entity"]["recall"], r["entity"]["f1"]]
        intent = mark(r["intent"]["macro_f1"], INTENT_TARGET)
        print(
            row.format(
                key,
                r["n"],
                intent,
                *(f"{x:.3f}" for x in numbers),
                mark(lid["accuracy_long"], LANGID_TARGET),
                lid["n_long"],
                short,
            )
        )
    conf = nlu["overall"]["confidence"]
    print(
        f"\nConfidence of the best intent: median {conf['median_right']:.2f} when right, "
        f"{conf['median_wrong']:.2f} when wrong; at >= 0.8 (an interruption mid-form): "
        f"{conf['right_at_0.8']:.1%} of messages right, {conf['wrong_at_0.8']:.1%} wrong"
    )
    print("\nWorst confused intent pairs, classifier's best intent (gold -> predicted: count):")
    for key in keys[:-1]:
        worst = ", ".join(f"{c['gold']}->{c['predicted']}: {c['count']}" for c in nlu[key]["worst_confusions"])
        fallbacks = ", ".join(f"{intent}: {n}" for intent, n in list(nlu[key]["fallback_by_intent"].items())[:3])
        print(f"  {key}: {worst or 'none'}")
        print(f"  {'':{len(key)}}  most often below the fallback threshold: {fallbacks or 'none'}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--max-folds", type=int, default=None, help="stop after this many folds (a partial estimate, labelled as such)"
    )
    parser.add_argument("--languages", default=",".join(LANGUAGES), help="languages to evaluate, e.g. de,ar")
    parser.add_argument("--config", type=Path, default=None, help="a candidate pipeline instead of config.yml")
    args = parser.parse_args(argv)
    langs = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
    if unknown := set(langs) - set(LANGUAGES):
        parser.error(f"unknown languages: {sorted(unknown)}")

    # LOG_LEVEL=WARNING also turns off Rasa's progress bars; training chatter goes to stderr (see below).
    # RASA_MAX_CACHE_SIZE=0: no reuse of (or writes into) the project's .rasa/cache, so timings are real.
    os.environ.update(
        RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2", LOG_LEVEL="WARNING", RASA_MAX_CACHE_SIZE="0"
    )
    sys.path.insert(0, str(ROOT))
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)

    started = time.monotonic()
    examples, extras, warnings = load_corpus()
    cached_embeddings([ex.text for ex in examples])
    use_embedding_cache()
    print(f"NLU benchmark: {args.folds}-fold CV stratified by (language, intent), grouped by text, seed {args.seed}")
    print(
        f"Pipeline: {args.config or 'config.yml'}; sentence embeddings from the cache, so training times leave them out"
    )
    print(f"{len(examples)} examples in {len(LANGUAGES)} languages")
    print(f"Each fold trains one model on all languages; evaluating {','.join(langs)}")
    print("nlu_fallback counts as a wrong intent; 'F1 w/o fb' scores the best intent other than the fallback")

    pairs: list[tuple[Example, Prediction]] = []
    timings: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="kim-bench-nlu-") as tmp:
        workdir = Path(tmp)
        config = args.config or ROOT / "config.yml"
        for fold, (train_idx, test_idx) in enumerate(split(examples, args.folds, args.seed), start=1):
            if args.max_folds is not None and fold > args.max_folds:
                print(f"PARTIAL: stopped after {args.max_folds} of {args.folds} folds (--max-folds)")
                break
            t0 = time.monotonic()
            with contextlib.redirect_stdout(sys.stderr):
                model = train_fold([examples[i] for i in train_idx], extras, config, workdir, fold)
            t1 = time.monotonic()
            test = [examples[i] for i in test_idx if examples[i].lang in langs]
            predictions = asyncio.run(parse_all(model, [ex.text for ex in test]))
            pairs.extend(zip(test, predictions, strict=True))
            timings.append(
                {
                    "fold": fold,
                    "train_s": round(t1 - t0, 1),
                    "parse_s": round(time.monotonic() - t1, 1),
                    "n_test": len(test),
                }
            )
            print(
                f"fold {fold}/{args.folds}: trained on {len(train_idx)} in {t1 - t0:.0f}s, "
                f"parsed {len(test)} in {time.monotonic() - t1:.0f}s",
                flush=True,
            )

    keys = langs + ["overall"]
    nlu = {lang: nlu_report([pair for pair in pairs if pair[0].lang == lang]) for lang in langs}
    nlu["overall"] = nlu_report(pairs)
    nlu["overall"]["min_language_macro_f1"] = min(nlu[lang]["intent"]["macro_f1"] for lang in langs)
    langid = langid_report(examples, langs)
    print_table(nlu, langid, keys)
    met = all(nlu[lang]["intent"]["macro_f1"] >= INTENT_TARGET for lang in langs)
    lid_met = all((langid[lang]["accuracy_long"] or 0) >= LANGID_TARGET for lang in langs)
    verdict = {True: "target met", False: "below target"}
    print(f"\nIntent macro-F1 >= {INTENT_TARGET} in every evaluated language: {verdict[met]}")
    print(f"Language ID >= {LANGID_TARGET} (>= {MIN_WORDS} words) in every evaluated language: {verdict[lid_met]}")
    short = langid["overall"]["accuracy_short"]
    print(
        f"Language ID on 1-2 word messages (information only, no target): "
        f"{'n/a' if short is None else f'{short:.3f}'} over {langid['overall']['n_short']}"
    )
    for name, items in warnings.items():
        if name == "repeated_texts":
            print(
                f"Data note: {len(items)} texts occur more than once (within or across languages), e.g. "
                f"{', '.join(items[:3])}; each stays in one fold"
            )
        elif items:
            print(f"Data warning: {len(items)} {name.replace('_', ' ')} (see report), e.g. {items[0]}")

    out = ROOT / "var" / "bench" / f"nlu-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "args": vars(args),
        "folds_evaluated": len(timings),
        "n_examples": len(examples),
        "targets": {"intent_macro_f1": INTENT_TARGET, "langid_accuracy_3_words": LANGID_TARGET},
        "targets_met": {"intent": met, "langid": lid_met},
        "timings": timings,
        "total_s": round(time.monotonic() - started, 1),
        "nlu": nlu,
        "langid": langid,
        "data_warnings": warnings,
    }
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    print(f"Report: {out.relative_to(ROOT)} (total {report['total_s']:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
