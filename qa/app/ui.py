"""The browser UI: a German chat over the corpus with clickable citations.

`build_app(pipeline, settings)` returns the Gradio Blocks without launching
them (tests mount or launch them themselves); `qa.app.serve` serves them on
127.0.0.1 with analytics and share links off. Styles and the browser-side code
are files in `static/`; session state and form checks are `qa.app.forms`.

How a citation click travels: the answer's markers are Markdown links
`[1](#zitat-<exchange>-<number>)`. A capture-phase click listener, installed by
the inspector's `js_on_load`, cancels the navigation and fires the inspector's
`click` event with the link's fragment. Python resolves the fragment against the
session's own answers (gr.State), so only the pipeline's citations, and through
`Pipeline.article` only corpus files, can ever be shown. The inspector then
re-renders with the cited span wrapped in <mark> and `watch` scrolls it into view
inside the panel (never the page). On a narrow screen the panel opens over the
chat and closes back to the same place ("Zurück zum Gespräch").

Chats are kept in the browser (gr.BrowserState, local storage): after every answer the
chat is stored, a reload shows it again, and "Gespräche" lists the earlier ones. The last
answer can be regenerated and any question edited (the exchanges after it are dropped).

Here: the layout (`layout`, its components by name) and which event runs what (`wire`); what
the events do is `qa.app.ui_handlers.Handlers`. Not handled: several articles side by side;
chats of two open tabs are not merged (the tab that stores last wins).
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported anywhere

import gradio as gr  # noqa: E402

from qa.answer import ANSWERERS  # noqa: E402
from qa.app.forms import SavedChats, article_choices  # noqa: E402
from qa.app.gate import Admission  # noqa: E402
from qa.app.rendering import TITLE, header_html  # noqa: E402
from qa.app.ui_handlers import INSPECTOR_EMPTY, SOURCES_EMPTY, Handlers, pick_example  # noqa: E402
from qa.config import Settings  # noqa: E402
from qa.errors import QAError  # noqa: E402
from qa.pipeline import Pipeline  # noqa: E402

logger = logging.getLogger(__name__)

EXAMPLES = (
    "Seit wann läuft der aktuelle Irak-Einsatz der NATO?",
    "Wer ist der neue EU-Außenbeauftragte?",
    "Wie viele Soldaten umfasst die Ausbildungsmission der Nato im Irak bisher?",
)
CONCURRENCY = 16  # questions in progress at once (all ask events share it), at least; the pipeline is
# thread-safe. Extractive questions then pass the UI's lane (qa.app.gate.Lane: two answering, QA_MAX_QUEUE
# waiting, more refused with a message in the bubble), slow generative ones the Gate, so that waiting for
# the language model never uses up the places of extractive questions. The limit leaves room for all of
# them (`asking_limit`), so that the lanes, not Gradio's unbounded queue, decide who waits.
PANEL_BAR = ("<div class='qa-panel-bar'><button type='button' class='qa-panel-close'>← Zurück zum Gespräch"
             "</button></div>")  # shown only when the side panel lies over the chat (narrow screens)
STORAGE_KEY = "qa-gespraeche-v1"
# BrowserState encrypts in the browser with a key the page itself carries, so it is no secret; a
# fixed one keeps the stored chats readable after a restart of the server (a random one would not).
STORAGE_OBFUSCATION = "qa-de-gespraeche"
STATIC = Path(__file__).parent / "static"


def _initial_choices(pipeline: Pipeline) -> list[tuple[str, str]]:
    """Article choices when the app is built; each page load refreshes them."""
    try:
        return article_choices(pipeline.articles())
    except QAError as exc:
        logger.warning("Noch keine Artikelliste für den Filter: %s", exc)
        return []


# -- the app --------------------------------------------------------------------------------

_BRIDGE_JS = (STATIC / "bridge.js").read_text(encoding="utf-8")
_CHAT_HEIGHT = 520  # px; the stylesheet fits the chat to the window (qa.css)


def build_app(pipeline: Pipeline, settings: Settings, admission: Admission | None = None) -> gr.Blocks:
    """The Blocks of the UI (not launched). Per-session state lives in gr.State; `admission` holds
    the queues (the Gate for generative answers shared with the API when both are served, the UI's lane)."""
    admission = admission or Admission.from_settings(settings)
    limit = asking_limit(admission)
    with gr.Blocks(title=TITLE, analytics_enabled=False, fill_width=True) as app:
        c = layout(pipeline, settings)
        wire(app, c, Handlers(pipeline, settings, admission, c), limit)
    # the UI's own threads (Gradio's default of exactly 40 means anyio's pool, which the API's formatting
    # and streaming use too): waiting questions of the UI then never take the API's threads, nor the reverse
    app.max_threads = max(41, limit + 8)
    app.queue(default_concurrency_limit=CONCURRENCY)
    return app


def asking_limit(admission: Admission) -> int:
    """Ask events at once: every place of the UI's lane and of the Gate, at least CONCURRENCY."""
    lane, gate = admission.ui, admission.llm
    return max(CONCURRENCY, lane.parallel + lane.waiting + gate.parallel + gate.waiting)


def layout(pipeline: Pipeline, settings: Settings) -> SimpleNamespace:
    """The components, inside the Blocks being built; returned by name."""
    c = SimpleNamespace(exchanges=gr.State(()),  # tuple[Exchange, ...] of the chat shown in this session
                        chat_id=gr.State(None),  # its id among the chats kept in the browser (None: not kept yet)
                        saved=gr.BrowserState(SavedChats().plain(), storage_key=STORAGE_KEY,
                                              secret=STORAGE_OBFUSCATION))
    c.header = gr.HTML(header_html(settings), js_on_load=None, elem_id="qa-header", padding=False)
    with gr.Row(equal_height=False, elem_id="qa-main"):
        with gr.Column(scale=7, min_width=300, elem_id="qa-chat-col"):
            _chat_column(c, pipeline, settings)
        with gr.Column(scale=5, min_width=300, elem_id="qa-side"):
            _side_column(c)
    return c


def _chat_column(c: SimpleNamespace, pipeline: Pipeline, settings: Settings) -> None:
    with gr.Row(elem_id="qa-chat-bar", equal_height=False):
        with gr.Accordion("Gespräche", open=False, elem_id="qa-chats-box") as c.chats_box:
            c.chats = gr.Radio([], value=None, label="Gespräche in diesem Browser", show_label=False,
                               elem_id="qa-chats", container=False)
        c.new_chat = gr.Button("Neues Gespräch", variant="secondary", size="sm", scale=0,
                               min_width=130, elem_id="qa-new")
    c.chatbot = gr.Chatbot(
        label="Gespräch", show_label=False, height=_CHAT_HEIGHT, elem_id="qa-chat", buttons=["copy"],
        latex_delimiters=[], feedback_options=None, layout="bubble", editable="user",
        placeholder=("<div class='qa-welcome'><h3>Willkommen!</h3>Stellen Sie eine Frage zu den "
                     "Nachrichtenartikeln – oder beginnen Sie mit einem Beispiel.</div>"),
        examples=[{"text": q} for q in EXAMPLES])
    with gr.Row(elem_id="qa-status-row"):
        c.status = gr.HTML("", js_on_load=None, elem_id="qa-status", scale=5)
        c.drop_time = gr.Button("Ohne Zeitangabe erneut fragen", variant="secondary", size="sm",
                                scale=0, min_width=200, visible=False, elem_id="qa-drop-time")
    with gr.Row(elem_id="qa-ask-row"):
        c.question = gr.Textbox(show_label=False, label="Frage", scale=8, lines=1, max_lines=4, min_width=160,
                                placeholder="Ihre Frage zu den Artikeln …",
                                elem_id="qa-question", autofocus=True)
        c.send = gr.Button("Fragen", variant="primary", scale=1, min_width=90, elem_id="qa-send")
    with gr.Accordion("Filter: Artikel und Zeitraum", open=False, elem_id="qa-filters"):
        c.sources_filter = gr.Dropdown(label="Nur in diesen Artikeln suchen", multiselect=True,
                                       choices=_initial_choices(pipeline),
                                       info="Leer lassen, um alle Artikel zu durchsuchen.")
        with gr.Row():
            c.date_from = gr.Textbox(label="Von (Datum)", placeholder="JJJJ-MM-TT", max_lines=1, min_width=140)
            c.date_to = gr.Textbox(label="Bis (Datum)", placeholder="JJJJ-MM-TT", max_lines=1, min_width=140)
        c.use_time = gr.Checkbox(value=True, label="Zeitangabe der Frage beachten", elem_id="qa-use-time",
                                 info="„im Februar 2020“, „2016“, „vor 2020“, „neueste“: Artikel aus "
                                      "dieser Zeit zuerst, andere nicht ausgeschlossen.")
        usable = [(spec.label, name) for name, spec in ANSWERERS.items() if spec.available(settings)]
        c.method = gr.Radio(usable, value=pipeline.answerer_name(), label="Antwortverfahren",
                            visible=len(usable) > 1, elem_id="qa-method",
                            info="Das Sprachmodell formuliert frei; jede Aussage wird gegen die "
                                 "zitierte Stelle geprüft.")


def _side_column(c: SimpleNamespace) -> None:
    gr.HTML(PANEL_BAR, js_on_load=None, elem_id="qa-panel-bar", padding=False)
    with gr.Tabs(elem_id="qa-tabs") as c.tabs:
        with gr.Tab("Artikel", id="artikel"):
            c.inspector = gr.HTML(INSPECTOR_EMPTY, js_on_load=_BRIDGE_JS, elem_id="qa-inspector")
        with gr.Tab("Quellen", id="quellen"):
            c.sources = gr.HTML(SOURCES_EMPTY, js_on_load=None, elem_id="qa-sources")
        with gr.Tab("Als Markdown", id="markdown"):
            c.export = gr.Code("", language="markdown", label="Gespräch mit Quellen (Markdown)",
                               interactive=False, wrap_lines=True, elem_id="qa-export")
        with gr.Tab("Korpus", id="korpus"):
            c.corpus = gr.HTML("", js_on_load=None, elem_id="qa-corpus")


def wire(app: gr.Blocks, c: SimpleNamespace, h: Handlers, limit: int = CONCURRENCY) -> None:
    """The events: asking (the API's "/frage" too), regenerating and editing, citation clicks,
    page load, the chats kept in the browser."""
    private = {"api_visibility": "private"}
    ask_inputs = [c.question, c.exchanges, c.sources_filter, c.date_from, c.date_to, c.method, c.use_time]
    ask_outputs = [c.exchanges, c.chatbot, c.question, c.status, c.sources, c.export]
    redo_inputs = [c.exchanges, c.sources_filter, c.date_from, c.date_to, c.method, c.use_time]
    after = {"fn": h.after_answer, "inputs": [c.exchanges, c.chat_id, c.saved],
             "outputs": [c.drop_time, c.chat_id, c.saved, c.chats, c.chats_box], "show_progress": "hidden", **private}
    shown = [c.exchanges, c.chat_id, c.saved, c.chatbot, c.status, c.sources, c.export, c.inspector, c.drop_time,
             c.chats, c.chats_box]  # what switching to another chat changes
    app.load(h.load, inputs=[c.saved], outputs=[c.header, c.sources_filter, c.corpus, *shown],
             show_progress="hidden", **private)
    asking = {"concurrency_limit": limit, "concurrency_id": "frage"}
    c.question.submit(h.ask, ask_inputs, ask_outputs, api_name="frage", validator=h.check, **asking).then(**after)
    c.send.click(h.ask, ask_inputs, ask_outputs, validator=h.check, **asking, **private).then(**after)
    c.chatbot.example_select(pick_example, None, c.question, **private).then(
        h.ask, ask_inputs, ask_outputs, **asking, **private).then(**after)
    c.chatbot.retry(h.retry, redo_inputs, ask_outputs, **asking, **private).then(**after)
    c.chatbot.edit(h.edit, redo_inputs, ask_outputs, **asking, **private).then(**after)
    c.drop_time.click(h.ask_without_time, [c.exchanges, c.sources_filter, c.date_from, c.date_to, c.method],
                      ask_outputs, **asking, **private).then(**after)
    c.inspector.click(h.open_link, [c.exchanges], [c.inspector, c.tabs, c.sources], **private)
    c.chats.input(h.open_chat, [c.chats, c.saved], shown, show_progress="hidden", **private)
    c.new_chat.click(h.new_chat, [c.saved], [*shown, c.question], show_progress="hidden", **private)
    c.chatbot.clear(h.delete_chat, [c.chat_id, c.saved], shown, show_progress="hidden", **private)
