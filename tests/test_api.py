"""The API of `qa serve` through real clients: the official `openai` package and `gradio_client`.

`qa serve` runs as a subprocess, exactly as a user starts it (real corpus, real models, a
temporary index, an API key), on a free port of 127.0.0.1. Tests that need a correct answer
(Borrell, with citations) depend on the reader's quality; the others (errors, token, filters,
abstention through an empty date range, the UI's own API) only on the plumbing.
"""
from __future__ import annotations

import json
import os

import httpx
import pytest

from conftest import CORPUS
from servers import QA_SERVE, free_port, qa_serve_env, running

pytestmark = pytest.mark.slow

KEY = "test-schluessel-123"
QUESTION = "Wer ist der neue EU-Außenbeauftragte?"
NOWHERE = {"date_from": "1990-01-01", "date_to": "1990-12-31"}  # no article is dated then: no hits
CONTRACT = {"id", "answer", "short_answer", "abstained", "citations", "retrieved", "answerer", "latency_ms"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Base URL of a `qa serve` with QA_API_KEY set."""
    port = free_port()
    env = qa_serve_env(port, CORPUS, tmp_path_factory.mktemp("api") / "vectorstore", QA_API_KEY=KEY)
    url = f"http://127.0.0.1:{port}"
    with running(QA_SERVE, f"{url}/health", env, tmp_path_factory.mktemp("api-log") / "serve.log", timeout=900):
        yield url


@pytest.fixture(scope="module")
def client(server):
    from openai import OpenAI

    return OpenAI(base_url=f"{server}/v1", api_key=KEY, max_retries=0, timeout=300)


def assert_citations_match_corpus(citations: list[dict], links: bool = True) -> None:
    assert citations, "no citations"
    for c in citations:
        text = (CORPUS / c["source"]).read_text(encoding="utf-8")
        assert text[c["start"]:c["end"]] == c["quote"], c
        assert set(c) >= {"source", "title", "publisher", "date", "quote", "start", "end"}
        if links:
            assert c["url"].startswith("http://127.0.0.1:") and f"von={c['start']}&bis={c['end']}" in c["url"]


# -- answers ---------------------------------------------------------------------------------
def test_models_are_the_answerers(client):
    ids = [m.id for m in client.models.list()]
    assert "qa-extraktiv" in ids and all(i.startswith("qa-") for i in ids)


def test_plain_answer_with_citations(client):
    completion = client.chat.completions.create(model="qa-extraktiv",
                                                messages=[{"role": "user", "content": QUESTION}])
    text = completion.choices[0].message.content
    citations = completion.model_extra["citations"]
    assert "Borrell" in text and "[1]" in text
    assert "\n\nQuellen:\n[1] " in text  # for clients that ignore the extra field
    assert_citations_match_corpus(citations)
    assert completion.model_extra["qa"]["answerer"] == "extractive"
    assert citations[0]["url"] in text
    assert httpx.get(citations[0]["url"], timeout=30).status_code == 200  # the app opens the link


def test_streamed_answer_with_citations(client):
    stream = client.chat.completions.create(model="qa-extraktiv", stream=True,
                                            messages=[{"role": "user", "content": QUESTION}])
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert all(c.choices[0].finish_reason is None for c in chunks[:-1])
    assert "Borrell" in text and "Quellen:" in text
    assert_citations_match_corpus(last.model_extra["citations"])


def test_streamed_bytes_are_sse_ending_in_done(server):
    body = {"model": "qa-extraktiv", "stream": True, "messages": [{"role": "user", "content": QUESTION}], **NOWHERE}
    with httpx.stream("POST", f"{server}/v1/chat/completions", json=body, timeout=120,
                      headers={"Authorization": f"Bearer {KEY}"}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [line for line in response.iter_lines() if line]
    assert all(line.startswith("data: ") for line in events)
    assert events[-1] == "data: [DONE]"
    chunks = [json.loads(line[6:]) for line in events[:-1]]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and chunks[-1]["qa"]["abstained"]


def test_abstention_carries_no_citations(client):
    completion = client.chat.completions.create(model="qa-extraktiv", extra_body=NOWHERE,
                                                messages=[{"role": "user", "content": QUESTION}])
    assert completion.model_extra["citations"] == [] and completion.model_extra["qa"]["abstained"]
    assert "Quellen:" not in completion.choices[0].message.content


def test_history_and_system_messages_are_accepted(client):
    messages = [{"role": "system", "content": "Du bist hilfreich."},
                {"role": "user", "content": "Wer ist der niederländische Außenminister?"},
                {"role": "assistant", "content": "Stef Blok [1]."},
                {"role": "user", "content": [{"type": "text", "text": "Und mit wem sprach er?"}]}]
    completion = client.chat.completions.create(model="qa-extraktiv", messages=messages)
    assert completion.choices[0].message.content


def test_a_follow_up_is_understood_from_the_conversation(client):
    """Two turns with the openai client: "er" is the man the first answer named."""
    first = [{"role": "user", "content": "Wer ist der neue EU-Außenbeauftragte?"}]
    answer = client.chat.completions.create(model="qa-extraktiv", messages=first).choices[0].message.content
    follow = first + [{"role": "assistant", "content": answer},
                      {"role": "user", "content": "Mit wem diskutiert er am Abend?"}]
    completion = client.chat.completions.create(model="qa-extraktiv", messages=follow)
    qa = completion.model_extra["qa"]
    assert qa["understood_as"] == "Mit wem diskutiert Josep Borrell am Abend?"
    assert not qa["abstained"] and "002_02adc48ef0db0a26.txt" in {c["source"] for c in completion.model_extra["citations"]}


def test_an_overview_question_gets_dated_cited_sentences(client):
    completion = client.chat.completions.create(
        model="qa-extraktiv", messages=[{"role": "user", "content": "Was passierte im Februar 2020 im Irak?"}])
    text, qa = completion.choices[0].message.content, completion.model_extra["qa"]
    assert qa["kind"] == "overview" and not qa["abstained"]
    assert text.startswith("2 Artikel berichten vom Februar 2020 bis zum 14.02.2020")
    assert "[1]" in text and "[2]" in text
    assert_citations_match_corpus(completion.model_extra["citations"])


OPEN_WEBUI_TITLE = """### Task:
Generate a concise, 3-5 word title with an emoji summarizing the chat history.
### Guidelines:
- The title should clearly represent the main theme or subject of the conversation.
- Write the title in the chat's primary language; default to English if multilingual.
### Output:
JSON format: { "title": "your concise title here" }
### Chat History:
<chat_history>
USER: Seit wann läuft der aktuelle Irak-Einsatz der NATO?
ASSISTANT: Seit Oktober 2018 [1].
</chat_history>"""


def test_open_webuis_title_request_gets_a_title(client):
    completion = client.chat.completions.create(model="qa-extraktiv",
                                                messages=[{"role": "user", "content": OPEN_WEBUI_TITLE}])
    assert json.loads(completion.choices[0].message.content) == {"title": "Der aktuelle Irak-Einsatz der NATO"}
    assert completion.model_extra["qa"]["kind"] == "assistant" and completion.model_extra["citations"] == []


def test_a_greeting_gets_a_self_description(client):
    completion = client.chat.completions.create(model="qa-extraktiv",
                                                messages=[{"role": "user", "content": "Hallo, wer bist du?"}])
    text = completion.choices[0].message.content
    assert "5 Nachrichtenartikeln" in text and not completion.model_extra["qa"]["abstained"]


def test_ask_returns_the_batch_record_with_filters(server):
    only = "002_02adc48ef0db0a26.txt"
    response = httpx.post(f"{server}/v1/ask", timeout=120, headers={"Authorization": f"Bearer {KEY}"},
                          json={"id": "q1", "question": QUESTION, "sources": [only]})
    record = response.json()
    assert response.status_code == 200 and set(record) >= CONTRACT and record["id"] == "q1"
    assert record["retrieved"] and {r["source"] for r in record["retrieved"]} == {only}
    empty = httpx.post(f"{server}/v1/ask", json={"question": QUESTION, **NOWHERE}, timeout=120,
                       headers={"Authorization": f"Bearer {KEY}"}).json()
    assert empty["abstained"] and empty["retrieved"] == [] and empty["citations"] == []


def test_ask_finds_the_answer(server):
    record = httpx.post(f"{server}/v1/ask", json={"question": QUESTION}, timeout=120,
                        headers={"Authorization": f"Bearer {KEY}"}).json()
    assert "Borrell" in record["answer"]
    assert_citations_match_corpus(record["citations"], links=False)


def test_the_time_of_the_question_is_reported_and_can_be_switched_off(server):
    question = "Was beschlossen die NATO-Minister im Februar 2020?"
    headers = {"Authorization": f"Bearer {KEY}"}
    record = httpx.post(f"{server}/v1/ask", json={"question": question}, timeout=120, headers=headers).json()
    assert record["question_time"] == {"date_from": "2020-02", "date_to": "2020-02", "text": "Februar 2020",
                                       "newest": False, "applied_as": "ranking", "description": "Februar 2020"}
    off = httpx.post(f"{server}/v1/ask", json={"question": question, "question_time": False}, timeout=120,
                     headers=headers).json()
    assert "question_time" not in off
    chat = httpx.post(f"{server}/v1/chat/completions", timeout=120, headers=headers, json={
        "model": "qa-extraktiv", "messages": [{"role": "user", "content": question}]}).json()
    assert chat["qa"]["question_time"]["date_from"] == "2020-02"
    assert all("date_text" in c and "also_reported_by" in c for c in chat["citations"])


# -- errors ----------------------------------------------------------------------------------
BAD = [
    ({"model": "qa-extraktiv", "messages": []}, 400, "leer"),
    ({"model": "qa-extraktiv", "messages": [{"role": "system", "content": "x"}]}, 400, "„user“"),
    ({"model": "qa-extraktiv", "messages": [{"role": "user", "content": "x" * 100_000}]}, 400, "zu lang"),
    ({"model": "qa-extraktiv", "messages": [{"role": "user", "content": 42}]}, 400, "muss ein Text sein"),
    ({"model": "qa-extraktiv", "messages": "Frage"}, 400, "muss eine Liste sein"),
    ({"model": "qa-extraktiv", "messages": [{"role": "user", "content": "x"}], "stream": "vielleicht"}, 400, "true oder false"),
    ({"model": "qa-extraktiv", "messages": [{"role": "user", "content": "   "}]}, 400, "Frage"),
    ({"model": "gpt-4o", "messages": [{"role": "user", "content": QUESTION}]}, 404, "gibt es hier nicht"),
    ({"model": "qa-extraktiv", "messages": [{"role": "user", "content": QUESTION}], "date_from": "2020-13-01"}, 400, "kein Datum"),
]


@pytest.mark.parametrize("body, status, phrase", BAD)
def test_bad_requests_get_openai_errors_in_german(server, body, status, phrase):
    response = httpx.post(f"{server}/v1/chat/completions", json=body, timeout=60,
                          headers={"Authorization": f"Bearer {KEY}"})
    assert response.status_code == status
    error = response.json()["error"]
    assert phrase in error["message"] and error["type"] and "Traceback" not in response.text


@pytest.mark.parametrize("raw", [b"kein json", b"[1, 2]", b""])
def test_malformed_bodies(server, raw):
    response = httpx.post(f"{server}/v1/chat/completions", content=raw, timeout=60,
                          headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
    assert response.status_code == 400 and "JSON" in response.json()["error"]["message"]


def test_unknown_model_through_the_openai_client(client):
    import openai

    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": QUESTION}])
    assert caught.value.status_code == 404 and "gibt es hier nicht" in str(caught.value)


def test_unknown_endpoint_and_wrong_method(server):
    headers = {"Authorization": f"Bearer {KEY}"}
    assert httpx.get(f"{server}/v1/embeddings", headers=headers).json()["error"]["code"] == "not_found"
    assert httpx.get(f"{server}/v1/chat/completions", headers=headers).status_code == 405


# -- the token -------------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer falsch"}, {"Authorization": KEY}])
def test_the_key_is_enforced(server, headers):
    for method, path in (("GET", "/v1/models"), ("POST", "/v1/chat/completions"), ("POST", "/v1/ask")):
        response = httpx.request(method, f"{server}{path}", headers=headers, json={"question": QUESTION})
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "invalid_api_key" and "Schlüssel" in response.text


def test_openai_client_with_a_wrong_key(server):
    import openai

    wrong = openai.OpenAI(base_url=f"{server}/v1", api_key="falsch", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        wrong.models.list()


def test_cors_is_off_by_default(server):
    preflight = httpx.options(f"{server}/v1/chat/completions", headers={
        "Origin": "http://chat.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers


def test_health_needs_no_key(server):
    health = httpx.get(f"{server}/health").json()
    assert health["status"] == "ok" and health["articles"] == 5


# -- the UI on the same port -----------------------------------------------------------------
def test_gradio_client_still_works_on_the_same_port_with_the_key(server):
    from gradio_client import Client

    with pytest.raises(Exception):  # Gradio's API routes need the key like /v1 (qa.app.guard)
        Client(f"{server}/", verbose=False).predict(QUESTION, [], "", "", api_name="/frage")
    client = Client(f"{server}/", verbose=False, headers={"Authorization": f"Bearer {KEY}"})
    chat, _box, _status, _sources, markdown = client.predict(QUESTION, [], "", "", api_name="/frage")
    assert [m["role"] for m in chat] == ["user", "assistant"]
    assert markdown.startswith(f"**Frage:** {QUESTION}")


def test_a_citation_link_opens_the_app_with_the_passage_marked(server):
    """The `url` of a citation (?artikel=…&von=…&bis=…) in a real browser: the span is marked."""
    from qa.app.openai_format import passage_url
    from qa.records import Citation

    chromium = "/usr/bin/chromium"
    if not os.path.exists(chromium):
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{chromium} fehlt")
        pytest.skip(f"{chromium} fehlt (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    source, quote = "002_02adc48ef0db0a26.txt", "EU-Außenbeauftragten Josep Borrell"
    start = (CORPUS / source).read_text(encoding="utf-8").index(quote)
    url = passage_url(f"{server}/", Citation(1, source, "x", quote, start, start + len(quote)))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(url, timeout=60_000)
        mark = page.locator("#qa-inspector mark")
        mark.wait_for(timeout=60_000)
        assert mark.inner_text() == quote
        assert f"Zeichen {start}–{start + len(quote)}" in page.locator("#qa-inspector").inner_text()
        page.goto(f"{server}/?artikel=../../etc/passwd&von=0&bis=5", timeout=60_000)
        page.locator("#qa-question textarea").wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        assert page.locator("#qa-inspector mark").count() == 0 and "root:" not in page.content()
        browser.close()
