"""The one place that wires the stages: corpus -> index -> retrieval -> reranking -> answer ->
post-answer steps.

CLI, UI, API and evaluation all go through `Pipeline`; it loads the models and opens the index
on first use and keeps them, and is safe to share between threads (the app serves several
users from one Pipeline). Each stage gets what it uses from here, never the Pipeline: a
reranker the retriever, an answerer what its registry entry `needs` (the reader, the extractive
answerer as evidence provider), the post-answer steps (qa.answer.steps) the settings.

It does not keep the index in line with the corpus itself: building, updating and reopening the
index are `IndexLifecycle`'s (qa.index_lifecycle), which Pipeline inherits. It does not parse
requests or render answers either (qa.app, qa.cli).
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import replace
from typing import Iterator, Sequence

from qa.answer import ANSWERERS, check as check_answerer, resolve
from qa.answer.base import AnswerContext, Answerer, final
from qa.answer.assistant import Assistant, Corpus, is_client_task, is_small_talk, without_greeting
from qa.answer.overview import OVERVIEW_HITS, OverviewAnswerer, asks_overview
from qa.answer.steps import build_steps, run_steps
from qa.config import Settings
from qa.conversation import rewrite
from qa.errors import CorpusError, IndexCorruptError, IndexNotFoundError, QuestionError
from qa.index_lifecycle import IndexLifecycle
from qa.ingest.corpus import read_article
from qa.ingest.metadata import load_sidecar
from qa.records import Answer, Article, Filters, Hit, QuestionTime, Turn
from qa.retrieval.hybrid import Retriever
from qa.retrieval.rerank import check as check_reranker, make_reranker
from qa.retrieval.reranker import Reranker
from qa.retrieval.timing import prefer_time
from qa.store import check as check_store, open_store
from qa.store.base import FileRecord, Store

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
def clean_question(question: str, max_chars: int) -> str:
    """The question without control characters; a German QuestionError if unusable."""
    if not isinstance(question, str):
        raise QuestionError("Die Frage muss ein Text sein.")
    text = " ".join(_CONTROL.sub(" ", question).split())
    if not text:
        raise QuestionError("Bitte geben Sie eine Frage ein.")
    if len(text) > max_chars:
        raise QuestionError(f"Die Frage ist zu lang ({len(text):,} Zeichen; höchstens {max_chars:,}). "
                            "Bitte kürzer fassen.".replace(",", "."))
    if not any(ch.isalnum() for ch in text):
        raise QuestionError("Die Frage enthält keine Wörter. Bitte eine Frage in Worten stellen.")
    return text


class Pipeline(IndexLifecycle):
    def __init__(self, settings: Settings, embedder=None, reader=None) -> None:
        """A SettingsError (German) at once when the settings name an unknown answerer, reranker
        or store (the registries judge their names, not Settings)."""
        check_answerer(settings.answerer)
        check_reranker(settings.reranker)
        check_store(settings.store)
        self.settings = settings
        self._embedder = embedder
        self._reader = reader
        self._store: Store | None = None
        self._retriever: Retriever | None = None
        self._reranker: Reranker | None = None
        self._answerers: dict[str, Answerer] = {}
        self._steps = build_steps(settings)  # after every answer (qa.answer.steps)
        self._lock = threading.RLock()
        self._reopening = threading.Lock()

    # -- resources, loaded once ------------------------------------------------
    @property
    def embedder(self):
        with self._lock:
            if self._embedder is None:
                from qa.embedding.embedder import load_embedder

                self._embedder = load_embedder(self.settings)
            return self._embedder

    @property
    def reader(self):
        with self._lock:
            if self._reader is None:
                from qa.reader.model import load_reader

                self._reader = load_reader(self.settings.cache_dir, self.settings.reader_weights_dir,
                                           self.settings.reader_dtype, self.settings.inference)
            return self._reader

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = open_store(self.settings, self.embedder)
            return self._store

    @property
    def retriever(self) -> Retriever:
        with self._lock:
            if self._retriever is None:
                self._retriever = Retriever(self.settings, self.embedder, self.store)
            return self._retriever

    @property
    def reranker(self) -> Reranker:
        """The reranker for the current retriever (built again with every new one)."""
        with self._lock:
            if self._reranker is None:
                self._reranker = make_reranker(self.settings, self.retriever)
            return self._reranker

    def answerer(self, requested: str | None = None) -> Answerer:
        """The answerer for a request (a registry name or "auto"), built on first use with what its
        registry entry needs."""
        name = self.answerer_name(requested)
        with self._lock:
            if name not in self._answerers:  # what a factory may need (qa.answer: `Spec.needs`)
                provide = {"reader": lambda: self.reader, "evidence": lambda: self.answerer("extractive")}
                spec = ANSWERERS[name]
                self._answerers[name] = spec.factory(self.settings, **{need: provide[need]() for need in spec.needs})
            return self._answerers[name]

    def answerer_name(self, requested: str | None = None) -> str:
        """The registry name a request resolves to ("auto" takes the model where one is installed)."""
        return resolve(requested or self.settings.answerer, self.settings)

    def warm_up(self, answerer: str | None = None) -> None:
        """Load the models and open the index now (so latency figures exclude it)."""
        from qa.language import tag

        self.answerer(answerer)
        _ = self.retriever
        self.embedder.embed_queries(["Aufwärmen"])
        tag("Was hat sie gesagt?")  # the tagger of follow-up questions

    # -- questions ---------------------------------------------------------------
    def retrieve(self, question: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        """Retrieval, the question's time as a preference (qa.retrieval.timing) and reranking:
        the hits an answerer sees, best first. The reranker sees a deeper pool where it asks for
        one (`pool(k)`), and so does the time preference; the result is cut to k."""
        return self._retrieve(question, k or self.settings.top_k, filters, self.question_time(question, filters))

    def _within_topic(self, question: str):
        """Retrieval for an implicit follow-up ("Wer schoss die Tore?"): the question alone and the
        question within the last exchange's topic, fused; a question that only looked like a
        follow-up still finds its own passages."""
        from qa.retrieval.hybrid import rrf_fuse

        def search(query: str, k: int, filters: Filters | None, when: QuestionTime | None) -> list[Hit]:
            alone, within = self._retrieve(question, k, filters, when), self._retrieve(query, k, filters, when)
            by_id = {h.chunk.id: h for h in within + alone}
            fused = rrf_fuse([[h.chunk.id for h in alone], [h.chunk.id for h in within]], k=self.settings.rrf_k)
            return [replace(by_id[cid], score=score, rank=rank) for rank, (cid, score) in enumerate(fused[:k], start=1)]

        return search

    def _overview_hits(self, question: str, k: int, filters: Filters | None, when: QuestionTime | None) -> list[Hit]:
        """Hits for an overview: the time the question names is a filter where articles of that
        time exist ("im Februar 2020"), else a preference."""
        if when is not None and when.dated:
            timed = replace(filters or Filters(), date_from=when.date_from, date_to=when.date_to)
            hits = self._retrieve(question, k, timed, when)
            if hits:
                return hits
        return self._retrieve(question, k, filters, when)

    def _retrieve(self, question: str, k: int, filters: Filters | None, when: QuestionTime | None) -> list[Hit]:
        reranker = self.reranker
        pool = reranker.pool(k) if hasattr(reranker, "pool") else k
        if when is not None:
            pool = max(pool, self.settings.candidates)
        hits = prefer_time(self.retriever.search(question, k=pool, filters=filters), when)
        return reranker.rerank(question, hits)[:k]

    @staticmethod
    def question_time(question: str, filters: Filters | None = None) -> QuestionTime | None:
        """The time the question names (a ranking preference), unless the user switched it off."""
        from qa.dates import question_time

        if filters is not None and not filters.question_time:
            return None
        return question_time(question)

    def ask(self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None,
            answerer: str | None = None, max_tokens: int | None = None) -> Answer:
        """Answer one question (with optional conversation history, filters, answerer, and a limit
        on the tokens a language model may write)."""
        return final(self.stream(question, history, filters, answerer, max_tokens))

    def stream(self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None,
               answerer: str | None = None, max_tokens: int | None = None) -> Iterator[str | Answer]:
        """Text deltas of the answer as they are produced, then the final Answer.

        The final Answer's text is authoritative (verification may change what was
        streamed); `latency_ms` covers retrieval and answering, not model loading."""
        if isinstance(question, str) and is_client_task(question):  # a chat client's own prompt (title, tags …)
            yield from self._assistant(question)
            return
        question = clean_question(question, self.settings.max_question_chars)
        if is_small_talk(question):  # a greeting, a question about the assistant
            yield from self._assistant(question)
            return
        question = without_greeting(question)  # "Hallo, wer ist …?": the question
        chosen = self.answerer(answerer)  # models and index load before the clock starts
        self.refresh()  # another process may have published a new index
        _ = self.retriever
        started = time.perf_counter()
        understood = rewrite(question, history)  # a follow-up as a standalone question (qa.conversation)
        query = understood.query
        overview = asks_overview(understood.question)  # "Was passierte …?", "Fasse … zusammen."
        when = self.question_time(query, filters)
        search = self._overview_hits if overview else self._retrieve
        if understood.context and not understood.read_context and not overview:
            search = self._within_topic(understood.question)
        k = OVERVIEW_HITS if overview else self.settings.top_k
        try:
            hits = search(query, k, filters, when)
        except (IndexCorruptError, IndexNotFoundError):
            if not self.refresh():  # a rebuild deleted the generation this question was reading
                raise
            hits = search(query, k, filters, when)
        if overview:
            summary = OverviewAnswerer(self.retriever.article_chunks).answer(understood.query, hits)
            events = iter((summary.text, summary))
        else:
            events = chosen.stream(understood.question, hits, AnswerContext(
                conversation=understood.context if understood.read_context else "", max_tokens=max_tokens))
        for event in events:
            if isinstance(event, Answer):
                event, added = run_steps(self._steps, understood.question, event)  # qa.answer.steps
                if added:
                    yield added  # streamed like the rest, so the streamed text is the final text
                event = replace(event, latency_ms=(time.perf_counter() - started) * 1000.0,
                                question_time=when, understood_as=understood.question if understood.changed else None)
            yield event

    def _assistant(self, text: str) -> Iterator[str | Answer]:
        """Small talk and client tasks (qa.answer.assistant): no retrieval of evidence, no reader."""
        self.refresh()
        started = time.perf_counter()
        helper = Assistant(self._corpus_facts, lambda query: self._retrieve(query, 5, None, None))
        reply = helper.answer(text)
        yield reply.text
        yield replace(reply, latency_ms=(time.perf_counter() - started) * 1000.0)

    def _corpus_facts(self) -> Corpus:
        """How many articles, from when to when, and an example question (for the self-description)."""
        records = self.articles()
        dates = sorted(r.date for r in records if r.date)
        titled = sorted((r for r in records if r.title), key=lambda r: (r.date is not None, r.date), reverse=True)
        example = f"Worum geht es im Artikel „{titled[0].title}“?" if titled else ""
        return Corpus(len(records), dates[0] if dates else None, dates[-1] if dates else None, example)

    # -- articles (for the UI) -----------------------------------------------------
    def articles(self) -> list[FileRecord]:
        self.refresh()
        return sorted((r for r in self.store.file_records().values() if not r.skipped), key=lambda r: r.source)

    def article(self, source: str) -> Article:
        """An indexed article by its name; nothing outside the corpus folder is ever read.

        Looked up in the index's file records (no walk over the corpus folder per click)."""
        corpus = self.settings.corpus_dir
        self.refresh()
        record = self.store.file_record(source)
        if record is not None and record.skipped:
            raise CorpusError(record.skipped)
        if record is None or not (corpus / source).resolve().is_relative_to(corpus.resolve()):
            raise CorpusError(f"Der Artikel {source!r} ist nicht im Korpus.")
        return read_article(corpus / source, corpus, load_sidecar(corpus).get(source))
