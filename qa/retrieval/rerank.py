"""The reranking stage between retrieval and answering: `Reranker` and the registry.

`Pipeline.retrieve` (which `qa eval` goes through too) hands the fused hits to the reranker
the settings name (`reranker`); the default, `diversify` (qa.retrieval.diversify), keeps one hit
per near-duplicate group, `none` keeps their order. A reranker returns the hits it
keeps, best first, renumbered from rank 1. A new one is a class with `name` and `rerank`, plus
one line in `RERANKERS`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Protocol, Sequence

from qa.records import Hit


class Reranker(Protocol):
    name: str

    def rerank(self, question: str, hits: Sequence[Hit]) -> list[Hit]: ...


class KeepOrder:
    """The identity reranker: the fused ranking as it is."""

    name = "none"

    def rerank(self, question: str, hits: Sequence[Hit]) -> list[Hit]:
        return list(hits)


def renumber(hits: Sequence[Hit]) -> list[Hit]:
    """The hits with ranks 1, 2, … in their new order."""
    return [hit if hit.rank == rank else replace(hit, rank=rank) for rank, hit in enumerate(hits, start=1)]


def _diversify(settings, pipeline) -> Reranker:
    from qa.retrieval.diversify import Diversify

    return Diversify(settings, pipeline)


RERANKERS: dict[str, Callable[..., Reranker]] = {"none": lambda settings, pipeline: KeepOrder(),
                                                 "diversify": _diversify}
"""name -> factory(settings, pipeline). A reranker may have `pool(k)`: how many fused hits it
wants to see for a list of k (default k); the pipeline cuts its result to k."""


def make_reranker(settings, pipeline=None) -> Reranker:
    return RERANKERS[settings.reranker](settings, pipeline)
