"""The browser UI: a German chat over the corpus with clickable citations.

`build_app(pipeline, settings)` returns the Gradio Blocks without launching
them (tests mount or launch them themselves); `launch(...)` serves them on
127.0.0.1 with analytics and share links off.

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
import ipaddress
import logging
import os
import re
from dataclasses import dataclass
from datetime import date
from typing import Sequence
from urllib.parse import unquote

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported anywhere

import gradio as gr  # noqa: E402

from qa.config import Settings  # noqa: E402
from qa.errors import QAError, QuestionError, SettingsError  # noqa: E402
from qa.generation import llm_installed  # noqa: E402
from qa.index import FileRecord  # noqa: E402
from qa.pipeline import Pipeline, clean_question  # noqa: E402
from qa.records import Answer, Filters, Turn  # noqa: E402
from qa.rendering import (TITLE, answer_markdown, answer_markdown_for_chat, article_html,  # noqa: E402
                          corpus_html, header_html, md_escape, sources_html, status_html)

logger = logging.getLogger(__name__)

EXAMPLES = (
    "Seit wann läuft der aktuelle Irak-Einsatz der NATO?",
    "Wer ist der neue EU-Außenbeauftragte?",
    "Wie viele Soldaten umfasst die Ausbildungsmission der Nato im Irak bisher?",
)
CONCURRENCY = 4  # questions answered at once; the pipeline is thread-safe, the CPU is the limit
INSPECTOR_EMPTY = (
    "<div class='qa-empty'><strong>Artikelansicht</strong><ul>"
    "<li>Antworten stammen nur aus den Artikeln im Korpus; jede Aussage ist mit einer Quellenangabe "
    "wie <span class='qa-chip'>[1]</span> belegt.</li>"
    "<li>Ein Klick auf die Quellenangabe zeigt hier den Artikel mit der zitierten Stelle.</li>"
    "<li><em>Quellen</em> listet die gefundenen Textstellen mit Rang und Score, <em>Korpus</em> alle Artikel.</li>"
    "</ul></div>")
STALE = ("Der Artikel wurde seit dem Einlesen geändert; die zitierte Stelle ist darin nicht mehr zu finden. "
         "Bitte den Index aktualisieren (`qa ingest`) und die Frage erneut stellen.")
SOURCES_EMPTY = "<div class='qa-empty'>Nach einer Frage stehen hier die gefundenen Textstellen.</div>"
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_LINK = re.compile(r"^(zitat|treffer)-(\d+)-(\d+)$|^artikel-(.+)$")
@dataclass(frozen=True)
class Exchange:
    """One question of a session and the pipeline's answer to it."""

    question: str
    answer: Answer


# -- session state ----------------------------------------------------------------------

def chat_messages(exchanges: Sequence[Exchange], pending: tuple[str, str] | None = None) -> list[dict]:
    """Chatbot messages for a session, plus an unfinished (question, markdown) pair."""
    messages = []
    for index, exchange in enumerate(exchanges):
        messages.append({"role": "user", "content": md_escape(exchange.question)})
        messages.append({"role": "assistant", "content": answer_markdown_for_chat(exchange.answer, index)})
    if pending is not None:
        messages.append({"role": "user", "content": md_escape(pending[0])})
        messages.append({"role": "assistant", "content": pending[1]})
    return messages


def history(exchanges: Sequence[Exchange]) -> list[Turn]:
    turns = []
    for exchange in exchanges:
        turns += [Turn("user", exchange.question), Turn("assistant", exchange.answer.text)]
    return turns


def article_choices(records: Sequence[FileRecord]) -> list[tuple[str, str]]:
    choices = []
    for r in records:
        details = ", ".join(x for x in (r.publisher, r.date) if x)
        choices.append((f"{r.title or r.source}" + (f" ({details})" if details else ""), r.source))
    return choices


