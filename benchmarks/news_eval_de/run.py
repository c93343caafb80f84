#!/usr/bin/env python3
"""The news evaluation set (issue 19): build its corpus from 10kGNAD, ask every question, print the figures.

    python benchmarks/news_eval_de/run.py [--csv PATH] [--out DIR] [--answerer extractive] [--limit N]

The corpus is the 88 question articles and 25 distractors of articles.json, written at run time
as gnad_<row>.txt (10kGNAD is CC BY-NC-SA 4.0 and never copied into the repository). Every
question is asked through the product's pipeline, follow-ups with their `history`. Prints
../shared/eval/score.py's figures and the breakdown by type (qa.eval.breakdown), and writes the
answers and figures to OUT (default benchmarks/out/news_eval_de/). For measuring only: never
train or calibrate on it.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    from qa.eval.gnad import DEFAULT_CSV, write_articles

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "news_eval_de")
    parser.add_argument("--answerer", default=None)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--quiet", action="store_true", help="only the figures")
    args = parser.parse_args()

    from qa.config import Settings
    from qa.eval.batch import run_batch
    from qa.eval.breakdown import breakdown
    from qa.eval.score import score
    from qa.pipeline import Pipeline

    gold = [json.loads(line) for line in (HERE / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    gold = gold[:args.limit] if args.limit else gold
    articles = json.loads((HERE / "articles.json").read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix="qa-news-eval-"))
    write_articles(articles["question_rows"] + articles["distractor_rows"], work / "corpus", args.csv)
    settings = Settings.from_env().with_(corpus_dir=work / "corpus", vectorstore_dir=work / "vectorstore",
                                         answerer=args.answerer)
    pipeline = Pipeline(settings)
    report = pipeline.ingest(progress=False)
    pipeline.warm_up()
    print(f"# {len(gold)} Fragen, Korpus aus {len(report.added)} Artikeln ({report.seconds:.0f} s Index)")
    answers = {a["id"]: a for a in run_batch(pipeline, gold)}
    standard = score({g["id"]: g for g in gold}, answers)
    verdicts = {q["id"]: q for q in standard.pop("per_question")}
    figures = breakdown(gold, answers, verdicts)
    if not args.quiet:
        for g in gold:
            a = answers[g["id"]]
            mark = "ok  " if verdicts[g["id"]]["ok"] else "MISS"
            understood = f" [verstanden als: {a['understood_as']}]" if a.get("understood_as") else ""
            print(f"{mark} {g['id']} [{g.get('type')}] {g['question']}{understood}\n     -> "
                  + ("[enthalten] " if a["abstained"] else "") + a["answer"].replace("\n", " | ")[:300])
    for key, value in {**standard, **figures}.items():
        print(f"{key}: {value}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "answers.jsonl").write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in answers.values()),
                                            encoding="utf-8")
    (args.out / "figures.json").write_text(json.dumps({**standard, **figures}, ensure_ascii=False, indent=1) + "\n",
                                           encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
