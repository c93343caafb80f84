"""Citations: numbered markers, quotes, and offsets for highlighting.

A citation's quote is a sentence of the article exactly as it stands in the
source text: `source_text[start:end] == quote`. Numbers follow the order in
which the answer first cites them, starting at 1.
"""
from __future__ import annotations

import re
from typing import Sequence

from qa.dates import PartialDate, display_date
from qa.records import Citation, Copy, Hit, Sentence

UNKNOWN_PUBLISHER = "Herausgeber unbekannt"

MARKER = re.compile(r"\[(\d+)\]")


def build_citations(evidence: Sequence[tuple[Hit, Sentence]]) -> list[Citation]:
    """One numbered citation per distinct quoted sentence."""
    citations: list[Citation] = []
    seen: set[tuple[str, int]] = set()
    for hit, sentence in evidence:
        key = (hit.chunk.source, sentence.start)
        if key in seen:
            continue
        seen.add(key)
        chunk = hit.chunk
        citations.append(Citation(number=len(citations) + 1, source=chunk.source, chunk_id=chunk.id,
                                  quote=sentence.text, start=sentence.start, end=sentence.end,
                                  title=chunk.title, publisher=chunk.publisher, date=chunk.date,
                                  copies=hit.copies))
    return citations


def marks(citations: Sequence[Citation], hit: Hit, sentences: Sequence[Sentence]) -> str:
    """The markers ("[1][2]") of the citations built for these sentences of a hit."""
    number = {(c.source, c.start): c.number for c in citations}
    return "".join(f"[{number[(hit.chunk.source, s.start)]}]" for s in sentences)


def render_answer(short: str | None, prefix: str, quotes: Sequence[str]) -> str:
    """German answer text: the short answer (if any), then each quote with its marker."""
    lines = []
    if short:
        head = f"{prefix} {short}" if prefix and not short.lower().startswith(prefix.lower()) else short
        lines.append(f"{head[0].upper()}{head[1:]} [1].")
    for number, quote in enumerate(quotes, start=1):
        lines.append(f"„{quote}“ [{number}]")
    return "\n\n".join(lines)


def markers(text: str) -> list[int]:
    """The citation numbers used in a text, in order of first use."""
    return list(dict.fromkeys(int(m) for m in MARKER.findall(text)))


def date_text(date: PartialDate | None, copies: Sequence[Copy] = ()) -> str:
    """German: the article's date, else a dated copy's ("14.02.2020 (Datum laut Kopie b.txt)"),
    else "Datum unbekannt"."""
    if not date:
        borrowed = next((c for c in copies if c.date), None)
        if borrowed is not None:
            return f"{display_date(borrowed.date)} (Datum laut Kopie {borrowed.source})"
    return display_date(date)


def describe(citation: Citation) -> str:
    """One line naming the source: file, title, publisher (or "Herausgeber unbekannt"), date (or
    "Datum unbekannt")."""
    details = [d for d in (citation.title, citation.publisher or UNKNOWN_PUBLISHER,
                           date_text(citation.date, citation.copies)) if d]
    return f"{citation.source} – {', '.join(details)}"


def also_reported(copies: Sequence[Copy]) -> str:
    """German: "auch berichtet von b.txt (dpa, 14.02.2020), c.txt (Datum unbekannt)" ("" without copies)."""
    if not copies:
        return ""
    named = [f"{c.source} ({', '.join(x for x in (c.publisher, display_date(c.date)) if x)})" for c in copies]
    return "auch berichtet von " + ", ".join(named)


def format_sources(citations: Sequence[Citation]) -> str:
    """The numbered source list shown under an answer (CLI, copy as Markdown)."""
    lines = []
    for c in citations:
        lines.append(f"[{c.number}] {describe(c)}\n    „{c.quote}“ (Zeichen {c.start}–{c.end})")
        if c.copies:
            lines.append(f"    {also_reported(c.copies)}")
    return "\n".join(lines)
