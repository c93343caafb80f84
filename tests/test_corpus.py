"""Cleaning keeps article text with its offsets, drops site furniture, finds metadata."""
from pathlib import Path

import pytest

from qa.answer.record import iso
from qa.ingest.corpus import iter_corpus_files, parse_date_line, parse_text, read_article
from qa.errors import CorpusError

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def kept(article):
    return [article.source_text[a:b] for a, b in article.segments]


def test_dw_article_boilerplate_removed_and_metadata_kept():
    article = read_article(CORPUS / "000_955454e9edcba319.txt", CORPUS)
    text = "\n".join(kept(article))
    for junk in ("Zum Inhalt springen", "Zur Hauptnavigation springen", "Bild: picture-alliance",
                 "Den nächsten Abschnitt", "nob/kle (afp, dpa)", "Deutschland | Annegret"):
        assert junk not in text
    assert "Deutschland ist mit der Ausbildung kurdischer Sicherheitskräfte im nordirakischen Erbil beteiligt." in text
    # the caption credit glued to the end of a line goes, the caption stays
    assert any(line.endswith("gegen den IS fortsetzen") for line in kept(article))
    assert article.title == "Anti-IS-Koalition will Einsatz im Irak fortsetzen"
    assert article.publisher == "DW"
    assert iso(article.date) == "2020-02-14"


def test_auswaertiges_amt_article():
    article = read_article(CORPUS / "003_a0779ffe5682cfbe.txt", CORPUS)
    lines = kept(article)
    assert "Willkommen auf den Seiten des Auswärtigen Amts" not in lines
    assert "Schlagworte" not in lines and "nach oben" not in lines
    assert not any("©" in line for line in lines)
    assert article.title == "Im Kampf gegen IS nicht nachlassen"
    assert article.publisher == "Auswärtiges Amt"
    assert iso(article.date) == "2020-06-04"


def test_leading_date_tag_is_metadata_not_text():
    article = read_article(CORPUS / "002_02adc48ef0db0a26.txt", CORPUS)
    assert iso(article.date) == "2020-02"
    assert kept(article)[0].startswith("Offiziell wurde die NATO-Mission")


def test_segments_are_exact_spans_of_the_raw_file():
    for path in iter_corpus_files(CORPUS):
        raw = path.read_text(encoding="utf-8")
        article = read_article(path, CORPUS)
        assert article.source_text == raw
        for a, b in article.segments:
            assert raw[a:b] == raw[a:b].strip() and raw[a:b]


@pytest.mark.parametrize("line, expected", [
    ("14. Februar 2020", "2020-02-14"),
    ("04.06.2020 - Artikel", "2020-06-04"),
    ("3. März 2021", "2021-03-03"),
    ("Am 3. März 2021 kam es", None),
    ("31.13.2020", None),
])
def test_date_lines(line, expected):
    assert iso(parse_date_line(line)) == expected


def test_hand_computed_segments():
    text = "Zum Inhalt springen\nTitel der Meldung hier\n\nErster Satz. Zweiter Satz.\nBild: dpa\n"
    article = parse_text("x.txt", text, "h")
    assert article.segments == ((20, 42), (44, 70))
    assert article.title == "Titel der Meldung hier"


def test_latin1_file_is_decoded(tmp_path):
    (tmp_path / "alt.txt").write_bytes("Die Außenminister trafen sich in München.".encode("latin-1"))
    article = read_article(tmp_path / "alt.txt", tmp_path)
    assert "Außenminister" in article.clean_text and "München" in article.clean_text


