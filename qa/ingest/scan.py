"""Scanning the corpus folder: every file's version, and whether the index still matches the folder
and is whole.

A file's version identifies its chunks: its content hash, its row of `metadata.csv`, the chunk
settings and the title rules (`file_version`). `scan_corpus` finds every corpus file with its
version; a file whose size and modification time equal its committed record's is not read again
(the record's content hash is reused), every other one is hashed, and one that cannot be read
gets a German reason instead of a version. `index_matches` compares a scan with the committed
records; `needs_repair` tells an ingest killed half-way in the store; `stable_stat` says which
size and modification time a record may keep.

It reads, never writes: it does not embed, store, commit or delete anything, nor take the
writer lock (qa.ingest.indexer does all that); listing and reading files safely is
qa.ingest.files'.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from qa.config import Settings
from qa.errors import CorpusError
from qa.ingest.corpus import TITLE_RULES
from qa.ingest.files import file_hash, iter_corpus_files, os_reason, read_corpus_file, source_name
from qa.ingest.metadata import Metadata, load_sidecar
from qa.store.base import FORMAT_VERSION, FileRecord, Store

DEFAULT_MAX_CHUNKS = Settings.model_fields["max_chunks_per_file"].default


def file_version(content_hash: str, settings: Settings, metadata: str = "") -> str:
    """Identifies a file's chunks: its content, its row of `metadata.csv` (a signature; "" without
    one), the chunk settings and the title rules (qa.ingest.corpus.TITLE_RULES: chunks carry the
    title) they were made with."""
    signature = (f"{content_hash}/v{FORMAT_VERSION}/size{settings.chunk_size}/overlap{settings.chunk_overlap}"
                 f"/titles{TITLE_RULES}")
    if metadata:
        signature += f"/meta{metadata}"
    if settings.max_chunks_per_file != DEFAULT_MAX_CHUNKS:  # the default keeps the versions of before the cap
        signature += f"/cap{settings.max_chunks_per_file}"
    return hashlib.sha256(signature.encode()).hexdigest()[:16]


def index_matches(settings: Settings, records: dict[str, FileRecord]) -> bool:
    """True when the committed records match the corpus folder (by content hash; files unchanged
    in size and modification time are not read again). A file that cannot be read any more
    matches only once its record is withdrawn; a refused link never has a record."""
    present = scan_corpus(settings, iter_corpus_files(settings.corpus_dir), known=records)
    unreadable = {source for source, found in present.items() if found.version is None}
    if any(source in records and not records[source].skipped for source in unreadable):
        return False
    if any(not r.skipped and not r.chunks for r in records.values()):
        return False  # an empty file listed by an older version: refuse it now
    return ({source: found.version for source, found in present.items() if source not in unreadable}
            == {source: record.version for source, record in records.items() if source not in unreadable})


@dataclass(frozen=True)
class CorpusFile:
    """A corpus file as the scan found it; `version` is None when it cannot be read."""
    path: Path
    version: str | None
    content_hash: str | None  # None when the version came from the stat fast path
    size: int = -1  # as stat found it when scanning
    mtime_ns: int = -1
    problem: str = ""  # German reason when it cannot be read
    metadata: str = ""  # the signature of its row of metadata.csv ("" without one)


RACY_SECONDS = 2.0  # a file modified this recently may change again within the same mtime tick


def scan_corpus(settings: Settings, files=None, known: dict[str, FileRecord] | None = None,
                sidecar: dict[str, Metadata] | None = None) -> dict[str, CorpusFile]:
    """Every corpus file by its source name, with its version (content, sidecar row, settings).

    A file whose size and modification time equal its committed record's is not read
    again (the record's content hash is reused); every other file is hashed."""
    found, known = {}, known or {}
    sidecar = load_sidecar(settings.corpus_dir) if sidecar is None else sidecar
    for path in files if files is not None else iter_corpus_files(settings.corpus_dir):
        source = source_name(path, settings.corpus_dir)
        meta = sidecar[source].signature() if source in sidecar else ""
        try:
            stat = path.stat()
            record = known.get(source)
            if record and record.content_hash and record.mtime_ns >= 0 \
                    and (record.size, record.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                version = file_version(record.content_hash, settings, meta)
                found[source] = CorpusFile(path, version, None, stat.st_size, stat.st_mtime_ns, metadata=meta)
                continue
            digest = file_hash(read_corpus_file(path, settings.corpus_dir))
        except OSError as exc:
            found[source] = CorpusFile(path, None, None,
                                       problem=f"Die Datei {source} kann nicht gelesen werden ({os_reason(exc)}).")
            continue
        except CorpusError as exc:
            found[source] = CorpusFile(path, None, None, problem=str(exc))
            continue
        found[source] = CorpusFile(path, file_version(digest, settings, meta), digest, stat.st_size,
                                   stat.st_mtime_ns, metadata=meta)
    return found


def stable_stat(found: CorpusFile) -> tuple[int, int]:
    """(size, mtime) to record for a file that was hashed, or (-1, -1) when the next scan must hash it
    again: it changed since the scan, or it changed so recently that another change could keep its mtime."""
    try:
        stat = found.path.stat()
    except OSError:
        return -1, -1
    if found.content_hash is None or (stat.st_size, stat.st_mtime_ns) != (found.size, found.mtime_ns) \
            or time.time_ns() - stat.st_mtime_ns < RACY_SECONDS * 1e9:
        return -1, -1
    return found.size, found.mtime_ns


def needs_repair(store: Store, records: dict[str, FileRecord]) -> bool:
    """An ingest was killed half-way: the store says so (`interrupted`), or it holds more chunks
    than the file records name (a file's old version, or a removed file's, was never deleted)."""
    if hasattr(store, "interrupted") and store.interrupted():
        return True
    return store.count() > sum(r.chunks for r in records.values() if not r.skipped)
