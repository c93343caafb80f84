"""The corpus folder on disk: which files may be read, and reading them without leaving it.

Nothing outside the corpus folder is ever read, whatever the link: every path is resolved
before it is listed and again when it is read, and a file or folder whose real location is
outside the folder is refused with a German reason (the ingest report lists it). Links that
stay inside are followed for files; folders that are links are never descended into (their
files are found under their real place when it is inside). A file is opened without
following a final link, and only a regular file is read (never a FIFO or a device).

Not handled: a folder inside the corpus that is swapped for a link between the check and the
read of a file in it (the window is the time of one `open`).
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from qa.errors import CorpusError
from qa.ingest.formats import suffixes


@dataclass(frozen=True)
class Listing:
    files: list[Path]
    refused: list[tuple[str, str]] = field(default_factory=list)  # (source name, German reason)


def source_name(path: Path, corpus_dir: Path) -> str:
    """The name a file is known by: its path relative to the corpus folder."""
    return path.relative_to(corpus_dir).as_posix()


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def list_corpus(corpus_dir: Path) -> Listing:
    """Supported files in the corpus folder and its sub-folders, sorted by name, and the links
    that lead out of it (refused)."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"Der Korpusordner {corpus_dir} existiert nicht.")
    root = corpus_dir.resolve()
    files, refused = [], []
    supported = suffixes()
    for folder, dirs, names in os.walk(corpus_dir, followlinks=False):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in dirs:
            reason = outside_reason(here / name, root, corpus_dir, "Der Ordner")
            if reason:
                refused.append((source_name(here / name, corpus_dir), reason))
        for name in sorted(names):
            path = here / name
            if name.startswith(".") or path.suffix.lower() not in supported:
                continue
            reason = outside_reason(path, root, corpus_dir, "Die Datei")
            if reason:
                refused.append((source_name(path, corpus_dir), reason))
            elif path.is_file():
                files.append(path)
    files.sort(key=lambda p: source_name(p, corpus_dir))
    return Listing(files, sorted(refused))


def iter_corpus_files(corpus_dir: Path) -> list[Path]:
    """The files of `list_corpus` (without the refused links)."""
    return list_corpus(corpus_dir).files


def outside_reason(path: Path, root: Path, corpus_dir: Path, kind: str) -> str | None:
    """A German reason when `path` is a link whose target lies outside the corpus folder."""
    if not path.is_symlink():
        return None
    name = source_name(path, corpus_dir)
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return f"{kind} {name} ist eine Verknüpfung, die sich nicht auflösen lässt, und wird nicht gelesen."
    if target.is_relative_to(root):
        return None
    return (f"{kind} {name} ist eine Verknüpfung nach {target}, außerhalb des Korpusordners, "
            "und wird nicht gelesen.")


def read_corpus_file(path: Path, corpus_dir: Path, limit: int | None = None) -> bytes:
    """The bytes of a corpus file, only if its real location is inside the corpus folder and it
    is a regular file; CorpusError (German) otherwise. More than `limit` bytes: CorpusError."""
    with _open_inside(path, corpus_dir, limit) as f:
        try:
            return f.read()
        except OSError as exc:
            raise CorpusError(f"Die Datei {source_name(path, corpus_dir)} kann nicht gelesen werden "
                              f"({os_reason(exc)}).") from exc


def check_readable(path: Path, corpus_dir: Path) -> None:
    """CorpusError (German) unless `read_corpus_file` would read the file (it is opened, not read)."""
    with _open_inside(path, corpus_dir, None):
        pass


def _open_inside(path: Path, corpus_dir: Path, limit: int | None):
    name = source_name(path, corpus_dir)
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise CorpusError(f"Die Datei {name} kann nicht gelesen werden ({os_reason(exc)}).") from exc
    if not real.is_relative_to(corpus_dir.resolve()):
        raise CorpusError(f"Die Datei {name} ist eine Verknüpfung nach {real}, außerhalb des Korpusordners, "
                          "und wird nicht gelesen.")
    try:
        f = os.fdopen(os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK), "rb")
    except OSError as exc:
        raise CorpusError(f"Die Datei {name} kann nicht gelesen werden ({os_reason(exc)}).") from exc
    info = os.fstat(f.fileno())
    problem = (f"Die Datei {name} ist keine gewöhnliche Datei und wird nicht gelesen."
               if not stat.S_ISREG(info.st_mode) else
               f"Die Datei {name} ist größer als {limit // 1_000_000} MB und wird übersprungen."
               if limit is not None and info.st_size > limit else None)
    if problem:
        f.close()
        raise CorpusError(problem)
    return f


_REASONS = {errno.ENOENT: "sie ist nicht mehr vorhanden", errno.EACCES: "keine Leseberechtigung",
            errno.EPERM: "keine Leseberechtigung", errno.EISDIR: "sie ist ein Ordner",
            errno.ELOOP: "Verknüpfung statt Datei", errno.EIO: "Ein-/Ausgabefehler des Datenträgers"}


def os_reason(exc: BaseException) -> str:
    """A short German reason for an OSError (the system's own text is English)."""
    if isinstance(exc, RuntimeError):
        return "Schleife aus Verknüpfungen"
    code = getattr(exc, "errno", None)
    return _REASONS.get(code, f"Systemfehler {errno.errorcode.get(code, code)}")


def citation_notes(corpus_dir: Path, citations) -> tuple[str, ...]:
    """A German note for each cited file that cannot be read any more since the ingest (its
    quotes come from the index and can no longer be checked in the article)."""
    notes = []
    for source in dict.fromkeys(c.source for c in citations):
        try:
            check_readable(corpus_dir / source, corpus_dir)
        except CorpusError as exc:
            numbers = " ".join(f"[{c.number}]" for c in citations if c.source == source)
            notes.append(f"{exc} Das Zitat {numbers} stammt aus dem Index und lässt sich im Artikel "
                         "nicht mehr prüfen.")
    return tuple(notes)
