#!/usr/bin/env python3
"""The conversation set (issue 20): follow-ups, overviews, unanswerable turns and greetings, asked
turn by turn with their history.

    python benchmarks/conversations_de/run.py [--csv PATH] [--out DIR] [--answerer extractive] [--quiet]

Corpus: the five seed articles, the 35 10kGNAD articles of articles.json and 40 further 10kGNAD
articles as distractors (the first rows from 600 on that no conversation uses: the unanswerable
turns were checked against that range), written at run time (10kGNAD is CC BY-NC-SA 4.0 and never
copied into the repository). Each turn is asked with the conversation so far as history: the
earlier questions and their reference answers. Figures (qa.eval.conversation): solved by turn type,
key-fact coverage of overview answers and how many of them abstained.
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
DISTRACTORS = 40


def main() -> None:
    from qa.eval.gnad import DEFAULT_CSV, write_articles

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "conversations_de")
    parser.add_argument("--answerer", default=None)
    parser.add_argument("--quiet", action="store_true", help="only the figures")
    args = parser.parse_args()

    from qa.config import Settings
    from qa.eval.conversation import ask_conversations, score_conversations
    from qa.pipeline import Pipeline

    conversations = [json.loads(line) for line in (HERE / "conversations.jsonl").read_text(encoding="utf-8").splitlines()
                     if line.strip()]
    rows = json.loads((HERE / "articles.json").read_text(encoding="utf-8"))["rows"]
    distractors = [r for r in range(600, 1028) if r not in rows][:DISTRACTORS]
    work = Path(tempfile.mkdtemp(prefix="qa-conversations-"))
    shutil.copytree(REPO / "corpus", work / "corpus")
    write_articles(rows + distractors, work / "corpus", args.csv)
    settings = Settings.from_env().with_(corpus_dir=work / "corpus", vectorstore_dir=work / "vectorstore",
                                         answerer=args.answerer)
    pipeline = Pipeline(settings)
    report = pipeline.ingest(progress=False)
    pipeline.warm_up()
    print(f"# {len(conversations)} Gespräche, Korpus aus {len(report.added)} Artikeln ({report.seconds:.0f} s Index)")
    records = ask_conversations(pipeline, conversations)
    figures = score_conversations(conversations, records)
    if not args.quiet:
        for line in figures.pop("lines"):
            print(line)
    else:
        figures.pop("lines")
    for key, value in figures.items():
        print(f"{key}: {value}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "answers.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                                            encoding="utf-8")
    (args.out / "figures.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
