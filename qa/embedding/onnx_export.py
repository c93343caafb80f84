"""Conversion of a loaded torch BERT (embedder or reader) into an ONNX folder (`qa.embedding.onnx_model`).

The only place of the ONNX path that imports torch: it runs once per model and weights, on first
use, inside `onnx_model.ensure_converted`. The graph is traced with torch's TorchScript exporter
(`torch.onnx.export(dynamo=False)`, eager attention: plain operators that ONNX Runtime fuses), from
the word embeddings on; the table itself is written as a content-addressed `.npy` file. Before the
folder is published, ONNX Runtime's outputs on a padded check batch are compared with torch's;
a difference over `TOLERANCE` refuses the conversion (ModelError), so a broken export never answers.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from qa.checksum import sha256_file
from qa.errors import ModelError

logger = logging.getLogger(__name__)

TOLERANCE = 1e-3
"""Largest absolute difference between torch's and ONNX Runtime's outputs that a conversion
accepts (measured: about 1e-5 for the reader's logits and the embedder's hidden states)."""
CHECK_TEXTS = (
    ("Seit wann läuft der aktuelle Irak-Einsatz der NATO?",
     "Die NATO-Mission im Irak läuft seit Oktober 2018; sie bildet irakische Sicherheitskräfte aus. "
     "Nach dem Tod des iranischen Generals Soleimani wurde sie ausgesetzt und später wieder aufgenommen."),
    ("Wer ist der neue EU-Außenbeauftragte?", "Josep Borrell ist der neue Außenbeauftragte der EU."),
)


def export_bert(model, tokenizer, folder: Path, outputs: Sequence[str], meta: dict) -> None:
    """Write `model` (a transformers BERT in float32) into `folder` as model.onnx + tokenizer.json +
    meta.json, its word-embedding table into `folder.parent / "tables"`; `outputs` are the names of
    the model output's fields the graph returns (last_hidden_state; start_logits, end_logits)."""
    import torch
    from tokenizers import Tokenizer

    model = model.float().eval()
    if hasattr(model, "set_attn_implementation"):
        model.set_attn_implementation("eager")  # matmul + softmax: traced as plain operators
    table = model.get_input_embeddings().weight.detach().numpy().astype(np.float32, copy=False)
    table_name = _write_table(table, folder.parent / "tables")

    class FromEmbeddings(torch.nn.Module):
        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, inputs_embeds, attention_mask):
            out = self.inner(inputs_embeds=inputs_embeds, attention_mask=attention_mask)
            return tuple(out[name] for name in outputs)

    wrapper = FromEmbeddings(model).eval()
    encoded = tokenizer([q for q, _ in CHECK_TEXTS], [p for _, p in CHECK_TEXTS], padding=True,
                        return_tensors="pt")  # two lengths: the shorter one is padded
    ids, mask = encoded["input_ids"], encoded["attention_mask"]
    embeds = torch.from_numpy(table[ids.numpy()])
    with torch.inference_mode():
        expected = [t.float().numpy() for t in wrapper(embeds, mask)]
    dynamic = {"inputs_embeds": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
               **{name: {0: "batch", 1: "tokens"} for name in outputs}}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer and deprecation notices: the check below decides
        torch.onnx.export(wrapper, (embeds, mask), str(folder / "model.onnx"), input_names=["inputs_embeds",
                          "attention_mask"], output_names=list(outputs), dynamic_axes=dynamic, opset_version=17,
                          do_constant_folding=True, dynamo=False)
    backend = Tokenizer.from_str(tokenizer.backend_tokenizer.to_str())
    backend.no_truncation()
    backend.no_padding()
    backend.save(str(folder / "tokenizer.json"))
    difference = _check(folder, table, ids.numpy(), mask.numpy(), expected)
    meta = {**meta, "format": 1, "outputs": list(outputs), "hidden": int(table.shape[1]),
            "pad_id": int(tokenizer.pad_token_id), "word_embeddings": table_name,
            "tokenizer_sha256": sha256_file(folder / "tokenizer.json"),
            "max_difference_to_torch": difference}
    (folder / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    for path in folder.iterdir():
        os.chmod(path, 0o644)


def _check(folder: Path, table: np.ndarray, ids: np.ndarray, mask: np.ndarray, expected: list[np.ndarray]) -> float:
    """Largest difference of ONNX Runtime's outputs from torch's on the real (unpadded) tokens."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
    got = session.run(None, {"inputs_embeds": table[ids], "attention_mask": mask})
    real = mask.astype(bool)
    difference = max(float(np.abs(g[real] - e[real]).max()) for g, e in zip(got, expected))
    if not difference <= TOLERANCE:
        raise ModelError(f"Die Umwandlung nach ONNX weicht vom Original ab (größte Abweichung {difference:.2g}); "
                         "sie wird nicht verwendet. Abhilfe: QA_INFERENCE=torch.")
    return difference


def _write_table(table: np.ndarray, tables: Path) -> str:
    """The table as `tables/<sha256 of its bytes>.npy` (written once, atomically); its file name."""
    data = np.ascontiguousarray(table, dtype="<f4")
    name = f"{hashlib.sha256(data.data).hexdigest()[:32]}.npy"
    target = tables / name
    if not target.is_file():
        tables.mkdir(parents=True, exist_ok=True)
        staging = tables / f".{name}.tmp-{os.getpid()}"
        try:
            with open(staging, "wb") as handle:
                np.save(handle, data, allow_pickle=False)
            os.chmod(staging, 0o644)
            os.replace(staging, target)
        finally:
            staging.unlink(missing_ok=True)
    return name
