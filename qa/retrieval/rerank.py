"""The reranking stage between retrieval and answering: the registry of rerankers.

`Pipeline.retrieve` (which `qa eval` goes through too) hands the fused hits to the reranker
the settings name (`reranker`); the default, `diversify` (qa.retrieval.diversify), keeps one hit
per near-duplicate group, `none` keeps their order. A reranker returns the hits it
keeps, best first, renumbered from rank 1 (`renumber`). A new one is a class with `name` and
`rerank` (the `Reranker` protocol of qa.retrieval.reranker), plus one line in `RERANKERS`. Its
factory gets the settings and the retriever of the index it reranks for (the Pipeline builds a
new reranker with every new retriever), never the Pipeline.
Another package adds one through the entry point group `qa_de.rerankers` (value: the factory),
read when the registry is first read (qa.plugins).
"""
from __future__ import annotations

from typing import Sequence

from qa.errors import SettingsError
from qa.plugins import GROUP_PREFIX, Registry
from qa.records import Hit
from qa.retrieval.diversify import Diversify
from qa.retrieval.reranker import Reranker, renumber  # noqa: F401  the registry's names for rerankers


class KeepOrder:
    """The identity reranker: the fused ranking as it is."""

    name = "none"

    def rerank(self, question: str, hits: Sequence[Hit]) -> list[Hit]:
        return list(hits)


RERANKERS: Registry = Registry(GROUP_PREFIX + "rerankers", {"none": lambda settings, retriever: KeepOrder(),
                                                            "diversify": Diversify})
"""name -> factory(settings, retriever). A reranker may have `pool(k)`: how many fused hits it
wants to see for a list of k (default k); the pipeline cuts its result to k."""


def check(name: str) -> str:
    """`name` when it is a registered reranker; a SettingsError (German) when unknown."""
    if name not in RERANKERS:
        raise SettingsError(f"Einstellung reranker: unbekannter Wert {name!r} ({', '.join(RERANKERS)}).")
    return name


def make_reranker(settings, retriever=None) -> Reranker:
    """The reranker the settings name, for the hits of `retriever` (a qa.retrieval.hybrid.Retriever)."""
    return RERANKERS[check(settings.reranker)](settings, retriever)
