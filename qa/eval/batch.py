"""Batch answering: JSON Lines of questions in, one answer record per question out
(the contract of ../shared/eval/README.md).
"""
from __future__ import annotations

import json
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
