"""How the API answers a failure: every error as a JSON body in OpenAI's shape with a German
message and the right status code.

`ApiError` is a failure with its status (401 with WWW-Authenticate, 429 with Retry-After);
`api_error` maps any exception raised while answering onto one (QuestionError 400, BusyError 429,
QAError 503, anything else a logged 500 without traceback); `guarded` wraps an endpoint so that
whatever it raises becomes that response. It does not check requests, route or answer (qa.app.api).
"""
from __future__ import annotations

import logging

from fastapi import Request
from fastapi.responses import JSONResponse, StreamingResponse

from qa.app import openai_format as fmt
from qa.app.gate import BusyError
from qa.errors import QAError, QuestionError

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """A request that gets an OpenAI-style error response."""

    def __init__(self, status: int, message: str, type_: str = "invalid_request_error", code: str | None = None,
                 param: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.body = status, fmt.error_body(message, type_, code, param)
        self.headers = {"WWW-Authenticate": "Bearer"} if status == 401 else (headers or {})

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, status_code=self.status, headers=self.headers or None)


def api_error(exc: BaseException) -> ApiError:
    """The API's view of any failure while answering (German message, no traceback)."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, QuestionError):
        return ApiError(400, str(exc), code="invalid_request", param=getattr(exc, "param", None))
    if isinstance(exc, BusyError):
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return ApiError(429, str(exc), "rate_limit_error", exc.code, headers=headers)
    if isinstance(exc, QAError):
        return ApiError(503, str(exc), "server_error", "service_unavailable")
    logger.error("Unexpected error in the API", exc_info=exc)
    return ApiError(500, "Ein unerwarteter Fehler ist aufgetreten. Details stehen im Protokoll des Servers.",
                    "server_error", "internal_error")


def guarded(handler):
    """An endpoint whose every failure becomes an OpenAI-style JSON error."""
    async def endpoint(request: Request):
        try:
            result = await handler(request)
        except Exception as exc:
            return api_error(exc).response()
        return result if isinstance(result, (JSONResponse, StreamingResponse)) else JSONResponse(result)
    return endpoint
