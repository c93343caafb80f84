"""The HTTP API of `qa serve`, next to the UI on the same port and the same Pipeline.

    POST /v1/chat/completions  OpenAI's chat completions: the last user message is the question,
                               earlier user/assistant messages the history; `model` picks the
                               answerer (qa-extraktiv, qa-llm); `stream: true` sends SSE chunks and
                               `data: [DONE]`; citations in the extra field `citations`, as
                               `annotations` and as a German "Quellen:" list at the end of the
                               Markdown-safe text (qa.app.openai_format); `usage` counted with the
                               encoder's tokenizer (qa.app.usage)
    GET  /v1/models            the models (answerers) this installation offers
    GET  /v1/models/{id}       one of them (404 for another id)
    POST /v1/ask               one `qa batch` record: {"id"?, "question", "history"?, "answerer"?,
                               "sources"?, "date_from"?, "date_to"?, "question_time"?} -> qa.answer.record.answer_record
    GET  /health               {"status": "ok", ...}; 503 when the index cannot be read

With `api_key` set (QA_API_KEY) every /v1 request needs `Authorization: Bearer <key>` (the UI's
own routes: qa.app.guard). A body is parsed by qa.safe_json (no lone surrogates, no deep
nesting); earlier turns are capped (`max_turn_chars`). Citation links use the configured public
address (`Settings.base_url`), never the request's Host header. Every
failure is a JSON error in OpenAI's shape with a German message: 400 bad request, 401 key,
404 unknown model or endpoint, 413 body too large, 429 with Retry-After when the language
model's queue or the API's queue of extractive questions is full (qa.app.gate), 503 index or
server unavailable; an unexpected failure is logged and answered with a 500 that carries no
traceback. Answers run in worker threads of their own pool (sized to the places of the queues:
a refusal never waits for a thread); generative ones pass the Gate shared with the UI,
extractive ones the API's Lane. /health and /v1/models never wait for either: they answer at
once under any load.

Here: routing, the request checks every endpoint shares (key, body size, JSON, model, sources),
answering in the pool, /v1/ask, /v1/models and /health. Not here: the chat endpoint's handling
and streaming (qa.app.api_chat), how a failure becomes a response (qa.app.api_errors), request
bodies (qa.app.api_requests) and OpenAI's JSON (qa.app.openai_format).
"""
from __future__ import annotations

import functools
import secrets

import anyio
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from qa.answer import ANSWERERS, choices
from qa.answer.record import answer_record
from qa.app import openai_format as fmt
from qa.app.api_chat import ChatEndpoint
from qa.app.api_errors import ApiError, guarded
from qa.app.api_requests import AskRequest, check_turns, german_validation
from qa.app.gate import Admission
from qa.app.usage import TokenCounter
from qa.config import Settings
from qa.errors import QAError
from qa.pipeline import Pipeline, clean_question
from qa.records import Answer, Filters, Turn
from qa.safe_json import JSONProblem, parse_json

MAX_BODY_BYTES = 1_000_000
_ENDPOINTS = {"/v1/chat/completions": "POST", "/v1/ask": "POST", "/v1/models": "GET"}
REFUSING_THREADS = 16  # beyond the lane's places: threads that only say "429", so a refusal never queues


