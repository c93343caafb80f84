"""Plain records passed between the pipeline stages.

corpus -> Article -> Chunk -> (index) -> Hit -> Answer(Citation...)

All offsets (`start`, `end`) are character offsets into the *source text* of an
article: for .txt/.md files that is the raw file decoded as text, so
`raw[start:end] == quote`; for .html files it is the text extracted from the
page (the inspector shows that text, not the markup).

The records import nothing from the stages above them: dates are `PartialDate` values
(qa.dates, below the records; None: unknown). How a date is stored is the store's (qa.store),
how a record is written as JSON (ISO texts, German display fields such as `date_text`) is
qa.answer.record's, used by the places that output (CLI, API, batch, evaluation).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from qa.dates import PartialDate, QuestionTime  # noqa: F401  (QuestionTime lives with the date value)


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
    date: PartialDate | None = None
    title_derived: bool = False  # the file names no title: `title` was made from its lead sentence

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
    date: PartialDate | None = None
    group: str = ""  # near-duplicate group of its article ("" when it has no copies; see qa.ingest.duplicates)

    def sentence_positions(self) -> list[int]:
        """Where each of the chunk's sentences starts inside `text`."""
        positions, pos = [], 0
        for s in self.sentences:
            rel = self.text.index(s.text, pos)
            positions.append(rel)
            pos = rel + len(s.text)
        return positions


@dataclass(frozen=True)
class Copy:
    """Another article of the same near-duplicate group (a syndicated copy)."""

    source: str
    title: str | None = None
    publisher: str | None = None
    date: PartialDate | None = None


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the scores it came from.

    `copies` are the other articles of its near-duplicate group (set by the diversifying
    reranker, which keeps one hit per group)."""

    chunk: Chunk
    score: float
    rank: int
    dense_score: float | None = None
    keyword_score: float | None = None
    copies: tuple[Copy, ...] = ()


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
    date: PartialDate | None = None
    copies: tuple[Copy, ...] = ()  # the same article elsewhere ("auch berichtet von …")

    @property
    def date_copy(self) -> Copy | None:
        """The dated copy whose date an undated article borrows (shown as such), or None."""
        if self.date:
            return None
        return next((c for c in self.copies if c.date), None)


@dataclass(frozen=True)
class ResolvedDate:
    """A relative time expression of an evidence sentence ("am Mittwoch") and what it means against
    its article's date (qa.answer.timeline): German `text`, the ISO date where one follows (possibly
    partial), the article date it was resolved against (None: undated, not resolvable)."""

    expression: str
    text: str
    iso: str | None
    article_date: PartialDate | None
    exact: bool = False  # a single day
    date_from_copy: str | None = None  # the article was undated: the date of this copy of it was used


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
    confidence: float | None = None  # the answerer's calibrated confidence in its evidence, where it has one
    span: str | None = None  # the best answer span, also when it is not shown (headline) or abstained
    question_time: QuestionTime | None = None  # the time taken from the question (a ranking preference)
    resolved_dates: tuple[ResolvedDate, ...] = ()  # relative dates of the evidence, resolved (date questions)
    understood_as: str | None = None  # a follow-up rewritten as a standalone question (qa.conversation)
    kind: str = "answer"  # answer | overview | assistant (a greeting, a client's own task: qa.answer.assistant)


@dataclass(frozen=True)
class Filters:
    """Restrict a question to some articles and/or a date range (inclusive: from the first day of
    `date_from` to the last of `date_to`).

    An article matches the range when the days its (possibly partial) date covers overlap it;
    an undated article never matches a range."""

    sources: tuple[str, ...] = ()
    date_from: PartialDate | None = None
    date_to: PartialDate | None = None
    question_time: bool = True  # prefer the time the question names (False: the user removed it)

    @property
    def active(self) -> bool:
        return bool(self.sources or self.date_from or self.date_to)

    @property
    def dated(self) -> bool:
        return bool(self.date_from or self.date_to)
