"""A corpus file -> Article: read it (inside the corpus folder only), hand its bytes to the reader
its suffix names (qa.ingest.formats), lay the sidecar's metadata over what the file states, and
give it a title.

Every article gets a title: from `metadata.csv`, front matter, the HTML page or a headline
line, else a short one made from its lead sentence (qa.ingest.cleaning.lead_title), marked
`title_derived`. Changing these rules changes what the chunks carry: bump `TITLE_RULES` (part
of every file's version), so the next ingest re-chunks.

Not here: cleaning a text (qa.ingest.cleaning), the formats and their readers (qa.ingest.formats),
listing the folder (qa.ingest.files).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from qa.errors import CorpusError
from qa.ingest.cleaning import lead_title, parse_date_line, parse_text  # noqa: F401  (names tests import here)
from qa.ingest.files import file_hash, iter_corpus_files, read_corpus_file, source_name  # noqa: F401
from qa.ingest.formats import format_names, reader_for
from qa.ingest.metadata import Metadata, apply
from qa.records import Article

MAX_FILE_BYTES = 20_000_000

TITLE_RULES = 2
"""How titles are found (2: a title derived from the lead sentence where the file names none).
Part of every file's version (qa.ingest.scan.file_version): a new rule re-chunks every file."""


def read_article(path: Path, corpus_dir: Path, metadata: Metadata | None = None) -> Article:
    """Read and clean one corpus file; `metadata` (its row of `metadata.csv`) wins over what the
    file states; without a title from anywhere, one is derived from the lead sentence. Raises
    CorpusError when it cannot be read."""
    return with_title(_read(path, corpus_dir, metadata))


def with_title(article: Article) -> Article:
    """The article with a title: its own, else one derived from its lead sentence (marked)."""
    if article.title and article.title.strip():
        return replace(article, title=article.title.strip())
    derived = lead_title(article)
    return replace(article, title=derived, title_derived=derived is not None)


def _read(path: Path, corpus_dir: Path, metadata: Metadata | None) -> Article:
    name = source_name(path, corpus_dir)
    data = read_corpus_file(path, corpus_dir, limit=MAX_FILE_BYTES)
    reader = reader_for(path)
    if reader is None:  # listed files have a reader; a format whose plugin has gone has none
        raise CorpusError(f"Die Datei {name} hat kein unterstütztes Format ({', '.join(format_names())}) "
                          "und wird übersprungen.")
    return apply(reader(name, data, file_hash(data)), metadata)
