"""Metadata that a user provides next to the articles: `metadata.csv` and front matter.

`corpus/metadata.csv` (`;`-separated, UTF-8, German column names, one row per file):

    datei;titel;herausgeber;datum
    000_955454e9edcba319.txt;Anti-IS-Koalition will Einsatz im Irak fortsetzen;DW;14.02.2020

`datei` is the file name relative to the corpus folder (required); `titel`, `herausgeber`
and `datum` may be empty. Dates as `2020-02-14`, `14.02.2020`, `14. Februar 2020`, `2020-02`
or `2020` (qa.dates.PartialDate.parse). Markdown files may start with front matter instead:

    ---
    datum: 2020-02-14
    herausgeber: DW
    titel: …
    ---

What a sidecar says wins over what the text states (and over HTML metadata). A row of the CSV
is part of its file's version (`signature`), so changing it re-indexes that file; front
matter is part of the file itself. A bad date is ignored with a German warning (the text's
date is used then).
"""
from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path

from qa.dates import PartialDate
from qa.records import Article

logger = logging.getLogger(__name__)

SIDECAR = "metadata.csv"
COLUMNS = {"datei": "source", "titel": "title", "herausgeber": "publisher", "datum": "date"}
"""German column -> field; English names (file, title, publisher, date) are accepted too."""
_ALIASES = {"file": "source", "title": "title", "publisher": "publisher", "date": "date",
            "quelle": "publisher", "verlag": "publisher"}
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_KEY_VALUE = re.compile(r"^\s*([\w-]+)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class Metadata:
    """What a sidecar says about one file (None: it says nothing about that field)."""

    title: str | None = None
    publisher: str | None = None
    date: PartialDate | None = None

    @property
    def empty(self) -> bool:
        return not (self.title or self.publisher or self.date)

    def signature(self) -> str:
        """Part of the file's version ("" when the sidecar says nothing: versions stay as before)."""
        if self.empty:
            return ""
        text = f"{self.title or ''}\x1f{self.publisher or ''}\x1f{self.date.iso if self.date else ''}"
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def load_sidecar(corpus_dir: Path) -> dict[str, Metadata]:
    """The rows of `corpus_dir/metadata.csv` by file name ({} when there is none or it is unreadable)."""
    path = Path(corpus_dir) / SIDECAR
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        logger.warning("%s kann nicht gelesen werden (%s) und wird nicht berücksichtigt.", SIDECAR, exc)
        return {}
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    fields = {name: (COLUMNS | _ALIASES).get(name.strip().lower()) for name in reader.fieldnames or ()}
    if "source" not in fields.values():
        logger.warning("%s hat keine Spalte „datei“ und wird nicht berücksichtigt.", SIDECAR)
        return {}
    rows = {}
    for number, row in enumerate(reader, start=2):
        values = {fields[k]: (v or "").strip() for k, v in row.items() if k in fields and fields[k]}
        if values.get("source"):
            rows[values["source"]] = _metadata(values, f"{SIDECAR}, Zeile {number}")
    return rows


def _metadata(values: dict[str, str], where: str) -> Metadata:
    date = PartialDate.parse(values.get("date"))
    if values.get("date") and date is None:
        logger.warning("%s: „%s“ ist kein Datum (erwartet z. B. 2020-02-14 oder 14.02.2020) und wird ignoriert.",
                       where, values["date"])
    return Metadata(title=values.get("title") or None, publisher=values.get("publisher") or None, date=date)


def front_matter(text: str) -> tuple[Metadata, int]:
    """(metadata, length) of the front matter at the top of a Markdown text; (Metadata(), 0) without one."""
    m = _FRONT.match(text)
    if not m:
        return Metadata(), 0
    values = {}
    for line in m.group(1).splitlines():
        kv = _KEY_VALUE.match(line)
        if kv and (COLUMNS | _ALIASES).get(kv.group(1).lower()):
            values[(COLUMNS | _ALIASES)[kv.group(1).lower()]] = kv.group(2).strip("\"'")
    return _metadata(values, "Vorspann"), m.end()


def apply(article: Article, *sidecars: Metadata | None) -> Article:
    """The article with what the sidecars say (earlier ones win) over what its text states."""
    changes = {}
    for field in ("title", "publisher", "date"):
        given = next((getattr(s, field) for s in sidecars if s is not None and getattr(s, field)), None)
        if given:
            changes[field] = given
    return replace(article, **changes) if changes else article
