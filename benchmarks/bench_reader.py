"""Extractive answer latency with the trained reader: compute types and passages read.

    .venv/bin/python benchmarks/bench_reader.py [--corpus corpus] [--questions tests/data/dev.jsonl]
        [--dtypes onnx,float32,bfloat16,int8] [--passages 2,3,4] [--repeat 2]

`onnx` is the shipped default (QA_INFERENCE=onnx: ONNX Runtime in float32); the others are torch's
compute types (QA_INFERENCE=torch, QA_READER_DTYPE). For every (dtype, passages) pair: the seed corpus is indexed once, every question is answered
`--repeat` times through `Pipeline.ask` (retrieval + reader, models loaded before the clock),
and p50/p95 of `latency_ms` are printed, with the reader's share (the same questions read
alone) and the answers' agreement with the first dtype listed. Figures, not assertions: compare the rows of
one run (the machine may be shared).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def percentile(values, q):
    ordered = sorted(values)
    return ordered[max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--questions", type=Path, default=REPO / "tests" / "data" / "dev.jsonl")
    parser.add_argument("--dtypes", default="onnx,float32,bfloat16,int8")
    parser.add_argument("--passages", default="2,3,4")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    from qa.config import Settings
    from qa.embedding.embedder import load_embedder
    from qa.pipeline import Pipeline
    from qa.reader.model import load_reader

    questions = [json.loads(line)["question"] for line in args.questions.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    with tempfile.TemporaryDirectory(prefix="qa-bench-reader-") as tmp:
        base = Settings.from_env().replace(corpus_dir=args.corpus, vectorstore_dir=Path(tmp) / "index")
        embedder = load_embedder(base)
        Pipeline(base, embedder=embedder).ingest(progress=False)
        reference: dict[str, str | None] = {}
        print(f"{len(questions)} Fragen × {args.repeat}, Korpus {args.corpus}")
        print("dtype     passages  p50 ms  p95 ms  reader p50 ms  same short answer as " + args.dtypes.split(",")[0])
        dtypes = args.dtypes.split(",")
        for dtype in dtypes:
            inference, compute = ("onnx", "float32") if dtype == "onnx" else ("torch", dtype)
            reader = load_reader(base.cache_dir, base.reader_weights_dir, compute, inference)
            for passages in (int(p) for p in args.passages.split(",")):
                settings = base.replace(reader_dtype=compute, inference=inference, reader_passages=passages)
                pipeline = Pipeline(settings, embedder=embedder, reader=reader)
                pipeline.warm_up()
                latencies, reads, same = [], [], 0
                for question in questions * args.repeat:
                    answer = pipeline.ask(question)
                    latencies.append(answer.latency_ms)
                    texts = [h.chunk.text for h in answer.hits[:passages]]
                    started = time.perf_counter()
                    reader.read(question, texts)
                    reads.append((time.perf_counter() - started) * 1000)
                    key = f"{question}/{passages}"
                    if dtype == dtypes[0]:
                        reference[key] = answer.short_answer
                    same += reference.get(key, answer.short_answer) == answer.short_answer
                print(f"{dtype:9s} {passages:8d}  {statistics.median(latencies):6.1f}  {percentile(latencies, 95):6.1f}"
                      f"  {statistics.median(reads):13.1f}  {same / len(latencies):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
