"""Verification of generated answers, with hand-written model outputs.

A scripted backend (and a scripted reader for the evidence) stand in for the models in these
unit tests only; the real llama.cpp path runs in tests/test_generation_llm.py.
"""
import pytest

from qa.answer import ABSTAIN_TEXT, final
from qa.answer.extractive import Evidence, ReaderAnswerer
from qa.answer.generative import GenerativeAnswerer, Passage, build_messages, support, verify
from qa.config import Settings
from qa.ingest.chunking import chunk_article
from qa.ingest.corpus import parse_text
from qa.reader.confidence import Calibration
from qa.reader.model import Reading, Span
from qa.records import Answer, Hit

TEXT = """Nato setzt Ausbildung fort

Der aktuelle Irak-Einsatz der NATO läuft seit Oktober 2018.
Die Nato-Verteidigungsminister wollen die Mission mit bisher rund 500 Soldaten ausbauen.
Am Abend diskutieren die Minister mit dem neuen EU-Außenbeauftragten Josep Borrell.
"""


@pytest.fixture
def hits():
    article = parse_text("a.txt", TEXT, "0123456789abcdef")
    return [Hit(c, 1.0, i + 1) for i, c in enumerate(chunk_article(article, chunk_size=100, overlap=0))]


@pytest.fixture
def passages(hits):
    sentences = [(h, s) for h in hits for s in h.chunk.sentences if s.text.endswith(".")]
    return [Passage(i + 1, Evidence(h, (s,), s, 0.9, 0.9)) for i, (h, s) in enumerate(sentences)]


def test_correct_answer_is_kept_and_renumbered(passages):
    # passages: [1] Oktober 2018, [2] 500 Soldaten, [3] Borrell
    checked = verify("Der neue EU-Außenbeauftragte ist Josep Borrell [3].", passages)
    assert checked.text == "Der neue EU-Außenbeauftragte ist Josep Borrell [1]."
    assert [p.text for p in checked.cited] == [passages[2].text]
    assert not checked.dropped and not checked.abstained


def test_invented_citation_number_is_removed(passages):
    checked = verify("Die Mission umfasst bisher rund 500 Soldaten [2][7].", passages)
    assert checked.text == "Die Mission umfasst bisher rund 500 Soldaten [1]."
    assert checked.cited == [passages[1]]


def test_sentence_citing_only_a_missing_passage_is_dropped(passages):
    checked = verify("Die Mission umfasst rund 500 Soldaten [9].", passages)
    assert checked.text == "" and checked.dropped


def test_unsupported_sentence_is_dropped(passages):
    raw = ("Der Irak-Einsatz der NATO läuft seit Oktober 2018 [1]. "
           "Deutschland stellt dafür 1200 Soldaten und drei Tornados bereit [1].")
    checked = verify(raw, passages)
    assert checked.text == "Der Irak-Einsatz der NATO läuft seit Oktober 2018 [1]."
    assert checked.dropped == ["Deutschland stellt dafür 1200 Soldaten und drei Tornados bereit [1]."]


def test_wrong_number_is_unsupported(passages):
    assert support("Die Mission umfasst rund 600 Soldaten.", passages[1].text) == 0.0
    assert support("Die Mission umfasst rund 500 Soldaten.", passages[1].text) >= 0.6


def test_sentence_without_citation_is_dropped(passages):
    checked = verify("Josep Borrell ist der neue EU-Außenbeauftragte. Das ist wichtig [3].", passages)
    assert checked.text == ""


def test_abstention_phrase(passages):
    assert verify(ABSTAIN_TEXT, passages).abstained
    assert verify("  " + ABSTAIN_TEXT + " [1]", passages).abstained


def test_prompt_numbers_passages_and_stays_small(passages):
    messages = build_messages("Wer ist der neue EU-Außenbeauftragte?", passages)
    user = messages[-1]["content"]
    assert "[1] " in user and "[3] " in user and "Wer ist der neue EU-Außenbeauftragte?" in user
    assert messages[0]["role"] == "system" and "ausschließlich" in messages[0]["content"]
    assert sum(len(m["content"]) for m in messages) < 2500  # ~600 tokens at most for a 2-core CPU


class ScriptedBackend:
    name = "scripted"

    def __init__(self, output: str) -> None:
        self.output, self.calls = output, 0

    def stream(self, messages, max_tokens, stop):
        self.calls += 1
        for word in self.output.split(" "):
            yield word + " "


