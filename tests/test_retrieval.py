"""Fusion arithmetic, keyword search, filters, and the LangChain adaptor."""
import pytest

from qa.dates import PartialDate
from qa.ingest.indexer import ingest
from qa.records import Chunk, Filters
from qa.retrieval.hybrid import Retriever, rrf_fuse
from qa.retrieval.keyword import KeywordIndex
from qa.store.chroma import ChromaStore


def test_rrf_hand_computed():
    fused = dict(rrf_fuse([["a", "b", "c"], ["c", "a"]], k=60))
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert fused["c"] == pytest.approx(1 / 63 + 1 / 61)
    assert fused["b"] == pytest.approx(1 / 62)
    assert [key for key, _ in rrf_fuse([["a", "b", "c"], ["c", "a"]], k=60)] == ["a", "c", "b"]


def test_rrf_weights_hand_computed():
    fused = dict(rrf_fuse([["a", "b"], ["b", "c"]], k=10, weights=(2.0, 1.0)))
    assert fused == pytest.approx({"a": 2 / 11, "b": 2 / 12 + 1 / 11, "c": 1 / 12})
    # weight 2 for the first list: its top item now beats the second list's top item
    assert [key for key, _ in rrf_fuse([["x"], ["y"]], k=10, weights=(2.0, 1.0))] == ["x", "y"]


def test_rrf_rewards_agreement():
    # an item second in both lists beats one that is first in only one
    order = [key for key, _ in rrf_fuse([["x", "both"], ["y", "both"]], k=1)]
    assert order[0] == "both"


def _chunk(i, text, source="a.txt"):
    return Chunk(id=f"{source}:{i}", source=source, text=text, start=0, end=len(text), position=i)


def test_keyword_search_uses_german_stems():
    index = KeywordIndex([
        _chunk(0, "Die Soldaten wurden ausgebildet."),
        _chunk(1, "Das Wetter in Berlin war schön."),
        _chunk(2, "Ein Soldat sprach über die Ausbildung der Truppen."),
    ])
    hits = [c.id for c, _ in index.search("Wie viele Soldaten?", 3)]
    assert set(hits) == {"a.txt:0", "a.txt:2"}
    assert index.search("Wie?", 3) == []  # only stopwords: nothing to search


def test_hybrid_search_and_filters(settings, fake_embedder):
    ingest(settings, fake_embedder, progress=False)
    retriever = Retriever(settings, fake_embedder, ChromaStore(settings, fake_embedder))
    hits = retriever.search("Irak-Einsatz der NATO seit Oktober 2018")
    assert hits[0].chunk.source == "002_02adc48ef0db0a26.txt"
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))

    only = Filters(sources=("004_bde43ff6797f91e1.txt",))
    assert {h.chunk.source for h in retriever.search("Irak-Einsatz der NATO", filters=only)} == {"004_bde43ff6797f91e1.txt"}

    feb_2020 = Filters(date_from=PartialDate(2020, 2, 1), date_to=PartialDate(2020, 2, 29))
    sources = {h.chunk.source for h in retriever.search("NATO Irak", filters=feb_2020)}
    assert sources == {"000_955454e9edcba319.txt", "002_02adc48ef0db0a26.txt"}
    # "2020-02" (month only) overlaps a range starting mid-February; 2020-02-14 does not reach June
    mid_feb = Filters(date_from=PartialDate(2020, 2, 15), date_to=PartialDate(2020, 6, 30))
    sources = {h.chunk.source for h in retriever.search("NATO Irak", filters=mid_feb)}
    assert sources == {"002_02adc48ef0db0a26.txt", "003_a0779ffe5682cfbe.txt"}
    assert {chunk.source for chunk, _ in retriever.dense("NATO Irak", 30, mid_feb)} == {
        "002_02adc48ef0db0a26.txt", "003_a0779ffe5682cfbe.txt"}


def test_langchain_retriever(settings, fake_embedder):
    from qa.pipeline import Pipeline
    from qa.retrieval.langchain import as_langchain

    pipeline = Pipeline(settings, embedder=fake_embedder)
    pipeline.ingest(progress=False)
    docs = as_langchain(pipeline, k=3).invoke("Wer ist der neue EU-Außenbeauftragte?")
    assert len(docs) == 3
    assert docs[0].metadata["source"].endswith(".txt") and docs[0].page_content
    hits = pipeline.retrieve("Wer ist der neue EU-Außenbeauftragte?", k=3)
    assert [d.id for d in docs] == [h.chunk.id for h in hits]
    source = (settings.corpus_dir / docs[0].metadata["source"]).read_text(encoding="utf-8")
    start, end = docs[0].metadata["start"], docs[0].metadata["end"]
    assert source[start:end].split()[:3] == docs[0].page_content.split()[:3]


def test_fusion_settings_from_the_environment(monkeypatch):
    from qa.config import Settings
    from qa.errors import SettingsError

    monkeypatch.setenv("QA_DENSE_WEIGHT", "1.5")
    monkeypatch.setenv("QA_RRF_K", "60")
    settings = Settings.from_env()
    assert (settings.dense_weight, settings.rrf_k) == (1.5, 60)
    assert Settings().rrf_k == 20  # a plain Settings() never reads the environment
    monkeypatch.setenv("QA_DENSE_WEIGHT", "viel")
    with pytest.raises(SettingsError, match="QA_DENSE_WEIGHT.* muss eine Zahl sein"):
        Settings.from_env()
