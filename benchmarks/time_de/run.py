#!/usr/bin/env python3
"""The time-aware question set: build its corpus, ask every question, report the date figures.

    python benchmarks/time_de/run.py [--questions FILE] [--csv PATH] [--out DIR] [--answerer extractive]

The corpus is the five seed articles plus the 10kGNAD test articles the questions cite and
DISTRACTORS others (dated and undated), written at run time as gnad_<row>.txt (row = 0-based
line of test.csv, text as in the CSV). 10kGNAD is CC BY-NC-SA 4.0: it is never copied into the
repository. Prints the figures of ../shared/eval/score.py (answer accuracy, citations, …) and
those of qa.eval.timescore (date_right, relative_resolved, silent_picks, time_preferred), and
writes the answers and figures to OUT (default benchmarks/out/time_de/).
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))
GNAD = REPO.parent / "shared" / "data" / "10kgnad" / "test.csv"
QUESTIONS = HERE / "questions.jsonl"
DISTRACTORS = 40  # further 10kGNAD articles: the first rows that no question cites


def load_gold(path: Path = QUESTIONS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build_corpus(target: Path, gold: list[dict], csv_path: Path) -> Path:
    """Seeds and 10kGNAD articles in `target` (made anew)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(REPO / "corpus", target)
    with open(csv_path, encoding="utf-8", newline="") as f:
        texts = [row[1] for row in csv.reader(f, delimiter=";", quotechar="'") if len(row) >= 2]
    cited = {int(m.group(1)) for g in gold for s in g["sources"] for m in [re.match(r"gnad_(\d+)\.txt$", s)] if m}
    rows = sorted(cited) + [r for r in range(len(texts)) if r not in cited][:DISTRACTORS]
    for row in rows:
        (target / f"gnad_{row:04d}.txt").write_text(texts[row] + "\n", encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=Path, default=QUESTIONS,
                        help="another time-aware set, e.g. benchmarks/time_questions_de/questions.jsonl")
    parser.add_argument("--csv", type=Path, default=GNAD)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "time_de")
    parser.add_argument("--answerer", default=None)
    args = parser.parse_args()

    from qa.answer.record import answer_record
    from qa.config import Settings
    from qa.eval.score import score
    from qa.eval.timescore import score_time
    from qa.pipeline import Pipeline

    gold = load_gold(args.questions)
    work = Path(tempfile.mkdtemp(prefix="qa-time-"))
    corpus = build_corpus(work / "corpus", gold, args.csv)
    settings = Settings.from_env().with_(corpus_dir=corpus, vectorstore_dir=work / "vectorstore",
                                         answerer=args.answerer)
    pipeline = Pipeline(settings)
    report = pipeline.ingest(progress=False)
    pipeline.warm_up()
    print(f"# {len(gold)} questions, corpus of {len(report.added)} articles ({report.seconds:.0f} s to index)")
    answers = {g["id"]: {"id": g["id"], **answer_record(pipeline.ask(g["question"]))} for g in gold}
    dates = {r.source: r.date for r in pipeline.articles()}
    standard = score({g["id"]: g for g in gold}, answers)
    figures = score_time(gold, answers, dates)
    for g in gold:
        a = answers[g["id"]]
        print(f"{g['id']} [{g['time']}] {g['question']}\n    -> {'[enthalten] ' if a['abstained'] else ''}"
              + a["answer"].replace("\n", " | ")[:400])
    print(f"answer_accuracy {standard['answer_accuracy']}  citation_hit_rate {standard['citation_hit_rate']}  "
          f"latency p50 {standard['latency_ms_p50']} ms")
    for key, value in figures.items():
        print(f"{key}: {value}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "answers.jsonl").write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in answers.values()),
                                            encoding="utf-8")
    standard.pop("per_question")
    (args.out / "figures.json").write_text(json.dumps({"standard": standard, "time": figures}, ensure_ascii=False,
                                                      indent=1), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
