"""Benchmark: ingest throughput against the bare encoder, and per-question latency of `qa batch`.

    python benchmarks/bench_pipeline.py [--corpus DIR] [--questions FILE.jsonl] [--repeat 3]

Prints figures only; nothing is asserted (machines are shared and noisy: compare the
ratios within one run). Targets (issue 2): pipeline overhead under 10 % over the encoder,
extractive answer p50 on the five seed articles (model loading excluded; target 250 ms, issue 10).
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--questions", type=Path, default=REPO / "tests" / "data" / "dev.jsonl")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (best and median shown)")
    args = parser.parse_args()

    from qa.ingest.chunking import chunk_article
    from qa.config import Settings
    from qa.ingest.corpus import iter_corpus_files, read_article
    from qa.embedding.embedder import load_embedder
    from qa.eval.batch import read_jsonl, run_batch
    from qa.pipeline import Pipeline

    base = Settings.from_env()
    t = time.perf_counter()
    embedder = load_embedder(base)
    print(f"model load: {time.perf_counter() - t:.1f} s ({embedder.name}, dim {embedder.dim})")

    articles = [read_article(p, args.corpus) for p in iter_corpus_files(args.corpus)]
    texts = [c.text for a in articles for c in chunk_article(a, base.chunk_size, base.chunk_overlap)]
    embedder.embed_passages(texts[:8])  # warm the kernels
    print(f"corpus: {len(articles)} files, {len(texts)} chunks, {sum(map(len, texts)):,} characters")

    encoder_times, ingest_times = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        embedder.embed_passages(texts)
        encoder_times.append(time.perf_counter() - t)
        store = Path(tempfile.mkdtemp(prefix="qa-bench-"))
        settings = base.with_(corpus_dir=args.corpus, vectorstore_dir=store)
        t = time.perf_counter()
        Pipeline(settings, embedder=embedder).ingest(progress=False)
        ingest_times.append(time.perf_counter() - t)
        shutil.rmtree(store, ignore_errors=True)
    enc, ing = statistics.median(encoder_times), statistics.median(ingest_times)
    print(f"bare encoder : {len(texts) / enc:7.1f} chunks/s (median of {args.repeat}: {enc:.2f} s; best {min(encoder_times):.2f} s)")
    print(f"whole ingest : {len(texts) / ing:7.1f} chunks/s (median of {args.repeat}: {ing:.2f} s; best {min(ingest_times):.2f} s)")
    print(f"pipeline overhead over the encoder: {100 * (ing - enc) / enc:+.1f} % (median), "
          f"{100 * (min(ingest_times) - min(encoder_times)) / min(encoder_times):+.1f} % (best)")

    store = Path(tempfile.mkdtemp(prefix="qa-bench-"))
    pipeline = Pipeline(base.with_(corpus_dir=args.corpus, vectorstore_dir=store), embedder=embedder)
    pipeline.ingest(progress=False)
    pipeline.warm_up()
    rows = read_jsonl(args.questions)
    latencies = []
    for _ in range(args.repeat):
        latencies += [r["latency_ms"] for r in run_batch(pipeline, rows)]
    print(f"qa batch latency over {len(rows)} questions x {args.repeat}: p50 {statistics.median(latencies):.1f} ms, "
          f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms")
    from qa.answer import AnswerContext, final

    stages = {"embed query": [], "retrieve (dense+bm25+fusion)": [], "answer": []}
    for row in rows:
        t0 = time.perf_counter()
        pipeline.embedder.embed_queries([row["question"]])
        t1 = time.perf_counter()
        hits = pipeline.retrieve(row["question"])
        t2 = time.perf_counter()
        final(pipeline.answerer("extractive").stream(row["question"], hits, AnswerContext()))
        t3 = time.perf_counter()
        stages["embed query"].append(1000 * (t1 - t0))
        stages["retrieve (dense+bm25+fusion)"].append(1000 * (t2 - t1))
        stages["answer"].append(1000 * (t3 - t2))
    print("stage medians: " + ", ".join(f"{k} {statistics.median(v):.1f} ms" for k, v in stages.items()))
    shutil.rmtree(store, ignore_errors=True)
    print(json.dumps({"chunks": len(texts), "encoder_chunks_per_s": len(texts) / enc,
                      "ingest_chunks_per_s": len(texts) / ing, "overhead_pct": 100 * (ing - enc) / enc,
                      "latency_p50_ms": statistics.median(latencies),
                      "latency_p95_ms": percentile(latencies, 0.95)}))


if __name__ == "__main__":
    main()
