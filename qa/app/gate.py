"""The bounded queue for slow (generative) answers, shared by the UI and the API of one process.

Extractive answers take milliseconds and never pass through the gate: they run as soon as a
worker thread is free (the pipeline's models each have their own lock, so concurrent questions
interleave safely). A generative answer takes seconds to minutes on a CPU; at most
`llm_parallel` of them run at once, at most `llm_waiting` more wait for a slot in arrival order,
and any beyond that are refused at once with a German "busy" message (`BusyError`) instead of
piling up threads. So a slow model answer never holds up anyone's extractive answer.

Not handled: priorities between users; a wait longer than `WAIT_TIMEOUT_S` counts as busy.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager, nullcontext
from typing import ContextManager, Iterator

from qa.config import Settings
from qa.errors import QAError

WAIT_TIMEOUT_S = 600.0


class BusyError(QAError):
    """The generative answerer is saturated; the message says what to do instead."""


class Gate:
    """At most `parallel` holders at once, at most `waiting` more queued (FIFO), the rest refused."""

    def __init__(self, parallel: int = 1, waiting: int = 4, timeout: float = WAIT_TIMEOUT_S) -> None:
        if parallel < 1 or waiting < 0:
            raise ValueError(f"parallel must be >= 1 and waiting >= 0, not {parallel}, {waiting}")
        self.parallel, self.waiting, self.timeout = parallel, waiting, timeout
        self._cond = threading.Condition()
        self._running = 0
        self._tickets: list[object] = []  # waiting callers, first come first served

    @classmethod
    def from_settings(cls, settings: Settings) -> "Gate":
        return cls(settings.llm_parallel, settings.llm_waiting)

    @property
    def running(self) -> int:
        return self._running

    @property
    def queued(self) -> int:
        return len(self._tickets)

    def try_acquire(self) -> bool:
        """Take a slot if one is free and nobody is waiting; never blocks."""
        with self._cond:
            if self._running < self.parallel and not self._tickets:
                self._running += 1
                return True
            return False

    def acquire(self) -> None:
        """Take a slot, waiting in line if needed; BusyError when the line is full or too slow."""
        with self._cond:
            if self._running < self.parallel and not self._tickets:
                self._running += 1
                return
            if len(self._tickets) >= self.waiting:
                raise BusyError("Das Sprachmodell ist ausgelastet: alle Plätze in der Warteschlange sind belegt. "
                                "Bitte in einer Minute erneut versuchen oder das extraktive Verfahren wählen.")
            ticket = object()
            self._tickets.append(ticket)
            try:
                turn = self._cond.wait_for(lambda: self._tickets[0] is ticket and self._running < self.parallel,
                                           timeout=self.timeout)
                if not turn:
                    raise BusyError("Das Sprachmodell war zu lange belegt. Bitte erneut versuchen oder das "
                                    "extraktive Verfahren wählen.")
                self._running += 1
            finally:
                self._tickets.remove(ticket)
                self._cond.notify_all()

    def release(self) -> None:
        with self._cond:
            self._running -= 1
            self._cond.notify_all()

    @contextmanager
    def slot(self) -> Iterator[None]:
        self.acquire()
        try:
            yield
        finally:
            self.release()

    def for_answerer(self, name: str) -> ContextManager[None]:
        """The slot an answer by registry name `name` needs: none for the fast answerers."""
        return self.slot() if is_slow(name) else nullcontext()


def is_slow(name: str) -> bool:
    """Does the answerer of this registry name need a slot (`Spec.slow`)?"""
    from qa.answer import ANSWERERS

    return name in ANSWERERS and ANSWERERS[name].slow


WAITING = object()  # yielded by gated_stream while a slow answer waits for its slot


def gated_stream(pipeline, gate: Gate, question: str, history, filters, requested: str | None):
    """`Pipeline.stream` behind the gate for slow answerers; yields WAITING first when it must wait.

    BusyError (a QAError with a German message) when the line is full."""
    name = pipeline.answerer_name(requested)
    if not is_slow(name):
        yield from pipeline.stream(question, history, filters, answerer=name)
        return
    if not gate.try_acquire():
        yield WAITING
        gate.acquire()
    try:
        yield from pipeline.stream(question, history, filters, answerer=name)
    finally:
        gate.release()
