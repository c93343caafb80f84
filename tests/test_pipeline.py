"""The whole pipeline on the real corpus with the real bundled model."""
import json
from pathlib import Path

import pytest

from qa.errors import QuestionError
from qa.eval.batch import run_batch
from qa.eval.score import score
from qa.records import Filters, Turn

pytestmark = pytest.mark.slow  # the real embedder and reader (real_pipeline)

DEV = Path(__file__).resolve().parent / "data" / "dev.jsonl"
CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_dev_set_floor(real_pipeline):
    gold = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    answers = list(run_batch(real_pipeline, gold))
    result = score({g["id"]: g for g in gold}, {a["id"]: a for a in answers})
    # 22 of 25 with the shipped reader (dev is part of its calibration); the XQuAD-only reader it
    # replaced solved 24, and .62 against .71 of the news evaluation set (docs/reader.md)
    assert result["solved"] >= 22, result
    assert result["wrong_headline_rate"] in (None, 0.0), result
    assert result["abstention_recall"] == 1.0, result


def test_answer_with_citation_offsets_into_the_file(real_pipeline):
    answer = real_pipeline.ask("Wie viele Menschen nahmen am Millionenmarsch in Bagdad teil?")
    assert not answer.abstained and "vier Millionen" in answer.text
    assert answer.span and answer.span in answer.citations[0].quote  # the reader's span, in its sentence
    assert answer.short_answer in (None, answer.span)  # a headline only when the reader is sure of it
    for citation in answer.citations:
        raw = (CORPUS / citation.source).read_text(encoding="utf-8")
        assert raw[citation.start:citation.end] == citation.quote
        assert f"[{citation.number}]" in answer.text
    assert answer.hits[0].chunk.source == "002_02adc48ef0db0a26.txt"


def test_follow_up_uses_the_conversation(real_pipeline):
    history = [Turn("user", "Wo bildet die Bundeswehr kurdische Sicherheitskräfte aus?"),
               Turn("assistant", "Im nordirakischen Erbil.")]
    answer = real_pipeline.ask("Und welche deutsche Ausbildungshilfe ist derzeit ausgesetzt?", history)
    assert "Zentralirak" in answer.text


def test_unanswerable_abstains_without_citation(real_pipeline):
    answer = real_pipeline.ask("Welche Rolle spielt China in der Anti-IS-Koalition?")
    assert answer.abstained and answer.citations == ()
    assert answer.text == "Dazu enthalten die Artikel keine Angaben."


def test_english_question_gets_a_german_answer(real_pipeline):
    answer = real_pipeline.ask("Who is the new EU foreign policy chief?")
    assert not answer.abstained, answer.text  # the reader finds Borrell for the English question too
    assert answer.span == "Josep Borrell" and answer.text.startswith("„")  # quoting the German article
    assert "EU-Außenbeauftragten Josep Borrell" in answer.citations[0].quote


@pytest.mark.parametrize("question, message", [
    ("", "Bitte geben Sie eine Frage ein"),
    ("   \n\t ", "Bitte geben Sie eine Frage ein"),
    ("x" * 100_000, "Die Frage ist zu lang"),
    ("?!?!...", "keine Wörter"),
])
def test_bad_questions_get_german_messages(real_pipeline, question, message):
    with pytest.raises(QuestionError, match=message):
        real_pipeline.ask(question)


def test_control_characters_are_ignored(real_pipeline):
    answer = real_pipeline.ask("Wer ist der neue\x00 EU-Außenbeauftragte?\x1b")
    assert "Borrell" in answer.text


def test_filters_restrict_the_sources(real_pipeline):
    only = Filters(sources=("004_bde43ff6797f91e1.txt",))
    answer = real_pipeline.ask("Wie viele Mitglieder zählt die Koalition gegen den IS?", filters=only)
    assert {h.chunk.source for h in answer.hits} == {"004_bde43ff6797f91e1.txt"}


def test_index_is_current_and_article_lookup(real_pipeline):
    assert real_pipeline.index_is_current()
    assert len(real_pipeline.articles()) == 5
    assert real_pipeline.article("003_a0779ffe5682cfbe.txt").publisher == "Auswärtiges Amt"
    from qa.errors import CorpusError

    for bad in ("../pyproject.toml", "/etc/passwd", "nicht-da.txt"):
        with pytest.raises(CorpusError):
            real_pipeline.article(bad)
