"""The date figures of the time-aware question set (qa.eval.timescore), on hand-made records."""
from __future__ import annotations

import json
from pathlib import Path

from qa.dates import PartialDate
from qa.eval.timescore import names_date, score_time, written_forms

QUESTIONS = Path(__file__).resolve().parents[1] / "benchmarks" / "time_de" / "questions.jsonl"


def test_written_forms_and_names_date():
    assert written_forms("2020-02-12") == ["12.02.2020", "12.2.2020", "12. Februar 2020"]
    assert written_forms("2020-02") == ["Februar 2020"]
    assert names_date({"answer": "Am 12. Februar 2020 [1]."}, "2020-02-12")
    assert names_date({"answer": "…", "resolved_dates": [{"iso": "2020-02-12"}]}, "2020-02-12")
    assert not names_date({"answer": "Am 12.02.2021."}, "2020-02-12")


def test_score_time_by_hand():
    gold = [
        {"id": "r1", "time": "relative", "sources": ["a.txt"], "expected_dates": ["2015-09-10"]},
        {"id": "r2", "time": "relative", "sources": ["b.txt"], "expected_dates": [], "unresolvable": True},
        {"id": "r3", "time": "relative", "sources": ["a.txt"], "expected_dates": ["2015-09-17"]},
        {"id": "c1", "time": "conflict", "sources": ["a.txt"], "conflict": [
            {"date": "2020-02-14", "answers": ["Esper"]}, {"date": None, "answers": ["Carter"]}]},
        {"id": "c2", "time": "conflict", "sources": ["a.txt"], "conflict": [
            {"date": "2020-02-14", "answers": ["Esper"]}, {"date": None, "answers": ["Carter"]}]},
        {"id": "q1", "time": "question_time", "sources": ["a.txt"], "range": ["2015-09", "2015-09"]},
        {"id": "n1", "time": "newest", "sources": ["a.txt"]},
    ]
    cite = [{"source": "a.txt"}]
    answers = {
        "r1": {"answer": "Donnerstag [1].", "citations": cite, "resolved_dates": [{"iso": "2015-09-10", "article_date": "2015-09-11"}]},
        "r2": {"answer": "Freitag [1].", "citations": [{"source": "b.txt"}],
               "resolved_dates": [{"iso": None, "article_date": None}]},
        "r3": {"answer": "Donnerstag [1].", "citations": cite, "resolved_dates": [{"iso": "2015-09-10", "article_date": "2015-09-11"}]},
        "c1": {"answer": "– laut DW vom 14.02.2020: Mark Esper [1]\n– ohne Datum: Ashton Carter [2]"},
        "c2": {"answer": "Ashton Carter [1]."},
        "q1": {"answer": "…", "retrieved": [{"source": "u.txt"}, {"source": "a.txt"}, {"source": "b.txt"}]},
        "n1": {"answer": "…", "retrieved": [{"source": "a.txt"}, {"source": "c.txt"}]},
    }
    dates = {"a.txt": PartialDate(2015, 9, 11), "b.txt": None, "c.txt": PartialDate(2016, 1, 2), "u.txt": None}
    figures = score_time(gold, answers, dates)
    assert figures["date_right"] == 0.5  # r1 right, r3 wrong (r2 has no expected date)
    assert figures["relative_resolved"] == round(2 / 3, 4)  # r1, r2
    assert (figures["silent_picks"], figures["conflicts_listed"]) == (1, 1)  # c2 named Carter only
    assert figures["time_preferred"] == 0.5  # q1: a.txt (2015-09) first dated; n1: a.txt older than c.txt
    assert figures["misses"] == {"date_right": ["r3"], "relative_resolved": ["r3"], "silent_picks": ["c2"],
                                 "time_preferred": ["n1"]}


def test_the_question_set_is_well_formed():
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len({r["id"] for r in rows}) == len(rows) >= 25
    for r in rows:
        assert r["answerable"] and r["answers"] and r["sources"] and r["time"] in (
            "relative", "conflict", "question_time", "newest")
        if r["time"] == "relative":
            assert r["expected_dates"] or r.get("unresolvable")
        if r["time"] == "conflict":
            assert len(r["conflict"]) >= 2 and any(group["date"] for group in r["conflict"])
