"""Facts that change: when articles of different dates answer a question differently, the answer
lists each answer with its date, newest first, instead of picking one silently.

    Die Artikel nennen je nach Datum Verschiedenes (neueste zuerst):
    – laut DW vom 14.02.2020: Annegret Kramp-Karrenbauer [1] „… Verteidigungsministerin Annegret Kramp-Karrenbauer …“
    – laut einem Artikel ohne Datum (004_….txt): Ursula von der Leyen [2] „…“

Called by the extractive answerer (one hook in qa.answer.extractive, its confidences untouched)
with its candidates. The reader reads only the best few passages, which often come from one
article; for questions about a person, number, place or thing (not "when" or "why"), the best
passages of up to `EXTRA_ARTICLES` other articles of another date among the first `LOOK_AT` hits
are read too (one more reader call, only when such articles are there). Two candidates conflict
when both reach the answer threshold, name no mismatching type, come from articles of different
dates (one may be undated), are sure enough of their span (`SPAN_FLOOR` of headline confidence, or
the span follows a term of the question: "US-Verteidigungsminister Mark Esper"),
the second's sentence names every question term the first's names, and their spans say different
things (less than `SAME_SHARE` of their content stems shared). Without a conflict the answerer
answers as before.
"""
from __future__ import annotations

from typing import Callable, Sequence

from qa.answer.citations import build_citations, marks
from qa.dates import display_date
from qa.language import analyze, normalize, question_kind, term_match
from qa.records import Answer, Hit

NOT_FACTS = ("date", "reason")  # question kinds (qa.language.question_kind) whose answers differ by nature
LOOK_AT = 6  # hits searched for articles of another date
EXTRA_ARTICLES = 2  # their best passages read in one more reader call
SPAN_FLOOR = 0.3  # headline confidence from which a span counts as "what this article says"
APPOSITION_WORDS = 2  # words before a span where a role named in the question counts (_named_after)
SAME_NAME = {"usa": "us", "uno": "un", "brd": "deutschland"}  # stems of names and their short forms
SAME_SHARE = 0.5  # two spans sharing this share of the shorter one's content stems say the same
HEAD = "Die Artikel nennen je nach Datum Verschiedenes (neueste zuerst):"


def other_dated_hits(best, candidates: Sequence, hits: Sequence[Hit], question: str = "") -> list[Hit]:
    """The best unread passage of each article dated otherwise than the best evidence's, among the
    first LOOK_AT hits (at most EXTRA_ARTICLES), that names the question terms the best evidence
    names (only such a passage can contradict it: the others are not read)."""
    read = {c.hit.chunk.id for c in candidates} | {best.hit.chunk.id}
    seen_dates = {c.hit.chunk.date for c in candidates} | {best.hit.chunk.date}
    needed = _covered(question, best.text)
    chosen, sources = [], set()
    for hit in hits[:LOOK_AT]:
        if hit.chunk.id in read or hit.chunk.source in sources or hit.chunk.date in seen_dates:
            continue
        if not needed <= _covered(question, hit.chunk.text):
            continue
        chosen.append(hit)
        sources.add(hit.chunk.source)
        if len(chosen) == EXTRA_ARTICLES:
            break
    return chosen


def conflicting(best, candidates: Sequence, threshold: float, question: str = "") -> list:
    """The best candidate and those that contradict it, one per date, newest first (undated last);
    [] when there is no conflict. A contradicting candidate's sentence names every term of the
    question that the best one's names (else it answers another question: "kurdische" vs
    "libysche Sicherheitskräfte")."""
    if best.headline < SPAN_FLOOR:
        return []
    needed = _covered(question, best.text)
    picked, dates = [best], {best.hit.chunk.date}
    for c in sorted(candidates, key=lambda c: (not _named_after(question, c), -c.confidence)):
        if c.confidence < threshold or c.features.get("mismatch"):
            continue
        if c.headline < SPAN_FLOOR and not _named_after(question, c):
            continue
        if c.hit.chunk.date in dates or any(_same(c.span.text, p.span.text) for p in picked):
            continue
        if not needed <= _covered(question, c.text):
            continue
        picked.append(c)
        dates.add(c.hit.chunk.date)
    dated = [p for p in picked if p.hit.chunk.date]
    if len(picked) < 2 or not dated:
        return []
    dated.sort(key=lambda c: c.hit.chunk.date.end_key, reverse=True)  # by last day: a month sorts after its days
    return dated + [p for p in picked if not p.hit.chunk.date]


def _named_after(question: str, candidate) -> bool:
    """The span follows a term of the question ("US-Verteidigungsminister Mark Esper" for "Wer ist
    US-Verteidigungsminister?"): news name a role right before the person who holds it."""
    span = candidate.span
    sentence = next((s for s in candidate.sentences if s.start <= span.start < s.end), None)
    if sentence is None:
        return False
    before = set(_terms(" ".join(sentence.text[:span.start - sentence.start].split()[-APPOSITION_WORDS:])))
    return any(term_match(t, before) >= 0.8 or t in before for t in _terms(question))


def _terms(text: str) -> list[str]:
    """Content stems, with the short forms of a few names that news use for each other ("USA" in a
    question, "US-Verteidigungsminister" in the text)."""
    return [SAME_NAME.get(t, t) for t in analyze(text)]


def _covered(question: str, sentence: str) -> set[str]:
    """The question's terms that a sentence names (same stem, or an inflected or compound form)."""
    present = set(_terms(sentence))
    return {t for t in _terms(question) if term_match(t, present) >= 0.8 or t in present}


def _same(a: str, b: str) -> bool:
    """The same answer in other words: most content stems shared ("aller ausländischen Truppen" and
    "den Abzug ausländischer Truppen"), or one inside the other."""
    x, y = set(analyze(a)), set(analyze(b))
    if not x or not y:
        return normalize(a).strip() in normalize(b) or normalize(b).strip() in normalize(a)
    return len(x & y) >= SAME_SHARE * min(len(x), len(y))


def dated_answer(question: str, best, candidates: Sequence, read_more: Callable[[list[Hit]], list],
                 hits: Sequence[Hit], threshold: float, answerer: str) -> Answer | None:
    """The list of differing dated answers, or None when the articles agree (or only one speaks)."""
    if question_kind(question) in NOT_FACTS:
        return None
    extra = other_dated_hits(best, candidates, hits, question)
    pool = list(candidates) + (read_more(extra) if extra else [])
    picked = conflicting(best, pool, threshold, question)
    if not picked:
        return None
    citations = build_citations([(c.hit, s) for c in picked for s in c.sentences])
    lines = [HEAD] + [f"– {_according_to(c.hit)}: {c.span.text} {marks(citations, c.hit, c.sentences)} „{c.text}“"
                      for c in picked]
    return Answer(text="\n".join(lines), short_answer=None, abstained=False, citations=tuple(citations),
                  hits=tuple(hits), answerer=answerer, confidence=best.confidence, span=best.span.text)


def _according_to(hit: Hit) -> str:
    chunk = hit.chunk
    if chunk.date:
        who = f"{chunk.publisher} " if chunk.publisher else "einem Artikel "
        return f"laut {who}vom {display_date(chunk.date)}"
    return f"laut {chunk.publisher or 'einem Artikel'} ohne Datum ({chunk.source})"
