"""SQuAD-format QA sets -> temporary corpus and index -> retrieval and answer figures.

`qa eval --squad FILE.json` runs `evaluate_squad`: every distinct paragraph becomes one corpus
file (`p0001.txt`, ...), the folder is ingested into a temporary index with the product's
settings, every question goes through `Pipeline.ask`, and the gold paragraph is looked up in the
ranking of each retrieval variant (deduplicated to paragraphs, best rank first):

    product    the fused ranking (`Retriever.search`, dense + BM25 with RRF) the answerer sees
    bm25       the keyword half of it alone           (`--baseline`)
    dense      the embedding half of it alone         (`--baseline`)
    langchain  the textbook LangChain pipeline: RecursiveCharacterTextSplitter(1000, 200),
               langchain_chroma.Chroma with the same embedding model, similarity_search
               (`--baseline`; ranked to depth 10 for recall@10, the textbook hands 4 to its LLM)

Not handled: SQuAD v2 questions without an answer (`is_impossible`) are skipped and counted, not
scored as abstentions; paragraph titles are not written into the corpus (retrieval sees the
paragraph text only, as in ../shared/MODELS.md).
"""
from __future__ import annotations

import logging
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from qa.config import Settings
from qa.errors import QAError, QuestionError
from qa.eval.squad_file import SquadQuestion, read_squad

logger = logging.getLogger(__name__)

LANGCHAIN_CHUNK_SIZE = 1000
LANGCHAIN_CHUNK_OVERLAP = 200
LANGCHAIN_LLM_K = 4  # what the textbook pipeline hands to its LLM
RANK_DEPTH = 10  # paragraphs ranked per variant: recall@1..10, MRR@10


@dataclass(frozen=True)
class SquadSet:
    name: str
    paragraphs: tuple[tuple[str, str], ...]  # (corpus file name, paragraph text)
    questions: tuple[SquadQuestion, ...]  # the answerable ones, each with its paragraph's `source`
    skipped: int = 0  # questions without an answer (SQuAD v2 is_impossible)


def load_squad(path: Path) -> SquadSet:
    """A SQuAD-format file (qa.eval.squad_file) as an evaluation set: every distinct paragraph,
    trimmed, gets a corpus file name (p0001.txt, …); questions without an answer are counted."""
    read = read_squad(path)
    width = max(4, len(str(len(read.paragraphs))))
    contexts: dict[str, str] = {}
    for _, text in read.paragraphs:
        contexts.setdefault(text.strip(), f"p{len(contexts) + 1:0{width}d}.txt")
    questions = tuple(replace(q, source=contexts[q.context.strip()]) for q in read.questions if q.gold)
    if not questions:
        raise QAError(f"Die Datei {path} enthält keine beantwortbaren Fragen.")
    return SquadSet(Path(path).name, tuple((s, t) for t, s in contexts.items()), questions,
                    len(read.questions) - len(questions))


def only_articles(dataset: SquadSet, titles: set[str]) -> SquadSet:
    """The set with the questions of these articles only; every paragraph stays in the corpus."""
    return replace(dataset, questions=tuple(q for q in dataset.questions if q.title in titles))


def spread(items: tuple, limit: int | None) -> tuple:
    """`limit` items evenly spaced over the sequence (all of them when limit is None or larger),
    so a quick run samples every article of the set, not just the first one."""
    if limit is None or limit >= len(items):
        return items
    if limit <= 0:
        return ()
    step = len(items) / limit
    return tuple(items[int(i * step)] for i in range(limit))


def write_corpus(dataset: SquadSet, corpus_dir: Path) -> None:
    corpus_dir.mkdir(parents=True, exist_ok=True)
    for source, text in dataset.paragraphs:
        (corpus_dir / source).write_text(text + "\n", encoding="utf-8")


