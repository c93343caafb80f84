"""One writer at a time: the lock file next to the index, as the `qa` console script meets it.

Another process holds the lock (a helper process, or a second real `qa ingest --rebuild`):
writers get the German "Index wird gerade aufgebaut …"; `qa ask` answers from the last
published index without ingesting itself, or, when there is no index yet, waits.
"""
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import CORPUS

pytestmark = pytest.mark.slow  # `qa` subprocesses with the real embedder and reader

QA = str(Path(sys.executable).parent / "qa")
HOLDER = textwrap.dedent("""
    import sys, time
    from qa.config import Settings
    from qa.store.lock import writer_lock

    with writer_lock(Settings(corpus_dir=sys.argv[1], vectorstore_dir=sys.argv[2])):
        print("gesperrt", flush=True)
        sys.stdin.readline()  # hold until the test closes stdin
""")


def qa(env, *args, timeout=900):
    return subprocess.run([QA, *args], capture_output=True, text=True, env=env, timeout=timeout)


class Holder:
    """The writer lock, held by another process until `release()`."""

    def __init__(self, corpus: Path, vectorstore: Path):
        self.process = subprocess.Popen([sys.executable, "-c", HOLDER, str(corpus), str(vectorstore)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "gesperrt"

    def release(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)


@pytest.fixture
def indexed(tmp_path):
    """A copy of the seed corpus with an index built by `qa ingest`."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    env = dict(os.environ, QA_CORPUS_DIR=str(corpus), QA_VECTORSTORE_DIR=str(tmp_path / "vectorstore"))
    run = qa(env, "ingest")
    assert run.returncode == 0, run.stderr
    return corpus, tmp_path / "vectorstore", env


def test_a_second_writer_gets_a_german_message(indexed):
    corpus, vectorstore, env = indexed
    holder = Holder(corpus, vectorstore)
    try:
        started = time.monotonic()
        run = qa(env, "ingest", "--rebuild")
        seconds = time.monotonic() - started
    finally:
        holder.release()
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.startswith("Fehler: Index wird gerade aufgebaut")  # was: "… nicht lesbar …"
    assert seconds < 30, f"refused only after {seconds:.0f} s (the model should not load first)"


def test_ask_during_a_rebuild_uses_the_last_published_index(indexed):
    from conftest import FakeEmbedder
    from qa.config import Settings
    from qa.store.chroma import ChromaStore

    corpus, vectorstore, env = indexed
    (corpus / "005_neu.txt").write_text("Die Bundeswehr beendet ihren Einsatz in Mali im Mai.", encoding="utf-8")
    holder = Holder(corpus, vectorstore)
    try:
        run = qa(env, "ask", "Wie viele Mitglieder zählt die Koalition gegen den IS?")
    finally:
        holder.release()
    assert run.returncode == 0, run.stderr
    assert "Hinweis: Index wird gerade aufgebaut" in run.stderr and "zuletzt fertige Stand" in run.stderr
    assert "Index aktualisiert" not in run.stderr and "Einbetten" not in run.stderr  # was: it re-embedded
    records = ChromaStore(Settings(corpus_dir=corpus, vectorstore_dir=vectorstore), FakeEmbedder(),
                          check=False).file_records()
    assert "005_neu.txt" not in records and len(records) == 5


def test_ask_without_an_index_waits_for_the_writer(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    env = dict(os.environ, QA_CORPUS_DIR=str(corpus), QA_VECTORSTORE_DIR=str(tmp_path / "vectorstore"))
    holder = Holder(corpus, tmp_path / "vectorstore")
    process = subprocess.Popen([QA, "ask", "Wer ist der neue EU-Außenbeauftragte?"], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(20)  # longer than loading the models: it must still be waiting
    waiting = process.poll() is None
    holder.release()
    out, err = process.communicate(timeout=900)
    assert waiting, err
    assert process.returncode == 0, err
    assert "warte, bis er fertig ist" in err and "Index aktualisiert: 5 neu" in err


def test_two_rebuilds_at_once(indexed):
    corpus, vectorstore, env = indexed
    runs = [subprocess.Popen([QA, "ingest", "--rebuild"], env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    results = [(p.returncode, out, err) for p in runs for out, err in [p.communicate(timeout=900)]]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1], results
    refused = next(err for code, _, err in results if code == 1)
    assert refused.startswith("Fehler: Index wird gerade aufgebaut") and "Traceback" not in refused
    assert "5 unverändert" in qa(env, "ingest").stdout  # the rebuilt index is complete
