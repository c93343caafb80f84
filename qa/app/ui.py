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

Not handled: several articles side by side; chats of two open tabs are not merged
(the tab that stores last wins).
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
from qa.answer.base import Streamed  # noqa: E402
from qa.app.forms import (Exchange, SavedChats, article_choices, chat_messages, history,  # noqa: E402
                          linked_passage, resolve_link, validate_form)
from qa.app.gate import QUEUED, WAITING, Admission, BusyError, gated_stream  # noqa: E402
from qa.app.rendering import (TITLE, conversation_markdown, corpus_html, header_html, md_escape,  # noqa: E402
                              problem_html, sources_html, status_html)
from qa.config import Settings  # noqa: E402
from qa.errors import QAError  # noqa: E402
from qa.filters import make_filters  # noqa: E402
from qa.pipeline import Pipeline, clean_question  # noqa: E402

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
INSPECTOR_EMPTY = (
    "<div class='qa-empty'><strong>Artikelansicht</strong><ul>"
    "<li>Antworten stammen nur aus den Artikeln im Korpus; jede Aussage ist mit einer Quellenangabe "
    "wie <span class='qa-chip'>[1]</span> belegt.</li>"
    "<li>Ein Klick auf die Quellenangabe zeigt hier den Artikel mit der zitierten Stelle.</li>"
    "<li><em>Quellen</em> listet die gefundenen Textstellen mit Rang und Score, <em>Korpus</em> alle Artikel.</li>"
    "</ul></div>")
SOURCES_EMPTY = "<div class='qa-empty'>Nach einer Frage stehen hier die gefundenen Textstellen.</div>"
PANEL_BAR = ("<div class='qa-panel-bar'><button type='button' class='qa-panel-close'>← Zurück zum Gespräch"
             "</button></div>")  # shown only when the side panel lies over the chat (narrow screens)
SEARCHING = "<div class='qa-status'><span class='qa-muted'>Suche läuft …</span></div>"
STORAGE_KEY = "qa-gespraeche-v1"
# BrowserState encrypts in the browser with a key the page itself carries, so it is no secret; a
# fixed one keeps the stored chats readable after a restart of the server (a random one would not).
STORAGE_OBFUSCATION = "qa-de-gespraeche"
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


def wire(app: gr.Blocks, c: SimpleNamespace, h: "Handlers", limit: int = CONCURRENCY) -> None:
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


def busy_markdown(exc: BusyError) -> str:
    """The bubble of a question refused because too many are asked at once (escaped, in italics)."""
    return f"*{md_escape(str(exc))}*"


def pick_example(evt: gr.SelectData):
    return evt.value["text"]


