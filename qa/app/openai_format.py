"""OpenAI's chat-completion shapes for our answers (pure functions, no web framework).

A completion's message text is the answer with its [n] markers, followed by a German
"Quellen:" list for clients that show only the text. The text is safe to render as Markdown
(`markdown_text`): whatever comes from an article or a language model is escaped, so a quote
can bring no live HTML, link, image or emphasis; only our own [n] markers stay as they are.
The same citations travel as structured data in the extra top-level field `citations` (source,
title, publisher, date, date_text — German, "Datum unbekannt" or a copy's date —,
also_reported_by, quote verbatim, start, end, url), next to `qa` (answerer, abstained,
short_answer, latency_ms), and as OpenAI's `annotations` of the message (`url_citation`, its
start/end the marker [n] in the text); in a stream all three come with the last chunk, the one
that carries `finish_reason`. `url` opens the app with the quoted passage highlighted:
`<base>/?artikel=<file>&von=<start>&bis=<end>&pruef=<checksum of the quote>` (read by the UI
on load, qa.app.forms.linked_passage); `base` is the configured public address, never a
request's Host header.

Errors have OpenAI's shape: {"error": {"message", "type", "param", "code"}}.
"""
from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from typing import Callable, Sequence
from urllib.parse import urlencode

from qa.answer.citations import MARKER, also_reported, describe
from qa.answer.record import citation_record, question_time_record
from qa.records import Answer, Citation

OWNER = "qa-de"
Usage = Callable[[str], dict]  # the message text -> OpenAI's `usage`


def new_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


def error_body(message: str, type_: str = "invalid_request_error", code: str | None = None,
               param: str | None = None) -> dict:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