def check_date(label: str, value: str | None) -> str | None:
    """An ISO date (or year, year-month) from a form field; QuestionError in German if malformed."""
    value = (value or "").strip() or None
    if value is None:
        return None
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        parts = [int(p) for p in value.split("-")]
        date(parts[0], *(parts[1:] + [1, 1])[:2])  # month and day exist
    except ValueError:
        raise QuestionError(f"„{value}“ im Feld „{label}“ ist kein Datum – bitte als JJJJ-MM-TT angeben.") from None
    return value


def make_filters(sources: Sequence[str] | None, date_from: str | None, date_to: str | None) -> Filters | None:
    """Filters from the form, or None when nothing is restricted."""
    start, end = check_date("Von", date_from), check_date("Bis", date_to)
    if start and end and start > end:
        raise QuestionError("Der Zeitraum ist leer: „Von“ liegt nach „Bis“.")
    filters = Filters(sources=tuple(sources or ()), date_from=start, date_to=end)
    return filters if filters.active else None


def _problem(check) -> str | None:
    """The German message of a failing check, or None."""
    try:
        check()
    except QAError as exc:
        return str(exc)
    return None


def validate_form(settings: Settings, text: str, chosen, date_from: str, date_to: str) -> list[str | None]:
    """One German message (or None) per form field: question, articles, from, to."""
    question = _problem(lambda: clean_question(text, settings.max_question_chars))
    start = _problem(lambda: check_date("Von", date_from))
    end = _problem(lambda: check_date("Bis", date_to))
    if not start and not end:
        end = _problem(lambda: make_filters(chosen, date_from, date_to))
    return [question, None, start, end]


def notify(exc: Exception) -> None:
    """A German toast instead of a traceback; messages are escaped (Gradio renders them as HTML).

    gr.Warning rather than raising gr.Error: a raised error also paints every output
    component with an error badge and blanks the chat (Gradio 6.31). Toast titles are
    fixed English type names in 6.31 whatever `title` says; CSS shows German ones."""
    if isinstance(exc, QAError):
        message = str(exc)
    else:
        logger.error("Unerwarteter Fehler in der Oberfläche", exc_info=exc)
        message = "Ein unerwarteter Fehler ist aufgetreten. Details stehen im Protokoll des Servers."
    gr.Warning(html.escape(message), title="Fehler", duration=15)


def resolve_link(pipeline: Pipeline, past: Sequence[Exchange], link: str) -> tuple[str, int | None]:
    """Inspector HTML for a clicked link and the exchange it belongs to (None for corpus entries).

    Links name a citation ("zitat-<exchange>-<number>"), a retrieved passage
    ("treffer-<exchange>-<rank>") or a corpus article ("artikel-<file name>");
    files are only ever opened through `Pipeline.article`, which knows only corpus files."""
    match = _LINK.match(link)
    if not match:
        raise QuestionError("Dieser Verweis ist ungültig.")
    if match.group(4) is not None:
        return article_html(pipeline.article(unquote(match.group(4)))), None
    kind, index, number = match.group(1), int(match.group(2)), int(match.group(3))
    if index >= len(past):
        raise QuestionError("Diese Antwort gehört nicht mehr zum Gespräch.")
    exchange = past[index]
    if kind == "zitat":
        cited = next((c for c in exchange.answer.citations if c.number == number), None)
        if cited is None:
            raise QuestionError(f"Die Quelle [{number}] gibt es in dieser Antwort nicht.")
        article = pipeline.article(cited.source)
        if article.source_text[cited.start:cited.end] != cited.quote:  # file changed since the ingest
            return article_html(article, caption=STALE), index
        caption = f"Zitat [{number}] aus der Antwort auf „{exchange.question}“"
        return article_html(article, cited.start, cited.end, caption), index
    hit = next((h for h in exchange.answer.hits if h.rank == number), None)
    if hit is None:
        raise QuestionError(f"Die Textstelle {number} gibt es zu dieser Antwort nicht.")
    caption = f"Gefundene Textstelle, Rang {number} zur Frage „{exchange.question}“"
    return article_html(pipeline.article(hit.chunk.source), hit.chunk.start, hit.chunk.end, caption), index


