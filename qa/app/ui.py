"""The browser UI: a German chat over the corpus with clickable citations.

`build_app(pipeline, settings)` returns the Gradio Blocks without launching
them (tests mount or launch them themselves); `qa.app.serve` serves them on
127.0.0.1 with analytics and share links off. Styles and the link bridge are
files in `static/`; session state and form checks are `qa.app.forms`.

How a citation click travels: the answer's markers are Markdown links
`[1](#zitat-<exchange>-<number>)`. A capture-phase click listener, installed by
the inspector's `js_on_load`, cancels the navigation and fires the inspector's
`click` event with the link's fragment. Python resolves the fragment against the
session's own answers (gr.State), so only the pipeline's citations, and through
`Pipeline.article` only corpus files, can ever be shown. The inspector then
re-renders with the cited span wrapped in <mark> and `watch` scrolls it into view.

Not handled: editing or retrying earlier messages; several articles side by side.
"""
from __future__ import annotations

import html
import logging
import os
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported anywhere

import gradio as gr  # noqa: E402

from qa.answer import ANSWERERS  # noqa: E402
from qa.app.forms import (Exchange, article_choices, chat_messages, history, linked_passage,  # noqa: E402
                          make_filters, resolve_link, validate_form)
from qa.app.gate import WAITING, Gate, gated_stream  # noqa: E402
from qa.app.rendering import (TITLE, answer_markdown, corpus_html, header_html, md_escape,  # noqa: E402
                              problem_html, sources_html, status_html)
from qa.config import Settings  # noqa: E402
from qa.errors import QAError  # noqa: E402
from qa.pipeline import Pipeline, clean_question  # noqa: E402
from qa.records import Answer  # noqa: E402

logger = logging.getLogger(__name__)

EXAMPLES = (
    "Seit wann läuft der aktuelle Irak-Einsatz der NATO?",
    "Wer ist der neue EU-Außenbeauftragte?",
    "Wie viele Soldaten umfasst die Ausbildungsmission der Nato im Irak bisher?",
)
CONCURRENCY = 16  # questions in progress at once (all ask events share it); the pipeline is thread-safe
# and extractive answers take milliseconds; slow generative answers also pass the Gate (qa.app.gate),
# so that waiting for the language model never uses up the slots of extractive questions
INSPECTOR_EMPTY = (
    "<div class='qa-empty'><strong>Artikelansicht</strong><ul>"
    "<li>Antworten stammen nur aus den Artikeln im Korpus; jede Aussage ist mit einer Quellenangabe "
    "wie <span class='qa-chip'>[1]</span> belegt.</li>"
    "<li>Ein Klick auf die Quellenangabe zeigt hier den Artikel mit der zitierten Stelle.</li>"
    "<li><em>Quellen</em> listet die gefundenen Textstellen mit Rang und Score, <em>Korpus</em> alle Artikel.</li>"
    "</ul></div>")
SOURCES_EMPTY = "<div class='qa-empty'>Nach einer Frage stehen hier die gefundenen Textstellen.</div>"
STATIC = Path(__file__).parent / "static"


def notify(exc: Exception) -> None:
    """A German toast instead of a traceback; messages are escaped (Gradio renders them as HTML).

    gr.Warning rather than raising gr.Error: a raised error also paints every output
    component with an error badge and blanks the chat (Gradio 6.31). Toast titles are
    fixed English type names in 6.31 whatever `title` says; CSS shows German ones."""
    gr.Warning(html.escape(user_message(exc)), title="Fehler", duration=15)


def user_message(exc: Exception) -> str:
    """The German message for a failure; an unexpected one is logged with its traceback."""
    if isinstance(exc, QAError):
        return str(exc)
    logger.error("Unerwarteter Fehler in der Oberfläche", exc_info=exc)
    return "Ein unerwarteter Fehler ist aufgetreten. Details stehen im Protokoll des Servers."


