"""What every answerer shares: the `Answerer` protocol, its `AnswerContext`, `EvidenceProvider`
and the abstention.

Every answerer streams: it yields text deltas as they are produced and then exactly one final
`Answer` (whose text is authoritative: verification may change what was streamed). `Streamed`
is the one place that separates such a stream (an answerer's, `Pipeline.stream`, the app's gated
stream) into what comes before the Answer and the Answer itself; `final` takes just the Answer.
`EvidenceProvider` is what the generative answerer is given (the extractive answerer's narrow
side), not the Pipeline. Answerers import this module, never the registry (qa.answer), which
imports them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Protocol, Sequence

from qa.records import Answer, Hit

ABSTAIN_TEXT = "Dazu enthalten die Artikel keine Angaben."


@dataclass(frozen=True)
class AnswerContext:
    """What an answerer may know besides the question and the hits."""

    conversation: str = ""  # the previous question, when this one is a follow-up ("Und wer …?")
    max_tokens: int | None = None  # the client's limit for a language model's answer (OpenAI's max_tokens)


class Answerer(Protocol):
    name: str

    def stream(self, question: str, hits: Sequence[Hit], context: AnswerContext) -> Iterator[str | Answer]: ...


class EvidenceProvider(Protocol):
    """What an answerer that words an answer of its own builds on (qa.answer.generative): a quoted,
    cited answer from the hits, with a short answer where the provider is sure of one, or an
    abstention. The extractive answerer is one (qa.answer.extractive)."""

    def answer(self, question: str, hits: Sequence[Hit], context: AnswerContext = ...) -> Answer: ...


class Streamed:
    """A stream split in two: iterating it yields every event before the final Answer (the text
    deltas, and whatever a wrapper puts between them, e.g. the app's "waiting" marks); once it
    is exhausted `answer` holds the Answer and `text` the text that was streamed.

    RuntimeError when the stream ends without an Answer."""

    def __init__(self, events: Iterable) -> None:
        self._events = events
        self._parts: list[str] = []
        self.answer: Answer | None = None

    @property
    def text(self) -> str:
        """The text deltas streamed so far, joined."""
        return "".join(self._parts)

    def __iter__(self) -> Iterator:
        for event in self._events:
            if isinstance(event, Answer):
                self.answer = event
                continue
            if isinstance(event, str):
                self._parts.append(event)
            yield event
        if self.answer is None:
            raise RuntimeError("stream ended without an Answer")


def final(events: Iterable) -> Answer:
    """The Answer at the end of a stream (the text before it is dropped)."""
    stream = Streamed(events)
    for _ in stream:
        pass
    return stream.answer


def abstain(hits: Sequence[Hit], answerer: str, notes: tuple[str, ...] = ()) -> Answer:
    return Answer(text=ABSTAIN_TEXT, short_answer=None, abstained=True, citations=(), hits=tuple(hits),
                  answerer=answerer, notes=notes)
