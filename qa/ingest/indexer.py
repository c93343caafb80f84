"""Corpus folder -> index, incrementally.

A file is (re-)embedded only when its content hash or the chunk settings
changed; files that left the corpus lose their chunks. Chunks of several files
are embedded in one batch (the encoder is the bottleneck), and a file is
committed (its record written) only after all its chunks are stored, so an
ingest that is killed leaves every file either in its old or its new state,
and a re-run picks up where it stopped.

One writer at a time: an ingest holds the index's lock file (`qa.store.lock`) throughout and
publishes a new generation at the end, so that readers in other processes reopen the index
(`qa.store.chroma_head`). Files that cannot be read any more, or that turned into something
that is refused, are withdrawn: their record says why and their chunks are deleted.

An ingest killed between two steps (`STEPS`) is finished or rolled back by the next one: the
store's mark (`begin`, cleared by `publish`) or more chunks than the records name show it;
chunks no record points to are deleted (a file's old version, a removed or withdrawn file's,
a new version never committed), the group of a copy's first article is written, the collections
of a killed rebuild are deleted, and the result is published.

Not here: each file's version and whether the index matches the folder (qa.ingest.scan); reading,
chunking and near-duplicates of an article (qa.ingest.corpus, .chunking, .duplicates); the store.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from qa.ingest.chunking import chunk_file
from qa.config import Settings
from qa.ingest.corpus import read_article
from qa.ingest.duplicates import place
from qa.ingest.files import list_corpus
from qa.ingest.scan import CorpusFile, file_version, needs_repair, scan_corpus, stable_stat
from qa.errors import CorpusError
from qa.ingest.metadata import Metadata, load_sidecar
from qa.store import open_store
from qa.store.base import FileRecord, Store
from qa.store.lock import writer_lock
from qa.records import Article, Chunk

logger = logging.getLogger(__name__)

PROGRESS_MIN_FILES = 6  # show a progress bar from this many files to embed

STEPS = ("begun", "repaired", "removed:forgotten", "removed:deleted", "refused:committed", "withdrawn:deleted",
         "chunks:added", "files:committed", "old:deleted", "groups:committed")
"""The writes of an ingest, in order; after each one `STEP_HOOK` is called with its name."""
STEP_HOOK: Callable[[str], None] | None = None
"""Tests set it to kill the process after a step (the index must survive every one)."""


def _step(name: str) -> None:
    if STEP_HOOK is not None:
        STEP_HOOK(name)


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, German reason)
    withdrawn: list[str] = field(default_factory=list)  # served before, unreadable or refused now
    busy: str = ""  # German: why nothing was done (another process writes; no space) (Pipeline.ensure_index)
    chunks_written: int = 0
    recovered: bool = False  # an ingest killed half-way was finished or rolled back (and this one publishes)
    repaired: int = 0  # chunks that no file record pointed to, deleted
    cleaned: int = 0  # collections a killed rebuild left, deleted
    wrote: bool = False  # this run changed the live index, so it publishes at the end
    warnings: list[str] = field(default_factory=list)  # German, each naming its file (a file cut at max_chunks_per_file)
    seconds: float = 0.0
    duplicate_seconds: float = 0.0  # of `seconds`: finding near-duplicates (qa.ingest.duplicates)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        if self.busy:
            return self.busy
        parts = [f"{len(self.added)} neu", f"{len(self.updated)} geändert", f"{len(self.removed)} entfernt",
                 f"{self.unchanged} unverändert"]
        if self.withdrawn:
            parts.append(f"{len(self.withdrawn)} zurückgezogen")
        if self.skipped:
            parts.append(f"{len(self.skipped)} übersprungen")
        if self.recovered or self.cleaned:
            left = [f"{self.repaired} verwaiste Abschnitte entfernt"] if self.repaired else []
            left += ["Reste eines abgebrochenen Neuaufbaus gelöscht"] if self.cleaned else []
            parts.append("abgebrochener Lauf bereinigt" + (f" ({', '.join(left)})" if left else ""))
        return (f"Index aktualisiert: {', '.join(parts)}; {self.chunks_written} Abschnitte eingebettet "
                f"in {self.seconds:.1f} s." + "".join(f"\nWarnung: {w}" for w in self.warnings))


def ingest(settings: Settings, embedder, store: Store | None = None, rebuild: bool = False,
           progress: bool | None = None) -> IngestReport:
    """Bring the index in line with the corpus folder, holding the writer lock, and publish the
    result (readers in other processes reopen). A rebuild is published only when complete."""
    with writer_lock(settings):
        started = time.perf_counter()
        listing = list_corpus(settings.corpus_dir)
        if store is None:
            store = open_store(settings, embedder, create=True, rebuild=rebuild)
        elif rebuild:
            store.drop()
        report = IngestReport(skipped=list(listing.refused))
        if hasattr(store, "clean_up"):
            report.cleaned = store.clean_up()  # what a killed rebuild left
        try:
            _update(settings, embedder, store, listing.files, report, progress)
        except BaseException:
            if rebuild and hasattr(store, "clean_up"):
                _abandon(store)
            raise
        finally:
            if not rebuild and report.wrote:
                store.publish()  # also what a failed run committed: readers should see it
        if rebuild:
            store.publish()
        report.seconds = time.perf_counter() - started
        return report


def _abandon(store: Store) -> None:
    """Delete the collections of a rebuild that failed (a full disk gets its space back)."""
    try:
        store.clean_up(keep_own=False)
    except Exception as exc:  # the next ingest deletes them
        logger.info("could not delete the collections of the failed rebuild: %s", exc)


def _remove_orphans(store: Store, committed: dict[str, FileRecord]) -> int:
    """Delete the chunks that no file record points to; how many."""
    live = {source: r.version for source, r in committed.items() if not r.skipped}
    stray: dict[str, int] = {}
    for chunk, version in store.all_chunks():
        if live.get(chunk.source) != version:
            stray[chunk.source] = stray.get(chunk.source, 0) + 1
    for source in sorted(stray):
        store.delete_chunks(source, keep_version=live.get(source))
    return sum(stray.values())


def _healed_groups(committed: dict[str, FileRecord]) -> list[FileRecord]:
    """The first article of a group whose record never got its group (killed before
    `groups:committed`): its group is its own name (qa.ingest.duplicates)."""
    leaders = {r.group for r in committed.values() if r.group and r.group != r.source and not r.skipped}
    return [replace(committed[s], group=s) for s in sorted(leaders)
            if s in committed and not committed[s].skipped and not committed[s].group]


def _update(settings: Settings, embedder, store: Store, files: list[Path], report: IngestReport,
            progress: bool | None) -> None:
    committed = store.file_records()
    repair = needs_repair(store, committed)
    sidecar = load_sidecar(settings.corpus_dir)
    present = scan_corpus(settings, files, committed, sidecar)
    removed = sorted(set(committed) - set(present))
    report.removed.extend(removed)

    todo: list[tuple[Article, CorpusFile]] = []
    refused: list[FileRecord] = []  # remembered, so that the next run does not read them until they change
    restat: list[FileRecord] = []  # unchanged files whose record has no usable stat yet
    for source, found in present.items():
        old = committed.get(source)
        if found.version is None:
            report.skipped.append((source, found.problem))
            if old and not old.skipped:  # it cannot be served any more: withdraw it
                refused.append(FileRecord(source, "", "", 0, skipped=found.problem))
            continue
        if old and old.version == found.version and (old.skipped or old.chunks):
            size, mtime = stable_stat(found)  # (-1, -1) when the fast path already trusted it
            if mtime >= 0 and (size, mtime) != (old.size, old.mtime_ns):
                restat.append(replace(old, size=size, mtime_ns=mtime))
            if old.skipped:
                report.skipped.append((source, old.skipped))
            else:
                report.unchanged += 1
            continue
        try:
            article = read_article(found.path, settings.corpus_dir, sidecar.get(source))
        except CorpusError as exc:
            logger.info("%s", exc)  # the report carries it; CLI and app print it
            report.skipped.append((source, str(exc)))
            size, mtime = stable_stat(found)
            refused.append(FileRecord(source, found.content_hash or (old.content_hash if old else ""),
                                      found.version, 0, size=size, mtime_ns=mtime, skipped=str(exc)))
            continue
        (report.updated if old else report.added).append(source)
        todo.append((article, found))

    report.withdrawn = [r.source for r in refused if committed.get(r.source) and not committed[r.source].skipped]
    if repair or removed or refused or todo:
        if hasattr(store, "begin"):
            store.begin()  # marked until the publish at the end
        report.wrote = True
        _step("begun")
    if repair:
        report.recovered = True
        report.repaired = _remove_orphans(store, committed)
        healed = _healed_groups(committed)
        store.commit_files(healed)
        committed.update((r.source, r) for r in healed)
        _step("repaired")
    for source in removed:
        store.forget_file(source)  # commit point first: readers stop serving it
        _step("removed:forgotten")
        store.delete_chunks(source)
        _step("removed:deleted")
    if restat or refused:
        store.commit_files(restat + refused)
        _step("refused:committed")
    for source in report.withdrawn:  # its old chunks go after its record
        store.delete_chunks(source)
        _step("withdrawn:deleted")
    if todo:
        placed, regrouped = _copies(settings, todo, committed, present, sidecar, report)
        report.chunks_written = _embed_and_store(todo, settings, embedder, store, committed, progress, placed,
                                                 report.warnings)
        store.commit_files(regrouped)  # after the new copies are live: their groups name them
        _step("groups:committed")


def _copies(settings: Settings, todo: list, committed: dict[str, FileRecord], present: dict, sidecar: dict,
            report: IngestReport) -> tuple[dict[str, tuple[str, str]], list[FileRecord]]:
    """Near-duplicate groups of the files to index against the indexed ones (qa.ingest.duplicates)."""
    started = time.perf_counter()
    live = {s: r for s, r in committed.items() if s in present and s not in report.withdrawn}
    placed = place(live, [article for article, _ in todo],
                   lambda source: _clean_text(settings, present[source], sidecar.get(source)))
    report.duplicate_seconds = time.perf_counter() - started
    return placed


def _clean_text(settings: Settings, found: CorpusFile, metadata: Metadata | None) -> str | None:
    """The clean text of an indexed file (for its missing fingerprint); None when unreadable."""
    try:
        return read_article(found.path, settings.corpus_dir, metadata).clean_text
    except (CorpusError, OSError):
        return None


def _embed_and_store(articles: list[tuple[Article, CorpusFile]], settings: Settings, embedder, store: Store,
                     committed: dict[str, FileRecord], progress: bool | None,
                     placed: dict[str, tuple[str, str]], warnings: list[str]) -> int:
    """Chunk, embed in batches spanning files, store, then commit each finished file (with its
    near-duplicate group and fingerprint from `placed`)."""
    batch_target = settings.embedding_batch_size * 8
    show = progress if progress is not None else len(articles) >= PROGRESS_MIN_FILES
    bar = _progress_bar(len(articles), show)
    pending: list[tuple[Article, CorpusFile, str, list[Chunk]]] = []
    written = 0

    def flush() -> int:
        chunks = [c for _, _, _, cs in pending for c in cs]
        if chunks:
            vectors = embedder.embed_passages([c.text for c in chunks])
            store.add_chunks(chunks, vectors, [v for _, _, v, cs in pending for _ in cs])
            _step("chunks:added")
        records = []
        for article, found, version, cs in pending:
            size, mtime = stable_stat(found) if article.content_hash == found.content_hash else (-1, -1)
            group, minhash = placed.get(article.source, ("", ""))
            records.append(FileRecord(article.source, article.content_hash, version, len(cs), article.title,
                                      article.publisher, article.date, size=size, mtime_ns=mtime,
                                      group=group, minhash=minhash,
                                      title_derived=article.title_derived))
        store.commit_files(records)
        _step("files:committed")
        for article, _, version, _ in pending:
            if article.source in committed:
                store.delete_chunks(article.source, keep_version=version)
                _step("old:deleted")
        bar.update(len(pending))
        pending.clear()
        return len(chunks)

    for article, found in articles:
        version = file_version(article.content_hash, settings, found.metadata)
        chunks, warning = chunk_file(article, settings.chunk_size, settings.chunk_overlap, version,
                                     settings.max_chunks_per_file)
        if warning:
            warnings.append(warning)
        pending.append((article, found, version, chunks))
        if sum(len(cs) for *_, cs in pending) >= batch_target:
            written += flush()
    written += flush()
    bar.close()
    return written


def _progress_bar(total: int, show: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="Einbetten", unit="Datei", disable=not show)
