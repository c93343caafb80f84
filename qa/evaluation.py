"""Batch evaluation: run questions through the pipeline, score them, write reports.

`score_gold` reproduces ../shared/eval/score.py (same normalisation, same
figures), so `qa eval GOLD.jsonl` prints what the scorer would print.

For SQuAD-format sets (qa/squad.py runs them): German-normalised exact match
and F1 of short answers, recall@k and MRR of the gold paragraph, percentiles,
the summary of a run, and its report (metrics.json, questions.jsonl, report.md,
recall_at_k.png, latency.png).

Not handled: EM/F1 normalisation does not fold spelling variants ("ss"/"ß",
"1000"/"tausend") or inflection ("Normannen"/"Normanne"); they count as different.
"""
from __future__ import annotations

import json
import math
import re
import statistics
import string
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator, Sequence

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


# -- metrics for SQuAD-format sets (see qa/squad.py) ----------------------------------------------
_ARTICLES_DE = re.compile(r"\b(?:der|die|das|den|dem|des|ein|eine|einer|eines|einem|einen)\b")
_ASCII_PUNCT = set(string.punctuation)


def normalize_answer_de(text: str) -> str:
    """SQuAD's answer normalisation adapted to German: NFKC, lower case, punctuation removed
    (not replaced: "U.S." -> "us", "1.000" -> "1000"), German articles dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(ch for ch in text if ch not in _ASCII_PUNCT and not unicodedata.category(ch).startswith("P"))
    return " ".join(_ARTICLES_DE.sub(" ", text).split())


def exact_match(prediction: str | None, gold: Sequence[str]) -> float:
    """1.0 when the normalised prediction equals one normalised gold answer; None scores 0."""
    if prediction is None:
        return 0.0
    pred = normalize_answer_de(prediction)
    return float(any(pred == normalize_answer_de(g) for g in gold))


def token_f1(prediction: str, gold: str) -> float:
    """SQuAD's bag-of-tokens F1 between two answers (after normalisation)."""
    pred, ref = normalize_answer_de(prediction).split(), normalize_answer_de(gold).split()
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def f1_score(prediction: str | None, gold: Sequence[str]) -> float:
    """The best token F1 over the gold answers; None scores 0."""
    if prediction is None or not gold:
        return 0.0
    return max(token_f1(prediction, g) for g in gold)


def contains_answer(text: str, gold: Sequence[str]) -> bool:
    """True when a normalised gold answer occurs as whole words in the normalised text."""
    haystack = f" {normalize_answer_de(text)} "
    return any(normalize_answer_de(g) and f" {normalize_answer_de(g)} " in haystack for g in gold)


def unique_sources(sources: Iterable[str]) -> list[str]:
    """Sources in rank order, each at its first (best) rank: chunk ranking -> document ranking."""
    return list(dict.fromkeys(sources))


def gold_rank(ranked: Sequence[str], gold: str | Iterable[str]) -> int | None:
    """1-based rank of the first gold source in a deduplicated ranking, None when absent."""
    wanted = {gold} if isinstance(gold, str) else set(gold)
    return next((i for i, s in enumerate(ranked, start=1) if s in wanted), None)


def recall_at_k(ranks: Sequence[int | None], k: int) -> float:
    """Share of questions whose gold source is within the top k (rank None = not found)."""
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def mrr_at_k(ranks: Sequence[int | None], k: int = 10) -> float:
    """Mean reciprocal rank, counting a gold source below rank k as 0."""
    return sum(1.0 / r for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100): the smallest value with q% of values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


RANK_MISSING = 99  # sorts a gold paragraph outside the ranking below every rank


