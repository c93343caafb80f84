"""BM25 over stemmed German terms (bm25s, Lucene variant), kept in memory.

Built once when the retriever opens, from the chunks stored in the index: a query costs a
sparse lookup over the postings of its terms, not a pass over the corpus.

Not here: term weights of our own (bm25s keeps its IDF inside its score matrix), the dense half
and the fusion (qa.retrieval.hybrid).
"""
from __future__ import annotations

import logging

import numpy as np

from qa.language import analyze
from qa.records import Chunk

logger = logging.getLogger(__name__)


class KeywordIndex:
    """BM25 over `analyze`d chunk texts (the first chunk of an article carries its title too)."""

    def __init__(self, chunks: list[Chunk]) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets DEBUG on import
        self.chunks = chunks
        self._bm25 = None
        if chunks:
            self._bm25 = bm25s.BM25()
            self._bm25.index([analyze(indexed_text(c)) or [""] for c in chunks], show_progress=False)

    def search(self, question: str, n: int, mask: np.ndarray | None = None) -> list[tuple[Chunk, float]]:
        """The n best chunks with a positive score; `mask` (1.0/0.0 per chunk) restricts them."""
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


def indexed_text(chunk: Chunk) -> str:
    """Chunk text plus its article title, so title words find the article."""
    return f"{chunk.title}\n{chunk.text}" if chunk.title and chunk.position == 0 else chunk.text
