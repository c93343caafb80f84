"""OpenAI shapes of our answers and the checks of API requests (pure functions, hand-written cases)."""
from __future__ import annotations

import json

import pytest

from qa.app import openai_format as fmt
from qa.app.api_requests import ChatRequest, german_validation, question_and_history
from qa.errors import QuestionError
from qa.records import Answer, Citation, Turn

CITATION = Citation(1, "002_x.txt", "002_x.txt:v:0", "Borrell ist neu.", 10, 26, "Titel", "dpa", "2020-02-14")
ANSWER = Answer("Josep Borrell [1].", "Josep Borrell", False, (CITATION,), (), "llm", 41.66)
BASE = "http://127.0.0.1:7860/"


def test_link_and_source_list():
    assert fmt.passage_url(BASE, CITATION) == "http://127.0.0.1:7860/?artikel=002_x.txt&von=10&bis=26"
    assert fmt.sources_text([CITATION], BASE) == (
        "\n\nQuellen:\n[1] 002_x.txt – Titel, dpa, 14.02.2020: „Borrell ist neu.“ (Zeichen 10–26) "
        "http://127.0.0.1:7860/?artikel=002_x.txt&von=10&bis=26")
    assert fmt.sources_text([], BASE) == ""


def test_completion_has_text_sources_and_extra_fields():
    body = fmt.completion(ANSWER, "qa-llm", BASE)
    assert body["object"] == "chat.completion" and body["model"] == "qa-llm"
    assert body["choices"][0]["message"]["content"].startswith("Josep Borrell [1].\n\nQuellen:\n[1] 002_x.txt")
    assert body["citations"][0]["url"].endswith("von=10&bis=26") and body["citations"][0]["quote"] == "Borrell ist neu."
    assert body["qa"] == {"answerer": "llm", "abstained": False, "short_answer": "Josep Borrell", "latency_ms": 41.7,
                          "question_time": None}
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
    assert text.startswith(tail_starts) and text.endswith("von=10&bis=26")
    assert last["choices"][0] == {"index": 0, "delta": {}, "finish_reason": "stop", "logprobs": None}
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
