"""How the BM25 side scales: build time, memory and query time of `KeywordIndex` by corpus size.

    python benchmarks/bench_keyword.py [--sizes 1000,5000,20000,55000]

The keyword index is built once when the retriever opens and kept in memory (never per query).
A query looks up its stemmed terms and sums their posting columns of bm25s' sparse score matrix
(cost: the postings of the query's terms), then picks the top n with argpartition over one float
per chunk (linear, but a few microseconds per 10,000 chunks). This script measures both, on
10kGNAD chunks (copies beyond the 1,028 articles, ids distinct), without embeddings or Chroma.
Figures to read, nothing asserted.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_scale import GNAD, load_gnad, pct, questions_from  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,20000,55000", help="chunks")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    from qa.ingest.chunking import chunk_article
    from qa.ingest.corpus import parse_text
    from qa.retrieval.hybrid import KeywordIndex

    articles = load_gnad(GNAD)
    base = [c for i, (_, text) in enumerate(articles) for c in chunk_article(parse_text(f"a{i}.txt", text, "0" * 16))]
    queries = questions_from(articles, args.queries)
    print(f"# BM25 (bm25s) over 10kGNAD chunks; {len(base)} distinct chunks, larger sizes are copies")
    print("chunks\tbuild_s\tquery_p50_ms\tquery_p95_ms\tper_10k_chunks_p50_ms")
    for size in (int(s) for s in args.sizes.split(",")):
        chunks = [replace(base[i % len(base)], id=f"{i}") for i in range(size)]
        t = time.perf_counter()
        index = KeywordIndex(chunks)
        build = time.perf_counter() - t
        times = []
        for q in queries:
            t = time.perf_counter()
            index.search(q, 30)
            times.append(1000 * (time.perf_counter() - t))
        p50 = statistics.median(times)
        print(f"{size}\t{build:.1f}\t{p50:.2f}\t{pct(times, .95):.2f}\t{p50 / size * 10000:.2f}", flush=True)


if __name__ == "__main__":
    main()
