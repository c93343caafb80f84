"""The API's input handling and output safety, through real HTTP against a started `qa serve`.

One `qa serve` with an API key, a UI password and a public URL, over the seed articles plus one
hostile article (HTML, a javascript: link, an image, an open `**`, bare URLs in its text):
bad bodies get German 400s in OpenAI's shape (lone surrogates, deep nesting, huge earlier
turns), long questions are answered, a fuzz test over the request shapes never gets a 5xx, the
answer text renders as harmless Markdown, citation links carry the quote's checksum and the
configured public URL, the Host header is checked, Gradio's own API needs the key while the
browser UI (password login) keeps working, and the real `openai` and LangChain clients read the
citations as annotations.
"""
from __future__ import annotations

import json
import os
import shutil

import httpx
import pytest

from conftest import CORPUS
from servers import QA_SERVE, free_port, qa_serve_env, running

pytestmark = pytest.mark.slow

KEY = "schluessel-fuer-tests"
PASSWORD = "passwort-fuer-tests"
PUBLIC = "http://fragen.example:8080"
CHAT_ORIGIN = "http://chat.example:3000"  # a web chat front end allowed by QA_CORS_ORIGINS
AUTH = {"Authorization": f"Bearer {KEY}"}
QUESTION = "Wer ist der neue EU-Außenbeauftragte?"
HOSTILE_SOURCE = "010_quakenbrueck.txt"
HOSTILE_QUESTION = "Wie heißt der neue Bürgermeister von Quakenbrück?"
HOSTILE = (
    "Neuer Bürgermeister in Quakenbrück\n\n"
    "Quakenbrück, 3. März 2021. Der neue Bürgermeister von Quakenbrück heißt **Hans Meier "
    "<script>alert(1)</script> <img src=x onerror=alert(3)> [Profil](javascript:alert(2)) "
    "![Bild](http://tracker.example/p.png), mehr unter www.quakenbrueck.example und http://wahl.example/ergebnis.\n\n"
    "Er wurde mit 61 Prozent der Stimmen gewählt und tritt sein Amt im April an.\n")


SERVED: dict = {}  # the running server's corpus folder


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Base URL of a `qa serve` with key, password and public URL over seeds + the hostile article."""
    tmp = tmp_path_factory.mktemp("api-input")
    corpus = tmp / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / HOSTILE_SOURCE).write_text(HOSTILE, encoding="utf-8")
    port = free_port()
    env = qa_serve_env(port, corpus, tmp / "vectorstore", QA_API_KEY=KEY, QA_UI_PASSWORD=PASSWORD,
                       QA_PUBLIC_URL=PUBLIC, QA_CORS_ORIGINS=CHAT_ORIGIN)
    url = f"http://127.0.0.1:{port}"
    with running(QA_SERVE, f"{url}/health", env, tmp / "serve.log", timeout=900):
        SERVED["corpus"] = corpus
        yield url
    served = (tmp / "serve.log").read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in served, served[-3000:]  # no request made the server fail


def post(server: str, path: str, body, timeout: float = 300) -> httpx.Response:
    """POST a body as the bytes a client would send: dicts as ASCII JSON (lone surrogates as \\ud800)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(f"{server}{path}", content=raw, timeout=timeout,
                      headers={**AUTH, "Content-Type": "application/json"})


def assert_openai_error(response: httpx.Response, status: int, phrase: str = "") -> dict:
    assert response.status_code == status, response.text[:500]
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"} and isinstance(error["message"], str)
    assert phrase in error["message"] and "Traceback" not in response.text
    return error


def chat(content: str, **extra) -> dict:
    return {"model": "qa-extraktiv", "messages": [{"role": "user", "content": content}], **extra}


