"""What every reranker shares: the `Reranker` protocol and `renumber`.

Rerankers (qa.retrieval.diversify, …) import this module, never the registry
(qa.retrieval.rerank), which imports them.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Protocol, Sequence

from qa.records import Hit


class Reranker(Protocol):
    name: str

    def rerank(self, question: str, hits: Sequence[Hit]) -> list[Hit]: ...


def renumber(hits: Sequence[Hit]) -> list[Hit]:
    """The hits with ranks 1, 2, … in their new order."""
    return [hit if hit.rank == rank else replace(hit, rank=rank) for rank, hit in enumerate(hits, start=1)]
