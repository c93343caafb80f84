"""The retrieval stage as a LangChain retriever, for use in LangChain chains (see the README).

    retriever = as_langchain(pipeline)                       # a langchain_core BaseRetriever
    docs = retriever.invoke("Wer ist der neue EU-Außenbeauftragte?")

Each Document carries the chunk text, and as metadata its source file, character offsets in
that file, title, fused score and rank. It goes through the product's retrieval and reranking
(`Pipeline.retrieve`), so a chain sees exactly the passages our own answerers see.
"""
from __future__ import annotations


def as_langchain(pipeline, k: int | None = None):
    """A LangChain BaseRetriever over the pipeline's retrieval stage."""
    from typing import Any

    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    class QARetriever(BaseRetriever):
        """Hybrid (dense + BM25, RRF) retrieval over the article index."""

        pipeline: Any
        k: int = 8

        def _get_relevant_documents(self, query: str, *, run_manager=None) -> list[Document]:
            return [
                Document(id=hit.chunk.id, page_content=hit.chunk.text,
                         metadata={"source": hit.chunk.source, "start": hit.chunk.start, "end": hit.chunk.end,
                                   "title": hit.chunk.title, "score": hit.score, "rank": hit.rank})
                for hit in self.pipeline.retrieve(query, k=self.k)
            ]

    return QARetriever(pipeline=pipeline, k=k or pipeline.settings.top_k)