# -- bad input: German 400s, never a 500 ------------------------------------------------------
@pytest.mark.parametrize("path, body", [
    ("/v1/chat/completions", b'{"messages": [{"role": "user", "content": "Wer ist \\ud800 Borrell?"}]}'),
    ("/v1/chat/completions", b'{"messages": [{"role": "user", "content": "Wer?"}], "user": "\\udfff"}'),
    ("/v1/ask", b'{"question": "Wer ist der neue EU-Au\\u00dfenbeauftragte? \\ud800"}'),
    ("/v1/ask", b'{"question": "Wer?", "history": [{"role": "user", "content": "\\udc00"}]}'),
])
def test_a_lone_surrogate_is_a_german_400(server, path, body):
    assert_openai_error(post(server, path, body), 400, "Surrogate")


@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/ask"])
@pytest.mark.parametrize("nested", [b"[" * 50_000 + b"]" * 50_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
                                    b'{"question": "Wer?", "id": ' + b"[" * 40 + b"]" * 40 + b"}"])
def test_deep_nesting_is_a_german_400(server, path, nested):
    assert_openai_error(post(server, path, nested), 400, "verschachtelt")


def test_a_huge_earlier_turn_is_refused_in_german(server):
    huge = "Wort " * 180_000  # 0.9 MB
    messages = [{"role": "user", "content": huge}, {"role": "assistant", "content": "Gut."},
                {"role": "user", "content": QUESTION}]
    error = assert_openai_error(post(server, "/v1/chat/completions", {"messages": messages}), 400, "zu lang")
    assert "früherer Beitrag" in error["message"] and error["param"] == "messages"
    body = {"question": QUESTION, "history": [{"role": "assistant", "content": huge}]}
    assert assert_openai_error(post(server, "/v1/ask", body), 400, "früherer Beitrag")["param"] == "history"
    too_big = {"question": QUESTION, "history": [{"role": "user", "content": "x" * 20_000}] * 60}
    assert_openai_error(post(server, "/v1/ask", too_big), 413, "zu groß")


def test_a_question_of_800_to_2000_characters_is_answered(server):
    for length in (800, 1500, 2000):
        question = (QUESTION + " Und was sagte er über die Zusammenarbeit mit der NATO im Irak? " * 40)[:length - 1] + "?"
        record = post(server, "/v1/ask", {"id": f"lang-{length}", "question": question}).json()
        assert record["id"] == f"lang-{length}" and record["answer"] and "error" not in record, record
        completion = post(server, "/v1/chat/completions", chat(question)).json()
        assert completion["choices"][0]["message"]["content"], completion


# -- fuzz: never a 5xx, always OpenAI's error shape or an answer ------------------------------
def _fuzz_strategies():
    from hypothesis import strategies as st

    text = st.one_of(st.text(max_size=40), st.text(st.characters(codec=None, exclude_categories=()), max_size=20),
                     st.sampled_from([QUESTION, "", "   ", "\ud800", "?" * 3, "Hallo", "x" * 2100]))
    scalar = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False), text)
    junk = st.recursive(scalar, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(text, inner, max_size=3)), max_leaves=8)
    part = st.fixed_dictionaries({"type": st.sampled_from(["text", "image_url", "input_text"]), "text": text})
    message = st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "assistant", "system", "tool", "kunde"])},
        optional={"content": st.one_of(text, st.lists(part, max_size=2), junk)})
    chat_body = st.fixed_dictionaries(
        {"messages": st.one_of(st.lists(message, max_size=4), junk)},
        optional={"model": st.one_of(st.sampled_from(["qa-extraktiv", "gpt-4o"]), junk),
                  "stream": st.one_of(st.booleans(), junk), "n": st.integers(-1, 3),
                  "stream_options": st.one_of(st.fixed_dictionaries({"include_usage": st.booleans()}), junk),
                  "tools": junk, "tool_choice": junk, "response_format": junk, "logprobs": junk,
                  "max_tokens": st.one_of(st.integers(-2, 50), junk), "date_from": junk, "sources": junk,
                  "question_time": junk})
    ask_body = st.fixed_dictionaries(
        {"question": st.one_of(text, junk)},
        optional={"id": junk, "history": st.one_of(st.lists(st.fixed_dictionaries(
                  {"role": st.sampled_from(["user", "assistant", "x"]), "content": st.one_of(text, junk)}), max_size=3),
                  junk), "answerer": junk, "date_to": junk, "sources": junk})
    return st.one_of(st.tuples(st.just("/v1/chat/completions"), st.one_of(chat_body, junk)),
                     st.tuples(st.just("/v1/ask"), st.one_of(ask_body, junk)),
                     st.tuples(st.sampled_from(["/v1/chat/completions", "/v1/ask"]), st.binary(max_size=60)))


