"""`qa serve`'s rules for where it may listen, and the server's start and stop."""
from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from servers import free_port


@pytest.mark.parametrize("host, password, key, problem", [
    ("127.0.0.1", None, None, None),
    ("localhost", None, "k", None),
    ("0.0.0.0", "pw", "k", None),
    ("0.0.0.0", None, "k", "Passwort"),
    ("0.0.0.0", "pw", None, "API-Schlüssel"),
    ("192.168.1.5", "pw", None, "QA_API_KEY"),
])
def test_off_loopback_needs_a_password_and_a_key(host, password, key, problem):
    from qa.app.serve import check_serve
    from qa.config import Settings
    from qa.errors import SettingsError

    settings = Settings(host=host, ui_password=password, api_key=key)
    if problem is None:
        check_serve(settings)
    else:
        with pytest.raises(SettingsError, match=problem):
            check_serve(settings)


def test_cli_refuses_before_loading_anything(monkeypatch):
    from qa.cli import main

    monkeypatch.delenv("QA_API_KEY", raising=False)
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--password", "geheim"])
    assert result.exit_code == 1
    assert "API-Schlüssel" in result.output and "Traceback" not in result.output


def test_a_taken_port_is_an_oserror_for_the_caller():
    from qa.app.serve import Server

    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        with pytest.raises(OSError):
            Server(object(), "127.0.0.1", port)


def test_the_server_starts_and_stops():
    import httpx
    from fastapi import FastAPI

    from qa.app.serve import Server

    app = FastAPI()
    app.get("/ping")(lambda: {"ok": True})
    port = free_port()
    server = Server(app, "127.0.0.1", port).start()
    assert httpx.get(f"http://127.0.0.1:{port}/ping").json() == {"ok": True}
    server.close()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/ping", timeout=2)
