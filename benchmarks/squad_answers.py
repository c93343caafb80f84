"""Answer extraction on a SQuAD-format set, fast: retrieval once, cached; the answerer many times.

    .venv/bin/python benchmarks/squad_answers.py tests/data/xquad_de/xquad.de.json [--oracle] [--show KIND]
    .venv/bin/python benchmarks/squad_answers.py SET.json --answering old_answering.py   # A/B another version

The first run indexes the set's paragraphs under benchmarks/out/<name>/ (as `qa eval --squad`
does, in a kept folder) and caches the fused hits of every question; later runs only re-run
`ExtractiveAnswerer.answer` over the cached hits, so a change to qa/answering.py is measured in
seconds. `--oracle` puts the gold paragraph's chunks first (answer extraction alone, retrieval
taken out). Figures are those of `qa eval --squad` (qa.eval.metrics); XQuAD German is the
development set, MLQA German a test set: do not tune on it.
"""
from __future__ import annotations

import argparse
import pickle
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qa.answer.rules import ExtractiveAnswerer, idf_weight, question_type  # noqa: E402
from qa.config import Settings  # noqa: E402
from qa.eval.metrics import contains_answer, exact_match, f1_score  # noqa: E402
from qa.eval.squad import load_squad, write_corpus  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def cached_hits(path: Path) -> tuple[list, dict, int]:
    dataset = load_squad(path)
    folder = OUT / path.stem
    cache = folder / "hits.pkl"
    if cache.exists():
        with open(cache, "rb") as f:
            return pickle.load(f)
    from qa.pipeline import Pipeline

    settings = Settings.from_env()
    settings = replace(settings, corpus_dir=folder / "corpus", vectorstore_dir=folder / "index", chroma_host=None)
    write_corpus(dataset, settings.corpus_dir)
    pipeline = Pipeline(settings)
    pipeline.ingest(progress=True)
    retriever = pipeline.retriever
    by_source = defaultdict(list)
    for chunk in retriever.keyword.chunks:
        by_source[chunk.source].append(chunk)
    items = []
    for q in dataset.questions:
        items.append((q, retriever.search(q.question), by_source[q.source]))
    result = (items, dict(retriever.keyword._df), retriever.size)
    with open(cache, "wb") as f:
        pickle.dump(result, f)
    return result


def _load(path: Path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("answering_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("squad", type=Path)
    parser.add_argument("--oracle", action="store_true", help="gold paragraph's chunks first")
    parser.add_argument("--show", help="print the misses of this question kind")
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--answering", type=Path, help="another version of qa/answering.py to measure")
    args = parser.parse_args()
    items, df, n_chunks = cached_hits(args.squad)
    module = _load(args.answering) if args.answering else sys.modules[ExtractiveAnswerer.__module__]
    answerer = module.ExtractiveAnswerer(idf=lambda t: idf_weight(df.get(t, 0), n_chunks))
    from qa.records import Hit

    totals = defaultdict(lambda: defaultdict(float))
    shown = 0
    started = time.perf_counter()
    for q, hits, gold_chunks in items:
        if args.oracle:
            rest = [h for h in hits if h.chunk.source != q.source]
            hits = [Hit(c, 1.0, i + 1) for i, c in enumerate(gold_chunks)] + rest
            hits = [replace(h, rank=i + 1) for i, h in enumerate(hits)][:8]
        answer = answerer.answer(q.question, hits)
        kind = question_type(q.question).kind  # today's types, so versions compare by the same groups
        f1 = f1_score(answer.short_answer, q.answers)
        row = {"n": 1, "em": exact_match(answer.short_answer, q.answers), "f1": f1,
               "short": answer.short_answer is not None, "contains": contains_answer(answer.text, q.answers),
               "abstained": answer.abstained,
               "cited": any(c.source == q.source for c in answer.citations)}
        for key in (kind, "ALL"):
            for name, value in row.items():
                totals[key][name] += float(value)
        if args.show in (kind, "ALL") and f1 < 0.5 and shown < args.limit:
            shown += 1
            quote = answer.citations[0].quote if answer.citations else ""
            print(f"- {q.question}\n  gold={q.answers[0]!r} short={answer.short_answer!r} f1={f1:.2f} "
                  f"contains={row['contains']}\n  quote: {quote[:250]}")
    print(f"{'kind':8s} {'n':>5s} {'EM':>6s} {'F1':>6s} {'short':>6s} {'contains':>8s} {'cited':>6s} {'abst':>6s}")
    for kind, t in sorted(totals.items(), key=lambda kv: -kv[1]["n"]):
        n = t["n"]
        print(f"{kind:8s} {int(n):5d} {t['em']/n:6.3f} {t['f1']/n:6.3f} {t['short']/n:6.3f} "
              f"{t['contains']/n:8.3f} {t['cited']/n:6.3f} {t['abstained']/n:6.3f}")
    print(f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