class Handlers:
    """What the events do, for one app: the pipeline, its settings, the queues and the components."""

    def __init__(self, pipeline: Pipeline, settings: Settings, admission: Admission, c: SimpleNamespace) -> None:
        self.pipeline, self.settings, self.admission, self.c = pipeline, settings, admission, c

    def load(self, saved, request: gr.Request):
        """A page load: the corpus, a linked passage (?artikel=…), and the chat this browser showed last."""
        c, shown = self.c, {}
        try:
            records = self.pipeline.articles()
            shown.update({c.header: header_html(self.settings, records),
                          c.sources_filter: gr.update(choices=article_choices(records)), c.corpus: corpus_html(records)})
        except Exception as exc:
            notify(exc)
        store = SavedChats.read(saved)
        shown.update(self.show_chat(store, store.current))
        try:  # a link from the API: ?artikel=<file>&von=<start>&bis=<end>
            linked = linked_passage(self.pipeline, request.query_params)
        except Exception as exc:
            notify(exc)
            linked = None
        if linked is not None:
            shown[c.inspector] = linked
        return shown

    def show_chat(self, store: SavedChats, chat_id: str | None) -> dict:
        """The updates that show one kept chat (None: a new, empty one) and mark it current."""
        c = self.c
        past = store.exchanges(chat_id)
        chat_id = chat_id if past else None
        store = store.select(chat_id)
        last = past[-1].answer if past else None
        return {c.exchanges: past, c.chat_id: chat_id, c.saved: store.plain(), c.chatbot: chat_messages(past),
                c.status: status_html(last) if last else "",
                c.sources: sources_html(last, len(past) - 1) if last else SOURCES_EMPTY,
                c.export: conversation_markdown(past), c.inspector: INSPECTOR_EMPTY,
                c.drop_time: gr.update(visible=last is not None and last.question_time is not None),
                **self._chat_list(store)}

    def _chat_list(self, store: SavedChats) -> dict:
        c, count = self.c, len(store.chats)
        return {c.chats: gr.update(choices=store.choices(), value=store.current),
                c.chats_box: gr.update(label=f"Gespräche ({count})" if count else "Gespräche")}

    def check(self, frage, past, artikel, von, bis, verfahren=None, zeit=True):
        """Runs before `ask`: a German message under the field at fault, no request."""
        problems = validate_form(self.settings, frage, artikel, von, bis)
        return [gr.validate(p is None, p or "") for p in (problems[0], None, *problems[1:], None, None)]

    def ask(self, frage, past, artikel, von, bis, verfahren=None, zeit=True):
        """Answer one question of this session, streaming; parameters are the API's names
        (`zeit`: prefer the time the question names)."""
        try:
            text = clean_question(frage, self.settings.max_question_chars)
            filters = make_filters(artikel, von, bis, zeit)
        except QAError as exc:
            notify(exc)
            return
        yield from self._answer(text, tuple(past), filters, verfahren, box=True)

    def _answer(self, text, past, filters, verfahren, box: bool, restore=None):
        """Ask `text` after the exchanges `past` and show it; `box`: the question came from the
        question box (emptied while answering, given back when answering fails); `restore`: the
        exchanges to show again when answering fails (default `past`)."""
        c = self.c
        pending = {c.chatbot: chat_messages(past, (text, "*Suche in den Artikeln …*")), c.status: SEARCHING}
        yield pending | ({c.question: ""} if box else {})
        try:
            answer = yield from self._stream(text, past, filters, verfahren)
        except BusyError as exc:  # too many questions at once: said in the answer's bubble, the question kept
            kept = past if restore is None else restore
            yield ({c.exchanges: kept, c.chatbot: chat_messages(kept, (text, busy_markdown(exc))), c.status: ""}
                   | ({c.question: text} if box else {}))
            return
        except Exception as exc:  # every other failure becomes a German toast; the question is kept
            notify(exc)
            kept = past if restore is None else restore
            yield {c.exchanges: kept, c.chatbot: chat_messages(kept), c.status: ""} | ({c.question: text} if box else {})
            return
        past = tuple(past) + (Exchange(text, answer),)
        yield {c.exchanges: past, c.chatbot: chat_messages(past), c.status: status_html(answer, filters),
               c.sources: sources_html(answer, len(past) - 1), c.export: conversation_markdown(past)}

    def _stream(self, text, past, filters, verfahren):
        """Yield the UI updates while the answer streams; return the final Answer."""
        c = self.c
        chosen = verfahren if verfahren in ANSWERERS else None
        stream = Streamed(gated_stream(self.pipeline, self.admission.llm, text, history(past), filters, chosen,
                                       lane=self.admission.ui))
        for event in stream:
            if event is WAITING:
                yield {c.status: "<div class='qa-status'><span class='qa-muted'>Das Sprachmodell beantwortet "
                                 "gerade andere Fragen – Ihre Frage wartet …</span></div>"}
            elif event is QUEUED:
                yield {c.status: "<div class='qa-status'><span class='qa-muted'>Viele Fragen gleichzeitig – "
                                 "Ihre Frage ist gleich an der Reihe …</span></div>"}
            else:
                yield {c.chatbot: chat_messages(past, (text, md_escape(stream.text) + " ▍"))}
        return stream.answer

    def retry(self, past, artikel, von, bis, verfahren=None, zeit=True):
        """"Erneut beantworten" under the last answer: its question once more, in its place."""
        if not past:
            return
        yield from self._redo(past[-1].question, tuple(past[:-1]), artikel, von, bis, verfahren, zeit,
                              restore=tuple(past))

    def edit(self, past, artikel, von, bis, verfahren, zeit, evt: gr.EditData):
        """A question edited in the chat: asked anew in its place; the exchanges after it are dropped."""
        index = evt.index if isinstance(evt.index, int) else -1
        if not past or not 0 <= index < 2 * len(past) or index % 2:
            yield {self.c.chatbot: chat_messages(past or ())}  # not a question of this chat: shown as it was
            return
        yield from self._redo(str(evt.value), tuple(past[:index // 2]), artikel, von, bis, verfahren, zeit,
                              restore=tuple(past))

    def _redo(self, frage, before, artikel, von, bis, verfahren, zeit, restore=None):
        try:
            text = clean_question(frage, self.settings.max_question_chars)
            filters = make_filters(artikel, von, bis, zeit)
        except QAError as exc:
            notify(exc)
            yield {self.c.chatbot: chat_messages(restore if restore is not None else before)}
            return
        yield from self._answer(text, before, filters, verfahren, box=False, restore=restore)

    def after_answer(self, past, chat_id, saved):
        """After every answer: keep the chat in the browser; "Ohne Zeitangabe erneut fragen" only
        under an answer that used the question's time."""
        c = self.c
        chat_id, store = SavedChats.read(saved).store(chat_id, past or ())
        return {c.drop_time: gr.update(visible=bool(past) and past[-1].answer.question_time is not None),
                c.chat_id: chat_id, c.saved: store.plain(), **self._chat_list(store)}

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
            shown[c.sources] = sources_html(past[index].answer, index)
        return shown

    def open_chat(self, chosen, saved):
        """A chat picked from the list of chats kept in this browser."""
        return self.show_chat(SavedChats.read(saved), chosen)

    def new_chat(self, saved):
        """"Neues Gespräch": an empty chat; the one shown stays in the list."""
        return self.show_chat(SavedChats.read(saved), None) | {self.c.question: ""}

    def delete_chat(self, chat_id, saved):
        """The chat's bin icon: the chat shown is deleted, also from the list."""
        return self.show_chat(SavedChats.read(saved).delete(chat_id), None)
