"""Answers, passages and articles as Markdown/HTML for the browser UI (pure functions).

Everything that comes from a question or an article is escaped: Markdown specials in chat
messages (`md_escape`), HTML everywhere else. The inspector marks exactly
`article.source_text[start:end]` with one <mark>.
"""
from __future__ import annotations

import html
import re
from typing import Sequence
from urllib.parse import quote

from qa.answer import label as answerer_label
from qa.answer.citations import MARKER, UNKNOWN_PUBLISHER, also_reported, date_text, describe
from qa.config import Settings
from qa.dates import describe_time, display_date
from qa.records import Answer, Article, Filters
from qa.store.base import FileRecord

TITLE = "Nachrichten-Fragen"
SNIPPET_CHARS = 280
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|~$!&])")
_MD_LINE_START = re.compile(r"^([ \t]*)(\d*)([-+=.)])", re.MULTILINE)  # list items, headings


def md_escape(text: str, at_line_start: bool = True) -> str:
    """Text shown literally by a Markdown renderer: no markup, links or raw HTML.

    `at_line_start=False` for a fragment that continues a line (its start cannot open a list)."""
    text = _MD_SPECIAL.sub(r"\\\1", text)

    def escape(m: re.Match) -> str:
        if m.start() == 0 and not at_line_start:
            return m.group(0)
        return f"{m.group(1)}{m.group(2)}\\{m.group(3)}"

    return _MD_LINE_START.sub(escape, text)