def summarize_squad(rows: Sequence[dict], variants: Sequence[str], worst: int = 20) -> dict:
    """Summary figures of a SQuAD run from its per-question rows (see qa/squad.py)."""
    n = len(rows)

    def share(key: str) -> float | None:
        return round(sum(bool(r[key]) for r in rows) / n, 4) if n else None

    retrieval = {}
    for name in variants:
        ranks = [r["ranks"][name] for r in rows]
        retrieval[name] = {"recall_at_1": round(recall_at_k(ranks, 1), 4), "recall_at_5": round(recall_at_k(ranks, 5), 4),
                           "recall_at_10": round(recall_at_k(ranks, 10), 4), "mrr_at_10": round(mrr_at_k(ranks, 10), 4),
                           "recall_curve": [round(recall_at_k(ranks, k), 4) for k in range(1, 11)]}
    latencies = [r["latency_ms"] for r in rows if not r.get("error")]
    answers = {
        "short_answer_em": round(sum(r["em"] for r in rows) / n, 4) if n else None,
        "short_answer_f1": round(sum(r["f1"] for r in rows) / n, 4) if n else None,
        "short_answer_rate": round(sum(r["short_answer"] is not None for r in rows) / n, 4) if n else None,
        "answer_contains_gold": share("contains"),
        "citation_hit_rate": share("cited_gold"),
        "abstention_rate": share("abstained"),
        "latency_ms_p50": percentile(latencies, 50), "latency_ms_p95": percentile(latencies, 95),
        "latency_ms_mean": round(statistics.fmean(latencies), 1) if latencies else None,
    }
    by_kind = {}
    for kind in sorted({r["kind"] for r in rows}):
        group = [r for r in rows if r["kind"] == kind]
        by_kind[kind] = {"questions": len(group),
                         "short_answer_em": round(sum(r["em"] for r in group) / len(group), 4),
                         "short_answer_f1": round(sum(r["f1"] for r in group) / len(group), 4),
                         "short_answer_rate": round(sum(r["short_answer"] is not None for r in group) / len(group), 4),
                         "answer_contains_gold": round(sum(r["contains"] for r in group) / len(group), 4)}
    product = retrieval["product"]["recall_at_5"]
    margins = {name: round(product - v["recall_at_5"], 4) for name, v in retrieval.items() if name != "product"}
    checks = {"recall_at_5_at_least_0.95": product >= 0.95,
              "answer_contains_gold_at_least_0.8": (answers["answer_contains_gold"] or 0) >= 0.8}
    if margins:
        checks["recall_at_5_above_every_baseline"] = all(m > 0 for m in margins.values())
    return {"retrieval": retrieval, "recall_at_5_margin": margins, "answers": answers, "by_kind": by_kind,
            "checks": checks, "worst_misses": worst_misses(rows, worst)}


def worst_misses(rows: Sequence[dict], count: int = 20) -> list[dict]:
    """The `count` worst answers: gold paragraph not retrieved (lowest first), then not cited,
    then the gold span missing from the answer, then the lowest short-answer F1."""
    def severity(item):
        i, r = item
        rank = r["ranks"].get("product")
        return (r["contains"], r["cited_gold"], -(rank or RANK_MISSING), r["f1"], i)

    misses = [(i, r) for i, r in enumerate(rows) if r["f1"] < 1.0]
    keys = ("id", "question", "gold", "short_answer", "answer", "source", "ranks", "top", "cited", "f1")
    return [{k: r[k] for k in keys} for _, r in sorted(misses, key=severity)[:count]]



# -- report: metrics.json, questions.jsonl, report.md, recall_at_k.png, latency.png ---------------
VARIANT_LABELS = {"product": "Produkt (RRF: dense + BM25)", "bm25": "BM25 allein", "dense": "Dense allein (e5)",
                  "langchain": "LangChain-Lehrbuch (1000/200, Chroma)"}


