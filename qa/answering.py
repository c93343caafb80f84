"""Hits -> Answer, extractively: the best evidence sentence(s) from the retrieved
passages, a short answer span where the question asks for one, or an abstention.

How a sentence is scored (all signals are cheap; no model call per sentence):
- coverage: the IDF-weighted share of the question's stemmed content terms
  that occur in the sentence (terms unknown to the corpus weigh most, so a
  question about something the articles never mention finds no support);
- context: the same coverage over the sentence's whole chunk, and the chunk's
  rank in the fused retrieval;
- answer type: a "Wann" question wants a date in the sentence, "Wie viele" a
  count, "Wer" a name, "Wo" a place ... a sentence that has a fitting span that
  is not already in the question is preferred, one without is penalised.
The answer abstains when the best sentence's evidence is below a threshold
calibrated on ../shared/eval/dev.jsonl, or when the question demands a date or
a number and no retrieved sentence offers one.

Not handled: answers that need two sentences combined, negation, arithmetic.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Callable, Sequence

from qa.citations import build_citations, render_answer
from qa.records import Answer, Hit, Sentence
from qa.text import analyze, words

ABSTAIN_TEXT = "Dazu enthalten die Artikel keine Angaben."
EVIDENCE_THRESHOLD = 0.35
"""Minimum evidence of the best sentence to answer at all. Calibrated on ../shared/eval/dev.jsonl:
unanswerable questions reached at most 0.25 (one more, 0.63, is caught by the answer-type check),
answerable ones at least 0.42; the threshold sits between."""
SECOND_SENTENCE_RATIO = 0.85
"""A second evidence sentence is quoted when it scores at least this share of the best one."""
MAX_CHUNKS = 6  # chunks whose sentences are considered

MONTHS = r"(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)"
NUMBER_WORDS = (r"\b(?:zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|"
                r"dreizehn|vierzehn|fünfzehn|zwanzig|dreißig|vierzig|fünfzig|hundert|tausend|"
                r"mehreren hundert|mehrere hundert|einige hundert|dutzende|hunderte|tausende)\b")
_DATE = re.compile(
    rf"(?:(?:Anfang|Mitte|Ende)\s+)?(?:\d{{1,2}}\.\s*)?{MONTHS}(?:\s+\d{{4}})?"
    r"|\b\d{1,2}\.\d{1,2}\.(?:\d{2,4})?"
    r"|\b(?:1[89]|20)\d\d\b"
    r"|\b(?:am\s+)?(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag)\b")
_QUANTITY = re.compile(
    r"(?:(?:rund|etwa|ca\.|mehr als|über|bis zu|knapp|fast|mindestens|ungefähr|insgesamt|weniger als)\s+)?"
    rf"(?:\b\d[\d.,]*|{NUMBER_WORDS})"
    r"(?:\s+(?:Millionen|Milliarden|Mio\.|Mrd\.|Prozent|%|Euro|Dollar|Tausend))?",
    re.IGNORECASE)
_MONEY = re.compile(r"\d[\d.,]*\s*(?:Millionen|Milliarden|Mio\.|Mrd\.)?\s*(?:Euro|Dollar|US-Dollar|€|\$)")
_CAPITALISED = re.compile(r"\b[A-ZÄÖÜ][\w\-]*(?:\s+(?:al-|el-|von der|von|van|de)?\s*[A-ZÄÖÜ][\w\-]*)*")
ROLE_WORDS = ("minister", "ministerin", "präsident", "präsidentin", "kanzler", "kanzlerin", "kollege",
              "kollegin", "generalsekretär", "general", "beauftragte", "beauftragten", "chef", "chefin",
              "sprecher", "sprecherin", "vorsitzende", "botschafter", "premierminister", "generalmajor")
_NOUN_SUFFIX = re.compile(r"(ung|heit|keit|schaft|tion|sion|tät|ismus|nis|tum|ment|enz|anz|ik|ur|ei|konferenz|koalition|miliz)\b", re.IGNORECASE)
_PLACE_PREP = re.compile(r"\b(?:in|im|nach|aus|bei|von|vom|am|mit|über)\s+(?:den\s+|der\s+|dem\s+)?(?:[a-zäöüß\-]+\s+){0,2}([A-ZÄÖÜ][\w\-]+)")


@functools.lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """German names of countries and territories (Babel's CLDR data)."""
    from babel import Locale

    return frozenset(Locale("de").territories.values())


@dataclass(frozen=True)
class QuestionType:
    kind: str  # date | count | money | person | place | entity | other
    prefix: str = ""  # "Seit", "Bis" ... put before a date answer
    focus: str | None = None  # the stemmed noun a count question asks about ("soldat")


def question_type(question: str) -> QuestionType:
    q = question.strip().lower()
    q = re.sub(r"^(und|aber|also|sowie)\s+", "", q)
    if re.match(r"(seit|bis|ab) wann\b", q):
        return QuestionType("date", prefix=q.split()[0].capitalize())
    if re.match(r"wann\b|an welchem (tag|datum)|in welchem (jahr|monat)|zu welchem zeitpunkt", q):
        return QuestionType("date")
    if re.match(r"was kostet|wie teuer|wie viel geld", q):
        return QuestionType("money")
    m = re.match(r"(wie ?viele?|wie viel|wie hoch|wie groß|um wie viel|wie oft|wie lange)\s*(\w+)?", q)
    if m:
        focus = analyze(m.group(2))[0] if m.group(2) and analyze(m.group(2)) else None
        return QuestionType("count", focus=focus)
    if re.match(r"(wer|wem|wen|wessen)\b|wie hei(ß|ss)t|welche[rsnm]? (person|politiker|minister)", q):
        return QuestionType("person")
    m = re.match(r"(?:in |aus |nach )?welche[rsnm]? (stadt|land|ort|region|provinz|staat)\b", q)
    if re.match(r"(wo|wohin|woher)\b", q) or m:
        return QuestionType("place")
    m = re.match(r"(?:\w+ )?welche[rsnm]? (?:\w+e[rsnm]? )?(\w+)", q)
    if m:
        focus = analyze(m.group(1))
        return QuestionType("entity", focus=focus[0] if focus else None)
    return QuestionType("other")


def spans_of_type(sentence: str, qtype: QuestionType) -> list[tuple[int, int]]:
    """Candidate answer spans of the sentence for the question type, in order."""
    if qtype.kind == "date":
        return [m.span() for m in _DATE.finditer(sentence)]
    if qtype.kind == "money":
        return [m.span() for m in _MONEY.finditer(sentence)]
    if qtype.kind == "count":
        dates = [m.span() for m in _DATE.finditer(sentence)]
        return [m.span() for m in _QUANTITY.finditer(sentence)
                if not any(a <= m.start() < b or m.start() <= a < m.end() for a, b in dates)
                and m.group().strip()]
    if qtype.kind == "place":
        spans = {m.span(1) for m in _PLACE_PREP.finditer(sentence) if m.start(1) > 0}
        spans |= {m.span() for m in _CAPITALISED.finditer(sentence) if m.group() in country_names()}
        return sorted(spans)
    if qtype.kind in ("person", "entity"):
        return [m.span() for m in _CAPITALISED.finditer(sentence) if m.start() > 0]
    return []


class ExtractiveAnswerer:
    """Answers from the retrieved passages only; never invents text."""

    name = "extractive"

    def __init__(self, idf: Callable[[str], float], threshold: float = EVIDENCE_THRESHOLD) -> None:
        self.idf = idf
        self.threshold = threshold

    def answer(self, question: str, hits: Sequence[Hit], context: str = "") -> Answer:
        scored = self.rank_sentences(question, hits, context)
        qtype = question_type(question)
        if not scored or scored[0].evidence < self.threshold or (
                qtype.kind in ("date", "count", "money") and not scored[0].short):
            return abstain(hits, self.name)
        best = scored[0]
        chosen = [best]
        for other in scored[1:3]:
            if other.score >= SECOND_SENTENCE_RATIO * best.score and other.sentence.text != best.sentence.text:
                chosen.append(other)
                break
        citations = build_citations([(s.hit, s.sentence) for s in chosen])
        short = best.short
        text = render_answer(short, qtype.prefix, [c.quote for c in citations])
        return Answer(text=text, short_answer=short, abstained=False, citations=tuple(citations),
                      hits=tuple(hits), answerer=self.name)

    def evidence(self, question: str, hits: Sequence[Hit], context: str = "") -> float:
        """How well the best sentence supports an answer (0..~1.5); the LLM path gates on this too."""
        scored = self.rank_sentences(question, hits, context)
        return scored[0].evidence if scored else 0.0

    def rank_sentences(self, question: str, hits: Sequence[Hit], context: str = "") -> list["ScoredSentence"]:
        terms = _unique(analyze(question))
        context_terms = [t for t in _unique(analyze(context)) if t not in terms]
        if not terms:
            return []
        weights = {t: self.idf(t) for t in terms}
        weights.update({t: 0.3 * self.idf(t) for t in context_terms})
        total = sum(weights[t] for t in terms) or 1.0
        qtype = question_type(question)
        question_words = set(words(question))
        seen: set[tuple[str, int]] = set()
        scored = []
        for hit in hits[:MAX_CHUNKS]:
            chunk_terms = set(analyze(hit.chunk.text))
            chunk_cov = sum(weights[t] * term_match(t, chunk_terms) for t in terms) / total
            for sentence in hit.chunk.sentences:
                key = (hit.chunk.source, sentence.start)
                if key in seen:
                    continue
                seen.add(key)
                scored.append(self._score(sentence, hit, weights, total, terms, chunk_cov, qtype, question_words))
        scored.sort(key=lambda s: -s.score)
        return scored

    def _score(self, sentence: Sentence, hit: Hit, weights: dict, total: float, terms: list[str],
               chunk_cov: float, qtype: QuestionType, question_words: set[str]) -> "ScoredSentence":
        sentence_terms = analyze(sentence.text)
        present = set(sentence_terms)
        coverage = sum(weights[t] * term_match(t, present) for t in terms) / total
        context_bonus = sum(w * term_match(t, present) for t, w in weights.items() if t not in terms) / total
        short, confidence = extract_short_scored(sentence.text, qtype, question_words)
        type_fit = 0.0
        if qtype.kind in ("date", "count", "money", "person", "place"):
            type_fit = 0.25 * confidence if short else -0.25
        heading = sentence.text[-1:] not in '.!?"“”«»)' and len(sentence.text.split()) < 8
        rank_prior = 0.15 / hit.rank
        evidence = coverage + 0.3 * chunk_cov + min(context_bonus, 0.2)
        score = evidence + type_fit + rank_prior - (0.3 if heading else 0.0) - 0.002 * max(0, len(sentence_terms) - 25)
        return ScoredSentence(sentence, hit, score, evidence, short)


def term_match(term: str, present: set[str]) -> float:
    """1 for the same stem; 0.8 for an inflected or compound form ("soleimanis" ~ "soleimani",
    "stadt" in "hauptstadt"); else 0."""
    if term in present:
        return 1.0
    if len(term) < 4:
        return 0.0
    for other in present:
        if len(other) >= 4 and (other.startswith(term) or term.startswith(other)) and min(len(term), len(other)) >= 5:
            return 0.8
        if len(term) >= 5 and len(other) > len(term) and other.endswith(term):
            return 0.8
    return 0.0


@dataclass(frozen=True)
class ScoredSentence:
    sentence: Sentence
    hit: Hit
    score: float
    evidence: float
    short: str | None


def extract_short(sentence: str, qtype: QuestionType, question_words: set[str]) -> str | None:
    """The shortest span of the sentence that answers a question of this type, or None."""
    return extract_short_scored(sentence, qtype, question_words)[0]


def extract_short_scored(sentence: str, qtype: QuestionType, question_words: set[str]) -> tuple[str | None, float]:
    """(span, confidence 0..1): confidence is high when the question's wording points at the span."""
    question_stems = set(analyze(" ".join(question_words)))
    candidates = []
    for a, b in spans_of_type(sentence, qtype):
        span = sentence[a:b].strip(" ,;:")
        if qtype.kind in ("person", "entity", "place"):
            a, span = _strip_known_words(a, span, question_stems)
        if not span or set(analyze(span)) <= question_stems:
            continue
        candidates.append((a, span))
    if not candidates:
        return None, 0.0
    best = max(candidates, key=lambda c: _candidate_score(sentence, c[0], c[1], qtype))
    score = _candidate_score(sentence, best[0], best[1], qtype)
    if qtype.kind in ("date", "money"):
        return best[1], 1.0
    return best[1], 1.0 if score >= 0.5 else 0.3


def _candidate_score(sentence: str, start: int, span: str, qtype: QuestionType) -> float:
    """Prefer the candidate the question's wording points at; earlier ones win ties."""
    score = -start / 1000.0
    before = sentence[max(0, start - 25):start].lower()
    after = sentence[start + len(span):start + len(span) + 40]
    if qtype.prefix and re.search(rf"\b{qtype.prefix.lower()}(\s+\w+)?\s*$", before):
        score += 2.0
    if qtype.kind == "count":
        score += 0.5  # a number is a number
        if qtype.focus and any(qtype.focus in t for t in analyze(after)[:3]):
            score += 2.0
    if qtype.kind in ("entity", "place") and qtype.focus and any(qtype.focus in t for t in analyze(span)):
        score += 2.0
    if qtype.kind == "place" and span in country_names():
        score += 1.0 if qtype.focus in (None, "land", "staat") else 0.3
    if qtype.kind == "place" and re.search(r"\b(in|im|nach)\s+(\w+\s+)?$", before):
        score += 0.6
    if qtype.kind == "person":
        if any(before.rstrip().endswith(r) for r in ROLE_WORDS):
            score += 1.0
        score += 0.6 * (" " in span and not _NOUN_SUFFIX.search(span))
    if qtype.kind == "place" and re.search(r"\b(dem|den|der|einem|einer)\s+\w*\s*$", before):
        score -= 1.0
    return score


def _strip_known_words(start: int, span: str, question_stems: set[str]) -> tuple[int, str]:
    """Drop leading words the question already names or that are roles ("Amtskollege Blok" -> "Blok")."""
    parts = span.split(" ")
    while len(parts) > 1:
        stems = set(analyze(parts[0]))
        is_role = any(parts[0].lower().endswith(r) for r in ROLE_WORDS) or parts[0].lower().endswith("beauftragten")
        if not (is_role or (stems and stems <= question_stems)):
            break
        start += len(parts[0]) + 1
        parts.pop(0)
    return start, " ".join(parts).strip()


def abstain(hits: Sequence[Hit], answerer: str) -> Answer:
    return Answer(text=ABSTAIN_TEXT, short_answer=None, abstained=True, citations=(), hits=tuple(hits),
                  answerer=answerer)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def idf_weight(df: int, n_docs: int) -> float:
    """BM25's IDF; a term the corpus never uses gets the highest weight."""
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
