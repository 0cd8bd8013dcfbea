"""Quick check of the NLU data while writing it: the same 5 folds as bench/nlu.py, intents only, no Rasa.

scikit-learn's logistic regression on the same kinds of features as config.yml (word counts, char_wb 2-5
n-grams and the multilingual sentence embedding of bot/sentence_embeddings.py), without Rasa's pipeline and
entity extraction, so a data writer can see after each round which intents are weak, which pairs are
confused and which held-out examples are misread. Its numbers are a proxy, NOT the production model's:
report those of bench/nlu.py. Prints numbers; asserts nothing.

    .venv-rasa/bin/python bench/nlu_quick.py [lang] [--errors N] [--weight W]

Embeddings are cached by text in var/bench/embeddings.npz (shared with bench/nlu.py): the first run embeds
every example (minutes), later runs only new or changed texts. Every held-out reading (language, gold, predicted,
text) is written to var/bench/nlu_quick-last.json, so one run serves all seven languages.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import warnings
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nlu  # noqa: E402  (bench/nlu.py: the corpus loader and the fold grouping)

# How much the (unit-length) sentence embedding weighs against the counts; chosen on these folds
# (3 -> mean macro-F1 0.91, 8 -> 0.93, 15 -> 0.936, 25 -> 0.936).
EMBEDDING_WEIGHT = 15.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("language", nargs="?", choices=nlu.LANGUAGES, help="details for this language")
    parser.add_argument("--errors", type=int, default=40, help="misread examples to show")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--weight", type=float, default=EMBEDDING_WEIGHT, help="the embedding's weight (scale)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.pipeline import make_union

    examples, _extras, data_warnings = nlu.load_corpus()
    texts = [ex.text for ex in examples]
    gold = [ex.intent for ex in examples]
    dense = csr_matrix(nlu.cached_embeddings(texts) * args.weight)
    predicted: list[str] = [""] * len(examples)
    for train, test in nlu.split(examples, 5, args.seed):
        counts = make_union(CountVectorizer(), CountVectorizer(analyzer="char_wb", ngram_range=(2, 5)))
        train_x = hstack([counts.fit_transform([texts[i] for i in train]), dense[train]]).tocsr()
        test_x = hstack([counts.transform([texts[i] for i in test]), dense[test]]).tocsr()
        model = LogisticRegression(max_iter=1000)
        model.fit(train_x, [gold[i] for i in train])
        for i, intent in zip(test, model.predict(test_x), strict=True):
            predicted[i] = intent

    readings = [
        {"lang": ex.lang, "gold": gold[i], "predicted": predicted[i], "text": texts[i]} for i, ex in enumerate(examples)
    ]
    (nlu.EMBEDDINGS.parent / "nlu_quick-last.json").write_text(
        json.dumps(readings, ensure_ascii=False, indent=0), encoding="utf-8"
    )
    print("Linear proxy, 5-fold (not the Rasa pipeline): intent macro-F1 per language")
    for lang in nlu.LANGUAGES:
        idx = [i for i, ex in enumerate(examples) if ex.lang == lang]
        score = f1_score([gold[i] for i in idx], [predicted[i] for i in idx], average="macro")
        print(f"  {lang}: {score:.3f} over {len(idx)} examples")
    if args.language:
        idx = [i for i, ex in enumerate(examples) if ex.lang == args.language]
        intents = sorted(set(gold))
        per_intent = f1_score([gold[i] for i in idx], [predicted[i] for i in idx], average=None, labels=intents)
        counts = Counter(gold[i] for i in idx)
        print(f"\n{args.language} per intent (examples, F1), weakest first:")
        for intent, score in sorted(zip(intents, per_intent, strict=True), key=lambda pair: pair[1]):
            print(f"  {intent:24}{counts[intent]:5}  {score:.3f}")
        confused = Counter((gold[i], predicted[i]) for i in idx if gold[i] != predicted[i])
        print(f"\n{args.language} most confused (gold -> predicted: count):")
        print("  " + ", ".join(f"{g}->{p}: {n}" for (g, p), n in confused.most_common(12)))
        errors = [i for i in idx if gold[i] != predicted[i]]
        random.Random(0).shuffle(errors)
        print(f"\n{args.language}: {len(errors)} misread, a sample:")
        for i in errors[: args.errors]:
            print(f"  {gold[i]} -> {predicted[i]} | {texts[i]}")
    for name, items in data_warnings.items():
        if name != "repeated_texts" and items:
            print(f"Data warning: {len(items)} {name.replace('_', ' ')}, e.g. {items[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
