"""Question -> ranked Hits: dense search in Chroma plus BM25 over stemmed German terms,
fused with reciprocal rank fusion (RRF).

The keyword index (bm25s, sparse matrix) is built once when the retriever
opens, from the chunks stored in Chroma, and kept in memory: a query costs a
sparse lookup over the postings of its terms, not a pass over the corpus.
Only chunks of committed file versions are served (see index.py).
"""
from __future__ import annotations

import logging
from typing import Sequence

import numpy as np

from qa.config import Settings
from qa.answering import idf_weight
from qa.index import ChunkStore, date_range
from qa.records import Chunk, Filters, Hit
from qa.text import analyze

logger = logging.getLogger(__name__)


def rrf_fuse(rankings: Sequence[Sequence[str]], k: int = 60,
             weights: Sequence[float] | None = None) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: sum of weight/(k + rank) over the rankings, best first."""
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings)):
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


class KeywordIndex:
    """BM25 (bm25s, Lucene variant) over `analyze`d chunk texts."""

    def __init__(self, chunks: list[Chunk]) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets DEBUG on import
        self.chunks = chunks
        self._bm25 = None
        self._df: dict[str, int] = {}
        if chunks:
            self._bm25 = bm25s.BM25()
            self._bm25.index([analyze(_indexed_text(c)) or [""] for c in chunks], show_progress=False)
            counts = np.diff(self._bm25.scores["indptr"])
            self._df = {term: int(counts[i]) for term, i in self._bm25.vocab_dict.items() if i < len(counts)}

    def idf(self, term: str) -> float:
        """BM25 IDF of a stemmed term; unknown terms weigh most."""
        return idf_weight(self._df.get(term, 0), len(self.chunks))

    def search(self, question: str, n: int, mask: np.ndarray | None = None) -> list[tuple[Chunk, float]]:
        if self._bm25 is None:
            return []
        ids = self._bm25.get_tokens_ids(analyze(question))
        if not ids:
            return []
        scores = self._bm25.get_scores_from_ids(ids, weight_mask=mask)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.chunks[i], float(scores[i])) for i in top if scores[i] > 0]


def _indexed_text(chunk: Chunk) -> str:
    """Chunk text plus its article title, so title words find the article."""
    return f"{chunk.title}\n{chunk.text}" if chunk.title and chunk.position == 0 else chunk.text


class Retriever:
    """Hybrid retrieval over one index."""

    def __init__(self, settings: Settings, embedder, store: ChunkStore) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.files = store.file_records()
        live = {source: record.version for source, record in self.files.items()}
        chunks = [chunk for chunk, version in store.all_chunks() if live.get(chunk.source) == version]
        self._live = live
        self.keyword = KeywordIndex(chunks)
        self._sources = np.array([c.source for c in chunks], dtype=object)
        spans = [date_range(c.date) for c in chunks]
        self._date_low = np.array([a for a, _ in spans], dtype=np.int64)
        self._date_high = np.array([b for _, b in spans], dtype=np.int64)
        logger.info("retriever ready: %d chunks from %d files", len(chunks), len(live))

    @property
    def size(self) -> int:
        return len(self.keyword.chunks)

    def dense(self, question: str, n: int, filters: Filters | None = None) -> list[tuple[Chunk, float]]:
        vector = self.embedder.embed_queries([question])[0]
        rows = self.store.query(vector, n, where=_chroma_where(filters))
        return [(chunk, score) for chunk, version, score in rows if self._live.get(chunk.source) == version]

    def keyword_search(self, question: str, n: int, filters: Filters | None = None) -> list[tuple[Chunk, float]]:
        return self.keyword.search(question, n, mask=self._mask(filters))

    def search(self, question: str, k: int | None = None, filters: Filters | None = None,
               keyword_question: str | None = None) -> list[Hit]:
        """The fused ranking the answerer sees (best first)."""
        k = k or self.settings.top_k
        n = max(self.settings.candidates, k)
        dense = self.dense(question, n, filters)
        keyword = self.keyword_search(keyword_question or question, n, filters)
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
        if filters.date_from or filters.date_to:
            low, high = _date_bounds(filters)
            keep &= (self._date_low > 0) & (self._date_high >= low) & (self._date_low <= high)
        return keep.astype(np.float32)

    def as_langchain(self, k: int | None = None):
        """This retriever as a LangChain BaseRetriever (Documents with source and offsets)."""
        return make_langchain_retriever(self, k or self.settings.top_k)


def _date_bounds(filters: Filters) -> tuple[int, int]:
    """The filter's range; an article matches when the days its date covers overlap it."""
    low = date_range(filters.date_from)[0] if filters.date_from else 1
    high = date_range(filters.date_to)[1] if filters.date_to else 99999999
    return low, high


def _chroma_where(filters: Filters | None) -> dict | None:
    if filters is None or not filters.active:
        return None
    clauses = []
    if filters.sources:
        clauses.append({"source": {"$in": list(filters.sources)}})
    if filters.date_from or filters.date_to:
        low, high = _date_bounds(filters)
        clauses += [{"date_num": {"$gt": 0}}, {"date_end": {"$gte": low}}, {"date_num": {"$lte": high}}]
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def make_langchain_retriever(retriever: Retriever, k: int):
    from typing import Any

    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    class QARetriever(BaseRetriever):
        """Hybrid (dense + BM25, RRF) retrieval over the article index."""

        qa_retriever: Any
        k: int = 8

        def _get_relevant_documents(self, query: str, *, run_manager=None) -> list[Document]:
            return [
                Document(id=hit.chunk.id, page_content=hit.chunk.text,
                         metadata={"source": hit.chunk.source, "start": hit.chunk.start, "end": hit.chunk.end,
                                   "title": hit.chunk.title, "score": hit.score, "rank": hit.rank})
                for hit in self.qa_retriever.search(query, k=self.k)
            ]

    return QARetriever(qa_retriever=retriever, k=k)