def test_fuzzed_requests_never_get_a_5xx(server):
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=100, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(_fuzz_strategies())
    def check(case):
        path, body = case
        response = post(server, path, body)
        assert response.status_code < 500, (body, response.text[:300])
        if response.status_code != 200:
            assert_openai_error(response, response.status_code)
        elif response.headers["content-type"].startswith("text/event-stream"):
            lines = [line for line in response.text.splitlines() if line]
            assert lines[-1] == "data: [DONE]" and all(line.startswith("data: ") for line in lines)
            for line in lines[:-1]:
                chunk = json.loads(line[6:])
                assert "error" not in chunk, chunk
        elif path == "/v1/ask":
            assert isinstance(response.json()["answer"], str)
        else:
            assert isinstance(response.json()["choices"][0]["message"]["content"], str)

    check()


# -- answer text: safe Markdown, links with checksum and the public URL ------------------------
def _rendered(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like").render(markdown)  # CommonMark + tables, strikethrough, linkify


def test_quotes_render_as_harmless_markdown(server):
    completion = post(server, "/v1/chat/completions", chat(HOSTILE_QUESTION)).json()
    content = completion["choices"][0]["message"]["content"]
    quotes = [c["quote"] for c in completion["citations"] if c["source"] == HOSTILE_SOURCE]
    assert any("<script>" in q for q in quotes), completion  # the hostile sentence was quoted verbatim
    html = _rendered(content)
    for live in ("<script", "<img", "href=\"javascript", "<em>", "<strong>", "<del>", 'href="http://wahl',
                 'href="http://www.quakenbrueck', 'href="http://tracker'):
        assert live not in html, (live, content)
    assert html.count("<a href=") == len(completion["citations"])  # only our own citation links
    assert "Hans Meier" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, not run
    streamed = httpx.post(f"{server}/v1/chat/completions", json=chat(HOSTILE_QUESTION, stream=True), headers=AUTH,
                          timeout=300)
    chunks = [json.loads(line[6:]) for line in streamed.text.splitlines() if line.startswith("data: {")]
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert "<script" not in _rendered(text) and "<strong>" not in _rendered(text)


def test_short_answers_never_open_emphasis_they_do_not_close():
    """The escaping itself, on what a reader's span or a language model can produce."""
    from qa.app.openai_format import markdown_text

    for text in ("**Hans Meier [1].", "*Rund 500 [1]", "__init__ und _kursiv", "~~weg [1]", "`Code", "Meier** [1]"):
        html = _rendered(markdown_text(text))
        assert "<em>" not in html and "<strong>" not in html and "<del>" not in html and "<code>" not in html, text


def test_citation_links_carry_the_checksum_and_the_public_url(server):
    from qa.app.openai_format import quote_checksum

    completion = post(server, "/v1/chat/completions", chat(QUESTION)).json()
    for citation in completion["citations"]:
        assert citation["url"].startswith(f"{PUBLIC}/?artikel=")  # configured, not the Host we sent
        assert citation["url"].endswith(f"&pruef={quote_checksum(citation['quote'])}")
        assert citation["url"] in completion["choices"][0]["message"]["content"]


def test_the_host_header_is_checked(server):
    for host, status in (("fragen.example:8080", 200), ("localhost", 200), ("evil.example", 400),
                         ("127.0.0.1.evil.example:80", 400)):
        response = httpx.get(f"{server}/health", headers={"Host": host})
        assert response.status_code == status, host
        if status == 400:
            assert_openai_error(response, 400, "Unbekannter Host")
    sneaky = httpx.post(f"{server}/v1/chat/completions", json=chat(QUESTION), timeout=300,
                        headers={**AUTH, "Host": "evil.example"})
    assert_openai_error(sneaky, 400, "Unbekannter Host")


def test_cors_only_for_the_configured_origin(server):
    preflight = {"Origin": CHAT_ORIGIN, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization, content-type"}
    allowed = httpx.options(f"{server}/v1/chat/completions", headers=preflight)
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == CHAT_ORIGIN
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    other = httpx.options(f"{server}/v1/chat/completions", headers={**preflight, "Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    answered = post(server, "/v1/chat/completions", chat(QUESTION))
    direct = httpx.post(f"{server}/v1/chat/completions", json=chat(QUESTION), timeout=300,
                        headers={**AUTH, "Origin": CHAT_ORIGIN})
    assert answered.status_code == direct.status_code == 200
    assert direct.headers["access-control-allow-origin"] == CHAT_ORIGIN


# -- Gradio's own API needs the key; the browser UI works with the password ---------------------
@pytest.mark.parametrize("method, path", [
    ("POST", "/gradio_api/call/frage"), ("POST", "/gradio_api/api/frage"), ("POST", "/gradio_api/run/frage"),
    ("POST", "/gradio_api/queue/join"), ("GET", "/gradio_api/queue/data?session_hash=abc"),
    ("GET", "/gradio_api/info"), ("POST", "/gradio_api/call/v2/frage")])
def test_gradio_api_routes_need_the_key(server, method, path):
    response = httpx.request(method, f"{server}{path}", json={"data": [QUESTION, [], "", ""]}, timeout=60)
    assert_openai_error(response, 401, "API-Schlüssel")
    wrong = httpx.request(method, f"{server}{path}", json={"data": []}, timeout=60,
                          headers={"Authorization": "Bearer falsch"})
    assert wrong.status_code == 401


@pytest.mark.parametrize("path", ["/gradio_api/upload", "/gradio_api/upload_progress", "/gradio_api/process_recording",
                                  "/monitoring", "/gradio_api/stream/x"])
def test_routes_the_app_does_not_need_are_closed(server, path):
    for headers in ({}, AUTH):
        response = httpx.post(f"{server}{path}", files={"files": ("a.txt", b"x")}, headers=headers, timeout=60)
        assert response.status_code == 404, path


def test_gradio_client_needs_the_key_and_the_login(server):
    from gradio_client import Client

    with pytest.raises(Exception):
        Client(f"{server}/", auth=("qa", PASSWORD), verbose=False).predict(QUESTION, [], "", "", api_name="/frage")
    client = Client(f"{server}/", auth=("qa", PASSWORD), headers=AUTH, verbose=False)
    chat_messages, *_rest, markdown = client.predict(QUESTION, [], "", "", api_name="/frage")
    assert [m["role"] for m in chat_messages] == ["user", "assistant"] and markdown.startswith("**Frage:**")


def _chromium():
    chromium = "/usr/bin/chromium"
    if not os.path.exists(chromium):
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{chromium} fehlt")
        pytest.skip(f"{chromium} fehlt (apt-get install chromium)")
    return chromium


def test_the_browser_ui_works_with_the_password_and_flags_a_changed_quote(server, tmp_path):
    """Log in, ask, then open a citation link whose article changed since: no highlight, a German note."""
    from playwright.sync_api import sync_playwright

    chromium = _chromium()
    completion = post(server, "/v1/chat/completions", chat(HOSTILE_QUESTION)).json()
    cited = next(c for c in completion["citations"] if c["source"] == HOSTILE_SOURCE)
    link = cited["url"].replace(PUBLIC, server)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(f"{server}/", timeout=60_000)
        page.locator("input[type=text], input[name=username]").first.fill("qa")
        page.locator("input[type=password]").fill(PASSWORD)
        page.locator("button[type=submit], button:has-text('Login'), button:has-text('Anmelden')").first.click()
        page.locator("#qa-question textarea").fill(QUESTION)
        page.locator("#qa-send").click()
        page.locator("#qa-chat").get_by_text("Borrell").first.wait_for(timeout=180_000)
        page.goto(link, timeout=60_000)
        mark = page.locator("#qa-inspector mark")
        mark.wait_for(timeout=60_000)
        assert mark.inner_text() == cited["quote"]
        corpus_file = SERVED["corpus"] / HOSTILE_SOURCE
        corpus_file.write_text(HOSTILE.replace("Quakenbrück, 3. März", "Quakenbrück (dpa), 3. März"), encoding="utf-8")
        page.goto(link, timeout=60_000)
        page.locator("#qa-inspector").get_by_text("Der Artikel wurde seit dem Zitat geändert").wait_for(timeout=60_000)
        assert page.locator("#qa-inspector mark").count() == 0
        browser.close()


# -- the real clients read citations as annotations ---------------------------------------------
def test_openai_client_reads_annotations_and_usage(server):
    from openai import OpenAI

    client = OpenAI(base_url=f"{server}/v1", api_key=KEY, max_retries=0, timeout=300)
    completion = client.chat.completions.create(model="qa-extraktiv", messages=[{"role": "user", "content": QUESTION}])
    message = completion.choices[0].message
    assert message.annotations, message
    for annotation in message.annotations:
        assert annotation.type == "url_citation"
        cited = annotation.url_citation
        assert message.content[cited.start_index:cited.end_index].startswith("[")
        assert cited.url.startswith(PUBLIC) and "&pruef=" in cited.url and cited.title
    usage = completion.usage
    assert usage.prompt_tokens > 5 and usage.completion_tokens > 20
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    stream = client.chat.completions.create(model="qa-extraktiv", stream=True, stream_options={"include_usage": True},
                                            messages=[{"role": "user", "content": QUESTION}])
    chunks = list(stream)
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens > 20
    last = next(c for c in reversed(chunks) if c.choices)
    assert last.choices[0].finish_reason == "stop" and last.choices[0].delta.model_extra["annotations"]
    model = client.models.retrieve("qa-extraktiv")
    assert model.id == "qa-extraktiv"


def test_openai_client_gets_german_400s_for_what_is_not_supported(server):
    import openai

    client = openai.OpenAI(base_url=f"{server}/v1", api_key=KEY, max_retries=0, timeout=300)
    messages = [{"role": "user", "content": QUESTION}]
    for extra, phrase in (({"n": 2}, "genau eine Antwort"),
                          ({"tools": [{"type": "function", "function": {"name": "suche", "parameters": {}}}]}, "Werkzeuge"),
                          ({"response_format": {"type": "json_object"}}, "response_format"),
                          ({"logprobs": True}, "logprobs")):
        with pytest.raises(openai.BadRequestError) as caught:
            client.chat.completions.create(model="qa-extraktiv", messages=messages, **extra)
        assert phrase in str(caught.value)
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-4o")
    answered = client.chat.completions.create(model="qa-extraktiv", messages=messages, max_tokens=50, temperature=0.2)
    assert answered.choices[0].message.content


def test_langchain_chat_openai_receives_the_citations(server):
    """LangChain's ChatOpenAI keeps the message text and the usage (it drops annotations and extra
    fields of chat completions): the citations reach it as the text's "Quellen:" list."""
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(base_url=f"{server}/v1", api_key=KEY, model="qa-extraktiv", max_retries=0, timeout=300)
    reply = llm.invoke(QUESTION)
    answer, _, sources = reply.text.partition("\n\nQuellen:\n")
    citations = [line for line in sources.splitlines() if line.startswith("[")]
    print("LangChain erhielt:", answer, *citations, sep="\n")
    assert "Borrell" in answer and citations
    for line in citations:
        number = line[1:line.index("]")]
        assert f"[{number}]" in answer and f"{PUBLIC}/?artikel=" in line and "&pruef=" in line
    assert reply.usage_metadata["input_tokens"] > 5 and reply.usage_metadata["output_tokens"] > 20
