"""Who answers now: the bounded queues of UI and API of one process (qa serve).

Slow (generative) answers pass the `Gate`: a generative answer takes seconds to minutes on a
CPU; at most `llm_parallel` of them run at once, at most `llm_waiting` more wait for a slot in
arrival order, and any beyond that are refused at once with a German "busy" message
(`BusyError`) instead of piling up threads. So a slow model answer never holds up anyone's
extractive answer.

Fast (extractive) answers pass a `Lane` (issue 21 item 5): on two cores the encoder and the
reader (each under its own lock) are busy with one question at a time, so more questions in
flight answer no more per second; they only wait inside the pipeline, unordered and unbounded.
A lane lets `LANE_PARALLEL` questions into the pipeline at once (one reads while the next is
searched), at most `max_queue` (QA_MAX_QUEUE) more wait in arrival order, and beyond that a
question is refused at once: BusyError "Zu viele Anfragen gleichzeitig …" with a Retry-After
estimated from the lane's recent pace (the API's 429, the UI's bubble).

Fairness between UI and API (`Admission`): each has its own lane. A UI user therefore waits only
behind other UI users, never behind a backlog of API clients; when both are busy, the pipeline
holds two UI and two API questions and the models alternate between them, so each side gets
about half. Simple on purpose: no per-client accounting (one API client with many connections
can still take the API's whole lane; a proxy in front is the place for per-key limits).

Not handled: priorities within a lane; a wait longer than the timeout counts as busy.
"""
from __future__ import annotations

import math
import threading
import time
from collections import deque
from contextlib import contextmanager, nullcontext
from typing import ContextManager, Iterator

from qa.config import Settings
from qa.errors import QAError, SettingsError

WAIT_TIMEOUT_S = 600.0
LANE_PARALLEL = 2  # fast answers of one lane in the pipeline at once (benchmarks/bench_api.py, sweep)
LANE_TIMEOUT_S = 120.0
LLM_RETRY_S = 60  # "in einer Minute"


class BusyError(QAError):
    """Too many answers at once; the message says what to do instead, `retry_after` when (seconds)."""

    def __init__(self, message: str, retry_after: int | None = None, code: str = "model_busy") -> None:
        super().__init__(message)
        self.retry_after, self.code = retry_after, code


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
                raise self.full()
            ticket = object()
            self._tickets.append(ticket)
            try:
                turn = self._cond.wait_for(lambda: self._tickets[0] is ticket and self._running < self.parallel,
                                           timeout=self.timeout)
                if not turn:
                    raise self.too_slow()
                self._running += 1
            finally:
                self._tickets.remove(ticket)
                self._cond.notify_all()

    def release(self) -> None:
        with self._cond:
            self._running -= 1
            self._cond.notify_all()

    def full(self) -> BusyError:
        return BusyError("Das Sprachmodell ist ausgelastet: alle Plätze in der Warteschlange sind belegt. "
                         "Bitte in einer Minute erneut versuchen oder das extraktive Verfahren wählen.", LLM_RETRY_S)

    def too_slow(self) -> BusyError:
        return BusyError("Das Sprachmodell war zu lange belegt. Bitte erneut versuchen oder das "
                         "extraktive Verfahren wählen.", LLM_RETRY_S)

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


class Lane(Gate):
    """A Gate for fast answers: its refusal says "too many requests" and when to try again."""

    PACE = 20  # releases the Retry-After estimate looks at

    def __init__(self, parallel: int = LANE_PARALLEL, waiting: int = 32, timeout: float = LANE_TIMEOUT_S) -> None:
        super().__init__(parallel, waiting, timeout)
        self._released: deque[float] = deque(maxlen=self.PACE)

    def release(self) -> None:
        with self._cond:
            self._released.append(time.monotonic())
        super().release()

    def retry_after(self) -> int:
        """Seconds until the line ahead is likely served: its length over the recent answers per
        second (1 per second per slot before there are any), 1 to 60."""
        with self._cond:
            times, ahead = list(self._released), len(self._tickets) + self._running
        span = times[-1] - times[0] if len(times) > 1 else 0.0
        rate = (len(times) - 1) / span if span > 0 else float(self.parallel)
        return max(1, min(60, math.ceil(ahead / rate)))

    def full(self) -> BusyError:
        return BusyError("Zu viele Anfragen gleichzeitig: alle Plätze in der Warteschlange sind belegt. "
                         "Bitte in einigen Sekunden erneut versuchen.", self.retry_after(), "rate_limit_exceeded")

    def too_slow(self) -> BusyError:
        return BusyError("Zu viele Anfragen gleichzeitig: die Frage hat zu lange gewartet. "
                         "Bitte in einigen Sekunden erneut versuchen.", self.retry_after(), "rate_limit_exceeded")


class Admission:
    """The queues of one process: the Gate for slow answers (UI and API together) and one Lane
    each for the fast answers of the UI and of the API."""

    def __init__(self, llm: Gate, api: Lane, ui: Lane) -> None:
        self.llm, self.api, self.ui = llm, api, ui

    @classmethod
    def from_settings(cls, settings: Settings) -> "Admission":
        if settings.max_queue < 0:
            raise SettingsError(f"Einstellung max_queue (QA_MAX_QUEUE) darf nicht negativ sein, "
                                f"nicht {settings.max_queue!r}.")
        return cls(Gate.from_settings(settings), Lane(waiting=settings.max_queue), Lane(waiting=settings.max_queue))

    def for_answerer(self, name: str, lane: Lane) -> ContextManager[None]:
        """The slot an answer by registry name `name` needs: the Gate's for a slow answerer, else the lane's."""
        return self.llm.slot() if is_slow(name) else lane.slot()


def is_slow(name: str) -> bool:
    """Does the answerer of this registry name need a slot (`Spec.slow`)?"""
    from qa.answer import ANSWERERS

    return name in ANSWERERS and ANSWERERS[name].slow


WAITING = object()  # yielded by gated_stream while a slow answer waits for its slot
QUEUED = object()  # yielded by gated_stream while a fast answer waits in its lane


def gated_stream(pipeline, gate: Gate, question: str, history, filters, requested: str | None,
                 lane: Lane | None = None):
    """`Pipeline.stream` behind the gate for slow answerers, behind `lane` (if any) for fast
    ones; yields WAITING (slow) or QUEUED (fast) first when it must wait.

    BusyError (a QAError with a German message) when the line is full."""
    name = pipeline.answerer_name(requested)
    slow = is_slow(name)
    if not slow and lane is None:
        yield from pipeline.stream(question, history, filters, answerer=name)
        return
    gate = gate if slow else lane
    if not gate.try_acquire():
        yield WAITING if slow else QUEUED
        gate.acquire()
    try:
        yield from pipeline.stream(question, history, filters, answerer=name)
    finally:
        gate.release()