# -- Markdown that shows text literally ----------------------------------------------------------
_ALWAYS = re.compile(r"([\\`*\[\]<|~$@])")
_LONE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")  # an underscore not inside a word
_ENTITY = re.compile(r"&(?=#\d+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_SCHEME = re.compile(r"(?i)\b(https?|ftp|mailto|xmpp|javascript|data|vbscript|file)(?=:)")
_WWW = re.compile(r"(?i)\b(www)\.")
_LINE_START = re.compile(r"^([ \t]*)(\d*)([-+=.)#>])", re.MULTILINE)  # lists, headings, quotes, rules


def literal_markdown(text: str, at_line_start: bool = True) -> str:
    """`text` escaped so that a Markdown renderer (CommonMark, GFM, marked) shows it as it is:
    no HTML, no links or autolinks, no images, no emphasis, no code, lists or headings.

    `at_line_start=False` for a piece that continues a line (its start cannot open a list)."""
    text = _ALWAYS.sub(r"\\\1", text)
    text = _LONE_UNDERSCORE.sub(r"\\_", text)
    text = _ENTITY.sub(r"\\&", text)
    text = _SCHEME.sub(r"\1\\", text)
    text = _WWW.sub(r"\1\\.", text)

    def line_start(m: re.Match) -> str:
        if m.start() == 0 and not at_line_start:
            return m.group(0)
        if m.group(3) in ".)" and not m.group(2):  # "." or ")" opens nothing without a number
            return m.group(0)
        return f"{m.group(1)}{m.group(2)}\\{m.group(3)}"

    return _LINE_START.sub(line_start, text)


def markdown_text(text: str, at_line_start: bool = True) -> str:
    """An answer's text for Markdown: everything literal except the citation markers [n]
    (a marker followed by "(" cannot become a link: the parenthesis is escaped)."""
    parts, last = [], 0
    for match in MARKER.finditer(text):
        start_of_line = at_line_start if last == 0 else text[last - 1] == "\n"
        parts.append(literal_markdown(text[last:match.start()], start_of_line))
        parts.append(match.group(0))
        if text.startswith("(", match.end()):
            parts.append("\\")
        last = match.end()
    parts.append(literal_markdown(text[last:], at_line_start if last == 0 else text[last - 1] == "\n"))
    return "".join(parts)


class MarkdownStream:
    """`markdown_text` for text that arrives in pieces: escapes up to the last whitespace and
    keeps the rest until more arrives (a marker, a URL or a word is never cut in two)."""

    def __init__(self) -> None:
        self.pending, self.sent = "", ""

    def feed(self, delta: str) -> str:
        self.pending += delta
        cut = max(self.pending.rfind(" "), self.pending.rfind("\n"), self.pending.rfind("\t"))
        if cut < 0:
            return ""
        ready, self.pending = self.pending[:cut + 1], self.pending[cut + 1:]
        return self._escape(ready)

    def flush(self) -> str:
        ready, self.pending = self.pending, ""
        return self._escape(ready) if ready else ""

    def _escape(self, ready: str) -> str:
        line = self.sent.rpartition("\n")
        at_line_start = not line[2].strip(" \t")  # nothing but indentation since the last line break
        self.sent += ready
        return markdown_text(ready, at_line_start)


# -- citations ---------------------------------------------------------------------------------
def quote_checksum(quote: str) -> str:
    """8 hex digits of the quote's sha256: a link's `pruef`, so the app can tell a changed article."""
    return hashlib.sha256(quote.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def passage_url(base_url: str, citation: Citation) -> str:
    """A link that opens the app with the cited passage highlighted."""
    query = urlencode({"artikel": citation.source, "von": citation.start, "bis": citation.end,
                       "pruef": quote_checksum(citation.quote)})
    return f"{base_url.rstrip('/')}/?{query}"


def citation_data(citation: Citation, base_url: str) -> dict:
    return {**citation_record(citation), "url": passage_url(base_url, citation)}


def sources_text(citations: Sequence[Citation], base_url: str) -> str:
    """The German source list appended to the answer text ("" when nothing is cited); Markdown-safe."""
    if not citations:
        return ""
    lines = ["Quellen:"]
    for c in citations:
        also = f"; {literal_markdown(also_reported(c.copies), False)}" if c.copies else ""
        lines.append(f"[{c.number}] {literal_markdown(describe(c), False)}: „{literal_markdown(c.quote, False)}“ "
                     f"(Zeichen {c.start}–{c.end}) {passage_url(base_url, c)}{also}")
    return "\n\n" + "\n".join(lines)


def annotations(content: str, citations: Sequence[Citation], base_url: str) -> list[dict]:
    """OpenAI's `url_citation` annotations: per citation its link and the first marker [n] in
    `content` (character offsets into the message text)."""
    first: dict[int, tuple[int, int]] = {}
    for match in MARKER.finditer(content):
        first.setdefault(int(match.group(1)), match.span())
    found = []
    for c in citations:
        if c.number in first:
            start, end = first[c.number]
            found.append({"type": "url_citation", "url_citation": {
                "url": passage_url(base_url, c), "title": c.title or c.source, "start_index": start,
                "end_index": end}})
    return found


def answer_extras(answer: Answer, base_url: str) -> dict:
    """The extra fields of a completion: structured citations and what answered."""
    return {
        "citations": [citation_data(c, base_url) for c in answer.citations],
        "qa": {"answerer": answer.answerer, "abstained": answer.abstained, "short_answer": answer.short_answer,
               "latency_ms": round(answer.latency_ms, 1),
               "question_time": question_time_record(answer.question_time) if answer.question_time else None,
               "understood_as": answer.understood_as, "kind": answer.kind},
    }


def completion(answer: Answer, model: str, base_url: str, usage: Usage | None = None) -> dict:
    """A complete `chat.completion` object for one answer (`usage` counts its tokens)."""
    text = markdown_text(answer.text) + sources_text(answer.citations, base_url)
    message = {"role": "assistant", "content": text, "refusal": None,
               "annotations": annotations(text, answer.citations, base_url)}
    body = {
        "id": new_id(), "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}],
        **answer_extras(answer, base_url),
    }
    if usage is not None:
        body["usage"] = usage(text)
    return body


class ChunkWriter:
    """Server-sent events of one streamed completion: `data: {chunk}` lines, then `data: [DONE]`.

    With `usage` (stream_options.include_usage) every chunk carries "usage": null and one more
    chunk without choices carries the counts before [DONE], as OpenAI sends them."""

    def __init__(self, model: str, usage: Usage | None = None) -> None:
        self.id, self.created, self.model = new_id(), int(time.time()), model
        self.usage, self.content, self.markdown = usage, "", MarkdownStream()

    def _chunk(self, choices: list, extra: dict | None = None) -> str:
        chunk = {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
                 "choices": choices, **(extra or {})}
        if self.usage is not None:
            chunk.setdefault("usage", None)
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    def _event(self, delta: dict, finish: str | None = None, extra: dict | None = None) -> str:
        return self._chunk([{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], extra)

    def start(self) -> str:
        return self._event({"role": "assistant", "content": ""})

    def _content(self, text: str) -> str:
        self.content += text
        return self._event({"content": text}) if text else ""

    def text(self, delta: str) -> str:
        """A piece of the answer as it comes (escaped for Markdown up to its last whitespace)."""
        return self._content(self.markdown.feed(delta))

    def finish(self, answer: Answer, streamed: str, base_url: str) -> str:
        """The rest of the text (verified answer where it differs, source list), then the last chunk
        (annotations in its delta, citations and qa beside it), then the usage chunk if asked for."""
        events = self._content(self.markdown.flush())
        tail = ""
        if streamed.strip() != answer.text.strip():
            tail = ("\n\nGeprüfte Antwort (nur belegte Sätze):\n" if streamed.strip() else "") + markdown_text(answer.text)
        tail += sources_text(answer.citations, base_url)
        events += self._content(tail)
        events += self._event({"annotations": annotations(self.content, answer.citations, base_url)}, "stop",
                              answer_extras(answer, base_url))
        if self.usage is not None:
            events += self._chunk([], {"usage": self.usage(self.content)})
        return events

    @staticmethod
    def error(body: dict) -> str:
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    @staticmethod
    def done() -> str:
        return "data: [DONE]\n\n"


def model_object(model: str) -> dict:
    return {"id": model, "object": "model", "created": 0, "owned_by": OWNER}


def model_list(models: Sequence[str]) -> dict:
    return {"object": "list", "data": [model_object(m) for m in models]}
