"""Incremental ingest, deletions, interruption, model mismatch, bad files (fake embedder)."""
import pytest

from qa.errors import CorpusError, IndexMismatchError, IndexNotFoundError
from qa.store.chroma import ChromaStore
from qa.ingest.indexer import ingest
from qa.retrieval.hybrid import Retriever


def live_chunks(settings, embedder):
    return Retriever(settings, embedder, ChromaStore(settings, embedder)).keyword.chunks


def test_first_ingest_then_nothing_to_do(settings, fake_embedder):
    report = ingest(settings, fake_embedder, progress=False)
    assert len(report.added) == 5 and report.chunks_written > 20
    stored = ChromaStore(settings, fake_embedder).count()
    assert stored == report.chunks_written

    again = ingest(settings, fake_embedder, progress=False)
    assert again.unchanged == 5 and not again.changed and again.chunks_written == 0
    assert ChromaStore(settings, fake_embedder).count() == stored


def test_changed_new_and_deleted_files(settings, fake_embedder):
    ingest(settings, fake_embedder, progress=False)
    corpus = settings.corpus_dir
    (corpus / "001_6d1949913e7253d0.txt").write_text("Die Nato kündigte am Freitag eine neue Mission an.", encoding="utf-8")
    (corpus / "005_neu.txt").write_text("Ein neuer Artikel über die Bundeswehr in Mali.", encoding="utf-8")
    (corpus / "004_bde43ff6797f91e1.txt").unlink()
    before = fake_embedder.texts_embedded

    report = ingest(settings, fake_embedder, progress=False)
    assert report.added == ["005_neu.txt"]
    assert report.updated == ["001_6d1949913e7253d0.txt"]
    assert report.removed == ["004_bde43ff6797f91e1.txt"]
    assert report.unchanged == 3
    assert fake_embedder.texts_embedded - before == 2  # only the two new/changed files, one chunk each

    chunks = live_chunks(settings, fake_embedder)
    sources = {c.source for c in chunks}
    assert "004_bde43ff6797f91e1.txt" not in sources and "005_neu.txt" in sources
    assert [c.text for c in chunks if c.source == "001_6d1949913e7253d0.txt"] == [
        "Die Nato kündigte am Freitag eine neue Mission an."]
    assert ChromaStore(settings, fake_embedder).count() == len(chunks)  # old versions removed


def test_changed_chunk_settings_rechunk_everything(settings, fake_embedder):
    ingest(settings, fake_embedder, progress=False)
    report = ingest(settings.with_(chunk_size=300), fake_embedder, progress=False)
    assert len(report.updated) == 5
    assert max(len(c.text) for c in live_chunks(settings, fake_embedder)) <= 600


class ExplodingEmbedder:
    """Fails on its n-th batch, like a process killed while embedding."""

    def __init__(self, inner, fail_on_call):
        self.inner, self.fail_on_call, self.calls = inner, fail_on_call, 0
        self.name, self.dim = inner.name, inner.dim

    def embed_passages(self, texts):
        self.calls += 1
        if self.calls == self.fail_on_call:
            raise KeyboardInterrupt("killed")
        return self.inner.embed_passages(texts)

    embed_queries = embed_passages


def test_interrupted_ingest_leaves_a_consistent_index(settings, fake_embedder):
    ingest(settings, fake_embedder, progress=False)
    old = {c.source: c.text for c in live_chunks(settings, fake_embedder)}
    for path in sorted(settings.corpus_dir.iterdir()):
        path.write_text(path.read_text(encoding="utf-8") + "\n\nNachtrag: Ein weiterer Satz.", encoding="utf-8")

    with pytest.raises(KeyboardInterrupt):
        # batch of 1 file at a time: dies while embedding the third file
        ingest(settings.with_(embedding_batch_size=1), ExplodingEmbedder(fake_embedder, 3), progress=False)

    # every file is served either entirely old or entirely new
    chunks = live_chunks(settings, fake_embedder)
    by_source = {}
    for c in chunks:
        by_source.setdefault(c.source, []).append(c.text)
    assert set(by_source) == set(old)
    updated = [s for s, texts in by_source.items() if any("Nachtrag" in t for t in texts)]
    assert 0 < len(updated) < 5

    report = ingest(settings, fake_embedder, progress=False)  # the re-run completes it
    assert len(report.updated) == 5 - len(updated) and report.unchanged == len(updated)
    assert all(any("Nachtrag" in c.text for c in chunks_of)
               for chunks_of in [[c for c in live_chunks(settings, fake_embedder) if c.source == s] for s in old])


