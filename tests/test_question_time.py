"""Time in the question (qa.dates.question_time) and its ranking preference (qa.retrieval.timing),
with hand-computed expectations."""
from __future__ import annotations

import pytest

from qa.dates import PartialDate, describe_time, question_time
from qa.records import Chunk, Hit, QuestionTime
from qa.retrieval.timing import IN_RANGE, MENTIONED, NEWEST, OUTSIDE, prefer_time
from qa.answer.record import answer_record, iso

D = PartialDate.from_iso


@pytest.mark.parametrize("question, expected", [
    ("Was beschlossen die NATO-Minister im Februar 2020?", ("2020-02", "2020-02", "Februar 2020")),
    ("Was geschah 2016?", ("2016", "2016", "2016")),
    ("Was sagte Carter 2016 in Stuttgart?", ("2016", "2016", "2016")),
    ("Wer war zwischen 2016 und 2018 Verteidigungsministerin?", ("2016", "2018", "zwischen 2016 und 2018")),
    ("Was geschah von 2018 bis 2016?", ("2016", "2018", "von 2018 bis 2016")),
    ("Was passierte vor 2020?", (None, "2019", "vor 2020")),
    ("Was wollen die Nato-Staaten bis 2024 erreichen?", (None, "2024", "bis 2024")),
    ("Was ist seit 2018 geschehen?", ("2018", None, "seit 2018")),
    ("Was geschah nach 2018?", ("2019", None, "nach 2018")),
    ("Was geschah am 14. Februar 2020?", ("2020-02-14", "2020-02-14", "14. Februar 2020")),
    ("Was geschah am 14.02.2020?", ("2020-02-14", "2020-02-14", "14.02.2020")),
    ("Was geschah am 31.02.2020?", None),  # no such day, and no year on its own either
])
def test_explicit_times(question, expected):
    when = question_time(question)
    if expected is None:
        assert when is None
    else:
        assert (iso(when.date_from), iso(when.date_to), when.text) == expected and not when.newest


@pytest.mark.parametrize("question", [
    "Seit wann läuft der aktuelle Irak-Einsatz der NATO?",  # an adjective, not "the newest"
    "Wer ist der neue EU-Außenbeauftragte?", "Und welche deutsche Ausbildungshilfe ist derzeit ausgesetzt?",
    "Wie viele der 2000 Soldaten kehren zurück?", "Rund 2020 Menschen demonstrierten wo?",
    "Wie hoch ist das Zwei-Prozent-Ziel?",
])
def test_no_time(question):
    assert question_time(question) is None


@pytest.mark.parametrize("question", ["Was ist der neueste Stand der Irak-Mission?",
                                      "Wer ist aktuell Verteidigungsministerin?", "Was hat die Nato zuletzt beschlossen?"])
def test_newest(question):
    when = question_time(question)
    assert when.newest and not when.dated


def test_describe_time():
    assert describe_time(QuestionTime(D("2020-02"), D("2020-02"))) == "Februar 2020"
    assert describe_time(QuestionTime(D("2016"), D("2018"))) == "2016 bis 2018"
    assert describe_time(QuestionTime(None, D("2019"))) == "bis 2019"
    assert describe_time(QuestionTime(D("2018"), None, newest=True)) == "ab 2018, neueste Artikel zuerst"


def _hit(name, date, score, text="Text."):
    return Hit(Chunk(f"{name}:v:0", name, text, 0, len(text), 0, date=D(date)), score, 1)


def test_a_range_prefers_its_articles_and_keeps_the_others():
    hits = [_hit("old", "2016-05-01", 1.0), _hit("none", None, 0.9), _hit("feb", "2020-02", 0.8),
            _hit("mentions", None, 0.7, "Im Februar 2020 beschlossen."), _hit("june", "2020-06-04", 0.75)]
    ranked = prefer_time(hits, QuestionTime(D("2020-02"), D("2020-02")))
    # scores: feb 0.8*1.5=1.2, none 0.9, mentions 0.7*1.2=0.84, old 0.6, june 0.45
    assert [h.chunk.source for h in ranked] == ["feb", "none", "mentions", "old", "june"]
    assert [h.rank for h in ranked] == [1, 2, 3, 4, 5]
    assert ranked[0].score == pytest.approx(0.8 * IN_RANGE) and ranked[2].score == pytest.approx(0.7 * MENTIONED)
    assert ranked[3].score == pytest.approx(1.0 * OUTSIDE)


def test_newest_prefers_newer_articles():
    hits = [_hit("a2016", "2016", 1.0), _hit("b2020", "2020-02-14", 0.8), _hit("c2020", "2020-06-04", 0.7),
            _hit("undated", None, 0.75)]
    ranked = prefer_time(hits, QuestionTime(newest=True))
    # middle days 2016-07-01 12:00, 2020-02-14, 2020-06-04: factors 1, 1 + 0.5 * 1322.5/1433.5, 1.5
    # -> b 0.8 * 1.461 = 1.169, c 0.7 * 1.5 = 1.05, a 1.0, undated 0.75 (factor 1)
    assert [h.chunk.source for h in ranked] == ["b2020", "c2020", "a2016", "undated"]
    assert ranked[0].score == pytest.approx(0.8 * (1 + NEWEST * 1322.5 / 1433.5))
    assert ranked[1].score == pytest.approx(0.7 * (1 + NEWEST))
    assert prefer_time(hits, None) == hits


# -- through the pipeline, the form and the API --------------------------------------------------

@pytest.mark.slow
def test_the_pipeline_prefers_the_named_time_and_says_so(real_pipeline):
    from qa.records import Filters

    question = "Was beschlossen die NATO-Minister im Februar 2020?"
    answer = real_pipeline.ask(question)
    assert answer.question_time == QuestionTime(D("2020-02"), D("2020-02"), "Februar 2020")
    assert answer_record(answer)["question_time"]["applied_as"] == "ranking"
    assert answer_record(answer)["question_time"]["description"] == "Februar 2020"
    assert iso(answer.hits[0].chunk.date) in ("2020-02", "2020-02-14")
    removed = real_pipeline.ask(question, filters=Filters(question_time=False))
    assert removed.question_time is None and "question_time" not in answer_record(removed)


@pytest.mark.slow
def test_newest_puts_the_newest_dated_article_first(real_pipeline):
    answer = real_pipeline.ask("Was ist der neueste Stand im Kampf der Anti-IS-Koalition?")
    dated = [h.chunk.date for h in answer.hits if h.chunk.date]
    assert answer.question_time.newest and dated[0] == max(dated, key=lambda d: d.end_key)


def test_form_and_api_can_switch_the_question_time_off():
    from qa.app.api_requests import AskRequest
    from qa.filters import make_filters
    from qa.app.rendering import status_html
    from qa.records import Answer

    assert make_filters([], "", "") is None
    assert make_filters([], "", "", question_time=False).question_time is False
    assert AskRequest(question="Was war 2016?", question_time=False).filters().question_time is False
    assert AskRequest(question="Was war 2016?").filters() is None
    answer = Answer("Text", None, False, (), (), "extractive", question_time=QuestionTime(D("2016"), D("2016"), "2016"))
    assert "Zeit aus der Frage: <strong>2016</strong>" in status_html(answer)
