"""Asking and scoring conversation sets (benchmarks/conversations_de): every turn with the
conversation so far as its history (earlier questions and their reference answers).

Turn types and what is right:
- fact, followup: as ../shared/eval/score.py judges an answerable question (every answer group
  in the answer, not abstained, a gold source cited);
- unanswerable: abstained;
- overview: the share of its key-fact groups found in the answer (`coverage`; an abstention
  covers nothing); solved when it covers at least OVERVIEW_SOLVED;
- meta (a greeting, a question about the assistant): answered, not abstained, by the assistant's
  self-description (record kind "assistant").
"""
from __future__ import annotations

import statistics
from collections import defaultdict

from qa.eval.score import contains
from qa.answer.record import answer_record
from qa.records import Turn

OVERVIEW_SOLVED = 0.8


def ask_conversations(pipeline, conversations: list[dict]) -> list[dict]:
    """One record per turn: the answer record plus conversation id, turn number and type."""
    records = []
    for conversation in conversations:
        history: list[Turn] = []
        for n, turn in enumerate(conversation["turns"], start=1):
            answer = pipeline.ask(turn["question"], tuple(history))
            records.append({"conversation": conversation["id"], "turn": n, "type": turn["type"],
                            "question": turn["question"], **answer_record(answer)})
            history += [Turn("user", turn["question"]), Turn("assistant", turn.get("reference_answer") or answer.text)]
    return records


def judge(turn: dict, record: dict) -> tuple[bool, float | None]:
    """(solved, key-fact coverage for overview turns)."""
    answer, abstained = record.get("answer") or "", bool(record.get("abstained"))
    kind = turn["type"]
    if kind == "meta":
        return (not abstained and record.get("kind") == "assistant"), None
    if kind == "overview":
        facts = turn.get("key_facts") or []
        covered = 0.0 if abstained or not facts else \
            sum(any(contains(answer, a) for a in group) for group in facts) / len(facts)
        return covered >= OVERVIEW_SOLVED, covered
    if not turn.get("answerable", True) or kind == "unanswerable":
        return abstained, None
    cited = {c.get("source") for c in record.get("citations") or []}
    right = not abstained and all(any(contains(answer, a) for a in g) for g in turn.get("answers") or [])
    return right and bool(cited & set(turn.get("sources") or [])), None


def score_conversations(conversations: list[dict], records: list[dict]) -> dict:
    by_turn = {(r["conversation"], r["turn"]): r for r in records}
    solved: dict[str, list[bool]] = defaultdict(list)
    coverage, overview_abstained, lines, latency = [], 0, [], defaultdict(list)
    for conversation in conversations:
        for n, turn in enumerate(conversation["turns"], start=1):
            record = by_turn[(conversation["id"], n)]
            ok, covered = judge(turn, record)
            solved[turn["type"]].append(ok)
            latency[turn["type"]].append(record.get("latency_ms") or 0.0)
            if covered is not None:
                coverage.append(covered)
                overview_abstained += bool(record.get("abstained"))
            understood = f" [verstanden als: {record['understood_as']}]" if record.get("understood_as") else ""
            extra = f" (Fakten {covered:.2f})" if covered is not None else ""
            lines.append(f"{'ok  ' if ok else 'MISS'} {conversation['id']}.{n} [{turn['type']}] {turn['question']}"
                         f"{understood}{extra}\n     -> " + ("[enthalten] " if record.get("abstained") else "")
                         + (record.get("answer") or "").replace("\n", " | ")[:300])
    return {
        "turns": sum(len(v) for v in solved.values()),
        "solved_by_type": {t: round(sum(v) / len(v), 4) for t, v in sorted(solved.items())},
        "turns_by_type": {t: len(v) for t, v in sorted(solved.items())},
        "overview_key_fact_coverage": round(sum(coverage) / len(coverage), 4) if coverage else None,
        "overview_abstained": overview_abstained,
        "latency_ms_p50_by_type": {t: round(statistics.median(v), 1) for t, v in sorted(latency.items())},
        "lines": lines,
    }
