#!/usr/bin/env python3
"""Build the news QA data set from the written passages and the blind second pass.

    python data/newsqa_de/build.py tasks      # blind/tasks_<raw>.jsonl: passages and questions, no answers
    python data/newsqa_de/build.py build      # agreement, splits, SQuAD 2.0 files, figures
    python data/newsqa_de/build.py corpus SPLIT DIR   # a split's passages as DIR/<pid>.txt (for qa eval)

Steps of `build` (standard library only):
1. Every question of raw/*.jsonl was answered a second time, blind (blind/answers_<raw>.jsonl:
   {"qid", "question", "answers": [...]}; [] = the passage does not say), by another annotator who
   saw the passage and the questions (shuffled; follow-ups with their history) and nothing else.
   An answer given to another wording of the question than the final one does not count. A question is kept when both
   passes agree: both say "not in the passage", or both give the same number of spans and each
   pair matches (one contains the other after normalisation, or token F1 >= 0.5).
2. Passages are split (seeded, by passage, stratified by region): 70 % train, 15 % calibration,
   15 % test. No passage is in two parts.
3. Written: newsqa_de.{train,calibration,test}.json (SQuAD 2.0: `is_impossible` for the
   unanswerable ones; follow-ups as their standalone question, two-part questions left out) and
   newsqa_de.{train,calibration,test}.jsonl (every kept question in the gold format of
   ../shared/eval/dev.jsonl, with `history`, `type`, `kind` and `passage`), and stats.json.
"""
from __future__ import annotations

import json
import random
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 13
SPLITS = (("train", 0.70), ("calibration", 0.15), ("test", 0.15))


def load_raw() -> list[dict]:
    passages = []
    for path in sorted((HERE / "raw").glob("*.jsonl")):
        passages += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return passages


def tasks() -> None:
    """Blind tasks, one file per finished raw file (10 passages): questions shuffled, no answers,
    types or rewrites. Existing task files are kept."""
    out = HERE / "blind"
    out.mkdir(exist_ok=True)
    made = []
    for path in sorted((HERE / "raw").glob("*.jsonl")):
        target = out / f"tasks_{path.stem}.jsonl"
        passages = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        if target.exists() or len(passages) < 10:
            continue
        rng = random.Random(f"{SEED}-{path.stem}")
        lines = []
        for p in passages:
            qs = [{"qid": q["qid"], "question": q["question"], **({"history": q["history"]} if q.get("history") else {})}
                  for q in p["questions"]]
            rng.shuffle(qs)
            lines.append(json.dumps({"pid": p["pid"], "title": p["title"], "text": p["text"], "questions": qs},
                                    ensure_ascii=False))
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
        made.append(target.name)
    print(f"neue Aufgabendateien: {made}")


