"""Paragraph recall of dense, BM25 and fused rankings under other fusion settings (advisory).

    .venv/bin/python benchmarks/fusion_sweep.py tests/data/xquad_de/xquad.de.json

Keeps the set's corpus and index under benchmarks/out/<name>/ (built on the first run).
Each question is embedded once; the dense and BM25 candidate lists (depth `candidates`, with
their scores) are fused in several ways, then deduplicated to paragraphs:
- reciprocal rank fusion, sum of w/(k + rank), for several k and dense weights w (BM25 weight 1);
- a convex combination of scores: alpha * cosine + (1 - alpha) * BM25 / best BM25 score.
Figures are for choosing settings on XQuAD German; MLQA German is a test set: measure, don't tune.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qa.config import Settings  # noqa: E402
from qa.errors import IndexMismatchError  # noqa: E402
from qa.eval.metrics import gold_rank, mrr_at_k, recall_at_k, unique_sources  # noqa: E402
from qa.retrieval.hybrid import rrf_fuse  # noqa: E402
from qa.eval.squad import load_squad, write_corpus  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def convex(dense: list[tuple[str, float]], keyword: list[tuple[str, float]], alpha: float) -> list[str]:
    best = max((s for _, s in keyword), default=0.0) or 1.0
    scores: dict[str, float] = {}
    for cid, s in dense:
        scores[cid] = scores.get(cid, 0.0) + alpha * s
    for cid, s in keyword:
        scores[cid] = scores.get(cid, 0.0) + (1 - alpha) * s / best
    return sorted(scores, key=lambda cid: -scores[cid])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("squad", type=Path)
    parser.add_argument("--depth", type=int, default=30)
    args = parser.parse_args()
    from qa.pipeline import Pipeline

    dataset = load_squad(args.squad)
    folder = OUT / args.squad.stem
    settings = Settings.from_env().replace(corpus_dir=folder / "corpus", vectorstore_dir=folder / "index",
                                           chroma_host=None)
    if not settings.corpus_dir.is_dir():
        write_corpus(dataset, settings.corpus_dir)
    pipeline = Pipeline(settings)
    try:
        pipeline.ingest(progress=True)
    except IndexMismatchError:  # built by an older version of the code
        pipeline.ingest(rebuild=True, progress=True)
    retriever = pipeline.retriever
    fusions = {"dense": lambda d, b: [c for c, _ in d], "bm25": lambda d, b: [c for c, _ in b]}
    for k in (10, 20, 60):
        for w in (1.0, 2.0, 2.5, 3.0):
            fusions[f"rrf k={k} w_dense={w}"] = (
                lambda d, b, k=k, w=w: [c for c, _ in rrf_fuse([[c for c, _ in d], [c for c, _ in b]], k, (w, 1.0))])
    for alpha in (0.6, 0.8, 0.85, 0.9, 0.95):
        fusions[f"convex alpha={alpha}"] = lambda d, b, alpha=alpha: convex(d, b, alpha)
    ranks = {name: [] for name in fusions}
    for q in dataset.questions:
        dense = retriever.dense(q.question, args.depth)
        keyword = retriever.keyword_search(q.question, args.depth)
        source = {c.id: c.source for c, _ in dense + keyword}
        d = [(c.id, s) for c, s in dense]
        b = [(c.id, s) for c, s in keyword]
        for name, fuse in fusions.items():
            ranks[name].append(gold_rank(unique_sources(source[cid] for cid in fuse(d, b)), q.source))
    print(f"{'variant':28s} {'R@1':>6s} {'R@5':>6s} {'R@10':>6s} {'MRR@10':>7s}   ({len(dataset.questions)} questions)")
    for name, r in ranks.items():
        print(f"{name:28s} {recall_at_k(r, 1):6.3f} {recall_at_k(r, 5):6.3f} "
              f"{recall_at_k(r, 10):6.3f} {mrr_at_k(r, 10):7.3f}")


if __name__ == "__main__":
    main()
