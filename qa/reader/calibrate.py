"""Calibrate the reader's confidence on held-out questions, end to end: `qa calibrate-reader`.

The corpus is every paragraph of a SQuAD-format set except half of the paragraphs of the
held-out articles (drawn with the seed). Questions of the held-out articles whose paragraph
is in the corpus are answerable; those whose paragraph was removed, and whose answer occurs
in no paragraph left, are unanswerable there (the retriever still finds their article's other
paragraphs: near misses, as in real use). Every question goes through the product's retrieval
and the reader; for the best candidate of each we record its span score, the no-answer score
of its passage, whether the quoted sentence contains the gold answer and whether the short
answer matches it.

From these:
- `a, b, c`: a logistic regression (scikit-learn) of "the quoted evidence answers the
  question" on (score − null, score);
- `answer_threshold`: the confidence that minimises wrong answers × WRONG_COST + false
  abstentions (a wrong answer with a citation is the worst thing the product can show);
- `headline_threshold`: the lowest confidence from which at least HEADLINE_PRECISION of the
  short answers match the gold answer (a bold wrong name is worse than none).

The calibration is written to `calibration.json` beside the weights, with its figures.
"""
from __future__ import annotations

import json
import random
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

WRONG_COST = 2.0
HEADLINE_PRECISION = 0.9


def held_out_corpus(questions, titles: set[str], seed: int):
    """(paragraphs kept, answerable questions, unanswerable questions)."""
    contexts = list(dict.fromkeys(q.context for q in questions))
    held = [c for c in dict.fromkeys(q.context for q in questions if q.title in titles)]
    rng = random.Random(seed)
    removed = set(rng.sample(held, len(held) // 2))
    kept = [c for c in contexts if c not in removed]
    answerable = [q for q in questions if q.title in titles and q.context not in removed]
    unanswerable = [q for q in questions if q.title in titles and q.context in removed
                    and not any(a.lower() in c.lower() for a in q.answers for c in kept)]
    return kept, answerable, unanswerable


def observe(pipeline, answerer, question: str) -> dict | None:
    """The best candidate's raw scores for one question (None when the reader finds nothing)."""
    hits = pipeline.retrieve(question)
    read = [h for h in hits[:answerer.passages] if h.chunk.sentences]
    if not read:
        return None
    reading = answerer.reader.read(question, [h.chunk.text for h in read])
    from qa.answer.extractive import locate

    for span in reading.spans:
        located = locate(read[span.passage], span.start, span.end)
        if located:
            sentences, short = located
            return {"score": span.score, "null": reading.null[span.passage], "short": short.text,
                    "quote": " ".join(s.text for s in sentences), "source": read[span.passage].chunk.source}
    return None


def fit(observations: list[dict]) -> dict:
    """Logistic regression and the two thresholds (see the module docstring)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    X = np.array([[o["score"] - o["null"], o["score"]] for o in observations])
    y = np.array([o["answer_ok"] for o in observations], dtype=int)
    model = LogisticRegression(C=1.0).fit(X, y)
    a, b = (float(w) for w in model.coef_[0])
    c = float(model.intercept_[0])
    conf = model.predict_proba(X)[:, 1]
    best_cost, answer_threshold = float("inf"), 0.5
    for t in np.linspace(0.05, 0.95, 91):
        answered = conf >= t
        cost = WRONG_COST * np.sum(answered & (y == 0)) + np.sum(~answered & (y == 1) & np.array(
            [o["answerable"] for o in observations]))
        if cost < best_cost:
            best_cost, answer_threshold = cost, float(t)
    headline_ok = np.array([o["headline_ok"] for o in observations])
    headline_threshold = 0.99
    for t in np.linspace(answer_threshold, 0.99, 100):
        kept = conf >= t
        if kept.sum() >= 10 and headline_ok[kept].mean() >= HEADLINE_PRECISION:
            headline_threshold = float(t)
            break
    return {"a": a, "b": b, "c": c, "answer_threshold": round(answer_threshold, 3),
            "headline_threshold": round(headline_threshold, 3)}


def calibrate(settings, data_path: Path, weights_dir: Path, titles: set[str], seed: int = 13,
              progress: bool = True) -> dict:
    """Run the held-out questions end to end, fit, write `calibration.json`; return it."""
    from tqdm import tqdm

    from qa.answer.extractive import CALIBRATION_FILE, Calibration, ReaderAnswerer
    from qa.eval.metrics import contains_answer, f1_score
    from qa.pipeline import Pipeline
    from qa.reader.data import load_questions
    from qa.reader.model import load_reader

    questions = load_questions(data_path)
    kept, answerable, unanswerable = held_out_corpus(questions, titles, seed)
    with tempfile.TemporaryDirectory(prefix="qa-calibrate-") as tmp:
        tmp = Path(tmp)
        settings = settings.replace(corpus_dir=tmp / "corpus", vectorstore_dir=tmp / "index", chroma_host=None,
                                    reader_weights_dir=weights_dir)
        settings.corpus_dir.mkdir(parents=True)
        for i, context in enumerate(kept):
            (settings.corpus_dir / f"p{i:04d}.txt").write_text(context + "\n", encoding="utf-8")
        reader = load_reader(settings.cache_dir, weights_dir, settings.reader_dtype)
        pipeline = Pipeline(settings, reader=reader)
        pipeline.ingest(progress=progress)
        answerer = ReaderAnswerer(reader, settings, Calibration())
        observations = []
        todo = [(q, True) for q in answerable] + [(q, False) for q in unanswerable]
        for q, is_answerable in tqdm(todo, desc="Kalibrieren", unit="Frage", disable=not progress, file=sys.stderr):
            o = observe(pipeline, answerer, q.question)
            if o is None:
                continue
            o.update(answerable=is_answerable,
                     answer_ok=is_answerable and contains_answer(o["quote"], q.answers),
                     headline_ok=is_answerable and f1_score(o["short"], q.answers) >= 0.8)
            observations.append(o)
    fitted = fit(observations)
    calibration = Calibration(**fitted)
    confidences = [calibration.confidence(o["score"], o["null"]) for o in observations]
    answered = [c >= calibration.answer_threshold for c in confidences]
    figures = {
        "questions": len(observations), "answerable": sum(o["answerable"] for o in observations),
        "unanswerable": sum(not o["answerable"] for o in observations),
        "answered_when_answerable": _share([a for a, o in zip(answered, observations) if o["answerable"]]),
        "abstained_when_unanswerable": _share([not a for a, o in zip(answered, observations) if not o["answerable"]]),
        "evidence_right_when_answered": _share([o["answer_ok"] for a, o in zip(answered, observations) if a]),
        "headline_right_when_shown": _share([o["headline_ok"] for c, o in zip(confidences, observations)
                                             if c >= calibration.headline_threshold]),
        "headline_shown": _share([c >= calibration.headline_threshold for c in confidences]),
    }
    result = {**asdict(calibration), "fitted_on": {"data": Path(data_path).name, "held_out_titles": sorted(titles),
                                                   "seed": seed, **figures}}
    (Path(weights_dir) / CALIBRATION_FILE).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n",
                                                      encoding="utf-8")
    return result


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None
