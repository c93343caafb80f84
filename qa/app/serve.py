"""`qa serve`: the UI and the API (qa.app.api) from one process on one port, 127.0.0.1 by default.

The API's routes are added to a FastAPI app first, then the Gradio UI is mounted at "/"
(`gr.mount_gradio_app`), and uvicorn serves the whole on a socket bound here, so a taken port is
an OSError for the caller, not an exit. No share link, analytics off. Off loopback both a
password for the UI (`QA_UI_PASSWORD`) and a key for the API (`QA_API_KEY`) are required.
UI and API share one Pipeline and one Admission (qa.app.gate): one queue for slow generative
answers, and a bounded lane each for the extractive answers of the UI and of the API.
Every request first passes qa.app.guard (Host header, Gradio's API routes need the key, routes
the app does not need closed); CORS for the API only where QA_CORS_ORIGINS names origins.
"""
from __future__ import annotations

import ipaddress
import logging
import os
import socket
import threading
import time

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported anywhere

import gradio as gr  # noqa: E402
from fastapi import FastAPI  # noqa: E402

from qa.app.api import install_api  # noqa: E402
from qa.app.gate import Admission  # noqa: E402
from qa.app.guard import Guard  # noqa: E402
from qa.app.ui import STATIC, build_app  # noqa: E402
from qa.config import Settings  # noqa: E402
from qa.errors import SettingsError  # noqa: E402
from qa.pipeline import Pipeline  # noqa: E402

THEME = gr.themes.Soft(primary_hue="indigo", secondary_hue="amber", neutral_hue="slate",
                       font=["Inter", "ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "sans-serif"],
                       font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"])
CSS = (STATIC / "qa.css").read_text(encoding="utf-8")
AUTH_MESSAGE = "Bitte melden Sie sich mit Benutzername und Passwort an."
START_TIMEOUT_S = 120.0
SHUTDOWN_WAIT_S = 3.0

logger = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def auth_of(settings: Settings) -> tuple[str, str] | None:
    return (settings.ui_user, settings.ui_password) if settings.ui_password else None


def check_bind(host: str, auth: tuple[str, str] | None) -> None:
    """Off loopback the UI needs a password; a SettingsError in German otherwise."""
    if not is_loopback(host) and not (auth and auth[1]):
        raise SettingsError(f"Für die Adresse {host} ist ein Passwort nötig (QA_UI_PASSWORD oder --password), "
                            "sonst könnte jeder im Netz die Oberfläche benutzen.")


def check_api_bind(host: str, api_key: str | None) -> None:
    """Off loopback the API needs a key; a SettingsError in German otherwise."""
    if not is_loopback(host) and not api_key:
        raise SettingsError(f"Für die Adresse {host} ist ein API-Schlüssel nötig (QA_API_KEY), "
                            "sonst könnte jeder im Netz die API benutzen.")


def check_serve(settings: Settings) -> None:
    """The rules for serving UI and API on `settings.host` (password and key off loopback)."""
    check_bind(settings.host, auth_of(settings))
    check_api_bind(settings.host, settings.api_key)


def build_server(settings: Settings, pipeline: Pipeline) -> FastAPI:
    """One ASGI app: the API under /v1 and /health, the UI at "/"; one Admission for both."""
    admission = Admission.from_settings(settings)
    server = FastAPI(title="Nachrichten-Fragen", docs_url=None, redoc_url=None, openapi_url=None)
    install_api(server, pipeline, settings, admission)
    blocks = build_app(pipeline, settings, admission=admission)
    server.state.ui = blocks  # closed first on shutdown: ends the UI's open event streams
    server.state.admission = admission  # the queues, for a look from outside (tests)
    server = gr.mount_gradio_app(server, blocks, path="/", auth=auth_of(settings), auth_message=AUTH_MESSAGE,
                                 theme=THEME, css=CSS, footer_links=[], show_error=False, ssr_mode=False,
                                 mcp_server=False, server_name=settings.host, server_port=settings.port)
    server.add_middleware(Guard, settings=settings)
    origins = settings.cors_origin_list
    if origins:  # outermost: preflights and refusals carry the CORS headers too
        from fastapi.middleware.cors import CORSMiddleware

        server.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "OPTIONS"],
                              allow_headers=["Authorization", "Content-Type"], allow_credentials=False, max_age=600)
    return server


class Server:
    """uvicorn serving an ASGI app in a background thread, on a socket bound in the constructor."""

    def __init__(self, app, host: str, port: int) -> None:
        import uvicorn

        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        self._socket = socket.socket(family, kind, proto)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._socket.bind(address)  # OSError: port taken, address not available
        except OSError:
            self._socket.close()
            raise
        config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on")
        self._server = uvicorn.Server(config)
        self._ui = getattr(getattr(app, "state", None), "ui", None)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]},
                                        name="qa-serve", daemon=True)
        self.url = f"http://{host}:{port}/"

    def start(self) -> "Server":
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.close()
                raise OSError(f"the server on {self.url} did not start")
            time.sleep(0.05)
        return self

    def block_thread(self) -> None:
        """Wait until the server stops; Ctrl+C stops it."""
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            self.close()

    def close(self) -> None:
        loop = self._server.servers[0].get_loop() if self._server.servers else None
        if self._ui is not None and loop is not None and loop.is_running():
            # in the server's loop: the UI's stop event wakes its open heartbeat streams from there only
            loop.call_soon_threadsafe(self._ui.close, False)
        self._server.should_exit = True  # stops listening at once; open UI streams end within ~10 s
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=SHUTDOWN_WAIT_S)  # then left to finish (a daemon thread)


def launch(settings: Settings, *, pipeline: Pipeline | None = None, block: bool = True) -> Server:
    """Serve UI and API on `settings.host:settings.port` (never a public share link).

    With block=False the server runs in a background thread; call `.close()` on the result."""
    check_serve(settings)
    server = Server(build_server(settings, pipeline or Pipeline(settings)), settings.host, settings.port).start()
    logger.info("serving UI and API on %s", server.url)
    if block:
        server.block_thread()
    return server
