"""The default reranker: one hit per near-duplicate group, so that copies of one agency report do
not crowd out other sources.

The pipeline hands it a deeper pool of fused hits (`pool`: `candidates`, not only `top_k`); it
walks them best first and drops a hit whose article is a copy (same `group`, another file) of an
article already kept. Several passages of one article stay: they say different things. The kept
hit carries the other articles of its group (`Hit.copies`: "auch berichtet von …"), also those
that were not retrieved, as the retriever it is given knows them (without one: none); an
undated article can show a dated copy's date from them (`Citation.date_copy`). The list is cut
to `top_k` by the pipeline.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from qa.records import Hit
from qa.retrieval.reranker import renumber


class Diversify:
    name = "diversify"

    def __init__(self, settings, retriever=None) -> None:
        self.settings = settings
        self.retriever = retriever  # a qa.retrieval.hybrid.Retriever: the groups' other articles

    def pool(self, k: int) -> int:
        """How many fused hits to look at for a list of k."""
        return max(k, self.settings.candidates)

    def rerank(self, question: str, hits: Sequence[Hit]) -> list[Hit]:
        kept, shown_by = [], {}  # group -> the source that represents it
        for hit in hits:
            group = hit.chunk.group
            if group:
                if shown_by.setdefault(group, hit.chunk.source) != hit.chunk.source:
                    continue  # a copy of an article already in the list
                copies = self._copies(hit)
                if copies:
                    hit = replace(hit, copies=copies)
            kept.append(hit)
        return renumber(kept)

    def _copies(self, hit: Hit):
        return self.retriever.copies(hit.chunk) if self.retriever is not None else ()
