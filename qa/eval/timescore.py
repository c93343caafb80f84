"""The date-related figures of a time-aware question set (benchmarks/time_de/questions.jsonl).

Gold rows have the fields of ../shared/eval/dev.jsonl plus `time` (what the row tests) and:

    relative        "expected_dates": ISO dates (possibly partial) the answer must name, resolved
                    from relative time in the evidence ("am Mittwoch" -> "2020-02-12");
                    "unresolvable": true when the article has no date (the answer must say so)
    conflict        "conflict": [{"date": ISO or null, "answers": [alias, …]}, …]: articles of
                    different dates answer differently
    question_time   "range": [from, to]: the question names this time
    newest          the question asks for the newest state

Answer records are those of `qa batch` (with `resolved_dates`, `question_time`, `retrieved`).

Figures (the issue's targets):
- `date_right`: of the rows with expected dates, the share answered (not abstained, citing a gold
  source) that name every expected date — as a resolved date or written in the text
  ("12.02.2020", "12. Februar 2020", "Februar 2020");
- `relative_resolved`: of the relative rows, the share whose resolved dates are exactly the
  expected ones (unresolvable rows: said to be unresolvable);
- `silent_picks`: conflict rows answered with the facts of only one date (target 0), next to
  `conflicts_listed` (rows naming the facts of two or more dates) and abstentions;
- `time_preferred`: of the question-time and newest rows, the share whose first retrieved dated
  passage lies in the range (is the newest among the retrieved ones).
"""
from __future__ import annotations

import re
from typing import Mapping

from qa.dates import PartialDate, display_date, month_name


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w.]+", " ", text.lower()).split())


def written_forms(iso: str) -> list[str]:
    """How an answer may write a date: '2020-02-12' -> '12.02.2020', '12.2.2020', '12. februar 2020'."""
    value = PartialDate.from_iso(iso)
    if value is not None and value.precision == "day":
        y, m, d = value.year, value.month, value.day
        return [value.german(), f"{d}.{m}.{y}", f"{d}. {month_name(m)} {y}"]
    return [display_date(value)]


def names_date(record: Mapping, iso: str) -> bool:
    if any(r.get("iso") == iso for r in record.get("resolved_dates") or []):
        return True
    text = _norm(record.get("answer") or "")
    return any(_norm(form) in text for form in written_forms(iso))


def _cites(record: Mapping, gold: Mapping) -> bool:
    return bool({c.get("source") for c in record.get("citations") or []} & set(gold.get("sources") or []))


def _relative_ok(record: Mapping, gold: Mapping) -> bool:
    resolved = record.get("resolved_dates") or []
    if gold.get("unresolvable"):
        return bool(resolved) and all(r.get("iso") is None and r.get("article_date") is None for r in resolved)
    return bool(resolved) and set(gold["expected_dates"]) <= {r.get("iso") for r in resolved}


def _groups_named(record: Mapping, gold: Mapping) -> int:
    text = _norm(record.get("answer") or "")
    return sum(any(_norm(alias) in text for alias in group["answers"]) for group in gold["conflict"])


def _first_dated_in_range(record: Mapping, gold: Mapping, dates: Mapping[str, PartialDate | None]) -> bool:
    dated = [dates.get(hit.get("source")) for hit in record.get("retrieved") or []]
    dated = [d for d in dated if d]
    if not dated:
        return False
    if gold["time"] == "newest":
        return dated[0].end_key >= max(d.end_key for d in dated)
    low, high = (PartialDate.from_iso(gold["range"][0]), PartialDate.from_iso(gold["range"][1]))
    return dated[0].overlaps(low, high)


def score_time(gold: list[Mapping], answers: Mapping[str, Mapping], dates: Mapping[str, PartialDate | None]) -> dict:
    """The figures above, with the ids of the rows that missed. `dates`: source -> article date."""
    figures, misses = {}, {}
    dated = [g for g in gold if g.get("expected_dates")]
    right = [g["id"] for g in dated if not answers[g["id"]].get("abstained") and _cites(answers[g["id"]], g)
             and all(names_date(answers[g["id"]], iso) for iso in g["expected_dates"])]
    figures["date_right"] = _share(right, dated)
    misses["date_right"] = [g["id"] for g in dated if g["id"] not in right]
    relative = [g for g in gold if g.get("time") == "relative"]
    resolved = [g["id"] for g in relative if _relative_ok(answers[g["id"]], g)]
    figures["relative_resolved"] = _share(resolved, relative)
    misses["relative_resolved"] = [g["id"] for g in relative if g["id"] not in resolved]
    conflicts = [g for g in gold if g.get("time") == "conflict"]
    named = {g["id"]: 0 if answers[g["id"]].get("abstained") else _groups_named(answers[g["id"]], g) for g in conflicts}
    figures["conflict_questions"] = len(conflicts)
    figures["silent_picks"] = sum(1 for n in named.values() if n == 1)
    figures["conflicts_listed"] = sum(1 for n in named.values() if n >= 2)
    figures["conflicts_abstained"] = sum(1 for g in conflicts if answers[g["id"]].get("abstained"))
    misses["silent_picks"] = [qid for qid, n in named.items() if n == 1]
    timed = [g for g in gold if g.get("time") in ("question_time", "newest")]
    preferred = [g["id"] for g in timed if _first_dated_in_range(answers[g["id"]], g, dates)]
    figures["time_preferred"] = _share(preferred, timed)
    misses["time_preferred"] = [g["id"] for g in timed if g["id"] not in preferred]
    return {**figures, "misses": misses}


def _share(hits: list, rows: list) -> float | None:
    return round(len(hits) / len(rows), 4) if rows else None
