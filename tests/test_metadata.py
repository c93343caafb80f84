"""Article dates and publishers: from the text, HTML metadata, metadata.csv and front matter;
how they are shown (German, "Datum unbekannt"); a changed sidecar re-indexes its file."""
from __future__ import annotations

import pytest

from qa.answer.citations import describe, format_sources
from qa.dates import PartialDate, display_date
from qa.ingest.corpus import read_article
from qa.ingest.indexer import ingest
from qa.ingest.metadata import Metadata, front_matter, load_sidecar
from qa.records import Citation, Copy
from qa.store.chroma import ChromaStore
from qa.answer.record import citation_record, iso

DW = "000_955454e9edcba319.txt"
UNDATED = "001_6d1949913e7253d0.txt"


@pytest.mark.parametrize("text, expected", [
    ("2020-02-14", "2020-02-14"), ("14.02.2020", "2020-02-14"), ("4.6.2020", "2020-06-04"),
    ("14. Februar 2020", "2020-02-14"), ("Februar 2020", "2020-02"), ("3. Jänner 2019", "2019-01-03"),
    ("2020-02", "2020-02"), ("2020", "2020"), ("2020-2-3", "2020-02-03"),
    ("", None), ("gestern", None), ("31.02.2020", None), ("2020-13", None), ("14.02.20", None),
])
def test_parse(text, expected):
    assert iso(PartialDate.parse(text)) == expected


@pytest.mark.parametrize("text, shown", [
    ("2020-02-14", "14.02.2020"), ("2020-02", "Februar 2020"), ("2016", "2016"), (None, "Datum unbekannt"),
])
def test_display_date(text, shown):
    assert display_date(PartialDate.from_iso(text)) == shown


def test_describe_names_publisher_and_date_or_says_unknown():
    dated = Citation(1, "a.txt", "a:v:0", "Q.", 0, 2, "Titel", "DW", PartialDate(2020, 2, 14))
    bare = Citation(2, "b.txt", "b:v:0", "Q.", 0, 2)
    assert describe(dated) == "a.txt – Titel, DW, 14.02.2020"
    assert describe(bare) == "b.txt – Herausgeber unbekannt, Datum unbekannt"
    borrowed = Citation(3, "c.txt", "c:v:0", "Q.", 0, 2, copies=(Copy("a.txt", "Titel", "DW", PartialDate(2020, 2, 14)),))
    assert describe(borrowed) == "c.txt – Herausgeber unbekannt, 14.02.2020 (Datum laut Kopie a.txt)"
    assert "auch berichtet von a.txt (DW, 14.02.2020)" in format_sources([borrowed])
    assert citation_record(borrowed)["date_from_copy"] == "a.txt" and citation_record(borrowed)["date"] is None


def test_sidecar_wins_over_the_text(seed_corpus):
    (seed_corpus / "metadata.csv").write_text(
        "datei;titel;herausgeber;datum\n"
        f"{DW};Eigener Titel;Deutsche Welle;13.02.2020\n"
        f"{UNDATED};;AFP;2020-02-14\n"
        "005.txt;;;kein Datum\n", encoding="utf-8")
    sidecar = load_sidecar(seed_corpus)
    assert sidecar[DW] == Metadata("Eigener Titel", "Deutsche Welle", PartialDate(2020, 2, 13))
    assert sidecar[UNDATED] == Metadata(None, "AFP", PartialDate(2020, 2, 14))
    assert sidecar["005.txt"].empty  # the bad date is ignored (with a warning)
    article = read_article(seed_corpus / DW, seed_corpus, sidecar[DW])
    assert (article.title, article.publisher, iso(article.date)) == ("Eigener Titel", "Deutsche Welle", "2020-02-13")
    assert iso(read_article(seed_corpus / DW, seed_corpus).date) == "2020-02-14"  # the text's date without it


def test_front_matter_is_metadata_not_text(tmp_path):
    text = "---\ndatum: 14.02.2020\nherausgeber: dpa\ntitel: \"Nato im Irak\"\n---\n# Überschrift\n\nDie Nato berät am Mittwoch.\n"
    path = tmp_path / "a.md"
    path.write_text(text, encoding="utf-8")
    meta, length = front_matter(text)
    assert meta == Metadata("Nato im Irak", "dpa", PartialDate(2020, 2, 14)) and text[length:].startswith("# Überschrift")
    article = read_article(path, tmp_path)
    assert (article.title, article.publisher, iso(article.date)) == ("Nato im Irak", "dpa", "2020-02-14")
    assert [text[a:b] for a, b in article.segments] == ["Überschrift", "Die Nato berät am Mittwoch."]
    (tmp_path / "metadata.csv").write_text("datei;datum\na.md;2020-02-12\n", encoding="utf-8")
    assert iso(read_article(path, tmp_path, load_sidecar(tmp_path)["a.md"]).date) == "2020-02-12"  # the CSV first


def test_html_date_from_the_page_metadata(tmp_path):
    body = "<p>" + "Die Verteidigungsminister der Nato beraten in Brüssel über die Mission im Irak. " * 8 + "</p>"
    page = (f"<html><head><title>Nato</title><meta property='article:published_time' content='2020-02-12T09:00:00Z'>"
            f"</head><body><article><h1>Nato berät</h1>{body}<p>14.02.2020</p></article></body></html>")
    (tmp_path / "a.html").write_text(page, encoding="utf-8")
    assert iso(read_article(tmp_path / "a.html", tmp_path).date) == "2020-02-12"


def test_changing_the_sidecar_reindexes_that_file(settings, fake_embedder):
    ingest(settings, fake_embedder, progress=False)
    sidecar = settings.corpus_dir / "metadata.csv"
    sidecar.write_text(f"datei;titel;herausgeber;datum\n{UNDATED};;AFP;14.02.2020\n", encoding="utf-8")
    report = ingest(settings, fake_embedder, progress=False)
    assert report.updated == [UNDATED] and report.unchanged == 4
    store = ChromaStore(settings, fake_embedder)
    record = store.file_record(UNDATED)
    assert (record.publisher, iso(record.date)) == ("AFP", "2020-02-14")
    dates = {iso(chunk.date) for chunk, version in store.all_chunks() if chunk.source == UNDATED and version == record.version}
    assert dates == {"2020-02-14"}
    sidecar.write_text(f"datei;titel;herausgeber;datum\n{UNDATED};;AFP;13.02.2020\n", encoding="utf-8")
    assert ingest(settings, fake_embedder, progress=False).updated == [UNDATED]
    sidecar.unlink()  # back to what the text says
    report = ingest(settings, fake_embedder, progress=False)
    assert report.updated == [UNDATED] and ChromaStore(settings, fake_embedder).file_record(UNDATED).date is None


@pytest.mark.parametrize("text, expected", [
    ("Wien – Der Ausschuss tagte am Dienstag. (Renate Muster, 10.5.2016)", "2016-05-10"),
    ("Ein Satz.\n\nNoch ein Satz. (APA, red, 25.7.2015)\n", "2015-07-25"),
    ("Ein Satz. (APA, 30.9.3015)", None),  # a typo in the year: no date
    ("14. Februar 2020\n\nEin Satz. (APA, 12.2.2020)", "2020-02-14"),  # a date line comes first
])
def test_a_closing_byline_dates_the_article(text, expected):
    from qa.ingest.corpus import parse_text

    assert iso(parse_text("a.txt", text, "0").date) == expected
