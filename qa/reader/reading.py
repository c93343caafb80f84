"""Reading: question + passages -> scored answer spans with character offsets, whatever runs the model.

A span-extraction head (start/end logits, `BertForQuestionAnswering`) on the bundled
multilingual-e5-small encoder, with the weights trained by `qa train-reader` applied on top
(`qa/reader/weights/`, sha256-pinned). The torch model is read here (`Reader`); `qa.reader.onnx_reader` gives
the same windows and logits on ONNX Runtime. Every passage is read as one or more windows of at most
`max_length` tokens (question + a stretch of the passage, overlapping by `stride` tokens); all
windows of a question go through the model in one batch.

Scores are raw logits, `start + end`, so they are comparable across passages (no per-passage
softmax); each window's `[CLS]` position gives its no-answer score (`null`).

Not handled: spans longer than `MAX_ANSWER_TOKENS` tokens.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Sequence

import numpy as np

MAX_ANSWER_TOKENS = 30
MAX_QUESTION_SHARE = 4  # a question takes at most max_length // 4 tokens of a window (64 of 256)
TOP_TOKENS = 20  # start and end candidates per window


@dataclass(frozen=True)
class Span:
    """A candidate answer: characters [start, end) of passage `passage`, scored start + end logit."""

    passage: int
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Reading:
    """What the reader found in a question's passages: candidate spans (best first) and, per
    passage, the lowest no-answer score of its windows."""

    spans: tuple[Span, ...]
    null: tuple[float, ...]

    @property
    def best(self) -> Span | None:
        return self.spans[0] if self.spans else None

    @property
    def margin(self) -> float:
        """Best span score minus the no-answer score of its passage (> 0: the model answers)."""
        best = self.best
        return float("-inf") if best is None else best.score - self.null[best.passage]


class Reader:
    """A loaded reader; thread-safe (calls are serialised: two cores gain nothing from parallel passes)."""

    def __init__(self, model, tokenizer, max_length: int = 256, stride: int = 96) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.stride = stride
        self._lock = threading.Lock()

    def read(self, question: str, passages: Sequence[str], top: int = 20) -> Reading:
        """The `top` best spans over all passages, and each passage's no-answer score."""
        if not passages:
            return Reading((), ())
        question = self.fit_question(question)
        with self._lock:  # the tokenizer is shared with the other threads too
            windows = self.windows(question, list(passages))
            starts, ends = self.logits(windows)
        null = [float("inf")] * len(passages)
        spans: dict[tuple[int, int, int], float] = {}
        for w, owner in enumerate(windows.owners):
            null[owner] = min(null[owner], float(starts[w][0] + ends[w][0]))
            offsets = windows.offsets[w]
            for a, b, score in window_spans(starts[w], ends[w], windows.contexts[w]):
                key = (owner, offsets[a][0], offsets[b][1])
                spans[key] = max(score, spans.get(key, float("-inf")))
        ranked = sorted((Span(p, a, b, s) for (p, a, b), s in spans.items()), key=lambda s: -s.score)
        return Reading(tuple(ranked[:top]), tuple(null))

    def windows(self, question: str, passages: list[str]) -> "Windows":
        """The windows of (question, passage) pairs: at most `max_length` tokens each, a passage
        longer than one window in several overlapping by `stride` tokens."""
        encoded = self.tokenizer([question] * len(passages), passages, truncation="only_second",
                                 max_length=self.max_length, stride=self.stride, padding=True,
                                 return_overflowing_tokens=True, return_offsets_mapping=True,
                                 return_tensors="pt")
        owners = encoded.pop("overflow_to_sample_mapping").tolist()
        offsets = encoded.pop("offset_mapping").tolist()
        contexts = [[k for k, s in enumerate(encoded.sequence_ids(w)) if s == 1] for w in range(len(owners))]
        inputs = {k: v for k, v in encoded.items() if k in ("input_ids", "attention_mask", "token_type_ids")}
        return Windows(owners, offsets, contexts, inputs)

    def logits(self, windows: "Windows") -> tuple[Sequence[np.ndarray], Sequence[np.ndarray]]:
        """Start and end logits of each window's tokens (one batch through the model)."""
        import torch

        with torch.inference_mode():
            out = self.model(**windows.inputs)
        return out.start_logits.float().numpy(), out.end_logits.float().numpy()

    def fit_question(self, question: str) -> str:
        """The question cut to the tokens a window leaves for it (the passage needs the rest; a
        question as long as a window made the tokenizer fail). The search keeps the whole question."""
        limit = self.max_length // MAX_QUESTION_SHARE
        offsets = self.question_offsets(question)
        if len(offsets) <= limit:
            return question
        return question[:offsets[limit - 1][1]]

    def question_offsets(self, question: str) -> list[tuple[int, int]]:
        """Character offsets of the question's tokens (no special tokens)."""
        return self.tokenizer(question, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]


@dataclass
class Windows:
    """A question's windows: the passage each comes from, each token's character offsets in its
    passage, the positions of the passage's tokens, and what the backend's model takes."""

    owners: list[int]
    offsets: list[list[tuple[int, int]]]
    contexts: list[list[int]]
    inputs: object


def window_spans(starts: np.ndarray, ends: np.ndarray, context: list[int]) -> list[tuple[int, int, float]]:
    """(first token, last token, score) of the valid spans among the best start/end tokens of a
    window: both inside the context, end not before start, at most MAX_ANSWER_TOKENS long."""
    if not context:
        return []
    lo, hi = context[0], context[-1]
    s_idx = lo + np.argsort(-starts[lo:hi + 1])[:TOP_TOKENS]
    e_idx = lo + np.argsort(-ends[lo:hi + 1])[:TOP_TOKENS]
    out = []
    for a in s_idx:
        for b in e_idx:
            if a <= b < a + MAX_ANSWER_TOKENS:
                out.append((int(a), int(b), float(starts[a] + ends[b])))
    return out
