"""German text analysis shared by keyword search and the extractive answerer.

Words are lower-cased, split at anything that is not a letter or digit (so
"Irak-Einsatz" gives "irak" and "einsatz"), German stopwords are dropped
(bm25s's list, extended with question words) and the rest are stemmed with
the Snowball German stemmer (PyStemmer).
"""
from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"\w+", re.UNICODE)
QUESTION_WORDS = {
    "wer", "wen", "wem", "wessen", "was", "wann", "wo", "woher", "wohin", "warum", "weshalb",
    "wieso", "wie", "welche", "welcher", "welches", "welchen", "welchem", "wieviel", "wieviele",
    "viele", "vielen", "seit", "bis", "denn", "eigentlich", "und",
}
_local = threading.local()


@lru_cache(maxsize=1)
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