def _number(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def answer_markdown_for_chat(answer: Answer, index: int) -> str:
    """The chat message: escaped answer text whose [n] markers link to citations."""
    known = {c.number for c in answer.citations}
    parts, last = [], 0
    for match in MARKER.finditer(answer.text):
        parts.append(md_escape(answer.text[last:match.start()], last == 0 or answer.text[last - 1] == "\n"))
        number = int(match.group(1))
        parts.append(f"[\\[{number}\\]](#zitat-{index}-{number})" if number in known
                     else md_escape(match.group(0)))
        last = match.end()
    parts.append(md_escape(answer.text[last:], last == 0 or answer.text[last - 1] == "\n"))
    label = answerer_label(answer.answerer)
    meta = (f"{label} · keine passende Stelle gefunden" if answer.abstained
            else f"{label} · {_plural(len(answer.citations), 'Quelle', 'Quellen')}")
    return "".join(parts) + f"\n\n*{meta}*"


def answer_markdown(question: str, answer: Answer) -> str:
    """Question, answer and numbered sources as Markdown, for copying."""
    lines = [f"**Frage:** {question}", ""]
    if answer.understood_as:
        lines += [f"*Verstanden als: {answer.understood_as}*", ""]
    lines.append(answer.text)
    if answer.citations:
        lines += ["", "**Quellen:**", ""]
        lines += [f"- [{c.number}] {describe(c)}: „{c.quote}“ (Zeichen {c.start}–{c.end})"
                  + (f"; {also_reported(c.copies)}" if c.copies else "") for c in answer.citations]
    lines += ["", f"*Antwortverfahren: {answerer_label(answer.answerer)}*"]
    return "\n".join(lines)


def conversation_markdown(exchanges: Sequence) -> str:
    """A whole conversation (`Exchange`s: question, answer) as Markdown, for copying: each question
    with its answer and sources, in order, separated by rules."""
    return "\n\n---\n\n".join(answer_markdown(e.question, e.answer) for e in exchanges)


def status_html(answer: Answer, filters: Filters | None = None) -> str:
    """Badges under the chat: abstention or number of sources, answerer, latency."""
    label = html.escape(answerer_label(answer.answerer))
    if answer.abstained:
        main = "<span class='qa-badge qa-abstain'>Keine Angaben in den Artikeln</span>"
    else:
        main = f"<span class='qa-badge qa-ok'>Beantwortet mit {_plural(len(answer.citations), 'Quelle', 'Quellen')}</span>"
    extra = f" · {_number(answer.latency_ms / 1000, 2)} s"
    if filters is not None and filters.active:
        extra += " · Filter aktiv"
    notes = "".join(f"<div class='qa-note'>{html.escape(note)}</div>" for note in answer.notes)
    if answer.understood_as:  # a follow-up, rewritten (qa.conversation)
        notes = (f"<div class='qa-note qa-understood' id='qa-understood'>Verstanden als: "
                 f"<strong>{html.escape(answer.understood_as)}</strong></div>") + notes
    if answer.question_time is not None:
        notes += (f"<div class='qa-note qa-time' id='qa-time'>Zeit aus der Frage: "
                  f"<strong>{html.escape(describe_time(answer.question_time))}</strong> – Artikel aus dieser Zeit "
                  "werden bevorzugt, andere nicht ausgeschlossen (abschaltbar unter Filter: „Zeitangabe der "
                  "Frage beachten“).</div>")
    return (f"<div class='qa-status'>{main}<span class='qa-badge qa-answerer' title='Antwortverfahren'>"
            f"{label}</span><span class='qa-muted'>{extra}</span>{notes}</div>")


def problem_html(message: str) -> str:
    """The inspector when a link cannot be shown: the German message, escaped."""
    return (f"<div class='qa-empty qa-problem'><strong>Der Artikel kann nicht angezeigt werden.</strong>"
            f"<p>{html.escape(message)}</p></div>")


def sources_html(answer: Answer, index: int) -> str:
    """The "Quellen" panel: one card per article (in the order of its best passage) with its
    retrieved passages, rank and scores; cited passages and articles marked."""
    if not answer.hits:
        return "<div class='qa-empty'>Keine Textstellen gefunden (Filter prüfen).</div>"
    cited: dict[str, list[int]] = {}
    for c in answer.citations:
        cited.setdefault(c.chunk_id, []).append(c.number)
    articles: dict[str, list] = {}
    for hit in answer.hits:
        articles.setdefault(hit.chunk.source, []).append(hit)
    cards = []
    for source, hits in articles.items():
        first = hits[0].chunk
        copies = next((h.copies for h in hits if h.copies), ())
        numbers = [n for h in hits for n in cited.get(h.chunk.id, ())]
        meta = [html.escape(x) for x in (first.source if first.title else None,
                                         first.publisher or UNKNOWN_PUBLISHER, date_text(first.date, copies)) if x]
        meta.append(_plural(len(hits), "Textstelle", "Textstellen"))
        badge = (f"<span class='qa-badge qa-ok'>zitiert {' '.join(f'[{n}]' for n in sorted(numbers))}</span>"
                 if numbers else "")
        also = f"<div class='qa-hit-copies'>{html.escape(also_reported(copies))}</div>" if copies else ""
        passages = "".join(_passage_html(hit, index, cited.get(hit.chunk.id)) for hit in hits)
        cards.append(
            f"<li class='qa-source{' qa-source-cited' if numbers else ''}'>"
            f"<div class='qa-source-head'><a href='#treffer-{index}-{hits[0].rank}' class='qa-source-title'>"
            f"{html.escape(first.title or first.source)}</a>{badge}</div>"
            f"<div class='qa-hit-meta'>{' · '.join(meta)}</div>{also}<ol class='qa-hits'>{passages}</ol></li>")
    count = _plural(len(articles), "Artikel", "Artikeln")
    return (f"<div class='qa-sources-sum'>{_plural(len(answer.hits), 'Textstelle', 'Textstellen')} aus {count}"
            f"</div><ul class='qa-source-list'>{''.join(cards)}</ul>")


def _passage_html(hit, index: int, numbers: list[int] | None) -> str:
    """One retrieved passage inside its article's card: rank, scores, snippet; a click opens it."""
    chunk = hit.chunk
    badge = (f"<span class='qa-badge qa-ok'>zitiert {' '.join(f'[{n}]' for n in numbers)}</span>"
             if numbers else "")
    scores = [f"Score {_number(hit.score, 4)}"]
    if hit.dense_score is not None:
        scores.append(f"semantisch {_number(hit.dense_score)}")
    if hit.keyword_score is not None:
        scores.append(f"Stichwort {_number(hit.keyword_score, 2)}")
    snippet = chunk.text if len(chunk.text) <= SNIPPET_CHARS else chunk.text[:SNIPPET_CHARS].rstrip() + " …"
    return (f"<li class='qa-hit{' qa-hit-cited' if numbers else ''}'>"
            f"<div class='qa-hit-head'><a href='#treffer-{index}-{hit.rank}' class='qa-rank' "
            f"title='Textstelle {hit.rank} im Artikel zeigen'>{hit.rank}</a>"
            f"<span class='qa-hit-scores'>{' · '.join(scores)}</span>{badge}</div>"
            f"<a href='#treffer-{index}-{hit.rank}' class='qa-hit-text'>{html.escape(snippet)}</a></li>")


def _article_body(article: Article, start: int | None, end: int | None) -> str:
    """The source text, escaped; boilerplate dimmed; exactly text[start:end] inside one <mark>."""
    text = article.source_text
    if start is None or end is None or not 0 <= start < end <= len(text):
        start = end = None
    cuts = {0, len(text)}
    for a, b in article.segments:
        cuts.update((a, b))
    if start is not None:
        cuts.update((start, end))
    cuts = sorted(c for c in cuts if 0 <= c <= len(text))
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        piece = html.escape(text[a:b])
        if not any(s <= a and b <= e for s, e in article.segments):
            piece = f"<span class='qa-boiler'>{piece}</span>"
        if start is not None and a == start:
            pieces.append("<mark id='qa-zitat' class='qa-mark'>")
        pieces.append(piece)
        if start is not None and b == end:
            pieces.append("</mark>")
    return "".join(pieces)


def article_html(article: Article, start: int | None = None, end: int | None = None,
                 caption: str = "") -> str:
    """The inspector: metadata and the article's text with the given span highlighted."""
    title = _title_html(article.title, article.title_derived)
    meta = [html.escape(x) for x in (article.publisher or UNKNOWN_PUBLISHER, display_date(article.date))]
    meta.append(f"<code>{html.escape(article.source)}</code>")
    caption_html = f"<div class='qa-caption'>{html.escape(caption)}</div>" if caption else ""
    return (f"<div class='qa-article'><div class='qa-article-head'><div class='qa-article-title'>{title}</div>"
            f"<div class='qa-article-meta'>{' · '.join(meta)}</div>{caption_html}</div>"
            f"<div class='qa-article-text'>{_article_body(article, start, end)}</div>"
            f"<div class='qa-legend'>Grau: Seitenelemente, die beim Einlesen nicht als Artikeltext gelten.</div></div>")


DERIVED_TITLE = "aus dem Text"
"""Said after a title made from the article's lead sentence (the file names none)."""


def _title_html(title: str | None, derived: bool) -> str:
    if not title:
        return "<span class='qa-untitled'>Artikel ohne Titel</span>"
    mark = f" <span class='qa-untitled'>({DERIVED_TITLE})</span>" if derived else ""
    return html.escape(title) + mark


def corpus_html(records: Sequence[FileRecord]) -> str:
    """The "Korpus" tab: every indexed article with its metadata; a click opens it."""
    if not records:
        return "<div class='qa-empty'>Der Index enthält keine Artikel.</div>"
    items, groups = [], {}
    for r in records:
        if r.group:
            groups.setdefault(r.group, []).append(r.source)
    for r in records:
        title = _title_html(r.title, r.title_derived)
        meta = [html.escape(x) for x in (r.publisher or UNKNOWN_PUBLISHER, display_date(r.date))]
        meta += [f"<code>{html.escape(r.source)}</code>", _plural(r.chunks, "Abschnitt", "Abschnitte")]
        copies = [s for s in groups.get(r.group, ()) if s != r.source]
        if copies:
            meta.append(html.escape("derselbe Bericht wie " + ", ".join(copies)))
        items.append(f"<li><a href='#artikel-{quote(r.source, safe='')}'>{title}</a>"
                     f"<div class='qa-hit-meta'>{' · '.join(meta)}</div></li>")
    return f"<ul class='qa-corpus'>{''.join(items)}</ul>"


def header_html(settings: Settings, records: Sequence[FileRecord] | None = None) -> str:
    count = "" if records is None else f"{_plural(len(records), 'Artikel', 'Artikel')} im Korpus · "
    answerer = html.escape(answerer_label(settings.answerer))
    return (f"<header class='qa-header'><div class='qa-header-text'><h1>{TITLE}</h1>"
            "<p>Fragen Sie die Artikel im Korpus – jede Antwort belegt ihre Aussagen mit Zitaten.</p></div>"
            f"<div class='qa-header-meta'>{count}<span class='qa-nowrap'>Antwortverfahren: "
            f"<strong>{answerer}</strong></span></div></header>")
