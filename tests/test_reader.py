"""The real reader: the shipped weights on the bundled encoder, offline, on the seed corpus."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa.config import READER_WEIGHTS
from qa.errors import ModelError

pytestmark = pytest.mark.slow
CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_the_shipped_weights_are_pinned_and_small():
    manifest = json.loads((READER_WEIGHTS / "manifest.json").read_text(encoding="utf-8"))
    weights = READER_WEIGHTS / manifest["file"]
    assert weights.stat().st_size < 50_000_000
    from qa.checksum import sha256_file as sha256

    assert sha256(weights) == manifest["sha256"]
    assert (READER_WEIGHTS / "calibration.json").is_file()
    assert "CC BY-SA 4.0" in (READER_WEIGHTS / "README.md").read_text(encoding="utf-8")


def test_a_weights_file_that_does_not_match_its_checksum_is_refused(tmp_path):
    from qa.reader.model import load_reader

    folder = tmp_path / "weights"
    shutil.copytree(READER_WEIGHTS, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    data = bytearray((folder / manifest["file"]).read_bytes())
    data[-1] ^= 0xFF
    (folder / manifest["file"]).write_bytes(bytes(data))
    with pytest.raises(ModelError, match="Prüfsumme"):
        load_reader(Path.home() / ".cache" / "qa-de", folder)


def test_missing_weights_give_a_german_error(tmp_path):
    from qa.reader.model import load_reader

    with pytest.raises(ModelError, match="Gewichte des Lesemodells fehlen"):
        load_reader(Path.home() / ".cache" / "qa-de", tmp_path)


def test_the_reader_finds_the_span_across_passages(real_pipeline):
    reader = real_pipeline.reader
    passages = ["Der Stadtrat tagt jeden ersten Dienstag im Monat im Rathaus.",
                "Der Bau der neuen Brücke über die Mulde kostete 12 Millionen Euro."]
    reading = reader.read("Wie viel kostete die Brücke?", passages)
    best = reading.best
    assert best.passage == 1 and "12 Millionen" in passages[1][best.start:best.end]
    assert reading.margin > 0


@pytest.mark.parametrize("question, expected, source", [
    ("Seit wann läuft der aktuelle Irak-Einsatz der NATO?", "Oktober 2018", "002_02adc48ef0db0a26.txt"),
    ("Wer ist der neue EU-Außenbeauftragte?", "Borrell", "002_02adc48ef0db0a26.txt"),
    ("In welcher Stadt traf sich Ashton Carter mit den Verteidigungsministern der Anti-IS-Koalition?",
     "Stuttgart", "004_bde43ff6797f91e1.txt"),
])
def test_real_questions_are_answered_with_exact_offsets(real_pipeline, question, expected, source):
    answer = real_pipeline.ask(question)
    assert not answer.abstained and expected in answer.text
    assert answer.citations[0].source == source
    for citation in answer.citations:
        raw = (CORPUS / citation.source).read_text(encoding="utf-8")
        assert raw[citation.start:citation.end] == citation.quote
    assert answer.span and answer.span in answer.citations[0].quote
    assert answer.short_answer in (None, answer.span)


@pytest.mark.parametrize("question", [
    "Wie heißt der Trainer des FC Bayern München?",
    "Wie hoch ist die Inflationsrate in Japan?",
])
def test_questions_about_things_the_corpus_never_mentions_abstain(real_pipeline, question):
    answer = real_pipeline.ask(question)
    assert answer.abstained and answer.citations == ()


def test_a_two_part_question_gets_both_parts(real_pipeline):
    answer = real_pipeline.ask("Wie viele US-Soldaten sind im Irak und in Syrien im Einsatz, "
                               "und in welcher Stadt traf sich Ashton Carter mit den Verteidigungsministern?")
    assert not answer.abstained
    assert "5000" in answer.text and "Stuttgart" in answer.text
    assert len(answer.citations) >= 2
