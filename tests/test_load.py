"""Under load (issue 21 item 5): /health and /v1/models answer while every answering place is
taken, a full queue of extractive questions is a 429 with Retry-After (API) or a German message
in the answer's bubble (UI), and a backlog of API questions does not hold up the UI.

UI and API served in-process (`build_server`, the code `qa serve` runs) over the seed corpus
indexed with the fake embedder, with QA_MAX_QUEUE=1. The extractive answerer is the citing fake
of test_api_concurrency, except that a question containing HOLD waits until the test lets it go:
the queues are filled deterministically, and nothing here measures time (the speed figures are
benchmarks/bench_api.py's, phase sweep).
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator

import httpx
import pytest

from conftest import Citing, FakeEmbedder, in_background
from servers import free_port

pytestmark = pytest.mark.slow  # the app (UI and API) served in-process, like test_api_concurrency

HOLD = "Wartet"
QUESTION = "Wer ist der neue EU-Außenbeauftragte?"
HELD = f"{HOLD}: wer ist der neue EU-Außenbeauftragte?"
BUSY = "Zu viele Anfragen gleichzeitig"


class Holding(Citing):
    """Citing, but a question with HOLD in it waits for `go` (and counts itself in `inside`)."""

    go = threading.Event()
    inside: list[str] = []

    def stream(self, question, hits, context):
        if HOLD in question:
            self.inside.append(question)
            assert self.go.wait(120), "the test never let the held answers go"
        yield from super().stream(question, hits, context)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(base URL, Admission) of UI + API with the holding answerer and one waiting place per lane."""
    from qa.answer import ANSWERERS, Spec
    from qa.app.serve import Server, build_server
    from qa.config import Settings
    from qa.pipeline import Pipeline

    from conftest import CORPUS

    settings = Settings(corpus_dir=CORPUS, vectorstore_dir=tmp_path_factory.mktemp("load") / "vs", port=free_port(),
                        max_queue=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(ANSWERERS, "extractive", Spec("Extraktiv", lambda settings: Holding(), api_model="qa-extraktiv"))
        pipeline = Pipeline(settings, embedder=FakeEmbedder())
        pipeline.ingest(progress=False)
        app = build_server(settings, pipeline)
        server = Server(app, settings.host, settings.port).start()
        yield f"http://127.0.0.1:{settings.port}", app.state.admission
        Holding.go.set()
        server.close()


@pytest.fixture
def held(served):
    """Lets the held answers of a test go at its end (also when it fails)."""
    Holding.go.clear()
    Holding.inside.clear()
    yield
    Holding.go.set()


def chat(url: str, question: str = QUESTION, **extra) -> httpx.Response:
    body = {"model": "qa-extraktiv", "messages": [{"role": "user", "content": question}], **extra}
    return httpx.post(f"{url}/v1/chat/completions", json=body, timeout=120)


def wait_until(condition, what: str) -> None:
    """Poll `condition` (a state reached through other threads), at most a minute."""
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, f"never reached: {what}"
        time.sleep(0.02)


def fill(lane, start) -> list:
    """Take every place of `lane`: `parallel` held answers running, `waiting` more queued."""
    jobs = [start() for _ in range(lane.parallel)]
    wait_until(lambda: lane.running == lane.parallel and len(Holding.inside) == lane.parallel, "all answering")
    jobs += [start() for _ in range(lane.waiting)]
    wait_until(lambda: lane.queued == lane.waiting, "the line full")
    return jobs


@contextmanager
def lane_full(lane, start, answered) -> Iterator[list]:
    """Every place of `lane` taken by held questions (`start()` sends one) for the block; then
    they are let go, and each must be answered within a minute (`answered(job)`)."""
    jobs = fill(lane, start)
    yield jobs
    Holding.go.set()
    for job in jobs:
        assert answered(job)


def api_lane_full(url: str, admission):
    """`lane_full` for the API's lane: held chat requests, each answered with citations in the end."""
    def answered(job) -> bool:
        thread, result = job
        thread.join(60)
        return result[0].status_code == 200 and bool(result[0].json()["citations"])

    return lane_full(admission.api, lambda: in_background(chat, url, HELD), answered)


def test_health_and_models_answer_while_every_place_is_taken(served, held):
    url, admission = served
    with api_lane_full(url, admission) as jobs:
        crowd = [in_background(chat, url, HELD) for _ in range(45)]  # more than a thread pool's 40 threads
        health = httpx.get(f"{url}/health", timeout=30)
        models = httpx.get(f"{url}/v1/models", timeout=30)
        assert health.status_code == 200 and health.json()["status"] == "ok" and health.json()["articles"] == 5
        assert models.status_code == 200 and "qa-extraktiv" in [m["id"] for m in models.json()["data"]]
        assert all(thread.is_alive() for thread, _ in jobs)  # answered while the questions still wait
        for thread, result in crowd:  # beyond the queue: refused, not waiting for a worker
            thread.join(60)
            assert result[0].status_code == 429


def test_a_full_queue_is_a_429_in_openais_shape_with_retry_after(served, held):
    from openai import OpenAI, RateLimitError

    url, admission = served
    with api_lane_full(url, admission) as jobs:
        refused = chat(url)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        error = refused.json()["error"]
        assert set(error) == {"message", "type", "param", "code"}
        assert error["code"] == "rate_limit_exceeded" and error["message"].startswith(BUSY)
        assert "in einigen Sekunden erneut versuchen" in error["message"]
        streamed = chat(url, stream=True)  # refused before the stream starts: a status code, not an SSE error
        assert streamed.status_code == 429 and streamed.json()["error"]["message"].startswith(BUSY)
        asked = httpx.post(f"{url}/v1/ask", json={"question": QUESTION}, timeout=60)
        assert asked.status_code == 429 and "retry-after" in asked.headers
        client = OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)
        with pytest.raises(RateLimitError, match=BUSY):
            client.chat.completions.create(model="qa-extraktiv", messages=[{"role": "user", "content": QUESTION}])
        assert admission.api.queued == 1 and all(thread.is_alive() for thread, _ in jobs)  # nobody waits for a refusal
    assert chat(url).status_code == 200  # the queued ones were answered, and the line is open again


def test_the_ui_answers_while_the_apis_queue_is_full(served, held):
    """A UI user does not wait behind API clients: the UI has its own lane."""
    from gradio_client import Client

    url, admission = served
    with api_lane_full(url, admission) as jobs:
        assert chat(url).status_code == 429
        messages, *_ = Client(f"{url}/", verbose=False).predict(QUESTION, [], "", "", "extractive", api_name="/frage")
        assert "#zitat-0-1" in str(messages[1]["content"])  # answered, with a citation
        assert all(thread.is_alive() for thread, _ in jobs)  # while the API's questions still wait


def test_a_full_ui_queue_says_so_in_the_bubble(served, held):
    from gradio_client import Client

    url, admission = served

    def held_question():
        return Client(f"{url}/", verbose=False).submit(HELD, [], "", "", "extractive", api_name="/frage")

    def answered(job) -> bool:
        messages, *_ = job.result(timeout=60)
        return "#zitat-0-1" in str(messages[1]["content"])

    with lane_full(admission.ui, held_question, answered):
        messages, box, *_ = Client(f"{url}/", verbose=False).predict(QUESTION, [], "", "", "extractive",
                                                                    api_name="/frage")
        assert [m["role"] for m in messages] == ["user", "assistant"]
        assert BUSY in str(messages[1]["content"]) and "erneut versuchen" in str(messages[1]["content"])
        assert box == QUESTION  # given back to the question box, to send again
        assert chat(url).status_code == 200  # the API's lane is another
