"""Training data for the reader: SQuAD-format questions -> token windows with span labels.

Each (question, paragraph) pair becomes one or more windows of at most `max_length` tokens
(question first, then a stretch of the paragraph; long paragraphs overlap by `stride` tokens).
A window holding the whole gold answer is labelled with the answer's first and last token; every
other window, and every window of an *unanswerable pair*, is labelled with position 0 (the
`[CLS]`/`<s>` token), SQuAD 2.0 style, so the model learns a no-answer score.

Unanswerable pairs are made from the set itself: the question with the paragraph of the same set
that is most similar to it by BM25 (a near miss, as retrieval would hand it over) and that does
not contain any of its gold answers. A SQuAD 2.0 file also brings its own unanswerable questions
(`is_impossible`: written as near misses of their paragraph, data/newsqa_de), read by
`load_impossible`.

The files are read by qa.eval.squad_file (one reader for training and evaluation).

Not handled: answers that straddle a window boundary are labelled "no answer" in both windows
(the overlap makes that rare).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Iterable, Sequence

from qa.eval.squad_file import SquadQuestion, read_squad


def load_questions(path) -> list[SquadQuestion]:
    """Every answerable question of a SQuAD-format file, in file order."""
    return [q for q in read_squad(path).questions if q.answers]


def load_impossible(path) -> list["Pair"]:
    """The unanswerable questions of a SQuAD 2.0 file (`is_impossible`), each with its own
    paragraph and no answer."""
    return [Pair(q.question, q.context, None, q.id) for q in read_squad(path).questions if q.impossible]


def split_by_article(questions: Sequence[SquadQuestion], held_out: int, seed: int = 13
                     ) -> tuple[list[SquadQuestion], list[SquadQuestion]]:
    """(train, held-out): `held_out` whole articles (titles drawn with the seed) are held out."""
    titles = sorted({q.title for q in questions})
    chosen = set(random.Random(seed).sample(titles, held_out)) if held_out else set()
    return [q for q in questions if q.title not in chosen], [q for q in questions if q.title in chosen]


@dataclass(frozen=True)
class Pair:
    """A question and a paragraph; `answer` is the gold (start, end) character span, or None."""

    question: str
    context: str
    answer: tuple[int, int] | None
    qid: str = ""


@dataclass(frozen=True)
class Window:
    input_ids: list[int]
    token_type_ids: list[int]
    start: int  # label token positions; 0 = no answer in this window
    end: int


def answerable_pairs(questions: Iterable[SquadQuestion]) -> list[Pair]:
    """The gold (question, paragraph, span) pairs; questions whose span is not found are dropped."""
    pairs = []
    for q in questions:
        span = q.gold_span()
        if span is not None:
            pairs.append(Pair(q.question, q.context, span, q.id))
    return pairs


def unanswerable_pairs(questions: Sequence[SquadQuestion], share: float = 1.0, seed: int = 13) -> list[Pair]:
    """For a `share` of the questions: the question with the most BM25-similar other paragraph
    of the set that contains none of its answers (labelled "no answer")."""
    import logging

    import bm25s

    from qa.language import analyze

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each index build

    contexts = list(dict.fromkeys(q.context for q in questions))
    index = bm25s.BM25()
    index.index([analyze(c) or [""] for c in contexts], show_progress=False)
    rng = random.Random(seed)
    chosen = [q for q in questions if rng.random() < share]
    pairs = []
    for q in chosen:
        ids = index.get_tokens_ids(analyze(q.question))
        if not ids:
            continue
        scores = index.get_scores_from_ids(ids)
        for i in scores.argsort()[::-1][:10]:
            context = contexts[int(i)]
            if context != q.context and not any(a.lower() in context.lower() for a in q.answers):
                pairs.append(Pair(q.question, context, None, q.id + "/neg"))
                break
    return pairs


def windows(tokenizer, pairs: Sequence[Pair], max_length: int = 256, stride: int = 96) -> list[Window]:
    """Tokenised windows with start/end labels (see the module docstring)."""
    out: list[Window] = []
    for i in range(0, len(pairs), 256):
        part = pairs[i:i + 256]
        encoded = tokenizer([p.question for p in part], [p.context for p in part], truncation="only_second",
                            max_length=max_length, stride=stride, return_overflowing_tokens=True,
                            return_offsets_mapping=True, padding=False)
        for n, sample in enumerate(encoded["overflow_to_sample_mapping"]):
            pair = part[sample]
            start, end = label_window(pair.answer, encoded["offset_mapping"][n], encoded.sequence_ids(n))
            ids = encoded["input_ids"][n]
            types = encoded["token_type_ids"][n] if "token_type_ids" in encoded else [0] * len(ids)
            out.append(Window(ids, types, start, end))
    return out


def label_window(answer: tuple[int, int] | None, offsets, sequence_ids) -> tuple[int, int]:
    """Token positions of the answer inside this window's context tokens, or (0, 0)."""
    if answer is None:
        return 0, 0
    context = [k for k, s in enumerate(sequence_ids) if s == 1]
    if not context:
        return 0, 0
    first, last = context[0], context[-1]
    a, b = answer
    if offsets[first][0] > a or offsets[last][1] < b:
        return 0, 0
    start = next(k for k in range(first, last + 1) if offsets[k][1] > a)
    end = next(k for k in range(last, first - 1, -1) if offsets[k][0] < b)
    return (start, end) if start <= end else (0, 0)
