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

Short answers: dates, counts, money, people and places come from patterns
(`spans_of_type`); for other questions ("Was ...?", "Welche Art von ...?") the
evidence sentence's word runs that the question does not contain are ranked by a
small linear scorer (`rank_spans`, weights fit on XQuAD German by
benchmarks/fit_span_weights.py). That span is a best guess (token F1 about 0.25
on XQuAD German), not a parsed answer: the quoted sentence stays the evidence.

Not handled: answers that need two sentences combined, negation, arithmetic.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Callable, Sequence

from qa.answer.citations import build_citations, render_answer
from qa.records import Answer, Hit, Sentence
from qa.language import analyze, words

ABSTAIN_TEXT = "Dazu enthalten die Artikel keine Angaben."
EVIDENCE_THRESHOLD = 0.35
"""Minimum evidence of the best sentence to answer at all. Calibrated on ../shared/eval/dev.jsonl:
unanswerable questions reached at most 0.25 (one more, 0.63, is caught by the answer-type check),
answerable ones at least 0.42; the threshold sits between."""
SECOND_SENTENCE_RATIO = 0.85
"""A second evidence sentence is quoted when it scores at least this share of the best one."""
NEIGHBOUR_RATIO = 0.7
"""...or, when it stands right before or after the best one (the passage reads on), this share.
On XQuAD-de: answer contains the gold span 0.790 -> 0.813, answers quoting two sentences 28 % -> 53 %."""
MAX_CHUNKS = 6  # chunks whose sentences are considered

MONTHS = r"(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)"
NUMBER_WORDS = (r"\b(?:zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|"
                r"dreizehn|vierzehn|fünfzehn|zwanzig|dreißig|vierzig|fünfzig|hundert|tausend|"
                r"mehreren hundert|mehrere hundert|einige hundert|dutzende|hunderte|tausende)\b")
