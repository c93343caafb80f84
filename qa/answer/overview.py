"""Overview answers: "Was passierte im Februar 2020 im Irak?", "Fasse den Bericht über … zusammen.",
"Worum geht es im Artikel über …?" get the key sentences of the best matching articles instead of
an abstention.

How:
1. `asks_overview` recognises the question by its phrasing (a summary, a development, "what
   happened", "what do the articles say about …"); `topic_terms` are its content words without
   the words of that phrasing.
2. The pipeline retrieves a deeper pool for the topic (the time the question names, where
   articles of that time exist, as a filter). Hits are grouped by article; near-duplicate
   articles (the same report twice) count once. An article is on the topic when its best passage
   (with title and publisher) holds most of the topic's terms; without topic terms ("Fasse die
   Artikel zusammen.") every article is.
3. From each article (at most MAX_ARTICLES; one when the question asks about "den Artikel"/"den
   Bericht") its key sentences: the lead sentence (news put the main fact first) and the
   sentences that hold the most topic terms, in article order.
4. The answer: a German lead line with the date range ("Die Artikel berichten vom 14.02.2020 bis
   zum 04.06.2020 über …:"), then one line per article, ordered by date, each sentence quoted
   with its citation. Nothing on the topic: the answer says so plainly.

Extractive, so it runs offline in milliseconds; the generative answerer may write a summary from
the same quoted sentences (qa.answer.generative).

Not handled: ordering events inside one article; merging what two articles say of one event.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Callable, Sequence

from qa.answer.citations import build_citations, marks
from qa.dates import PartialDate, display_date
from qa.language import analyze, term_match
from qa.records import Answer, Chunk, Hit, Sentence

OVERVIEW_HITS = 24  # passages retrieved for an overview
MAX_ARTICLES = 5
SENTENCES = 9  # key sentences in all (an article gets at most SENTENCES_ONE_ARTICLE)
SENTENCES_ONE_ARTICLE = 5
MIN_WORDS = 6  # shorter "sentences" are headings, datelines, captions
ON_TOPIC = 0.6  # share of the topic's terms an article must hold

_OVERVIEW = re.compile(
    r"^\s*(?:und\s+|bitte\s+|kannst du\s+(?:mir\s+)?|können sie\s+(?:mir\s+)?)?(?:"
    r"was\s+(?:ist|war|sind|waren)\s+(?:(?:denn|da|dort|eigentlich|genau|sonst(?:\s+noch)?)\s+)*(?:passiert|geschehen|los)"
    r"|was\s+(?:passierte|passiert|geschah|geschieht|ereignete\s+sich)"
    r"|fass\w*\b|zusammenfass\w*|gib\s+(?:mir\s+)?(?:bitte\s+)?(?:einen|eine)\s+(?:überblick|zusammenfassung)"
    r"|(?:einen\s+)?überblick|worum\s+(?:geht|ging)|wovon\s+handel\w*"
    r"|was\s+(?:berichte\w*|schreib\w*|sag\w*|steht|stand|meld\w*|erzähl\w*)\s+(?:die|der|den|das|in|im|laut)\b"
    r"|was\s+(?:gibt\s+es|weißt\s+du|wissen\s+wir|ist)\s+(?:neues\s+|alles\s+)?(?:über|zu|von)\b"
    r"|erzähl\w*\s+(?:mir\s+)?(?:etwas\s+|mehr\s+)?(?:über|von|zu)\b"
    r"|wie\s+(?:hat|haben)\s+sich\b.*\bentwickelt|wie\s+entwickelte\w*\s+sich"
    r"|wie\s+(?:steht|stand|ist|war)\s+es\b.*\b(?:um|mit)\b"
    r"|wie\s+lief\w*\b"
    r"|welche\s+(?:[\w-]+\s+){1,3}(?:werden|wurden)\s+in\s+den\s+artikeln"
    r"|welche\s+(?:[\w-]+\s+){1,3}(?:nennen|beschreiben|erwähnen)\s+die\s+artikel"
    r")",
    re.IGNORECASE)
_ONE_ARTICLE = re.compile(r"\b(?:de[mnr]|dies\w*|einem)\s+(?:artikel|bericht|beitrag|text|meldung)\b|\bim\s+artikel\b",
                          re.IGNORECASE)
_PHRASING = ("artikel artikeln bericht berichte berichten berichtet berichtete beitrag text meldung meldungen "
             "insgesamt laut zusammen zusammenfassen zusammenfassung fasse fass bitte kurz kurze passierte passiert "
             "geschah geschehen ereignete überblick worum geht ging entwickelt entwickelte entwicklung steht stand "
             "sagen sagt schreiben schreibt neues erzähl erzähle erzählen weißt wissen bekannt lage sonst noch "
             "allgemein alles darüber dazu davon lief liefen welche werden beschrieben quellen")


def asks_overview(question: str) -> bool:
    """The question asks for a summary, a development or what happened."""
    return bool(_OVERVIEW.search(question))


@functools.lru_cache(maxsize=1)
def _phrasing_terms() -> frozenset[str]:
    return frozenset(analyze(_PHRASING))


def topic_terms(question: str) -> list[str]:
    """The question's content terms without the words that ask for an overview (and without
    the time it names: the time is a filter, not a topic)."""
    from qa.dates import question_time

    text = question
    when = question_time(question)
    if when is not None and when.text:
        text = text.replace(when.text, " ")
    return [t for t in dict.fromkeys(analyze(text)) if t not in _phrasing_terms()]


def topic_words(question: str) -> str:
    """The topic as the question words it ("über den IS in Libyen"), for the lead line."""
    m = re.search(r"\b(?:über|zu|um|von|mit)\s+(.+?)[?.!]*\s*$", question, re.IGNORECASE)
    if m and analyze(m.group(1)):
        phrase = re.sub(r"\s+(?:zusammen|berichtet|berichten|wird|werden)\b.*$", "", m.group(1))
        return f"{m.group(0).split()[0].lower()} {phrase}".strip()
    return ""


@dataclass
class _Article:
    key: str
    hits: list[Hit]
    chunks: list[Chunk]

    @property
    def first(self) -> Hit:
        return self.hits[0]

    @property
    def date(self) -> PartialDate | None:
        return self.first.chunk.date


class OverviewAnswerer:
    """Key sentences of the articles on a topic, dated and cited."""

    name = "extractive"

    def __init__(self, article_chunks: Callable[[str], Sequence[Chunk]]) -> None:
        self.article_chunks = article_chunks  # source -> its chunks in order (for lead sentences)

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer:
        terms = topic_terms(question)
        articles = self._articles(hits, terms)
        if not articles:
            what = topic_words(question)
            text = (f"Die Artikel berichten nicht {what}." if what.startswith("über ")
                    else "Dazu enthalten die Artikel keine Angaben.")
            return Answer(text=text, short_answer=None, abstained=True, citations=(), hits=tuple(hits),
                          answerer=self.name, kind="overview")
        one = bool(_ONE_ARTICLE.search(question))
        chosen = articles[:1] if one else articles[:MAX_ARTICLES]
        per_article = min(SENTENCES_ONE_ARTICLE, max(2, SENTENCES // len(chosen)))
        picked = [(a, self._key_sentences(a, terms, per_article)) for a in chosen]
        picked = [(a, s) for a, s in picked if s]
        picked.sort(key=lambda item: (item[0].date is None, item[0].date))
        citations = build_citations([(self._hit_of(a, s), s) for a, sentences in picked for s in sentences])
        lines = [self._lead(question, [a for a, _ in picked])]
        for article, sentences in picked:
            cited = [(s, marks(citations, self._hit_of(article, s), [s])) for s in sentences]
            quotes = " ".join(f"„{s.text}“ {m}" for s, m in cited)
            lines.append(f"– {self._label(article)}: {quotes}")
        return Answer(text="\n\n".join(lines), short_answer=None, abstained=False, citations=tuple(citations),
                      hits=tuple(hits), answerer=self.name, kind="overview")

    # -- choosing ---------------------------------------------------------------------------
    def _articles(self, hits: Sequence[Hit], terms: list[str]) -> list[_Article]:
        grouped: dict[str, _Article] = {}
        for hit in hits:
            key = hit.chunk.group or hit.chunk.source  # near-duplicates: one article
            article = grouped.get(key)
            if article is None:
                grouped[key] = _Article(key, [hit], list(self.article_chunks(hit.chunk.source)))
            elif hit.chunk.source == article.first.chunk.source:
                article.hits.append(hit)
        # on the topic: most of its terms, or the best few hits with a good share of them
        kept = [a for a in grouped.values() if not terms or self._on_topic(a, terms) >= ON_TOPIC
                or (a.first.rank <= 3 and self._on_topic(a, terms) >= ON_TOPIC / 2)]
        return sorted(kept, key=lambda a: -self._on_topic(a, terms)) if terms else kept  # stable: retrieval order

    @staticmethod
    def _on_topic(article: _Article, terms: list[str]) -> float:
        chunk = article.first.chunk
        lead = article.chunks[0].text if article.chunks else ""
        present = set(analyze(" ".join(filter(None, (chunk.title, chunk.publisher, lead, chunk.text)))))
        return sum(term_match(t, present) for t in terms) / len(terms)

    def _key_sentences(self, article: _Article, terms: list[str], count: int) -> list[Sentence]:
        """The lead sentence and the sentences with the most topic terms, in article order."""
        seen, candidates = set(), []
        chunks = article.chunks or [h.chunk for h in article.hits]
        retrieved = {h.chunk.id for h in article.hits}
        for chunk in chunks:
            for sentence in chunk.sentences:
                if sentence.start in seen or len(sentence.text.split()) < MIN_WORDS or \
                        sentence.text.strip() == (chunk.title or "").strip():  # the headline is no key sentence
                    continue
                seen.add(sentence.start)
                present = set(analyze(sentence.text))
                score = sum(term_match(t, present) for t in terms) / len(terms) if terms else 0.0
                score += 0.6 if len(candidates) < 2 else 0.0  # teaser and lead: the main facts first
                score += 0.2 if chunk.id in retrieved else 0.0
                score += 0.15 if any(ch.isdigit() for ch in sentence.text) else 0.0  # numbers, dates: facts
                candidates.append((score, sentence))
        best = sorted(candidates, key=lambda item: -item[0])[:count]
        return [s for _, s in sorted(best, key=lambda item: item[1].start)]

    @staticmethod
    def _hit_of(article: _Article, sentence: Sentence) -> Hit:
        """A hit for the chunk that holds the sentence (the article's lead chunk may not have been retrieved)."""
        for chunk in article.chunks:
            if any(s.start == sentence.start for s in chunk.sentences):
                for hit in article.hits:
                    if hit.chunk.id == chunk.id:
                        return hit
                return Hit(chunk, 0.0, article.first.rank, copies=article.first.copies)
        return article.first

    # -- wording ----------------------------------------------------------------------------
    @staticmethod
    def _label(article: _Article) -> str:
        chunk = article.first.chunk
        parts = [display_date(chunk.date) if chunk.date else "ohne Datum"]
        if chunk.title:
            parts.append(f"„{chunk.title}“")
        if chunk.publisher:
            parts.append(chunk.publisher)
        return ", ".join(parts)

    @staticmethod
    def _lead(question: str, articles: list[_Article]) -> str:
        topic = topic_words(question)
        about = f" {topic}" if topic else ""
        dates = sorted(a.date for a in articles if a.date)
        if len(articles) == 1:
            a = articles[0]
            when = f" vom {display_date(a.date)}" if a.date else ""
            return f"Der Artikel{when} berichtet{about}:"
        if dates and dates[0] != dates[-1]:
            return f"{len(articles)} Artikel berichten vom {display_date(dates[0])} bis zum {display_date(dates[-1])}{about}:"
        if dates:
            return f"{len(articles)} Artikel vom {display_date(dates[0])} berichten{about}:"
        return f"{len(articles)} Artikel berichten{about}:"
