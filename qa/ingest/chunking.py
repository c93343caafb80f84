"""Article -> Chunks: German sentence splitting (syntok) and sentence packing.

Sentences never cross a segment (a kept line/paragraph) and keep their exact
offsets in the source text, so `article.source_text[s.start:s.end] == s.text`.
A chunk is a run of whole sentences up to `chunk_size` characters; neighbouring
chunks share `overlap` sentences. Pure functions: no I/O, no models.

Not handled: a single sentence longer than `chunk_size` stays whole (it is
split at whitespace only beyond 3x the size, to stay under the encoder's 512 tokens).
"""
from __future__ import annotations

import re

from qa.language import month_pattern
from qa.records import Article, Chunk, Sentence


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Sentences of one paragraph with offsets shifted by `offset`."""
    import syntok.segmenter as segmenter

    sentences = []
    for paragraph in segmenter.analyze(text):
        for sentence in paragraph:
            tokens = [t for t in sentence if t.value]
            if not tokens:
                continue
            start = tokens[0].offset
            end = tokens[-1].offset + len(tokens[-1].value)
            sentences.append(Sentence(text[start:end], offset + start, offset + end))
    return _merge_fragments(sentences, text, offset)


_ORDINAL_END = re.compile(r"\b\d{1,2}\.$")
_MONTH_START = re.compile(rf"^{month_pattern()}\b")


def _merge_fragments(sentences: list[Sentence], text: str, offset: int) -> list[Sentence]:
    """Glue pieces that are not sentences on their own: a lone "5.", a closing quote,
    or a date split after its ordinal ("bis 31." + "März.")."""
    merged: list[Sentence] = []
    for s in sentences:
        fragment = len(s.text) < 4 or not any(ch.isalpha() for ch in s.text)
        split_date = merged and _ORDINAL_END.search(merged[-1].text) and (
            _MONTH_START.match(s.text) or s.text[:1].islower())
        if merged and (fragment or split_date):
            prev = merged.pop()
            s = Sentence(text[prev.start - offset:s.end - offset], prev.start, s.end)
        merged.append(s)
    return merged


def article_sentences(article: Article) -> list[tuple[int, Sentence]]:
    """(segment index, sentence) for every sentence of the article's content."""
    out = []
    for index, (start, end) in enumerate(article.segments):
        for sentence in split_sentences(article.source_text[start:end], start):
            out.extend(_split_long(index, sentence))
    return out


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
    if overlap < 0 or chunk_size <= 0:
        raise ValueError("chunk_size must be positive and overlap non-negative")
    sentences = article_sentences(article)
    groups: list[list[tuple[int, Sentence]]] = []
    i = 0
    while i < len(sentences):
        group = [sentences[i]]
        size = len(sentences[i][1].text)
        j = i + 1
        while j < len(sentences) and size + 1 + len(sentences[j][1].text) <= chunk_size:
            group.append(sentences[j])
            size += 1 + len(sentences[j][1].text)
            j += 1
        groups.append(group)
        if j >= len(sentences):
            break
        i = max(j - overlap, i + 1)
    version = version or article.content_hash
    return [_make_chunk(article, version, position, group) for position, group in enumerate(groups)]


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
