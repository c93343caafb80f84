"""OpenAI shapes of our answers and the checks of API requests (pure functions, hand-written cases)."""
from __future__ import annotations

import hashlib
import json

import pytest

from qa.app import openai_format as fmt
from qa.app.api_requests import ChatRequest, german_validation, question_and_history
from qa.dates import PartialDate
from qa.errors import QuestionError
from qa.records import Answer, Citation, Turn

CITATION = Citation(1, "002_x.txt", "002_x.txt:v:0", "Borrell ist neu.", 10, 26, "Titel", "dpa", PartialDate(2020, 2, 14))
ANSWER = Answer("Josep Borrell [1].", "Josep Borrell", False, (CITATION,), (), "llm", 41.66)
BASE = "http://127.0.0.1:7860/"


def test_link_and_source_list():
    checksum = hashlib.sha256("Borrell ist neu.".encode()).hexdigest()[:8]  # 7a3cd5ce
    url = f"http://127.0.0.1:7860/?artikel=002_x.txt&von=10&bis=26&pruef={checksum}"
    assert fmt.passage_url(BASE, CITATION) == url
    assert fmt.sources_text([CITATION], BASE) == (
        "\n\nQuellen:\n[1] 002_x.txt – Titel, dpa, 14.02.2020: „Borrell ist neu.“ (Zeichen 10–26) " + url)
    assert fmt.sources_text([], BASE) == ""


def test_completion_has_text_sources_and_extra_fields():
    body = fmt.completion(ANSWER, "qa-llm", BASE)
    assert body["object"] == "chat.completion" and body["model"] == "qa-llm"
    assert body["choices"][0]["message"]["content"].startswith("Josep Borrell [1].\n\nQuellen:\n[1] 002_x.txt")
    assert body["citations"][0]["url"].endswith("von=10&bis=26&pruef=7a3cd5ce") and body["citations"][0]["quote"] == "Borrell ist neu."
    assert body["qa"] == {"answerer": "llm", "abstained": False, "short_answer": "Josep Borrell", "latency_ms": 41.7,
                          "question_time": None, "understood_as": None, "kind": "answer"}
    assert body["citations"][0]["date_text"] == "14.02.2020" and body["citations"][0]["also_reported_by"] == []


def _chunks(events: str) -> list:
    return [line[6:] for line in events.split("\n\n") if line]


@pytest.mark.parametrize("streamed, tail_starts", [
    ("Josep Borrell [1].", "\n\nQuellen:"),  # the stream was the answer: only the sources follow
    ("Borrell und Maas [1] [2].", "\n\nGeprüfte Antwort (nur belegte Sätze):\nJosep Borrell [1]."),
    ("", "Josep Borrell [1]."),  # nothing streamed: the answer itself
])
def test_the_last_chunks_complete_the_text(streamed, tail_starts):
    writer = fmt.ChunkWriter("qa-llm")
    chunks = [json.loads(c) for c in _chunks(writer.finish(ANSWER, streamed, BASE))]
    text, last = chunks[0]["choices"][0]["delta"]["content"], chunks[-1]
    assert text.startswith(tail_starts) and text.endswith("von=10&bis=26&pruef=7a3cd5ce")
    annotation = last["choices"][0]["delta"]["annotations"][0]["url_citation"]
    assert text[annotation["start_index"]:annotation["end_index"]] == "[1]" and annotation["url"].endswith("7a3cd5ce")
    assert last["choices"][0]["finish_reason"] == "stop" and "content" not in last["choices"][0]["delta"]
    assert last["citations"][0]["source"] == "002_x.txt"
    assert writer.done() == "data: [DONE]\n\n"


def test_question_and_history_from_messages():
    request = ChatRequest.model_validate({"messages": [
        {"role": "system", "content": "Sei nett."},
        {"role": "user", "content": "Wer ist Borrell?"},
        {"role": "assistant", "content": "Der EU-Außenbeauftragte [1]."},
        {"role": "user", "content": [{"type": "text", "text": "Und seit "}, {"type": "image_url"}, {"type": "text", "text": "wann?"}]},
        {"role": "assistant", "content": ""}]})
    question, history = question_and_history(request.messages)
    assert question == "Und seit wann?"
    assert history == [Turn("user", "Wer ist Borrell?"), Turn("assistant", "Der EU-Außenbeauftragte [1].")]


@pytest.mark.parametrize("messages, phrase", [([], "leer"), ([{"role": "assistant", "content": "x"}], "„user“")])
def test_messages_without_a_question(messages, phrase):
    with pytest.raises(QuestionError, match=phrase):
        question_and_history(ChatRequest.model_validate({"messages": messages}).messages)


@pytest.mark.parametrize("body, message", [
    ({"messages": [{"role": "user", "content": 42}]}, "Das Feld „messages.0.content“ muss ein Text sein."),
    ({}, "Das Feld „messages“ fehlt."),
    ({"messages": [{"role": "bot", "content": "x"}]}, "Das Feld „messages.0.role“ muss eine dieser Rollen sein"),
    ([1], "Der Inhalt der Anfrage ist kein gültiges JSON-Objekt."),
])
def test_german_validation_messages(body, message):
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        ChatRequest.model_validate(body)
    assert german_validation(caught.value.errors())[0].startswith(message)


