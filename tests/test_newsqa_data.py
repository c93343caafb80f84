"""The news QA data set we wrote (data/newsqa_de): files parse, every gold span lies in its
passage at its offset, the splits share no passage, the blind pass agrees as the README says."""
import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "newsqa_de"
SPLITS = ("train", "calibration", "test")


def squad(split):
    return json.loads((DATA / f"newsqa_de.{split}.json").read_text(encoding="utf-8"))["data"]


def gold(split):
    return [json.loads(line) for line in (DATA / f"newsqa_de.{split}.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("split", SPLITS)
def test_every_span_lies_at_its_offset(split):
    answers = 0
    for article in squad(split):
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                assert qa["is_impossible"] == (not qa["answers"]), qa["id"]
                for a in qa["answers"]:
                    assert paragraph["context"][a["answer_start"]:a["answer_start"] + len(a["text"])] == a["text"]
                    answers += 1
    assert answers > 100


def test_splits_share_no_passage_and_hold_what_the_readme_says():
    passages = {split: {a["title"] for a in squad(split)} for split in SPLITS}
    assert not passages["train"] & passages["calibration"]
    assert not passages["train"] & passages["test"]
    assert not passages["calibration"] & passages["test"]
    rows = {split: gold(split) for split in SPLITS}
    assert sum(len(r) for r in rows.values()) >= 3000
    everything = [r for split in SPLITS for r in rows[split]]
    assert sum(not r["answerable"] for r in everything) / len(everything) >= 0.25
    assert {r["type"] for r in everything} == {"single", "two_part", "followup", "unanswerable"}
    for r in everything:
        if r["type"] == "followup":
            assert r["history"][0]["role"] == "user" and r["standalone"].endswith("?")
    stats = json.loads((DATA / "stats.json").read_text(encoding="utf-8"))
    assert stats["questions_kept"] == len(everything)
    assert stats["agreement"] >= 0.9


def test_gold_rows_name_their_passage_and_spans_occur_in_it():
    raw = {}
    for path in (DATA / "raw").glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            p = json.loads(line)
            raw[p["pid"]] = p["text"]
    for split in SPLITS:
        for r in gold(split):
            text = raw[r["passage"]]
            for group in r["answers"]:
                assert all(a in text for a in group), r["id"]
            assert r["sources"] == ([f"{r['passage']}.txt"] if r["answerable"] else [])


@pytest.mark.slow
def test_the_checker_passes_on_the_written_files():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(DATA / "check.py"), "--no-sources"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "660 Passagen, 3960 Fragen" in result.stdout
