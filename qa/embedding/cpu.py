"""What this CPU computes natively, and so what runs the models: ONNX Runtime or torch.

One rule for the encoder and the reader (`runs_on_onnx`), so both take the same path:
- `QA_INFERENCE=onnx`: ONNX Runtime in float32 (unless a torch-only compute type is asked for:
  bfloat16, int8).
- `QA_INFERENCE=torch`: torch with the compute type asked for.
- `QA_INFERENCE=auto` (the default): torch in bfloat16 where the CPU has native bfloat16
  arithmetic (avx512_bf16, amx_bf16: its reader pass is about 2.5× faster than float32 there),
  ONNX Runtime in float32 everywhere else (faster than torch's float32, a start without torch).
  `qa ask`, a process for one question, asks for `onnx` when it finds `auto` (qa/cli/questions.py):
  its start costs more than any answer.

Not handled: GPUs; CPU flags on systems without /proc/cpuinfo (taken as no bfloat16).
"""
from __future__ import annotations

import functools
from pathlib import Path

@functools.lru_cache(maxsize=1)
def bf16_supported() -> bool:
    """True when the CPU computes bfloat16 natively (avx512_bf16 or amx_bf16)."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    flags = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags.update(line.partition(":")[2].split())
    return bool(flags & {"avx512_bf16", "amx_bf16"})


def runs_on_onnx(inference: str, dtype: str) -> bool:
    """True when a model with compute type `dtype` (auto, float32, bfloat16, int8) runs on ONNX
    Runtime under `inference` (auto, onnx, torch); see the module's text."""
    if dtype not in ("auto", "float32") or inference == "torch":
        return False
    return inference == "onnx" or dtype == "float32" or not bf16_supported()
