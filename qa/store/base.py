"""What every store shares: the `Store` protocol, the `FileRecord` it keeps per corpus file, and
the index layout version (`FORMAT_VERSION`).

Stores (qa.store.chroma, …) import this module, never the registry (qa.store), which imports
them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np

from qa.dates import PartialDate
from qa.records import Chunk, Filters

FORMAT_VERSION = 2
"""The layout of an index; a store built with another one must be rebuilt."""


@dataclass(frozen=True)
class FileRecord:
    source: str
    content_hash: str  # sha256 of the file's bytes
    version: str  # hash of content and chunk settings; the live chunks carry it
    chunks: int
    title: str | None = None
    publisher: str | None = None
    date: PartialDate | None = None
    size: int = -1  # file size and modification time when it was read: an unchanged
    mtime_ns: int = -1  # stat lets the next scan skip hashing (-1: always hash)
    skipped: str = ""  # German reason when the file could not be used (then chunks == 0)
    group: str = ""  # near-duplicate group (qa.ingest.duplicates): "" when it has no copies
    minhash: str = ""  # its fingerprint for finding copies (base64; "" when too short or not yet made)
    title_derived: bool = False  # the file names no title: `title` was made from its lead sentence


class Store(Protocol):
    """Chunks with vectors, and the file records that say which chunks are live.

    Readers see what a writer has published: `generation` is the stamp the store was opened
    with, `current_generation()` the one the index carries now (another process may have
    published since); when they differ, the reader opens the store anew."""

    generation: str

    def current_generation(self) -> str: ...

    def publish(self) -> None:
        """Make what this store wrote live for readers (a new generation stamp)."""

    def close(self) -> None:
        """Stop reusing this store's connection, so that the next store opened reads the index anew."""

    def file_records(self) -> dict[str, FileRecord]: ...

    def file_record(self, source: str) -> FileRecord | None: ...

    def commit_files(self, records: Sequence[FileRecord]) -> None:
        """Mark these file versions live (after their chunks are stored)."""

    def forget_file(self, source: str) -> None: ...

    def add_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray, versions: Sequence[str]) -> None: ...

    def delete_chunks(self, source: str, keep_version: str | None = None) -> None:
        """Remove a file's chunks, except those of `keep_version`."""

    def all_chunks(self) -> list[tuple[Chunk, str]]:
        """Every stored chunk with the file version it belongs to."""

    def query(self, vector: np.ndarray, n: int, filters: Filters | None = None) -> list[tuple[Chunk, str, float]]:
        """Nearest chunks that pass the filters: (chunk, file version, cosine similarity)."""

    def count(self) -> int: ...

    def drop(self) -> None:
        """Start over empty (for a rebuild); readers keep the published index until `publish`."""

    # Optional (the indexer uses them where a store has them): an ingest that is killed half-way
    # is noticed and cleaned up by the next one.
    #   begin() -> None: mark the live index as being changed; `publish` clears the mark.
    #   interrupted() -> bool: the mark of a writer that never published is there.
    #   clean_up(keep_own: bool = True) -> int: delete what a killed or failed rebuild left
    #     (with keep_own=False also this store's own unpublished rebuild); how many were deleted.
    # Without them, leftover chunks are still found (`count()` above what the records name).
