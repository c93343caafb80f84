"""The report of a SQuAD-format run: metrics.json, questions.jsonl, report.md and two plots
(recall_at_k.png, latency.png; matplotlib, from the `eval` extra).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Sequence

from qa.eval.metrics import percentile

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


def coverage_line(curve: Sequence[dict], operating_point: float | None, every: float = 0.2) -> str:
    """One German line of the reader's coverage/accuracy curve (every `every` of t) and the operating point."""
    points = [c for c in curve if round(c["threshold"] / every, 6).is_integer()]
    cells = [f"t {c['threshold']:.1f}: {c['coverage']:.0%} beantwortet, F1 {c['f1']:.3f}" if c["f1"] is not None
             else f"t {c['threshold']:.1f}: keine" for c in points]
    return f"Abdeckung/Genauigkeit (Arbeitspunkt t = {operating_point}): " + "; ".join(cells)


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
        ("Antwort-Span EM (beantwortete Fragen; Enthaltung = 0)", a.get("span_em")),
        ("Antwort-Span F1 (beantwortete Fragen; Enthaltung = 0)", a.get("span_f1")),
        ("short_answer (Überschrift) EM", a["short_answer_em"]), ("short_answer (Überschrift) F1", a["short_answer_f1"]),
        ("Anteil mit short_answer", a["short_answer_rate"]),
        ("Antworttext enthält Gold-Span", a["answer_contains_gold"]),
        ("Zitate enthalten Gold-Absatz", a["citation_hit_rate"]), ("Enthaltungen", a["abstention_rate"]),
        ("Latenz p50 (ms)", a["latency_ms_p50"]), ("Latenz p95 (ms)", a["latency_ms_p95"])])
    lines += ["Nach Fragewort (`qa.language.question_kind`):", ""]
    lines += _table(["Typ", "Fragen", "EM", "F1", "mit short_answer", "enthält Gold"],
                    [(k, v["questions"], v["short_answer_em"], v["short_answer_f1"], v["short_answer_rate"],
                      v["answer_contains_gold"]) for k, v in m["by_kind"].items()])
    lines += ["![Latenz](latency.png)", "", "## Abdeckung und Genauigkeit des Lesemodells", "",
              "Beantwortet werden nur Fragen, deren bester Kandidat mindestens die Konfidenz t hat; "
              f"der Arbeitspunkt des Produkts ist t = {m.get('operating_point')}.", ""]
    lines += _table(["t", "beantwortet", "F1 der beantworteten", "exakt"],
                    [(c["threshold"], c["coverage"], c["f1"], c["exact"]) for c in m.get("coverage_curve", [])])
    lines += ["## Zielwerte", ""]
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
