"""Evaluation metrics (hand-computed), the SQuAD loader, and `qa eval --squad` end to end."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import main
from qa.eval.metrics import (contains_answer, coverage_curve, exact_match, f1_score, gold_rank, mrr_at_k,
                             normalize_answer_de, percentile, recall_at_k, summarize_squad, token_f1,
                             unique_sources, worst_misses)
from qa.eval.report import render_report
from qa.eval.score import score
from qa.eval.squad import load_squad, spread
from qa.language import question_kind

XQUAD = Path(__file__).parent / "data" / "xquad_de" / "xquad.de.json"
MLQA = Path(__file__).parent / "data" / "mlqa_de_dev" / "mlqa_de_dev.squad_format.CONVERTED.json"


# -- German SQuAD normalisation, EM, F1 -------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("Die Normannen.", "normannen"),
    ("„Der Vertrag von Paris“", "vertrag von paris"),
    ("Einer der Gründer", "gründer"),
    ("dieser Vertrag", "dieser vertrag"),  # only whole articles go
    ("U.S.-Armee", "usarmee"),  # punctuation is removed, not replaced (as in SQuAD)
    ("1.000 Euro", "1000 euro"),
    ("  eines   Tages ", "tages"),
    ("DEM Kaiser (1066)", "kaiser 1066"),
])
def test_normalize_answer_de(text, expected):
    assert normalize_answer_de(text) == expected


def test_exact_match_uses_german_normalisation_and_best_gold():
    assert exact_match("die Normannen", ["Normannen"]) == 1.0
    assert exact_match("Normanne", ["Normannen"]) == 0.0
    assert exact_match("Rom", ["Paris", "rom."]) == 1.0
    assert exact_match(None, ["Paris"]) == 0.0


def test_token_f1_hand_computed():
    # [vertrag, von, paris] vs [vertrag, von, versailles]: 2 common, P = R = 2/3
    assert token_f1("der Vertrag von Paris", "Vertrag von Versailles") == pytest.approx(2 / 3)
    # [1066] vs [im, jahr, 1066]: P = 1, R = 1/3, F1 = 2 * 1/3 / (4/3) = 0.5
    assert token_f1("1066", "im Jahr 1066") == pytest.approx(0.5)
    assert token_f1("Paris", "Rom") == 0.0
    # repeated tokens count once per occurrence: [a, a, b] vs [a, b, b]: common 2, P = R = 2/3
    assert token_f1("a a b", "a b b") == pytest.approx(2 / 3)


def test_f1_is_max_over_gold_and_none_scores_zero():
    # "Paris" vs "in Paris": P = 1, R = 1/2 -> 2/3; vs "Rom": 0
    assert f1_score("Paris", ["Rom", "in Paris"]) == pytest.approx(2 / 3)
    assert f1_score(None, ["Paris"]) == 0.0


def test_contains_answer_whole_words_after_normalisation():
    answer = "Der Vertrag von Paris [1].\n\n„Er wurde 1763 unterzeichnet.“ [1]"
    assert contains_answer(answer, ["den Vertrag von Paris"])
    assert contains_answer(answer, ["1763"])
    assert not contains_answer(answer, ["Pari"])
    assert not contains_answer(answer, ["die"])  # normalises to nothing: never "contained"


# -- retrieval metrics ------------------------------------------------------------------------------
def test_unique_sources_and_gold_rank():
    ranked = unique_sources(["a", "a", "b", "c", "b", "d"])
    assert ranked == ["a", "b", "c", "d"]
    assert gold_rank(ranked, "c") == 3
    assert gold_rank(ranked, {"x", "d"}) == 4
    assert gold_rank(ranked, "x") is None


def test_recall_and_mrr_hand_computed():
    ranks = [1, 3, None, 6]
    assert recall_at_k(ranks, 1) == 0.25
    assert recall_at_k(ranks, 5) == 0.5
    assert recall_at_k(ranks, 10) == 0.75
    assert mrr_at_k(ranks, 10) == pytest.approx((1 + 1 / 3 + 1 / 6) / 4)  # 0.375
    assert mrr_at_k(ranks, 5) == pytest.approx((1 + 1 / 3) / 4)
    assert recall_at_k([], 5) == 0.0


def test_percentile_nearest_rank():
    assert percentile([40, 10, 30, 20], 50) == 20
    assert percentile([40, 10, 30, 20], 95) == 40
    assert percentile([5.0], 95) == 5.0
    assert percentile([], 50) is None


def _row(i, rank, f1=0.0, contains=False, cited=False, short=None):
    return {"id": f"q{i}", "question": f"Frage {i}?", "gold": ["X"], "source": "p0001.txt", "kind": "other",
            "short_answer": short, "answer": "…", "abstained": False, "cited": [], "latency_ms": 10.0 * (i + 1),
            "em": float(f1 == 1.0), "f1": f1, "contains": contains, "cited_gold": cited,
            "ranks": {"product": rank, "bm25": None}, "top": []}


def test_summarize_squad_and_worst_misses_order():
    rows = [_row(0, 1, f1=1.0, contains=True, cited=True, short="X"),
            _row(1, None),                               # not retrieved at all: worst
            _row(2, 3, contains=False, cited=True),      # cited, span missing
            _row(3, 2, f1=0.5, contains=True, cited=True, short="X Y"),
            _row(4, 7)]                                  # retrieved low, not cited
    result = summarize_squad(rows, ["product", "bm25"])
    assert result["retrieval"]["product"]["recall_at_1"] == 0.2
    assert result["retrieval"]["product"]["recall_at_5"] == 0.6
    assert result["retrieval"]["product"]["recall_curve"][6] == 0.8  # recall@7
    assert result["retrieval"]["bm25"]["recall_at_10"] == 0.0
    assert result["recall_at_5_margin"] == {"bm25": 0.6}
    assert result["answers"]["short_answer_f1"] == 0.3
    assert result["answers"]["short_answer_em"] == 0.2
    assert result["answers"]["answer_contains_gold"] == 0.4
    assert result["answers"]["latency_ms_p50"] == 30.0
    assert [m["id"] for m in worst_misses(rows)] == ["q1", "q4", "q2", "q3"]  # q0 is right: no miss
    assert not result["checks"]["recall_at_5_at_least_0.95"]
    assert result["checks"]["recall_at_5_above_every_baseline"]


def test_render_report_escapes_table_cells():
    rows = [_row(0, None, short="a | b")]
    metrics = {"dataset": {"name": "t.json", "questions": 1, "questions_total": 1, "limit": None, "paragraphs": 1},
               "settings": {"embedding_model": "m", "chunk_size": 700, "top_k": 8},
               "index": {"chunks": 1, "build_seconds": 0.1, "model_load_seconds": 0.1},
               "elapsed_seconds": 1.0, **summarize_squad(rows, ["product"])}
    report = render_report(metrics)
    assert "a \\| b" in report and "## Retrieval" in report and "(recall_at_k.png)" in report


def test_the_reference_scorer_figures():
    gold = {"a": {"question": "Wann?", "answerable": True, "answers": [["Oktober 2018"]], "sources": ["x.txt"]},
            "b": {"question": "Wer?", "answerable": False, "answers": [], "sources": []}}
    pred = {"a": {"answer": "Seit Oktober 2018 [1].", "abstained": False, "citations": [{"source": "x.txt"}],
                  "retrieved": [{"source": "y.txt"}, {"source": "x.txt"}], "latency_ms": 40.0},
            "b": {"answer": "Dazu enthalten die Artikel keine Angaben.", "abstained": True, "citations": [],
                  "retrieved": [], "latency_ms": 20.0}}
    result = score(gold, pred)
    assert result["solved_rate"] == 1.0 and result["abstention_recall"] == 1.0
    assert result["doc_recall_at_1"] == 0.0 and result["doc_recall_at_5"] == 1.0 and result["doc_mrr"] == 0.5
    assert result["latency_ms_p50"] == 30.0


def test_the_vendored_scorer_is_the_shared_one():
    shared = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score.py"
    if not shared.is_file():
        pytest.skip("../shared/eval/score.py is not on this machine")
    vendored = Path(__file__).resolve().parents[1] / "qa" / "eval" / "score.py"
    assert vendored.read_bytes() == shared.read_bytes()


def test_coverage_curve_hand_computed():
    rows = [{"confidence": 0.9, "candidate_f1": 1.0}, {"confidence": 0.6, "candidate_f1": 0.5},
            {"confidence": 0.2, "candidate_f1": 0.0}, {"confidence": None, "candidate_f1": 0.0}]
    curve = {c["threshold"]: c for c in coverage_curve(rows, steps=10)}
    assert curve[0.0]["coverage"] == 0.75 and curve[0.0]["f1"] == 0.5
    assert curve[0.5] == {"threshold": 0.5, "coverage": 0.5, "f1": 0.75, "exact": 0.5}
    assert curve[1.0]["coverage"] == 0.0 and curve[1.0]["f1"] is None


@pytest.mark.parametrize("question, kind", [
    ("Seit wann läuft der Einsatz?", "date"), ("In welchem Jahr starb Tesla?", "date"),
    ("Wie viele Soldaten sind im Irak?", "count"), ("Mit wem traf er sich?", "person"),
    ("Wo liegt Erbil?", "place"), ("Welches Land übernimmt?", "which"), ("Was forderte das Parlament?", "what"),
    ("Und wer ist sein Nachfolger?", "person"), ("Nenne die Hauptstadt.", "other"),
])
def test_question_kind(question, kind):
    assert question_kind(question) == kind


# -- SQuAD files ------------------------------------------------------------------------------------
def test_load_squad_names_paragraphs_and_skips_unanswerable(tmp_path):
    data = {"version": "2.0", "data": [
        {"title": "A", "paragraphs": [
            {"context": "Erster Absatz.", "qas": [
                {"id": "1", "question": "Was?", "answers": [{"text": "Erster", "answer_start": 0}]},
                {"id": "2", "question": "Nichts?", "answers": [], "is_impossible": True}]},
            {"context": "Zweiter Absatz.", "qas": [
                {"id": "3", "question": "Wie?", "answers": {"text": ["Zweiter", "Zweiter"], "answer_start": [0, 0]}}]}]},
        {"title": "B", "paragraphs": [
            {"context": "Erster Absatz.", "qas": [
                {"id": "4", "question": "Nochmal?", "answers": [{"text": "Absatz", "answer_start": 7}]}]}]}]}
    path = tmp_path / "set.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    dataset = load_squad(path)
    assert dataset.paragraphs == (("p0001.txt", "Erster Absatz."), ("p0002.txt", "Zweiter Absatz."))
    assert [(q.id, q.source, q.gold) for q in dataset.questions] == [
        ("1", "p0001.txt", ("Erster",)), ("3", "p0002.txt", ("Zweiter",)), ("4", "p0001.txt", ("Absatz",))]
    assert dataset.skipped == 1


def test_vendored_sets_have_the_documented_size():
    xquad, mlqa = load_squad(XQUAD), load_squad(MLQA)
    assert (len(xquad.paragraphs), len(xquad.questions)) == (240, 1190)
    assert (len(mlqa.paragraphs), len(mlqa.questions)) == (456, 512)


def test_spread_samples_evenly():
    assert spread(tuple(range(10)), 3) == (0, 3, 6)
    assert spread(tuple(range(4)), 10) == (0, 1, 2, 3)
    assert spread(tuple(range(4)), None) == (0, 1, 2, 3)


def test_cli_eval_needs_exactly_one_input(tmp_path):
    result = CliRunner().invoke(main, ["eval"])
    assert result.exit_code == 1 and "genau eines" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "--squad", str(bad)])
    assert result.exit_code == 1 and "keine SQuAD-Datei" in result.output


# -- end to end, real model -------------------------------------------------------------------------
@pytest.mark.slow
def test_cli_eval_squad_slice_writes_report(tmp_path):
    """30 questions over the first 8 XQuAD articles (40 paragraphs), with the baselines."""
    data = json.loads(XQUAD.read_text(encoding="utf-8"))
    data["data"] = data["data"][:8]
    subset = tmp_path / "xquad-slice.json"
    subset.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["--vectorstore-dir", str(tmp_path / "unused"), "eval", "--squad",
                                       str(subset), "--limit", "30", "--baseline", "--out-dir", str(out), "--json"])
    assert result.exit_code == 0, result.output
    for name in ("metrics.json", "questions.jsonl", "report.md"):
        assert (out / name).stat().st_size > 0
    for name in ("recall_at_k.png", "latency.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["dataset"]["questions"] == 30 and metrics["dataset"]["paragraphs"] == 40
    assert set(metrics["retrieval"]) == {"product", "bm25", "dense", "langchain"}
    assert len((out / "questions.jsonl").read_text(encoding="utf-8").splitlines()) == 30
    # floors a broken pipeline would fail; the real figures are higher (docs/evaluation.md)
    for figures in metrics["retrieval"].values():
        assert 0.7 <= figures["recall_at_5"] <= 1.0
        assert figures["recall_at_1"] <= figures["recall_at_5"] <= figures["recall_at_10"]
    answers = metrics["answers"]
    assert answers["answer_contains_gold"] >= 0.5
    assert answers["citation_hit_rate"] >= 0.6
    assert answers["span_f1"] >= 0.3  # the reader's span; the bold headline is rare since its 95 % precision threshold
    assert answers["abstention_rate"] <= 0.3
    assert 0 < answers["latency_ms_p50"] <= answers["latency_ms_p95"]
    assert 0 < len(metrics["worst_misses"]) <= 20
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "![Recall@k](recall_at_k.png)" in report and "schlechtesten Antworten" in report
    assert "Abdeckung und Genauigkeit" in report
    curve = metrics["coverage_curve"]
    assert curve[0]["threshold"] == 0.0 and curve[-1]["threshold"] == 1.0
    assert all(a["coverage"] >= b["coverage"] for a, b in zip(curve, curve[1:]))
    assert 0 < metrics["operating_point"] < 1
    assert json.loads(result.stdout)["retrieval"]["product"] == metrics["retrieval"]["product"]


def test_coverage_line_names_the_operating_point_and_every_fifth_threshold():
    from qa.eval.report import coverage_line

    rows = [{"confidence": 0.9, "candidate_f1": 1.0}, {"confidence": 0.6, "candidate_f1": 0.5}]
    line = coverage_line(coverage_curve(rows, steps=20), 0.49)
    assert line.startswith("Abdeckung/Genauigkeit (Arbeitspunkt t = 0.49): t 0.0: 100% beantwortet, F1 0.750")
    assert "t 0.6: 100% beantwortet" in line and "t 0.8: 50% beantwortet, F1 1.000" in line
    assert line.endswith("t 1.0: keine")
    assert line.count("t 0.") == 5  # 0.0, 0.2, 0.4, 0.6, 0.8
