"""The index's lifecycle as the pipeline runs it: build it on first use, update it when the
corpus changed (`ensure_index`, `ingest`), tell whether it is current, and reopen it when another
process published a new generation or replaced or repaired its folder (`refresh`).

`IndexLifecycle` is a mixin of `qa.pipeline.Pipeline`, its only host: it uses the host's settings,
embedder and store, its locks (`_lock`, `_reopening`) and its slots for store, retriever and
reranker, which it empties or refills when the index changes. It does not answer questions, load
models or decide which stages run; writing the index is qa.ingest.indexer's, the writer lock
qa.store.lock's, and Pipeline stays the one place that wires the stages.
"""
from __future__ import annotations

import logging
import threading

from qa.config import Settings
from qa.errors import IndexBusyError, IndexCorruptError, IndexNotFoundError, QAError
from qa.ingest.indexer import IngestReport, ingest
from qa.ingest.scan import index_matches, needs_repair
from qa.retrieval.hybrid import Retriever
from qa.retrieval.reranker import Reranker
from qa.store import open_store
from qa.store.base import Store
from qa.store.lock import READING_LAST, WAITING, writer_lock

logger = logging.getLogger(__name__)


class IndexLifecycle:
    """Index methods of Pipeline; what they use of their host is declared here."""

    settings: Settings
    embedder: object
    store: Store
    _store: Store | None
    _retriever: Retriever | None
    _reranker: Reranker | None
    _lock: threading.RLock
    _reopening: threading.Lock

    def ingest(self, rebuild: bool = False, progress: bool | None = None) -> IngestReport:
        """Update (or rebuild) the index; IndexBusyError (German) while another process writes it."""
        with writer_lock(self.settings):  # before the model loads: a busy index is refused at once
            with self._lock:
                report = ingest(self.settings, self.embedder, rebuild=rebuild, progress=progress)
                self._store = self._retriever = self._reranker = None
                return report

    def index_is_current(self) -> bool:
        """True when the index exists, matches the corpus folder (`index_matches`) and no ingest
        was killed half-way in it (`needs_repair`)."""
        self.refresh()
        try:
            files = self.store.file_records()
        except IndexNotFoundError:
            return False
        return not needs_repair(self.store, files) and index_matches(self.settings, files)

    def ensure_index(self, progress: bool | None = None, on_wait=None) -> IngestReport | None:
        """Build the index on first use, update it when the corpus changed; None when current.

        While another process writes the index, this one does not: it answers from the last
        published index (the report's `busy` says so), or, when there is none yet, waits for
        the writer to finish (`on_wait(German message)` first) and then checks again. Without
        space to write, the last published index answers too (the report's `busy` says why)."""
        from qa.errors import DiskFullError

        try:
            try:
                return self._ensure_locked(progress, wait=0)
            except IndexBusyError:
                if self._has_index():
                    return IngestReport(busy=READING_LAST)
            if on_wait is not None:
                on_wait(WAITING)
            return self._ensure_locked(progress, wait=-1)
        except DiskFullError as exc:
            if not self._has_index():
                raise
            return IngestReport(busy=str(exc))

    def _ensure_locked(self, progress: bool | None, wait: float) -> IngestReport | None:
        with writer_lock(self.settings, wait=wait):
            return None if self.index_is_current() else self.ingest(progress=progress)

    def _has_index(self) -> bool:
        try:
            _ = self.store
            return True
        except IndexNotFoundError:
            return False

    def refresh(self) -> bool:
        """Reopen store and retriever when another process published a new generation of the
        index, or replaced or repaired its folder (`qa ingest --rebuild`, `rm -r` and `qa ingest`);
        True when this call reopened them. Questions in flight, and other threads while the new
        retriever is built, keep answering from the old ones."""
        store = self._store
        if store is None:
            return False
        try:
            if store.current_generation() == store.generation:
                return False
        except IndexCorruptError:
            pass  # unreadable: what is there now may have been rebuilt since (else the reopen says so)
        except QAError:
            return False  # unreachable: the question's own store access says so
        if not self._reopening.acquire(blocking=False):
            return False  # another thread reopens right now
        try:
            if self._store is not store:
                return True
            logger.info("the index has a new generation: reopening it")
            store.close()
            try:
                fresh = open_store(self.settings, self.embedder)
                retriever = Retriever(self.settings, self.embedder, fresh)
            except QAError:
                with self._lock:
                    self._store = self._retriever = self._reranker = None
                raise
            with self._lock:
                self._store, self._retriever, self._reranker = fresh, retriever, None
            return True
        finally:
            self._reopening.release()
