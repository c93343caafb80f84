"""OpenAI's chat-completion shapes for our answers (pure functions, no web framework).

A completion's message text is the answer with its [n] markers, followed by a German
"Quellen:" list for clients that show only the text. The same citations travel as structured
data in the extra top-level field `citations` (source, title, publisher, date, date_text — German,
"Datum unbekannt" or a copy's date —, also_reported_by, quote, start, end, url), next to `qa` (answerer, abstained, short_answer, latency_ms); in a stream both come
with the last chunk, the one that carries `finish_reason`. `url` opens the app with the quoted
passage highlighted: `<base>?artikel=<file>&von=<start>&bis=<end>` (read by the UI on load).

Errors have OpenAI's shape: {"error": {"message", "type", "param", "code"}}.
"""
from __future__ import annotations

import json
import time
import uuid
from typing import Sequence
from urllib.parse import urlencode

from qa.answer.citations import also_reported, describe
from qa.records import Answer, Citation

OWNER = "qa-de"


def new_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


def error_body(message: str, type_: str = "invalid_request_error", code: str | None = None,
               param: str | None = None) -> dict:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def passage_url(base_url: str, citation: Citation) -> str:
    """A link that opens the app with the cited passage highlighted."""
    query = urlencode({"artikel": citation.source, "von": citation.start, "bis": citation.end})
    return f"{base_url.rstrip('/')}/?{query}"


def citation_data(citation: Citation, base_url: str) -> dict:
    return {**citation.to_dict(), "url": passage_url(base_url, citation)}


def sources_text(citations: Sequence[Citation], base_url: str) -> str:
    """The German source list appended to the answer text ("" when nothing is cited)."""
    if not citations:
        return ""
    lines = ["Quellen:"]
    for c in citations:
        lines.append(f"[{c.number}] {describe(c)}: „{c.quote}“ (Zeichen {c.start}–{c.end}) {passage_url(base_url, c)}"
                     + (f"; {also_reported(c.copies)}" if c.copies else ""))
    return "\n\n" + "\n".join(lines)


def answer_extras(answer: Answer, base_url: str) -> dict:
    """The extra fields of a completion: structured citations and what answered."""
    return {
        "citations": [citation_data(c, base_url) for c in answer.citations],
        "qa": {"answerer": answer.answerer, "abstained": answer.abstained, "short_answer": answer.short_answer,
               "latency_ms": round(answer.latency_ms, 1),
               "question_time": answer.question_time.to_dict() if answer.question_time else None},
    }


def completion(answer: Answer, model: str, base_url: str, streamed_text: str | None = None) -> dict:
    """A complete `chat.completion` object for one answer."""
    text = answer.text + sources_text(answer.citations, base_url)
    return {
        "id": new_id(), "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop",
                     "logprobs": None}],
        **answer_extras(answer, base_url),
    }


class ChunkWriter:
    """Server-sent events of one streamed completion: `data: {chunk}` lines, then `data: [DONE]`."""

    def __init__(self, model: str) -> None:
        self.id, self.created, self.model = new_id(), int(time.time()), model

    def _event(self, delta: dict, finish: str | None = None, extra: dict | None = None) -> str:
        chunk = {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
                 **(extra or {})}
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    def start(self) -> str:
        return self._event({"role": "assistant", "content": ""})

    def text(self, delta: str) -> str:
        return self._event({"content": delta})

    def finish(self, answer: Answer, streamed: str, base_url: str) -> str:
        """The rest of the text (verified answer where it differs, source list), then the last chunk."""
        tail = ""
        if streamed.strip() != answer.text.strip():
            tail = ("\n\nGeprüfte Antwort (nur belegte Sätze):\n" if streamed.strip() else "") + answer.text
        tail += sources_text(answer.citations, base_url)
        events = self.text(tail) if tail else ""
        return events + self._event({}, "stop", answer_extras(answer, base_url))

    @staticmethod
    def error(body: dict) -> str:
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    @staticmethod
    def done() -> str:
        return "data: [DONE]\n\n"


def model_list(models: Sequence[str]) -> dict:
    return {"object": "list", "data": [{"id": m, "object": "model", "created": 0, "owned_by": OWNER}
                                       for m in models]}