def norm(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    return [w for w in re.findall(r"\w+", text) if w not in {"der", "die", "das", "den", "dem", "des", "ein", "eine",
                                                            "einer", "eines", "einem", "einen", "am", "im", "in", "an"}]


def f1(a: str, b: str) -> float:
    x, y = norm(a), norm(b)
    common = sum((Counter(x) & Counter(y)).values())
    if not x or not y or not common:
        return float(x == y)
    p, r = common / len(x), common / len(y)
    return 2 * p * r / (p + r)


def same_span(a: str, b: str) -> bool:
    x, y = " ".join(norm(a)), " ".join(norm(b))
    return bool(x and y) and (x in y or y in x or f1(a, b) >= 0.5)


def agree(gold: list[str], blind: list[str]) -> bool:
    if not gold or not blind:
        return not gold and not blind
    return len(gold) == len(blind) and all(same_span(g, b) for g, b in zip(gold, blind))


def load_blind() -> dict[str, tuple[str | None, list[str]]]:
    answers = {}
    for path in sorted((HERE / "blind").glob("answers_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                answers[row["qid"]] = (row.get("question"),
                                       [a for a in row.get("answers") or [] if isinstance(a, str) and a.strip()])
    return answers


def split_of(passages: list[dict]) -> dict[str, str]:
    rng = random.Random(SEED)
    out = {}
    for region in sorted({p["region"] for p in passages}):
        pids = sorted(p["pid"] for p in passages if p["region"] == region)
        rng.shuffle(pids)
        cut1 = round(len(pids) * SPLITS[0][1])
        cut2 = cut1 + round(len(pids) * SPLITS[1][1])
        for i, pid in enumerate(pids):
            out[pid] = "train" if i < cut1 else "calibration" if i < cut2 else "test"
    return out


def build() -> None:
    passages = load_raw()
    blind = load_blind()
    parts = split_of(passages)
    kept = {name: [] for name, _ in SPLITS}
    squad = {name: [] for name, _ in SPLITS}
    stats = Counter()
    by_type = Counter()
    for p in passages:
        qas = []
        for q in p["questions"]:
            stats["written"] += 1
            asked, answered = blind.get(q["qid"], (None, None))
            if answered is None or (asked is not None and asked != q["question"]):
                stats["no_blind_answer"] += 1
                continue
            ok = agree(q["answers"], answered)
            stats[f"agree_{q['type']}"] += ok
            stats[f"total_{q['type']}"] += 1
            if not ok:
                continue
            by_type[q["type"]] += 1
            row = {"id": q["qid"], "question": q["question"], "answerable": bool(q["answers"]),
                   "answers": [[a] for a in q["answers"]], "sources": [f"{p['pid']}.txt"] if q["answers"] else [],
                   "type": q["type"], "kind": q["kind"], "passage": p["pid"]}
            if q.get("history"):
                row["history"] = q["history"]
                row["standalone"] = q["standalone"]
            kept[parts[p["pid"]]].append(row)
            if q["type"] == "two_part":
                continue
            question = q.get("standalone") or q["question"]
            qas.append({"id": q["qid"], "question": question, "is_impossible": not q["answers"],
                        "answers": [{"text": a, "answer_start": p["text"].index(a)} for a in q["answers"]]})
        squad[parts[p["pid"]]].append({"title": p["pid"], "region": p["region"], "topic": p["topic"],
                                       "paragraphs": [{"context": p["text"], "qas": qas}]})
    for name, _ in SPLITS:
        (HERE / f"newsqa_de.{name}.json").write_text(
            json.dumps({"version": "newsqa_de-1.0", "data": squad[name]}, ensure_ascii=False, indent=0) + "\n",
            encoding="utf-8")
        (HERE / f"newsqa_de.{name}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept[name]), encoding="utf-8")
    agreed = sum(v for k, v in stats.items() if k.startswith("agree_"))
    judged = sum(v for k, v in stats.items() if k.startswith("total_"))
    figures = {
        "passages": len(passages), "questions_written": stats["written"], "questions_judged": judged,
        "questions_not_judged": stats["no_blind_answer"],
        "questions_kept": agreed, "agreement": round(agreed / max(1, judged), 4),
        "agreement_by_type": {t: round(stats[f"agree_{t}"] / max(1, stats[f"total_{t}"]), 4)
                              for t in ("single", "two_part", "followup", "unanswerable")},
        "kept_by_type": dict(by_type),
        "kept_unanswerable_share": round(by_type["unanswerable"] / max(1, agreed), 4),
        "splits": {name: {"passages": sum(parts[p["pid"]] == name for p in passages), "questions": len(kept[name])}
                   for name, _ in SPLITS},
        "regions": dict(Counter(p["region"] for p in passages)),
        "topics": dict(Counter(p["topic"] for p in passages).most_common()),
        "kinds_kept": dict(Counter(r["kind"] for rows in kept.values() for r in rows).most_common()),
        "words_per_passage": round(sum(len(p["text"].split()) for p in passages) / max(1, len(passages)), 1),
    }
    (HERE / "stats.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False, indent=1))


def corpus(split: str, target: str) -> None:
    """The passages of a split as files <pid>.txt (title line, blank line, text), the corpus its
    gold-format file (newsqa_de.<split>.jsonl, `sources`) refers to."""
    data = json.loads((HERE / f"newsqa_de.{split}.json").read_text(encoding="utf-8"))["data"]
    raw = {p["pid"]: p for p in load_raw()}
    out = Path(target)
    out.mkdir(parents=True, exist_ok=True)
    for article in data:
        p = raw[article["title"]]
        (out / f"{p['pid']}.txt").write_text(f"{p['title']}\n\n{p['text']}\n", encoding="utf-8")
    print(f"{len(data)} Passagen nach {out}")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "build"
    if command == "corpus":
        corpus(sys.argv[2], sys.argv[3])
    else:
        {"tasks": tasks, "build": build}[command]()