SEASONS = r"(?:Frühjahr|Frühling|Sommer|Herbst|Winter)"
_DATE = re.compile(
    rf"(?:(?:Anfang|Mitte|Ende)\s+)?(?:\d{{1,2}}\.\s*)?{MONTHS}(?:\s+\d{{4}})?"
    r"|\b\d{1,2}\.\d{1,2}\.(?:\d{2,4})?"
    r"|\b(?:(?:Anfang|Mitte|Ende)\s+(?:der\s+)?)?(?:(?:1\d|20)?\d0)er(?:[\s-]*Jahren?|n)?(?![\w-])"  # 1970er Jahre, 90er
    r"|\b(?:(?:Anfang|Mitte|Ende)\s+des\s+)?(?:\d{1,2}\.|(?:frühen|späten)?\s*[a-zäöü]+ten)\s+Jahrhunderts?\b"
    r"|\b(?:(?:Anfang|Mitte|Ende|Beginn)\s+des\s+|(?:vor|nach|während)\s+dem\s+)(?:Ersten|Zweiten)\s+Weltkriegs?\b"
    r"|\bvor\s+(?:etwa\s+|rund\s+)?\d[\d.,]*\s+(?:Millionen\s+|Milliarden\s+)?Jahren\b|\b\d[\d.,]*\s+BP\b"
    rf"|\b(?:{SEASONS}\s+)?(?:1\d|20)\d\d\b(?:\s+(?:bis|und)\s+(?:1\d|20)\d\d\b)?"
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


_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")


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
    cleaned = " ".join(_INVISIBLE.sub("", question).split())
    q = cleaned.lower()
    q = re.sub(r"^(und|aber|also|sowie)\s+", "", q)
    if re.match(r"(seit|bis|ab) wann\b", q):
        return QuestionType("date", prefix=q.split()[0].capitalize())
    if re.match(r"wann\b|an welchem (tag|datum)|in welchem (jahr|monat)|zu welchem zeitpunkt", q):
        return QuestionType("date")
    if re.match(r"was kostet|wie teuer|wie viel geld", q):
        return QuestionType("money")
    if re.match(r"(in |im |welche[rsnm]? )?jahrhundert|in welchem jahrzehnt", q):
        return QuestionType("date")
    if re.match(r"wie alt\b", q):
        return QuestionType("count", focus="jahr")
    m = re.match(r"(?:(?:aus|in|an|von|mit|bei|für|um|zu) )?(wie ?viele?n?|wie viel|wie hoch|wie groß|wie oft|wie lange)"
                 r"\s*(\w+)?", q)
    if m:
        focus = analyze(m.group(2))[0] if m.group(2) and analyze(m.group(2)) else None
        return QuestionType("count", focus=focus)
    if re.match(r"((mit|für|von|bei|zu|an|gegen) )?(wer|wem|wen|wessen)\b|wie hei(ß|ss)t|"
                r"welche[rsnm]? (person|politiker|minister)", q):
        return QuestionType("person")
    m = re.match(r"(?:in |aus |nach )?welche[rsnm]? (stadt|land|ort|region|provinz|staat)\b", q)
    if re.match(r"(wo|wohin|woher)\b", q) or m:
        return QuestionType("place")
    noun = _asked_noun(cleaned)
    if noun and _PERSON_NOUN.search(noun.lower()):
        return QuestionType("person")
    if noun or re.match(r"(?:\w+ )?welche[rsnm]? ", q):
        focus = analyze(noun or "")
        return QuestionType("entity", focus=focus[0] if focus else None)
    return QuestionType("other")


_ASKED_NOUN = re.compile(r"(?:\w+\s+)?[Ww]elche[rsnm]?\s+(?:[a-zäöüß][\w-]*\s+){0,2}([A-ZÄÖÜ][\w-]*)"
                         r"(?:\s+(?:von|des|der|an)\s+(?:[a-zäöüß][\w-]*\s+){0,2}([A-ZÄÖÜ][\w-]*))?")
_KIND_NOUNS = ("art", "arten", "sorte", "form", "formen", "typ", "typen")
_PERSON_NOUN = re.compile(
    r"(kolleg|minister|präsident|kanzler|spieler|trainer|könig|kaiser|papst|autor|schriftsteller|künstler|"
    r"architekt|wissenschaftler|physiker|forscher|erfinder|gründer|herrscher|komponist|maler|philosoph|"
    r"chemiker|ingenieur|gouverneur|bürgermeister|anführer|führer|politiker|person|quarterback|sprecher|"
    r"chef|general)(in|innen|en|e|n|s)?$")


def _asked_noun(question: str) -> str | None:
    """The noun a "welche(r/s) ...?" question asks about, in its case: "Welches Fort" -> "Fort",
    "Welche Art von Regime" -> "Regime"."""
    m = _ASKED_NOUN.match(re.sub(r"^(?:[Uu]nd|[Aa]ber|[Aa]lso|[Ss]owie)\s+", "", question))
    if not m:
        return None
    if m.group(1).lower() in _KIND_NOUNS and m.group(2):
        return m.group(2)
    return m.group(1)


def spans_of_type(sentence: str, qtype: QuestionType) -> list[tuple[int, int]]:
    """Candidate answer spans of the sentence for the question type, in order."""
    if qtype.kind == "date":
        return [m.span() for m in _DATE.finditer(sentence)]
    if qtype.kind == "money":
        return [m.span() for m in _MONEY.finditer(sentence)]
    if qtype.kind == "count":  # a number that is part of a date is no count ("vor 66 Millionen Jahren" is one)
        dates = [m.span() for m in _DATE.finditer(sentence) if not m.group().startswith("vor ")]
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
        else:
            neighbour = _best_neighbour(best, scored)
            if neighbour is not None and neighbour.score >= NEIGHBOUR_RATIO * best.score:
                chosen.append(neighbour)
        citations = build_citations([(s.hit, s.sentence) for s in chosen])
        short = best.short
        # a span for an untyped question ("Was ...?") is a statistical guess: it is reported in
        # `short_answer` but the answer people read starts with the quoted evidence
        headline = short if qtype.kind != "other" and best.confidence >= 0.5 else None
        text = render_answer(headline, qtype.prefix, [c.quote for c in citations])
        return Answer(text=text, short_answer=short, abstained=False, citations=tuple(citations),
                      hits=tuple(hits), answerer=self.name)

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
            previous: set[str] = set()
            for sentence in hit.chunk.sentences:
                key = (hit.chunk.source, sentence.start)
                sentence_terms = set(analyze(sentence.text))
                if key not in seen:
                    seen.add(key)
                    scored.append(self._score(sentence, hit, weights, total, terms, chunk_cov, qtype,
                                              question_words, previous))
                previous = sentence_terms
        scored.sort(key=lambda s: -s.score)
        return scored

    def _score(self, sentence: Sentence, hit: Hit, weights: dict, total: float, terms: list[str],
               chunk_cov: float, qtype: QuestionType, question_words: set[str],
               previous: set[str] = frozenset()) -> "ScoredSentence":
        sentence_terms = analyze(sentence.text)
        present = set(sentence_terms)
        coverage = sum(weights[t] * term_match(t, present) for t in terms) / total
        # half credit for question terms only the preceding sentence has ("nach der Tötung X ...
        # forderte daraufhin ..."): the sentence continues what its neighbour set up
        coverage += 0.5 * sum(weights[t] * max(0.0, term_match(t, previous) - term_match(t, present))
                              for t in terms) / total
        context_bonus = sum(w * term_match(t, present) for t, w in weights.items() if t not in terms) / total
        short, confidence = extract_short_scored(sentence.text, qtype, question_words)
        type_fit = 0.0
        if qtype.kind in ("date", "count", "money", "person", "place"):
            type_fit = 0.25 * confidence if short else -0.25
        if qtype.kind == "person" and confidence < 0.5:
            type_fit = -0.15  # a capitalised noun ("Aufgabe") is no evidence of a name
        heading = sentence.text[-1:] not in '.!?"“”«»)' and len(sentence.text.split()) < 8
        rank_prior = 0.15 / hit.rank
        evidence = coverage + 0.3 * chunk_cov + min(context_bonus, 0.2)
        score = evidence + type_fit + rank_prior - (0.3 if heading else 0.0) - 0.002 * max(0, len(sentence_terms) - 25)
        return ScoredSentence(sentence, hit, score, evidence, short, confidence)


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
    confidence: float = 1.0  # of the short answer: 1.0 when the question's wording points at it


def extract_short(sentence: str, qtype: QuestionType, question_words: set[str]) -> str | None:
    """The shortest span of the sentence that answers a question of this type, or None."""
    return extract_short_scored(sentence, qtype, question_words)[0]


def extract_short_scored(sentence: str, qtype: QuestionType, question_words: set[str]) -> tuple[str | None, float]:
    """(span, confidence 0..1): confidence is high when the question's wording points at the span."""
    question_stems = set(analyze(" ".join(question_words)))
    if qtype.kind in RANKED_KINDS:
        ranked = rank_spans(sentence, qtype, question_words, question_stems)
        return (ranked[0][1], 0.3) if ranked else (None, 0.0)
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
    stripped = False
    while len(parts) > 1:
        stems = set(analyze(parts[0]))
        is_role = any(parts[0].lower().endswith(r) for r in ROLE_WORDS) or parts[0].lower().endswith("beauftragten")
        # "Rekord von John Elway": once the noun is gone, its "von" does not start a two-word name
        # (a one-word rest keeps it: "Premierminister al- Kadhimi" -> "al- Kadhimi")
        particle = stripped and parts[0][:1].islower() and len(parts) >= 3
        if not (is_role or particle or (stems and stems <= question_stems)):
            break
        start += len(parts[0]) + 1
        parts.pop(0)
        stripped = True
    return start, " ".join(parts).strip()


# -- spans for questions without a typed answer ("Was ...?", "Welche Art von ...?") ---------------
RANKED_KINDS = ("other", "entity")
"""Question kinds whose short answer is chosen by `rank_spans` rather than by a type pattern."""
MAX_SPAN_WORDS = 8
SPAN_WEIGHTS = {
    "len1": -0.25, "len2": 0.11, "len3": 0.07, "len4_5": 0.01, "len6+": 0.05, "near1": 0.24, "near3+": -0.26,
    "q_left": 0.67, "q_right": 0.49, "q_both": -0.26, "caps": 0.31, "all_caps": 0.41, "digit": 0.15,
    "first_cap": -0.30, "after_prep": 0.17, "after_article": 0.13, "after_comma": 0.39, "in_quotes": 0.80,
    "in_parens": -0.31, "before_break": 0.31, "stopwords": -0.20, "full_run": 0.46, "first_lower": -0.55,
    "ends_lower": -0.23, "after_verb": -0.24, "position": 0.23, "entity_caps": 0.03, "entity_focus": 0.90,
    "quotation": 0.72,
}
"""Weights of a linear span ranker (softmax over a sentence's candidate spans, target: token F1
with the gold span), fit on XQuAD German by benchmarks/fit_span_weights.py."""
_SPAN_TOKEN = re.compile(r"\w+(?:[-'’.&/]\w+)*|[^\w\s]")
_SPAN_BREAK = frozenset(",;:()[]!?–")
_QUOTE_MARKS = frozenset('„“”"«»')
_QUOTATION = re.compile(r'[„«"“]([^„“”"«»]{2,120}?)[“”"»]')
_PREPOSITIONS = frozenset("in im von vom nach aus mit bei beim für zu zur zum über durch unter an am auf gegen "
                          "als wie um".split())
_ARTICLES = frozenset("der die das den dem des ein eine einer eines einem einen".split())


def rank_spans(sentence: str, qtype: QuestionType, question_words: set[str], question_stems: set[str],
               weights: dict[str, float] | None = None) -> list[tuple[float, str]]:
    """(score, span) of the sentence's candidate answer spans, best first (earlier ones win ties)."""
    weights = SPAN_WEIGHTS if weights is None else weights
    scored = [(sum(weights.get(name, 0.0) * value for name, value in features.items()), -n, span)
              for n, (span, features) in enumerate(span_candidates(sentence, qtype, question_words, question_stems))]
    return [(score, span) for score, _, span in sorted(scored, reverse=True)]


def span_candidates(sentence: str, qtype: QuestionType, question_words: set[str],
                    question_stems: set[str]) -> list[tuple[str, dict[str, float]]]:
    """Runs of up to MAX_SPAN_WORDS words that the question does not contain and no comma,
    colon or bracket interrupts, starting and ending on a content word; each with its features.
    The noun an entity question asks about may be part of the span ("welches Fort" -> "Fort Caroline")."""
    tokens = [(m.start(), m.end(), m.group()) for m in _SPAN_TOKEN.finditer(sentence)]
    focus = qtype.focus if qtype.kind == "entity" else None
    if focus:
        question_stems = {t for t in question_stems if t != focus}
        question_words = {w for w in question_words if focus not in analyze(w)}
    classes = _token_classes(tokens, question_words, question_stems)
    in_quotes, in_parens = _enclosed(tokens)
    asked = [i for i, c in enumerate(classes) if c == "Q"]
    candidates = []
    for run in _runs(tokens, classes):
        content = [i for i in run if classes[i] == "C"]
        for k, i in enumerate(run):
            if classes[i] != "C":
                continue
            length = 0
            for j in run[k:]:
                length += classes[j] in "CS"
                if length > MAX_SPAN_WORDS:
                    break
                if classes[j] == "C":
                    features = _span_features(tokens, classes, asked, i, j, length, qtype.kind)
                    features.update(in_quotes=float(in_quotes[i]), in_parens=float(in_parens[i]),
                                    full_run=float(i == content[0] and j == content[-1]))
                    if focus:
                        stems = [t for k in range(i, j + 1) if classes[k] == "C" for t in analyze(tokens[k][2])]
                        if all(focus in t for t in stems):
                            continue  # only the noun the question already names ("welche Hymne" -> "Hymne")
                        features["entity_focus"] = float(any(focus in t for t in stems))
                    candidates.append((sentence[tokens[i][0]:tokens[j][1]], features))
    return candidates + _quoted_candidates(sentence, tokens, classes, asked, qtype.kind)


def _quoted_candidates(sentence: str, tokens, classes, asked: list[int], kind: str) -> list[tuple[str, dict[str, float]]]:
    """A whole quotation of a few words is a candidate as it stands (titles: „Ein neues Lied wir heben an“)."""
    out = []
    for m in _QUOTATION.finditer(sentence):
        inside = [k for k, (a, b, _) in enumerate(tokens) if m.start(1) <= a and b <= m.end(1)]
        words_inside = [k for k in inside if classes[k] != "P"]
        if not words_inside or len(words_inside) > 2 * MAX_SPAN_WORDS or all(classes[k] in "QS" for k in words_inside):
            continue
        features = _span_features(tokens, classes, asked, inside[0], inside[-1], len(words_inside), kind)
        features.update(in_quotes=1.0, quotation=1.0)
        out.append((m.group(1).strip(), features))
    return out


def _token_classes(tokens, question_words: set[str], question_stems: set[str]) -> list[str]:
    """Q: a word the question contains; S: a stopword; C: another word; P: punctuation."""
    from qa.language import stopwords

    stop, classes = stopwords(), []
    for _, _, token in tokens:
        low = token.lower()
        if not token[0].isalnum():
            classes.append("P")
        elif low in stop:
            classes.append("S")
        else:
            stems = analyze(token)
            asked = low in question_words or (stems and all(term_match(t, question_stems) for t in stems))
            classes.append("Q" if asked else "C")
    return classes


def _runs(tokens, classes) -> list[list[int]]:
    runs, current = [], []
    for i, c in enumerate(classes):
        if c == "Q" or (c == "P" and tokens[i][2] in _SPAN_BREAK):
            if current:
                runs.append(current)
            current = []
        else:
            current.append(i)
    return runs + ([current] if current else [])


def _enclosed(tokens) -> tuple[list[bool], list[bool]]:
    quoted, parens, q, depth = [], [], False, 0
    for _, _, token in tokens:
        if token in _QUOTE_MARKS:
            q = not q if token == '"' else token in "„«" or (token == "“" and not q)
        depth = depth + (token == "(") - (token == ")" and depth > 0)
        quoted.append(q)
        parens.append(depth > 0)
    return quoted, parens


def _span_features(tokens, classes, asked: list[int], i: int, j: int, length: int, kind: str) -> dict[str, float]:
    left = [i - p for p in asked if p < i]
    right = [p - j for p in asked if p > j]
    distance = min(left + right) if left or right else None
    content = [tokens[k][2] for k in range(i, j + 1) if classes[k] == "C"] or [tokens[i][2]]
    caps = sum(w[:1].isupper() for w in content) / len(content)
    before = tokens[i - 1][2].lower() if i > 0 else ""
    before2 = tokens[i - 2][2].lower() if i > 1 else ""
    f = {"len1": length == 1, "len2": length == 2, "len3": length == 3, "len4_5": 4 <= length <= 5,
         "len6+": length >= 6, "near1": distance == 1, "near3+": distance is not None and distance >= 3,
         "q_left": bool(left) and min(left) <= 3, "q_right": bool(right) and min(right) <= 3,
         "caps": caps, "all_caps": caps == 1.0, "digit": any(ch.isdigit() for w in content for ch in w),
         "first_cap": i > 0 and tokens[i][2][:1].isupper(),
         "after_prep": before in _PREPOSITIONS or (before in _ARTICLES and before2 in _PREPOSITIONS),
         "after_article": before in _ARTICLES, "after_comma": before == ",",
         "before_break": j + 1 >= len(tokens) or tokens[j + 1][2] in _SPAN_BREAK or tokens[j + 1][2] == ".",
         "stopwords": sum(classes[k] == "S" for k in range(i, j + 1)),
         "first_lower": tokens[i][2][:1].islower(), "ends_lower": tokens[j][2][:1].islower(),
         "after_verb": bool(left) and min(left) <= 2 and tokens[i - min(left)][2][:1].islower(),
         "position": i / max(1, len(tokens))}
    f["q_both"] = f["q_left"] and f["q_right"]
    if kind == "entity":
        f["entity_caps"] = caps
    return {name: float(value) for name, value in f.items()}


def _best_neighbour(best: "ScoredSentence", scored: Sequence["ScoredSentence"]) -> "ScoredSentence | None":
    """The better scored of the sentences just before and after `best` in its chunk."""
    sentences = best.hit.chunk.sentences
    index = next((i for i, s in enumerate(sentences) if s.start == best.sentence.start), None)
    if index is None:
        return None
    starts = {s.start for s in sentences[max(0, index - 1):index + 2]} - {best.sentence.start}
    near = [s for s in scored if s.hit.chunk.source == best.hit.chunk.source and s.sentence.start in starts]
    return max(near, key=lambda s: s.score, default=None)


def abstain(hits: Sequence[Hit], answerer: str) -> Answer:
    return Answer(text=ABSTAIN_TEXT, short_answer=None, abstained=True, citations=(), hits=tuple(hits),
                  answerer=answerer)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def idf_weight(df: int, n_docs: int) -> float:
    """BM25's IDF; a term the corpus never uses gets the highest weight."""
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
