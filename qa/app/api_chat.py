"""The OpenAI chat endpoint of the API (POST /v1/chat/completions): its request handling, the
answer as one completion or as server-sent events, and OpenAI's `usage`.

`ChatEndpoint` is a mixin of `qa.app.api.Api`, its only host: it uses the host's body parsing
and checks (`body`, `answerer_for`, `check_sources`), its answering (`answer`, `worker`), its
admission queues, pipeline, token counter and public address. A streamed answer starts before
the response does, so that early failures still get a status code, and is finished exactly once
(`_Finish`), also when the client leaves before the first chunk (`_EventStream`). It does not
parse request bodies (qa.app.api_requests), format OpenAI's JSON (qa.app.openai_format), route, or
serve the other endpoints (qa.app.api).
"""
from __future__ import annotations

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from qa.answer.base import Streamed
from qa.app import openai_format as fmt
from qa.app.api_errors import api_error
from qa.app.api_requests import ChatRequest, question_and_history
from qa.pipeline import clean_question

_END = object()


class ChatEndpoint:
    """POST /v1/chat/completions, the methods of Api that serve it."""

    def usage_for(self, body: ChatRequest, stream: bool = False):
        """content -> OpenAI's usage, counted with the encoder's tokenizer (None where not sent)."""
        if stream and not body.include_usage:
            return None
        prompt = [m.text for m in body.messages]
        return lambda content: self.tokens.usage(prompt, content)

    async def chat(self, request: Request):
        body: ChatRequest = await self.body(request, ChatRequest)
        body.check()
        name = self.answerer_for(body.model)
        question, history = question_and_history(body.messages, self.settings.max_turn_chars)
        question = clean_question(question, self.settings.max_question_chars)
        filters = body.filters()
        model = body.model or self.model_of(name)
        if not body.stream:
            answer = await self.worker(self.answer, question, history, filters, name, body.token_limit)
            return await run_in_threadpool(fmt.completion, answer, model, self.base, self.usage_for(body))
        return await self.stream(question, history, filters, name, model, body)

    async def stream(self, question, history, filters, name, model, body: ChatRequest) -> StreamingResponse:
        """Start answering before the response starts, so that early failures get a status code."""
        await run_in_threadpool(self.check_sources, filters)
        slot = self.admission.for_answerer(name, self.admission.api)
        await self.worker(slot.__enter__)
        try:
            events = self.pipeline.stream(question, history, filters, name,
                                          max_tokens=body.token_limit)
        except BaseException:
            slot.__exit__(None, None, None)
            raise
        finish = _Finish(events, slot)
        stream = Streamed(events)
        deltas = iter(stream)
        try:
            first = await run_in_threadpool(next, deltas, _END)
        except BaseException:
            finish()
            raise
        writer = fmt.ChunkWriter(model, self.usage_for(body, stream=True))
        return _EventStream(self.sse(stream, deltas, first, finish, writer, self.base), finish)

    async def sse(self, stream: Streamed, deltas, delta, finish, writer: fmt.ChunkWriter, base: str):
        try:
            yield writer.start()
            while delta is not _END:
                escaped = writer.text(delta)  # "" while a word is still incomplete
                if escaped:
                    yield escaped
                delta = await run_in_threadpool(next, deltas, _END)
            yield await run_in_threadpool(writer.finish, stream.answer, stream.text, base)
            yield writer.done()
        except Exception as exc:  # after the first byte only an error chunk can report it
            yield writer.error(api_error(exc).body)
            yield writer.done()
        finally:  # also when the client goes away: stop generating, free the slot
            finish()


class _Finish:
    """The end of a streamed answer, exactly once: close the answer's generator, free its slot."""

    def __init__(self, events, slot) -> None:
        self.events, self.slot, self.done = events, slot, False

    def __call__(self) -> None:
        if self.done:
            return
        self.done = True
        try:
            self.events.close()
        finally:
            self.slot.__exit__(None, None, None)


class _EventStream(StreamingResponse):
    """Server-sent events that finish their answer even when the client leaves before the first
    chunk (then the body generator never starts, and its own `finally` never runs)."""

    def __init__(self, body, finish: _Finish) -> None:
        super().__init__(body, media_type="text/event-stream",
                         headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        self.finish = finish

    async def __call__(self, scope, receive, send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.finish()