class Api(ChatEndpoint):
    """The endpoints, their request checks and answering in the pool (the chat endpoint: ChatEndpoint)."""

    def __init__(self, pipeline: Pipeline, settings: Settings, admission: Admission) -> None:
        self.pipeline, self.settings, self.admission = pipeline, settings, admission
        lane, gate = admission.api, admission.llm  # answering threads: every place, and some that only refuse
        self.answering = anyio.CapacityLimiter(lane.parallel + lane.waiting + gate.parallel + gate.waiting
                                               + REFUSING_THREADS)
        self.light = anyio.CapacityLimiter(4)  # /health: never behind an answer
        self.models = {spec.api_model: name for name, spec in ANSWERERS.items()
                       if spec.api_model and spec.available(settings)}
        self.tokens = TokenCounter(settings)
        self.base = settings.base_url  # citation links: configured, never from the request

    # -- request checks ----------------------------------------------------------------------
    def check_key(self, request: Request) -> None:
        if not self.settings.api_key:
            return
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(token.strip().encode(), self.settings.api_key.encode()):
            raise ApiError(401, "Fehlender oder falscher API-Schlüssel. Bitte den Schlüssel (QA_API_KEY des Servers) "
                                "als „Authorization: Bearer …“ senden.", code="invalid_api_key")

    async def body(self, request: Request, model: type[BaseModel]):
        self.check_key(request)
        declared = request.headers.get("content-length", "")
        too_large = declared.isdigit() and int(declared) > MAX_BODY_BYTES
        raw = b"" if too_large else await request.body()
        if too_large or len(raw) > MAX_BODY_BYTES:
            raise ApiError(413, f"Die Anfrage ist zu groß (höchstens {MAX_BODY_BYTES // 1000:,} kB).".replace(",", "."),
                           code="request_too_large")
        try:
            return model.model_validate(parse_json(raw))
        except JSONProblem as exc:
            raise ApiError(400, str(exc), code="invalid_json") from None
        except (ValueError, UnicodeDecodeError) as exc:
            if isinstance(exc, ValidationError):
                message, field = german_validation(exc.errors())
                raise ApiError(400, message, param=field) from None
            raise ApiError(400, "Der Inhalt der Anfrage ist kein gültiges JSON-Objekt.") from None

    def answerer_for(self, model: str | None) -> str:
        """The registry name for an OpenAI model name (none: the server's default answerer)."""
        if model is None:
            return self.pipeline.answerer_name()
        if model not in self.models:
            raise ApiError(404, f"Das Modell „{model}“ gibt es hier nicht. Verfügbar: {', '.join(self.models)}.",
                           code="model_not_found", param="model")
        return self.models[model]

    def model_of(self, name: str) -> str:
        return ANSWERERS[name].api_model if name in ANSWERERS else name

    def check_sources(self, filters: Filters | None) -> None:
        if filters and filters.sources:
            known = self.pipeline.store.file_records()
            unknown = [s for s in filters.sources if s not in known]
            if unknown:
                raise ApiError(400, f"Diese Artikel gibt es im Korpus nicht: {', '.join(unknown)}.", param="sources")

    def answer(self, question: str, history, filters: Filters | None, name: str,
               max_tokens: int | None = None) -> Answer:
        self.check_sources(filters)
        with self.admission.for_answerer(name, self.admission.api):
            return self.pipeline.ask(question, history, filters, name, max_tokens=max_tokens)

    async def worker(self, fn, *args):
        """fn(*args) in a thread of the answering pool (not the one /health or formatting use)."""
        return await anyio.to_thread.run_sync(functools.partial(fn, *args), limiter=self.answering)

    # -- endpoints ---------------------------------------------------------------------------
    async def ask(self, request: Request):
        body: AskRequest = await self.body(request, AskRequest)
        name = self.answerer_name(body.answerer)
        question = clean_question(body.question, self.settings.max_question_chars)
        history = [Turn(t.role, t.content) for t in body.history]
        check_turns(history, self.settings.max_turn_chars, "history")
        answer = await self.worker(self.answer, question, history, body.filters(), name)
        return answer_record(answer, body.id)

    def answerer_name(self, requested: str | None) -> str:
        """The registry name for /v1/ask's `answerer` (a registry name or "auto")."""
        if requested is not None and requested not in choices():
            raise ApiError(400, f"Das Antwortverfahren „{requested}“ gibt es nicht ({', '.join(choices())}).",
                           param="answerer")
        name = self.pipeline.answerer_name(requested)
        if not ANSWERERS[name].available(self.settings):
            raise ApiError(400, f"Das Antwortverfahren „{name}“ ist hier nicht installiert.", param="answerer")
        return name

    def list_models(self, request: Request):
        self.check_key(request)
        return fmt.model_list(list(self.models))

    async def get_model(self, request: Request):
        self.check_key(request)
        model = request.path_params["model"]
        if model not in self.models:
            raise ApiError(404, f"Das Modell „{model}“ gibt es hier nicht. Verfügbar: {', '.join(self.models)}.",
                           code="model_not_found", param="model")
        return fmt.model_object(model)

    async def health(self):
        """At once under any load: its own small thread pool, no slot of any queue."""
        try:
            articles = len(await anyio.to_thread.run_sync(self.pipeline.articles, limiter=self.light))
        except QAError as exc:
            return JSONResponse({"status": "error", "message": str(exc)}, status_code=503)
        return {"status": "ok", "articles": articles, "models": list(self.models)}

    async def unknown(self, request: Request):
        path = request.url.path.rstrip("/")
        if path in _ENDPOINTS:
            raise ApiError(405, f"{path} erwartet die Methode {_ENDPOINTS[path]}, nicht {request.method}.",
                           code="method_not_allowed")
        raise ApiError(404, f"Den Endpunkt {request.url.path} gibt es nicht. Vorhanden: "
                            f"{', '.join(_ENDPOINTS)}, /health.", code="not_found")


def install_api(app: FastAPI, pipeline: Pipeline, settings: Settings, admission: Admission) -> Api:
    """Add the API's routes to `app` (before the UI is mounted at "/", which takes every other path)."""
    api = Api(pipeline, settings, admission)
    router = APIRouter()

    async def models(request: Request):
        return api.list_models(request)

    router.add_api_route("/v1/chat/completions", guarded(api.chat), methods=["POST"])
    router.add_api_route("/v1/ask", guarded(api.ask), methods=["POST"])
    router.add_api_route("/v1/models", guarded(models), methods=["GET"])
    router.add_api_route("/v1/models/{model:path}", guarded(api.get_model), methods=["GET"])
    router.add_api_route("/health", api.health, methods=["GET"])
    router.add_api_route("/v1/{rest:path}", guarded(api.unknown),
                         methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])
    app.include_router(router)
    return api
