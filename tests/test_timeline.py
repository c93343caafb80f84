"""Relative dates in evidence resolved against the article date (qa.answer.timeline), by hand:
14.02.2020 was a Friday, 10.02.2020 a Monday."""
from __future__ import annotations

import pytest

from qa.answer.timeline import annotate, expressions, resolve
from qa.dates import PartialDate
from qa.records import Answer, Citation, Copy
from qa.answer.record import answer_record


def resolved(sentence: str, article_date: str | None) -> list[tuple[str, str, str | None]]:
    return [(m.group(0), r.text, r.iso) for kind, m in expressions(sentence)
            for r in [resolve(kind, m, sentence, PartialDate.from_iso(article_date))]]


@pytest.mark.parametrize("sentence, article_date, expected", [
    # present tense: the next such day on or after the article date
    ("Die NATO-Verteidigungsminister beraten am Mittwoch über die Mission.", "2020-02-10",
     [("am Mittwoch", "Mittwoch, 12.02.2020", "2020-02-12")]),
    ("Die Minister beraten am Freitag.", "2020-02-14", [("am Freitag", "Freitag, 14.02.2020", "2020-02-14")]),
    # past tense: the last such day on or before it
    ("Die Nato-Verteidigungsminister hatten am Mittwoch ihre Bereitschaft bekundet.", "2020-02-14",
     [("am Mittwoch", "Mittwoch, 12.02.2020", "2020-02-12")]),
    ("Carter sagte am Donnerstagabend, die Lage sei ernst.", "2020-02-14",
     [("am Donnerstagabend", "Donnerstag, 13.02.2020", "2020-02-13")]),
    ("Am kommenden Montag beginnt die Mission.", "2020-02-14",
     [("Am kommenden Montag", "Montag, 17.02.2020", "2020-02-17")]),
    ("Er sagte gestern, vorgestern sei nichts geschehen.", "2020-02-14",
     [("gestern", "13.02.2020", "2020-02-13"), ("vorgestern", "12.02.2020", "2020-02-12")]),
    ("Die Entscheidung fällt morgen.", "2020-02-14", [("morgen", "15.02.2020", "2020-02-15")]),
    ("In der vergangenen Woche wurde beraten.", "2020-02-14",
     [("In der vergangenen Woche", "die Woche vom 03.02. bis 09.02.2020", None)]),
    ("Die Minister treffen sich kommende Woche.", "2020-02-14",
     [("kommende Woche", "die Woche vom 17.02. bis 23.02.2020", None)]),
    # tense from the clause around the expression: weak and strong past, perfect in either order
    ("Die Abgeordneten verfehlten am Donnerstag die Mehrheit.", "2015-09-11",
     [("am Donnerstag", "Donnerstag, 10.09.2015", "2015-09-10")]),
    ("Erst am Montag fiel der Kurs, morgen wird er steigen.", "2015-12-30",
     [("am Montag", "Montag, 28.12.2015", "2015-12-28"), ("morgen", "31.12.2015", "2015-12-31")]),
    ("Die Schilderungen dessen, was am Mittwochabend vorgefallen ist, gehen auseinander.", "2015-06-25",
     [("am Mittwochabend", "Mittwoch, 24.06.2015", "2015-06-24")]),
    ("Der Komponist gastiert am Sonntag in Wien, sagte der Veranstalter.", "2016-01-28",
     [("am Sonntag", "Sonntag, 31.01.2016", "2016-01-31")]),
    ("Die konkrete Planung beginnt am Montag.", "2016-01-28", [("am Montag", "Montag, 01.02.2016", "2016-02-01")]),
    ("Am Wochenende protestierten Tausende.", "2020-02-12", [("Am Wochenende", "das Wochenende 08./09.02.2020", None)]),
    ("Am kommenden Wochenende wird gewählt.", "2020-02-12",
     [("Am kommenden Wochenende", "das Wochenende 15./16.02.2020", None)]),
    ("Vor drei Tagen hatte er es gesagt.", "2020-02-14", [("Vor drei Tagen", "11.02.2020", "2020-02-11")]),
    ("Vor zwei Monaten wurde er gewählt.", "2020-02", [("Vor zwei Monaten", "Dezember 2019", "2019-12")]),
    ("Am Vortag hatte Carter gesprochen.", "2016-02-12",
     [("Am Vortag", "11.02.2016 (Tag vor dem Artikel)", "2016-02-11")]),
    ("Heuer gab es mehr Fälle als im Vorjahr.", "2015-09-12", [("Heuer", "2015", "2015"), ("im Vorjahr", "2014", "2014")]),
    ("In dieser Woche beraten die Minister.", "2020-02-12",
     [("In dieser Woche", "die Woche vom 10.02. bis 16.02.2020", None)]),
    ("Alles ruhig, vermeldet die Polizei am Freitag.", "2015-06-06", [("am Freitag", "Freitag, 05.06.2015", "2015-06-05")]),
    ("Von einem Sonntag und jeden Montag kann man nichts erwarten.", "2015-06-06", []),
    # months without a year: the article's year, or the one before/after by tense
    ("Offiziell wurde die Mission Anfang Januar ausgesetzt.", "2020-02", [("Anfang Januar", "Anfang Januar 2020", "2020-01")]),
    ("Kramp-Karrenbauer hatte im November erklärt, das Ziel gelte.", "2020-02-14",
     [("im November", "November 2019", "2019-11")]),
    ("Die Mission soll im März fortgesetzt werden.", "2020-06-04", [("im März", "März 2021", "2021-03")]),
    ("Das Mandat gilt nur noch bis 31. März.", "2020-02-14", [("bis 31. März", "31.03.2020", "2020-03-31")]),
    ("Im vergangenen Jahr kamen 500 Soldaten.", "2020-02-14", [("Im vergangenen Jahr", "2019", "2019")]),
    # an article dated by month or year only: what can be said, and that the day is unknown
    ("Die NATO-Verteidigungsminister beraten am Mittwoch.", "2020-02",
     [("am Mittwoch", "ein Mittwoch im Februar 2020", "2020-02")]),
    ("Die Minister beraten heute.", "2016", [("heute", "ein Tag im Jahr 2016", "2016")]),
    # no article date: said so
    ("Die Nato kündigte am Freitag an, die Mission aufzunehmen.", None,
     [("am Freitag", "nicht auflösbar: der Artikel nennt kein Datum", None)]),
    # absolute dates and other words are left alone
    ("Der Einsatz läuft seit Oktober 2018; am 14. Februar 2020 am Abend sprach er heute morgen.", "2020-02-14",
     [("heute", "14.02.2020", "2020-02-14")]),
])
def test_resolution(sentence, article_date, expected):
    assert resolved(sentence, article_date) == expected


