"""The Chroma store (local folder or server): chunks with vectors, and one record per file.

Two collections per generation (see `qa.store.chroma_head`: which pair is live, and the
stamp a writer bumps when it publishes):
- the chunk collection holds chunks (cosine space). Its metadata is the manifest: format
  version and the embedding model that built it.
- the file collection holds one record per corpus file: the content hash whose
  chunks are live. Writing that record is the commit point of a file, so a
  killed ingest never serves half a file: chunks whose hash is not the
  committed one are ignored by readers and removed by the next ingest.
  (Chroma wants a vector per row: file records carry a constant 2-d one.)

Everything Chroma-specific lives here, in `chroma_client` (PersistentClient or HttpClient,
German errors, recovery of a damaged local folder) and in `chroma_head` (generations): the
translation of `Filters` into Chroma's `where` language and the encoding of dates as YYYYMMDD
numbers in chunk metadata.
"""
from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np

from qa.config import Settings
from qa.errors import IndexCorruptError, IndexMismatchError, IndexNotFoundError
from qa.records import Chunk, Filters
from qa.store.base import FORMAT_VERSION, FileRecord
from qa.store.chroma_client import (chroma_embedding_function, disk_full_error, folder_identity,
                                    forget_local_client, guarded, is_disk_full, not_the_index, open_client,
                                    remove_local_index)
from qa.store.chroma_rows import (chroma_where, chunk_from_row, chunk_metadata, file_metadata,
                                  file_record_from_row)
from qa.store.chroma_head import Head, new_token, pair_names, read_head, stale_collections, write_head

logger = logging.getLogger(__name__)

PAGE = 2000  # rows per Chroma request when reading or writing in bulk


