"""The question path on ONNX Runtime: same vectors and spans as torch, no torch imported, and a
converted folder that is damaged, unfinished or refused never answers."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qa.config import READER_WEIGHTS, Settings
from qa.embedding import onnx_model
from qa.errors import ModelError

REPO = Path(__file__).resolve().parent.parent
CACHE = Settings().cache_dir
HEAVY = ("torch", "transformers", "sentence_transformers")
QUESTIONS = [
    ("Seit wann läuft der aktuelle Irak-Einsatz der NATO?",
     "Offiziell wurde die NATO-Mission im Irak Anfang Januar ausgesetzt. Der aktuelle Irak-Einsatz der NATO "
     "läuft seit Oktober 2018; er bildet irakische Sicherheitskräfte aus."),
    ("Wie viele Menschen kamen zur Kundgebung?", "Zur Kundgebung auf dem Rathausplatz kamen nach Angaben der "
     "Polizei rund 12.000 Menschen, die Veranstalter sprachen von 20.000. " * 12),  # several windows
    ("Wer leitet das Amt?", "Das Wetter in Graz war am Sonntag sonnig, am Abend zogen Gewitter auf."),
]


def newsqa_pairs(limit: int) -> list[tuple[str, str]]:
    data = json.loads((REPO / "data" / "newsqa_de" / "newsqa_de.test.json").read_text(encoding="utf-8"))["data"]
    pairs = [(qa["question"], p["context"]) for a in data for p in a["paragraphs"] for qa in p["qas"][:1]]
    return pairs[:limit]


@pytest.mark.slow
def test_the_onnx_embedder_gives_the_vectors_of_torch_in_float32():
    from qa.embedding.embedder import load_embedder

    onnx = load_embedder(Settings(inference="onnx"))
    torch = load_embedder(Settings(inference="torch", embedding_dtype="float32"))
    assert onnx.backend == "onnx" and torch.backend == "torch"
    texts = [q for q, _ in QUESTIONS] + [p for _, p in QUESTIONS]
    for embed in ("embed_queries", "embed_passages"):
        a, b = getattr(onnx, embed)(texts), getattr(torch, embed)(texts)
        assert a.dtype == np.float32 and a.shape == b.shape
        assert np.abs(a - b).max() < 1e-4
        assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_the_onnx_reader_reads_the_same_windows_and_spans_as_torch_in_float32():
    from qa.reader.model import load_reader
    from qa.reader.onnx_reader import OnnxReader

    onnx = load_reader(CACHE, READER_WEIGHTS, "float32", "onnx")
    torch = load_reader(CACHE, READER_WEIGHTS, "float32", "torch")
    assert isinstance(onnx, OnnxReader) and not isinstance(torch, OnnxReader)
    pairs = QUESTIONS + newsqa_pairs(20)
    for question, passage in pairs:
        passages = [passage, passage[: len(passage) // 2], "Kurz."]
        a = onnx.windows(onnx.fit_question(question), passages)
        b = torch.windows(torch.fit_question(question), passages)
        assert a.owners == b.owners and a.contexts == b.contexts
        padded = b.inputs["input_ids"].tolist()
        for w, ids in enumerate(a.inputs):
            assert ids == padded[w][: len(ids)]
            assert [tuple(o) for o in a.offsets[w]] == [tuple(o) for o in b.offsets[w][: len(ids)]]
        ra, rb = onnx.read(question, passages), torch.read(question, passages)
        assert [(s.passage, s.start, s.end) for s in ra.spans[:5]] == [(s.passage, s.start, s.end) for s in rb.spans[:5]]
        assert abs(ra.margin - rb.margin) < 1e-3
        assert np.allclose(ra.null, rb.null, atol=1e-3)
    long_question = "Warum " + "sehr " * 200 + "lange Frage?"
    assert onnx.fit_question(long_question) == torch.fit_question(long_question)


@pytest.mark.slow
def test_qa_ask_answers_without_importing_torch(tmp_path):
    from qa.embedding.onnx_encoder import encoder_folder
    from qa.reader.model import load_reader

    encoder_folder(CACHE)  # converted beforehand (the one step that needs torch)
    load_reader(CACHE, READER_WEIGHTS, "auto", "onnx")
    env = {**os.environ, "QA_VECTORSTORE_DIR": str(tmp_path / "vectorstore"), "HF_HUB_OFFLINE": "1"}
    script = ("import json, sys\nfrom qa.cli import main\n"
              "sys.argv = ['qa', 'ask', '--json', sys.argv[1]]\n"
              "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
              f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", script, QUESTIONS[0][0]], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    answer, imported = done.stdout.strip().splitlines()[-2:]
    assert "Oktober 2018" in json.loads(answer)["answer"]
    assert json.loads(imported) == []


@pytest.mark.slow
def test_a_refused_conversion_falls_back_to_torch_with_a_warning(monkeypatch, caplog):
    from qa.reader import onnx_reader
    from qa.reader.model import load_reader

    def refuse(*_args, **_kwargs):
        raise ModelError("Die Umwandlung nach ONNX weicht vom Original ab.")

    monkeypatch.setattr(onnx_reader, "reader_folder", refuse)
    with caplog.at_level(logging.WARNING):
        reader = load_reader(CACHE, READER_WEIGHTS, "float32", "onnx")
    assert not isinstance(reader, onnx_reader.OnnxReader)
    assert "ohne ONNX Runtime" in caplog.text
    assert reader.read(*QUESTIONS[0]).best is not None


def test_an_interrupted_conversion_is_done_again_and_a_finished_one_kept(tmp_path):
    target = tmp_path / "onnx" / "model-a"
    calls = []

    def interrupted(folder: Path) -> None:
        (folder / "model.onnx").write_bytes(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        onnx_model.ensure_converted(target, "digest-1", interrupted)
    assert not target.exists() and not list(target.parent.glob(".model-a.tmp-*"))

    def build(folder: Path) -> None:
        calls.append(folder)
        (folder / "model.onnx").write_bytes(b"graph")

    assert onnx_model.ensure_converted(target, "digest-1", build) == target
    assert onnx_model.ensure_converted(target, "digest-1", build) == target
    assert len(calls) == 1 and (target / "model.onnx").read_bytes() == b"graph"
    onnx_model.ensure_converted(target, "digest-2", build)  # other weights: converted anew
    assert len(calls) == 2 and onnx_model.is_complete(target, "digest-2")


def test_a_damaged_graph_is_refused_in_german_and_converted_again_next_time(tmp_path):
    folder = tmp_path / "onnx" / "model-b"
    folder.mkdir(parents=True)
    (folder.parent / "tables").mkdir()
    np.save(folder.parent / "tables" / "t.npy", np.zeros((4, 2), dtype=np.float32))
    (folder / "meta.json").write_text(json.dumps({"word_embeddings": "t.npy", "pad_id": 1}), encoding="utf-8")
    (folder / "model.onnx").write_bytes(b"not a graph")
    (folder / onnx_model.MARKER).write_text("digest  format 1\n", encoding="utf-8")
    assert onnx_model.is_complete(folder, "digest")
    with pytest.raises(ModelError, match="beschädigt"):
        onnx_model.OnnxBert(folder)
    assert not onnx_model.is_complete(folder, "digest")


@pytest.mark.parametrize("bf16, expected", [(False, [True, True, False, False]), (True, [False, True, False, False])])
def test_auto_runs_onnx_where_the_cpu_has_no_native_bfloat16(monkeypatch, bf16, expected):
    from qa.embedding import cpu

    monkeypatch.setattr(cpu, "bf16_supported", lambda: bf16)
    assert [cpu.runs_on_onnx("auto", d) for d in ("auto", "float32", "bfloat16", "int8")] == expected
    assert [cpu.runs_on_onnx("onnx", d) for d in ("auto", "float32", "bfloat16", "int8")] == [True, True, False, False]
    assert not any(cpu.runs_on_onnx("torch", d) for d in ("auto", "float32", "bfloat16", "int8"))


def test_an_unknown_inference_backend_is_refused_in_german():
    from qa.errors import SettingsError

    with pytest.raises(SettingsError, match="unbekannter Wert 'cuda'"):
        Settings(inference="cuda")
