"""The date value (qa.dates.PartialDate): every form we read, one validation at every entry point,
its days, order and German display, and the stored ISO text unchanged (issue 23, item 1)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from qa.dates import PartialDate, display_date, plausible, question_time
from qa.records import Chunk, Hit, QuestionTime
from qa.store.chroma_rows import chroma_where, chunk_from_row, chunk_metadata


@pytest.mark.parametrize("text, parts", [
    ("2020-02-14", (2020, 2, 14)), ("2020-2-3", (2020, 2, 3)), ("2020-02", (2020, 2, None)), ("2020", (2020, None, None)),
    ("14.02.2020", (2020, 2, 14)), ("4.6.2020", (2020, 6, 4)), ("14. 02. 2020", (2020, 2, 14)),
    ("14. Februar 2020", (2020, 2, 14)), ("14.Februar 2020", (2020, 2, 14)), ("3. Jänner 2019", (2019, 1, 3)),
    ("Februar 2020", (2020, 2, None)), ("februar 2020", (2020, 2, None)), (" 2020-02-14. ", (2020, 2, 14)),
])
def test_parse_reads_each_form(text, parts):
    assert PartialDate.parse(text) == PartialDate(*parts)


@pytest.mark.parametrize("text", [
    None, "", "gestern", "31.02.2020", "31. Februar 2020", "2020-02-31", "2020-13", "2020-00", "0.2.2020",
    "14.02.20", "1899", "14.02.1850", "2020-02-14T10:00", "Frühjahr 2020",
])
def test_parse_rejects_what_is_no_date(text):
    assert PartialDate.parse(text) is None


def test_a_day_that_does_not_exist_cannot_be_made():
    for args in ((2020, 2, 31), (2019, 2, 29), (2020, 13), (2020, 0), (2020, None, 5)):
        with pytest.raises(ValueError):
            PartialDate(*args)
        assert PartialDate.of(*args) is None
    assert PartialDate(2020, 2, 29).iso == "2020-02-29"  # a leap day
    assert PartialDate.of(1850) is None and PartialDate(1850).iso == "1850"  # what people write starts at 1900


def test_31_february_is_rejected_by_every_entry_point():
    from qa.filters import check_date
    from qa.errors import QuestionError
    from qa.ingest.corpus import parse_date_line, parse_text

    assert parse_date_line("31.02.2020") is None and parse_date_line("31. Februar 2020") is None
    assert PartialDate.parse("31.02.2020") is None and PartialDate.parse("2020-02-31") is None
    assert PartialDate.from_iso("2020-02-31") is None
    assert plausible(2020, 2, 31) is None
    with pytest.raises(QuestionError, match="„2020-02-31“ im Feld „Von“ ist kein Datum"):
        check_date("Von", "2020-02-31")
    assert question_time("Was geschah am 31.02.2020?") is None
    tagged = parse_text("x.txt", "date 2020-02-31 Erster Satz des Artikels.\nZweiter Absatz hier.\n", "h")
    assert tagged.date is None and tagged.source_text[tagged.segments[0][0]:].startswith("Erster Satz")
    assert parse_text("y.txt", "date 2020-02-14 Erster Satz.\n", "h").date == PartialDate(2020, 2, 14)


def test_the_form_keeps_its_own_pattern():
    from qa.filters import check_date
    from qa.errors import QuestionError

    assert check_date("Von", " 2020-02 ") == PartialDate(2020, 2) and check_date("Bis", "2020-02-29") == PartialDate(2020, 2, 29)
    assert check_date("Von", "1850") == PartialDate(1850) and check_date("Von", "") is None
    for value in ("14.02.2020", "2020-2-3", "2020-13", "2020-00", "Februar 2020"):
        with pytest.raises(QuestionError):
            check_date("Von", value)


def test_article_text_also_rejects_future_days():
    tomorrow = date.today() + timedelta(days=1)
    assert plausible(tomorrow.year, tomorrow.month, tomorrow.day) is None
    assert plausible(2015, 9, 11) == PartialDate(2015, 9, 11)


@pytest.mark.parametrize("iso, precision, first, last, span", [
    ("2020-02-14", "day", date(2020, 2, 14), date(2020, 2, 14), (20200214, 20200214)),
    ("2020-02", "month", date(2020, 2, 1), date(2020, 2, 29), (20200200, 20200299)),
    ("2019-02", "month", date(2019, 2, 1), date(2019, 2, 28), (20190200, 20190299)),
    ("2020", "year", date(2020, 1, 1), date(2020, 12, 31), (20200000, 20209999)),
])
def test_precision_days_and_the_stores_encoding(iso, precision, first, last, span):
    """The store keeps the ISO text and the YYYYMMDD numbers of existing indexes (qa.store.chroma_rows)."""
    value = PartialDate.from_iso(iso)
    assert value.precision == precision and value.first_day == first and value.last_day == last
    meta = chunk_metadata(Chunk("a:v:0", "a", "Text.", 0, 5, 0, date=value), "v")
    assert (meta["date"], meta["date_num"], meta["date_end"]) == (iso, *span)
    assert chunk_from_row("a:v:0", "Text.", meta).date == value


def test_the_stores_filter_keeps_its_numbers():
    from qa.records import Filters

    where = chroma_where(Filters(date_from=PartialDate(2020, 2), date_to=PartialDate(2020)))
    assert where == {"$and": [{"date_num": {"$gt": 0}}, {"date_end": {"$gte": 20200200}}, {"date_num": {"$lte": 20209999}}]}
    assert chroma_where(Filters(date_to=PartialDate(2016, 5, 1)))["$and"][1:] == [
        {"date_end": {"$gte": 1}}, {"date_num": {"$lte": 20160501}}]


def test_a_stored_text_that_is_no_date_is_undated():
    meta = {"source": "a", "start": 0, "end": 5, "position": 0}
    for stored in ("2020-02-31", "", None):
        assert chunk_from_row("a:v:0", "Text.", {**meta, "date": stored}).date is None
    undated = chunk_metadata(Chunk("a:v:0", "a", "Text.", 0, 5, 0), "v")
    assert (undated["date"], undated["date_num"], undated["date_end"]) == ("", 0, 0)
    assert display_date(None) == "Datum unbekannt"


def test_order_follows_the_iso_texts():
    texts = ["2020-02-14", "2019", "2020", "2020-02", "2020-01-31", "2020-12", "2016-05-01", "2020-02-03"]
    values = [PartialDate.from_iso(t) for t in texts]
    assert [v.iso for v in sorted(values)] == sorted(texts)
    assert PartialDate(2020) < PartialDate(2020, 1) < PartialDate(2020, 1, 1) < PartialDate(2020, 2)
    assert max(values) == PartialDate(2020, 12) and PartialDate(2020, 2) == PartialDate.parse("Februar 2020")


def test_contains():
    year, month, day = PartialDate(2020), PartialDate(2020, 2), PartialDate(2020, 2, 14)
    assert year.contains(month) and year.contains(day) and month.contains(day) and day.contains(day)
    assert not day.contains(month) and not month.contains(year)
    assert not PartialDate(2019).contains(day) and not PartialDate(2020, 3).contains(day)


@pytest.mark.parametrize("iso, shown", [
    ("2020-02-14", "14.02.2020"), ("2020-06-04", "04.06.2020"), ("2020-02", "Februar 2020"),
    ("2019-01", "Januar 2019"), ("2020-03", "März 2020"), ("2016", "2016"), (None, "Datum unbekannt"),
])
def test_german_display(iso, shown):
    assert display_date(PartialDate.from_iso(iso)) == shown
    if iso:
        assert PartialDate.from_iso(iso).german() == shown


@pytest.mark.parametrize("iso", ["2020-02-14", "2020-02", "2020", "1999-12-31", "2020-02-29"])
def test_round_trip(iso):
    value = PartialDate.from_iso(iso)
    assert value.iso == str(value) == iso
    assert PartialDate.parse(iso) == value and PartialDate.parse(value.german()).iso == iso
    assert PartialDate.from_iso(value.first_day.isoformat()).first_day == value.first_day


def test_describe_time_in_german():
    from qa.dates import describe_time

    assert describe_time(QuestionTime(PartialDate(2020, 2, 14), PartialDate(2020, 2, 14))) == "14.02.2020"
    assert describe_time(QuestionTime(PartialDate(2016), PartialDate(2018))) == "2016 bis 2018"
    assert describe_time(QuestionTime(PartialDate(2020, 2), None)) == "ab Februar 2020"


# -- the crash of the issue: a "neueste" question over an article whose date is no date -----------

def _hit(name, stored, score):
    """A hit whose chunk the store read back with `stored` as its date text."""
    meta = {"source": name, "start": 0, "end": 5, "position": 0, "date": stored}
    return Hit(chunk_from_row(f"{name}:v:0", "Text.", meta), score, 1)


def test_newest_over_a_stored_date_that_is_no_date_does_not_raise():
    """An index written before the dates were checked may hold "2020-02-31": such an article
    counts as undated (it was a ValueError in first_day)."""
    from qa.retrieval.timing import NEWEST, prefer_time

    hits = [_hit("bad", "2020-02-31", 1.0), _hit("old", "2016", 0.9), _hit("new", "2020-06-04", 0.8)]
    ranked = prefer_time(hits, QuestionTime(newest=True))
    assert [h.chunk.source for h in ranked] == ["new", "bad", "old"]
    assert ranked[0].score == pytest.approx(0.8 * (1 + NEWEST)) and ranked[1].score == pytest.approx(1.0)
    ranged = prefer_time(hits, QuestionTime(PartialDate(2020, 2), PartialDate(2020, 2)))
    assert {h.chunk.source for h in ranged} == {"bad", "old", "new"}


def test_a_relative_date_against_a_date_that_is_no_date_is_unresolvable():
    from qa.answer.timeline import expressions, resolve

    sentence = "Am Mittwoch sagte er das."
    kind, m = next(expressions(sentence))
    resolved = resolve(kind, m, sentence, PartialDate.from_iso("2020-02-31"))
    assert resolved.iso is None and resolved.article_date is None and "nicht auflösbar" in resolved.text
    assert resolve(kind, m, sentence, PartialDate(2020, 2, 14)).iso == "2020-02-12"


def test_a_newest_question_over_an_article_with_a_bad_date_tag(settings, fake_embedder):
    """Through the pipeline: an article whose date tag names no day ("date 2020-02-31") is
    indexed undated, and a "neueste" question over it ranks without raising."""
    from qa.pipeline import Pipeline

    (settings.corpus_dir / "999_kaputtes_datum.txt").write_text(
        "date 2020-02-31 Die Anti-IS-Koalition berät über den neuesten Stand im Irak.\n"
        "Die Minister der Anti-IS-Koalition trafen sich in München und sprachen über den Irak.\n",
        encoding="utf-8")
    pipeline = Pipeline(settings, embedder=fake_embedder)
    pipeline.ingest(progress=False)
    hits = pipeline.retrieve("Was ist der neueste Stand im Kampf der Anti-IS-Koalition?", k=8)
    bad = [h for h in hits if h.chunk.source == "999_kaputtes_datum.txt"]
    assert bad and bad[0].chunk.date is None
    dated = [h.chunk.date for h in hits if h.chunk.date]
    assert dated and all(isinstance(d, PartialDate) for d in dated)


def test_a_page_date_that_is_no_date_is_not_taken(monkeypatch, tmp_path):
    """The page's metadata date (trafilatura) is checked like any other metadata date."""
    import types

    import trafilatura

    from qa.ingest.corpus import read_article

    page = types.SimpleNamespace(text="Die Minister trafen sich.\n14.02.2020\n", title="Nato", sitename=None,
                                 date="2020-02-31")
    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *args, **kwargs: page)
    (tmp_path / "a.html").write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
    assert read_article(tmp_path / "a.html", tmp_path).date == PartialDate(2020, 2, 14)  # the text's date line instead
    page.date = "2020-02-12"
    assert read_article(tmp_path / "a.html", tmp_path).date == PartialDate(2020, 2, 12)
