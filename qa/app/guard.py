"""What `qa serve` lets through before the API or the UI sees a request (an ASGI middleware).

1. The Host header must name this server (`Settings.host_names`: the bound address, the
   public URL's host, QA_ALLOWED_HOSTS, and the loopback names; "*" in QA_ALLOWED_HOSTS allows
   any), else 400: a web page on another name that resolves to this machine (DNS rebinding)
   reaches nothing.
2. Gradio's routes that the app does not need are closed (404): uploads, recordings, streaming
   inputs, run history, proxying, the vibe editor, monitoring.
3. With an API key (QA_API_KEY), Gradio's API routes (/gradio_api/call/…, /gradio_api/api/…,
   /gradio_api/run/…, its OpenAPI description) need `Authorization: Bearer <key>` like /v1
   does, else 401. The queue routes that the browser UI uses too (join, data, status, cancel,
   heartbeat, info …) take the key or a browser page of this app: a request that the browser
   marks as coming from this origin (Sec-Fetch-Site: same-origin, or an Origin/Referer of this
   host; with QA_UI_PASSWORD Gradio also wants its login cookie). So `gradio_client` needs the
   key (its `headers=`, and `auth=` with a password), the browser UI keeps working, and a page
   of another site cannot use the UI's queue.

Errors are JSON in OpenAI's shape with a German message, like the API's.
"""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from fastapi.responses import JSONResponse

from qa.app.openai_format import error_body
from qa.config import Settings

CLOSED = ("/gradio_api/upload", "/gradio_api/upload_progress", "/gradio_api/process_recording", "/gradio_api/stream/",
          "/gradio_api/run-history/", "/gradio_api/runs", "/gradio_api/proxy=", "/gradio_api/dev/",
          "/gradio_api/vibe-", "/gradio_api/undo-vibe-edit", "/gradio_api/mcp", "/monitoring", "/gradio_api/monitoring")
KEY_ONLY = ("/gradio_api/call/", "/gradio_api/api/", "/gradio_api/run/", "/gradio_api/openapi.json")
KEY_OR_BROWSER = ("/gradio_api/queue/", "/gradio_api/cancel", "/gradio_api/reset", "/gradio_api/heartbeat/",
                  "/gradio_api/info", "/gradio_api/component_server", "/gradio_api/file=", "/gradio_api/file/")
KEY_MESSAGE = ("Fehlender oder falscher API-Schlüssel. Bitte den Schlüssel (QA_API_KEY des Servers) als "
               "„Authorization: Bearer …“ senden.")


def _starts(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == p.rstrip("/") or path.startswith(p) for p in prefixes)


class Guard:
    def __init__(self, app, settings: Settings) -> None:
        self.app, self.settings = app, settings
        self.names = settings.host_names
        self.any_host = "*" in {n.strip() for n in settings.allowed_hosts.split(",")}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        problem = self.problem(scope.get("path", ""), headers)
        if problem is None:
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        status, message, code = problem
        response = JSONResponse(error_body(message, "invalid_request_error", code), status_code=status,
                                headers={"WWW-Authenticate": "Bearer"} if status == 401 else None)
        await response(scope, receive, send)

    def problem(self, path: str, headers: dict[str, str]) -> tuple[int, str, str] | None:
        """(status, German message, code) for a request that may not pass, else None."""
        host = headers.get("host", "")
        if not self.any_host and _hostname(host) not in self.names:
            return (400, f"Unbekannter Host „{host}“: dieser Dienst antwortet nur unter "
                         f"{', '.join(sorted(self.names))} (QA_HOST, QA_PUBLIC_URL, QA_ALLOWED_HOSTS).", "invalid_host")
        if _starts(path, CLOSED):
            return 404, f"{path} ist in diesem Dienst abgeschaltet (die App braucht es nicht).", "not_found"
        if not self.settings.api_key or self.has_key(headers):
            return None
        if _starts(path, KEY_ONLY) or (_starts(path, KEY_OR_BROWSER) and not self.from_browser(headers)):
            return 401, KEY_MESSAGE, "invalid_api_key"
        return None

    def has_key(self, headers: dict[str, str]) -> bool:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and secrets.compare_digest(token.strip().encode(),
                                                                      self.settings.api_key.encode())

    @staticmethod
    def from_browser(headers: dict[str, str]) -> bool:
        """A page of this app in a browser: the browser marks the request as coming from this very
        origin (Sec-Fetch-Site on localhost and HTTPS; Origin on a POST, Referer on a GET over
        plain HTTP). Clients such as gradio_client send none of these, a page of another site
        cannot fake them. (With a password Gradio also checks the login cookie.)"""
        if headers.get("sec-fetch-site") == "same-origin":
            return True
        host = headers.get("host", "")
        for name in ("origin", "referer"):
            value = headers.get(name)
            if value and urlsplit(value).netloc == host:
                return True
        return False


def _hostname(host: str) -> str:
    """The name of a Host header, lower case, without port ("[::1]:7860" -> "::1")."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
