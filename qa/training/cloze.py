"""Synthetic cloze questions for a warm-up phase of reader training (Lewis et al. 2019, "noisy cloze").

From each sentence of the training paragraphs one span is taken as the answer — a date, a year, a
number with what it counts, or a run of capitalised words that is not the sentence's first word —
and the question is the clause around it with the span replaced by a German question word, a
share of the other words dropped ("Wann Krieg begann in Nordamerika?"). The paragraph itself is
the context. No model and no labels are involved: the questions are noisy, they teach which kind
of span a question word asks for and where spans begin and end.

Only paragraphs of the training articles may be passed in (held-out articles stay unseen).
"""
from __future__ import annotations

import random
import re
from typing import Iterable, Sequence

from qa.eval.squad_file import SquadQuestion
from qa.language import month_pattern, stopwords

WINDOW = 7  # words kept on each side of the span
DROP = 0.2  # share of the other words dropped


def _patterns() -> list[tuple[str, re.Pattern]]:
    month = month_pattern()
    return [
        ("Wann", re.compile(rf"\b(?:\d{{1,2}}\.\s*)?{month}(?:\s+\d{{4}})?\b")),
        ("Wann", re.compile(r"\b(?:1[0-9]|20)\d{2}\b")),
        ("Wie viele", re.compile(r"\b\d[\d.,]*(?:\s+(?:Prozent|Millionen|Milliarden|Tausend))?(?=\s+[A-ZÄÖÜ])")),
        ("Wie viel", re.compile(r"\b\d[\d.,]*(?:\s+(?:Prozent|Millionen|Milliarden|Tausend|Euro|Dollar|Meter|Kilometer))?")),
        ("Wer oder was", re.compile(r"(?<=\s)[A-ZÄÖÜ][\w-]+(?:\s+(?:von|van|de|der)?\s*[A-ZÄÖÜ][\w-]+)+")),
        ("Was", re.compile(r"(?<=\s)[A-ZÄÖÜ][\w-]{3,}")),
    ]


def candidates(sentence: str) -> list[tuple[str, int, int]]:
    """(question word, start, end) of every span a cloze question could ask for, best kinds first."""
    found, taken = [], []
    stop = stopwords()
    for word, pattern in _patterns():
        for m in pattern.finditer(sentence):
            span = m.group(0).strip()
            if not span or span.lower() in stop or any(m.start() < b and a < m.end() for a, b in taken):
                continue
            found.append((word, m.start(), m.start() + len(span)))
            taken.append((m.start(), m.end()))
    return found


def cloze_question(sentence: str, word: str, start: int, end: int, rng: random.Random) -> str:
    """The clause around sentence[start:end] with the span replaced by `word`, some words dropped."""
    left = sentence[:start].split()[-WINDOW:]
    right = sentence[end:].split()[:WINDOW]
    keep = lambda ws: [w for w in ws if rng.random() >= DROP]
    body = " ".join(keep(left) + keep(right)).strip(" ,.;:!?\"„“")
    return f"{word} {body}?".replace(" ?", "?")


def cloze_questions(paragraphs: Iterable[tuple[str, str]], seed: int = 13, per_sentence: int = 1
                    ) -> list[SquadQuestion]:
    """Cloze questions over (title, paragraph) pairs, one (or `per_sentence`) per sentence of ≥ 6 words."""
    from qa.ingest.chunking import split_sentences

    rng = random.Random(seed)
    out = []
    for n, (title, context) in enumerate(dict.fromkeys(paragraphs)):
        for k, sentence in enumerate(split_sentences(context)):
            text = context[sentence.start:sentence.end]
            spans = candidates(text)
            if len(text.split()) < 6 or not spans:
                continue
            for word, a, b in _pick(spans, per_sentence, rng):
                question = cloze_question(text, word, a, b, rng)
                if len(question.split()) < 4:
                    continue
                out.append(SquadQuestion(f"cloze-{n}-{k}-{a}", title, question, context,
                                         (text[a:b],), (sentence.start + a,)))
    return out


def _pick(spans: Sequence[tuple[str, int, int]], count: int, rng: random.Random) -> list[tuple[str, int, int]]:
    """Dates, numbers and names before single nouns (those are the most frequent and least informative)."""
    named = [s for s in spans if s[0] != "Was"]
    pool = named or list(spans)
    return rng.sample(pool, min(count, len(pool)))