def test_bad_files_are_skipped_and_the_rest_ingested(settings, fake_embedder):
    (settings.corpus_dir / "kaputt.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (settings.corpus_dir / "leer.txt").write_text("", encoding="utf-8")
    report = ingest(settings, fake_embedder, progress=False)
    assert len(report.added) == 5  # the empty file is refused with a warning, not an article
    assert [s for s, _ in report.skipped] == ["kaputt.txt", "leer.txt"]
    assert "keine Textdatei" in report.skipped[0][1] and "ist leer" in report.skipped[1][1]


def test_refused_files_are_remembered_until_they_change(settings, fake_embedder, monkeypatch):
    from qa.ingest import indexer as ingest_module
    from qa.pipeline import Pipeline

    bad = settings.corpus_dir / "kaputt.txt"
    bad.write_bytes(b"\x00\x01\x02binary\x00")
    ingest(settings, fake_embedder, progress=False)
    pipeline = Pipeline(settings, embedder=fake_embedder)
    assert pipeline.index_is_current()  # a refused file does not make every question re-ingest
    assert "kaputt.txt" not in [r.source for r in pipeline.articles()]

    reads = []
    monkeypatch.setattr(ingest_module, "read_article", lambda path, corpus: reads.append(path) or 1 / 0)
    again = ingest(settings, fake_embedder, progress=False)
    assert reads == [] and not again.changed and again.unchanged == 5
    assert [s for s, _ in again.skipped] == ["kaputt.txt"]  # still reported on every ingest
    monkeypatch.undo()

    bad.write_text("Jetzt ein lesbarer Artikel über die Bundeswehr.", encoding="utf-8")
    fixed = ingest(settings, fake_embedder, progress=False)
    assert fixed.updated == ["kaputt.txt"] and not fixed.skipped
    assert any(c.source == "kaputt.txt" for c in live_chunks(settings, fake_embedder))


def test_unchanged_files_are_not_read_again(settings, fake_embedder, monkeypatch):
    """Size and modification time equal to the record: the scan trusts the record."""
    import os
    import time

    from qa.ingest import scan as scan_module

    old = time.time() - 3600
    for path in settings.corpus_dir.iterdir():
        os.utime(path, (old, old))
    ingest(settings, fake_embedder, progress=False)
    hashed = []
    real_hash = scan_module.file_hash
    monkeypatch.setattr(scan_module, "file_hash", lambda data: hashed.append(len(data)) or real_hash(data))
    again = ingest(settings, fake_embedder, progress=False)
    assert hashed == [] and again.unchanged == 5

    changed = settings.corpus_dir / "001_6d1949913e7253d0.txt"
    changed.write_text("Die Nato kündigte am Freitag eine neue Mission an.", encoding="utf-8")
    report = ingest(settings, fake_embedder, progress=False)
    assert len(hashed) == 1 and report.updated == ["001_6d1949913e7253d0.txt"]


def test_missing_corpus_folder(tmp_path, fake_embedder):
    from qa.config import Settings

    with pytest.raises(CorpusError, match="existiert nicht"):
        ingest(Settings(corpus_dir=tmp_path / "fehlt", vectorstore_dir=tmp_path / "vs"), fake_embedder)


def test_missing_index_and_model_mismatch(settings, fake_embedder):
    with pytest.raises(IndexNotFoundError, match="qa ingest"):
        ChromaStore(settings, fake_embedder)
    ingest(settings, fake_embedder, progress=False)

    class OtherModel(type(fake_embedder)):
        name = "ein-anderes-modell"

    with pytest.raises(IndexMismatchError, match="fake-hash-embedder.*ein-anderes-modell.*--rebuild"):
        ChromaStore(settings, OtherModel())
    with pytest.raises(IndexMismatchError):
        ingest(settings, OtherModel(), progress=False)  # an update must not mix two models
    report = ingest(settings, OtherModel(), rebuild=True, progress=False)
    assert len(report.added) == 5
    assert ChromaStore(settings, OtherModel()).chunks.metadata["qa_embedding_model"] == "ein-anderes-modell"


def test_damaged_index_gives_german_error_and_rebuild_recovers(settings, fake_embedder):
    from qa.errors import IndexCorruptError

    ingest(settings, fake_embedder, progress=False)
    db = settings.vectorstore_dir / "chroma.sqlite3"
    db.write_bytes(b"kein sqlite" * 1000)
    with pytest.raises(IndexCorruptError, match="qa ingest --rebuild"):
        Retriever(settings, fake_embedder, ChromaStore(settings, fake_embedder))
    report = ingest(settings, fake_embedder, rebuild=True, progress=False)
    assert len(report.added) == 5
    assert len(live_chunks(settings, fake_embedder)) == report.chunks_written


def test_rebuild_never_deletes_a_foreign_folder(tmp_path, seed_corpus, fake_embedder):
    from qa.config import Settings
    from qa.errors import IndexCorruptError
    from qa.store.chroma import remove_local_index

    folder = tmp_path / "meine-dateien"
    folder.mkdir()
    (folder / "wichtig.txt").write_text("nicht löschen", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="nicht gelöscht"):
        remove_local_index(Settings(corpus_dir=seed_corpus, vectorstore_dir=folder))
    assert (folder / "wichtig.txt").exists()


def test_derived_titles_reach_records_chunks_and_the_corpus_list(settings, fake_embedder):
    from qa.app.rendering import corpus_html

    ingest(settings, fake_embedder, progress=False)
    records = ChromaStore(settings, fake_embedder).file_records()
    assert all(r.title for r in records.values())
    assert {s for s, r in records.items() if r.title_derived} == {
        "001_6d1949913e7253d0.txt", "002_02adc48ef0db0a26.txt", "004_bde43ff6797f91e1.txt"}
    for chunk in live_chunks(settings, fake_embedder):  # citations take the title from their chunk
        assert chunk.title == records[chunk.source].title
    page = corpus_html(sorted(records.values(), key=lambda r: r.source))
    assert "Artikel ohne Titel" not in page and page.count("(aus dem Text)") == 3
    assert "Offiziell wurde die NATO-Mission im Irak Anfang Januar ausgesetzt… <span class='qa-untitled'>(aus dem Text)" in page


def test_new_title_rules_rechunk_every_file(settings, fake_embedder, monkeypatch):
    import qa.ingest.scan as scan

    ingest(settings, fake_embedder, progress=False)
    monkeypatch.setattr(scan, "TITLE_RULES", scan.TITLE_RULES + 1)
    report = ingest(settings, fake_embedder, progress=False)
    assert len(report.updated) == 5 and report.unchanged == 0
