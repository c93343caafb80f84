"""Paragraph recall of dense, BM25 and fused rankings under other fusion settings (advisory).

    .venv/bin/python benchmarks/fusion_sweep.py tests/data/xquad_de/xquad.de.json

Uses the index benchmarks/squad_answers.py keeps under benchmarks/out/<name>/ (run it first).
Each question is embedded once; dense and BM25 candidate lists (depth `candidates`) are fused with
`qa.retrieval.rrf_fuse` for several `rrf_k` values and with the dense list counted twice, then
deduplicated to paragraphs. Row "rrf_k=60" with depth 30 is what the product does (Settings).
Figures are for choosing settings on XQuAD German; MLQA German is a test set: measure, don't tune.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qa.config import Settings  # noqa: E402
from qa.errors import IndexMismatchError  # noqa: E402
from qa.evaluation import gold_rank, mrr_at_k, recall_at_k, unique_sources  # noqa: E402
from qa.retrieval import rrf_fuse  # noqa: E402
from qa.squad import load_squad  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("squad", type=Path)
    parser.add_argument("--depth", type=int, nargs="+", default=[30, 60])
    args = parser.parse_args()
    from qa.pipeline import Pipeline

    dataset = load_squad(args.squad)
    folder = OUT / args.squad.stem
    settings = replace(Settings.from_env(), corpus_dir=folder / "corpus", vectorstore_dir=folder / "index",
                       chroma_host=None)
    pipeline = Pipeline(settings)
    try:
        pipeline.ingest(progress=True)
    except IndexMismatchError:  # built by an older version of the code
        pipeline.ingest(rebuild=True, progress=True)
    retriever = pipeline.retriever
    variants = {f"{name} depth={d}": [] for d in args.depth
                for name in ("dense", "bm25", "rrf_k=60", "rrf_k=20", "rrf_k=120", "rrf_k=60 dense x2")}
    for q in dataset.questions:
        for depth in args.depth:
            dense = [c for c, _ in retriever.dense(q.question, depth)]
            keyword = [c for c, _ in retriever.keyword_search(q.question, depth)]
            by_id = {c.id: c for c in dense + keyword}
            lists = {"dense": [c.id for c in dense], "bm25": [c.id for c in keyword]}
            for k in (60, 20, 120):
                lists[f"rrf_k={k}"] = [cid for cid, _ in rrf_fuse([lists["dense"], lists["bm25"]], k)]
            lists["rrf_k=60 dense x2"] = [cid for cid, _ in rrf_fuse([lists["dense"], lists["dense"], lists["bm25"]], 60)]
            for name, ids in lists.items():
                ranked = unique_sources(by_id[cid].source for cid in ids)
                variants[f"{name} depth={depth}"].append(gold_rank(ranked, q.source))
    print(f"{'variant':28s} {'R@1':>6s} {'R@5':>6s} {'R@10':>6s} {'MRR@10':>7s}")
    for name, ranks in variants.items():
        print(f"{name:28s} {recall_at_k(ranks, 1):6.3f} {recall_at_k(ranks, 5):6.3f} "
              f"{recall_at_k(ranks, 10):6.3f} {mrr_at_k(ranks, 10):7.3f}")


if __name__ == "__main__":
    main()
