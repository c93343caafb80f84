"""Answerers: hits -> Answer. The `Answerer` protocol and the registry of implementations.

Every answerer streams: it yields text deltas as they are produced and then exactly one final
`Answer` (whose text is authoritative: verification may change what was streamed). The
registry maps a name to a `Spec` (German label, factory, availability check); the CLI's and the
UI's choices, the settings check and evaluation all read it. A new answerer is a module with a
class that follows `Answerer`, plus one line in `ANSWERERS`.

    extractive   the trained reader (qa.answer.extractive): always available, milliseconds
    llm          a local GGUF model or an OpenAI-compatible server (qa.answer.generative),
                 grounded in the reader's evidence and verified; available where installed
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator, Protocol, Sequence

from qa.records import Answer, Hit

ABSTAIN_TEXT = "Dazu enthalten die Artikel keine Angaben."
AUTO = "auto"  # the generative answerer where one is installed, else the extractive one


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


@dataclass(frozen=True)
class Spec:
    label: str  # German, for people (UI choices, CLI output)
    factory: Callable  # factory(pipeline) -> Answerer
    available: Callable = lambda settings: True  # usable without installing anything more?
    api_model: str = ""  # the model name an OpenAI-compatible client asks for
    slow: bool = False  # seconds per answer: served through the bounded queue (qa.app.gate)


def _extractive(pipeline):
    from qa.answer.extractive import ReaderAnswerer

    return ReaderAnswerer(pipeline.reader, pipeline.settings)


def _generative(pipeline):
    from qa.answer.generative import GenerativeAnswerer
    from qa.answer.llm import make_backend

    return GenerativeAnswerer(make_backend(pipeline.settings), pipeline.answerer("extractive"), pipeline.settings)


def _llm_installed(settings) -> bool:
    from qa.answer.llm import llm_installed

    return llm_installed(settings)


ANSWERERS: dict[str, Spec] = {
    "extractive": Spec("Extraktiv", _extractive, api_model="qa-extraktiv"),
    "llm": Spec("Lokales Sprachmodell", _generative, _llm_installed, api_model="qa-llm", slow=True),
}


def label(name: str) -> str:
    """The German label of an answerer name ("extractive" -> "Extraktiv")."""
    if name == AUTO:
        return "Sprachmodell, wo installiert, sonst extraktiv"
    spec = ANSWERERS.get(name)
    return spec.label if spec else name


def choices() -> tuple[str, ...]:
    """Valid values of the `answerer` setting."""
    return (*ANSWERERS, AUTO)


def resolve(requested: str, settings) -> str:
    """A registered answerer name for a request; "auto" takes the first available after "extractive"."""
    if requested != AUTO:
        return requested
    preferred = [name for name in ANSWERERS if name != "extractive"] + ["extractive"]
    return next(name for name in preferred if ANSWERERS[name].available(settings))
