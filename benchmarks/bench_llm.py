"""Benchmark the generative answerer: time to first token and total time per question.

    python benchmarks/bench_llm.py [--questions tests/data/dev.jsonl] [--model PATH|bundled:gemma3-270m]

Runs every question through `Pipeline.stream(answerer="llm")` with the default local model
(Qwen2.5-Coder-1.5B Q4_K_M) unless --model says otherwise, and prints per question the time
to the first streamed token, the total time, and what was kept after verification; then
p50/p95. Questions the evidence gate rejects never reach the model and are listed apart.
Aims on 2 cores (issue 4): first token under 3 s, complete answer under 12 s p50.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=Path, default=REPO / "tests" / "data" / "dev.jsonl")
    parser.add_argument("--model", default=None, help="GGUF path or bundled:gemma3-270m (default: bundled Qwen)")
    parser.add_argument("--out", type=Path, default=None, help="write the batch records here (JSON Lines)")
    args = parser.parse_args()

    from qa.answer.base import Streamed
    from qa.answer.record import answer_record
    from qa.config import Settings
    from qa.eval.batch import history_of, read_jsonl
    from qa.answer.generative import GATED_NOTE
    from qa.pipeline import Pipeline

    settings = Settings.from_env().with_(answerer="llm", llm_model_path=args.model,
                                         vectorstore_dir=Path(tempfile.mkdtemp(prefix="qa-bench-llm-")))
    pipeline = Pipeline(settings)
    pipeline.ingest(progress=False)
    pipeline.warm_up()
    t = time.perf_counter()
    backend = pipeline.answerer("llm").backend
    print(f"model: {backend.name}, load {time.perf_counter() - t:.1f} s")

    first, total, gated, records = [], [], [], []
    for row in read_jsonl(args.questions):
        started = time.perf_counter()
        first_at, stream = None, Streamed(pipeline.stream(row["question"], history_of(row)))
        for _ in stream:
            if first_at is None:
                first_at = time.perf_counter() - started
        answer = stream.answer
        elapsed = time.perf_counter() - started
        records.append(answer_record(answer, row.get("id")))
        if GATED_NOTE in answer.notes:
            gated.append(row["id"])
            print(f"{row['id']}: abstained before any model call ({elapsed * 1000:.0f} ms)")
            continue
        first.append(first_at or elapsed)
        total.append(elapsed)
        print(f"{row['id']}: first token {first[-1]:5.2f} s, total {elapsed:5.2f} s, {answer.answerer:10s} "
              f"{answer.text[:90]!r}")
    if first:
        q95 = lambda xs: sorted(xs)[max(0, int(round(0.95 * len(xs))) - 1)]
        print(f"model calls: {len(first)}; first token p50 {statistics.median(first):.2f} s, p95 {q95(first):.2f} s; "
              f"total p50 {statistics.median(total):.2f} s, p95 {q95(total):.2f} s; gated: {len(gated)}")
    if args.out:
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


if __name__ == "__main__":
    main()
