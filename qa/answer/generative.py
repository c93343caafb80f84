"""Generative answers in German from a language model (qa.answer.llm), grounded in the reader's
evidence and verified before they are shown.

Flow for one question:
1. Evidence: the extractive answerer (the trained reader) names its best candidate answers with
   their sentences. When it would abstain, the model is not asked at all.
2. Prompt: the evidence sentences around the best spans (at most `llm_passages`, numbered
   [1]..[k]; ~100-200 prompt tokens on a 2-core CPU, not whole chunks) and the question.
3. Stream the model's tokens to the caller as they come.
4. Verify: citation numbers outside 1..k are removed; every sentence of the answer must cite a
   passage that supports it (share of its content terms found in the cited passage, numbers must
   match); unsupported sentences are dropped. If nothing supported is left, the model abstained
   although there is evidence, it relied on clearly weaker evidence, or it does not name the
   answer the reader is confident in, the extractive answer is returned instead. The final
   Answer (not the raw stream) is what callers show.

Not handled: multi-turn generation (history only shapes retrieval), tool use, long passages.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from typing import Iterator, Sequence

from qa.answer import ABSTAIN_TEXT, AnswerContext, abstain, final
from qa.answer.citations import MARKER
from qa.answer.extractive import Evidence, ReaderAnswerer
from qa.ingest.chunking import split_sentences
from qa.language import analyze, term_match
from qa.records import Answer, Citation, Hit

logger = logging.getLogger(__name__)

SUPPORT_THRESHOLD = 0.6
"""Share of a sentence's content terms that must occur in a passage it cites (hand-checked outputs
in tests/test_generation.py: supported paraphrases score 0.67-1.0, invented claims 0.0-0.4)."""

SYSTEM_PROMPT = (
    "Du beantwortest Fragen ausschließlich mit Informationen aus den nummerierten Textstellen. "
    "Antworte auf Deutsch in ganzen Sätzen. Setze hinter jeden Satz die Nummer der Textstelle, "
    "die ihn belegt, in eckigen Klammern, z. B. [2]. Wenn die Textstellen die Frage nicht beantworten, "
    f"antworte nur: \"{ABSTAIN_TEXT}\""
)
USER_TEMPLATE = (
    "Textstellen:\n{passages}\n\nFrage: {question}\n\n"
    "Antworte in einem ganzen Satz mit der Nummer der Textstelle am Satzende, "
    "z. B. \"Der Bau kostete 12 Millionen Euro [1].\" "
    f"Steht die Antwort in keiner Textstelle, schreibe nur: \"{ABSTAIN_TEXT}\""
)
EXAMPLE_PASSAGES = ("[1] Der Bürgermeister eröffnete am Montag die neue Brücke über die Mulde. "
                    "Der Bau kostete 12 Millionen Euro.\n\n[2] Der Stadtrat tagt jeden ersten Dienstag im Monat im Rathaus.")
FEW_SHOT = [
    {"role": "user", "content": f"Textstellen:\n{EXAMPLE_PASSAGES}\n\nFrage: Wie viel kostete die neue Brücke?"},
    {"role": "assistant", "content": "Die neue Brücke über die Mulde kostete 12 Millionen Euro [1]."},
    {"role": "user", "content": f"Textstellen:\n{EXAMPLE_PASSAGES}\n\nFrage: Welche Firma hat die Brücke gebaut?"},
    {"role": "assistant", "content": ABSTAIN_TEXT},
]
RELEVANCE_RATIO = 0.7
"""The passages an answer cites must reach this share of the best passage's evidence: a fluent,
supported sentence from a weaker passage usually answers another question."""
GATED_NOTE = "Zu wenig Belege in den Artikeln: das Sprachmodell wurde nicht gefragt."
STOP = ["<|im_end|>", "<end_of_turn>", "<</SYS>>", "[INST]", "Frage:", "Textstellen:"]
"""Turn markers of common chat formats and our prompt's own headings (a base model runs on into them)."""

# -- prompt, verification ---------------------------------------------------------------------
@dataclass(frozen=True)
class Passage:
    number: int
    evidence: Evidence

    @property
    def text(self) -> str:
        return self.evidence.text  # cited as its first sentence (the one that holds the span)


def select_passages(evidence: Sequence[Evidence], k: int) -> list[Passage]:
    """The k best distinct evidence texts, numbered from 1."""
    chosen, seen = [], set()
    for e in evidence:
        if e.text in seen:
            continue
        seen.add(e.text)
        chosen.append(Passage(len(chosen) + 1, e))
        if len(chosen) == k:
            break
    return chosen


def build_messages(question: str, passages: Sequence[Passage]) -> list[dict]:
    listing = "\n\n".join(f"[{p.number}] {_label(p)}{p.text}" for p in passages)
    return [{"role": "system", "content": SYSTEM_PROMPT}, *FEW_SHOT,
            {"role": "user", "content": USER_TEMPLATE.format(passages=listing, question=question)}]


def _label(passage: Passage) -> str:
    chunk = passage.evidence.hit.chunk
    parts = [p for p in (chunk.title, chunk.date) if p]
    return f"({', '.join(parts)}) " if parts else ""


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def support(sentence: str, passage: str) -> float:
    """Share of the sentence's content terms found in the passage; 0 if it states a number the passage lacks."""
    terms = set(analyze(MARKER.sub(" ", sentence)))
    if not terms:
        return 0.0
    present = set(analyze(passage))
    if any(n not in passage for n in _NUMBER.findall(MARKER.sub(" ", sentence))):
        return 0.0
    return sum(term_match(t, present) for t in terms) / len(terms)


