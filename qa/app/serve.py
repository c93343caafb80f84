"""`qa serve`: build or update the index, then serve the UI on 127.0.0.1 (no share link,
analytics off). Off loopback a password is required (`QA_UI_PASSWORD`).
"""
from __future__ import annotations

import ipaddress
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported anywhere

import gradio as gr  # noqa: E402

from qa.app.ui import STATIC, build_app  # noqa: E402
from qa.config import Settings  # noqa: E402
from qa.errors import SettingsError  # noqa: E402
from qa.pipeline import Pipeline  # noqa: E402

THEME = gr.themes.Soft(primary_hue="indigo", secondary_hue="amber", neutral_hue="slate",
                       font=["Inter", "ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "sans-serif"],
                       font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"])
CSS = (STATIC / "qa.css").read_text(encoding="utf-8")


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


def launch(settings: Settings, *, pipeline: Pipeline | None = None, block: bool = True) -> gr.Blocks:
    """Serve the UI on `settings.host:settings.port` (never a public share link).

    With block=False the server runs in a background thread; call `.close()` on the result."""
    auth = auth_of(settings)
    check_bind(settings.host, auth)
    app = build_app(pipeline or Pipeline(settings), settings)
    app.launch(server_name=settings.host, server_port=settings.port, auth=auth, share=False,
               prevent_thread_lock=not block, theme=THEME, css=CSS, footer_links=[], quiet=True,
               show_error=False, auth_message="Bitte melden Sie sich mit Benutzername und Passwort an.")
    return app
