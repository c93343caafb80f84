"""Question -> ranked Hits: dense search in the store plus BM25 over stemmed German terms,
fused with weighted reciprocal rank fusion (RRF).

Only chunks of committed file versions are served (see qa.store): the retriever reads the
file records once when it opens and ignores chunks of any other version.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from typing import Sequence

import numpy as np

from qa.config import Settings
from qa.records import Chunk, Copy, Filters, Hit
from qa.retrieval.keyword import KeywordIndex
from qa.store.base import Store

logger = logging.getLogger(__name__)


def rrf_fuse(rankings: Sequence[Sequence[str]], k: int = 60,
             weights: Sequence[float] | None = None) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: sum of weight/(k + rank) over the rankings, best first."""
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings)):
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


class Retriever:
    """Hybrid retrieval over one index."""

    def __init__(self, settings: Settings, embedder, store: Store) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        records = store.file_records()
        self._live = {source: record.version for source, record in records.items()}
        self._group = {source: r.group for source, r in records.items() if r.group and not r.skipped}
        self._members: dict[str, list[Copy]] = {}
        for source, group in sorted(self._group.items()):
            r = records[source]
            self._members.setdefault(group, []).append(Copy(source, r.title, r.publisher, r.date))
        chunks = [self._grouped(chunk) for chunk, version in store.all_chunks()
                  if self._live.get(chunk.source) == version]
        self.keyword = KeywordIndex(chunks)
        self._by_source: dict[str, list[Chunk]] = {}
        for chunk in sorted(chunks, key=lambda c: (c.source, c.position)):
            self._by_source.setdefault(chunk.source, []).append(chunk)
        self._sources = np.array([c.source for c in chunks], dtype=object)
        # the days each chunk's date covers, as day numbers (date.toordinal; 0: undated)
        self._date_low = np.array([c.date.first_day.toordinal() if c.date else 0 for c in chunks], dtype=np.int64)
        self._date_high = np.array([c.date.last_day.toordinal() if c.date else 0 for c in chunks], dtype=np.int64)
        logger.info("retriever ready: %d chunks from %d files", len(chunks), len(self._live))

    @property
    def size(self) -> int:
        return len(self.keyword.chunks)

    def _grouped(self, chunk: Chunk) -> Chunk:
        """The chunk with its article's near-duplicate group (from the file records)."""
        group = self._group.get(chunk.source, "")
        return chunk if chunk.group == group else replace(chunk, group=group)

    def copies(self, chunk: Chunk) -> tuple[Copy, ...]:
        """The other articles of the chunk's near-duplicate group (the same report elsewhere)."""
        return tuple(c for c in self._members.get(chunk.group, ()) if c.source != chunk.source)

    def article_chunks(self, source: str) -> list[Chunk]:
        """The chunks of one article, in order."""
        return self._by_source.get(source, [])

    def dense(self, question: str, n: int, filters: Filters | None = None) -> list[tuple[Chunk, float]]:
        vector = self.embedder.embed_queries([question])[0]
        rows = self.store.query(vector, n, filters)
        return [(self._grouped(chunk), score) for chunk, version, score in rows
                if self._live.get(chunk.source) == version]

    def keyword_search(self, question: str, n: int, filters: Filters | None = None) -> list[tuple[Chunk, float]]:
        return self.keyword.search(question, n, mask=self._mask(filters))

    def search(self, question: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        """The fused ranking (best first)."""
        k = k or self.settings.top_k
        n = max(self.settings.candidates, k)
        dense = self.dense(question, n, filters)
        keyword = self.keyword_search(question, n, filters)
        chunks = {c.id: c for c, _ in dense + keyword}
        dense_scores = {c.id: s for c, s in dense}
        keyword_scores = {c.id: s for c, s in keyword}
        fused = rrf_fuse([[c.id for c, _ in dense], [c.id for c, _ in keyword]], self.settings.rrf_k,
                         (self.settings.dense_weight, 1.0))
        return [Hit(chunks[cid], score, rank, dense_scores.get(cid), keyword_scores.get(cid))
                for rank, (cid, score) in enumerate(fused[:k], start=1)]

    def _mask(self, filters: Filters | None) -> np.ndarray | None:
        """1.0 for chunks the filters allow, else 0.0 (vectorised: no loop over the corpus)."""
        if filters is None or not filters.active:
            return None
        keep = np.ones(len(self._sources), dtype=bool)
        if filters.sources:
            keep &= np.isin(self._sources, list(filters.sources))
        if filters.dated:
            low = filters.date_from.first_day.toordinal() if filters.date_from else 1
            high = filters.date_to.last_day.toordinal() if filters.date_to else date.max.toordinal()
            keep &= (self._date_low > 0) & (self._date_high >= low) & (self._date_low <= high)
        return keep.astype(np.float32)
