"""Benchmark: what a script pays for each `qa ask` it calls (a new process every time).

    python benchmarks/bench_cold_start.py [--runs 2] [--question "…"] [--vectorstore DIR] [--inference onnx torch]

1. `qa ask "…"` as a subprocess, as a script runs it: wall time and peak memory (the child's
   maximum resident set from its resource usage, `os.wait4`).
2. The same path measured in-process, in a fresh interpreter per run: imports (those over 0.1 s
   listed one by one, each with what the ones before it had not imported yet), encoder load,
   opening and checking the index, building the keyword index, reader load, first answer (and a
   second one for comparison, which a one-shot `qa ask` never gets).
Both for each question path named by --inference (QA_INFERENCE: `onnx`, the default, and `torch`),
measured alternately in the same run; the split says whether torch was imported at all.

The index is built once beforehand with `qa ingest` into a temporary folder (not timed), unless
--vectorstore names an existing one. Prints figures only; nothing is asserted (the machine is
shared: compare within one run).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QA = Path(sys.executable).parent / "qa"
QUESTION = "Seit wann läuft der aktuelle Irak-Einsatz der NATO?"

# third-party and own modules on the path of `qa ask`, imported before any model loads
IMPORTS = ("qa.cli", "qa.pipeline", "numpy", "tokenizers", "onnxruntime", "chromadb", "bm25s", "syntok.segmenter",
           "qa.embedding.embedder", "qa.reader.model", "qa.store.chroma", "qa.retrieval.hybrid",
           "qa.answer.extractive")
HEAVY = ("torch", "transformers", "sentence_transformers")  # what the torch path imports on top


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def split(question: str) -> None:
    """In a fresh interpreter: time each stage of `qa ask`; print one JSON line."""
    started = time.perf_counter()
    stages = []

    def stage(name: str, since: float) -> float:
        now = time.perf_counter()
        stages.append({"stage": name, "s": now - since, "peak_mib": peak_mib(), "modules": len(sys.modules)})
        return now

    import importlib

    imports = []
    for name in IMPORTS:  # each one's own share: what the ones before it have not imported yet
        t = time.perf_counter()
        importlib.import_module(name)
        imports.append({"stage": name, "s": time.perf_counter() - t})
    t = stage("imports", started)

    from qa.config import Settings
    from qa.pipeline import Pipeline

    pipeline = Pipeline(Settings.from_env())
    _ = pipeline.embedder
    t = stage("encoder load", t)
    report = pipeline.ensure_index()
    assert report is None or not report.changed, "the index was not current: build it first"
    t = stage("index open + check", t)
    _ = pipeline.retriever
    t = stage("keyword index (BM25)", t)
    _ = pipeline.reader
    t = stage("reader load", t)
    answer = pipeline.ask(question)
    t = stage("first answer", t)
    pipeline.ask(question)
    stage("second answer (warm)", t)
    print(json.dumps({"stages": stages, "imports": imports, "answer": answer.text[:80],
                      "heavy": [name for name in HEAVY if name in sys.modules]}))


def run_child(cmd: list[str], env: dict) -> tuple[float, float, str, str]:
    """(wall s, peak MiB, stdout, stderr) of one child process; its own resource usage via wait4."""
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    started = time.perf_counter()
    process = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=REPO)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0), err.seek(0)
    stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} … failed ({process.returncode}):\n{stderr[-2000:]}")
    return wall, usage.ru_maxrss / 1024, stdout, stderr


def spread(values: list[float], digits: int = 1) -> str:
    median = statistics.median(values)
    if len(values) == 1:
        return f"{median:.{digits}f}"
    return f"{median:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2, help="runs of each measurement (median, min–max)")
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--vectorstore", type=Path, help="an existing index of the corpus (default: built here)")
    parser.add_argument("--inference", nargs="+", default=["onnx", "torch"], choices=["onnx", "torch"],
                        help="question paths to measure (QA_INFERENCE), alternately")
    parser.add_argument("--split", action="store_true", help=argparse.SUPPRESS)  # the in-process child
    args = parser.parse_args()
    if args.split:
        split(args.question)
        return

    temporary = None if args.vectorstore else Path(tempfile.mkdtemp(prefix="qa-cold-"))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO),
           "QA_VECTORSTORE_DIR": str(args.vectorstore or temporary / "vectorstore")}
    walls = {name: [] for name in args.inference}
    peaks = {name: [] for name in args.inference}
    splits = {name: [] for name in args.inference}
    try:
        if temporary is not None:
            print("building the index (qa ingest, not timed) …", flush=True)
            run_child([str(QA), "ingest"], env)
        for name in args.inference:  # the first run of each converts its models when not done yet: not timed
            run_child([str(QA), "ask", args.question], {**env, "QA_INFERENCE": name})
        python_start = [run_child([sys.executable, "-c", "pass"], env)[0] for _ in range(3)]
        for _ in range(args.runs):
            for name in args.inference:
                wall, peak, _, _ = run_child([str(QA), "ask", args.question], {**env, "QA_INFERENCE": name})
                walls[name].append(wall)
                peaks[name].append(peak)
                _, _, stdout, _ = run_child([sys.executable, __file__, "--split", "--question", args.question],
                                            {**env, "QA_INFERENCE": name})
                splits[name].append(json.loads(stdout.strip().splitlines()[-1]))
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
    print(f"\nquestion: {args.question}")
    print(f"python -c pass: {spread(python_start, 3)} s (interpreter start alone)")
    for name in args.inference:
        report(name, walls[name], peaks[name], splits[name])


def report(name: str, walls: list[float], peaks: list[float], splits: list[dict]) -> None:
    runs = len(walls)
    print(f"\n== QA_INFERENCE={name}: answer {splits[-1]['answer']!r}")
    print(f"`qa ask` as a subprocess, {runs} runs (median, min–max)")
    print(f"  wall time        {spread(walls)} s")
    print(f"  peak memory      {spread(peaks, 0)} MiB (maximum resident set of the child)")
    print(f"  torch imported   {', '.join(splits[-1]['heavy']) or 'no'}")

    names = [s["stage"] for s in splits[0]["stages"]]
    print(f"in-process split, {runs} fresh interpreters (median s; peak memory after the stage; modules loaded)")
    print(f"  {'stage':<28}{'s':>16}{'peak MiB':>11}{'modules':>9}")
    total = []
    for i, stage in enumerate(names):
        seconds = [s["stages"][i]["s"] for s in splits]
        peak = statistics.median(s["stages"][i]["peak_mib"] for s in splits)
        modules = splits[0]["stages"][i]["modules"]
        if stage != "second answer (warm)":
            total.append(seconds)
        print(f"  {stage:<28}{spread(seconds, 2):>16}{peak:>11.0f}{modules:>9}")
        if stage == "imports":
            for k, module in enumerate(splits[0]["imports"]):
                share = [s["imports"][k]["s"] for s in splits]
                if statistics.median(share) >= 0.1:
                    print(f"    {module['stage']:<26}{spread(share, 2):>16}")
    one_shot = [sum(run[i] for run in total) for i in range(runs)]
    print(f"  {'sum without the warm answer':<28}{spread(one_shot, 2):>16}")


if __name__ == "__main__":
    main()
