"""Batch answering: JSON Lines of questions in, one answer record per question out
(the contract of ../shared/eval/README.md).

Every non-empty input line gets exactly one output record, in input order. A line that cannot
be asked (not JSON, not an object, nested too deep, holding a lone surrogate "\\ud800", a
question that is not a text, a history that is not a list of turns or has a turn longer than
`max_turn_chars`, a question the pipeline refuses, a failure while answering it) gets an error
record: the German message in "answer" and in "error", and the line number in "line"; the
other lines get their answers. Only a failure of the whole service (QAError: no index, server
down) stops the run.
Missing and repeated ids are warnings that name the lines (`id_warnings`). `write_records`
writes to a temporary file next to the target and renames it over the target only when every
record is written, so a run that fails leaves the previous output as it was.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from qa.answer.record import answer_record
from qa.errors import QAError, QuestionError
from qa.records import Turn
from qa.safe_json import JSONProblem, json_problem, parse_json

logger = logging.getLogger(__name__)

_TYPES = {bool: "ein Wahrheitswert", int: "eine Zahl", float: "eine Zahl", str: "ein Text", list: "eine Liste",
          dict: "ein Objekt", type(None): "null"}


@dataclass(frozen=True)
class BatchRow:
    line: int  # 1-based line of the input file
    data: Any  # the parsed JSON value (None when the line is not JSON)
    problem: str | None = None  # German, when the row cannot be asked

    @property
    def qid(self):
        return self.data.get("id") if isinstance(self.data, dict) else None


def read_rows(path: Path) -> list[BatchRow]:
    """The non-empty lines of a JSON Lines file, each parsed and checked (never raises for a line)."""
    rows = []
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                rows.append(BatchRow(number, None, f"Zeile {number} ist kein gültiger UTF-8-Text."))
                continue
            if line.strip():
                rows.append(parse_row(line, number))
    return rows


def parse_row(line: str, number: int) -> BatchRow:
    try:
        data = parse_json(line, f"Zeile {number}")
    except JSONProblem as exc:
        return BatchRow(number, None, str(exc))
    except json.JSONDecodeError as exc:
        return BatchRow(number, None, f"Zeile {number} ist kein gültiges JSON (Fehler bei Zeichen {exc.colno}).")
    return BatchRow(number, data, row_problem(data, number))


def row_problem(data: Any, number: int) -> str | None:
    """What makes a parsed row unaskable, in German; None when it can be asked."""
    problem = json_problem(data, f"Zeile {number}")
    if problem:
        return problem
    if not isinstance(data, dict):
        return f"Zeile {number} ist kein JSON-Objekt ({{\"id\": …, \"question\": …}}), sondern {_kind(data)}."
    if "question" not in data:
        return f"Zeile {number} enthält keine Frage (Feld „question“ fehlt)."
    if not isinstance(data["question"], str):
        return f"Zeile {number}: „question“ muss ein Text sein, nicht {_kind(data['question'])}."
    history = data.get("history")
    if history is not None and not isinstance(history, list):
        return f"Zeile {number}: „history“ muss eine Liste von Beiträgen sein, nicht {_kind(history)}."
    for position, turn in enumerate(history or [], start=1):
        if not (isinstance(turn, dict) and isinstance(turn.get("content"), str)
                and isinstance(turn.get("role", "user"), str)):
            return (f"Zeile {number}: Beitrag {position} in „history“ muss ein Objekt mit „role“ und "
                    "„content“ (Texte) sein.")
    return None


def _kind(value: Any) -> str:
    return _TYPES.get(type(value), type(value).__name__)


def as_rows(rows: Iterable[dict]) -> list[BatchRow]:
    """Rows that are already parsed (a gold file, a test), numbered from 1 and checked."""
    return [BatchRow(number, row, row_problem(row, number)) for number, row in enumerate(rows, start=1)]


def read_jsonl(path: Path) -> list[dict]:
    """Every row of a JSON Lines file (a gold file); QAError in German at the first invalid line."""
    rows = read_rows(path)
    bad = next((row for row in rows if row.data is None), None)
    if bad is not None:
        raise QAError(f"{path}: {bad.problem}")
    return [row.data for row in rows]


def id_warnings(rows: Iterable[BatchRow]) -> list[str]:
    """German warnings for rows without an id and for ids used more than once, naming the lines."""
    missing, lines_of = [], {}
    for row in rows:
        if not isinstance(row.data, dict) or json_problem(row.qid) is not None:
            continue
        if row.qid is None or row.qid == "":
            missing.append(row.line)
        else:
            lines_of.setdefault(json.dumps(row.qid, ensure_ascii=False), []).append(row.line)
    warnings = [f"Die id {qid} kommt mehrfach vor ({_lines(lines)}); die Antworten lassen sich nicht "
                "eindeutig zuordnen." for qid, lines in lines_of.items() if len(lines) > 1]
    if missing:
        warnings.insert(0, f"Ohne id: {_lines(missing)}; ihre Antworten haben \"id\": null.")
    return warnings


def _lines(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"Zeile {numbers[0]}"
    return "Zeilen " + ", ".join(map(str, numbers[:-1])) + f" und {numbers[-1]}"


def history_of(row: dict) -> tuple[Turn, ...]:
    return tuple(Turn(t.get("role", "user"), t.get("content", "")) for t in row.get("history") or [])


def error_record(row: BatchRow, message: str) -> dict:
    qid = row.qid if json_problem(row.qid) is None else None  # an id that cannot be written back: null
    return {"id": qid, "answer": message, "short_answer": None, "abstained": True, "citations": [],
            "retrieved": [], "answerer": "none", "latency_ms": 0.0, "error": message, "line": row.line}


def turn_problem(row: BatchRow, max_chars: int) -> str | None:
    """German, when a turn of the row's history is longer than `max_chars` (settings.max_turn_chars)."""
    for position, turn in enumerate(history_of(row.data), start=1):
        if len(turn.content) > max_chars:
            return (f"Zeile {row.line}: Beitrag {position} in „history“ ist zu lang ({len(turn.content):,} Zeichen; "
                    f"höchstens {max_chars:,}).").replace(",", ".")
    return None