# -- Markdown safety, annotations, usage, refused options -------------------------------------
HOSTILE = Citation(1, "x_y.txt", "x_y.txt:v:0", "Er heißt **Hans <script>alert(1)</script> [P](javascript:a()) "
                   "![](http://t.example/p.png) www.a.example", 0, 99, "<b>Titel</b>", "dpa", PartialDate(2020, 2, 14))


def _html(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like").render(markdown)


def test_a_hostile_quote_renders_as_text():
    answer = Answer(f"**Hans [1].\n\n„{HOSTILE.quote}“ [1]", "**Hans", False, (HOSTILE,), (), "extractive", 1.0)
    content = fmt.completion(answer, "qa-extraktiv", BASE)["choices"][0]["message"]["content"]
    html = _html(content)
    for live in ("<script", "<b>", "href=\"javascript", "<img", "<strong>", "<em>", 'href="http://t.example',
                 'href="http://www.a.example'):
        assert live not in html, live
    assert html.count("<a href=") == 1 and "&lt;script&gt;" in html and "x_y.txt" in html


def test_annotations_point_at_the_markers():
    second = Citation(2, "b.txt", "b.txt:v:0", "Maas ist Minister.", 0, 18, None)
    answer = Answer("Borrell [1] und Maas [2].", None, False, (CITATION, second), (), "extractive", 1.0)
    message = fmt.completion(answer, "qa-extraktiv", BASE)["choices"][0]["message"]
    spans = [(a["url_citation"]["start_index"], a["url_citation"]["end_index"]) for a in message["annotations"]]
    assert [message["content"][a:b] for a, b in spans] == ["[1]", "[2]"] and spans[0][0] == len("Borrell ")
    assert message["annotations"][1]["url_citation"]["title"] == "b.txt"  # no title: the file name


def test_markdown_stream_escapes_like_the_whole_text():
    from hypothesis import given, settings, strategies as st

    pieces = st.lists(st.sampled_from(["Hans", " ", "\n", "**", "[1]", "(", "http://x.example", "- ", "1.", "_a_",
                                       "<b>", "www.y.de", "a_b", "\t", "# ", "&amp;"]), max_size=30)

    @settings(max_examples=100, deadline=None, derandomize=True, database=None)
    @given(pieces, st.data())
    def check(parts, data):
        text = "".join(parts)
        cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=6)))
        stream, out, last = fmt.MarkdownStream(), "", 0
        for cut in cuts + [len(text)]:
            out += stream.feed(text[last:cut])
            last = cut
        out += stream.flush()
        assert out == fmt.markdown_text(text)

    check()


def test_usage_is_counted_by_the_caller_and_sent_last_in_a_stream():
    usage = lambda content: {"prompt_tokens": 3, "completion_tokens": len(content), "total_tokens": 3 + len(content)}
    body = fmt.completion(ANSWER, "qa-llm", BASE, usage)
    assert body["usage"]["completion_tokens"] == len(body["choices"][0]["message"]["content"])
    writer = fmt.ChunkWriter("qa-llm", usage)
    events = writer.start() + writer.text("Josep Borrell [1].") + writer.finish(ANSWER, "Josep Borrell [1].", BASE)
    chunks = [json.loads(c) for c in _chunks(events)]
    assert all(c["usage"] is None for c in chunks[:-1]) and chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["completion_tokens"] == len(writer.content)


@pytest.mark.parametrize("extra, param", [
    ({"n": 3}, "n"), ({"tools": [{"type": "function"}]}, "tools"), ({"tool_choice": "required"}, "tool_choice"),
    ({"tool_choice": {"type": "function", "function": {"name": "f"}}}, "tool_choice"),
    ({"response_format": {"type": "json_schema"}}, "response_format"), ({"logprobs": True}, "logprobs"),
    ({"top_logprobs": 2}, "logprobs")])
def test_what_cannot_be_honoured_is_refused(extra, param):
    request = ChatRequest.model_validate({"messages": [{"role": "user", "content": "Wer?"}], **extra})
    with pytest.raises(QuestionError) as caught:
        request.check()
    assert caught.value.param == param


def test_harmless_options_pass():
    request = ChatRequest.model_validate({"messages": [{"role": "user", "content": "Wer?"}], "n": 1, "tools": [],
                                          "tool_choice": "none", "response_format": {"type": "text"},
                                          "logprobs": False, "temperature": 0.3, "max_completion_tokens": 40,
                                          "stream_options": {"include_usage": True}})
    request.check()
    assert request.token_limit == 40 and request.include_usage


def test_earlier_turns_are_capped():
    messages = ChatRequest.model_validate({"messages": [{"role": "user", "content": "x" * 101},
                                                        {"role": "user", "content": "Wer?"}]}).messages
    with pytest.raises(QuestionError, match="früherer Beitrag"):
        question_and_history(messages, max_turn_chars=100)
    assert question_and_history(messages, max_turn_chars=101)[0] == "Wer?"


@pytest.mark.parametrize("raw, phrase", [(b'"\\ud800"', "Surrogate"), (b'{"\\udc00": 1}', "Surrogate"),
                                         (b"[" * 5000 + b"]" * 5000, "verschachtelt"),
                                         (b"[" * 33 + b"]" * 33, "verschachtelt")])
def test_unusable_json(raw, phrase):
    from qa.safe_json import JSONProblem, parse_json

    with pytest.raises(JSONProblem, match=phrase):
        parse_json(raw)
    assert parse_json(b"[" * 32 + b"]" * 32) and parse_json('"\\ud83d\\ude00"') == "\U0001F600"
