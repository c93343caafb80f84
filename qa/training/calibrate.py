"""Calibrate the reader's confidence on held-out questions, end to end: `qa calibrate-reader`.

The corpus is every paragraph of a SQuAD-format set except half of the paragraphs of the
held-out articles (drawn with the seed). Questions of the held-out articles whose paragraph
is in the corpus are answerable; those whose paragraph was removed, and whose answer occurs
in no paragraph left, are unanswerable there (the retriever still finds their article's other
paragraphs: near misses, as in real use). Every question goes through the product's retrieval
and the reader, and the candidate the answerer would build its answer from is labelled: does
its quoted sentence contain the gold answer (`answer_ok`), does its span match it (F1 ≥ 0.8,
`headline_ok`)?

Fitted (qa.reader.confidence.Calibration):
- `rank_weight`: of RANK_WEIGHTS, the one whose chosen candidates quote the gold answer most often;
- two logistic regressions (scikit-learn) of `answer_ok` and `headline_ok` on the features;
- `answer_threshold`: the confidence that minimises wrong answers × WRONG_COST + abstentions on
  questions it would have answered right (a wrong answer with a citation is the worst thing the
  product can show), among the thresholds that still answer at least COVERAGE_FLOOR of the
  questions it would answer right (an abstention on a plainly stated fact is the second worst);
- `headline_threshold`: the lowest headline confidence from which at least HEADLINE_PRECISION of
  the shown spans match the gold answer (a bold wrong name is worse than none); 1.0 (never) when
  no threshold reaches it.
The questions of gold files in our own format (`--gold`, e.g. ../shared/eval/dev.jsonl, which
is for calibration only) can be added, over their corpus, judged as ../shared/eval/score.py
judges them; so can SQuAD 2.0 files of news passages with their own near-miss unanswerable
questions (`--news`, data/newsqa_de/newsqa_de.calibration.json): their passages become a corpus
of their own, one file each, and each question is asked of its own passage (the questions were
written for one passage, not to single it out among a hundred: "Wer leitete die Untersuchung?").
The result goes to `calibration.json` beside the weights, with its figures, overall and per
source. Not mirrored here: the pipeline's second, topic-restricted search for follow-ups (the
questions are searched once, with the previous question).
"""
from __future__ import annotations

import json
import random
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from qa.reader.confidence import FEATURES, Calibration

WRONG_COST = 2.0
COVERAGE_FLOOR = 0.85
HEADLINE_PRECISION = 0.95
RANK_WEIGHTS = (0.0, 0.5, 1.0, 2.0, 4.0)


