"""The reader's learning curve: the shipped recipe trained on fewer XQuAD-de articles.

    .venv/bin/python benchmarks/reader_learning_curve.py [--articles 9,19,38] [--out benchmarks/out/curve]
        [--test ../shared/data/mlqa_de_dev/mlqa_de_dev.squad_format.CONVERTED.json]

For every N: `qa train-reader`'s recipe (LoRA r16, two phases, seed 13) on N of the 38 training
articles (nested samples: the 9 are among the 19), scored on the 10 held-out articles and, with
`--test`, on a test set (MLQA-de: reported, never used to choose anything), gold paragraph given,
float32. Then F1 against log2(training questions) by least squares: what one doubling of German
training data buys, and how many questions that line puts at a target F1. About 10 / 18 / 36
minutes a point on 2 cores; the figures of 2026-12-01 are in docs/reader.md.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def fit_line(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares (intercept, slope) of ys on xs."""
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return my - slope * mx, slope


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", default="9,19,38", help="training articles per point (of 38)")
    parser.add_argument("--data", type=Path, default=REPO / "tests" / "data" / "xquad_de" / "xquad.de.json")
    parser.add_argument("--test", type=Path, help="a SQuAD-format test set, scored only (e.g. MLQA-de)")
    parser.add_argument("--target", type=float, default=0.50, help="F1 to extrapolate to")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "curve")
    args = parser.parse_args()

    from qa.config import Settings
    from qa.training.data import load_questions
    from qa.reader.model import load_reader
    from qa.training.train import TrainConfig, evaluate_reader, train_reader

    cache = Settings().cache_dir
    test = load_questions(args.test) if args.test else []
    rows = []
    for n in (int(a) for a in args.articles.split(",")):
        folder = args.out / f"articles-{n}"
        figures = train_reader(args.data, folder, TrainConfig(train_articles=n), cache)
        row = {"articles": n, "questions": figures["train_questions"], "xquad_f1": figures["held_out"]["f1"],
               "xquad_em": figures["held_out"]["em"], "minutes": round(figures["train_seconds"] / 60, 1)}
        if test:
            scored = evaluate_reader(load_reader(cache, folder, dtype="float32", inference="torch"), test)
            row.update(test_f1=scored["f1"], test_em=scored["em"])
        rows.append(row)
        print(json.dumps(row), flush=True)

    print("\n| articles | questions | held-out XQuAD-de F1 / EM | test F1 / EM | minutes |\n|---|---|---|---|---|")
    for r in rows:
        tested = f"{r['test_f1']:.3f} / {r['test_em']:.3f}" if test else "–"
        print(f"| {r['articles']} | {r['questions']} | {r['xquad_f1']:.3f} / {r['xquad_em']:.3f} | {tested} | {r['minutes']} |")
    if len(rows) > 1:
        xs = [math.log2(r["questions"]) for r in rows]
        for key in ("xquad_f1", "test_f1") if test else ("xquad_f1",):
            intercept, slope = fit_line(xs, [r[key] for r in rows])
            reach = (args.target - intercept) / slope if slope > 0 else math.inf
            where = f"about {2 ** reach:,.0f} questions" if reach < 30 else "out of reach"
            print(f"{key}: {slope:+.3f} F1 per doubling of the training questions; "
                  f"F1 {args.target:.2f} on that line: {where}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
