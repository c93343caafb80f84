#!/usr/bin/env python3
"""ONNX Runtime dynamic int8 for the reader, whole and in parts: how much faster, how far the answers move.

    python benchmarks/bench_int8.py [--questions 150] [--variants all,ffn,ffn_mid,mid]

Quantises the converted reader (qa.reader.onnx_reader, float32) with onnxruntime's
`quantize_dynamic` (int8 weights, per channel) into temporary folders beside it — `all`: every
weighted MatMul; `ffn`: the feed-forward MatMuls only; `ffn_mid`: those of layers 1–9; `mid`: every
weighted MatMul of layers 1–9 — and reads questions of data/newsqa_de's calibration part, each
with its own passage and two others (3 passages, as the answerer reads), with float32 and every
variant in one run. Prints the read's p50 per variant and, against float32, how often the best
span is the same, the median and 90th percentile of the margin's change (best span score minus
its passage's no-answer score: what the calibration reads) and how often its sign flips
(answer / no answer). Nothing is shipped from here: the folders are removed at the end.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def weighted_matmuls(model_path: Path) -> dict[str, list[str]]:
    import onnx

    graph = onnx.load(str(model_path), load_external_data=False).graph
    names = [n.name for n in graph.node if n.op_type == "MatMul" and n.name.endswith(
        ("dense/MatMul", "query/MatMul", "key/MatMul", "value/MatMul"))]

    def layer(name: str) -> int:
        return int(name.split("layer.")[1].split("/")[0]) if "layer." in name else -1

    ffn = [n for n in names if "/intermediate/" in n or ("/output/dense" in n and "/attention/" not in n)]
    return {"all": names, "ffn": ffn, "ffn_mid": [n for n in ffn if 1 <= layer(n) <= 9],
            "mid": [n for n in names if 1 <= layer(n) <= 9]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=150)
    parser.add_argument("--variants", default="all,ffn,ffn_mid,mid")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    from onnxruntime.quantization import QuantType, quantize_dynamic

    from qa.config import Settings
    from qa.reader.model import load_reader
    from qa.reader.onnx_reader import OnnxReader

    settings = Settings.from_env()
    base = load_reader(settings.cache_dir, settings.reader_weights_dir, "float32", "onnx")
    source = base.folder
    data = json.loads((REPO / "data" / "newsqa_de" / "newsqa_de.calibration.json").read_text(encoding="utf-8"))["data"]
    contexts = [p["context"] for a in data for p in a["paragraphs"]]
    items = [(q["question"], p["context"]) for a in data for p in a["paragraphs"] for q in p["qas"]]
    rnd = random.Random(args.seed)
    rnd.shuffle(items)
    asked = [(q, [c] + rnd.sample([x for x in contexts if x != c], 2)) for q, c in items[:args.questions]]

    nodes = weighted_matmuls(source / "model.onnx")
    readers, made = {"float32": base}, []
    try:
        for name in args.variants.split(","):
            folder = source.parent / f"{source.name}-int8-{name}"  # beside it: the shared word-embedding table
            made.append(folder)
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(source, folder, ignore=shutil.ignore_patterns("model.onnx"))
            quantize_dynamic(str(source / "model.onnx"), str(folder / "model.onnx"), weight_type=QuantType.QInt8,
                             per_channel=True, nodes_to_quantize=nodes[name], op_types_to_quantize=["MatMul"])
            readers[name] = OnnxReader(folder, base.max_length, base.stride)
        results = {}
        for name, reader in readers.items():
            reader.read("Wer?", ["Ein Satz zum Aufwärmen."])
            seconds, out = [], []
            for question, passages in asked:
                started = time.perf_counter()
                reading = reader.read(question, passages)
                seconds.append(time.perf_counter() - started)
                best = reading.best
                out.append(((best.passage, best.start, best.end) if best else None, reading.margin))
            results[name] = out
            print(f"{name:8s} MatMuls quantised {len(nodes.get(name, [])):3d}  read p50 {1000 * statistics.median(seconds):6.1f} ms",
                  flush=True)
        reference = results["float32"]
        for name in readers:
            if name == "float32":
                continue
            same = sum(a[0] == b[0] for a, b in zip(reference, results[name]))
            moved = sorted(abs(a[1] - b[1]) for a, b in zip(reference, results[name]))
            flips = sum((a[1] > 0) != (b[1] > 0) for a, b in zip(reference, results[name]))
            print(f"{name:8s} best span as float32 {same}/{len(reference)}  margin change median "
                  f"{statistics.median(moved):.2f}, p90 {moved[int(0.9 * len(moved))]:.2f}  sign flips {flips}")
    finally:
        for folder in made:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
