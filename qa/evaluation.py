"""Batch evaluation: run questions through the pipeline and score them.

`score_gold` reproduces ../shared/eval/score.py (same normalisation, same
figures), so `qa eval GOLD.jsonl` prints what the scorer would print.
"""
from __future__ import annotations

import json
import re
import statistics
import unicodedata
from pathlib import Path
from typing import Iterable, Iterator

from qa.errors import QAError, QuestionError
from qa.records import Turn


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise QAError(f"{path}, Zeile {number}: kein gültiges JSON ({exc.msg}).") from exc
    return rows


def history_of(row: dict) -> tuple[Turn, ...]:
    return tuple(Turn(t.get("role", "user"), t.get("content", "")) for t in row.get("history") or [])


def run_batch(pipeline, rows: Iterable[dict]) -> Iterator[dict]:
    """One output record per input row (the contract of ../shared/eval/README.md)."""
    for row in rows:
        qid = row.get("id")
        try:
            answer = pipeline.ask(row.get("question", ""), history_of(row))
            yield answer.to_record(qid)
        except QuestionError as exc:
            yield {"id": qid, "answer": str(exc), "short_answer": None, "abstained": True, "citations": [],
                   "retrieved": [], "answerer": "none", "latency_ms": 0.0, "error": str(exc)}


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    text = re.sub(r"[^\w]+", " ", text)
    return f" {' '.join(text.split())} "


def _contains(answer: str, alias: str) -> bool:
    return _norm(alias) in _norm(answer)


def score_gold(gold: dict[str, dict], pred: dict[str, dict]) -> dict:
    """The figures of ../shared/eval/score.py for answers `pred` against `gold` (both by id)."""
    n_ans = n_unans = solved = right = cited = false_abst = abst_ok = 0
    rr, r1, r5, lat, per_q = [], [], [], [], []
    for qid, g in gold.items():
        p = pred.get(qid, {})
        answer = p.get("answer") or ""
        abstained = bool(p.get("abstained", False))
        cites = {c.get("source") for c in p.get("citations") or []}
        ranked = list(dict.fromkeys(h.get("source") for h in p.get("retrieved") or []))
        if isinstance(p.get("latency_ms"), (int, float)):
            lat.append(float(p["latency_ms"]))
        if g["answerable"]:
            n_ans += 1
            is_right = not abstained and all(any(_contains(answer, a) for a in grp) for grp in g["answers"])
            has_cite = bool(cites & set(g["sources"]))
            right += is_right
            cited += has_cite
            false_abst += abstained
            ok = is_right and has_cite
            ranks = [i + 1 for i, s in enumerate(ranked) if s in g["sources"]]
            rr.append(1.0 / ranks[0] if ranks else 0.0)
            r1.append(1.0 if ranks and ranks[0] <= 1 else 0.0)
            r5.append(1.0 if ranks and ranks[0] <= 5 else 0.0)
        else:
            n_unans += 1
            ok = abstained
            abst_ok += abstained
        solved += ok
        per_q.append({"id": qid, "ok": ok, "question": g["question"], "answer": answer[:200],
                      "abstained": abstained, "cited": sorted(c for c in cites if c)})

    def mean(xs):
        return round(sum(xs) / len(xs), 4) if xs else None

    return {
        "questions": len(gold), "missing": sorted(set(gold) - set(pred)),
        "solved": solved, "solved_rate": round(solved / len(gold), 4) if gold else None,
        "answer_accuracy": round(right / n_ans, 4) if n_ans else None,
        "citation_hit_rate": round(cited / n_ans, 4) if n_ans else None,
        "false_abstention_rate": round(false_abst / n_ans, 4) if n_ans else None,
        "abstention_recall": round(abst_ok / n_unans, 4) if n_unans else None,
        "doc_recall_at_1": mean(r1), "doc_recall_at_5": mean(r5), "doc_mrr": mean(rr),
        "latency_ms_p50": round(statistics.median(lat), 1) if lat else None,
        "latency_ms_p95": round(sorted(lat)[max(0, int(len(lat) * 0.95) - 1)], 1) if lat else None,
        "per_question": per_q,
    }


def format_score(result: dict) -> str:
    """The text score.py prints: one line per question, then the figures."""
    result = dict(result)
    lines = []
    for q in result.pop("per_question"):
        mark = "ok " if q["ok"] else "MISS"
        lines.append(f"{mark} {q['id']}: {q['question']} -> {'[abstained] ' if q['abstained'] else ''}"
                     f"{q['answer']!r} {q['cited']}")
    lines += [f"{key}: {value}" for key, value in result.items()]
    return "\n".join(lines)
