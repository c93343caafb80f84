"""Plain records passed between the pipeline stages.

corpus -> Article -> Chunk -> (index) -> Hit -> Answer(Citation...)

All offsets (`start`, `end`) are character offsets into the *source text* of an
article: for .txt/.md files that is the raw file decoded as text, so
`raw[start:end] == quote`; for .html files it is the text extracted from the
page (the inspector shows that text, not the markup).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Turn:
    """One message of a conversation: role is "user" or "assistant"."""

    role: str
    content: str


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article with its offsets in the article's source text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Article:
    """A corpus file after cleaning.

    `source_text` is what offsets refer to; `segments` are the (start, end)
    spans of `source_text` that survived boilerplate removal, in order.
    """

    source: str
    source_text: str
    segments: tuple[tuple[int, int], ...]
    content_hash: str
    title: str | None = None
    publisher: str | None = None
    date: str | None = None

    @property
    def clean_text(self) -> str:
        return "\n\n".join(self.source_text[a:b] for a, b in self.segments)


@dataclass(frozen=True)
class Chunk:
    """A passage of an article, as stored in the index."""

    id: str
    source: str
    text: str
    start: int
    end: int
    position: int
    sentences: tuple[Sentence, ...] = ()
    title: str | None = None
    publisher: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the scores it came from."""

    chunk: Chunk
    score: float
    rank: int
    dense_score: float | None = None
    keyword_score: float | None = None


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer: the quoted sentence and where it lies."""

    number: int
    source: str
    chunk_id: str
    quote: str
    start: int
    end: int
    title: str | None = None
    publisher: str | None = None
    date: str | None = None

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "source": self.source,
            "chunk_id": self.chunk_id,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "title": self.title,
            "publisher": self.publisher,
            "date": self.date,
        }


@dataclass(frozen=True)
class Answer:
    """What the pipeline returns for one question."""

    text: str
    short_answer: str | None
    abstained: bool
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    answerer: str
    latency_ms: float = 0.0
    notes: tuple[str, ...] = field(default=())

    def to_record(self, qid: str | None = None) -> dict:
        """The batch output line of ../shared/eval/README.md."""
        record = {} if qid is None else {"id": qid}
        record.update(
            answer=self.text,
            short_answer=self.short_answer,
            abstained=self.abstained,
            citations=[c.to_dict() for c in self.citations],
            retrieved=[
                {"source": h.chunk.source, "chunk_id": h.chunk.id, "score": round(h.score, 6)}
                for h in self.hits
            ],
            answerer=self.answerer,
            latency_ms=round(self.latency_ms, 1),
        )
        return record


@dataclass(frozen=True)
class Filters:
    """Restrict a question to some articles and/or a date range (ISO dates, inclusive)."""

    sources: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.sources or self.date_from or self.date_to)
