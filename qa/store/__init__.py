"""Where chunks and file records live: the registry of implementations. The `Store` protocol they
follow and `FileRecord` are in qa.store.base (also importable from here).

A store keeps, for one index, the chunks with their vectors and one `FileRecord` per corpus
file (the commit point of that file: only chunks of the recorded version are served). It speaks
in our own records (`Chunk`, `FileRecord`, `Filters`); whatever a backend needs (a filter
language, an encoding of dates, recovery of a damaged folder) stays inside its module.

One implementation today: Chroma, as a local folder or a server (`qa.store.chroma`). Another
backend is one module with a class that follows `Store`, plus one line in `STORES`; another
package adds one through the entry point group `qa_de.stores` (value: the factory), read when the
registry is first read (qa.plugins).
"""
from __future__ import annotations

from qa.errors import SettingsError
from qa.plugins import GROUP_PREFIX, Registry
from qa.store.base import FORMAT_VERSION, FileRecord, Store  # noqa: F401  the package's names


def _chroma(settings, embedder, create: bool, rebuild: bool) -> Store:
    from qa.store.chroma import ChromaStore

    return ChromaStore.open(settings, embedder, create=create, rebuild=rebuild)


STORES: Registry = Registry(GROUP_PREFIX + "stores", {"chroma": _chroma})
"""name -> factory(settings, embedder, create, rebuild)."""


def check(name: str) -> str:
    """`name` when it is a registered store; a SettingsError (German) when unknown."""
    if name not in STORES:
        raise SettingsError(f"Einstellung store: unbekannter Wert {name!r} ({', '.join(STORES)}).")
    return name


def open_store(settings, embedder, create: bool = False, rebuild: bool = False) -> Store:
    """The store the settings name (`store`), opened for this embedder.

    `create` makes an empty index when there is none; `rebuild` starts an empty one (and
    recovers a damaged folder) that replaces the published index when the ingest publishes it."""
    return STORES[check(settings.store)](settings, embedder, create, rebuild)
