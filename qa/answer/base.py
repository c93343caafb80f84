"""What every answerer shares: the `Answerer` protocol, its `AnswerContext`, and the abstention.

Every answerer streams: it yields text deltas as they are produced and then exactly one final
`Answer` (whose text is authoritative: verification may change what was streamed); `final`
takes that Answer from a stream. Answerers import this module, never the registry
(qa.answer), which imports them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Protocol, Sequence

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


def final(events: Iterator[str | Answer]) -> Answer:
    """The Answer at the end of an answerer's stream."""
    answer = None
    for event in events:
        if isinstance(event, Answer):
            answer = event
    if answer is None:
        raise RuntimeError("answerer stream ended without an Answer")
    return answer


def abstain(hits: Sequence[Hit], answerer: str, notes: tuple[str, ...] = ()) -> Answer:
    return Answer(text=ABSTAIN_TEXT, short_answer=None, abstained=True, citations=(), hits=tuple(hits),
                  answerer=answerer, notes=notes)