def _initial_choices(pipeline: Pipeline) -> list[tuple[str, str]]:
    """Article choices when the app is built; each page load refreshes them."""
    try:
        return article_choices(pipeline.articles())
    except QAError as exc:
        logger.warning("Noch keine Artikelliste für den Filter: %s", exc)
        return []


# -- the app --------------------------------------------------------------------------------

_BRIDGE_JS = (STATIC / "bridge.js").read_text(encoding="utf-8")


def build_app(pipeline: Pipeline, settings: Settings, gate: Gate | None = None) -> gr.Blocks:
    """The Blocks of the UI (not launched). Per-session state lives in gr.State; `gate` limits
    generative answers (shared with the API when both are served)."""
    with gr.Blocks(title=TITLE, analytics_enabled=False, fill_width=True) as app:
        c = layout(pipeline, settings)
        wire(app, c, Handlers(pipeline, settings, gate or Gate.from_settings(settings), c))
    app.queue(default_concurrency_limit=CONCURRENCY)
    return app


def layout(pipeline: Pipeline, settings: Settings) -> SimpleNamespace:
    """The components, inside the Blocks being built; returned by name."""
    c = SimpleNamespace(exchanges=gr.State(()))  # tuple[Exchange, ...] of this browser session
    c.header = gr.HTML(header_html(settings), js_on_load=None, elem_id="qa-header")
    with gr.Row(equal_height=False, elem_id="qa-main"):
        with gr.Column(scale=7, min_width=420):
            _chat_column(c, pipeline, settings)
        with gr.Column(scale=5, min_width=360, elem_id="qa-side"):
            _side_column(c)
    return c


def _chat_column(c: SimpleNamespace, pipeline: Pipeline, settings: Settings) -> None:
    c.chatbot = gr.Chatbot(
        label="Gespräch", show_label=False, height=540, elem_id="qa-chat", buttons=["copy"],
        latex_delimiters=[], feedback_options=None, layout="bubble",
        placeholder=("<div class='qa-welcome'><h3>Willkommen!</h3>Stellen Sie eine Frage zu den "
                     "Nachrichtenartikeln – oder beginnen Sie mit einem Beispiel.</div>"),
        examples=[{"text": q} for q in EXAMPLES])
    with gr.Row(elem_id="qa-status-row"):
        c.status = gr.HTML("", js_on_load=None, elem_id="qa-status", scale=5)
        c.drop_time = gr.Button("Ohne Zeitangabe erneut fragen", variant="secondary", size="sm",
                                scale=0, min_width=200, visible=False, elem_id="qa-drop-time")
        c.new_chat = gr.Button("Neues Gespräch", variant="secondary", size="sm", scale=0,
                               min_width=140, elem_id="qa-new")
    with gr.Row(elem_id="qa-ask-row"):
        c.question = gr.Textbox(show_label=False, label="Frage", scale=8, lines=1, max_lines=4,
                                placeholder="Ihre Frage zu den Artikeln, z. B. „Wer ist der neue EU-Außenbeauftragte?“",
                                elem_id="qa-question", autofocus=True)
        c.send = gr.Button("Fragen", variant="primary", scale=1, min_width=100, elem_id="qa-send")
    with gr.Accordion("Filter: Artikel und Zeitraum", open=False, elem_id="qa-filters"):
        c.sources_filter = gr.Dropdown(label="Nur in diesen Artikeln suchen", multiselect=True,
                                       choices=_initial_choices(pipeline),
                                       info="Leer lassen, um alle Artikel zu durchsuchen.")
        with gr.Row():
            c.date_from = gr.Textbox(label="Von (Datum)", placeholder="JJJJ-MM-TT", max_lines=1)
            c.date_to = gr.Textbox(label="Bis (Datum)", placeholder="JJJJ-MM-TT", max_lines=1)
        c.use_time = gr.Checkbox(value=True, label="Zeitangabe der Frage beachten", elem_id="qa-use-time",
                                 info="„im Februar 2020“, „2016“, „vor 2020“, „neueste“: Artikel aus "
                                      "dieser Zeit zuerst, andere nicht ausgeschlossen.")
        usable = [(spec.label, name) for name, spec in ANSWERERS.items() if spec.available(settings)]
        c.method = gr.Radio(usable, value=pipeline.answerer_name(), label="Antwortverfahren",
                            visible=len(usable) > 1, elem_id="qa-method",
                            info="Das Sprachmodell formuliert frei; jede Aussage wird gegen die "
                                 "zitierte Stelle geprüft.")