def test_binary_file_is_refused_with_german_message(tmp_path):
    (tmp_path / "bild.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(CorpusError, match="keine Textdatei"):
        read_article(tmp_path / "bild.txt", tmp_path)


def test_html_is_extracted_as_text(tmp_path):
    html = """<html><head><title>Nato berät über Irak</title></head><body>
    <nav><a href="/">Startseite</a> <a href="/politik">Politik</a></nav>
    <article><h1>Nato berät über Irak</h1>
    <p>Die Verteidigungsminister der Nato beraten am Mittwoch in Brüssel über die Ausbildungsmission im Irak.
    Die Mission war im Januar ausgesetzt worden.</p>
    <p>Generalsekretär Jens Stoltenberg sagte, das Bündnis könne sich stärker engagieren.</p></article>
    <footer>Impressum Datenschutz</footer></body></html>"""
    (tmp_path / "nato.html").write_text(html, encoding="utf-8")
    article = read_article(tmp_path / "nato.html", tmp_path)
    assert "Ausbildungsmission im Irak" in article.clean_text
    assert "<p>" not in article.source_text and "Impressum" not in article.clean_text
    assert article.title == "Nato berät über Irak"


def test_markdown_heading_is_title(tmp_path):
    (tmp_path / "notiz.md").write_text("# Gespräche in Brüssel\n\nDie Minister trafen sich am Mittwoch.\n", encoding="utf-8")
    article = read_article(tmp_path / "notiz.md", tmp_path)
    assert article.title == "Gespräche in Brüssel"
    assert article.source_text[article.segments[0][0]:article.segments[0][1]] == "Gespräche in Brüssel"


def test_only_supported_files_are_listed(tmp_path):
    for name in ("a.txt", "b.md", "c.html", "d.pdf", ".hidden.txt"):
        (tmp_path / name).write_text("Text.", encoding="utf-8")
    assert [p.name for p in iter_corpus_files(tmp_path)] == ["a.txt", "b.md", "c.html"]


SEED_TITLES = {  # the files without a headline line get one made from their lead sentence
    "000_955454e9edcba319.txt": ("Anti-IS-Koalition will Einsatz im Irak fortsetzen", False),
    "001_6d1949913e7253d0.txt": ("Deutschland und die USA wollen den Kampf gegen die Dschihadistenmiliz…", True),
    "002_02adc48ef0db0a26.txt": ("Offiziell wurde die NATO-Mission im Irak Anfang Januar ausgesetzt…", True),
    "003_a0779ffe5682cfbe.txt": ("Im Kampf gegen IS nicht nachlassen", False),
    "004_bde43ff6797f91e1.txt": ("„Dieser Kampf ist noch lange nicht zu Ende“…", True),
}


def test_every_seed_article_has_a_title_and_derived_ones_are_marked():
    for path in iter_corpus_files(CORPUS):
        article = read_article(path, CORPUS)
        assert (article.title, article.title_derived) == SEED_TITLES[path.name]


@pytest.mark.parametrize("text, title", [
    # short lead: the whole sentence, without its full stop
    ("Die Minister trafen sich am Mittwoch in Brüssel.", "Die Minister trafen sich am Mittwoch in Brüssel"),
    # long lead: at most ten words, cut at a word boundary, no dangling article, "…"
    ("Die Verteidigungsminister der Nato beraten am Mittwoch in Brüssel über die Zukunft der Ausbildungsmission "
     "im Irak.", "Die Verteidigungsminister der Nato beraten am Mittwoch in Brüssel…"),
    # a comma past the third word is a better place to cut
    ("Nach langen Verhandlungen einigten sich die Parteien, die Koalition fortzusetzen und den Haushalt zu "
     "beschließen.", "Nach langen Verhandlungen einigten sich die Parteien…"),
    # the dateline is no part of the title
    ("Stuttgart - US-Verteidigungsminister Ashton Carter rief die Verbündeten zu mehr Engagement auf.",
     "US-Verteidigungsminister Ashton Carter rief die Verbündeten zu mehr Engagement auf"),
    # a one-word first line ("Politik") is no lead
    ("Politik\n\nDer Bundestag hat am Donnerstag das Gesetz beschlossen.", "Der Bundestag hat am Donnerstag das Gesetz beschlossen"),
])
def test_title_from_the_lead_sentence(text, title, tmp_path):
    (tmp_path / "a.txt").write_text(text + "\n", encoding="utf-8")
    article = read_article(tmp_path / "a.txt", tmp_path)
    assert article.title == title and article.title_derived
    assert len(article.title.split()) <= 10 and len(article.title) <= 90


def test_a_given_title_is_not_derived(tmp_path):
    from qa.ingest.metadata import Metadata

    (tmp_path / "a.txt").write_text("Die Minister trafen sich am Mittwoch in Brüssel und berieten lange.\n", encoding="utf-8")
    article = read_article(tmp_path / "a.txt", tmp_path, Metadata(title="Treffen in Brüssel"))
    assert article.title == "Treffen in Brüssel" and not article.title_derived
    (tmp_path / "b.md").write_text("---\ntitel: Aus dem Vorspann\n---\nDie Minister trafen sich.\n", encoding="utf-8")
    assert read_article(tmp_path / "b.md", tmp_path).title == "Aus dem Vorspann"


def test_a_date_line_naming_a_day_that_does_not_exist_is_no_date():
    from qa.ingest.corpus import parse_date_line

    assert parse_date_line("31.02.2020") is None
    assert parse_date_line("31. Februar 2020") is None
    assert iso(parse_date_line("29.02.2020")) == "2020-02-29"
    assert iso(parse_date_line("14. Februar 2020")) == "2020-02-14"