@dataclass(frozen=True)
class Verified:
    text: str  # kept sentences, markers renumbered 1.. in order of first use
    cited: list[Passage]  # in the new numbering
    dropped: list[str]  # sentences removed, for the notes
    abstained: bool


def verify(raw: str, passages: Sequence[Passage], threshold: float = SUPPORT_THRESHOLD) -> Verified:
    """Keep only sentences that cite an existing passage that supports them."""
    text = raw.strip()
    if not text or ABSTAIN_TEXT.rstrip(".") in text:
        return Verified(ABSTAIN_TEXT, [], [], True)
    by_number = {p.number: p for p in passages}
    kept, dropped, order = [], [], []
    for s in split_sentences(" ".join(text.split())):
        cited = [int(n) for n in MARKER.findall(s.text) if int(n) in by_number]
        body = MARKER.sub("", s.text).strip()
        body = re.sub(r"\s+([.,;:!?])", r"\1", body)
        supporting = [n for n in dict.fromkeys(cited) if support(body, by_number[n].text) >= threshold]
        if not body or not supporting:
            dropped.append(s.text)
            continue
        for n in supporting:
            if n not in order:
                order.append(n)
        kept.append((body, supporting))
    if not kept:
        return Verified("", [], dropped, False)
    renumber = {old: new for new, old in enumerate(order, start=1)}
    sentences = []
    for body, numbers in kept:
        marks = "".join(f"[{renumber[n]}]" for n in numbers)
        sentences.append(body[:-1] + f" {marks}." if body.endswith(".") else f"{body} {marks}")
    return Verified(" ".join(sentences), [by_number[n] for n in order], dropped, False)


def _disagrees(best: Evidence, text: str, headline_threshold: float) -> bool:
    """The reader is confident in a short answer that the model's answer does not contain
    (two readers, two different facts)."""
    return best.headline >= headline_threshold and best.span.text.lower() not in text.lower()


class GenerativeAnswerer:
    """A chat model answering from the numbered evidence, verified, extractive as the fallback."""

    name = "llm"

    def __init__(self, backend, extractive: ReaderAnswerer, settings) -> None:
        self.backend = backend
        self.extractive = extractive
        self.passages = settings.llm_passages
        self.max_tokens = settings.llm_max_tokens

    def stream(self, question: str, hits: Sequence[Hit], context: AnswerContext = AnswerContext()
               ) -> Iterator[str | Answer]:
        evidence = self.extractive.evidence(question, hits, context)
        threshold = self.extractive.calibration.answer_threshold
        if not evidence or evidence[0].confidence < threshold or evidence[0].features.get("mismatch"):
            yield ABSTAIN_TEXT
            yield abstain(hits, self.name, notes=(GATED_NOTE,))  # weak evidence: no model call at all
            return
        passages = select_passages(evidence, self.passages)
        raw = []
        for delta in self.backend.stream(build_messages(question, passages), self.max_tokens, STOP):
            raw.append(delta)
            yield delta
        yield self._answer("".join(raw), question, passages, hits, context)

    def _answer(self, raw: str, question: str, passages: list[Passage], hits: Sequence[Hit],
                context: AnswerContext) -> Answer:
        checked = verify(raw, passages)
        notes = tuple(f"Nicht belegter Satz entfernt: {s}" for s in checked.dropped)
        best = passages[0].evidence
        reason = None
        if checked.abstained:
            reason = "Das Sprachmodell fand keine Antwort, die Artikel enthalten aber Belege; extraktive Antwort."
        elif not checked.text:
            reason = "Die Antwort des Sprachmodells war nicht belegt; extraktive Antwort."
        elif max(p.evidence.confidence for p in checked.cited) < RELEVANCE_RATIO * best.confidence:
            reason = "Das Sprachmodell stützte sich auf eine weniger passende Stelle; extraktive Antwort."
        elif _disagrees(best, checked.text, self.extractive.calibration.headline_threshold):
            reason = (f"Das Sprachmodell nannte nicht „{best.span.text}“ aus der besten Textstelle; "
                      "extraktive Antwort.")
        if reason:
            fallback = final(self.extractive.stream(question, hits, context))
            return replace(fallback, notes=notes + (reason,))
        citations = tuple(
            Citation(number=i, source=p.evidence.hit.chunk.source, chunk_id=p.evidence.hit.chunk.id,
                     quote=p.evidence.sentences[0].text, start=p.evidence.sentences[0].start,
                     end=p.evidence.sentences[0].end,
                     title=p.evidence.hit.chunk.title, publisher=p.evidence.hit.chunk.publisher,
                     date=p.evidence.hit.chunk.date)
            for i, p in enumerate(checked.cited, start=1))
        sure = best.headline >= self.extractive.calibration.headline_threshold
        short = best.span.text if sure and best.span.text in checked.text else None
        return Answer(text=checked.text, short_answer=short, abstained=False, citations=citations,
                      hits=tuple(hits), answerer=self.name, notes=notes, confidence=best.confidence,
                      span=best.span.text)
