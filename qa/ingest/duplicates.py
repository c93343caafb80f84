"""Near-duplicate (syndicated) articles, found at ingest with MinHash LSH (datasketch).

An article's fingerprint is the MinHash of its word trigrams (lower case, the cleaned article
text: boilerplate lines are already gone). Two articles are copies when the estimated Jaccard
similarity of their trigram sets reaches `THRESHOLD`; an LSH index (bands of the signature)
finds the candidates without comparing every pair. Each file record keeps its fingerprint
(`minhash`, base64) and its group (`group`: the source name of the group's first member, ""
for an article without copies), so a later ingest compares new files with the indexed ones
without reading them again.

A new article joins the group of its most similar indexed copy; groups are never merged
afterwards (an article similar to two groups joins the closer one). Chosen on 10kGNAD with
syndicated copies made from it (benchmarks/bench_duplicates.py: other headline, boilerplate,
10 % of the sentences rewritten).
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, field

import numpy as np

from qa.language import words

NUM_PERM = 128
SEED = 13
SCHEME = "affine32"  # datasketch's permutation scheme (32-bit values); stored fingerprints depend on it
SHINGLE = 3  # words per shingle
THRESHOLD = 0.5  # estimated Jaccard similarity of the shingle sets from which two articles are copies
MIN_SHINGLES = 20  # shorter texts (a headline and a line) are never grouped: too little to tell


def shingles(text: str) -> list[bytes]:
    tokens = words(text)
    return list({" ".join(tokens[i:i + SHINGLE]).encode() for i in range(max(0, len(tokens) - SHINGLE + 1))})


def fingerprint(text: str):
    """The MinHash of a text's word trigrams (None when the text is too short to compare)."""
    from datasketch import MinHash

    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    minhash.update_batch(grams)
    return minhash


def encode(minhash) -> str:
    """A fingerprint as text for the file record (affine32: its hash values are below 2**32)."""
    return base64.b64encode(np.asarray(minhash.hashvalues, dtype="<u4").tobytes()).decode("ascii")


def decode(text: str):
    from datasketch import MinHash

    values = np.frombuffer(base64.b64decode(text), dtype="<u4").astype(np.uint64)
    return MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=values, scheme=SCHEME)


@dataclass
class DuplicateIndex:
    """The fingerprints of the indexed articles and their groups; `assign` places a new one."""

    threshold: float = THRESHOLD
    groups: dict[str, str] = field(default_factory=dict)  # source -> group ("" alone)
    changed: set[str] = field(default_factory=set)  # sources whose group `assign` changed
    _hashes: dict = field(default_factory=dict)
    _lsh: object = None

    def __post_init__(self) -> None:
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=self.threshold, num_perm=NUM_PERM)

    def add(self, source: str, minhash, group: str = "") -> None:
        """An article that is already placed (an indexed one, with its recorded group)."""
        self.groups[source] = group
        if minhash is not None:
            self._hashes[source] = minhash
            self._lsh.insert(source, minhash)

    def assign(self, source: str, minhash) -> str:
        """Place a new article: the group of its closest copy, or "" without one; it is added."""
        best, similarity = None, self.threshold
        if minhash is not None:
            for other in self._lsh.query(minhash):
                score = minhash.jaccard(self._hashes[other])
                if score >= similarity and (best is None or score > similarity or other < best):
                    best, similarity = other, score
        group = ""
        if best is not None:
            group = self.groups.get(best) or best
            if not self.groups.get(best):
                self.groups[best] = group
                self.changed.add(best)
        self.add(source, minhash, group)
        return group

    def members(self, group: str) -> list[str]:
        return sorted(s for s, g in self.groups.items() if g == group) if group else []


def place(committed: dict, articles: list, text_of) -> tuple[dict[str, tuple[str, str]], list]:
    """Groups for the articles about to be indexed, against the indexed files.

    `committed`: source -> FileRecord of the index; `articles`: the Articles to (re-)index;
    `text_of(source)`: the clean text of an indexed file whose record has no fingerprint yet
    (an index built before fingerprints; None when it cannot be read). Returns ({source:
    (group, fingerprint)} for the articles, the indexed records to rewrite: their group changed
    or they got their fingerprint)."""
    from dataclasses import replace

    index, renewed = DuplicateIndex(), {}
    incoming = {a.source for a in articles}
    for source, record in sorted(committed.items()):
        if source in incoming or record.skipped or not record.chunks:
            continue
        minhash = decode(record.minhash) if record.minhash else None
        if not record.minhash:
            text = text_of(source)
            minhash = fingerprint(text) if text else None
            if minhash is not None:
                renewed[source] = replace(record, minhash=encode(minhash))
        index.add(source, minhash, record.group)
    placed = {}
    for article in sorted(articles, key=lambda a: a.source):
        minhash = fingerprint(article.clean_text)
        placed[article.source] = (index.assign(article.source, minhash), encode(minhash) if minhash else "")
    for source in index.changed:
        if source in placed:
            placed[source] = (index.groups[source], placed[source][1])
        else:
            renewed[source] = replace(renewed.get(source, committed[source]), group=index.groups[source])
    return placed, list(renewed.values())
