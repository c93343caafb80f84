"""Shared fixtures.

`FakeEmbedder` (hash of the words -> seeded unit vectors) stands in for the
model in unit tests of ingest and storage only; everything that judges answer
quality uses the real bundled model (`real_pipeline`).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from servers import free_port, start_chroma, wait_for_http  # noqa: F401  servers live in tests/servers.py

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
DEV_SET = REPO / "tests" / "data" / "dev.jsonl"


class FakeEmbedder:
    """Deterministic bag-of-words vectors: texts sharing words get similar vectors."""

    name = "fake-hash-embedder"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0
        self.texts_embedded = 0

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in text.lower().split():
            seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "little")
            v += np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        norm = np.linalg.norm(v)
        return v / norm if norm else np.ones(self.dim, dtype=np.float32) / np.sqrt(self.dim)

    def embed_passages(self, texts):
        self.calls += 1
        self.texts_embedded += len(texts)
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_queries(self, texts):
        return self.embed_passages(texts)


@pytest.fixture
def fake_embedder():
    return FakeEmbedder()


@pytest.fixture
def seed_corpus(tmp_path) -> Path:
    """A copy of the five seed articles that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def settings(tmp_path, seed_corpus):
    from qa.config import Settings

    return Settings(corpus_dir=seed_corpus, vectorstore_dir=tmp_path / "vectorstore")


@pytest.fixture(scope="session")
def real_embedder():
    from qa.config import Settings
    from qa.embedding.embedder import load_embedder

    return load_embedder(Settings())


@pytest.fixture(scope="session")
def real_pipeline(tmp_path_factory, real_embedder):
    """The real model on the real corpus, indexed once per test session."""
    from qa.config import Settings
    from qa.pipeline import Pipeline

    settings = Settings(corpus_dir=CORPUS, vectorstore_dir=tmp_path_factory.mktemp("vectorstore"))
    pipeline = Pipeline(settings, embedder=real_embedder)
    pipeline.ingest(progress=False)
    pipeline.warm_up()
    return pipeline


class Citing:
    """A fake extractive answerer: the first sentence of the first hit, cited (API and load tests)."""

    name = "extractive"

    def stream(self, question, hits, context):
        from qa.answer import abstain
        from qa.answer.citations import build_citations
        from qa.records import Answer

        usable = [h for h in hits if h.chunk.sentences]
        if not usable:
            answer = abstain(hits, self.name)
        else:
            citations = build_citations([(usable[0], usable[0].chunk.sentences[0])])
            answer = Answer(text=f"„{citations[0].quote}“ [1]", short_answer=None, abstained=False,
                            citations=tuple(citations), hits=tuple(hits), answerer=self.name)
        yield answer.text
        yield answer


def in_background(fn, *args) -> tuple[threading.Thread, list]:
    """Run fn(*args) in a daemon thread; its result lands in the returned list."""
    out: list = []
    thread = threading.Thread(target=lambda: out.append(fn(*args)), daemon=True)
    thread.start()
    return thread, out


# an article added to the seed corpus that changes an answer (index reliability tests)
ADDED = "005_koalition.txt"
ADDED_TEXT = ("Koalition gegen den IS wächst\n\nDie internationale Koalition gegen den IS zählt inzwischen "
              "83 Mitglieder, teilte das Auswärtige Amt am Montag in Berlin mit.\n")


def qa_fake(env, *args) -> subprocess.CompletedProcess:
    """`qa` as its console script runs it, with the fake embedder and test faults (tests/qa_fakes.py)."""
    return subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "qa_fakes.py"), *args], env=env,
                          capture_output=True, text=True, timeout=600)
