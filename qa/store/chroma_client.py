"""Chroma clients: opening one (local folder or server), forgetting a local one, our embedding
function, and the translation of storage failures into German errors.

Chroma keeps one in-memory system per local folder and process, with the vector index as it
was when that system opened it: a write by another process shows up in the sqlite metadata
(counts, collection metadata) but not in query results. `forget_local_client` drops the
cached system so that the next client reads the folder anew; clients that are still in use
keep working on their old system.

A local folder that is deleted or replaced underneath a running process (`rm -rf`, the recovery
of a damaged index by `qa ingest --rebuild` in another process) is recognised by its identity
(`folder_identity`: device and inode of the folder and of its catalogue): the open files of the
old system still read the deleted ones. A full disk is its own German error (`DiskFullError`),
never "damaged": the advice to rebuild would need even more space.
"""
from __future__ import annotations

import errno
import functools
import logging
import threading
import time

from qa.config import Settings
from qa.errors import (DiskFullError, IndexCorruptError, IndexMismatchError, IndexNotFoundError, QAError,
                       ServerUnavailableError)

logger = logging.getLogger(__name__)


def remove_local_index(settings: Settings) -> None:
    """Delete a damaged local index folder so it can be rebuilt (never a folder that is not Chroma's)."""
    import shutil

    folder = settings.vectorstore_dir
    if not folder.exists():
        return
    entries = {p.name for p in folder.iterdir()}
    if entries and "chroma.sqlite3" not in entries:
        raise IndexCorruptError(
            f"Der Ordner {folder} enthält Dateien, die nicht zu einem Chroma-Index gehören; "
            "er wird nicht gelöscht. Bitte einen anderen Ordner für den Index wählen (QA_VECTORSTORE_DIR).")
    shutil.rmtree(folder)
    forget_local_client(settings)


def folder_identity(settings: Settings) -> tuple | None:
    """Which local index folder is there now: device and inode of the folder and of its catalogue
    (None in server mode, or when there is none). A folder deleted and made anew has another."""
    if settings.server_mode:
        return None
    try:
        folder = settings.vectorstore_dir.stat()
        catalogue = (settings.vectorstore_dir / "chroma.sqlite3").stat()
    except OSError:
        return None
    return folder.st_dev, folder.st_ino, catalogue.st_dev, catalogue.st_ino


_FULL_TEXTS = ("no space left on device", "disk is full", "disk quota exceeded")


