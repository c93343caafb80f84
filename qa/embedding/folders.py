"""Model folders written once: built in a temporary sibling, published by a rename, proven complete
by a marker file written last, one process at a time (a lock file beside them).

Used by the conversions of the bundled encoder (`e5_bundle`) and of the ONNX graphs
(`onnx_model`). Not handled: file systems without `flock` (the lock) or atomic renames.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable


def is_complete(folder: Path, marker: str, digest: str) -> bool:
    """True when `folder/marker` names `digest` first (a finished build of that source)."""
    try:
        return (folder / marker).read_text(encoding="utf-8").split()[0] == digest
    except (OSError, IndexError):
        return False


def build_once(target: Path, marker: str, digest: str, note: str, build: Callable[[Path], None]) -> None:
    """Unless `target` is complete for `digest`: `build(staging)` in a temporary sibling, write the
    marker ("<digest>  <note>") and rename it into place (an older `target` is moved aside first).
    Leftovers of an interrupted build are removed; OSError is the caller's to word."""
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    with exclusive(parent / f".{target.name}.lock"):
        if is_complete(target, marker, digest):  # another process finished meanwhile
            return
        for leftover in parent.glob(f".{target.name}.tmp-*"):  # from an interrupted build
            shutil.rmtree(leftover, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=parent))
        try:
            build(staging)
            os.chmod(staging, 0o755)  # mkdtemp creates it 0700
            (staging / marker).write_text(f"{digest}  {note}\n", encoding="utf-8")
            if target.exists():  # unfinished or from another source: moved aside first
                aside = tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=parent)
                os.replace(target, Path(aside) / "old")
            os.replace(staging, target)
        finally:
            for leftover in parent.glob(f".{target.name}.tmp-*"):
                shutil.rmtree(leftover, ignore_errors=True)


@contextlib.contextmanager
def exclusive(lock_path: Path):
    """An inter-process lock (released by the OS if the process dies)."""
    import fcntl

    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
