"""UI and API served together, with answerers that do not depend on the reader's weights.

An in-process `launch` (the code `qa serve` runs) over the seed corpus indexed with the fake
embedder; the registry's answerers are replaced by a citing one (quotes the first sentence of
the best hit: citations with exact offsets every time) and a slow "generative" one (a few seconds
per answer, streamed word by word). Checked: offsets and links of the citations, token
streaming, a slow answer that does not hold up extractive ones (API and UI, issue 12 item 5),
the bounded queue (429 when full), and generation stopping when a streaming client leaves.
"""
from __future__ import annotations

import time

import httpx
import pytest

from conftest import Citing, FakeEmbedder, in_background
from servers import free_port

pytestmark = pytest.mark.slow  # the app (UI and API) served in-process, answers that take seconds

SLOW_S = 3.0  # one slow answer
QUESTION = "Wer ist der neue EU-Außenbeauftragte?"
closed: list[str] = []  # questions whose slow stream was closed before its end


class Slow(Citing):
    name = "llm"

    def stream(self, question, hits, context):
        words = ["Eine ", "langsame ", "Antwort ", "[1]."]
        try:
            for word in words:
                time.sleep(SLOW_S / len(words))
                yield word
        except GeneratorExit:
            closed.append(question)
            raise
        *_, answer = super().stream(question, hits, context)
        from dataclasses import replace

        yield replace(answer, answerer=self.name)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """(base URL, Settings) of UI + API with the fake answerers; one slow answer at a time, four waiting."""
    from qa.answer import ANSWERERS, Spec
    from qa.app.serve import launch
    from qa.config import Settings
    from qa.pipeline import Pipeline

    from conftest import CORPUS

    settings = Settings(corpus_dir=CORPUS, vectorstore_dir=tmp_path_factory.mktemp("conc") / "vs", port=free_port(),
                        llm_parallel=1, llm_waiting=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(ANSWERERS, "extractive", Spec("Extraktiv", lambda settings: Citing(), api_model="qa-extraktiv"))
        patch.setitem(ANSWERERS, "llm", Spec("Lokales Sprachmodell", lambda settings: Slow(), lambda s: True, "qa-llm",
                                             slow=True))
        pipeline = Pipeline(settings, embedder=FakeEmbedder())
        pipeline.ingest(progress=False)
        server = launch(settings, pipeline=pipeline, block=False)
        yield f"http://127.0.0.1:{settings.port}", settings
        server.close()


def chat(url: str, model: str, stream: bool = False, **extra) -> httpx.Response:
    body = {"model": model, "stream": stream, "messages": [{"role": "user", "content": QUESTION}], **extra}
    return httpx.post(f"{url}/v1/chat/completions", json=body, timeout=120)


def test_citations_have_exact_offsets_and_open_the_app(app):
    from openai import OpenAI

    from conftest import CORPUS

    url, _ = app
    client = OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)
    completion = client.chat.completions.create(model="qa-extraktiv", messages=[{"role": "user", "content": QUESTION}])
    (cited,) = completion.model_extra["citations"]
    assert (CORPUS / cited["source"]).read_text(encoding="utf-8")[cited["start"]:cited["end"]] == cited["quote"]
    text = completion.choices[0].message.content
    assert text.startswith(f"„{cited['quote']}“ [1]") and f"\n\nQuellen:\n[1] {cited['source']}" in text
    assert cited["url"] in text and httpx.get(cited["url"], timeout=30).status_code == 200


def test_slow_answers_stream_token_by_token(app):
    from openai import OpenAI

    url, _ = app
    client = OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)
    stream = client.chat.completions.create(model="qa-llm", stream=True, messages=[{"role": "user", "content": QUESTION}])
    arrivals = [(time.perf_counter(), chunk) for chunk in stream]
    words = [c.choices[0].delta.content for _, c in arrivals if c.choices[0].delta.content]
    assert words[:4] == ["Eine ", "langsame ", "Antwort ", "[1]."]
    assert arrivals[-1][0] - arrivals[1][0] > SLOW_S / 2  # spread over time, not sent at the end
    assert arrivals[-1][1].model_extra["qa"]["answerer"] == "llm" and arrivals[-1][1].model_extra["citations"]


def test_a_slow_answer_does_not_hold_up_extractive_ones(app):
    url, _ = app
    slow, result = in_background(chat, url, "qa-llm")
    time.sleep(0.5)
    started = time.perf_counter()
    fast = [chat(url, "qa-extraktiv") for _ in range(5)]
    elapsed = time.perf_counter() - started
    assert all(r.status_code == 200 for r in fast)
    assert slow.is_alive() and elapsed < SLOW_S / 2, elapsed
    slow.join(60)
    assert result[0].status_code == 200


def test_the_slow_queue_is_bounded(app):
    url, _ = app
    queued = []
    for _ in range(5):  # one answering, four waiting
        queued.append(in_background(chat, url, "qa-llm"))
        time.sleep(0.3)
    refused = chat(url, "qa-llm")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "model_busy" and "ausgelastet" in refused.json()["error"]["message"]
    for thread, result in queued:
        thread.join(120)
        assert result[0].status_code == 200


def test_a_client_that_leaves_stops_the_generation(app):
    url, _ = app
    body = {"model": "qa-llm", "stream": True, "messages": [{"role": "user", "content": "Wer geht früher?"}]}
    with httpx.stream("POST", f"{url}/v1/chat/completions", json=body, timeout=60) as response:
        next(response.iter_lines())  # the first chunk, then hang up
    deadline = time.monotonic() + SLOW_S * 2
    while "Wer geht früher?" not in closed and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "Wer geht früher?" in closed
    assert chat(url, "qa-llm").status_code == 200  # the slot was freed


def test_ui_extractive_questions_pass_while_slow_ones_queue(app):
    """More slow UI questions than the old four event slots: extractive ones still answer at once."""
    from gradio_client import Client

    url, _ = app
    slow_jobs = [Client(f"{url}/", verbose=False).submit(QUESTION, [], "", "", "llm", api_name="/frage")
                 for _ in range(5)]
    time.sleep(1.0)
    started = time.perf_counter()
    messages, *_ = Client(f"{url}/", verbose=False).predict(QUESTION, [], "", "", "extractive", api_name="/frage")
    elapsed = time.perf_counter() - started
    assert "#zitat-0-1" in str(messages[1]["content"])  # answered, with a clickable citation
    assert elapsed < SLOW_S / 2, elapsed
    for job in slow_jobs:
        messages, *_ = job.result(timeout=120)
        assert "Lokales Sprachmodell" in str(messages[1]["content"])
