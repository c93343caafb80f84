"""One slot each for answerers, rerankers, stores and post-answer steps: a new one is a class (or
a function) plus one registry line, and it gets what it uses, never the Pipeline.

Each test registers a toy implementation (monkeypatched into the registry, as a plugin module
would add itself) and runs the product through it; a fake embedder stands in for the model."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from qa.answer import ANSWERERS, Spec, abstain
from qa.answer.steps import POST_ANSWER
from qa.config import Settings
from qa.errors import SettingsError
from qa.pipeline import Pipeline
from qa.records import Answer
from qa.retrieval.rerank import RERANKERS
from qa.retrieval.reranker import renumber
from qa.store import STORES, FileRecord


class ReverseOrder:
    """A toy reranker: the fused ranking upside down."""

    name = "reverse"

    def rerank(self, question, hits):
        return renumber(list(reversed(hits)))


def test_a_reranker_is_one_class_and_one_registry_line(monkeypatch, settings, fake_embedder):
    given = []  # what the factory gets: the settings and the retriever
    monkeypatch.setitem(RERANKERS, "reverse", lambda settings, retriever: given.append(retriever) or ReverseOrder())
    with pytest.raises(SettingsError, match="reranker"):
        Pipeline(Settings(reranker="nicht-da"))
    plain = Pipeline(settings, embedder=fake_embedder)
    plain.ingest(progress=False)
    reversed_ = Pipeline(settings.replace(reranker="reverse"), embedder=fake_embedder)
    question = "Wer ist der neue EU-Außenbeauftragte?"
    before, after = plain.retriever.search(question), reversed_.retrieve(question)  # fused, then reranked
    assert [h.chunk.id for h in after] == [h.chunk.id for h in reversed(before)]
    assert [h.rank for h in after] == list(range(1, len(after) + 1))
    assert given == [reversed_.retriever]
    from qa.eval.squad import _product_ranking  # `qa eval --squad` ranks through the same stage

    assert _product_ranking(reversed_)(question)[0] == after[0].chunk.source


@pytest.mark.parametrize("setting, known", [("answerer", "extractive, llm, auto"), ("reranker", "none, diversify"),
                                             ("store", "chroma")])
def test_an_unknown_name_is_a_german_settings_error_when_the_pipeline_is_built(settings, setting, known):
    """Settings judge their own fields; the registry says "unknown name" when the Pipeline asks it."""
    unknown = settings.replace(**{setting: "nicht-da"})  # not the settings' to judge
    with pytest.raises(SettingsError) as error:
        Pipeline(unknown)
    assert str(error.value) == f"Einstellung {setting}: unbekannter Wert 'nicht-da' ({known})."


class FirstSentence:
    """A toy answerer: quotes nothing, states the first sentence of the best hit."""

    name = "erster-satz"

    def __init__(self, settings) -> None:  # what it needs besides: none (`Spec.needs`)
        self.settings = settings

    def stream(self, question, hits, context):
        if not hits:
            yield abstain(hits, self.name)
            return
        text = hits[0].chunk.sentences[0].text
        yield text
        yield Answer(text=text, short_answer=None, abstained=False, citations=(), hits=tuple(hits),
                     answerer=self.name)


def test_an_answerer_is_one_class_and_one_registry_line(monkeypatch, settings, fake_embedder):
    monkeypatch.setitem(ANSWERERS, "erster-satz", Spec("Erster Satz", FirstSentence, api_model="qa-erster-satz"))
    pipeline = Pipeline(settings.replace(answerer="erster-satz"), embedder=fake_embedder)
    pipeline.ingest(progress=False)
    answer = pipeline.ask("Wer ist der neue EU-Außenbeauftragte?")
    assert answer.answerer == "erster-satz" and answer.text == answer.hits[0].chunk.sentences[0].text
    assert pipeline.answerer().settings is pipeline.settings  # its factory's one argument: it needs nothing more
    from qa.answer import choices, label

    assert "erster-satz" in choices() and label("erster-satz") == "Erster Satz"


def test_a_post_answer_step_is_one_function_and_one_registry_line(monkeypatch, settings, fake_embedder):
    """The Pipeline runs it on every final Answer and streams the text it adds."""
    def signed(settings):
        def step(question, answer):
            added = f"\n\nGeprüft: {question}"
            return replace(answer, text=answer.text + added), added
        return step

    monkeypatch.setitem(ANSWERERS, "erster-satz", Spec("Erster Satz", FirstSentence))
    monkeypatch.setitem(POST_ANSWER, "signed", signed)
    pipeline = Pipeline(settings.replace(answerer="erster-satz"), embedder=fake_embedder)
    pipeline.ingest(progress=False)
    *texts, answer = pipeline.stream("Wer ist der neue EU-Außenbeauftragte?")
    assert answer.text.endswith("\n\nGeprüft: Wer ist der neue EU-Außenbeauftragte?")
    assert "".join(texts) == answer.text  # streamed like the answer, so the streamed text is the final text


class MemoryStore:
    """A toy store: everything in dicts, cosine similarity with numpy; published at once."""

    generation = "memory"

    def __init__(self) -> None:
        self.files: dict[str, FileRecord] = {}
        self.chunks: dict[str, tuple] = {}  # id -> (chunk, version, vector)

    def current_generation(self):
        return self.generation

    def publish(self):
        pass

    def close(self):
        pass

    def file_records(self):
        return dict(self.files)

    def file_record(self, source):
        return self.files.get(source)

    def commit_files(self, records):
        self.files.update({r.source: r for r in records})

    def forget_file(self, source):
        self.files.pop(source, None)

    def add_chunks(self, chunks, vectors, versions):
        for chunk, vector, version in zip(chunks, vectors, versions):
            self.chunks[chunk.id] = (chunk, version, np.asarray(vector, dtype=np.float32))

    def delete_chunks(self, source, keep_version=None):
        self.chunks = {k: v for k, v in self.chunks.items() if v[0].source != source or v[1] == keep_version}

    def all_chunks(self):
        return [(chunk, version) for chunk, version, _ in self.chunks.values()]

    def query(self, vector, n, filters=None):
        rows = [(chunk, version, float(np.dot(v, vector))) for chunk, version, v in self.chunks.values()
                if filters is None or not filters.sources or chunk.source in filters.sources]
        return sorted(rows, key=lambda row: -row[2])[:n]

    def count(self):
        return len(self.chunks)

    def drop(self):
        self.files.clear()
        self.chunks.clear()


def test_a_store_is_one_class_and_one_registry_line(monkeypatch, settings, fake_embedder):
    memory = MemoryStore()
    monkeypatch.setitem(STORES, "memory", lambda settings, embedder, create, rebuild: memory)
    pipeline = Pipeline(settings.replace(store="memory"), embedder=fake_embedder)
    report = pipeline.ingest(progress=False)
    assert len(report.added) == 5 and memory.count() > 5
    question = "Irak-Einsatz der NATO seit Oktober 2018"
    in_chroma = Pipeline(settings, embedder=fake_embedder)
    in_chroma.ingest(progress=False)
    assert [h.chunk.id for h in pipeline.retrieve(question)] == [h.chunk.id for h in in_chroma.retrieve(question)]
    assert {r.source for r in pipeline.articles()} == set(memory.files)
    assert pipeline.store is memory


def test_the_langchain_example_of_the_readme(settings, fake_embedder):
    """The README's chain, with a stand-in for the language model (a RunnableLambda)."""
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.runnables import RunnableLambda

    from qa.retrieval.langchain import as_langchain

    pipeline = Pipeline(settings, embedder=fake_embedder)
    pipeline.ingest(progress=False)
    retriever = as_langchain(pipeline, k=4)
    docs = retriever.invoke("Wer ist der neue EU-Außenbeauftragte?")
    context = "\n\n".join(f"[{d.metadata['source']}] {d.page_content}" for d in docs)
    prompt = ChatPromptTemplate.from_template("Kontext:\n{context}\n\nFrage: {question}")
    chain = prompt | RunnableLambda(lambda value: value.to_string())
    rendered = chain.invoke({"context": context, "question": "Wer ist der neue EU-Außenbeauftragte?"})
    assert len(docs) == 4 and f"[{docs[0].metadata['source']}]" in rendered
    assert all(d.metadata["start"] < d.metadata["end"] for d in docs)