def _side_column(c: SimpleNamespace) -> None:
    with gr.Tabs(elem_id="qa-tabs") as c.tabs:
        with gr.Tab("Artikel", id="artikel"):
            c.inspector = gr.HTML(INSPECTOR_EMPTY, js_on_load=_BRIDGE_JS, elem_id="qa-inspector")
        with gr.Tab("Quellen", id="quellen"):
            c.sources = gr.HTML(SOURCES_EMPTY, js_on_load=None, elem_id="qa-sources")
        with gr.Tab("Als Markdown", id="markdown"):
            c.export = gr.Code("", language="markdown", label="Antwort mit Quellen (Markdown)",
                               interactive=False, wrap_lines=True, elem_id="qa-export")
        with gr.Tab("Korpus", id="korpus"):
            c.corpus = gr.HTML("", js_on_load=None, elem_id="qa-corpus")


def wire(app: gr.Blocks, c: SimpleNamespace, h: "Handlers") -> None:
    """The events: asking (the API's "/frage" too), citation clicks, page load, a new chat."""
    ask_inputs = [c.question, c.exchanges, c.sources_filter, c.date_from, c.date_to, c.method, c.use_time]
    ask_outputs = [c.exchanges, c.chatbot, c.question, c.status, c.sources, c.export]
    after = {"fn": h.time_button, "inputs": [c.exchanges], "outputs": [c.drop_time], "api_visibility": "private"}
    app.load(h.load, outputs=[c.header, c.sources_filter, c.corpus, c.inspector], api_visibility="private",
             show_progress="hidden")
    asking = {"concurrency_limit": CONCURRENCY, "concurrency_id": "frage"}
    c.question.submit(h.ask, ask_inputs, ask_outputs, api_name="frage", validator=h.check, **asking).then(**after)
    c.send.click(h.ask, ask_inputs, ask_outputs, api_visibility="private", validator=h.check, **asking).then(**after)
    c.chatbot.example_select(pick_example, None, c.question, api_visibility="private").then(
        h.ask, ask_inputs, ask_outputs, api_visibility="private", **asking).then(**after)
    c.drop_time.click(h.ask_without_time, [c.exchanges, c.sources_filter, c.date_from, c.date_to, c.method],
                      ask_outputs, api_visibility="private", **asking).then(**after)
    c.inspector.click(h.open_link, [c.exchanges], [c.inspector, c.tabs, c.sources, c.export], api_visibility="private")
    reset_outputs = [c.exchanges, c.chatbot, c.status, c.sources, c.export, c.inspector, c.question, c.drop_time]
    c.new_chat.click(h.reset, None, reset_outputs, api_visibility="private")
    c.chatbot.clear(h.reset, None, reset_outputs, api_visibility="private")


def pick_example(evt: gr.SelectData):
    return evt.value["text"]


