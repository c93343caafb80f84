"""Answerers: hits -> Answer. The registry of implementations; the `Answerer` protocol they
follow, `AnswerContext`, `final` and `abstain` are in qa.answer.base (also importable from here).

Every answerer streams: it yields text deltas as they are produced and then exactly one final
`Answer` (whose text is authoritative: verification may change what was streamed). The
registry maps a name to a `Spec` (German label, factory, availability check, what the factory
needs); the CLI's and the UI's choices, the check of the `answerer` setting (`check`: "unknown
name") and evaluation all read it. A new answerer is a module with a class that follows
`Answerer`, plus one line in `ANSWERERS`; another package adds one through the entry point group
`qa_de.answerers` (value: a `Spec`, or a bare factory `factory(settings)`, labelled with its
name), read when the registry is first read (qa.plugins).

    extractive   the trained reader (qa.answer.extractive): always available, milliseconds
    llm          a local GGUF model or an OpenAI-compatible server (qa.answer.generative),
                 grounded in the reader's evidence and verified; available where installed

A factory gets the settings and what its `needs` name, never the Pipeline (which provides them,
qa.pipeline, and builds each answerer once):

    reader       the trained reader model (qa.reader.model)
    evidence     an `EvidenceProvider` (qa.answer.base): the extractive answerer's quoted, cited answer
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from qa.answer.base import (ABSTAIN_TEXT, Answerer, AnswerContext, EvidenceProvider, abstain,  # noqa: F401
                            final)  # the package's names
from qa.errors import SettingsError
from qa.plugins import GROUP_PREFIX, Registry

AUTO = "auto"  # the generative answerer where one is installed, else the extractive one


@dataclass(frozen=True)
class Spec:
    label: str  # German, for people (UI choices, CLI output)
    factory: Callable  # factory(settings, **needs) -> Answerer
    available: Callable = lambda settings: True  # usable without installing anything more?
    api_model: str = ""  # the model name an OpenAI-compatible client asks for
    slow: bool = False  # seconds per answer: served through the bounded queue (qa.app.gate)
    needs: tuple[str, ...] = ()  # keyword arguments of the factory: "reader", "evidence" (above)


def _extractive(settings, reader):
    from qa.answer.extractive import ReaderAnswerer

    return ReaderAnswerer(reader, settings)


def _generative(settings, evidence):
    from qa.answer.generative import GenerativeAnswerer
    from qa.answer.llm import make_backend

    return GenerativeAnswerer(make_backend(settings), evidence, settings)


def _llm_installed(settings) -> bool:
    from qa.answer.llm import llm_installed

    return llm_installed(settings)


def _as_spec(name: str, entry) -> Spec:
    """A plugin's entry: its `Spec`, or a bare factory (labelled with its name, needing nothing)."""
    return entry if isinstance(entry, Spec) else Spec(name, entry)


ANSWERERS: Registry = Registry(GROUP_PREFIX + "answerers", {
    "extractive": Spec("Extraktiv", _extractive, api_model="qa-extraktiv", needs=("reader",)),
    "llm": Spec("Lokales Sprachmodell", _generative, _llm_installed, api_model="qa-llm", slow=True,
                needs=("evidence",)),
}, adapt=_as_spec)
"""name -> Spec (built-in, then plugins')."""


def label(name: str) -> str:
    """The German label of an answerer name ("extractive" -> "Extraktiv")."""
    if name == AUTO:
        return "Sprachmodell, wo installiert, sonst extraktiv"
    spec = ANSWERERS.get(name)
    return spec.label if spec else name


def choices() -> tuple[str, ...]:
    """Valid values of the `answerer` setting."""
    return (*ANSWERERS, AUTO)


def check(name: str) -> str:
    """`name` when it is a valid value of the `answerer` setting; a SettingsError (German) when unknown."""
    if name not in choices():
        raise SettingsError(f"Einstellung answerer: unbekannter Wert {name!r} ({', '.join(choices())}).")
    return name


def resolve(requested: str, settings) -> str:
    """A registered answerer name for a request; "auto" takes the first available after "extractive".
    An unknown name is a SettingsError (German)."""
    if check(requested) != AUTO:
        return requested
    preferred = [name for name in ANSWERERS if name != "extractive"] + ["extractive"]
    return next(name for name in preferred if ANSWERERS[name].available(settings))
