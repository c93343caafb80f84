"""Generations of a Chroma index: which collections readers use, and a stamp that says when
they changed.

An index is a pair of collections (chunks, file records) named `<name>-g<token>` and
`<name>-g<token>-files`. A small collection `<name>-head` carries, in its metadata, the
names of the live pair and a generation stamp. A writer bumps the stamp when it publishes
(at the end of every ingest that changed something); a reader compares it with the stamp it
opened and reopens when they differ. A rebuild fills a new pair while readers keep using the
old one, points the head at the new pair, and only then deletes the old one; a rebuild that
is killed leaves the old index in service (its half-filled pair is deleted by the next ingest).

The collection metadata lives in Chroma's sqlite catalogue, which another process's writes
reach at once (unlike the vector index a local client keeps in memory), so reading the stamp
costs well under a millisecond locally and one request on a server.

A writer marks the head `unfinished` before it changes the live pair and clears the mark when
it publishes (the same metadata write as the new stamp): a mark that is still there tells the
next writer that an ingest was killed half-way (its leftovers are cleaned up, and it publishes).

An index made before generations existed (`<name>`, `<name>-files`, no head) is read as the
generation "legacy"; the first publish writes a head for it, a rebuild replaces it.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from qa.errors import IndexCorruptError

LEGACY = "legacy"


@dataclass(frozen=True)
class Head:
    generation: str
    chunks: str  # collection names of the live pair
    files: str
    unfinished: bool = False  # a writer changed the live pair and has not published yet


def head_name(base: str) -> str:
    return f"{base}-head"


def new_token() -> str:
    return secrets.token_hex(6)


def pair_names(base: str, token: str) -> tuple[str, str]:
    chunks = f"{base}-g{token}"
    return chunks, f"{chunks}-files"


def read_head(client, base: str, list_names, ef) -> Head | None:
    """The head of the index `base`, the legacy pair as a head, or None when there is no index.

    `list_names()` gives the collection names; it is called only when there is no head (listing
    costs a few times more than reading the head, and readers do this before every question)."""
    try:
        meta = client.get_collection(head_name(base), embedding_function=ef).metadata or {}
    except Exception:  # no head (Chroma's not-found error differs by client); a broken catalogue
        meta = None  # shows up when listing below
    if meta is not None:
        try:
            return Head(str(meta["qa_generation"]), str(meta["qa_chunks"]), str(meta["qa_files"]),
                        bool(meta.get("qa_unfinished", False)))
        except KeyError as exc:
            raise IndexCorruptError(f"Der Kopf des Index ({head_name(base)}) ist unvollständig. "
                                    "Bitte `qa ingest --rebuild` ausführen.") from exc
    names = list_names()
    if head_name(base) in names:
        raise IndexCorruptError(f"Der Kopf des Index ({head_name(base)}) ist nicht lesbar. "
                                "Bitte `qa ingest --rebuild` ausführen.")
    if base in names:
        return Head(LEGACY, base, f"{base}-files")
    return None


def write_head(client, base: str, head: Head, ef) -> None:
    """Point readers at `head` (one metadata write: the switch is atomic)."""
    metadata = {"qa_generation": head.generation, "qa_chunks": head.chunks, "qa_files": head.files,
                "qa_unfinished": head.unfinished}
    collection = client.get_or_create_collection(head_name(base), embedding_function=ef, metadata=metadata)
    collection.modify(metadata=metadata)


def stale_collections(base: str, names: set[str], head: Head, *more: Head) -> list[str]:
    """Collections of the index `base` that the head (and `more`) no longer name (old or half-built pairs)."""
    pattern = re.compile(rf"^{re.escape(base)}(-g[0-9a-f]{{12}})?(-files)?$")
    keep = {name for h in (head, *more) for name in (h.chunks, h.files)}
    return sorted(n for n in names if pattern.match(n) and n not in keep)