def answer_rows(pipeline, rows: Iterable[BatchRow]) -> Iterator[dict]:
    """One output record per row, in order: its answer, or an error record."""
    max_turn = getattr(getattr(pipeline, "settings", None), "max_turn_chars", None)
    for row in rows:
        problem = row.problem or (turn_problem(row, max_turn) if max_turn else None)
        if problem:
            yield error_record(row, problem)
            continue
        try:
            answer = pipeline.ask(row.data["question"], history_of(row.data))
        except QuestionError as exc:
            yield error_record(row, f"Zeile {row.line}: {exc}")
            continue
        except QAError:
            raise  # the service itself (index, server): no line can be answered
        except Exception as exc:  # this line only: the others are still answered
            logger.debug("line %s failed", row.line, exc_info=exc)
            yield error_record(row, f"Zeile {row.line}: Die Frage konnte nicht beantwortet werden "
                                    f"(unerwarteter Fehler: {type(exc).__name__}).")
            continue
        yield {"id": row.qid, **answer_record(answer)}


def run_batch(pipeline, rows: Iterable[dict]) -> Iterator[dict]:
    """One output record per parsed row (the contract of ../shared/eval/README.md)."""
    return answer_rows(pipeline, as_rows(rows))


def write_records(records: Iterable[dict], outfile: Path) -> int:
    """Write JSON Lines atomically: a temporary file next to `outfile`, renamed over it once
    complete (an exception leaves `outfile` untouched). Returns the number of records."""
    outfile.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=outfile.parent, prefix=f".{outfile.name}.", suffix=".tmp")
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for record in records:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private; the output is an ordinary file
        os.replace(temporary, outfile)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return count
