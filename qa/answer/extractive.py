"""The extractive answerer: the trained reader (qa.reader) finds the answer span in the best
retrieved passages; the sentence that holds it is the quoted evidence.

For one question:
1. The reader reads the first `reader_passages` hits (question + chunk) in one batch.
2. Each candidate span gets a calibrated confidence from its score and its passage's
   no-answer score (`Calibration`, fitted on held-out data by `qa calibrate-reader`).
3. Below `answer_threshold` the answer abstains ("Dazu enthalten die Artikel keine Angaben.").
   Otherwise the sentence holding the best span (and the next one where the span runs on) is
   quoted with its exact offsets; the span itself becomes `short_answer`, and is shown in bold
   on top only from `headline_threshold` on: a wrong headline is worse than none.
4. A two-part question ("Wie viele …, und wie viele …?") is answered part by part, each part
   with its own citation.

This answerer is also the evidence selector of the generative answerer (`evidence`).

Not handled: answers that must be combined from two passages; arithmetic; yes/no questions
(they get the evidence sentence, no headline).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator, Sequence

from qa.answer import ABSTAIN_TEXT, AnswerContext, abstain
from qa.answer.citations import build_citations, render_answer
from qa.records import Answer, Hit, Sentence

CALIBRATION_FILE = "calibration.json"


@dataclass(frozen=True)
class Calibration:
    """confidence = sigmoid(a · margin + b · score + c), margin = span score − its passage's
    no-answer score; thresholds on that confidence for answering and for a headline."""

    a: float = 1.0
    b: float = 0.0
    c: float = 0.0
    answer_threshold: float = 0.5
    headline_threshold: float = 0.8

    def confidence(self, score: float, null: float) -> float:
        z = self.a * (score - null) + self.b * score + self.c
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    @classmethod
    def load(cls, folder: Path) -> "Calibration":
        path = Path(folder) / CALIBRATION_FILE
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**{k: float(v) for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Evidence:
    """A candidate answer: the span in its sentence(s) of a hit, with its confidence."""

    hit: Hit
    sentences: tuple[Sentence, ...]  # quoted, in order
    span: Sentence  # the short answer with offsets in the source text
    confidence: float

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


class ReaderAnswerer:
    """Answers from the retrieved passages only, with the trained reader; never invents text."""

    name = "extractive"

    def __init__(self, reader, settings, calibration: Calibration | None = None) -> None:
        self.reader = reader
        self.passages = settings.reader_passages
        self.calibration = calibration or Calibration.load(settings.reader_weights_dir)

    # -- evidence (also for the generative answerer) ------------------------------------------
    def evidence(self, question: str, hits: Sequence[Hit], context: AnswerContext = AnswerContext(),
                 limit: int = 5) -> list[Evidence]:
        """The best candidate answers, one per sentence, most confident first."""
        read = [h for h in hits[:self.passages] if h.chunk.sentences]
        if not read:
            return []
        reading = self.reader.read(reader_question(question, context), [h.chunk.text for h in read])
        found: list[Evidence] = []
        seen: set[tuple[str, int]] = set()
        for span in reading.spans:
            hit = read[span.passage]
            located = locate(hit, span.start, span.end)
            if located is None:
                continue
            sentences, short = located
            key = (hit.chunk.source, sentences[0].start)
            if key in seen:
                continue
            seen.add(key)
            confidence = self.calibration.confidence(span.score, reading.null[span.passage])
            found.append(Evidence(hit, sentences, short, confidence))
            if len(found) == limit:
                break
        return sorted(found, key=lambda e: -e.confidence)

    # -- answers -----------------------------------------------------------------------------
    def stream(self, question: str, hits: Sequence[Hit], context: AnswerContext = AnswerContext()
               ) -> Iterator[str | Answer]:
        answer = self.answer(question, hits, context)
        yield answer.text
        yield answer

    def answer(self, question: str, hits: Sequence[Hit], context: AnswerContext = AnswerContext()) -> Answer:
        parts = split_question(question)
        found = []
        for part in parts:
            evidence = self.evidence(part, hits, context, limit=1)
            if evidence and evidence[0].confidence >= self.calibration.answer_threshold:
                found.append((part, evidence[0]))
        if not found:
            return abstain(hits, self.name)
        if len(parts) > 1:
            return self._multi(found, len(parts), hits)
        part, best = found[0]
        citations = build_citations([(best.hit, s) for s in best.sentences])
        headline = best.span.text if best.confidence >= self.calibration.headline_threshold else None
        text = render_answer(headline, date_prefix(part), [c.quote for c in citations])
        return Answer(text=text, short_answer=best.span.text, abstained=False, citations=tuple(citations),
                      hits=tuple(hits), answerer=self.name, confidence=best.confidence)

    def _multi(self, found: list[tuple[str, Evidence]], asked: int, hits: Sequence[Hit]) -> Answer:
        """One numbered line per answered part, each with its quote and citation."""
        citations = build_citations([(e.hit, s) for _, e in found for s in e.sentences])
        number = {(c.source, c.start): c.number for c in citations}
        lines = []
        for part, e in found:
            marks = "".join(f"[{number[(e.hit.chunk.source, s.start)]}]" for s in e.sentences)
            head = e.span.text if e.confidence >= self.calibration.headline_threshold else None
            quote = " ".join(s.text for s in e.sentences)
            lines.append(f"– {part.rstrip('?')}? " + (f"{head} {marks}: " if head else f"{marks} ") + f"„{quote}“")
        if len(found) < asked:
            lines.append(f"– Zu den übrigen Teilen der Frage: {ABSTAIN_TEXT}")
        shorts = [e.span.text for _, e in found]
        return Answer(text="\n\n".join(lines), short_answer="; ".join(shorts), abstained=False,
                      citations=tuple(citations), hits=tuple(hits), answerer=self.name,
                      confidence=min(e.confidence for _, e in found))


def locate(hit: Hit, start: int, end: int) -> tuple[tuple[Sentence, ...], Sentence] | None:
    """(quoted sentences, short-answer span) for characters [start, end) of `hit.chunk.text`.

    The sentence holding the span's start is quoted, and the next one too where the span runs
    on into it; the short answer is cut at the end of the sentence it starts in."""
    chunk = hit.chunk
    positions = chunk.sentence_positions()
    for i, (rel, sentence) in enumerate(zip(positions, chunk.sentences)):
        if rel <= start < rel + len(sentence.text):
            a = start - rel
            b = min(end - rel, len(sentence.text))
            text = sentence.text[a:b].strip(" ,;:")
            if not text:
                return None
            a += sentence.text[a:b].index(text)
            short = Sentence(text, sentence.start + a, sentence.start + a + len(text))
            quoted = [sentence]
            if end - rel > len(sentence.text) and i + 1 < len(chunk.sentences):
                quoted.append(chunk.sentences[i + 1])
            return tuple(quoted), short
    return None


_CONTINUATION = re.compile(r",?\s+und\s+(?=(?:wie viele|wie viel|wer|wen|wem|wann|wo|wohin|woher|was|welche[rsnm]?|warum|seit wann|bis wann)\b)",
                           re.IGNORECASE)


def split_question(question: str) -> list[str]:
    """A two-part question ("Wie viele …, und wie viele …?") as its parts; else the question."""
    pieces = [p.strip(" ,?") for p in _CONTINUATION.split(question) if p.strip(" ,?")]
    if len(pieces) < 2:
        return [question]
    return [f"{p}?" for p in pieces]


def reader_question(question: str, context: AnswerContext) -> str:
    """What the reader is asked: a follow-up question carries the previous question before it."""
    return f"{context.conversation} {question}" if context.conversation else question


def date_prefix(question: str) -> str:
    """"Seit"/"Bis"/"Ab" for "Seit wann …?" questions, so the headline reads "Seit Oktober 2018"."""
    m = re.match(r"\s*(?:und\s+)?(seit|bis|ab)\s+wann\b", question, re.IGNORECASE)
    return m.group(1).capitalize() if m else ""