def _answer(quote: str, date: str | None, span: str, copies=()) -> Answer:
    citation = Citation(1, "002.txt", "002.txt:v:0", quote, 0, len(quote), date=PartialDate.from_iso(date), copies=copies)
    return Answer(f"„{quote}“ [1]", None, False, (citation,), (), "extractive", span=span)


def test_annotate_adds_a_line_for_when_questions_and_keeps_the_quote():
    quote = "Die NATO-Verteidigungsminister beraten am Mittwoch über das weitere Vorgehen."
    answer, added = annotate("Wann beraten die NATO-Verteidigungsminister?", _answer(quote, "2020-02", "am Mittwoch"))
    assert added == ("\n\nZeitangabe: „am Mittwoch“ → ein Mittwoch im Februar 2020 "
                     "(Artikel vom Februar 2020; Tag unbekannt) [1]")
    assert answer.text.startswith(f"„{quote}“ [1]") and answer.text.endswith(added)
    assert answer.citations[0].quote == quote
    assert answer_record(answer)["resolved_dates"] == [{"expression": "am Mittwoch", "resolved": "ein Mittwoch im Februar 2020",
                                                     "iso": "2020-02", "article_date": "2020-02", "exact": False,
                                                     "date_from_copy": None}]
    exact, _ = annotate("Wann beraten die Minister?", _answer(quote, "2020-02-10", "am Mittwoch"))
    assert exact.text.endswith("→ Mittwoch, 12.02.2020 (Artikel vom 10.02.2020) [1]")


def test_annotate_only_for_when_questions_and_uses_a_copy_date():
    quote = "Die Minister beraten am Mittwoch."
    unchanged = _answer(quote, "2020-02-10", "die Minister")
    assert annotate("Wer berät am Mittwoch?", unchanged) == (unchanged, "")
    borrowed, added = annotate("Wann beraten die Minister?",
                               _answer(quote, None, "am Mittwoch", (Copy("a.txt", date=PartialDate(2020, 2, 10)),)))
    assert added.endswith("→ Mittwoch, 12.02.2020 (Datum laut Kopie a.txt: 10.02.2020) [1]")
    assert borrowed.resolved_dates[0].date_from_copy == "a.txt"


@pytest.mark.slow
def test_the_pipeline_resolves_and_streams_the_added_line(real_pipeline):
    question = "Wann beraten die NATO-Verteidigungsminister über die Irak-Mission?"
    events = list(real_pipeline.stream(question))
    answer = events[-1]
    assert "".join(e for e in events if isinstance(e, str)) == answer.text  # nothing shown twice
    assert not answer.abstained, answer.text  # the shipped reader quotes 002's sentence with "am Mittwoch"
    assert [c.source for c in answer.citations if "am Mittwoch" in c.quote and c.date == PartialDate(2020, 2)] \
        == ["002_02adc48ef0db0a26.txt"]
    assert "„am Mittwoch“ → ein Mittwoch im Februar 2020" in answer.text
    assert answer_record(answer)["resolved_dates"][0]["iso"] == "2020-02"


def test_only_the_expression_of_the_span_when_the_sentence_has_several():
    quote = "Laut der Bilanz vom Samstag starben Menschen, als am Freitag ein Kran stürzte."
    answer, added = annotate("Wann stürzte der Kran?", _answer(quote, "2015-09-12", "Freitag"))
    assert added == "\n\nZeitangabe: „am Freitag“ → Freitag, 11.09.2015 (Artikel vom 12.09.2015) [1]"
