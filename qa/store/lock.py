"""One writer per index: a lock file next to it, held for the whole of an ingest.

Local index `vectorstore/`: the lock is `.vectorstore.lock` in the same parent folder (not
inside, so that the recovery of a damaged index can delete the folder while holding it).
Chroma server: a lock file per server and collection in the model cache folder, which
coordinates the processes of one machine only (writers on several machines are not handled).

Readers never take the lock: they keep the last published generation (`qa.store.chroma_head`).
The lock is an OS file lock (`filelock`), so it is released when its process dies, however.
"""
from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from qa.config import Settings
from qa.errors import IndexBusyError

READING_LAST = ("Index wird gerade aufgebaut (ein anderer Prozess schreibt ihn); verwendet wird der "
                "zuletzt fertige Stand des Index.")
WAITING = "Index wird gerade aufgebaut (ein anderer Prozess schreibt ihn) – warte, bis er fertig ist …"

_locks: dict[str, object] = {}
_guard = threading.Lock()


def lock_path(settings: Settings) -> Path:
    if settings.server_mode:
        name = re.sub(r"[^\w.-]+", "_", f"chroma-{settings.chroma_host}-{settings.chroma_port}-{settings.collection}")
        return settings.cache_dir / "locks" / f"{name}.lock"
    folder = settings.vectorstore_dir.absolute()
    return folder.parent / f".{folder.name}.lock"


def _lock(path: Path):
    """One FileLock object per path and process: re-entrant for the thread that holds it."""
    from filelock import FileLock

    with _guard:
        if str(path) not in _locks:
            path.parent.mkdir(parents=True, exist_ok=True)
            _locks[str(path)] = FileLock(path)
        return _locks[str(path)]


def busy_message(settings: Settings) -> str:
    where = (f"auf dem Chroma-Server {settings.chroma_host}:{settings.chroma_port}" if settings.server_mode
             else f"in {settings.vectorstore_dir}")
    return (f"Index wird gerade aufgebaut: ein anderer Prozess schreibt den Index {where} "
            f"(Sperrdatei {lock_path(settings)}). Bitte warten, bis er fertig ist, und dann erneut versuchen.")


@contextmanager
def writer_lock(settings: Settings, wait: float = 0.0) -> Iterator[None]:
    """Hold the index's writer lock; IndexBusyError (German) when another process holds it
    longer than `wait` seconds (-1: wait as long as it takes)."""
    from filelock import Timeout

    lock = _lock(lock_path(settings))
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise IndexBusyError(busy_message(settings)) from None
    try:
        yield
    finally:
        lock.release()
