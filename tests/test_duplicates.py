"""Near-duplicate groups at ingest (MinHash LSH) and the diversifying reranker, on a small
synthetic corpus: a syndicated copy of a seed article (other headline, boilerplate, a changed
sentence, no date), an unrelated article, the rest of the seeds."""
from __future__ import annotations

from qa.dates import PartialDate
from qa.ingest.duplicates import DuplicateIndex, decode, encode, fingerprint
from qa.ingest.indexer import ingest
from qa.pipeline import Pipeline
from qa.records import Chunk, Copy, Hit
from qa.retrieval.diversify import Diversify
from qa.store.chroma import ChromaStore

ORIGINAL = "002_02adc48ef0db0a26.txt"
COPY = "100_kopie.txt"


def syndicated(text: str) -> str:
    """The article as another outlet prints it: new headline and boilerplate, a sentence changed, no date."""
    body = text.replace(" date 2020-02 ", "").replace("Die Bundeswehr ist an dem NATO-Einsatz nicht beteiligt",
                                                      "Deutsche Soldaten sind an dieser Mission nicht beteiligt")
    return f"Nato berät über Irak-Mission\n\nVon unserer Agentur\n\n{body}\n\nMehr zum Thema:\nDrucken\n"


def add_copy(corpus) -> None:
    (corpus / COPY).write_text(syndicated((corpus / ORIGINAL).read_text(encoding="utf-8")), encoding="utf-8")


def test_fingerprints_survive_the_record_and_tell_copies_apart(seed_corpus):
    text = (seed_corpus / ORIGINAL).read_text(encoding="utf-8")
    original, copy = fingerprint(text), fingerprint(syndicated(text))
    other = fingerprint((seed_corpus / "004_bde43ff6797f91e1.txt").read_text(encoding="utf-8"))
    assert decode(encode(original)).jaccard(original) == 1.0
    assert original.jaccard(copy) > 0.7 and original.jaccard(other) < 0.1
    assert fingerprint("Zu kurz, um es zu vergleichen.") is None


def test_assign_groups_by_the_first_member():
    index = DuplicateIndex()
    a = fingerprint(" ".join(f"wort{i}" for i in range(200)))
    b = fingerprint(" ".join(f"wort{i}" for i in range(10, 200)))
    c = fingerprint(" ".join(f"anders{i}" for i in range(200)))
    index.add("a.txt", a)
    assert index.assign("b.txt", b) == "a.txt" and index.changed == {"a.txt"}
    assert index.assign("c.txt", c) == "" and index.members("a.txt") == ["a.txt", "b.txt"]


def test_ingest_records_the_group_and_regroups_the_indexed_original(settings, fake_embedder):
    ingest(settings, fake_embedder, progress=False)
    add_copy(settings.corpus_dir)
    report = ingest(settings, fake_embedder, progress=False)
    assert report.added == [COPY] and report.duplicate_seconds >= 0
    records = ChromaStore(settings, fake_embedder).file_records()
    assert records[COPY].group == ORIGINAL and records[ORIGINAL].group == ORIGINAL
    assert all(r.minhash for r in records.values())
    assert {s for s, r in records.items() if r.group} == {COPY, ORIGINAL}  # 000 and 001: same event, own words


def test_diversified_hits_show_one_source_with_its_copies(settings, fake_embedder):
    add_copy(settings.corpus_dir)
    pipeline = Pipeline(settings, embedder=fake_embedder)
    pipeline.ingest(progress=False)
    hits = pipeline.retrieve("NATO-Verteidigungsminister beraten am Mittwoch Ausbildungsmission Irak", k=8)
    sources = [h.chunk.source for h in hits]
    assert not (ORIGINAL in sources and COPY in sources)
    kept = next(h for h in hits if h.chunk.source in (ORIGINAL, COPY))
    other = COPY if kept.chunk.source == ORIGINAL else ORIGINAL
    assert [c.source for c in kept.copies] == [other]
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    undiversified = Pipeline(settings.replace(reranker="none"), embedder=fake_embedder).retrieve(
        "NATO-Verteidigungsminister beraten am Mittwoch Ausbildungsmission Irak", k=8)
    assert {ORIGINAL, COPY} <= {h.chunk.source for h in undiversified}


def test_diversify_keeps_passages_of_one_article_and_drops_its_copies():
    def hit(source, position, group, rank):
        return Hit(Chunk(f"{source}:v:{position}", source, "Text.", 0, 5, position, group=group), 1.0 / rank, rank)

    hits = [hit("a.txt", 0, "a.txt", 1), hit("b.txt", 0, "a.txt", 2), hit("a.txt", 1, "a.txt", 3), hit("c.txt", 0, "", 4)]
    kept = Diversify(settings=None).rerank("Frage?", hits)
    assert [(h.chunk.source, h.chunk.position, h.rank) for h in kept] == [("a.txt", 0, 1), ("a.txt", 1, 2), ("c.txt", 0, 3)]


def test_an_undated_copy_borrows_the_date_of_a_dated_one(settings, fake_embedder):
    from qa.answer.citations import build_citations, describe

    add_copy(settings.corpus_dir)
    pipeline = Pipeline(settings, embedder=fake_embedder)
    pipeline.ingest(progress=False)
    chunk = next(c for c in pipeline.retriever.keyword.chunks if c.source == COPY)
    lead = "Offiziell wurde die NATO-Mission im Irak Anfang Januar ausgesetzt…"  # the original names no title
    assert chunk.date is None and pipeline.retriever.copies(chunk) == (Copy(ORIGINAL, lead, None, PartialDate(2020, 2)),)
    citation = build_citations([(Hit(chunk, 1.0, 1, copies=pipeline.retriever.copies(chunk)), chunk.sentences[0])])[0]
    assert describe(citation).endswith("Februar 2020 (Datum laut Kopie 002_02adc48ef0db0a26.txt)")


def test_an_index_without_fingerprints_gets_them_at_the_next_ingest(settings, fake_embedder):
    from dataclasses import replace

    ingest(settings, fake_embedder, progress=False)
    store = ChromaStore(settings, fake_embedder)
    store.commit_files([replace(r, minhash="") for r in store.file_records().values()])  # as built before
    add_copy(settings.corpus_dir)
    ingest(settings, fake_embedder, progress=False)
    records = ChromaStore(settings, fake_embedder).file_records()
    assert records[COPY].group == ORIGINAL == records[ORIGINAL].group and all(r.minhash for r in records.values())


def test_the_corpus_tab_names_the_copies():
    from qa.app.rendering import corpus_html
    from qa.store import FileRecord

    records = [FileRecord("a.txt", "h", "v", 2, group="a.txt", date=PartialDate(2020, 2, 14)), FileRecord("b.txt", "h", "v", 2, group="a.txt"),
               FileRecord("c.txt", "h", "v", 1)]
    page = corpus_html(records)
    assert "derselbe Bericht wie b.txt" in page and "derselbe Bericht wie a.txt" in page
    assert page.count("derselbe Bericht") == 2 and "14.02.2020" in page and "Datum unbekannt" in page