def evaluate_squad(settings: Settings, dataset: SquadSet, limit: int | None = None, baseline: bool = False,
                   progress: bool = True) -> dict:
    """Index the set's paragraphs in a temporary folder, ask its questions, return every figure.

    The result holds the run's facts (`dataset`, `index`, `settings`), one row per question
    (`rows`) and the summary figures (see `qa.eval.metrics.summarize_squad`)."""
    from tqdm import tqdm

    from qa.embedding.embedder import load_embedder
    from qa.eval.metrics import summarize_squad
    from qa.pipeline import Pipeline

    started = time.perf_counter()
    questions = spread(dataset.questions, limit)
    with tempfile.TemporaryDirectory(prefix="qa-squad-") as tmp:
        tmp = Path(tmp)
        settings = settings.replace(corpus_dir=tmp / "corpus", vectorstore_dir=tmp / "index", chroma_host=None)
        write_corpus(dataset, settings.corpus_dir)
        load_started = time.perf_counter()
        embedder = QueryCache(load_embedder(settings))
        model_seconds = time.perf_counter() - load_started
        pipeline = Pipeline(settings, embedder=embedder)
        report = pipeline.ingest(progress=progress)
        pipeline.warm_up()  # QA_ANSWERER's models load before the clocks start
        answerer = pipeline.answerer_name()
        retriever = pipeline.retriever
        index = {"build_seconds": round(report.seconds, 2), "files": len(pipeline.articles()),
                 "chunks": retriever.size, "skipped_files": [s for s, _ in report.skipped],
                 "model_load_seconds": round(model_seconds, 2)}
        variants = _variants(pipeline, dataset, embedder, tmp, index) if baseline else {
            "product": _product_ranking(pipeline)}
        rows = []
        bar = tqdm(questions, desc="Fragen", unit="Frage", disable=not progress, file=sys.stderr)
        for question in bar:
            embedder.clear()  # `ask` embeds the question itself (its latency is real); the variants reuse it
            rows.append(_ask(pipeline, question, variants))
    return {
        "dataset": {"name": dataset.name, "paragraphs": len(dataset.paragraphs),
                    "questions_total": len(dataset.questions), "questions": len(questions),
                    "limit": limit, "skipped_unanswerable": dataset.skipped},
        "settings": {**settings.model_dump(include=REPORTED_SETTINGS), "answerer": answerer},
        "index": index,
        **summarize_squad(rows, list(variants),
                          operating_point=pipeline.answerer("extractive").calibration.answer_threshold),
        "elapsed_seconds": round(time.perf_counter() - started, 1),
        "rows": rows,
    }


REPORTED_SETTINGS = {"embedding_model", "embedding_dtype", "chunk_size", "chunk_overlap", "top_k", "candidates",
                     "rrf_k", "dense_weight", "reranker", "reader_passages", "reader_dtype"}


def _variants(pipeline, dataset: SquadSet, embedder, folder: Path, index: dict) -> dict[str, Callable[[str], list[str]]]:
    """The product's ranking and the baselines: BM25 alone, dense alone, the LangChain textbook."""
    retriever, depth = pipeline.retriever, pipeline.settings.candidates
    variants = {"product": _product_ranking(pipeline),
                "bm25": lambda q: [c.source for c, _ in retriever.keyword_search(q, depth)],
                "dense": lambda q: [c.source for c, _ in retriever.dense(q, depth)]}
    variants["langchain"], index["langchain"] = _langchain_ranking(dataset, pipeline.settings, embedder,
                                                                   folder / "langchain")
    return variants


def _product_ranking(pipeline) -> Callable[[str], list[str]]:
    """The product's ranking (retrieval and reranking, `Pipeline.retrieve`) to the depth it fetches
    (`candidates`); its first `top_k` hits are exactly what `Pipeline.ask` hands to the answerer."""
    depth = pipeline.settings.candidates
    return lambda q: [hit.chunk.source for hit in pipeline.retrieve(q, k=depth)]


