"""From the reader's scores to a calibrated confidence: which candidate, how sure, and when to
show a headline.

A candidate answer is described by a few numbers (`features`):
- margin: its span score minus the no-answer score of its passage (raw span scores are not
  comparable across passages: on held-out XQuAD the top raw score over four passages quoted the
  right sentence for 0.57 of the questions, the top margin for 0.76);
- score: the span score itself;
- coverage_sentence / coverage_passage: the share of the question's stemmed content words found
  in the quoted sentence / the whole passage (an answer to a question about something else);
- dense: the retrieval's dense (embedding) score of the passage: how close the passage is to the
  question in meaning, where word overlap misses a paraphrase;
- type_fit: 1 when the span is of the kind the question asks for (a name for "wer", a number
  for "wie viele", a date for "wann", a capitalised place for "wo"), 0 when not, 0.5 for
  questions of no such kind;
- agree: 1 when the best span of another passage says the same (one contains the other);
- gap: how far the candidate's choice value lies above the best other candidate's (a clear
  winner against a close call);
- span_words: the span's length in words (over 20 counted as 20), divided by 20;
- mismatch: 1 when the question asks for a number or a date and the span names none ("Wie
  viele Tornado-Jets …?" answered with "Syrien und dem Irak"). Too rare to be learned (11 of 235
  calibration candidates) and, where it occurs, never right (7 of 7 once "mehrere Jahre" and
  "das Zehnfache" count as quantities): the answerer treats it as a rule, no answer.
The candidate an answer is built from maximises `margin − rank_weight · (rank − 1)` (rank of its
passage in retrieval). Two logistic regressions over the features, fitted by
`qa calibrate-reader` on held-out data, give the probability that the quoted evidence answers
the question (`answer`) and that the span is the answer itself (`headline`); each has its
threshold. All of it is stored in `calibration.json` beside the reader's weights.
"""
from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from qa.language import analyze, mentions_date, mentions_number, question_kind, term_match, type_mismatch, words

logger = logging.getLogger(__name__)

CALIBRATION_FILE = "calibration.json"
FEATURES = ("margin", "score", "coverage_sentence", "coverage_passage", "dense", "type_fit", "agree", "gap",
            "span_words")
"""What the logistic regressions weigh. `mismatch` is not among them: it is a rule (see `fits`)."""


def coverage(question_terms: set[str], text: str) -> float:
    """Share of the question's stemmed content terms found in the text (inflections count 0.8)."""
    if not question_terms:
        return 0.0
    present = set(analyze(text))
    return sum(term_match(t, present) for t in question_terms) / len(question_terms)


def features(question: str, score: float, null: float, span: str, sentence: str, passage: str,
             dense: float | None = None) -> dict[str, float]:
    """The features of one candidate on its own (`context_features` adds those that compare it
    with the other candidates of the question)."""
    terms = set(analyze(question))
    return {"margin": score - null, "score": score, "coverage_sentence": coverage(terms, sentence),
            "coverage_passage": coverage(terms, passage), "dense": float(dense or 0.0),
            "type_fit": type_fit(question, span), "span_words": min(len(words(span)), 20) / 20,
            "mismatch": float(type_mismatch(question, span))}


def type_fit(question: str, span: str) -> float:
    """1: the span is of the kind the question asks for; 0: it is not; 0.5: no kind to check."""
    kind = question_kind(question)
    capitalised = any(w[:1].isupper() for w in span.split())
    checks = {"count": mentions_number(span), "date": mentions_date(span),
              "person": capitalised and len(span.split()) <= 6, "place": capitalised}
    return float(checks[kind]) if kind in checks else 0.5


def context_features(candidates: list[tuple[float, int, str, dict]]) -> None:
    """Add `agree` and `gap` to each candidate's features; candidates are (choice value,
    passage, span text, features), best first."""
    spans = [" ".join(words(text)) for _, _, text, _ in candidates]
    best_of: dict[int, int] = {}
    for i, (_, passage, _, _) in enumerate(candidates):
        best_of.setdefault(passage, i)
    for i, (choice, passage, _, f) in enumerate(candidates):
        others = [spans[j] for p, j in best_of.items() if p != passage]
        f["agree"] = float(any(spans[i] and o and (o in spans[i] or spans[i] in o) for o in others))
        rest = [c for j, (c, _, _, _) in enumerate(candidates) if j != i]
        f["gap"] = max(-5.0, min(5.0, choice - max(rest))) if rest else 5.0


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass(frozen=True)
class Calibration:
    answer_weights: dict[str, float] = field(default_factory=lambda: {"margin": 0.5, "bias": -1.0})
    headline_weights: dict[str, float] = field(default_factory=lambda: {"margin": 0.5, "bias": -3.0})
    rank_weight: float = 0.5
    answer_threshold: float = 0.5
    headline_threshold: float = 0.8
    fitted_on: dict = field(default_factory=dict)

    def choice(self, margin: float, rank: int) -> float:
        """What the answer's candidate maximises."""
        return margin - self.rank_weight * (rank - 1)

    def answer_confidence(self, f: dict[str, float]) -> float:
        return _sigmoid(self.answer_weights.get("bias", 0.0) + sum(w * f.get(k, 0.0) for k, w in
                                                                    self.answer_weights.items() if k != "bias"))

    def headline_confidence(self, f: dict[str, float]) -> float:
        return _sigmoid(self.headline_weights.get("bias", 0.0) + sum(w * f.get(k, 0.0) for k, w in
                                                                      self.headline_weights.items() if k != "bias"))

    @classmethod
    def load(cls, folder: Path) -> "Calibration":
        path = Path(folder) / CALIBRATION_FILE
        if not path.is_file():
            logger.warning("No %s in %s: the reader's confidence is not calibrated.", CALIBRATION_FILE, folder)
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def save(self, folder: Path) -> Path:
        path = Path(folder) / CALIBRATION_FILE
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return path
