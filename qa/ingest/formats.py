"""Corpus formats: the registry of readers, file suffix -> reader, that decides which files of
the corpus folder are read and how.

A reader is `reader(source, data, digest) -> Article`: the file's name in the corpus, its bytes
and their hash (`content_hash`); it returns the article with its source text, the segments that
are article text and what the file states (title, publisher, date: a `PartialDate`), or raises
CorpusError with a German reason when the file cannot be used. Offsets refer to `source_text`.
The sidecar's metadata and the derived title are laid over it afterwards (qa.ingest.corpus).

    .txt         plain text (qa.ingest.cleaning.parse_text)
    .md          Markdown: front matter, then the text with its headings
    .html .htm   the text trafilatura extracts from the page, the page's metadata

Other packages add formats through the entry point group `qa_de.formats` (name: the suffix,
with or without its dot; value: the reader), read once when the registry is first read
(qa.plugins). The folder listing (qa.ingest.files) and the CLI's message take the suffixes and
names from here. Not here: reading the file (inside the corpus folder only) and cleaning rules.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from qa.errors import CorpusError
from qa.ingest.cleaning import decode_text, html_article, parse_text
from qa.ingest.metadata import apply, front_matter
from qa.plugins import GROUP_PREFIX, Registry
from qa.records import Article

Reader = Callable[[str, bytes, str], Article]


def read_plain(source: str, data: bytes, digest: str) -> Article:
    return _with_text(parse_text(source, decode_text(data, source), digest))


def read_markdown(source: str, data: bytes, digest: str) -> Article:
    text = decode_text(data, source)
    front, skip = front_matter(text)
    return apply(_with_text(parse_text(source, text, digest, markdown=True, skip=skip)), front)


def read_html(source: str, data: bytes, digest: str) -> Article:
    return html_article(source, decode_text(data, source), digest)


def _with_text(article: Article) -> Article:
    if not article.segments:
        raise CorpusError(f"Die Datei {article.source} enthält keinen Artikeltext (nur Seitenelemente) "
                          "und wird übersprungen.")
    return article


def suffix_key(name: str) -> str:
    """An entry point's name as a suffix: "rst", ".RST" -> ".rst"."""
    name = name.strip().lower()
    return name if name.startswith(".") else f".{name}"


FORMATS: Registry = Registry(GROUP_PREFIX + "formats", {".txt": read_plain, ".md": read_markdown,
                                                        ".html": read_html, ".htm": read_html},
                             normalise=suffix_key)
"""suffix (lower case, with its dot) -> reader."""


def suffixes() -> tuple[str, ...]:
    """The suffixes of the files the corpus folder is read for."""
    return tuple(FORMATS)


def format_names() -> tuple[str, ...]:
    """One suffix per reader, for people (".txt", ".md", ".html": .htm is read like .html)."""
    first: dict[Reader, str] = {}
    for suffix, reader in FORMATS.items():
        first.setdefault(reader, suffix)
    return tuple(first.values())


def reader_for(path: Path) -> Reader | None:
    """The reader of a file by its suffix; None when no format has it."""
    return FORMATS.get(path.suffix.lower())