def _ask(pipeline, question: SquadQuestion, variants: dict[str, Callable[[str], list[str]]]) -> dict:
    from qa.eval.metrics import contains_answer, exact_match, f1_score, gold_rank, unique_sources
    from qa.language import question_kind

    error, candidate = None, None
    try:
        answer = pipeline.ask(question.question)
        short, text, abstained, latency = answer.short_answer, answer.text, answer.abstained, answer.latency_ms
        cited = unique_sources(c.source for c in answer.citations)
        candidate = best_candidate(pipeline, question.question, answer)
    except QuestionError as exc:  # an empty or overlong question in the file: counted, not fatal
        short, text, abstained, latency, cited, error = None, str(exc), True, 0.0, [], str(exc)
    ranks, top = {}, {}
    for name, rank_sources in variants.items():
        ranked = unique_sources(rank_sources(question.question))[:RANK_DEPTH]
        ranks[name] = gold_rank(ranked, question.source)
        top[name] = ranked[:5]
    return {
        "id": question.id, "question": question.question, "gold": list(question.gold),
        "source": question.source, "kind": question_kind(question.question),
        "short_answer": short, "answer": text, "abstained": abstained, "cited": cited,
        "latency_ms": round(latency, 1),
        "em": exact_match(short, question.gold), "f1": round(f1_score(short, question.gold), 4),
        "span": None if abstained else candidate and candidate[0],
        "span_em": 0.0 if abstained or not candidate else exact_match(candidate[0], question.gold),
        "span_f1": 0.0 if abstained or not candidate else round(f1_score(candidate[0], question.gold), 4),
        "contains": contains_answer(text, question.gold), "cited_gold": question.source in cited,
        "ranks": ranks, "top": top["product"], "error": error,
        "confidence": candidate[1] if candidate else None,
        "candidate_f1": round(f1_score(candidate[0], question.gold), 4) if candidate else 0.0,
    }


def best_candidate(pipeline, question: str, answer) -> tuple[str, float] | None:
    """(span, confidence) of the answer's best candidate, answered or not: for the
    coverage/accuracy curve."""
    return (answer.span, answer.confidence) if answer.span is not None and answer.confidence is not None else None


def _langchain_ranking(dataset: SquadSet, settings: Settings, embedder, folder: Path):
    """The textbook pipeline, built like the tutorials build it; returns (ranking, index facts)."""
    import chromadb
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    started = time.perf_counter()
    documents = [Document(page_content=(settings.corpus_dir / source).read_text(encoding="utf-8"),
                          metadata={"source": source}) for source, _ in dataset.paragraphs]
    splitter = RecursiveCharacterTextSplitter(chunk_size=LANGCHAIN_CHUNK_SIZE, chunk_overlap=LANGCHAIN_CHUNK_OVERLAP)
    chunks = splitter.split_documents(documents)
    store = Chroma(collection_name="langchain", embedding_function=langchain_embeddings(embedder),
                   persist_directory=str(folder),
                   client_settings=chromadb.config.Settings(anonymized_telemetry=False))
    store.add_documents(chunks)
    facts = {"build_seconds": round(time.perf_counter() - started, 2), "chunks": len(chunks),
             "llm_k": LANGCHAIN_LLM_K, "ranked_k": RANK_DEPTH}

    def ranking(question: str) -> list[str]:
        return [doc.metadata["source"] for doc in store.similarity_search(question, k=RANK_DEPTH)]

    return ranking, facts


class QueryCache:
    """An embedder that remembers the query vectors of the current question, so the retrieval
    variants after `Pipeline.ask` do not embed it again; everything else is the wrapped embedder."""

    def __init__(self, embedder) -> None:
        self._embedder = embedder
        self._vectors: dict[str, object] = {}

    def __getattr__(self, name):
        return getattr(self._embedder, name)

    def clear(self) -> None:
        self._vectors.clear()

    def embed_queries(self, texts: list[str]):
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self._embedder.embed_queries(missing)))
        return np.stack([self._vectors[t] for t in texts]) if texts else self._embedder.embed_queries([])


def langchain_embeddings(embedder):
    """Our embedder as a LangChain `Embeddings` (passages and queries get their e5 prompts)."""
    from langchain_core.embeddings import Embeddings

    class QAEmbeddings(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed_passages(list(texts)).tolist()

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed_queries([text])[0].tolist()

    return QAEmbeddings()
