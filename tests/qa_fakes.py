"""`qa` as its console script runs it, with the fake embedder, and with faults for tests.

    python tests/qa_fakes.py ingest [--rebuild]      # or ask, serve: any `qa` command

- the embedding model is `conftest.FakeEmbedder` (no model to load; the index records its name,
  so every process of a test must use it);
- QA_TEST_KILL_AFTER=<step>: the process kills itself (SIGKILL) right after that step of the
  ingest (one of `qa.ingest.indexer.STEPS`);
- QA_TEST_DISK_FULL=1: every write of chunks or file records fails with ENOSPC (Chroma's
  `Collection.upsert` raises OSError(errno.ENOSPC)), as on a full disk.
"""
import errno
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import FakeEmbedder  # noqa: E402

import qa.embedding.embedder  # noqa: E402
from qa.ingest import indexer  # noqa: E402

_fake = FakeEmbedder()
qa.embedding.embedder.load_embedder = lambda settings: _fake

KILL_AFTER = os.environ.get("QA_TEST_KILL_AFTER")
if KILL_AFTER:
    assert KILL_AFTER in indexer.STEPS, KILL_AFTER

    def _kill(step: str) -> None:
        if step == KILL_AFTER:
            os.kill(os.getpid(), signal.SIGKILL)

    indexer.STEP_HOOK = _kill

if os.environ.get("QA_TEST_DISK_FULL"):
    from chromadb.api.models.Collection import Collection

    def _no_space(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    Collection.upsert = _no_space

if __name__ == "__main__":
    from qa.cli import main

    main(sys.argv[1:], prog_name="qa")