def is_disk_full(exc: BaseException | None) -> bool:
    """The failure (or one it came from) is a full disk: ENOSPC/EDQUOT, or sqlite's and the
    operating system's texts for it as Chroma passes them on."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if any(text in str(exc).lower() for text in _FULL_TEXTS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def disk_full_error(settings: Settings) -> DiskFullError:
    where = (f"auf dem Chroma-Server {settings.chroma_host}:{settings.chroma_port}" if settings.server_mode
             else f"auf dem Datenträger des Index ({settings.vectorstore_dir})")
    return DiskFullError(
        f"Kein Speicherplatz mehr {where}: der Index kann nicht weiter geschrieben werden. Er ist nicht "
        "beschädigt – der zuletzt fertige Stand bleibt lesbar und wird weiter verwendet. Bitte Speicherplatz "
        "freigeben und dann `qa ingest` erneut ausführen (nicht `--rebuild`: ein Neuaufbau braucht zeitweise "
        "doppelt so viel Platz).")


def forget_local_client(settings: Settings) -> None:
    """Drop Chroma's cached system for the local folder, so the next client reads it anew.

    Chroma caches one system per folder and process (keyed by the folder as given); clients
    opened before keep theirs. Nothing to do in server mode."""
    if settings.server_mode:
        return
    from chromadb.api.shared_system_client import SharedSystemClient

    system = SharedSystemClient._identifier_to_system.pop(str(settings.vectorstore_dir), None)
    SharedSystemClient._identifier_to_refcount.pop(str(settings.vectorstore_dir), None)
    _systems_of.pop(str(settings.vectorstore_dir), None)
    if system is not None:
        _retire(system)


_systems_of: dict[str, tuple | None] = {}  # folder -> identity of the folder its cached system reads


RETIRE_SECONDS = 120.0  # a forgotten system is stopped this long after (no question takes longer)
_retired: list[tuple[float, object]] = []
_retired_lock = threading.Lock()


def _retire(system) -> None:
    """Stop forgotten systems once questions that were using them have long finished (each holds
    a copy of the vector index in memory)."""
    now = time.monotonic()
    with _retired_lock:
        due = [old for since, old in _retired if now - since > RETIRE_SECONDS]
        _retired[:] = [(since, old) for since, old in _retired if now - since <= RETIRE_SECONDS]
        _retired.append((now, system))
    for old in due:
        try:
            old.stop()
        except Exception as exc:  # stopping is best effort
            logger.info("could not stop a retired Chroma system: %s", exc)


def open_client(settings: Settings):
    """A Chroma client for the settings: HTTP when a server is named, else the local folder."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.server_mode:
        try:
            client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                         settings=chroma_settings)
            client.heartbeat()
        except Exception as exc:  # connection refused, DNS, timeouts: all mean "not reachable"
            raise ServerUnavailableError(
                f"Der Chroma-Server {settings.chroma_host}:{settings.chroma_port} ist nicht erreichbar. "
                "Bitte prüfen Sie, ob er läuft (`chroma run --path DIR --port PORT`), "
                "oder lassen Sie QA_CHROMA_HOST leer, um den lokalen Index zu verwenden."
            ) from exc
        return client
    key = str(settings.vectorstore_dir)
    try:
        settings.vectorstore_dir.mkdir(parents=True, exist_ok=True)
        if key in _systems_of and _systems_of[key] != folder_identity(settings):
            forget_local_client(settings)  # the cached system reads a folder that was deleted or replaced
        client = chromadb.PersistentClient(path=key, settings=chroma_settings)
        _systems_of.setdefault(key, folder_identity(settings))
        return client
    except Exception as exc:
        forget_local_client(settings)  # Chroma keeps a system that failed to start: never reuse it
        if is_disk_full(exc):
            raise disk_full_error(settings) from exc
        raise IndexCorruptError(
            f"Der Index in {settings.vectorstore_dir} ist beschädigt ({type(exc).__name__}). "
            "Bitte `qa ingest --rebuild` ausführen, um ihn neu aufzubauen."
        ) from exc


def chroma_embedding_function(embedder):
    """Our embedder as a Chroma embedding function (Chroma's default is an English model)."""
    from chromadb.api.types import EmbeddingFunction

    class QAEmbeddingFunction(EmbeddingFunction):
        def __init__(self, inner=None) -> None:
            self._inner = inner

        def __call__(self, input):
            return list(self._inner.embed_passages(list(input)))

        def embed_query(self, input):
            return list(self._inner.embed_queries(list(input)))

        @staticmethod
        def name() -> str:
            return "qa-sentence-transformers"

        def get_config(self) -> dict:
            return {"model": getattr(self._inner, "name", "")}

        @staticmethod
        def build_from_config(config: dict) -> "QAEmbeddingFunction":
            return QAEmbeddingFunction()

        def default_space(self):
            return "cosine"

    return QAEmbeddingFunction(embedder)


_OUR_BUGS = (TypeError, AttributeError, NameError, AssertionError, IndexMismatchError, IndexNotFoundError)


def not_the_index(settings: Settings, exc: BaseException) -> QAError | None:
    """The error for a failure that is not the index's fault: a full disk, a server that stopped
    answering; None for any other."""
    if is_disk_full(exc):
        return disk_full_error(settings)
    if settings.server_mode:
        return ServerUnavailableError(
            f"Der Chroma-Server {settings.chroma_host}:{settings.chroma_port} antwortet nicht mehr "
            f"({type(exc).__name__}). Bitte den Server prüfen und die Frage erneut stellen.")
    return None


def guarded(method):
    """Translate a storage failure inside a Chroma call into a German QA error.

    A full disk becomes DiskFullError; a server that stopped answering ServerUnavailableError;
    a local index that was deleted or damaged underneath a running process IndexCorruptError.
    Programming errors pass through unchanged."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except QAError:
            raise
        except _OUR_BUGS:
            raise
        except Exception as exc:
            settings = self.settings
            error = not_the_index(settings, exc)
            if error is not None:
                raise error from exc
            raise IndexCorruptError(
                f"Der Index in {settings.vectorstore_dir} ist nicht lesbar ({type(exc).__name__}: {exc}). "
                "Bitte `qa ingest --rebuild` ausführen, um ihn neu aufzubauen.") from exc

    return wrapper
