"""Citation numbering, quotes and offsets."""
from pathlib import Path

from qa.ingest.chunking import chunk_article
from qa.answer.citations import build_citations, format_sources, markers, render_answer
from qa.ingest.corpus import read_article
from qa.dates import PartialDate
from qa.records import Hit

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_citation_offsets_point_at_the_quote_in_the_raw_file():
    path = CORPUS / "002_02adc48ef0db0a26.txt"
    article = read_article(path, CORPUS)
    chunk = next(c for c in chunk_article(article) if "seit Oktober 2018" in c.text)
    sentence = next(s for s in chunk.sentences if "seit Oktober 2018" in s.text)
    [citation] = build_citations([(Hit(chunk, 1.0, 1), sentence)])
    raw = path.read_text(encoding="utf-8")
    assert citation.quote == "Der aktuelle Irak-Einsatz der NATO läuft seit Oktober 2018."
    assert raw[citation.start:citation.end] == citation.quote
    assert raw.index(citation.quote) == citation.start
    assert citation.number == 1 and citation.source == "002_02adc48ef0db0a26.txt"
    assert citation.date == PartialDate(2020, 2)


def test_numbering_and_duplicates():
    path = CORPUS / "000_955454e9edcba319.txt"
    chunk = chunk_article(read_article(path, CORPUS))[0]
    s1, s2 = chunk.sentences[2], chunk.sentences[3]
    citations = build_citations([(Hit(chunk, 1, 1), s1), (Hit(chunk, 1, 1), s1), (Hit(chunk, 1, 1), s2)])
    assert [c.number for c in citations] == [1, 2]
    assert "[1] 000_955454e9edcba319.txt – Anti-IS-Koalition will Einsatz im Irak fortsetzen, DW, 14.02.2020" \
        in format_sources(citations)


def test_render_answer():
    text = render_answer("Oktober 2018", "Seit", ["Der Einsatz läuft seit Oktober 2018."])
    assert text == "Seit Oktober 2018 [1].\n\n„Der Einsatz läuft seit Oktober 2018.“ [1]"
    assert markers("a [2] b [1] c [2]") == [2, 1]
    assert render_answer(None, "", ["A.", "B."]) == "„A.“ [1]\n\n„B.“ [2]"
