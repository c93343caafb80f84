"""The bundled BERT encoders (embedder and reader) on ONNX Runtime, without torch.

A converted folder (`cache_dir/models/onnx/…`, written once by `qa.embedding.onnx_export`, the
only step that imports torch) holds:

    model.onnx          the transformer from the word embeddings on: inputs `inputs_embeds`
                        (batch, tokens, hidden) and `attention_mask` (batch, tokens)
    tokenizer.json      the tokenizer exactly as transformers runs it (its fast backend)
    meta.json           what it was made from, its outputs, the word-embedding table it uses and
                        how far ONNX Runtime was from torch on a check batch
    onnx-source.sha256  written last: the digest of what it was converted from (a complete folder)

The word-embedding table (250,037 x 384, 384 MB of the model's 470 MB) is not in the graph: it
lies beside it as a `.npy` file under `cache_dir/models/onnx/tables/`, named by its sha256 (the
embedder and a reader with untouched embeddings share one), and is memory-mapped: only the rows
of the tokens read are ever loaded, so a process holds ~90 MB per model instead of ~470 MB.

A folder is written to a temporary sibling and renamed into place; one process converts at a time
(`ensure_converted`). Not handled: other execution providers than the CPU's.
"""
from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from qa.embedding import folders
from qa.errors import ModelError

logger = logging.getLogger(__name__)

FORMAT = 1
"""The layout of a converted folder; another one is converted anew."""
MARKER = "onnx-source.sha256"


def onnx_dir(cache_dir: Path) -> Path:
    return Path(cache_dir) / "models" / "onnx"


def is_complete(folder: Path, digest: str) -> bool:
    return folders.is_complete(folder, MARKER, digest)


def ensure_converted(target: Path, digest: str, build: Callable[[Path], None]) -> Path:
    """`target`, made by `build(folder)` unless a complete one for `digest` is there
    (`qa.embedding.folders.build_once`: a temporary sibling renamed into place, one process at a time)."""
    if is_complete(target, digest):
        return target
    try:
        folders.build_once(target, MARKER, digest, f"format {FORMAT}", build)
    except OSError as exc:
        raise ModelError(f"Das Modell konnte nicht nach {target} umgewandelt werden ({exc}). Bitte Schreibrechte "
                         "und freien Speicherplatz (etwa 0,6 GB) prüfen oder mit QA_CACHE_DIR einen anderen "
                         "Cache-Ordner wählen.") from exc
    return target


def threads() -> int:
    """Threads of one inference: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Background:
    """A value built in a thread of its own (ONNX Runtime builds sessions without holding the GIL,
    so two models and the index load side by side); `get()` waits for it and re-raises its error."""

    def __init__(self, build: Callable[[], object]) -> None:
        self._value = self._error = None
        self._thread = threading.Thread(target=self._run, args=(build,), daemon=True, name="qa-onnx-load")
        self._thread.start()

    def _run(self, build) -> None:
        try:
            self._value = build()
        except BaseException as exc:  # noqa: BLE001  handed to the caller of get()
            self._error = exc

    def get(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


class OnnxBert:
    """A converted folder loaded: token ids -> the graph's outputs (float32 arrays)."""

    def __init__(self, folder: Path) -> None:
        import onnxruntime as ort

        self.meta = read_meta(folder)
        self.table = np.load(folder.parent / "tables" / self.meta["word_embeddings"], mmap_mode="r")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads()
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only: no notices on the terminal
        try:
            self.session = ort.InferenceSession(str(folder / "model.onnx"), options,
                                                providers=["CPUExecutionProvider"])
        except Exception as exc:  # a damaged file: converted anew on the next start
            (folder / MARKER).unlink(missing_ok=True)
            raise ModelError(f"Das umgewandelte Modell in {folder} ist beschädigt ({type(exc).__name__}); "
                             "es wird beim nächsten Start neu umgewandelt.") from exc
        self.pad_id = int(self.meta["pad_id"])

    def run(self, ids: Sequence[Sequence[int]]) -> list[np.ndarray]:
        """The outputs for a batch of token id sequences (padded to the longest, masked)."""
        length = max(len(seq) for seq in ids)
        input_ids = np.full((len(ids), length), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(ids), length), dtype=np.int64)
        for row, seq in enumerate(ids):
            input_ids[row, :len(seq)] = seq
            mask[row, :len(seq)] = 1
        embeds = np.ascontiguousarray(self.table[input_ids], dtype=np.float32)  # rows read from the mapped file
        return self.session.run(None, {"inputs_embeds": embeds, "attention_mask": mask})


def read_meta(folder: Path) -> dict:
    return json.loads((folder / "meta.json").read_text(encoding="utf-8"))


_tokenizers: dict[str, tuple[object, threading.Lock]] = {}
_tokenizers_lock = threading.Lock()


def shared_tokenizer(folder: Path) -> tuple[object, threading.Lock]:
    """The folder's tokenizer (a `tokenizers.Tokenizer`) and the lock its users hold while they
    set its truncation and encode; folders with the same tokenizer share one (loaded once)."""
    from tokenizers import Tokenizer

    key = read_meta(folder)["tokenizer_sha256"]
    with _tokenizers_lock:
        if key not in _tokenizers:
            _tokenizers[key] = (Tokenizer.from_file(str(folder / "tokenizer.json")), threading.Lock())
        return _tokenizers[key]
