"""Eight clients ask at once through the app's API; each gets its own answer and history.

Every gradio_client.Client is its own browser session: the test checks that
answers do not cross between sessions and that a second question in each
session sees that session's first question only.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from ui_helpers import app_url

pytestmark = pytest.mark.slow

# (question, a phrase the correct answer contains); each answer comes from a different passage
QUESTIONS = [
    ("Seit wann läuft der aktuelle Irak-Einsatz der NATO?", "Oktober 2018"),
    ("Wer ist der neue EU-Außenbeauftragte?", "Josep Borrell"),
    ("Wie viele Soldaten umfasst die Ausbildungsmission der Nato im Irak bisher?", "500"),
    ("Wer ist der niederländische Außenminister?", "Blok"),
    ("Wann wurde die NATO-Mission im Irak ausgesetzt?", "Anfang Januar"),
    ("Welcher Ort wurde neben Bagdad als Ausbildungsort ausgewählt?", "Tadschi"),
    ("Wie viele Mitglieder zählt die Koalition gegen den IS?", "60"),
    ("Wo befindet sich das Hauptquartier der US-Streitkräfte in Europa?", "Stuttgart"),
]
CLIENTS = len(QUESTIONS)


def _text(message: dict) -> str:
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))


def _ask(client, question: str) -> tuple[list[dict], str]:
    chat, _question_box, _status, _sources, markdown = client.predict(
        question, [], "", "", api_name="/frage")
    return chat, markdown


def _session(url: str, first: tuple[str, str], second: tuple[str, str], barrier: threading.Barrier) -> dict:
    from gradio_client import Client

    client = Client(url, verbose=False)
    barrier.wait(timeout=600)  # all eight sessions ask at the same moment
    chat1, markdown1 = _ask(client, first[0])
    barrier.wait(timeout=600)
    chat2, markdown2 = _ask(client, second[0])
    return {"chat1": chat1, "markdown1": markdown1, "chat2": chat2, "markdown2": markdown2}


def test_eight_sessions_at_once_each_get_their_own_answers():
    url = app_url()
    barrier = threading.Barrier(CLIENTS)
    plans = [(QUESTIONS[i], QUESTIONS[(i + 3) % CLIENTS]) for i in range(CLIENTS)]
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        futures = [pool.submit(_session, url, first, second, barrier) for first, second in plans]
        results = [f.result(timeout=900) for f in futures]

    for (first, second), result in zip(plans, results):
        chat1 = [(m["role"], _text(m)) for m in result["chat1"]]
        assert [role for role, _ in chat1] == ["user", "assistant"], chat1
        assert chat1[0][1] == first[0]
        assert first[1] in chat1[1][1], (first, chat1[1][1])
        assert "[\\[1\\]](#zitat-0-1)" in chat1[1][1]  # a clickable citation
        assert result["markdown1"].startswith(f"**Frage:** {first[0]}")
        assert first[1] in result["markdown1"] and "**Quellen:**" in result["markdown1"]

        # the second question continues this session's conversation, not another one's
        chat2 = [(m["role"], _text(m)) for m in result["chat2"]]
        assert [text for role, text in chat2 if role == "user"] == [first[0], second[0]], chat2
        assert second[1] in chat2[3][1], (second, chat2[3][1])
        assert "#zitat-1-1" in chat2[3][1]
        # "Als Markdown" holds the whole conversation of this session, in order, and nobody else's
        markdown2 = result["markdown2"]
        assert markdown2.startswith(f"**Frage:** {first[0]}") and markdown2.count("**Frage:**") == 2
        assert markdown2.index(f"**Frage:** {second[0]}") > markdown2.index(first[1])
