"""The UI's session state and form checks (pure Python, no Gradio): what one browser session
asked and got, the chats kept in the browser, the German messages for bad form fields (one per
field; the filters and their date checks are qa.filters', shared with the API and the CLI), and
what a clicked link shows.

Chats kept in the browser (`SavedChats`): the app stores the exchanges of each chat as JSON in the
browser's local storage (gr.BrowserState) and reads them back on a reload. That JSON comes from the
browser, so it is read as untrusted input: only the fields of the records' own dataclasses, each
checked against its type (`_build`); a chat that does not read is left out, never an error.
"""
from __future__ import annotations

import dataclasses
import re
import types
import typing
import uuid
from dataclasses import dataclass
from typing import Any, Sequence
from urllib.parse import unquote

from qa.app.rendering import SNIPPET_CHARS, answer_markdown_for_chat, article_html, md_escape
from qa.config import Settings
from qa.errors import QAError, QuestionError
from qa.filters import FORM, check_date, make_filters
from qa.pipeline import Pipeline, clean_question
from qa.records import Answer, Turn
from qa.store.base import FileRecord

STALE = ("Der Artikel wurde seit dem Einlesen geändert; die zitierte Stelle ist darin nicht mehr zu finden. "
         "Bitte den Index aktualisieren (`qa ingest`) und die Frage erneut stellen.")
CHANGED = "Der Artikel wurde seit dem Zitat geändert; die zitierte Stelle steht nicht mehr an dieser Position."
_LINK = re.compile(r"^(zitat|treffer)-(\d+)-(\d+)$|^artikel-(.+)$")
TITLE_CHARS = 60
MAX_SAVED_CHATS = 30  # the browser's local storage holds about 5 MB per site; a chat of ten questions ~60 kB


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


def chat_title(exchanges: Sequence[Exchange]) -> str:
    """A chat's name in the list of chats: its first question, shortened."""
    first = " ".join(exchanges[0].question.split()) if exchanges else ""
    return first if len(first) <= TITLE_CHARS else first[:TITLE_CHARS - 1].rstrip() + "…"


def history(exchanges: Sequence[Exchange]) -> list[Turn]:
    turns = []
    for exchange in exchanges:
        turns += [Turn("user", exchange.question), Turn("assistant", exchange.answer.text)]
    return turns


def article_choices(records: Sequence[FileRecord]) -> list[tuple[str, str]]:
    choices = []
    for r in records:
        details = ", ".join(x for x in (r.publisher, r.date and r.date.iso) if x)
        choices.append((f"{r.title or r.source}" + (f" ({details})" if details else ""), r.source))
    return choices


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
    start = _problem(lambda: check_date(FORM.date_from, date_from))
    end = _problem(lambda: check_date(FORM.date_to, date_to))
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


# -- chats kept in the browser ----------------------------------------------------------------

def to_plain(value: Any) -> Any:
    """A record (nested frozen dataclasses, tuples) as JSON-ready dicts and lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    return value


def _build(kind: Any, data: Any) -> Any:
    """`data` (from JSON) as a value of type `kind`; ValueError when it does not fit.

    Only dataclasses named by the records' own type hints are built, so stored JSON can never
    create anything else; fields a stored record lacks take their defaults, unknown ones are
    dropped (records gain fields over time)."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is Any:
        return data
    if dataclasses.is_dataclass(kind):
        if not isinstance(data, dict):
            raise ValueError(f"{kind.__name__}: kein Objekt")
        hints = typing.get_type_hints(kind)
        values = {f.name: _build(hints[f.name], data[f.name])
                  for f in dataclasses.fields(kind) if f.init and f.name in data}
        try:
            return kind(**values)
        except TypeError as exc:  # a required field is missing
            raise ValueError(str(exc)) from None
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        for option in (a for a in args if a is not type(None)):
            try:
                return _build(option, data)
            except ValueError:
                continue
        raise ValueError(f"{data!r} passt zu keinem von {args}")
    if origin is typing.Literal:
        if data in args:
            return data
        raise ValueError(f"{data!r} nicht in {args}")
    if origin in (tuple, list):
        if not isinstance(data, list):
            raise ValueError("keine Liste")
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            if len(args) != len(data):
                raise ValueError("falsche Länge")
            return tuple(_build(a, d) for a, d in zip(args, data))
        items = [_build(args[0] if args else Any, d) for d in data]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(data, dict):
            raise ValueError("kein Objekt")
        return {str(k): _build(args[1] if args else Any, v) for k, v in data.items()}
    if kind is float and isinstance(data, (int, float)) and not isinstance(data, bool):
        return float(data)
    if kind is int and isinstance(data, int) and not isinstance(data, bool):
        return data
    if kind in (str, bool) and isinstance(data, kind):
        return data
    if kind is type(None) and data is None:
        return None
    raise ValueError(f"{data!r} ist kein {kind}")


