"""Figures of a gold file by question type (rows with `type`: single, two_part, followup,
unanswerable, overview …), beside ../shared/eval/score.py's: what issue 19's targets read.

- solved by type (score.py's verdict per question);
- answerable_abstained: answerable questions the system abstained on, over the answerable ones;
- unanswerable_answered: unanswerable questions it answered, over the unanswerable ones;
- headline_share: of the answered one-fact questions (type single, answerable, not abstained),
  the share shown with a short answer (a headline);
- rewritten: follow-ups whose question was rewritten (`understood_as` in the record).
"""
from __future__ import annotations

from collections import defaultdict


def breakdown(gold: list[dict], answers: dict[str, dict], per_question: dict[str, dict]) -> dict:
    """`per_question`: score.py's verdicts by id (its `per_question` rows, keyed by their id)."""
    by_type: dict[str, list[bool]] = defaultdict(list)
    for row in gold:
        verdict = per_question.get(row["id"], {})
        by_type[row.get("type", "single")].append(bool(verdict.get("ok")))
    answerable = [r for r in gold if r.get("answerable")]
    unanswerable = [r for r in gold if not r.get("answerable")]
    single = [r for r in answerable if r.get("type", "single") == "single"
              and not answers.get(r["id"], {}).get("abstained", True)]
    followups = [r for r in gold if r.get("type") == "followup"]
    return {
        "solved_by_type": {t: round(sum(v) / len(v), 4) for t, v in sorted(by_type.items())},
        "questions_by_type": {t: len(v) for t, v in sorted(by_type.items())},
        "answerable_abstained": _share([answers.get(r["id"], {}).get("abstained", True) for r in answerable]),
        "unanswerable_answered": _share([not answers.get(r["id"], {}).get("abstained", True) for r in unanswerable]),
        "headline_share": _share([bool(answers[r["id"]].get("short_answer")) for r in single]),
        "rewritten_followups": _share([bool(answers.get(r["id"], {}).get("understood_as")) for r in followups]),
    }


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None
