"""Fit `qa.answer.rules.SPAN_WEIGHTS` on XQuAD German (the development set), print them.

    .venv/bin/python benchmarks/fit_span_weights.py tests/data/xquad_de/xquad.de.json

Uses the hits cached by benchmarks/squad_answers.py (run it first). For every question of a kind in
`RANKED_KINDS`, the answerer's evidence sentence is taken (its choice does not depend on these
weights: the sentence score has no type term for these kinds), its candidate spans are built
by `span_candidates`, and a linear scorer is fit by softmax over the candidates with the target
distribution proportional to F1² against the gold answer (L2-regularised gradient descent).
Prints the short-answer F1 of a 2-fold split by paragraph (out of sample), then the weights fit
on all questions, rounded, for pasting into qa/answering.py.
"""
from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qa.answer.rules import (RANKED_KINDS, SPAN_WEIGHTS, ExtractiveAnswerer, idf_weight,  # noqa: E402
                          question_type, span_candidates)
from qa.eval.metrics import f1_score  # noqa: E402
from qa.language import analyze, words  # noqa: E402

NAMES = list(SPAN_WEIGHTS)


def examples(path: Path) -> list[tuple[int, np.ndarray, np.ndarray]]:
    items, df, n = pickle.load(open(Path(__file__).resolve().parent / "out" / path.stem / "hits.pkl", "rb"))
    answerer = ExtractiveAnswerer(idf=lambda t: idf_weight(df.get(t, 0), n))
    rows = []
    for q, hits, _ in items:
        qtype = question_type(q.question)
        if qtype.kind not in RANKED_KINDS:
            continue
        answer = answerer.answer(q.question, hits)
        if not answer.citations:
            continue
        qwords = set(words(q.question))
        candidates = span_candidates(answer.citations[0].quote, qtype, qwords, set(analyze(" ".join(qwords))))
        if not candidates:
            continue
        x = np.array([[f.get(name, 0.0) for name in NAMES] for _, f in candidates])
        y = np.array([f1_score(span, q.answers) for span, _ in candidates])
        rows.append((int(q.source[1:-4]), x, y))
    return rows


def fit(rows, l2: float = 1e-3, steps: int = 400, rate: float = 0.5) -> np.ndarray:
    rows = [r for r in rows if r[2].max() > 0]
    w = np.zeros(len(NAMES))
    for _ in range(steps):
        grad = np.zeros_like(w)
        for _, x, y in rows:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            grad += x.T @ (p - y ** 2 / (y ** 2).sum())
        w -= rate * (grad / len(rows) + l2 * w)
    return w


def mean_f1(rows, w) -> float:
    return float(np.mean([y[int(np.argmax(x @ w))] for _, x, y in rows])) if rows else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("squad", type=Path)
    args = parser.parse_args()
    rows = examples(args.squad)
    current = np.array([SPAN_WEIGHTS[name] for name in NAMES])
    print(f"{len(rows)} questions; F1 with the current weights: {mean_f1(rows, current):.3f} "
          "(over questions with an evidence sentence)")
    for fold in (0, 1):
        train = [r for r in rows if (r[0] // 5) % 2 != fold]
        test = [r for r in rows if (r[0] // 5) % 2 == fold]
        print(f"fold {fold}: out-of-sample F1 {mean_f1(test, fit(train)):.3f} over {len(test)} questions")
    w = fit(rows)
    print(f"in-sample F1 {mean_f1(rows, w):.3f}\nSPAN_WEIGHTS = {{")
    print("\n".join(f'    "{name}": {value:.2f},' for name, value in zip(NAMES, w)))
    print("}")


if __name__ == "__main__":
    main()