ANSWERS = {  # question -> (answer span, reader score); the scripted reader finds it where it stands
    "Wer ist der neue EU-Außenbeauftragte?": ("Josep Borrell", 6.0),
    "Wie viele Soldaten umfasst die Mission der Nato-Verteidigungsminister bisher?": ("rund 500", 6.0),
    "Seit wann läuft der aktuelle Irak-Einsatz der NATO?": ("Oktober 2018", 6.0),
}


class ScriptedReader:
    """The span of ANSWERS[question] wherever it occurs (score as given), the first sentence of
    every other passage with a low score; no-answer score 0."""

    def read(self, question, passages, top=20):
        answer, score = ANSWERS.get(question, (None, 0.0))
        spans = []
        for i, text in enumerate(passages):
            if answer and answer in text:
                spans.append(Span(i, text.index(answer), text.index(answer) + len(answer), score))
            else:
                spans.append(Span(i, 0, min(len(text), 10), -3.0))
        return Reading(tuple(sorted(spans, key=lambda s: -s.score)), tuple(0.0 for _ in passages))


def extractive():
    return ReaderAnswerer(ScriptedReader(), Settings(),
                          Calibration(answer_weights={"margin": 1.0}, headline_weights={"margin": 1.0},
                                      rank_weight=0.0, answer_threshold=0.5, headline_threshold=0.9))


def generative(backend):
    return GenerativeAnswerer(backend, extractive(), Settings())


def test_streams_then_verified_answer(hits):
    backend = ScriptedBackend("Der neue EU-Außenbeauftragte ist Josep Borrell [1].")
    answerer = generative(backend)
    events = list(answerer.stream("Wer ist der neue EU-Außenbeauftragte?", hits))
    assert len([e for e in events if isinstance(e, str)]) > 3  # token by token
    answer = events[-1]
    assert isinstance(answer, Answer) and answer.answerer == "llm"
    assert "Borrell [1]" in answer.text and answer.citations[0].quote.endswith("Josep Borrell.")
    assert TEXT[answer.citations[0].start:answer.citations[0].end] == answer.citations[0].quote


def test_weak_evidence_abstains_without_calling_the_model(hits):
    backend = ScriptedBackend("Olaf Scholz [1].")
    answer = final(generative(backend).stream("Wer gewann die Bundestagswahl 2021?", hits))
    assert answer.abstained and backend.calls == 0
    assert answer.notes == ("Zu wenig Belege in den Artikeln: das Sprachmodell wurde nicht gefragt.",)


def test_unsupported_model_answer_falls_back_to_extractive(hits):
    backend = ScriptedBackend("Die Mission wird von General Müller geleitet [1].")
    answer = final(generative(backend).stream(
        "Wie viele Soldaten umfasst die Mission der Nato-Verteidigungsminister bisher?", hits))
    assert backend.calls == 1
    assert answer.answerer == "extractive" and "rund 500" in answer.text
    assert any("nicht belegt" in n for n in answer.notes)


def test_model_abstaining_despite_evidence_gives_the_extractive_answer(hits):
    backend = ScriptedBackend("Dazu enthalten die Artikel keine Angaben.")
    answer = final(generative(backend).stream("Seit wann läuft der aktuelle Irak-Einsatz der NATO?", hits))
    assert backend.calls == 1 and not answer.abstained
    assert answer.answerer == "extractive" and "Oktober 2018" in answer.text


def test_supported_but_irrelevant_citation_falls_back(hits):
    # true to passage [3] (the soldiers; passages are numbered by evidence), but irrelevant here
    backend = ScriptedBackend("Die Nato-Verteidigungsminister wollen die Mission mit rund 500 Soldaten ausbauen [3].")
    answer = final(generative(backend).stream("Wer ist der neue EU-Außenbeauftragte?", hits))
    assert answer.answerer == "extractive" and "Borrell" in answer.text
    assert any("weniger passende Stelle" in n for n in answer.notes)


def test_a_different_fact_than_the_evidence_span_falls_back(hits):
    # supported words, wrong number: "500" is in the passage, the model says it differently
    backend = ScriptedBackend("Die Nato-Verteidigungsminister wollen die Mission ausbauen [1].")
    answer = final(generative(backend).stream(
        "Wie viele Soldaten umfasst die Mission der Nato-Verteidigungsminister bisher?", hits))
    assert answer.answerer == "extractive" and answer.short_answer == "rund 500"
    assert any("rund 500" in n for n in answer.notes)
