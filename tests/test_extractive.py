"""The extractive answerer around the reader: span -> sentence -> citation, abstention,
headline discipline, two-part questions. A scripted reader stands in for the model here;
tests/test_reader.py runs the real one."""
from __future__ import annotations

import math
from dataclasses import dataclass

import pytest

from qa.answer import ABSTAIN_TEXT, AnswerContext
from qa.answer.extractive import ReaderAnswerer, clean_span, date_prefix, locate, split_question
from qa.config import Settings
from qa.ingest.chunking import chunk_article
from qa.ingest.corpus import parse_text
from qa.reader.confidence import Calibration
from qa.reader.reading import Reading, Span

TEXT = ("NATO im Irak\n\n"
        "Der Einsatz läuft seit Oktober 2018. Rund 500 Soldaten bilden irakische Kräfte aus.\n"
        "Die Ausbildung findet in Bagdad statt.\n")


def _hits():
    from qa.records import Hit

    article = parse_text("nato.txt", TEXT, "hash")
    chunk = chunk_article(article, 700, 1)[0]
    return article, [Hit(chunk, 1.0, 1)]


@dataclass
class ScriptedReader:
    """Returns the span of `answer` in the first passage with the given score and no-answer score."""

    answer: str | None
    score: float = 5.0
    null: float = 0.0

    def read(self, question, passages, top=20):
        if self.answer is None or self.answer not in passages[0]:
            return Reading((), tuple(self.null for _ in passages))
        start = passages[0].index(self.answer)
        return Reading((Span(0, start, start + len(self.answer), self.score),), tuple(self.null for _ in passages))


# confidence = sigmoid(margin) for both; the best candidate by margin alone
CALIBRATION = Calibration(answer_weights={"margin": 1.0}, headline_weights={"margin": 1.0}, rank_weight=0.0,
                          answer_threshold=0.5, headline_threshold=0.9)


def _answerer(reader):
    return ReaderAnswerer(reader, Settings(), CALIBRATION)


def test_the_sentence_holding_the_span_is_quoted_with_exact_offsets():
    article, hits = _hits()
    answer = _answerer(ScriptedReader("Oktober 2018", score=5.0)).answer("Seit wann läuft der Einsatz?", hits)
    assert not answer.abstained and answer.short_answer == "Oktober 2018"
    (citation,) = answer.citations
    assert citation.quote == "Der Einsatz läuft seit Oktober 2018."
    assert TEXT[citation.start:citation.end] == citation.quote
    assert answer.text.startswith("Seit Oktober 2018 [1].")  # confident: the headline, with its prefix
    assert answer.confidence == pytest.approx(1 / (1 + math.exp(-5.0)))


def test_unsure_answers_show_the_evidence_without_a_headline():
    _, hits = _hits()
    answer = _answerer(ScriptedReader("Bagdad", score=1.0)).answer("Wo findet die Ausbildung statt?", hits)
    assert not answer.abstained
    assert answer.text == "„Die Ausbildung findet in Bagdad statt.“ [1]"  # no bold guess on top
    assert answer.short_answer is None and answer.span == "Bagdad"  # the span is still reported for evaluation


def test_below_the_answer_threshold_it_abstains():
    _, hits = _hits()
    answer = _answerer(ScriptedReader("Bagdad", score=-1.0)).answer("Wer bezahlt die Ausbildung?", hits)
    assert answer.abstained and answer.text == ABSTAIN_TEXT and answer.citations == ()
    assert answer.short_answer is None and answer.span == "Bagdad"  # kept for coverage curves, never shown
    assert _answerer(ScriptedReader(None)).answer("Wer bezahlt die Ausbildung?", hits).abstained


def test_a_two_part_question_gets_both_parts_with_their_citations():
    _, hits = _hits()

    class TwoAnswers:
        def read(self, question, passages, top=20):
            target = "500" if "Wie viele" in question else "Bagdad"
            start = passages[0].index(target)
            return Reading((Span(0, start, start + len(target), 6.0),), (0.0,))

    answer = _answerer(TwoAnswers()).answer("Wie viele Soldaten bilden aus, und wo findet die Ausbildung statt?", hits)
    assert answer.short_answer == "Rund 500; Bagdad"  # the qualifier stays with its number
    assert [c.quote for c in answer.citations] == ["Rund 500 Soldaten bilden irakische Kräfte aus.",
                                                   "Die Ausbildung findet in Bagdad statt."]
    assert "[1]" in answer.text and "[2]" in answer.text


def test_span_running_into_the_next_sentence_quotes_both():
    _, hits = _hits()
    chunk = hits[0].chunk
    start = chunk.text.index("2018.")
    end = chunk.text.index("Soldaten") + len("Soldaten")
    sentences, short = locate(hits[0], start, end)
    assert [s.text for s in sentences] == ["Der Einsatz läuft seit Oktober 2018.",
                                           "Rund 500 Soldaten bilden irakische Kräfte aus."]
    assert short.text == "2018" and TEXT[short.start:short.end] == short.text  # cut at its sentence, no full stop


@pytest.mark.parametrize("question, parts", [
    ("Wie viele US-Soldaten sind im Irak, und wie viele in Syrien?",
     ["Wie viele US-Soldaten sind im Irak?", "wie viele in Syrien?"]),
    ("Wie viele Soldaten sind im Einsatz, und in welcher Stadt trafen sich die Minister?",
     ["Wie viele Soldaten sind im Einsatz?", "in welcher Stadt trafen sich die Minister?"]),
    ("Wer ist der neue EU-Außenbeauftragte?", ["Wer ist der neue EU-Außenbeauftragte?"]),
    ("Wie viele Menschen leben in Erbil und Bagdad?", ["Wie viele Menschen leben in Erbil und Bagdad?"]),
    ("Wie heißen Esper und Kramp-Karrenbauer mit Vornamen?", ["Wie heißen Esper und Kramp-Karrenbauer mit Vornamen?"]),
])
def test_split_question(question, parts):
    assert split_question(question) == parts


@pytest.mark.parametrize("raw, clean", [
    ("Wien –", "Wien"), ("(20.000 Euro", "20.000 Euro"), ("Kaindorf,", "Kaindorf"), ("(Sky)", "(Sky)"),
    ('"noch nicht', "noch nicht"), ("„Rakka“", "„Rakka“"), ("6:4, 6:2)", "6:4, 6:2"),
])
def test_span_edges_are_cleaned(raw, clean):
    assert clean_span(raw) == clean


def test_date_prefix():
    assert date_prefix("Seit wann läuft der Einsatz?") == "Seit"
    assert date_prefix("Und bis wann gilt das Mandat?") == "Bis"
    assert date_prefix("Wann wurde er getötet?") == ""


def test_follow_up_questions_are_read_with_the_previous_question():
    seen = []

    class Recorder(ScriptedReader):
        def read(self, question, passages, top=20):
            seen.append(question)
            return super().read(question, passages, top)

    _, hits = _hits()
    _answerer(Recorder("Bagdad")).answer("Und wo?", hits, AnswerContext(conversation="Wer bildet aus?"))
    assert seen == ["Wer bildet aus? Und wo?"]
