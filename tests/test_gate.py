"""The bounded queue for slow answers (qa.app.gate): slots, order, refusal, release on errors."""
from __future__ import annotations

import threading
import time

import pytest

from qa.app.gate import BusyError, Gate


class FakePipeline:
    """What gated_stream uses of the Pipeline: the answerer's name and a stream (an echo here)."""

    def answerer_name(self, requested):
        return requested

    def stream(self, question, history, filters, answerer):
        yield f"{answerer}: {question}"


def wait_for_queued(gate, count: int) -> None:
    """Until `count` callers wait in the line of `gate` (a Gate or a Lane), at most 5 s."""
    deadline = time.monotonic() + 5
    while gate.queued < count:
        assert time.monotonic() < deadline, f"never {count} waiting"
        time.sleep(0.01)


def rest_after_release(events, first, taken) -> list:
    """The stream's first event must be `first` (it waits while `taken` is full); `taken` is
    released 0.2 s later: the events after that."""
    assert next(events) is first
    threading.Timer(0.2, taken.release).start()
    return list(events)


def test_fast_answerers_never_wait():
    gate = Gate(parallel=1, waiting=0)
    gate.acquire()
    with gate.for_answerer("extractive"):  # does not block although the only slot is taken
        pass
    with pytest.raises(BusyError, match="ausgelastet"):
        with gate.for_answerer("llm"):
            pass


def test_waiting_callers_are_served_in_arrival_order():
    gate = Gate(parallel=1, waiting=3)
    gate.acquire()
    order: list[int] = []

    def wait(number: int) -> None:
        with gate.slot():
            order.append(number)

    threads = []
    for number in range(3):
        threads.append(threading.Thread(target=wait, args=(number,)))
        threads[-1].start()
        wait_for_queued(gate, number + 1)
    assert not gate.try_acquire()  # others are waiting: no jumping the line
    gate.release()
    for thread in threads:
        thread.join(5)
    assert order == [0, 1, 2] and gate.running == 0 and gate.queued == 0


def test_a_full_line_is_refused_at_once():
    gate = Gate(parallel=2, waiting=1)
    gate.acquire()
    gate.acquire()
    waiter = threading.Thread(target=lambda: (gate.acquire(), gate.release()))
    waiter.start()
    wait_for_queued(gate, 1)
    started = time.perf_counter()
    with pytest.raises(BusyError):
        gate.acquire()
    assert time.perf_counter() - started < 0.5
    gate.release()
    waiter.join(5)
    assert gate.running == 1


def test_a_wait_that_times_out_is_busy_and_leaves_the_line():
    gate = Gate(parallel=1, waiting=1, timeout=0.2)
    gate.acquire()
    with pytest.raises(BusyError, match="zu lange"):
        gate.acquire()
    assert gate.queued == 0 and gate.running == 1


def test_the_slot_is_freed_when_the_answer_fails():
    gate = Gate(parallel=1, waiting=0)
    with pytest.raises(RuntimeError):
        with gate.slot():
            raise RuntimeError("boom")
    assert gate.try_acquire()


def test_gated_stream_waits_then_answers():
    from qa.app.gate import WAITING, gated_stream

    gate = Gate(parallel=1, waiting=1)
    assert list(gated_stream(FakePipeline(), gate, "F?", [], None, "extractive")) == ["extractive: F?"]
    gate.acquire()
    events = gated_stream(FakePipeline(), gate, "F?", [], None, "llm")
    assert rest_after_release(events, WAITING, gate) == ["llm: F?"] and gate.running == 0


# -- the lanes of fast answers (issue 21 item 5) ------------------------------------------------
def test_a_full_lane_says_too_many_requests_and_when_to_retry():
    from qa.app.gate import Lane

    lane = Lane(parallel=1, waiting=0)
    assert lane.retry_after() == 1  # nothing ahead yet
    lane.acquire()
    with pytest.raises(BusyError, match="Zu viele Anfragen gleichzeitig") as refused:
        lane.acquire()
    assert refused.value.code == "rate_limit_exceeded" and 1 <= refused.value.retry_after <= 60
    assert "in einigen Sekunden erneut versuchen" in str(refused.value)
    lane.release()
    assert lane.running == 0


def test_retry_after_follows_the_lanes_pace():
    from qa.app.gate import Lane

    lane = Lane(parallel=1, waiting=100)
    lane._released.extend([0.0, 10.0, 20.0])  # one answer per 10 s
    lane._running = 1
    assert lane.retry_after() == 10
    lane._tickets.extend(object() for _ in range(9))  # ten ahead: capped at a minute
    assert lane.retry_after() == 60


def test_admission_sends_fast_answers_through_the_lane_and_slow_ones_through_the_gate():
    from qa.app.gate import Admission
    from qa.config import Settings
    from qa.errors import SettingsError

    admission = Admission.from_settings(Settings(max_queue=0, llm_waiting=0))
    assert admission.api is not admission.ui and admission.api.waiting == 0
    with admission.for_answerer("extractive", admission.api):
        assert admission.api.running == 1 and admission.ui.running == 0 and admission.llm.running == 0
    with admission.for_answerer("llm", admission.ui):
        assert admission.llm.running == 1 and admission.ui.running == 0
    with pytest.raises(SettingsError, match="QA_MAX_QUEUE"):
        Admission.from_settings(Settings(max_queue=-1))


def test_gated_stream_queues_fast_answers_in_their_lane():
    from qa.app.gate import QUEUED, Lane, gated_stream

    gate, lane = Gate(parallel=1, waiting=0), Lane(parallel=1, waiting=1)
    lane.acquire()
    events = gated_stream(FakePipeline(), gate, "F?", [], None, "extractive", lane=lane)
    assert rest_after_release(events, QUEUED, lane) == ["extractive: F?"] and lane.running == 0
