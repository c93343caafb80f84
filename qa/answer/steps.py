"""The post-answer steps: what the Pipeline does to every final Answer, whatever answered it.

An answerer (or the overview) ends its stream with an Answer; the Pipeline runs the steps of
`POST_ANSWER` on it, in their order, and streams the text they add after what the answerer
streamed, so that the streamed text stays the final text. A step is a callable

    step(question, answer) -> (the answer, the text added to its end: "" when nothing)

built once per Pipeline by its factory from the settings. A new step is a module with its
function, plus one line in `POST_ANSWER`.

    relative_dates   "am Mittwoch" in a date question's evidence resolved (qa.answer.timeline)
    unreadable       a note for each cited file that cannot be read any more (qa.ingest.files)

Not here: what the Pipeline itself records on the Answer (latency, the question's time,
"Verstanden als"). A step sees the question as understood (a follow-up rewritten), not the
conversation, and changes no hit.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Protocol, Sequence

from qa.answer.timeline import annotate
from qa.ingest.files import citation_notes
from qa.records import Answer


class Step(Protocol):
    def __call__(self, question: str, answer: Answer) -> tuple[Answer, str]: ...


def _relative_dates(settings) -> Step:
    return annotate  # relative dates resolved (date questions), the lines added streamed


def _unreadable(settings) -> Step:
    def note(question: str, answer: Answer) -> tuple[Answer, str]:
        notes = citation_notes(settings.corpus_dir, answer.citations)
        return (replace(answer, notes=answer.notes + notes) if notes else answer), ""

    return note


POST_ANSWER: dict[str, Callable[..., Step]] = {"relative_dates": _relative_dates, "unreadable": _unreadable}
"""name -> factory(settings) -> step, run in this order on every final Answer."""


def build_steps(settings) -> list[Step]:
    """The steps of `POST_ANSWER` for these settings, in order (the Pipeline builds them once)."""
    return [factory(settings) for factory in POST_ANSWER.values()]


def run_steps(steps: Sequence[Step], question: str, answer: Answer) -> tuple[Answer, str]:
    """(the answer after every step, the text they added to it, in order: "" when none did)."""
    added = ""
    for step in steps:
        answer, more = step(question, answer)
        added += more
    return answer, added
