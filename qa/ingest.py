"""Corpus folder -> index, incrementally.

A file is (re-)embedded only when its content hash or the chunk settings
changed; files that left the corpus lose their chunks. Chunks of several files
are embedded in one batch (the encoder is the bottleneck), and a file is
committed (its record written) only after all its chunks are stored, so an
ingest that is killed leaves every file either in its old or its new state,
and a re-run picks up where it stopped.
"""
from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from qa.chunking import chunk_article
from qa.config import Settings
from qa.corpus import file_hash, iter_corpus_files, read_article, source_name
from qa.errors import CorpusError, IndexCorruptError
from qa.index import FORMAT_VERSION, ChunkStore, FileRecord, remove_local_index
from qa.records import Article, Chunk

logger = logging.getLogger(__name__)

PROGRESS_MIN_FILES = 6  # show a progress bar from this many files to embed


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, German reason)
    chunks_written: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        parts = [f"{len(self.added)} neu", f"{len(self.updated)} geändert", f"{len(self.removed)} entfernt",
                 f"{self.unchanged} unverändert"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} übersprungen")
        return (f"Index aktualisiert: {', '.join(parts)}; {self.chunks_written} Abschnitte eingebettet "
                f"in {self.seconds:.1f} s.")


def file_version(content_hash: str, settings: Settings) -> str:
    """Identifies a file's chunks: its content and the chunk settings they were made with."""
    signature = f"{content_hash}/v{FORMAT_VERSION}/size{settings.chunk_size}/overlap{settings.chunk_overlap}"
    return hashlib.sha256(signature.encode()).hexdigest()[:16]


def ingest(settings: Settings, embedder, store: ChunkStore | None = None, rebuild: bool = False,
           progress: bool | None = None) -> IngestReport:
    """Bring the index in line with the corpus folder."""
    started = time.perf_counter()
    report = IngestReport()
    files = iter_corpus_files(settings.corpus_dir)
    if store is None:
        try:
            store = ChunkStore(settings, embedder, create=True, check=not rebuild)
        except IndexCorruptError:
            if not (rebuild and not settings.server_mode):
                raise
            logger.warning("index in %s is damaged: removing it for the rebuild", settings.vectorstore_dir)
            remove_local_index(settings)
            store = ChunkStore(settings, embedder, create=True)
    if rebuild:
        store.drop()
    committed = store.file_records()
    present = scan_corpus(settings, files)

    for source in sorted(set(committed) - set(present)):
        store.forget_file(source)  # commit point first: readers stop serving it
        store.delete_chunks(source)
        report.removed.append(source)

    todo: list[Article] = []
    for source, (path, version) in present.items():
        if version is None:
            report.skipped.append((source, f"Die Datei {source} kann nicht gelesen werden."))
            continue
        old = committed.get(source)
        if old and old.version == version:
            report.unchanged += 1
            continue
        try:
            article = read_article(path, settings.corpus_dir)
        except CorpusError as exc:
            logger.warning("%s", exc)
            report.skipped.append((source, str(exc)))
            continue
        (report.updated if old else report.added).append(source)
        todo.append(article)

    if todo:
        report.chunks_written = _embed_and_store(todo, settings, embedder, store, committed, progress)
    report.seconds = time.perf_counter() - started
    return report


def scan_corpus(settings: Settings, files=None) -> dict[str, tuple[Path, str | None]]:
    """Every corpus file by its source name, with its version (None when it cannot be read)."""
    found = {}
    for path in files if files is not None else iter_corpus_files(settings.corpus_dir):
        try:
            version = file_version(file_hash(path.read_bytes()), settings)
        except OSError:
            version = None
        found[source_name(path, settings.corpus_dir)] = (path, version)
    return found


def _embed_and_store(articles: list[Article], settings: Settings, embedder, store: ChunkStore,
                     committed: dict[str, FileRecord], progress: bool | None) -> int:
    """Chunk, embed in batches spanning files, store, then commit each finished file."""
    batch_target = settings.embedding_batch_size * 8
    show = progress if progress is not None else len(articles) >= PROGRESS_MIN_FILES
    bar = _progress_bar(len(articles), show)
    pending: list[tuple[Article, str, list[Chunk]]] = []
    written = 0

    def flush() -> int:
        chunks = [c for _, _, cs in pending for c in cs]
        if chunks:
            vectors = embedder.embed_passages([c.text for c in chunks])
            store.add_chunks(chunks, vectors, [v for _, v, cs in pending for _ in cs])
        store.commit_files([FileRecord(a.source, a.content_hash, v, len(cs), a.title, a.publisher, a.date)
                            for a, v, cs in pending])
        for article, version, _ in pending:
            if article.source in committed:
                store.delete_chunks(article.source, keep_version=version)
        bar.update(len(pending))
        pending.clear()
        return len(chunks)

    for article in articles:
        version = file_version(article.content_hash, settings)
        chunks = chunk_article(article, settings.chunk_size, settings.chunk_overlap, version)
        pending.append((article, version, chunks))
        if sum(len(cs) for _, _, cs in pending) >= batch_target:
            written += flush()
    written += flush()
    bar.close()
    return written


def _progress_bar(total: int, show: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="Einbetten", unit="Datei", disable=not show)
