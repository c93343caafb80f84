"""Figures for evaluation runs: German-normalised exact match and F1 of short answers, recall@k
and MRR of the gold paragraph, percentiles, and the summary of a SQuAD-format run (qa/eval/squad.py).

Gold files of our own format (`qa eval GOLD.jsonl`) are scored by `qa.eval.score`, a verbatim
copy of ../shared/eval/score.py, so `qa eval` prints exactly what the scorer prints.

Not handled: EM/F1 normalisation does not fold spelling variants ("ss"/"ß",
"1000"/"tausend") or inflection ("Normannen"/"Normanne"); they count as different.
"""
from __future__ import annotations

import math
import statistics
import string
import unicodedata
from collections import Counter
from typing import Iterable, Sequence

from qa.language import ARTICLES

_ASCII_PUNCT = set(string.punctuation)


def normalize_answer_de(text: str) -> str:
    """SQuAD's answer normalisation adapted to German: NFKC, lower case, punctuation removed
    (not replaced: "U.S." -> "us", "1.000" -> "1000"), German articles dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(ch for ch in text if ch not in _ASCII_PUNCT and not unicodedata.category(ch).startswith("P"))
    return " ".join(w for w in text.split() if w not in ARTICLES)


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


def coverage_curve(rows: Sequence[dict], steps: int = 20) -> list[dict]:
    """Answer only from confidence t on: share of questions answered and their mean F1/EM,
    for t = 0, 1/steps, …, 1 (rows need `confidence` and `candidate_f1`)."""
    curve = []
    for i in range(steps + 1):
        t = i / steps
        kept = [r for r in rows if r.get("confidence") is not None and r["confidence"] >= t]
        curve.append({"threshold": round(t, 3), "coverage": round(len(kept) / len(rows), 4) if rows else 0.0,
                      "f1": round(statistics.fmean(r["candidate_f1"] for r in kept), 4) if kept else None,
                      "exact": round(statistics.fmean(r["candidate_f1"] == 1.0 for r in kept), 4) if kept else None})
    return curve


RANK_MISSING = 99  # sorts a gold paragraph outside the ranking below every rank


def summarize_squad(rows: Sequence[dict], variants: Sequence[str], worst: int = 20,
                    operating_point: float | None = None) -> dict:
    """Summary figures of a SQuAD run from its per-question rows (see qa/eval/squad.py)."""
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
        "span_em": round(sum(r.get("span_em", 0.0) for r in rows) / n, 4) if n else None,
        "span_f1": round(sum(r.get("span_f1", 0.0) for r in rows) / n, 4) if n else None,
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
            "checks": checks, "coverage_curve": coverage_curve(rows), "operating_point": operating_point,
            "worst_misses": worst_misses(rows, worst)}


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
