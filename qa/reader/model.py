"""The reader model: question + passages -> scored answer spans with character offsets.

A span-extraction head (start/end logits, `BertForQuestionAnswering`) on the bundled
multilingual-e5-small encoder, with the weights trained by `qa train-reader` applied on top
(`qa/reader/weights/`, sha256-pinned). Every passage is read as one or more windows of at most
`max_length` tokens (question + a stretch of the passage, overlapping by `stride` tokens); all
windows of a question go through the model in one batch.

Scores are raw logits, `start + end`, so they are comparable across passages (no per-passage
softmax); each window's `[CLS]` position gives its no-answer score (`null`).

Not handled: spans longer than `MAX_ANSWER_TOKENS` tokens.
"""
from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from qa.checksum import sha256_file
from qa.errors import ModelError

logger = logging.getLogger(__name__)

MAX_ANSWER_TOKENS = 30
MAX_QUESTION_SHARE = 4  # a question takes at most max_length // 4 tokens of a window (64 of 256)
TOP_TOKENS = 20  # start and end candidates per window
WEIGHTS_DIR = Path(__file__).parent / "weights"


@dataclass(frozen=True)
class Span:
    """A candidate answer: characters [start, end) of passage `passage`, scored start + end logit."""

    passage: int
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Reading:
    """What the reader found in a question's passages: candidate spans (best first) and, per
    passage, the lowest no-answer score of its windows."""

    spans: tuple[Span, ...]
    null: tuple[float, ...]

    @property
    def best(self) -> Span | None:
        return self.spans[0] if self.spans else None

    @property
    def margin(self) -> float:
        """Best span score minus the no-answer score of its passage (> 0: the model answers)."""
        best = self.best
        return float("-inf") if best is None else best.score - self.null[best.passage]


class Reader:
    """A loaded reader; thread-safe (calls are serialised: two cores gain nothing from parallel passes)."""

    def __init__(self, model, tokenizer, max_length: int = 256, stride: int = 96) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.stride = stride
        self._lock = threading.Lock()

    def read(self, question: str, passages: Sequence[str], top: int = 20) -> Reading:
        """The `top` best spans over all passages, and each passage's no-answer score."""
        import torch

        if not passages:
            return Reading((), ())
        question = self.fit_question(question)
        encoded = self.tokenizer([question] * len(passages), list(passages), truncation="only_second",
                                 max_length=self.max_length, stride=self.stride, padding=True,
                                 return_overflowing_tokens=True, return_offsets_mapping=True,
                                 return_tensors="pt")
        owners = encoded.pop("overflow_to_sample_mapping").tolist()
        offsets = encoded.pop("offset_mapping").tolist()
        with self._lock, torch.inference_mode():
            out = self.model(**{k: v for k, v in encoded.items() if k in ("input_ids", "attention_mask", "token_type_ids")})
        starts = out.start_logits.float().numpy()
        ends = out.end_logits.float().numpy()
        null = [float("inf")] * len(passages)
        spans: dict[tuple[int, int, int], float] = {}
        for w, owner in enumerate(owners):
            null[owner] = min(null[owner], float(starts[w, 0] + ends[w, 0]))
            context = [k for k, s in enumerate(encoded.sequence_ids(w)) if s == 1]
            for a, b, score in window_spans(starts[w], ends[w], context):
                key = (owner, offsets[w][a][0], offsets[w][b][1])
                spans[key] = max(score, spans.get(key, float("-inf")))
        ranked = sorted((Span(p, a, b, s) for (p, a, b), s in spans.items()), key=lambda s: -s.score)
        return Reading(tuple(ranked[:top]), tuple(null))


    def fit_question(self, question: str) -> str:
        """The question cut to the tokens a window leaves for it (the passage needs the rest; a
        question as long as a window made the tokenizer fail). The search keeps the whole question."""
        limit = self.max_length // MAX_QUESTION_SHARE
        encoded = self.tokenizer(question, add_special_tokens=False, return_offsets_mapping=True)
        offsets = encoded["offset_mapping"]
        if len(offsets) <= limit:
            return question
        return question[:offsets[limit - 1][1]]


