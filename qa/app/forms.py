"""The UI's session state and form checks (pure Python, no Gradio): what one browser session
asked and got, the German messages for bad form fields, and what a clicked link shows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Sequence
from urllib.parse import unquote

from qa.app.rendering import answer_markdown_for_chat, article_html, md_escape
from qa.config import Settings
from qa.errors import QAError, QuestionError
from qa.pipeline import Pipeline, clean_question
from qa.records import Answer, Filters, Turn
from qa.store import FileRecord

STALE = ("Der Artikel wurde seit dem Einlesen geändert; die zitierte Stelle ist darin nicht mehr zu finden. "
         "Bitte den Index aktualisieren (`qa ingest`) und die Frage erneut stellen.")
CHANGED = "Der Artikel wurde seit dem Zitat geändert; die zitierte Stelle steht nicht mehr an dieser Position."
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_LINK = re.compile(r"^(zitat|treffer)-(\d+)-(\d+)$|^artikel-(.+)$")


@dataclass(frozen=True)
class Exchange:
    """One question of a session and the pipeline's answer to it."""

    question: str
    answer: Answer


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


def make_filters(sources: Sequence[str] | None, date_from: str | None, date_to: str | None,
                 question_time: bool = True) -> Filters | None:
    """Filters from the form, or None when nothing is restricted and the time named in the
    question is to be preferred (`question_time`, qa.retrieval.timing)."""
    start, end = check_date("Von", date_from), check_date("Bis", date_to)
    if start and end and start > end:
        raise QuestionError("Der Zeitraum ist leer: „Von“ liegt nach „Bis“.")
    filters = Filters(sources=tuple(sources or ()), date_from=start, date_to=end,
                      question_time=question_time is not False)
    return filters if filters.active or not filters.question_time else None


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


def linked_passage(pipeline: Pipeline, params) -> str | None:
    """Inspector HTML for a link into the app (the API's citation links), or None without one.

    `?artikel=<file name>&von=<start>&bis=<end>&pruef=<checksum>` shows the article with
    source_text[start:end] highlighted; where the link carries the quote's checksum
    (qa.app.openai_format.quote_checksum) and the text there no longer matches it, the article
    is shown unmarked with CHANGED. Like every other link it opens corpus files only, through
    `Pipeline.article`."""
    from qa.app.openai_format import quote_checksum

    source = params.get("artikel")
    if not source:
        return None
    article = pipeline.article(source)
    try:
        start, end = int(params.get("von", "")), int(params.get("bis", ""))
    except ValueError:
        return article_html(article)
    checksum = (params.get("pruef") or "").strip().lower()
    inside = 0 <= start < end <= len(article.source_text)
    if checksum and (not inside or quote_checksum(article.source_text[start:end]) != checksum):
        return article_html(article, caption=CHANGED)
    if not inside:
        return article_html(article, caption="Die verlinkte Stelle liegt nicht im Artikel; er wurde vielleicht "
                                             "seit dem Einlesen geändert.")
    return article_html(article, start, end, f"Zitierte Stelle (Zeichen {start}–{end})")
