"""Resilience: ingest killed with SIGKILL at random points, a Chroma server that goes away mid-session."""
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import CORPUS, FakeEmbedder
from servers import free_port, start_chroma, stop

pytestmark = pytest.mark.slow  # `chroma run`, the real embedder, ingests killed in subprocesses

TESTS = Path(__file__).resolve().parent

INGEST_SCRIPT = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {tests!r})
    from conftest import FakeEmbedder
    from qa.config import Settings
    from qa.ingest.indexer import ingest

    class SlowEmbedder(FakeEmbedder):
        def embed_passages(self, texts):
            time.sleep(0.05 * len(texts))
            return super().embed_passages(texts)
        embed_queries = embed_passages

    settings = Settings(corpus_dir={corpus!r}, vectorstore_dir={store!r}, embedding_batch_size=2)
    print(ingest(settings, SlowEmbedder(), progress=False).summary(), flush=True)
""")


def make_corpus(folder: Path, marker: str) -> None:
    """40 small articles made from the seed paragraphs; `marker` ends every one."""
    paragraphs = [p for f in sorted(CORPUS.iterdir()) for p in f.read_text(encoding="utf-8").split("\n\n") if len(p) > 200]
    for i in range(40):
        (folder / f"artikel_{i:02d}.txt").write_text(f"{paragraphs[i % len(paragraphs)]}\n\n{marker} Nummer {i}.",
                                                     encoding="utf-8")


def served(settings):
    from qa.store.chroma import ChromaStore
    from qa.retrieval.hybrid import Retriever

    retriever = Retriever(settings, FakeEmbedder(), ChromaStore(settings, FakeEmbedder()))
    by_source = {}
    for chunk in retriever.keyword.chunks:
        by_source.setdefault(chunk.source, []).append(chunk.text)
    return by_source


def run_ingest(settings, kill_after: float | None):
    script = INGEST_SCRIPT.format(tests=str(TESTS), corpus=str(settings.corpus_dir), store=str(settings.vectorstore_dir))
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if kill_after is None:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        return out
    time.sleep(kill_after)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    return None


def test_sigkill_during_ingest_never_serves_half_a_file(tmp_path):
    from qa.config import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    settings = Settings(corpus_dir=corpus, vectorstore_dir=tmp_path / "vectorstore")
    make_corpus(corpus, "Alte Fassung")
    run_ingest(settings, None)
    old = served(settings)
    assert len(old) == 40

    rng = random.Random(20261123)
    progress = []
    for attempt in range(1, 5):
        make_corpus(corpus, f"Fassung {attempt}")  # every attempt interrupts a full re-ingest
        run_ingest(settings, kill_after=rng.uniform(1.5, 5.0))  # includes ~1-2 s interpreter start
        now = served(settings)
        assert set(now) == set(old), "a file vanished or appeared from nowhere"
        for source, texts in now.items():
            versions = [v for v in ["Alte Fassung"] + [f"Fassung {k}" for k in range(1, attempt + 1)]
                        if v in "\n".join(texts) and not (v != "Alte Fassung" and f"Alte {v}" in "\n".join(texts))]
            assert len(versions) == 1, f"{source} mixes versions {versions}"
        progress.append(sum(f"Fassung {attempt}" in "\n".join(t) for t in now.values()))
    print("files on the newest version after each kill:", progress)
    out = run_ingest(settings, None)
    assert "0 neu" in out
    final = served(settings)
    assert all("Fassung 4" in "\n".join(texts) for texts in final.values())


@pytest.fixture
def chroma_process(tmp_path):
    port = free_port()
    processes = []
    yield port, lambda: processes.append(start_chroma(tmp_path / "db", port)) or processes[-1]
    for p in processes:
        stop(p)


def test_server_going_away_mid_session_and_coming_back(chroma_process, real_embedder, tmp_path):
    from qa.config import Settings
    from qa.errors import ServerUnavailableError
    from qa.pipeline import Pipeline

    port, start = chroma_process
    server = start()
    settings = Settings(corpus_dir=CORPUS, chroma_host="127.0.0.1", chroma_port=port, collection="weg")
    pipeline = Pipeline(settings, embedder=real_embedder)
    pipeline.ingest(progress=False)
    question = "Wie viele US-Soldaten sind im Irak und in Syrien im Einsatz?"
    assert "5000" in pipeline.ask(question).text

    server.send_signal(signal.SIGKILL)
    server.wait(timeout=30)
    with pytest.raises(ServerUnavailableError, match=f"127.0.0.1:{port} antwortet nicht mehr"):
        pipeline.ask(question)

    start()  # the same data folder: the way back is just the server
    assert "5000" in pipeline.ask(question).text
