"""`qa train-reader` and `qa calibrate-reader` through the CLI, on a slice of XQuAD-de.

A few optimisation steps only (the real run takes ~40 minutes): what is checked is the
command's contract — weights and manifest written, sha256 pinned, loadable by the product,
figures printed, the same seed giving the same weights — not the model's quality
(docs/reader.md has those figures)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import main

pytestmark = pytest.mark.slow
XQUAD = Path(__file__).parent / "data" / "xquad_de" / "xquad.de.json"


@pytest.fixture(scope="module")
def slice_file(tmp_path_factory) -> Path:
    data = json.loads(XQUAD.read_text(encoding="utf-8"))
    data["data"] = data["data"][:3]  # three articles, 15 paragraphs
    path = tmp_path_factory.mktemp("slice") / "xquad-slice.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _train(slice_file: Path, out: Path, epochs: str = "0.05", *more: str):
    return CliRunner().invoke(main, ["train-reader", "--data", str(slice_file), "--out", str(out), "--held-out", "1",
                                     "--epochs", epochs, "--null-epochs", epochs, "--seed", "7", *more])


def test_train_then_calibrate_then_answer(slice_file, tmp_path):
    out = tmp_path / "weights"
    result = _train(slice_file, out)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout[result.stdout.index("{"):])
    assert figures["held_out"]["articles"] == 1 and 0.0 <= figures["held_out"]["f1"] <= 1.0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    from qa.checksum import sha256_file as sha256
    from qa.reader.model import load_reader

    assert manifest["sha256"] == sha256(out / "reader.safetensors")
    assert manifest["config"]["seed"] == 7 and manifest["figures"]["held_out"] == figures["held_out"]
    assert not (out / "checkpoint.pt").exists()

    result = CliRunner().invoke(main, ["calibrate-reader", "--weights", str(out), "--data", str(slice_file),
                                       "--held-out", "1", "--seed", "7"])
    assert result.exit_code == 0, result.output
    calibration = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    assert 0 < calibration["answer_threshold"] < 1 and calibration["fitted_on"]["questions"] > 0

    reader = load_reader(Path.home() / ".cache" / "qa-de", out)
    reading = reader.read("Wer?", ["Ein Satz über niemanden."])
    assert len(reading.null) == 1


def test_the_same_seed_gives_the_same_weights(slice_file, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert _train(slice_file, first, "0.02").exit_code == 0
    assert _train(slice_file, second, "0.02").exit_code == 0
    manifests = [json.loads((d / "manifest.json").read_text(encoding="utf-8")) for d in (first, second)]
    assert manifests[0]["sha256"] == manifests[1]["sha256"]


def test_train_articles_draws_nested_subsets_of_whole_articles():
    from qa.training.data import load_questions, split_by_article
    from qa.training.train import first_articles

    train, held = split_by_article(load_questions(XQUAD), 10, 13)
    small, large = first_articles(train, 9, 13), first_articles(train, 19, 13)
    titles = [{q.title for q in part} for part in (small, large)]
    assert [len(t) for t in titles] == [9, 19] and titles[0] < titles[1]
    assert not titles[1] & {q.title for q in held}
    assert len(small) == sum(q.title in titles[0] for q in train)  # every question of a chosen article


def test_extra_questions_are_trained_on_and_named_in_the_manifest(slice_file, tmp_path):
    from qa.training.data import load_questions, split_by_article

    extra = Path(__file__).parent / "data" / "xquad_de" / "xquad.de.extra.json"
    result = _train(slice_file, tmp_path / "more", "0.02", "--extra-data", str(extra))
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "more" / "manifest.json").read_text(encoding="utf-8"))
    own = len(split_by_article(load_questions(slice_file), 1, 7)[0])  # the slice's training questions
    assert manifest["figures"]["train_questions"] == own + 680
    assert manifest["training_data"] == ["xquad-slice.json", "xquad.de.extra.json"]