def write_squad_report(result: dict, out_dir: Path) -> list[Path]:
    """Write every figure and the readable report; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    metrics = {k: v for k, v in result.items() if k != "rows"}
    paths = [out_dir / "metrics.json", out_dir / "questions.jsonl", out_dir / "recall_at_k.png",
             out_dir / "latency.png", out_dir / "report.md"]
    paths[0].write_text(json.dumps(metrics, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    with open(paths[1], "w", encoding="utf-8") as f:
        for row in result["rows"]:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    plot_recall(result["retrieval"], paths[2])
    plot_latency([r["latency_ms"] for r in result["rows"]], paths[3])
    paths[4].write_text(render_report(metrics), encoding="utf-8")
    return paths


def plot_recall(retrieval: dict, path: Path) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.add_subplot()
    for name, figures in retrieval.items():
        ax.plot(range(1, 11), figures["recall_curve"], marker="o", label=VARIANT_LABELS.get(name, name))
    ax.set(xlabel="k (Absätze)", ylabel="Recall@k des Gold-Absatzes", title="Recall@k je Variante",
           xticks=range(1, 11))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.savefig(path, dpi=110)


def plot_latency(latencies: Sequence[float], path: Path) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 3.8), layout="constrained")
    ax = fig.add_subplot()
    ax.hist(latencies, bins=40, color="#4c72b0")
    for q, style in ((50, "--"), (95, ":")):
        value = percentile(latencies, q)
        if value is not None:
            ax.axvline(value, color="black", linestyle=style, label=f"p{q} = {value:.0f} ms")
    ax.set(xlabel="Latenz je Frage (ms, Retrieval + Antwort)", ylabel="Fragen", title="Latenz je Frage")
    ax.legend()
    fig.savefig(path, dpi=110)


def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, (list, tuple)):
        value = " / ".join(str(v) for v in value)
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Iterable[Sequence]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def render_report(m: dict) -> str:
    """report.md: what was run, the tables, the figures, the worst misses (German headings)."""
    d, idx, a = m["dataset"], m["index"], m["answers"]
    lines = [f"# Auswertung: {d['name']}", "",
             f"{d['questions']} von {d['questions_total']} Fragen"
             + (f" (--limit {d['limit']}, gleichmäßig verteilt)" if d["limit"] else "")
             + f", {d['paragraphs']} Absätze als Korpus; Modell {m['settings']['embedding_model']}, "
             f"Abschnitte {m['settings']['chunk_size']} Zeichen, top_k {m['settings']['top_k']}, "
             f"Antwortverfahren {m['settings'].get('answerer', 'extractive')}. "
             f"Index: {idx['chunks']} Abschnitte in {idx['build_seconds']} s "
             f"(Modell laden {idx['model_load_seconds']} s); Laufzeit gesamt {m['elapsed_seconds']} s.", "",
             "## Retrieval (Gold-Absatz, Absatzebene)", ""]
    margins = m.get("recall_at_5_margin", {})
    lines += _table(["Variante", "R@1", "R@5", "R@10", "MRR@10", "Produkt − Variante (R@5)"],
                    [(VARIANT_LABELS.get(name, name), r["recall_at_1"], r["recall_at_5"], r["recall_at_10"],
                      r["mrr_at_10"], margins.get(name)) for name, r in m["retrieval"].items()])
    if "langchain" in idx:
        lc = idx["langchain"]
        lines += [f"LangChain-Lehrbuch: {lc['chunks']} Abschnitte, Index in {lc['build_seconds']} s; für R@5/R@10 "
                  f"mit k={lc['ranked_k']} abgefragt, die Lehrbuch-Pipeline gibt ihrem LLM k={lc['llm_k']}.", ""]
    lines += ["![Recall@k](recall_at_k.png)", "", "## Antworten", ""]
    lines += _table(["Kennzahl", "Wert"], [
        ("short_answer EM", a["short_answer_em"]), ("short_answer F1", a["short_answer_f1"]),
        ("Anteil mit short_answer", a["short_answer_rate"]),
        ("Antworttext enthält Gold-Span", a["answer_contains_gold"]),
        ("Zitate enthalten Gold-Absatz", a["citation_hit_rate"]), ("Enthaltungen", a["abstention_rate"]),
        ("Latenz p50 (ms)", a["latency_ms_p50"]), ("Latenz p95 (ms)", a["latency_ms_p95"])])
    lines += ["Nach Fragetyp (`qa.answering.question_type`):", ""]
    lines += _table(["Typ", "Fragen", "EM", "F1", "mit short_answer", "enthält Gold"],
                    [(k, v["questions"], v["short_answer_em"], v["short_answer_f1"], v["short_answer_rate"],
                      v["answer_contains_gold"]) for k, v in m["by_kind"].items()])
    lines += ["![Latenz](latency.png)", "", "## Zielwerte (Issue 5)", ""]
    lines += _table(["Prüfung", "erfüllt"], m["checks"].items())
    lines += [f"## Die {len(m['worst_misses'])} schlechtesten Antworten", "",
              "Sortiert: Gold-Absatz nicht gefunden (schlechtester Rang zuerst), dann nicht zitiert, "
              "dann Gold-Span fehlt in der Antwort, dann niedrigste F1.", ""]
    for i, miss in enumerate(m["worst_misses"], start=1):
        ranks = ", ".join(f"{k}: {v if v else '–'}" for k, v in miss["ranks"].items())
        answer = " ".join(miss["answer"].split())
        lines += [f"{i}. **{_cell(miss['question'])}** (`{miss['id']}`)",
                  f"   - Gold: {_cell(miss['gold'])} — Absatz `{miss['source']}` (Rang {ranks})",
                  f"   - short_answer: {_cell(miss['short_answer'])} (F1 {miss['f1']:.2f})",
                  f"   - Antwort: {_cell(answer[:300] + ('…' if len(answer) > 300 else ''))}",
                  f"   - Gefunden (Produkt, Top 5): {_cell(miss['top'])}; zitiert: {_cell(miss['cited'])}", ""]
    return "\n".join(lines)
