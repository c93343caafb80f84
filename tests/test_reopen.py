"""A reader process keeps answering while another process ingests or rebuilds the index
(local folder and Chroma server): it notices the new generation and reopens; meanwhile, and
when a rebuild fails half-way, it keeps the last published state (fake embedder)."""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import FakeEmbedder
from servers import free_port, start_chroma, stop

TESTS = Path(__file__).resolve().parent
QUESTION = "Wie viele Mitglieder zählt die Koalition gegen den IS?"
REMOVED = "004_bde43ff6797f91e1.txt"
ADDED = "005_koalition.txt"

WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from conftest import FakeEmbedder
    from qa.config import Settings
    from qa.pipeline import Pipeline

    settings = Settings(**{settings!r})
    print(Pipeline(settings, embedder=FakeEmbedder()).ingest(rebuild={rebuild!r}, progress=False).summary())
""")


def write_elsewhere(settings, rebuild: bool = False) -> str:
    """`Pipeline.ingest` in another process."""
    values = {k: str(v) for k, v in settings.model_dump().items()
              if k in ("corpus_dir", "vectorstore_dir", "chroma_host", "chroma_port", "collection") and v is not None}
    script = WRITER.format(tests=str(TESTS), settings=values, rebuild=rebuild)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.fixture(scope="module")
def reader_model():
    """The reader, loaded once for the module (answer quality does not matter here)."""
    from qa.config import Settings
    from qa.pipeline import Pipeline

    return Pipeline(Settings()).reader


def sources(pipeline, question=QUESTION) -> set[str]:
    answer = pipeline.ask(question)  # through stream(): the path of the CLI, the app and the API
    return {hit.chunk.source for hit in answer.hits}


@pytest.fixture(params=["local", "server"])
def reader_settings(request, settings, tmp_path):
    if request.param == "local":
        yield settings
        return
    port = free_port()
    server = start_chroma(tmp_path / "chroma", port)
    yield settings.with_(chroma_host="127.0.0.1", chroma_port=port, collection="wiederoeffnen")
    stop(server)


@pytest.mark.slow
def test_reader_follows_ingest_and_rebuild_in_another_process(reader_settings, reader_model):
    from qa.pipeline import Pipeline

    write_elsewhere(reader_settings)
    reader = Pipeline(reader_settings, embedder=FakeEmbedder(), reader=reader_model)
    assert REMOVED in sources(reader)
    first = getattr(reader.store, "generation", None)

    (reader_settings.corpus_dir / REMOVED).unlink()
    (reader_settings.corpus_dir / ADDED).write_text(
        "Die Koalition gegen den IS zählt inzwischen 83 Mitglieder.", encoding="utf-8")
    assert "1 neu" in write_elsewhere(reader_settings)
    found = sources(reader)  # was: AttributeError in chunk_from_row (a stale local client)
    assert REMOVED not in found and ADDED in found
    assert reader.store.generation != first  # it reopened (a new generation)
    assert REMOVED not in {r.source for r in reader.articles()}

    write_elsewhere(reader_settings, rebuild=True)
    assert ADDED in sources(reader)  # was: "Index … nicht lesbar" (the collections were replaced)
    assert ADDED in {r.source for r in reader.articles()}


class FailingEmbedder(FakeEmbedder):
    """Dies on its second batch, like a rebuild killed half-way."""

    def __init__(self):
        super().__init__()
        self.batches = 0

    def embed_passages(self, texts):
        self.batches += 1
        if self.batches == 2:
            raise KeyboardInterrupt("killed")
        return super().embed_passages(texts)


@pytest.mark.slow
def test_a_rebuild_that_fails_leaves_the_published_index_in_service(settings, fake_embedder, reader_model):
    from qa.ingest.indexer import ingest
    from qa.pipeline import Pipeline

    ingest(settings, fake_embedder, progress=False)
    reader = Pipeline(settings, embedder=FakeEmbedder(), reader=reader_model)
    before = sources(reader)
    generation = getattr(reader.store, "generation", None)
    with pytest.raises(KeyboardInterrupt):
        ingest(settings.with_(embedding_batch_size=1), FailingEmbedder(), rebuild=True, progress=False)
    assert sources(reader) == before and len(reader.articles()) == 5
    assert reader.store.current_generation() == generation  # nothing was published
    assert len(Pipeline(settings, embedder=FakeEmbedder()).articles()) == 5  # a new reader too

    report = ingest(settings, fake_embedder, rebuild=True, progress=False)
    assert len(report.added) == 5
    from qa.store.chroma import ChromaStore

    store = ChromaStore(settings, fake_embedder)
    names = {c.name for c in store.client.list_collections()}
    assert names == {"articles-head", store.head.chunks, store.head.files}  # the half-built pair is gone


@pytest.mark.slow
def test_an_index_from_before_generations_is_read_and_replaced(settings, fake_embedder, reader_model):
    """Indexes built before this change have `articles` and `articles-files` and no head."""
    from qa.ingest.indexer import ingest
    from qa.pipeline import Pipeline
    from qa.store.chroma import ChromaStore
    from qa.store.chroma_client import chroma_embedding_function
    from qa.store.chroma_head import LEGACY

    ingest(settings, fake_embedder, progress=False)
    store = ChromaStore(settings, fake_embedder)
    client, ef = store.client, chroma_embedding_function(fake_embedder)
    old = client.create_collection("articles", metadata=store.chunks.metadata, embedding_function=ef,
                                   configuration={"hnsw": {"space": "cosine"}})
    rows = store.chunks.get(include=["documents", "metadatas", "embeddings"])
    old.add(ids=rows["ids"], documents=rows["documents"], metadatas=rows["metadatas"], embeddings=rows["embeddings"])
    files = store.files.get(include=["documents", "metadatas", "embeddings"])
    client.create_collection("articles-files", embedding_function=ef).add(ids=files["ids"], documents=files["documents"],
                                                   metadatas=files["metadatas"], embeddings=files["embeddings"])
    for name in ("articles-head", store.head.chunks, store.head.files):
        client.delete_collection(name)

    legacy = Pipeline(settings, embedder=FakeEmbedder(), reader=reader_model)
    assert legacy.store.generation == LEGACY and REMOVED in sources(legacy)
    assert legacy.index_is_current()
    ingest(settings, fake_embedder, rebuild=True, progress=False)
    names = {c.name for c in ChromaStore(settings, fake_embedder).client.list_collections()}
    assert "articles" not in names and "articles-files" not in names
    assert REMOVED in sources(legacy)  # the reader moved on to the rebuilt index


def test_reopening_stops_the_systems_it_forgot(settings, fake_embedder, monkeypatch):
    """Each reopen of a local folder makes a new Chroma system (a copy of the vector index in
    memory); forgotten ones are stopped after a grace period, here none."""
    from qa.ingest.indexer import ingest
    from qa.pipeline import Pipeline
    from qa.store import chroma_client
    from qa.store.chroma import ChromaStore

    monkeypatch.setattr(chroma_client, "RETIRE_SECONDS", 0.0)
    monkeypatch.setattr(chroma_client, "_retired", [])
    ingest(settings, fake_embedder, progress=False)
    reader = Pipeline(settings, embedder=FakeEmbedder())
    assert reader.retrieve(QUESTION)
    for _ in range(5):
        ChromaStore(settings, fake_embedder).publish()  # what another process's ingest does
        assert reader.refresh() and reader.retrieve(QUESTION)
    assert len(chroma_client._retired) == 1  # the others were stopped
