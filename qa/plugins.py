"""Registries that other packages extend: a name -> implementation mapping whose built-in entries
are joined, on first read, by those of installed packages' entry points.

The four extension slots (README, "Extending"): answerers (`qa_de.answerers`), rerankers
(`qa_de.rerankers`), stores (`qa_de.stores`) and corpus formats (`qa_de.formats`). A package adds
one by declaring an entry point in that group, as `llm` takes its plugins:

    [project.entry-points."qa_de.formats"]
    rst = "qa_rst:read_rst"

The registry reads the group once, when it is first read (not at import), and loads each entry
point's object then; `normalise` turns an entry point's name into a key (formats: ".rst") and
`adapt` its object into an entry (answerers: a bare factory becomes a `Spec`). Built-in names
win: a plugin that takes one, or that cannot be loaded, is left out with a German warning in
the log, never an error. Not here: what an entry must be (each registry's module says so), and
any check of a plugin beyond loading it.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import MutableMapping
from importlib.metadata import entry_points
from typing import Any, Callable, Iterator

logger = logging.getLogger(__name__)

GROUP_PREFIX = "qa_de."


class Registry(MutableMapping):
    """Built-in entries plus those of the entry point group `group` (read once, on first use).

    Reads and writes go to one dict; writing (tests, a plugin module registering itself) does not
    load the plugins, reading does."""

    def __init__(self, group: str, entries: dict[str, Any], normalise: Callable[[str], str] = lambda name: name,
                 adapt: Callable[[str, Any], Any] = lambda name, value: value) -> None:
        self.group = group
        self._entries = dict(entries)
        self._normalise, self._adapt = normalise, adapt
        self._loaded = False
        self._lock = threading.Lock()

    def _all(self) -> dict[str, Any]:
        if not self._loaded:
            with self._lock:
                if not self._loaded:
                    self._load()
                    self._loaded = True
        return self._entries

    def _load(self) -> None:
        for point in entry_points(group=self.group):
            key = self._normalise(point.name)
            if key in self._entries:
                logger.warning("Erweiterung %s (%s) nicht geladen: der Name %s ist schon vergeben.",
                               point.value, self.group, key)
                continue
            try:
                self._entries[key] = self._adapt(key, point.load())
            except Exception as exc:  # a broken plugin must not stop the product
                logger.warning("Erweiterung %s (%s) konnte nicht geladen werden: %s", point.value, self.group, exc)

    def __getitem__(self, key: str) -> Any:
        return self._all()[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._entries[key] = value

    def __delitem__(self, key: str) -> None:
        del self._entries[key]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._all()))

    def __len__(self) -> int:
        return len(self._all())

    def __contains__(self, key: object) -> bool:
        return key in self._all()

    def __repr__(self) -> str:
        return f"Registry({self.group!r}, {list(self._entries)!r})"