def held_out_corpus(questions, titles: set[str], seed: int):
    """(paragraphs kept, answerable questions, unanswerable questions)."""
    contexts = list(dict.fromkeys(q.context for q in questions))
    held = list(dict.fromkeys(q.context for q in questions if q.title in titles))
    removed = set(random.Random(seed).sample(held, len(held) // 2))
    kept = [c for c in contexts if c not in removed]
    answerable = [q for q in questions if q.title in titles and q.context not in removed]
    unanswerable = [q for q in questions if q.title in titles and q.context in removed
                    and not any(a.lower() in c.lower() for a in q.answers for c in kept)]
    return kept, answerable, unanswerable


class MemoReader:
    """A reader that remembers its readings (the same question is read once per rank weight)."""

    def __init__(self, reader) -> None:
        self.reader, self._seen = reader, {}

    def read(self, question, passages, top=20):
        key = (question, tuple(passages), top)
        if key not in self._seen:
            self._seen[key] = self.reader.read(question, passages, top)
        return self._seen[key]


def observe(answerer, question, hits, gold: tuple[str, ...], answerable: bool, context=None) -> dict | None:
    """The features and labels of the candidate the answerer would answer from (SQuAD gold:
    the quote contains a gold answer; the span has F1 ≥ 0.8 with one)."""
    from qa.answer import AnswerContext
    from qa.eval.metrics import contains_answer, f1_score

    evidence = answerer.evidence(question, hits, context or AnswerContext(), limit=1)
    if not evidence:
        return None
    best = evidence[0]
    return {**best.features, "question": question, "answerable": answerable, "span": best.span.text,
            "quote": best.text, "answer_ok": answerable and contains_answer(best.text, gold),
            "headline_ok": answerable and f1_score(best.span.text, gold) >= 0.8}


def observe_gold(answerer, pipeline, row: dict) -> dict | None:
    """The same for a question of our own gold format (../shared/eval/README.md), judged as
    score.py judges it: every answer group must be in the quote; a headline must contain an alias."""
    from qa.answer import AnswerContext
    from qa.eval.batch import history_of
    from qa.eval.score import contains
    from qa.conversation import rewrite
    from qa.records import Filters

    understood = rewrite(row["question"], history_of(row))
    # a question written for one passage ("Wer leitete die Untersuchung?") names too little to pick
    # its passage among a hundred others: it is asked of its own passage (`passage`)
    filters = Filters(sources=(row["passage"],)) if row.get("passage") else None
    o = observe(answerer, understood.question, pipeline.retrieve(understood.query, filters=filters), (), row["answerable"],
                AnswerContext(conversation=understood.context if understood.read_context else ""))
    if o is None:
        return None
    groups = row.get("answers") or []
    o["answer_ok"] = row["answerable"] and all(any(contains(o["quote"], a) for a in g) for g in groups)
    o["headline_ok"] = row["answerable"] and len(groups) == 1 and any(contains(o["span"], a) for a in groups[0])
    return o


def fit(observations: list[dict], rank_weight: float) -> Calibration:
    """Two logistic regressions and their thresholds (see the module docstring)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    X = np.array([[o[k] for k in FEATURES] for o in observations])
    weights = {}
    for label in ("answer_ok", "headline_ok"):
        y = np.array([o[label] for o in observations], dtype=int)
        model = LogisticRegression(C=1.0, max_iter=1000).fit(X, y)
        weights[label] = {**{k: float(w) for k, w in zip(FEATURES, model.coef_[0])}, "bias": float(model.intercept_[0])}
    calibration = Calibration(answer_weights=weights["answer_ok"], headline_weights=weights["headline_ok"],
                              rank_weight=rank_weight)
    answer = np.array([calibration.answer_confidence(o) for o in observations])
    headline = np.array([calibration.headline_confidence(o) for o in observations])
    ok = np.array([o["answer_ok"] for o in observations])
    costs = {float(t): WRONG_COST * np.sum((answer >= t) & ~ok) + np.sum((answer < t) & ok)
             for t in np.round(np.linspace(0.05, 0.95, 91), 3)}
    floor = {t: c for t, c in costs.items() if np.sum((answer >= t) & ok) >= COVERAGE_FLOOR * max(1, ok.sum())}
    answer_threshold = min(floor or costs, key=lambda t: (costs[t], t))
    right = np.array([o["headline_ok"] for o in observations])
    headline_threshold = 1.0
    for t in np.round(np.linspace(0.05, 0.99, 95), 3):
        shown = (headline >= t) & (answer >= answer_threshold)
        if shown.sum() >= 10 and right[shown].mean() >= HEADLINE_PRECISION:
            headline_threshold = float(t)
            break
    return replace(calibration, answer_threshold=answer_threshold, headline_threshold=headline_threshold)


def news_rows(path: Path, corpus: Path) -> list[dict]:
    """The questions of a SQuAD 2.0 file of news passages as gold rows, its passages written to
    `corpus` (one file a passage, named after its title)."""
    corpus.mkdir(parents=True, exist_ok=True)
    rows = []
    for article in json.loads(Path(path).read_text(encoding="utf-8"))["data"]:
        for n, paragraph in enumerate(article["paragraphs"]):
            name = f"{article['title']}-{n}.txt" if n else f"{article['title']}.txt"
            (corpus / name).write_text(paragraph["context"] + "\n", encoding="utf-8")
            for qa in paragraph["qas"]:
                answers = [[a["text"]] for a in qa.get("answers") or []][:1]
                rows.append({"id": qa["id"], "question": qa["question"], "answerable": not qa.get("is_impossible"),
                             "answers": answers, "sources": [name] if answers else [], "passage": name})
    return rows


def calibrate(settings, data_path: Path, weights_dir: Path, titles: set[str], seed: int = 13,
              progress: bool = True, golds: list[tuple[Path, Path]] = (), news: list[Path] = ()) -> Calibration:
    """Run the held-out questions end to end (and the questions of gold files over their corpora,
    and of news files over their own passages), fit, write `calibration.json`; return it."""
    from tqdm import tqdm

    from qa.answer.extractive import ReaderAnswerer
    from qa.eval.batch import read_jsonl
    from qa.pipeline import Pipeline
    from qa.training.data import load_questions
    from qa.reader.model import load_reader

    questions = load_questions(data_path)
    kept, answerable, unanswerable = held_out_corpus(questions, titles, seed)
    todo = [(q, True) for q in answerable] + [(q, False) for q in unanswerable]
    with tempfile.TemporaryDirectory(prefix="qa-calibrate-") as tmp:
        settings = settings.replace(corpus_dir=Path(tmp) / "corpus", vectorstore_dir=Path(tmp) / "index",
                                    chroma_host=None, reader_weights_dir=weights_dir)
        settings.corpus_dir.mkdir(parents=True)
        for i, context in enumerate(kept):
            (settings.corpus_dir / f"p{i:04d}.txt").write_text(context + "\n", encoding="utf-8")
        reader = MemoReader(load_reader(settings.cache_dir, weights_dir, settings.reader_dtype, settings.inference))
        pipeline = Pipeline(settings, reader=reader)
        pipeline.ingest(progress=progress)
        hits = {q.id: pipeline.retrieve(q.question) for q, _ in todo}
        sources = [(Path(gold).name, read_jsonl(gold), corpus) for gold, corpus in golds]
        for i, path in enumerate(news):
            corpus = Path(tmp) / f"news{i}"
            sources.append((Path(path).name, news_rows(path, corpus), corpus))
        extra = []  # (source name, row, its pipeline)
        for i, (name, rows, corpus) in enumerate(sources):
            other = Pipeline(settings.replace(corpus_dir=corpus, vectorstore_dir=Path(tmp) / f"gold{i}"),
                             embedder=pipeline.embedder, reader=reader)
            other.ingest(progress=False)
            extra += [(name, row, other) for row in rows]
        by_weight = {}
        for w in tqdm(RANK_WEIGHTS, desc="Kalibrieren", unit="Gewicht", disable=not progress, file=sys.stderr):
            answerer = ReaderAnswerer(reader, settings, Calibration(rank_weight=w))
            by_weight[w] = [{**o, "from": Path(data_path).name} for q, a in todo
                            if (o := observe(answerer, q.question, hits[q.id], q.answers, a))]
            by_weight[w] += [{**o, "from": name} for name, row, other in extra
                             if (o := observe_gold(answerer, other, row))]
    rank_weight = max(RANK_WEIGHTS, key=lambda w: (sum(o["answer_ok"] for o in by_weight[w]), -w))
    observations = by_weight[rank_weight]
    calibration = fit(observations, rank_weight)
    per_source = {name: figures(calibration, [o for o in observations if o["from"] == name])
                  for name in dict.fromkeys(o["from"] for o in observations)}
    calibration = replace(calibration, fitted_on={
        "data": Path(data_path).name, "held_out_titles": sorted(titles), "seed": seed,
        "gold": [Path(g).name for g, _ in golds], "news": [Path(n).name for n in news],
        "reader_passages": settings.reader_passages, "coverage_floor": COVERAGE_FLOOR,
        "headline_precision": HEADLINE_PRECISION,
        "quote_has_answer_by_rank_weight": {str(w): _share([o["answer_ok"] for o in by_weight[w] if o["answerable"]])
                                            for w in RANK_WEIGHTS},
        **figures(calibration, observations), "by_source": per_source})
    calibration.save(weights_dir)
    (Path(weights_dir) / "calibration-observations.jsonl").write_text(
        "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in observations), encoding="utf-8")
    return calibration


def figures(calibration: Calibration, observations: list[dict]) -> dict:
    """How the fitted operating point behaves on the observations it was fitted on."""
    answered = [calibration.answer_confidence(o) >= calibration.answer_threshold for o in observations]
    shown = [a and calibration.headline_confidence(o) >= calibration.headline_threshold
             for a, o in zip(answered, observations)]
    return {
        "questions": len(observations), "answerable": sum(o["answerable"] for o in observations),
        "unanswerable": sum(not o["answerable"] for o in observations),
        "answered_when_answerable": _share([a for a, o in zip(answered, observations) if o["answerable"]]),
        "abstained_when_unanswerable": _share([not a for a, o in zip(answered, observations) if not o["answerable"]]),
        "quote_has_answer_when_answered": _share([o["answer_ok"] for a, o in zip(answered, observations) if a]),
        "headline_shown_when_answered": _share([s for s, a in zip(shown, answered) if a]),
        "headline_right_when_shown": _share([o["headline_ok"] for s, o in zip(shown, observations) if s]),
    }


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None