class ChromaStore:
    """The chunk and file collections of one index (implements `qa.store.Store`)."""

    @classmethod
    def open(cls, settings: Settings, embedder, create: bool = False, rebuild: bool = False) -> "ChromaStore":
        """Open the index; `create` makes it when missing; `rebuild` starts a new, empty generation
        that readers see only once it is published, and a damaged local folder is deleted and
        made anew (never a folder that is not Chroma's). A writer (`create`) reads a local folder
        anew: what this process cached of it may predate another process's writes."""
        if create or rebuild:
            forget_local_client(settings)
        try:
            store = cls(settings, embedder, create=create or rebuild, check=not rebuild)
        except IndexCorruptError:
            if not rebuild or settings.server_mode:
                raise
            logger.warning("Der Index in %s ist beschädigt und wird für den Neuaufbau entfernt.",
                           settings.vectorstore_dir)
            remove_local_index(settings)
            store = cls(settings, embedder, create=True)
        if rebuild:
            store.drop()
        return store

    @guarded
    def __init__(self, settings: Settings, embedder, create: bool = False, check: bool = True) -> None:
        """Open the index's live generation; `create` makes an empty one when there is none;
        `check=False` skips the model check (only for a rebuild, which starts a new generation)."""
        self.settings = settings
        self.embedder = embedder
        self.client = open_client(settings)
        self._identity = folder_identity(settings)  # the local folder this store reads (None: server)
        self._rebuilding = False  # drop() made a pair that readers see only after publish()
        self._ef = chroma_embedding_function(embedder)
        head = read_head(self.client, settings.collection, self._names, self._ef)
        if head is None:
            if not create:
                where = (f"auf dem Chroma-Server {settings.chroma_host}:{settings.chroma_port}"
                         if settings.server_mode else f"in {settings.vectorstore_dir}")
                raise IndexNotFoundError(f"Kein Index {where} gefunden – bitte zuerst `qa ingest` ausführen.")
            head = self._new_pair()
            write_head(self.client, settings.collection, head, self._ef)  # a first build is resumable
            self._empty = True
        else:
            self._empty = False
            self.chunks = self._get(head.chunks)
            self.files = self._files(head.files)
            if check:
                self.check_manifest()
        self.head = head

    # -- opening -----------------------------------------------------------
    def _names(self) -> set[str]:
        try:
            return {c if isinstance(c, str) else c.name for c in self.client.list_collections()}
        except Exception as exc:
            error = not_the_index(self.settings, exc)  # a full disk, a server gone
            if error is not None:
                raise error from exc
            raise IndexCorruptError(
                f"Der Index kann nicht gelesen werden ({type(exc).__name__}: {exc}). "
                "Bitte `qa ingest --rebuild` ausführen."
            ) from exc

    def _get(self, name: str):
        try:
            return self.client.get_collection(name, embedding_function=self._ef)
        except Exception as exc:
            if is_disk_full(exc):
                raise disk_full_error(self.settings) from exc
            raise IndexCorruptError(
                f"Die Sammlung {name} im Index ist nicht lesbar ({type(exc).__name__}). "
                "Bitte `qa ingest --rebuild` ausführen."
            ) from exc

    def _files(self, name: str):
        return self.client.get_or_create_collection(name, embedding_function=self._ef,
                                                    configuration={"hnsw": {"space": "cosine"}})

    def _new_pair(self) -> Head:
        """Create an empty chunk and file collection under a new generation (not yet published)."""
        token = new_token()
        chunks, files = pair_names(self.settings.collection, token)
        metadata = {"qa_format": FORMAT_VERSION, "qa_embedding_model": self.embedder.name,
                    "qa_dim": int(self.embedder.dim)}
        self.chunks = self.client.create_collection(chunks, embedding_function=self._ef,
                                                    configuration={"hnsw": {"space": "cosine"}},
                                                    metadata=metadata)
        self.files = self._files(files)
        return Head(token, chunks, files)

    def check_manifest(self) -> None:
        meta = self.chunks.metadata or {}
        model = meta.get("qa_embedding_model")
        if meta.get("qa_format") != FORMAT_VERSION:
            raise IndexMismatchError(
                f"Der Index hat das Format {meta.get('qa_format')!r}, erwartet wird {FORMAT_VERSION}. "
                "Bitte `qa ingest --rebuild` ausführen.")
        if model != self.embedder.name:
            raise IndexMismatchError(
                f"Der Index wurde mit dem Einbettungsmodell {model!r} erstellt, eingestellt ist "
                f"{self.embedder.name!r}. Bitte `qa ingest --rebuild` ausführen, um den Index mit dem "
                "eingestellten Modell neu aufzubauen.")

    # -- generations ---------------------------------------------------------
    @property
    def generation(self) -> str:
        """The generation stamp this store was opened with (or last published)."""
        return self.head.generation

    @guarded
    def current_generation(self) -> str:
        """The stamp the index carries now ("" when it is gone, or when the local folder was deleted
        or replaced since this store opened it: its old files are what this store still reads)."""
        if self._identity is not None and folder_identity(self.settings) != self._identity:
            return ""
        head = read_head(self.client, self.settings.collection, self._names, self._ef)
        return head.generation if head else ""

    @guarded
    def drop(self) -> None:
        """Start over in a new, empty generation (for a rebuild); readers keep the published one
        until `publish`."""
        if not self._empty:  # a store created just now is empty already
            self.head = self._new_pair()
            self._rebuilding = True

    # -- interrupted writers ---------------------------------------------------
    @guarded
    def begin(self) -> None:
        """Mark the live index as being changed (the mark goes with the next `publish`): a writer
        killed before it published leaves it, and the next one cleans up (`interrupted`)."""
        if self._rebuilding:
            return  # readers do not see the pair a rebuild writes
        head = read_head(self.client, self.settings.collection, self._names, self._ef) or self.head
        write_head(self.client, self.settings.collection, replace(head, unfinished=True), self._ef)

    @guarded
    def interrupted(self) -> bool:
        """A writer was stopped before it published: it changed the live index (`begin`), or it
        left the collections of a rebuild that the head does not name (`clean_up`)."""
        if self._rebuilding:
            return False
        base = self.settings.collection
        head = read_head(self.client, base, self._names, self._ef)
        return bool(head and (head.unfinished or stale_collections(base, self._names(), head, self.head)))

    @guarded
    def clean_up(self, keep_own: bool = True) -> int:
        """Delete the collections of this index that the head does not name: the pair of a rebuild
        that was killed, and with `keep_own=False` the one this store's own failed rebuild wrote.
        The number of collections deleted."""
        base = self.settings.collection
        head = read_head(self.client, base, self._names, self._ef)
        if head is None:
            return 0
        stale = stale_collections(base, self._names(), head, *([self.head] if keep_own else []))
        for name in stale:
            self.client.delete_collection(name)
        return len(stale)

    @guarded
    def publish(self) -> None:
        """Make what this store wrote the live index with a new stamp, then delete the pairs the
        head no longer names (the one a rebuild replaced, or a half-built one)."""
        base = self.settings.collection
        self.head = Head(new_token(), self.head.chunks, self.head.files)  # also clears `unfinished`
        write_head(self.client, base, self.head, self._ef)
        self._rebuilding = False
        for name in stale_collections(base, self._names(), self.head):
            try:
                self.client.delete_collection(name)
            except Exception as exc:  # deleted meanwhile: nothing left to do
                logger.info("could not delete collection %s: %s", name, exc)

    def close(self) -> None:
        """Stop reusing this store's client: the next store opened on the folder reads it anew
        (operations still running on this one finish on the old client)."""
        forget_local_client(self.settings)

    # -- file records (commit points) ----------------------------------------
    @guarded
    def file_records(self) -> dict[str, FileRecord]:
        return {source: file_record_from_row(source, meta)
                for ids, metas in self._pages(self.files, ["metadatas"]) for source, meta in zip(ids, metas)}

    @guarded
    def file_record(self, source: str) -> FileRecord | None:
        found = self.files.get(ids=[source], include=["metadatas"])
        return file_record_from_row(source, found["metadatas"][0]) if found["ids"] else None

    @guarded
    def commit_files(self, records: list[FileRecord]) -> None:
        """Mark these file versions live (one write: after their chunks are stored)."""
        if not records:
            return
        self.files.upsert(ids=[r.source for r in records], embeddings=[[1.0, 0.0]] * len(records),
                          metadatas=[file_metadata(r) for r in records], documents=[r.source for r in records])

    @guarded
    def forget_file(self, source: str) -> None:
        self.files.delete(ids=[source])

    # -- chunks ----------------------------------------------------------------
    @guarded
    def add_chunks(self, chunks: list[Chunk], vectors: np.ndarray, versions: list[str]) -> None:
        """Store chunks with their vectors; `versions[i]` is the file version of chunk i."""
        for i in range(0, len(chunks), PAGE):
            part = chunks[i:i + PAGE]
            self.chunks.upsert(
                ids=[c.id for c in part],
                embeddings=np.asarray(vectors[i:i + PAGE], dtype=np.float32),
                documents=[c.text for c in part],
                metadatas=[chunk_metadata(c, v) for c, v in zip(part, versions[i:i + PAGE])],
            )

    @guarded
    def delete_chunks(self, source: str, keep_version: str | None = None) -> None:
        """Remove a file's chunks, except those of `keep_version` (its committed version)."""
        where = {"source": source}
        if keep_version is not None:
            where = {"$and": [{"source": source}, {"version": {"$ne": keep_version}}]}
        self.chunks.delete(where=where)

    @guarded
    def all_chunks(self) -> list[tuple[Chunk, str]]:
        """Every stored chunk with the file version it belongs to."""
        return [(chunk_from_row(cid, doc, meta), meta["version"])
                for ids, docs, metas in self._pages(self.chunks, ["documents", "metadatas"])
                for cid, doc, meta in zip(ids, docs, metas)]

    @guarded
    def query(self, vector: np.ndarray, n: int, filters: Filters | None = None) -> list[tuple[Chunk, str, float]]:
        """Nearest chunks that pass the filters: (chunk, its file version, cosine similarity)."""
        count = self.chunks.count()
        if count == 0:
            return []
        result = self.chunks.query(query_embeddings=[np.asarray(vector, dtype=np.float32)],
                                   n_results=min(n, count), where=chroma_where(filters),
                                   include=["documents", "metadatas", "distances"])
        rows = zip(result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0])
        # a local client whose vector index predates another process's deletions returns
        # their ids without metadata: skip them (the reader reopens when it sees the new stamp)
        return [(chunk_from_row(cid, doc, meta), meta["version"], 1.0 - float(dist))
                for cid, doc, meta, dist in rows if meta is not None and doc is not None]

    @guarded
    def count(self) -> int:
        return self.chunks.count()

    def _pages(self, collection, include: list[str]):
        offset = 0
        while True:
            page = collection.get(limit=PAGE, offset=offset, include=include)
            if not page["ids"]:
                return
            yield (page["ids"], *[page[key] for key in include])
            offset += len(page["ids"])