def window_spans(starts: np.ndarray, ends: np.ndarray, context: list[int]) -> list[tuple[int, int, float]]:
    """(first token, last token, score) of the valid spans among the best start/end tokens of a
    window: both inside the context, end not before start, at most MAX_ANSWER_TOKENS long."""
    if not context:
        return []
    lo, hi = context[0], context[-1]
    s_idx = lo + np.argsort(-starts[lo:hi + 1])[:TOP_TOKENS]
    e_idx = lo + np.argsort(-ends[lo:hi + 1])[:TOP_TOKENS]
    out = []
    for a in s_idx:
        for b in e_idx:
            if a <= b < a + MAX_ANSWER_TOKENS:
                out.append((int(a), int(b), float(starts[a] + ends[b])))
    return out


# -- loading -------------------------------------------------------------------------------
def load_base(cache_dir: Path):
    """(BertForQuestionAnswering with an untrained head, tokenizer) on the bundled encoder."""
    from transformers import AutoTokenizer, BertForQuestionAnswering
    from transformers.utils import logging as hf_logging

    from qa.embedding.e5_bundle import ensure_bundled_model

    folder = ensure_bundled_model(cache_dir)
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # the load report lists the pooler and the new head: expected
    hf_logging.disable_progress_bar()
    try:
        model = BertForQuestionAnswering.from_pretrained(str(folder), local_files_only=True)
    finally:
        hf_logging.set_verbosity(verbosity)
    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    return model, tokenizer


def load_reader(cache_dir: Path, weights_dir: Path = WEIGHTS_DIR, dtype: str = "auto") -> Reader:
    """The shipped reader: the bundled encoder with the trained weights of `weights_dir` applied.

    dtype: "auto" (bfloat16 where the CPU computes it natively, else float32), "float32",
    "bfloat16" or "int8" (dynamic quantisation).

    `weights_dir/manifest.json` names the weights file and its sha256; a file that does not match
    is refused."""
    import torch

    manifest_path = weights_dir / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"Die Gewichte des Lesemodells fehlen oder sind unlesbar ({manifest_path}).") from exc
    weights = weights_dir / manifest["file"]
    if not weights.is_file():
        raise ModelError(f"Die Gewichtsdatei des Lesemodells fehlt: {weights}.")
    digest = sha256_file(weights)
    if digest != manifest["sha256"]:
        raise ModelError(f"Die Gewichtsdatei {weights.name} des Lesemodells hat die Prüfsumme {digest}, "
                         f"erwartet {manifest['sha256']}. Sie wird nicht verwendet; bitte das Paket neu "
                         "installieren oder `qa train-reader` ausführen.")
    model, tokenizer = load_base(cache_dir)
    apply_weights(model, weights, manifest)
    model.eval()
    if dtype == "bfloat16" or (dtype == "auto" and _bf16()):
        model.to(torch.bfloat16)
    elif dtype == "int8":  # dynamic int8 quantisation of the linear layers (CPUs without bf16)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the torch.ao deprecation notice
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    return Reader(model, tokenizer, manifest.get("max_length", 256), manifest.get("stride", 96))


def apply_weights(model, weights: Path, manifest: dict) -> None:
    """Put trained tensors into the base model: full tensors replace the base's; LoRA pairs
    (`name.lora_A`, `name.lora_B`) are merged into `name` as W += scale * B @ A."""
    import torch
    from safetensors.torch import load_file

    tensors = load_file(str(weights))
    state = model.state_dict()
    scale = float(manifest.get("lora_scale", 1.0))
    with torch.no_grad():
        for name, value in tensors.items():
            if name.endswith(".lora_A"):
                target = name[: -len(".lora_A")]
                delta = tensors[target + ".lora_B"].float() @ value.float()
                state[target + ".weight"].add_(scale * delta)
            elif name.endswith(".lora_B"):
                continue
            elif name in state:
                state[name].copy_(value.float())
            else:
                raise ModelError(f"Die Gewichtsdatei {weights.name} passt nicht zum Lesemodell ({name}).")


def _bf16() -> bool:
    from qa.embedding.embedder import bf16_supported

    return bf16_supported()