def _initial_choices(pipeline: Pipeline) -> list[tuple[str, str]]:
    """Article choices when the app is built; each page load refreshes them."""
    try:
        return article_choices(pipeline.articles())
    except QAError as exc:
        logger.warning("Noch keine Artikelliste für den Filter: %s", exc)
        return []


# -- the app --------------------------------------------------------------------------------

_BRIDGE_JS = """
window.__qaTrigger = trigger;
if (!window.__qaLinks) {
  window.__qaLinks = true;
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest(
      'a[href^="#zitat-"], a[href^="#treffer-"], a[href^="#artikel-"]');
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    window.__qaTrigger('click', {link: link.getAttribute('href').slice(1)});
  }, true);
}
watch('value', () => {
  const mark = element.querySelector('mark');
  if (mark) mark.scrollIntoView({block: 'center'});
});
"""


def build_app(pipeline: Pipeline, settings: Settings) -> gr.Blocks:
    """The Blocks of the UI (not launched). Per-session state lives in gr.State."""
    with gr.Blocks(title=TITLE, analytics_enabled=False, fill_width=True) as app:
        exchanges = gr.State(())  # tuple[Exchange, ...] of this browser session
        header = gr.HTML(header_html(settings), js_on_load=None, elem_id="qa-header")
        with gr.Row(equal_height=False, elem_id="qa-main"):
            with gr.Column(scale=7, min_width=420):
                chatbot = gr.Chatbot(
                    label="Gespräch", show_label=False, height=540, elem_id="qa-chat", buttons=["copy"],
                    latex_delimiters=[], feedback_options=None, layout="bubble",
                    placeholder=("<div class='qa-welcome'><h3>Willkommen!</h3>Stellen Sie eine Frage zu den "
                                 "Nachrichtenartikeln – oder beginnen Sie mit einem Beispiel.</div>"),
                    examples=[{"text": q} for q in EXAMPLES])
                with gr.Row(elem_id="qa-status-row"):
                    status = gr.HTML("", js_on_load=None, elem_id="qa-status", scale=5)
                    new_chat = gr.Button("Neues Gespräch", variant="secondary", size="sm", scale=0,
                                         min_width=140, elem_id="qa-new")
                with gr.Row(elem_id="qa-ask-row"):
                    question = gr.Textbox(show_label=False, label="Frage", scale=8, lines=1, max_lines=4,
                                          placeholder="Ihre Frage zu den Artikeln, z. B. „Wer ist der neue EU-Außenbeauftragte?“",
                                          elem_id="qa-question", autofocus=True)
                    send = gr.Button("Fragen", variant="primary", scale=1, min_width=100, elem_id="qa-send")
                with gr.Accordion("Filter: Artikel und Zeitraum", open=False, elem_id="qa-filters"):
                    sources_filter = gr.Dropdown(label="Nur in diesen Artikeln suchen", multiselect=True,
                                                 choices=_initial_choices(pipeline),
                                                 info="Leer lassen, um alle Artikel zu durchsuchen.")
                    with gr.Row():
                        date_from = gr.Textbox(label="Von (Datum)", placeholder="JJJJ-MM-TT", max_lines=1)
                        date_to = gr.Textbox(label="Bis (Datum)", placeholder="JJJJ-MM-TT", max_lines=1)
                    method = gr.Radio([("Extraktiv (schnell)", "extractive"), ("Lokales Sprachmodell", "llm")],
                                      value=pipeline.answerer_for(), label="Antwortverfahren",
                                      visible=llm_installed(settings), elem_id="qa-method",
                                      info="Das Sprachmodell formuliert frei; jede Aussage wird gegen die "
                                           "zitierte Stelle geprüft.")
            with gr.Column(scale=5, min_width=360, elem_id="qa-side"):
                with gr.Tabs(elem_id="qa-tabs") as tabs:
                    with gr.Tab("Artikel", id="artikel"):
                        inspector = gr.HTML(INSPECTOR_EMPTY, js_on_load=_BRIDGE_JS, elem_id="qa-inspector")
                    with gr.Tab("Quellen", id="quellen"):
                        sources = gr.HTML(SOURCES_EMPTY, js_on_load=None, elem_id="qa-sources")
                    with gr.Tab("Als Markdown", id="markdown"):
                        export = gr.Code("", language="markdown", label="Antwort mit Quellen (Markdown)",
                                         interactive=False, wrap_lines=True, elem_id="qa-export")
                    with gr.Tab("Korpus", id="korpus"):
                        corpus = gr.HTML("", js_on_load=None, elem_id="qa-corpus")

        def load():
            try:
                records = pipeline.articles()
            except Exception as exc:
                notify(exc)
                return gr.skip(), gr.skip(), gr.skip()
            return header_html(settings, records), gr.update(choices=article_choices(records)), corpus_html(records)

        def check(frage, past, artikel, von, bis, verfahren=None):
            """Runs before `ask`: a German message under the field at fault, no request."""
            problems = validate_form(settings, frage, artikel, von, bis)
            return [gr.validate(p is None, p or "") for p in (problems[0], None, *problems[1:], None)]

        def ask(frage, past, artikel, von, bis, verfahren=None):
            """Answer one question of this session, streaming; parameters are the API's names."""
            try:
                text = clean_question(frage, settings.max_question_chars)
                filters = make_filters(artikel, von, bis)
            except QAError as exc:
                notify(exc)
                return
            yield {chatbot: chat_messages(past, (text, "*Suche in den Artikeln …*")), question: "",
                   status: "<div class='qa-status'><span class='qa-muted'>Suche läuft …</span></div>"}
            streamed, answer = "", None
            try:
                chosen = verfahren if verfahren in ("extractive", "llm") else None
                for event in pipeline.stream(text, history(past), filters, answerer=chosen):
                    if isinstance(event, Answer):
                        answer = event
                    else:
                        streamed += event
                        yield {chatbot: chat_messages(past, (text, md_escape(streamed) + " ▍"))}
                if answer is None:
                    raise RuntimeError("Pipeline.stream ended without an Answer")
            except Exception as exc:  # every failure becomes a German toast; the question is kept
                notify(exc)
                yield {chatbot: chat_messages(past), question: text, status: ""}
                return
            past = tuple(past) + (Exchange(text, answer),)
            index = len(past) - 1
            yield {exchanges: past, chatbot: chat_messages(past), status: status_html(answer, filters),
                   sources: sources_html(answer, index), export: answer_markdown(text, answer)}

        def open_link(past, evt: gr.EventData):
            """Show what a clicked citation, passage or corpus entry refers to."""
            try:
                body, index = resolve_link(pipeline, past, str(evt._data.get("link", "")))
            except Exception as exc:
                notify(exc)
                return {}
            shown = {inspector: body, tabs: gr.Tabs(selected="artikel")}
            if index is not None:
                exchange = past[index]
                shown.update({sources: sources_html(exchange.answer, index),
                              export: answer_markdown(exchange.question, exchange.answer)})
            return shown

        def pick_example(evt: gr.SelectData):
            return evt.value["text"]

        def reset():
            return {exchanges: (), chatbot: [], status: "", sources: SOURCES_EMPTY, export: "",
                    inspector: INSPECTOR_EMPTY, question: ""}

        ask_inputs = [question, exchanges, sources_filter, date_from, date_to, method]
        ask_outputs = [exchanges, chatbot, question, status, sources, export]
        app.load(load, outputs=[header, sources_filter, corpus], api_visibility="private", show_progress="hidden")
        question.submit(ask, ask_inputs, ask_outputs, api_name="frage", validator=check)
        send.click(ask, ask_inputs, ask_outputs, api_visibility="private", validator=check)
        chatbot.example_select(pick_example, None, question, api_visibility="private").then(
            ask, ask_inputs, ask_outputs, api_visibility="private")
        inspector.click(open_link, [exchanges], [inspector, tabs, sources, export], api_visibility="private")
        reset_outputs = [exchanges, chatbot, status, sources, export, inspector, question]
        new_chat.click(reset, None, reset_outputs, api_visibility="private")
        chatbot.clear(reset, None, reset_outputs, api_visibility="private")
    app.queue(default_concurrency_limit=CONCURRENCY)
    return app


