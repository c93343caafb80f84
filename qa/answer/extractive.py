"""The extractive answerer: the trained reader (qa.reader) finds the answer span in the best
retrieved passages; the sentence that holds it is the quoted evidence.

For one question:
1. The reader reads the first `reader_passages` hits (question + chunk) in one batch.
2. Each candidate span gets calibrated confidences from its scores, its passage's no-answer
   score and how much of the question its sentence covers (qa.reader.confidence, fitted on
   held-out data by `qa calibrate-reader`).
3. Below the answer threshold the answer abstains ("Dazu enthalten die Artikel keine Angaben.").
   Otherwise the sentence holding the best span (and the next one where the span runs on) is
   quoted with its exact offsets. The span is shown on top, as the headline and `short_answer`,
   only when its headline confidence reaches its threshold: a wrong headline is worse than
   none. The best span is always reported as `span` (for evaluation).
4. A two-part question ("Wie viele …, und wie viele …?") is answered part by part, each part
   with its own citation.

This answerer is also the evidence selector of the generative answerer (`evidence`).

Not handled: answers that must be combined from two passages; arithmetic; yes/no questions
(they get the evidence sentence, no headline).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Iterator, Sequence

from qa.answer.base import ABSTAIN_TEXT, AnswerContext, abstain
from qa.answer.changing import dated_answer
from qa.language import analyze
from qa.answer.citations import build_citations, marks, render_answer
from qa.reader.confidence import Calibration, context_features, features
from qa.records import Answer, Hit, Sentence

@dataclass(frozen=True)
class Evidence:
    """A candidate answer: the span in its sentence(s) of a hit, with its confidence."""

    hit: Hit
    sentences: tuple[Sentence, ...]  # quoted, in order
    span: Sentence  # the short answer with offsets in the source text
    confidence: float  # that the quoted evidence answers the question
    headline: float = 0.0  # that the span is the answer itself
    features: dict = field(default_factory=dict, compare=False)  # what the confidences were computed from

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
        """The best candidate answers, one per sentence, best first (by the calibration's choice:
        span score over the passage's no-answer score, and the passage's retrieval rank)."""
        read = [h for h in hits[:self.passages] if h.chunk.sentences]
        if not read:
            return []
        asked = reader_question(question, context)
        reading = self.reader.read(asked, [h.chunk.text for h in read])
        best: dict[tuple[str, int], tuple[float, int, Hit, tuple[Sentence, ...], Sentence, dict]] = {}
        for span in reading.spans:
            hit = read[span.passage]
            located = locate(hit, span.start, span.end)
            if located is None:
                continue
            sentences, short = located
            if repeats_question(question, short.text):  # "Mit wem diskutiert Borrell?" is not answered "Borrell"
                continue
            key = (hit.chunk.source, sentences[0].start)
            null = reading.null[span.passage]
            choice = self.calibration.choice(span.score - null, hit.rank)
            if key in best and best[key][0] >= choice:
                continue
            f = features(question, span.score, null, short.text, " ".join(s.text for s in sentences), hit.chunk.text,
                         hit.dense_score)
            best[key] = (choice, span.passage, hit, sentences, short, f)
        ranked = sorted(best.values(), key=lambda item: -item[0])
        context_features([(choice, passage, short.text, f) for choice, passage, _, _, short, f in ranked])
        return [Evidence(hit, sentences, short, self.calibration.answer_confidence(f),
                         self.calibration.headline_confidence(f), f)
                for _, _, hit, sentences, short, f in ranked[:limit]]

    # -- answers -----------------------------------------------------------------------------
    def stream(self, question: str, hits: Sequence[Hit], context: AnswerContext = AnswerContext()
               ) -> Iterator[str | Answer]:
        answer = self.answer(question, hits, context)
        yield answer.text
        yield answer

    def answer(self, question: str, hits: Sequence[Hit], context: AnswerContext = AnswerContext()) -> Answer:
        parts = split_question(question)
        found, candidates = [], []
        for part in parts:
            evidence = self.evidence(part, hits, context, limit=5)  # [0] is the best; the rest for dated_answer
            candidates += evidence
            if evidence and evidence[0].confidence >= self.calibration.answer_threshold \
                    and not evidence[0].features.get("mismatch"):  # a number or date asked, none found
                found.append((part, evidence[0]))
        if not found:  # the best candidate is kept for evaluation (coverage curves), never shown
            best = candidates[0] if candidates else None
            return replace(abstain(hits, self.name), span=best.span.text if best else None,
                           confidence=best.confidence if best else None)
        if len(parts) > 1:
            return self._multi(found, len(parts), hits)
        part, best = found[0]
        # -- hook: facts that change (qa.answer.changing): differing answers of differently dated articles
        dated = dated_answer(part, best, candidates, lambda more: self.evidence(part, more, context), hits,
                             self.calibration.answer_threshold, self.name)
        if dated is not None:
            return dated
        # -- end of hook
        citations = build_citations([(best.hit, s) for s in best.sentences])
        headline = best.span.text if self._headline(best) else None
        text = render_answer(headline, date_prefix(part), [c.quote for c in citations])
        return Answer(text=text, short_answer=headline, abstained=False, citations=tuple(citations),
                      hits=tuple(hits), answerer=self.name, confidence=best.confidence, span=best.span.text)

    def _headline(self, evidence: Evidence) -> bool:
        """Show the span in bold on top? Only when the reader is sure of it: a wrong headline is worse than none."""
        return evidence.headline >= self.calibration.headline_threshold

    def _multi(self, found: list[tuple[str, Evidence]], asked: int, hits: Sequence[Hit]) -> Answer:
        """One numbered line per answered part, each with its quote and citation."""
        citations = build_citations([(e.hit, s) for _, e in found for s in e.sentences])
        lines = []
        for part, e in found:
            cited = marks(citations, e.hit, e.sentences)
            head = e.span.text if self._headline(e) else None
            lines.append(f"– {part.rstrip('?')}? " + (f"{head} {cited}: " if head else f"{cited} ") + f"„{e.text}“")
        if len(found) < asked:
            lines.append(f"– Zu den übrigen Teilen der Frage: {ABSTAIN_TEXT}")
        heads = [e.span.text for _, e in found if self._headline(e)]
        return Answer(text="\n\n".join(lines), short_answer="; ".join(heads) if len(heads) == len(found) else None,
                      abstained=False, citations=tuple(citations), hits=tuple(hits), answerer=self.name,
                      confidence=min(e.confidence for _, e in found), span="; ".join(e.span.text for _, e in found))


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
            if b == len(sentence.text) and sentence.text.endswith("."):
                b -= 1  # the sentence's full stop is not part of the answer ("Oktober 2018.")
            text = clean_span(sentence.text[a:b])
            if not text:
                return None
            a += sentence.text[a:b].index(text)
            start = complete_span(sentence.text, a)  # "rund 500", "im nordirakischen Erbil"
            text = sentence.text[start:a + len(text)]
            a = start
            short = Sentence(text, sentence.start + a, sentence.start + a + len(text))
            quoted = [sentence]
            if end - rel > len(sentence.text) and i + 1 < len(chunk.sentences):
                quoted.append(chunk.sentences[i + 1])
            return tuple(quoted), short
    return None


_QUALIFIER = re.compile(r"(?:rund|etwa|knapp|fast|gut|über|mehr als|weniger als|mindestens|höchstens|bis zu|"
                        r"nahezu|zirka|circa|ca\.|beinahe|annähernd|insgesamt|nur|lediglich|weit über|gut über)\s+$",
                        re.IGNORECASE)
_PREPOSITION = re.compile(r"\b(?:im|am|in|beim|vom|zum|zur|aus|nach|bei|mit|von|auf|an|ins|ans)\s+$")


def complete_span(sentence: str, start: int) -> int:
    """Where the short answer should start: a number keeps its qualifier before it ("rund 500",
    "mehr als 60"); a span that begins with an inflected adjective ("nordirakischen Erbil") takes
    its preposition ("im nordirakischen Erbil"), never a capitalised cut-up phrase."""
    before = sentence[:start]
    rest = sentence[start:]
    if rest[:1].isdigit() or re.match(r"(?:zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|hundert|tausend)", rest):
        m = _QUALIFIER.search(before)
        return m.start() if m else start
    if re.match(r"[a-zäöüß]+(?:en|em|er|es|e)\s+[A-ZÄÖÜ]", rest):
        m = _PREPOSITION.search(before)
        return m.start() if m else start
    return start


_EDGE = " \t\n,;:–—-"
_PAIRS = {"(": ")", "[": "]", "„": "“", "«": "»", "»": "«", '"': '"'}


def clean_span(text: str) -> str:
    """The span without separators at its edges ("Wien –", "Kaindorf,") and without a bracket or
    quotation mark that opens or closes outside it ("(20.000 Euro" -> "20.000 Euro")."""
    text = text.strip(_EDGE)
    changed = True
    while changed and text:
        changed = False
        if text[0] in _PAIRS and _PAIRS[text[0]] not in text[1:]:
            text, changed = text[1:].strip(_EDGE), True
        elif text[-1] in _PAIRS.values() and not any(o in text[:-1] for o, c in _PAIRS.items() if c == text[-1]):
            text, changed = text[:-1].strip(_EDGE), True
    return text


_CONTINUATION = re.compile(
    r",?\s+und\s+(?=(?:(?:in|an|auf|aus|mit|von|bei|nach|für|um|zu|gegen)\s+)?"
    r"(?:wie viele|wie viel|wie hoch|wer|wen|wem|wessen|wann|wo|wohin|woher|was|welche[rsnm]?|warum|seit wann|bis wann)\b)",
    re.IGNORECASE)


def split_question(question: str) -> list[str]:
    """A two-part question ("Wie viele …, und wie viele …?") as its parts; else the question."""
    pieces = [p.strip(" ,?") for p in _CONTINUATION.split(question) if p.strip(" ,?")]
    if len(pieces) < 2:
        return [question]
    return [f"{p}?" for p in pieces]


def repeats_question(question: str, span: str) -> bool:
    """Every content word of the span is already in the question: it names what is asked about,
    not the answer."""
    terms = analyze(span)
    return bool(terms) and set(terms) <= set(analyze(question))


def reader_question(question: str, context: AnswerContext) -> str:
    """What the reader is asked: a follow-up question carries the previous question before it."""
    return f"{context.conversation} {question}" if context.conversation else question


def date_prefix(question: str) -> str:
    """"Seit"/"Bis"/"Ab" for "Seit wann …?" questions, so the headline reads "Seit Oktober 2018"."""
    m = re.match(r"\s*(?:und\s+)?(seit|bis|ab)\s+wann\b", question, re.IGNORECASE)
    return m.group(1).capitalize() if m else ""
