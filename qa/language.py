"""German language resources, in one place: words, stopwords, stems, months, weekdays, articles.

Used by corpus reading (dates), chunking (dates split by the sentence splitter), keyword
retrieval and answer checking (stems), and evaluation (articles dropped before EM/F1).

Words are lower-cased, split at anything that is not a letter or digit (so "Irak-Einsatz"
gives "irak" and "einsatz"), German stopwords are dropped (bm25s's list, extended with question
words) and the rest are stemmed with the Snowball German stemmer (PyStemmer). Month and weekday
names come from Babel's CLDR data (German and Austrian: "Jänner").
"""
from __future__ import annotations

import functools
import re
import threading
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
QUESTION_WORDS = frozenset({
    "wer", "wen", "wem", "wessen", "was", "wann", "wo", "woher", "wohin", "warum", "weshalb",
    "wieso", "wie", "welche", "welcher", "welches", "welchen", "welchem", "wieviel", "wieviele",
    "viele", "vielen", "seit", "bis", "denn", "eigentlich", "und",
})
ARTICLES = frozenset("der die das den dem des ein eine einer eines einem einen".split())
"""German definite and indefinite articles in every case."""
_local = threading.local()


@functools.lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_GERMAN

    return frozenset(w.lower() for w in STOPWORDS_GERMAN) | QUESTION_WORDS


def _stemmer():
    # PyStemmer objects are not thread-safe: one per thread.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import Stemmer

        stemmer = _local.stemmer = Stemmer.Stemmer("german")
    return stemmer


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\u00ad", "").lower()


def words(text: str) -> list[str]:
    """Lower-cased word tokens, no stemming, stopwords kept."""
    return _WORD.findall(normalize(text))


def analyze(text: str) -> list[str]:
    """Stemmed content terms of a text, in order (duplicates kept)."""
    stop = stopwords()
    return _stemmer().stemWords([w for w in words(text) if w not in stop])


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


_DATE_WORDS = r"(jahr|jahres|monat|monats|tag|tages|wochentag|datum|zeitpunkt|woche|uhrzeit|zeit|zeitraum|jahrzehnt)"
_KINDS = (("date", r"(seit |bis |ab |und )?wann\b|(seit|ab|bis|an|in|zu|um|für|vor)\s+(welche[mrns]?|wie viel\w*)\s+"
                   rf"{_DATE_WORDS}\b|welche[rsnm]?\s+{_DATE_WORDS}\b|wie lange ist (es|das) her"),
          ("count", r"wie (viele?n?|viel|hoch|groß|lang|lange|alt|oft|teuer|schwer|weit)\b|was kostet|wie viel geld"),
          ("person", r"(\w+ )?(wer|wem|wen|wessen)\b"), ("place", r"(wo|wohin|woher)\b|in welche[rm] (stadt|land)"),
          ("reason", r"warum|weshalb|wieso"), ("which", r"(\w+ )?welche[rsnm]?\b"), ("what", r"was\b"))
NUMBER_WORDS = frozenset(
    "null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf zwanzig dreißig vierzig fünfzig "
    "sechzig siebzig achtzig neunzig hundert tausend dutzend dutzende hunderte tausende million millionen "
    "milliarde milliarden billion billionen hälfte drittel viertel doppelt mio mrd mehrere einige etliche "
    "zahlreiche wenige".split())
"""Words that state a quantity (with digits and "-fach" forms: what a "Wie viele …?" answer needs)."""
RELATIVE_TIME = frozenset(
    "heute gestern vorgestern morgen übermorgen woche wochen monat monate jahr jahre jahrhundert jahrzehnt "
    "anfang mitte ende beginn frühjahr frühling sommer herbst winter vergangenen vergangene kommenden nächsten".split())


def question_kind(question: str) -> str:
    """What a question asks for, by its question word: date, count, person, place, reason, which,
    what or other (for the reader's calibration and for breaking figures down)."""
    q = re.sub(r"^(und|aber|also)\s+", "", question.strip().lower())
    if re.search(_KINDS[0][1], q) and not re.match(r"wie (viele?n?|viel)\b(?!.*\b(jahr|monat|tag)e? (ist es )?her)", q):
        return "date"  # also inside the question: "Der Vertrag wurde an welchem Tag unterzeichnet?"
    return next((kind for kind, pattern in _KINDS if re.match(pattern, q)), "other")


def mentions_number(text: str) -> bool:
    """A digit or a German number word ("vier Millionen", "mehrere hundert", "das Zehnfache")."""
    return any(ch.isdigit() for ch in text) or any(
        w in NUMBER_WORDS or re.search(r"fach(e|en|er|es)?$", w) for w in words(text))


def mentions_date(text: str) -> bool:
    """A digit, a month or weekday name, or a word of relative time ("Anfang Januar", "gestern")."""
    found = set(words(text))
    return any(ch.isdigit() for ch in text) or bool(found & (set(months()) | set(weekdays()) | RELATIVE_TIME))


def type_mismatch(question: str, span: str) -> bool:
    """The question asks for a number or a date and the span names none."""
    kind = question_kind(question)
    return (kind == "count" and not mentions_number(span)) or (kind == "date" and not mentions_date(span))


@functools.lru_cache(maxsize=1)
def months() -> dict[str, int]:
    """German month names (lower case, "jänner" included) -> month number."""
    from babel.dates import get_month_names

    names = {}
    for locale in ("de_DE", "de_AT"):
        for number, name in get_month_names("wide", locale=locale).items():
            names[name.lower()] = number
    return names


@functools.lru_cache(maxsize=1)
def month_pattern() -> str:
    """A regex alternation of the German month names, capitalised as written ("Januar|Jänner|…")."""
    return "(?:" + "|".join(name.capitalize() for name in months()) + ")"


@functools.lru_cache(maxsize=1)
def weekdays() -> dict[str, int]:
    """German weekday names (lower case) -> ISO weekday number (Monday 1 … Sunday 7)."""
    from babel.dates import get_day_names

    return {name.lower(): number + 1 for number, name in get_day_names("wide", locale="de_DE").items()}


@functools.lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """German names of countries and territories (Babel's CLDR data)."""
    from babel import Locale

    return frozenset(Locale("de").territories.values())


_TOKEN = re.compile(r"\w+(?:[-.'’]\w+)*|[^\w\s]", re.UNICODE)
_tagger_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _tagger():
    from HanTa import HanoverTagger

    return HanoverTagger.HanoverTagger("morphmodel_ger.pgz")


@functools.lru_cache(maxsize=4096)
def tag(text: str) -> tuple[tuple[str, str, str], ...]:
    """(word, lemma, STTS part-of-speech tag) for each token of a German text (HanTa, the Hanover
    Tagger: "NE" proper name, "NN" noun, "PPER" personal pronoun, "PPOSAT" possessive …)."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return ()
    with _tagger_lock:  # the tagger keeps state between calls
        return tuple(tuple(t) for t in _tagger().tag_sent(tokens, taglevel=1))


@functools.lru_cache(maxsize=4096)
def is_feminine_noun(noun: str) -> bool:
    """A noun for a woman by its suffix ("Ministerin", "Amtskollegin", "Polizistinnen")."""
    if not noun[:1].isupper() or len(noun) < 5:
        return False
    with _tagger_lock:
        _, morphemes, _ = _tagger().analyze(noun, taglevel=3)
    return any(tag == "SUF_FEM" for _, tag in morphemes)
