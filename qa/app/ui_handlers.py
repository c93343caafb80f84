"""What the events of the browser UI do: asking (streamed, through the queues), regenerating and
editing a question, citation clicks, page load, and the chats kept in the browser.

`Handlers` holds the pipeline, its settings, the queues (qa.app.gate.Admission) and the
components that qa.app.ui built; each method is one event's function and returns the updates of
those components. A failure becomes a German toast (`notify`) or a message in the answer's
bubble, never a traceback. It does not build the layout or connect events to components
(qa.app.ui), keep session state or check forms (qa.app.forms), or write HTML (qa.app.rendering).
"""
from __future__ import annotations

import html
import logging
import os
from types import SimpleNamespace

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported anywhere

import gradio as gr  # noqa: E402

from qa.answer import ANSWERERS  # noqa: E402
from qa.answer.base import Streamed  # noqa: E402
from qa.app.forms import (Exchange, SavedChats, article_choices, chat_messages, history,  # noqa: E402
                          linked_passage, resolve_link, validate_form)
from qa.app.gate import QUEUED, WAITING, Admission, BusyError, gated_stream  # noqa: E402
from qa.app.rendering import (conversation_markdown, corpus_html, header_html, md_escape,  # noqa: E402
                              problem_html, sources_html, status_html)
from qa.config import Settings  # noqa: E402
from qa.errors import QAError  # noqa: E402
from qa.filters import make_filters  # noqa: E402
from qa.pipeline import Pipeline, clean_question  # noqa: E402

logger = logging.getLogger(__name__)

INSPECTOR_EMPTY = (
    "<div class='qa-empty'><strong>Artikelansicht</strong><ul>"
    "<li>Antworten stammen nur aus den Artikeln im Korpus; jede Aussage ist mit einer Quellenangabe "
    "wie <span class='qa-chip'>[1]</span> belegt.</li>"
    "<li>Ein Klick auf die Quellenangabe zeigt hier den Artikel mit der zitierten Stelle.</li>"
    "<li><em>Quellen</em> listet die gefundenen Textstellen mit Rang und Score, <em>Korpus</em> alle Artikel.</li>"
    "</ul></div>")
SOURCES_EMPTY = "<div class='qa-empty'>Nach einer Frage stehen hier die gefundenen Textstellen.</div>"
SEARCHING = "<div class='qa-status'><span class='qa-muted'>Suche läuft …</span></div>"


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
