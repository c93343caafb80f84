"""Article -> Chunks: German sentence splitting (syntok) and sentence packing.

Sentences never cross a segment (a kept line/paragraph) and keep their exact
offsets in the source text, so `article.source_text[s.start:s.end] == s.text`.
A chunk is a run of whole sentences up to `chunk_size` characters; neighbouring
chunks share `overlap` sentences. Pure functions: no I/O, no models.

A file is indexed up to `max_chunks` chunks (`chunk_file`, setting max_chunks_per_file): beyond
that the ingest report names it with a German warning, and its sentences are not even split
(a 20 MB file would otherwise take hours to embed).

Not handled: a single sentence longer than `chunk_size` stays whole (it is
split at whitespace only beyond 3x the size, to stay under the encoder's 512 tokens).
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

from qa.language import month_pattern
from qa.records import Article, Chunk, Sentence


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Sentences of one paragraph with offsets shifted by `offset`."""
    return list(_sentences(text, offset))


def _sentences(text: str, offset: int) -> Iterator[Sentence]:
    """`split_sentences`, one at a time (syntok reads the text as far as it is asked)."""
    import syntok.segmenter as segmenter

    def raw() -> Iterator[Sentence]:
        for paragraph in segmenter.analyze(text):
            for sentence in paragraph:
                tokens = [t for t in sentence if t.value]
                if not tokens:
                    continue
                start = tokens[0].offset
                end = tokens[-1].offset + len(tokens[-1].value)
                yield Sentence(text[start:end], offset + start, offset + end)

    return _merge_fragments(raw(), text, offset)


_ORDINAL_END = re.compile(r"\b\d{1,2}\.$")
_MONTH_START = re.compile(rf"^{month_pattern()}\b")


def _merge_fragments(sentences: Iterable[Sentence], text: str, offset: int) -> Iterator[Sentence]:
    """Glue pieces that are not sentences on their own: a lone "5.", a closing quote,
    or a date split after its ordinal ("bis 31." + "März.")."""
    last: Sentence | None = None
    for s in sentences:
        fragment = len(s.text) < 4 or not any(ch.isalpha() for ch in s.text)
        split_date = last is not None and _ORDINAL_END.search(last.text) and (
            _MONTH_START.match(s.text) or s.text[:1].islower())
        if last is not None and (fragment or split_date):
            s = Sentence(text[last.start - offset:s.end - offset], last.start, s.end)
        elif last is not None:
            yield last
        last = s
    if last is not None:
        yield last


def article_sentences(article: Article) -> list[tuple[int, Sentence]]:
    """(segment index, sentence) for every sentence of the article's content."""
    return list(_article_sentences(article))


def _article_sentences(article: Article) -> Iterator[tuple[int, Sentence]]:
    for index, (start, end) in enumerate(article.segments):
        for sentence in _sentences(article.source_text[start:end], start):
            yield from _split_long(index, sentence)


def _split_long(index: int, sentence: Sentence, limit: int = 2000) -> list[tuple[int, Sentence]]:
    if len(sentence.text) <= limit:
        return [(index, sentence)]
    pieces, start = [], 0
    text = sentence.text
    while start < len(text):
        end = min(len(text), start + limit)
        if end < len(text):
            cut = text.rfind(" ", start + limit // 2, end)
            end = cut if cut > start else end
        piece = text[start:end].strip()
        lead = len(text[start:end]) - len(text[start:end].lstrip())
        pieces.append((index, Sentence(piece, sentence.start + start + lead, sentence.start + start + lead + len(piece))))
        start = end
    return pieces


def chunk_article(article: Article, chunk_size: int = 700, overlap: int = 1,
                  version: str | None = None) -> list[Chunk]:
    """Pack the article's sentences into chunks with deterministic ids.

    `version` (default: the file's content hash) goes into the ids, so chunks of
    another version of the file or of other chunk settings never collide."""
    return chunk_file(article, chunk_size, overlap, version)[0]


def chunk_file(article: Article, chunk_size: int = 700, overlap: int = 1, version: str | None = None,
               max_chunks: int | None = None) -> tuple[list[Chunk], str | None]:
    """`chunk_article` with at most `max_chunks` chunks: (chunks, German warning naming the file
    when it was cut, else None). The chunks of a cut file are the first ones of the uncut file."""
    if overlap < 0 or chunk_size <= 0 or (max_chunks is not None and max_chunks <= 0):
        raise ValueError("chunk_size and max_chunks must be positive and overlap non-negative")
    stream = _article_sentences(article)
    sentences: list[tuple[int, Sentence]] = []

    def have(n: int) -> bool:  # read sentences only as far as needed
        while len(sentences) < n:
            following = next(stream, None)
            if following is None:
                return False
            sentences.append(following)
        return True

    groups: list[list[tuple[int, Sentence]]] = []
    cut = False
    i = 0
    while have(i + 1):
        if max_chunks is not None and len(groups) >= max_chunks:
            cut = True
            break
        group = [sentences[i]]
        size = len(sentences[i][1].text)
        j = i + 1
        while have(j + 1) and size + 1 + len(sentences[j][1].text) <= chunk_size:
            group.append(sentences[j])
            size += 1 + len(sentences[j][1].text)
            j += 1
        groups.append(group)
        if not have(j + 1):
            break
        i = max(j - overlap, i + 1)
    version = version or article.content_hash
    chunks = [_make_chunk(article, version, position, group) for position, group in enumerate(groups)]
    warning = None
    if cut:
        indexed = chunks[-1].end
        warning = (f"{article.source}: nur die ersten {len(chunks)} Abschnitte eingelesen (bis Zeichen "
                   f"{indexed:,} von {len(article.source_text):,}); die Datei ist länger, als die Einstellung "
                   f"max_chunks_per_file = {max_chunks:,} (QA_MAX_CHUNKS_PER_FILE) erlaubt.").replace(",", ".")
    return chunks, warning


def chunk_id(source: str, version: str, position: int) -> str:
    """Deterministic: the same file content and settings always give the same ids."""
    return f"{source}:{version[:12]}:{position}"


def _make_chunk(article: Article, version: str, position: int, group: list[tuple[int, Sentence]]) -> Chunk:
    parts = []
    for k, (segment, sentence) in enumerate(group):
        if k:
            parts.append("\n" if segment != group[k - 1][0] else " ")
        parts.append(sentence.text)
    sentences = tuple(s for _, s in group)
    return Chunk(
        id=chunk_id(article.source, version, position),
        source=article.source,
        text="".join(parts),
        start=sentences[0].start,
        end=sentences[-1].end,
        position=position,
        sentences=sentences,
        title=article.title,
        publisher=article.publisher,
        date=article.date,
    )
