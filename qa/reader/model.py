"""Loading the reader: the bundled encoder with the trained weights of `qa/reader/weights/` applied
(sha256-pinned), run by torch or, converted once, by ONNX Runtime (`qa.reader.onnx_reader`).

What a loaded reader does with a question is `qa.reader.reading` (its names are re-exported here).
Not handled: weights of another architecture than BERT with a span head.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

from qa.checksum import sha256_file
from qa.embedding.cpu import bf16_supported, runs_on_onnx
from qa.errors import ModelError
from qa.reader.reading import (MAX_ANSWER_TOKENS, Reader, Reading, Span, Windows,  # noqa: F401  re-exported
                               window_spans)

logger = logging.getLogger(__name__)

WEIGHTS_DIR = Path(__file__).parent / "weights"


def load_base(cache_dir: Path):
    """(BertForQuestionAnswering with an untrained head, tokenizer) on the bundled encoder."""
    from transformers import AutoTokenizer, BertForQuestionAnswering

    from qa.embedding.e5_bundle import ensure_bundled_model, quiet_transformers

    folder = ensure_bundled_model(cache_dir)
    with quiet_transformers():
        model = BertForQuestionAnswering.from_pretrained(str(folder), local_files_only=True)
    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    return model, tokenizer


def load_reader(cache_dir: Path, weights_dir: Path = WEIGHTS_DIR, dtype: str = "auto",
                inference: str = "auto") -> Reader:
    """The shipped reader: the bundled encoder with the trained weights of `weights_dir` applied.

    Where `qa.embedding.cpu.runs_on_onnx(inference, dtype)` says so: on ONNX Runtime in float32
    (`qa.reader.onnx_reader`, converted on first use; torch is the fallback, with a warning, where
    that fails). Otherwise on torch with dtype "auto" (bfloat16 where the CPU computes it natively,
    else float32), "float32", "bfloat16" or "int8" (dynamic quantisation).

    `weights_dir/manifest.json` names the weights file and its sha256; a file that does not match
    is refused."""
    weights, manifest = _checked_weights(weights_dir)
    if runs_on_onnx(inference, dtype):
        try:
            from qa.reader.onnx_reader import OnnxReader, reader_folder

            folder = reader_folder(cache_dir, manifest, lambda: _merged(cache_dir, weights, manifest))
            return OnnxReader(folder, manifest.get("max_length", 256), manifest.get("stride", 96))
        except Exception as exc:  # noqa: BLE001  torch is the fallback
            logger.warning("Das Lesemodell läuft ohne ONNX Runtime weiter (mit torch): %s", exc)
    import torch

    model, tokenizer = _merged(cache_dir, weights, manifest)
    if dtype == "bfloat16" or (dtype == "auto" and bf16_supported()):
        model.to(torch.bfloat16)
    elif dtype == "int8":  # dynamic int8 quantisation of the linear layers (CPUs without bf16)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the torch.ao deprecation notice
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    return Reader(model, tokenizer, manifest.get("max_length", 256), manifest.get("stride", 96))


def _merged(cache_dir: Path, weights: Path, manifest: dict):
    """(torch model in float32 with the weights applied, in eval mode; its tokenizer)."""
    model, tokenizer = load_base(cache_dir)
    apply_weights(model, weights, manifest)
    return model.eval(), tokenizer


def _checked_weights(weights_dir: Path) -> tuple[Path, dict]:
    """(weights file, manifest) of `weights_dir`; ModelError (German) when missing or not matching."""
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
    return weights, manifest


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
