"""Rows of the Chroma store and our records, translated into each other: chunk and file-record
metadata, dates, and `Filters` in Chroma's `where` language.

Chroma metadata holds scalars only, so a date is stored here and nowhere else: its ISO text in
`date` ("" when unknown; read back with `PartialDate.from_iso`, so a text that is no date reads as
undated) and, in chunk metadata, the days it covers as YYYYMMDD numbers (`date_num`,
`date_end`: a day 20200214-20200214, a month 20200200-20200299, a year 20200000-20209999; 0 when
undated) for filtering inside Chroma. This layout is that of existing indexes: changing it means
a new FORMAT_VERSION (qa.store.base). Opening collections, generations and errors are
qa.store.chroma's, not this module's.
"""
from __future__ import annotations

import json

from qa.dates import PartialDate
from qa.records import Chunk, Filters, Sentence
from qa.store.base import FileRecord

OPEN_LOW, OPEN_HIGH = 1, 99999999
"""The bounds of a range open at either end, as YYYYMMDD numbers."""


def _date_text(value: PartialDate | None) -> str:
    return value.iso if value is not None else ""


def _date_of(meta: dict) -> PartialDate | None:
    return PartialDate.from_iso(meta.get("date") or None)


def _day_numbers(value: PartialDate | None) -> tuple[int, int]:
    """The days a date covers as YYYYMMDD numbers; (0, 0) when undated."""
    if value is None:
        return 0, 0
    low = value.year * 10000 + (value.month or 0) * 100 + (value.day or 0)
    return low, low + (0 if value.day is not None else 99 if value.month is not None else 9999)


def chroma_where(filters: Filters | None) -> dict | None:
    """`Filters` in Chroma's filter language (dates compared as YYYYMMDD numbers; undated chunks never match)."""
    if filters is None or not filters.active:
        return None
    clauses = []
    if filters.sources:
        clauses.append({"source": {"$in": list(filters.sources)}})
    if filters.dated:
        low = _day_numbers(filters.date_from)[0] if filters.date_from else OPEN_LOW
        high = _day_numbers(filters.date_to)[1] if filters.date_to else OPEN_HIGH
        clauses += [{"date_num": {"$gt": 0}}, {"date_end": {"$gte": low}}, {"date_num": {"$lte": high}}]
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def chunk_metadata(chunk: Chunk, version: str) -> dict:
    spans = [[rel, rel + len(s.text), s.start] for rel, s in zip(chunk.sentence_positions(), chunk.sentences)]
    low, high = _day_numbers(chunk.date)
    return {
        "source": chunk.source, "version": version, "position": chunk.position,
        "start": chunk.start, "end": chunk.end, "sentences": json.dumps(spans),
        "title": chunk.title or "", "publisher": chunk.publisher or "", "date": _date_text(chunk.date),
        "date_num": low, "date_end": high,
    }


def chunk_from_row(cid: str, text: str, meta: dict) -> Chunk:
    sentences = tuple(Sentence(text[a:b], s, s + (b - a)) for a, b, s in json.loads(meta.get("sentences") or "[]"))
    return Chunk(id=cid, source=meta["source"], text=text, start=int(meta["start"]), end=int(meta["end"]),
                 position=int(meta["position"]), sentences=sentences, title=meta.get("title") or None,
                 publisher=meta.get("publisher") or None, date=_date_of(meta))


def file_metadata(r: FileRecord) -> dict:
    return {"hash": r.content_hash, "version": r.version, "chunks": r.chunks, "title": r.title or "",
            "publisher": r.publisher or "", "date": _date_text(r.date), "size": r.size, "mtime_ns": r.mtime_ns,
            "skipped": r.skipped, "group": r.group, "minhash": r.minhash, "title_derived": r.title_derived}


def file_record_from_row(source: str, meta: dict) -> FileRecord:
    return FileRecord(source=source, content_hash=meta["hash"], version=meta["version"],
                      chunks=int(meta.get("chunks", 0)), title=meta.get("title") or None,
                      publisher=meta.get("publisher") or None, date=_date_of(meta),
                      size=int(meta.get("size", -1)), mtime_ns=int(meta.get("mtime_ns", -1)),
                      skipped=meta.get("skipped", ""), group=meta.get("group") or "",
                      minhash=meta.get("minhash") or "", title_derived=bool(meta.get("title_derived", False)))