class Handlers:
    """What the events do, for one app: the pipeline, its settings, the gate and the components."""

    def __init__(self, pipeline: Pipeline, settings: Settings, gate: Gate, c: SimpleNamespace) -> None:
        self.pipeline, self.settings, self.gate, self.c = pipeline, settings, gate, c

    def load(self, request: gr.Request):
        try:
            records = self.pipeline.articles()
        except Exception as exc:
            notify(exc)
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        try:  # a link from the API: ?artikel=<file>&von=<start>&bis=<end>
            linked = linked_passage(self.pipeline, request.query_params)
        except Exception as exc:
            notify(exc)
            linked = None
        return (header_html(self.settings, records), gr.update(choices=article_choices(records)),
                corpus_html(records), gr.skip() if linked is None else linked)

    def check(self, frage, past, artikel, von, bis, verfahren=None, zeit=True):
        """Runs before `ask`: a German message under the field at fault, no request."""
        problems = validate_form(self.settings, frage, artikel, von, bis)
        return [gr.validate(p is None, p or "") for p in (problems[0], None, *problems[1:], None, None)]

    def ask(self, frage, past, artikel, von, bis, verfahren=None, zeit=True):
        """Answer one question of this session, streaming; parameters are the API's names
        (`zeit`: prefer the time the question names)."""
        c = self.c
        try:
            text = clean_question(frage, self.settings.max_question_chars)
            filters = make_filters(artikel, von, bis, zeit)
        except QAError as exc:
            notify(exc)
            return
        yield {c.chatbot: chat_messages(past, (text, "*Suche in den Artikeln …*")), c.question: "",
               c.status: "<div class='qa-status'><span class='qa-muted'>Suche läuft …</span></div>"}
        try:
            answer = yield from self._stream(text, past, filters, verfahren)
        except Exception as exc:  # every failure becomes a German toast; the question is kept
            notify(exc)
            yield {c.chatbot: chat_messages(past), c.question: text, c.status: ""}
            return
        past = tuple(past) + (Exchange(text, answer),)
        index = len(past) - 1
        yield {c.exchanges: past, c.chatbot: chat_messages(past), c.status: status_html(answer, filters),
               c.sources: sources_html(answer, index), c.export: answer_markdown(text, answer)}

    def _stream(self, text, past, filters, verfahren):
        """Yield the UI updates while the answer streams; return the final Answer."""
        c, streamed, answer = self.c, "", None
        chosen = verfahren if verfahren in ANSWERERS else None
        for event in gated_stream(self.pipeline, self.gate, text, history(past), filters, chosen):
            if event is WAITING:
                yield {c.status: "<div class='qa-status'><span class='qa-muted'>Das Sprachmodell beantwortet "
                                 "gerade andere Fragen – Ihre Frage wartet …</span></div>"}
            elif isinstance(event, Answer):
                answer = event
            else:
                streamed += event
                yield {c.chatbot: chat_messages(past, (text, md_escape(streamed) + " ▍"))}
        if answer is None:
            raise RuntimeError("Pipeline.stream ended without an Answer")
        return answer

    def time_button(self, past):
        """"Ohne Zeitangabe erneut fragen" only under an answer that used the question's time."""
        return gr.update(visible=bool(past) and past[-1].answer.question_time is not None)

    def ask_without_time(self, past, artikel, von, bis, verfahren=None):
        """The last question once more, without the time it names (the user removed it)."""
        if not past:
            return
        yield from self.ask(past[-1].question, past, artikel, von, bis, verfahren, False)

    def open_link(self, past, evt: gr.EventData):
        """Show what a clicked citation, passage or corpus entry refers to."""
        c = self.c
        try:
            body, index = resolve_link(self.pipeline, past, str(evt._data.get("link", "")))
        except Exception as exc:  # the German message in the viewer (an empty dict is no value)
            return {c.inspector: problem_html(user_message(exc)), c.tabs: gr.Tabs(selected="artikel")}
        shown = {c.inspector: body, c.tabs: gr.Tabs(selected="artikel")}
        if index is not None:
            exchange = past[index]
            shown.update({c.sources: sources_html(exchange.answer, index),
                          c.export: answer_markdown(exchange.question, exchange.answer)})
        return shown

    def reset(self):
        c = self.c
        return {c.exchanges: (), c.chatbot: [], c.status: "", c.sources: SOURCES_EMPTY, c.export: "",
                c.inspector: INSPECTOR_EMPTY, c.question: "", c.drop_time: gr.update(visible=False)}