# -- serving --------------------------------------------------------------------------------

THEME = gr.themes.Soft(primary_hue="indigo", secondary_hue="amber", neutral_hue="slate",
                       font=["Inter", "ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "sans-serif"],
                       font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"])

CSS = """
.gradio-container { width: 100% !important; max-width: 1440px !important; margin: 0 auto !important; }
#qa-header .qa-header { display: flex; justify-content: space-between; align-items: flex-end; gap: 1rem;
  padding: 1.1rem 1.4rem; border-radius: 14px; color: #fff;
  background: linear-gradient(120deg, #312e81 0%, #4338ca 55%, #6366f1 100%); }
#qa-header h1 { margin: 0; font-size: 1.6rem; font-weight: 700; letter-spacing: -0.01em; color: #fff; }
#qa-header p { margin: .25rem 0 0; font-size: .95rem; color: #e0e7ff !important; }
#qa-header .qa-header-meta { font-size: .85rem; color: #e0e7ff; text-align: right; white-space: nowrap; }
#qa-header .qa-header-meta strong { color: #fff; }
#qa-chat a[href^="#zitat-"] { display: inline-block; padding: 0 .38em; margin: 0 .08em; border-radius: 6px;
  background: #e0e7ff; color: #3730a3 !important; font-weight: 600; font-size: .85em;
  text-decoration: none !important; line-height: 1.5; cursor: pointer; }
#qa-chat a[href^="#zitat-"]:hover { background: #4338ca; color: #fff !important; }
#qa-chat em { color: #64748b; font-size: .85em; }
.qa-welcome { text-align: center; color: #475569; }
#qa-chat .example { border: 1px solid #c7d2fe !important; background: #eef2ff !important; border-radius: 12px !important;
  color: #312e81 !important; transition: background .15s; }
#qa-chat .example:hover { background: #e0e7ff !important; border-color: #818cf8 !important; }
#qa-status-row { align-items: center; }
.qa-empty ul { margin: .4rem 0 0; padding-left: 1.1rem; }
.qa-empty li { margin: .25rem 0; }
.qa-welcome h3 { margin-bottom: .3rem; color: #312e81; }
.qa-status { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; min-height: 1.6rem; font-size: .85rem; }
.qa-badge { display: inline-block; padding: .12rem .55rem; border-radius: 999px; font-size: .8rem; font-weight: 600;
  background: #eef2ff; color: #3730a3; }
.qa-badge.qa-ok { background: #dcfce7; color: #166534; }
.qa-badge.qa-abstain { background: #fef3c7; color: #92400e; }
.qa-badge.qa-answerer { background: #f1f5f9; color: #334155; }
.qa-muted { color: #64748b; }
.qa-chip { display: inline-block; padding: 0 .35em; border-radius: 6px; background: #e0e7ff; color: #3730a3; font-weight: 600; }
.qa-empty { padding: 1.4rem; color: #64748b; border: 1px dashed #cbd5e1; border-radius: 12px; background: #f8fafc; line-height: 1.6; }
.qa-article-head { padding-bottom: .6rem; border-bottom: 1px solid #e2e8f0; margin-bottom: .6rem; }
.qa-article-title { font-size: 1.15rem; font-weight: 700; color: #1e293b; }
.qa-untitled { color: #64748b; font-style: italic; font-weight: 600; }
.qa-article-meta { font-size: .85rem; color: #64748b; margin-top: .15rem; }
.qa-caption { margin-top: .45rem; font-size: .85rem; color: #92400e; background: #fffbeb; border-radius: 8px; padding: .3rem .55rem; }
.qa-article-text { white-space: pre-wrap; max-height: 560px; overflow-y: auto; font-size: .93rem; line-height: 1.65;
  color: #1e293b; padding-right: .4rem; }
.qa-boiler { color: #94a3b8; }
mark.qa-mark { background: #fde68a; color: #1e293b; padding: .05em .1em; border-radius: 3px;
  box-shadow: 0 0 0 2px #f59e0b55; }
.qa-legend { margin-top: .5rem; font-size: .75rem; color: #94a3b8; }
.qa-hits { list-style: none; padding: 0 !important; margin: 0; display: flex; flex-direction: column; gap: .55rem; }
.qa-hit { border: 1px solid #e2e8f0; border-radius: 10px; padding: .55rem .7rem; background: #fff; margin: 0 !important; }
.qa-hit-cited { border-color: #86efac; background: #f0fdf4; }
.qa-hit-head { display: flex; align-items: center; gap: .5rem; }
.qa-rank { display: inline-flex; justify-content: center; align-items: center; width: 1.5rem; height: 1.5rem;
  border-radius: 999px; background: #e2e8f0; color: #334155; font-size: .8rem; font-weight: 700; flex: none; }
.qa-hit-title { text-align: left; font-weight: 600; color: #1e293b !important; text-decoration: none !important; flex: 1; }
.qa-hit-title:hover { color: #4338ca !important; text-decoration: underline !important; }
.qa-hit-meta { font-size: .75rem; color: #64748b; margin: .15rem 0 .25rem 2rem; }
.qa-hit-text { font-size: .85rem; color: #334155; margin-left: 2rem; line-height: 1.5; }
.qa-corpus { list-style: none; padding: 0 !important; margin: 0; }
.qa-corpus li { padding: .5rem .2rem; border-bottom: 1px solid #e2e8f0; margin: 0 !important; }
.qa-corpus li .qa-hit-meta { margin-left: 0; }
.qa-corpus a { color: #3730a3 !important; font-weight: 600; text-decoration: none !important; }
.qa-corpus a:hover { text-decoration: underline !important; }
#qa-ask-row { align-items: stretch; }
#qa-send { min-height: 100%; }
footer { display: none !important; }
/* Gradio 6.31 titles toasts with fixed English type names; show German ones (the count stays). */
.toast-title.warning, .toast-title.error, .toast-title.info { font-size: 0 !important; }
.toast-title.warning::before, .toast-title.error::before, .toast-title.info::before { font-size: 15px; }
.toast-title.warning::before { content: "Hinweis "; }
.toast-title.error::before { content: "Fehler "; }
.toast-title.info::before { content: "Info "; }
.toast-title .toast-count { font-size: 13px; }
"""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, auth: tuple[str, str] | None) -> None:
    """Off loopback the UI needs a password; a SettingsError in German otherwise."""
    if not is_loopback(host) and not (auth and auth[1]):
        raise SettingsError(f"Für die Adresse {host} ist ein Passwort nötig (QA_UI_PASSWORD oder --password), "
                            "sonst könnte jeder im Netz die Oberfläche benutzen.")


def launch(settings: Settings, host: str = "127.0.0.1", port: int = 7860,
           auth: tuple[str, str] | None = None, *, pipeline: Pipeline | None = None,
           block: bool = True) -> gr.Blocks:
    """Serve the UI (never a public share link); a password is required off loopback.

    With block=False the server runs in a background thread; call `.close()` on the result."""
    check_bind(host, auth)
    app = build_app(pipeline or Pipeline(settings), settings)
    app.launch(server_name=host, server_port=port, auth=auth, share=False, prevent_thread_lock=not block,
               theme=THEME, css=CSS, footer_links=[], quiet=True, show_error=False,
               auth_message="Bitte melden Sie sich mit Benutzername und Passwort an.")
    return app