def exchange_to_plain(exchange: Exchange) -> dict:
    """One exchange for the browser's storage; passages keep only what the sources panel shows."""
    hits = tuple(dataclasses.replace(h, chunk=dataclasses.replace(h.chunk, text=h.chunk.text[:SNIPPET_CHARS + 1],
                                                                 sentences=()))
                 for h in exchange.answer.hits)
    return {"frage": exchange.question, "antwort": to_plain(dataclasses.replace(exchange.answer, hits=hits))}


def exchange_from_plain(data: Any) -> Exchange:
    """An exchange read back from the browser's storage; ValueError when it does not read."""
    if not isinstance(data, dict) or not isinstance(data.get("frage"), str):
        raise ValueError("keine Frage")
    return Exchange(data["frage"], _build(Answer, data.get("antwort")))


@dataclass(frozen=True)
class SavedChats:
    """The chats of one browser (newest first) and the one shown; stored as `plain()` in the
    browser's local storage (gr.BrowserState). Each chat: {"id", "titel", "fragen": [exchange]}."""

    chats: tuple[dict, ...] = ()
    current: str | None = None

    @classmethod
    def read(cls, value: Any) -> "SavedChats":
        """From the stored value, whatever it holds: malformed chats are left out."""
        if not isinstance(value, dict) or not isinstance(value.get("gespraeche"), list):
            return cls()
        chats = []
        for chat in value["gespraeche"][:MAX_SAVED_CHATS]:
            if (isinstance(chat, dict) and isinstance(chat.get("id"), str) and isinstance(chat.get("fragen"), list)
                    and chat["fragen"] and all(c["id"] != chat["id"] for c in chats)):
                chats.append({"id": chat["id"], "titel": str(chat.get("titel") or "Gespräch"), "fragen": chat["fragen"]})
        current = value.get("aktuell")
        return cls(tuple(chats), current if any(c["id"] == current for c in chats) else None)

    def plain(self) -> dict:
        return {"aktuell": self.current, "gespraeche": list(self.chats)}

    def exchanges(self, chat_id: str | None) -> tuple[Exchange, ...]:
        """The exchanges of a stored chat, up to the first that does not read (() if unknown)."""
        chat = next((c for c in self.chats if c["id"] == chat_id), None)
        exchanges = []
        for item in chat["fragen"] if chat else ():
            try:
                exchanges.append(exchange_from_plain(item))
            except (ValueError, KeyError, TypeError):
                break
        return tuple(exchanges)

    def store(self, chat_id: str | None, exchanges: Sequence[Exchange]) -> tuple[str | None, "SavedChats"]:
        """Keep a chat (moved to the top, a new id for a new one) and make it the current one;
        a chat without exchanges is not stored. Returns its id and the new state."""
        if not exchanges:
            return None, dataclasses.replace(self, current=None)
        chat_id = chat_id or uuid.uuid4().hex[:12]
        chat = {"id": chat_id, "titel": chat_title(exchanges), "fragen": [exchange_to_plain(e) for e in exchanges]}
        rest = [c for c in self.chats if c["id"] != chat_id]
        return chat_id, SavedChats(tuple([chat] + rest)[:MAX_SAVED_CHATS], chat_id)

    def select(self, chat_id: str | None) -> "SavedChats":
        return dataclasses.replace(self, current=chat_id if any(c["id"] == chat_id for c in self.chats) else None)

    def delete(self, chat_id: str | None) -> "SavedChats":
        return SavedChats(tuple(c for c in self.chats if c["id"] != chat_id),
                          None if self.current == chat_id else self.current)

    def choices(self) -> list[tuple[str, str]]:
        """(label, id) of every chat for the list of chats."""
        return [(f"{c['titel']} ({len(c['fragen'])} {'Frage' if len(c['fragen']) == 1 else 'Fragen'})", c["id"])
                for c in self.chats]
