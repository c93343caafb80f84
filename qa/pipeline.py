"""The one place that wires the stages: corpus -> index -> retrieval -> answer.

CLI, UI and benchmarks all go through `Pipeline`; it loads the embedding model
and opens the index on first use and keeps them, and is safe to share between
threads (the UI serves several users from one Pipeline).
"""
from __future__ import annotations

import logging
import re
import threading
import time
from typing import Iterator, Sequence

from qa.answering import ExtractiveAnswerer
from qa.config import Settings
from qa.corpus import read_article
from qa.errors import CorpusError, IndexNotFoundError, QuestionError
from qa.index import ChunkStore, FileRecord
from qa.ingest import IngestReport, ingest, scan_corpus
from qa.records import Answer, Article, Filters, Turn
from qa.retrieval import Retriever

logger = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FOLLOW_UP = re.compile(
    r"^(und|aber|auch|was ist mit|wie steht es mit)\b"
    r"|\b(er|sie|es|ihm|ihr|ihn|ihnen|sein|seine|seiner|ihre|ihrer|dort|dabei|damit|davon|dazu|dies|diese|dieser|dieses|deren|dessen|derselbe)\b",
    re.IGNORECASE)


def clean_question(question: str, max_chars: int) -> str:
    """The question without control characters; a German QuestionError if unusable."""
    if question is None:
        raise QuestionError("Bitte geben Sie eine Frage ein.")
    text = _CONTROL.sub(" ", question)
    text = " ".join(text.split())
    if not text:
        raise QuestionError("Bitte geben Sie eine Frage ein.")
    if len(text) > max_chars:
        raise QuestionError(f"Die Frage ist zu lang ({len(text):,} Zeichen; höchstens {max_chars:,}). "
                            "Bitte kürzer fassen.".replace(",", "."))
    if not any(ch.isalnum() for ch in text):
        raise QuestionError("Die Frage enthält keine Wörter. Bitte eine Frage in Worten stellen.")
    return text


def resolve_follow_up(question: str, history: Sequence[Turn]) -> tuple[str, str]:
    """(retrieval query, context) for a question in a conversation.

    A follow-up ("Und welche ...?", "Was hat er ...?") is searched together with
    the previous user question; its context terms also help pick the sentence."""
    previous = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not previous or not _FOLLOW_UP.search(question):
        return question, ""
    return f"{previous[-1]} {question}", previous[-1]


class Pipeline:
    def __init__(self, settings: Settings, embedder=None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._retriever: Retriever | None = None
        self._extractive: ExtractiveAnswerer | None = None
        self._generative = None
        self._lock = threading.RLock()

    # -- resources, loaded once ------------------------------------------------
    @property
    def embedder(self):
        with self._lock:
            if self._embedder is None:
                from qa.embedding import load_embedder

                self._embedder = load_embedder(self.settings)
            return self._embedder

    @property
    def retriever(self) -> Retriever:
        with self._lock:
            if self._retriever is None:
                store = ChunkStore(self.settings, self.embedder, create=False)
                self._retriever = Retriever(self.settings, self.embedder, store)
                self._extractive = None
            return self._retriever

    @property
    def extractive(self) -> ExtractiveAnswerer:
        with self._lock:
            retriever = self.retriever
            if self._extractive is None:
                self._extractive = ExtractiveAnswerer(idf=retriever.keyword.idf)
            return self._extractive

    def generative(self):
        """The generative answerer (model loaded on first use); ModelError when none is installed."""
        from qa.generation import GenerativeAnswerer, make_backend

        with self._lock:
            extractive = self.extractive
            if self._generative is None or self._generative.extractive is not extractive:
                backend = self._generative.backend if self._generative else make_backend(self.settings)
                self._generative = GenerativeAnswerer(backend, extractive, self.settings.llm_passages,
                                                      self.settings.llm_max_tokens)
            return self._generative

    def answerer_for(self, requested: str | None = None) -> str:
        """"extractive" or "llm" for a request ("auto" takes the model where one is installed)."""
        choice = requested or self.settings.answerer
        if choice == "auto":
            from qa.generation import llm_installed

            return "llm" if llm_installed(self.settings) else "extractive"
        return choice

    def warm_up(self) -> None:
        """Load the model and open the index now (so latency figures exclude it)."""
        _ = self.extractive
        self.embedder.embed_queries(["Aufwärmen"])

    # -- index -------------------------------------------------------------------
    def ingest(self, rebuild: bool = False, progress: bool | None = None) -> IngestReport:
        with self._lock:
            report = ingest(self.settings, self.embedder, rebuild=rebuild, progress=progress)
            self._retriever = None
            self._extractive = None
            return report

    def index_is_current(self) -> bool:
        """True when the index exists and matches the corpus folder (by content hash;
        files unchanged in size and modification time are not read again)."""
        try:
            files = self.retriever.files
        except IndexNotFoundError:
            return False
        present = scan_corpus(self.settings, known=files)
        unreadable = {source for source, found in present.items() if found.version is None}
        return ({source: found.version for source, found in present.items() if source not in unreadable}
                == {source: record.version for source, record in files.items() if source not in unreadable})

    def ensure_index(self, progress: bool | None = None) -> IngestReport | None:
        """Build the index on first use, update it when the corpus changed; None when current."""
        if self.index_is_current():
            return None
        return self.ingest(progress=progress)

    # -- questions ---------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None,
            answerer: str | None = None) -> Answer:
        """Answer one question (with optional conversation history, filters, answerer)."""
        answer = None
        for event in self.stream(question, history, filters, answerer):
            if isinstance(event, Answer):
                answer = event
        return answer

    def stream(self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None,
               answerer: str | None = None) -> Iterator[str | Answer]:
        """Text deltas of the answer as they are produced, then the final Answer.

        The final Answer's text is authoritative (verification may change what was
        streamed); `latency_ms` covers retrieval and answering, not model loading."""
        question = clean_question(question, self.settings.max_question_chars)
        choice = self.answerer_for(answerer)
        # load models and index before the clock starts
        chosen = self.generative() if choice == "llm" else self.extractive
        started = time.perf_counter()
        query, context = resolve_follow_up(question, history)
        hits = self.retriever.search(query, filters=filters)
        if choice == "llm":
            for event in chosen.stream(question, hits, context):
                yield _with_latency(event, started) if isinstance(event, Answer) else event
            return
        answer = chosen.answer(question, hits, context=context)
        yield answer.text
        yield _with_latency(answer, started)

    # -- articles (for the UI) -----------------------------------------------------
    def articles(self) -> list[FileRecord]:
        return sorted((r for r in self.retriever.files.values() if not r.skipped), key=lambda r: r.source)

    def article(self, source: str) -> Article:
        """An indexed article by its name; nothing outside the corpus folder is ever read.

        Looked up in the index's file records (no walk over the corpus folder per click)."""
        corpus = self.settings.corpus_dir
        record = self.retriever.files.get(source)
        if record is None or record.skipped or not (corpus / source).resolve().is_relative_to(corpus.resolve()):
            raise CorpusError(f"Der Artikel {source!r} ist nicht im Korpus.")
        return read_article(corpus / source, corpus)


def _with_latency(answer: Answer, started: float) -> Answer:
    from dataclasses import replace

    return replace(answer, latency_ms=(time.perf_counter() - started) * 1000.0)

