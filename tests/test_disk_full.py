"""A full disk while the index is written: a German "Kein Speicherplatz …" (not "damaged", and no
advice to rebuild, which needs more space), the previous index stays readable and in service,
and `qa ask` answers from it.

The full disk is simulated: in the `qa` subprocesses (`tests/qa_fakes.py`, QA_TEST_DISK_FULL=1)
every write of chunks or file records raises OSError(errno.ENOSPC); in this process the same
through monkeypatch.
"""
import errno
import json
import os

import pytest

from conftest import ADDED, ADDED_TEXT, FakeEmbedder, qa_fake

QUESTION = "Wie viele Mitglieder zählt die Koalition gegen den IS?"
ANSWERING = "004_bde43ff6797f91e1.txt"
SEEDS = {"000_955454e9edcba319.txt", "001_6d1949913e7253d0.txt", "002_02adc48ef0db0a26.txt",
         "003_a0779ffe5682cfbe.txt", ANSWERING}


@pytest.fixture
def full_disk(settings):
    """The seed corpus indexed, then a new article, and `qa` on a disk that is full."""
    from qa.ingest.indexer import ingest

    ingest(settings, FakeEmbedder(), progress=False)
    (settings.corpus_dir / ADDED).write_text(ADDED_TEXT, encoding="utf-8")
    env = dict(os.environ, QA_CORPUS_DIR=str(settings.corpus_dir), QA_VECTORSTORE_DIR=str(settings.vectorstore_dir),
               QA_TEST_DISK_FULL="1")
    env.pop("QA_CHROMA_HOST", None)
    return settings, env


def served(settings) -> set[str]:
    """The articles a new reader of the index is served."""
    from qa.pipeline import Pipeline

    pipeline = Pipeline(settings, embedder=FakeEmbedder())
    found = {hit.chunk.source for hit in pipeline.retrieve(QUESTION, k=30)}
    assert found <= {r.source for r in pipeline.articles()}
    return {r.source for r in pipeline.articles()}


def collections(settings) -> set[str]:
    from qa.store.chroma import ChromaStore

    return {c.name for c in ChromaStore(settings, FakeEmbedder()).client.list_collections()}


def says_disk_full(stderr: str) -> bool:
    return ("Kein Speicherplatz mehr" in stderr and "beschädigt" not in stderr.replace("nicht beschädigt", "")
            and "nicht lesbar" not in stderr and "Bitte `qa ingest --rebuild`" not in stderr
            and "Traceback" not in stderr)


@pytest.mark.slow
def test_qa_ingest_on_a_full_disk_says_so_and_keeps_the_index(full_disk):
    settings, env = full_disk
    before = collections(settings)
    run = qa_fake(env, "ingest")
    assert run.returncode == 1 and run.stderr.startswith("Fehler: Kein Speicherplatz mehr"), run.stderr
    assert says_disk_full(run.stderr)  # was: "Der Index … ist nicht lesbar (OSError …). Bitte `qa ingest --rebuild` …"
    assert served(settings) == SEEDS

    rebuild = qa_fake(env, "ingest", "--rebuild")  # what the old message advised
    assert rebuild.returncode == 1 and says_disk_full(rebuild.stderr), rebuild.stderr
    assert served(settings) == SEEDS
    assert collections(settings) == before  # was: the half-built pair stayed, taking more space

    env.pop("QA_TEST_DISK_FULL")  # space again
    run = qa_fake(env, "ingest")
    assert run.returncode == 0 and "1 neu" in run.stdout, run.stderr
    assert served(settings) == SEEDS | {ADDED}


@pytest.mark.slow
def test_qa_ask_answers_from_the_previous_index_on_a_full_disk(full_disk):
    settings, env = full_disk
    run = qa_fake(env, "ask", "--json", QUESTION)  # it would update the index first (a new article)
    assert run.returncode == 0, run.stderr  # was: "Fehler: Der Index … ist nicht lesbar …"
    assert "Hinweis: Kein Speicherplatz mehr" in run.stderr and says_disk_full(run.stderr)
    record = json.loads(run.stdout)
    assert record["answer"] and ANSWERING in {hit["source"] for hit in record["retrieved"]}
    assert ADDED not in {hit["source"] for hit in record["retrieved"]}


def test_a_full_disk_when_opening_never_deletes_the_index(settings, monkeypatch):
    """Opening the folder can fail for want of space too (Chroma writes when it starts): a
    rebuild must not take that for a damaged folder and delete it."""
    import chromadb

    from qa.errors import QAError
    from qa.ingest.indexer import ingest
    from qa.store import chroma_client

    ingest(settings, FakeEmbedder(), progress=False)
    chroma_client.forget_local_client(settings)

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(chromadb, "PersistentClient", no_space)
    with pytest.raises(QAError, match="Kein Speicherplatz mehr"):  # DiskFullError
        ingest(settings, FakeEmbedder(), rebuild=True, progress=False)
    monkeypatch.undo()
    assert (settings.vectorstore_dir / "chroma.sqlite3").exists()  # was: deleted as "beschädigt"
    assert served(settings) == SEEDS


def test_sqlite_and_chroma_texts_for_a_full_disk_are_recognised():
    from qa.store.chroma_client import is_disk_full

    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as inner:
            raise RuntimeError("Error executing plan") from inner
    except RuntimeError as outer:
        assert is_disk_full(outer)
    assert is_disk_full(Exception("error returned from database: (code: 13) database or disk is full"))
    assert not is_disk_full(Exception("error returned from database: (code: 26) file is not a database"))
