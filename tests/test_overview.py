"""Which questions ask for an overview (qa.answer.overview), without a model."""
import pytest

from qa.answer.overview import asks_overview, topic_terms


@pytest.mark.parametrize("question", [
    "Was passierte im Februar 2020 im Irak?",
    "Fasse die Artikel zusammen.",
    "Worum geht es in dem Artikel des Auswärtigen Amts?",
    "Was berichten die Artikel über den IS in Libyen?",
    "Gib mir einen Überblick über die Bundespräsidentenwahl.",
    "Wie hat sich die Lage in Idomeni entwickelt?",
    "Welche Anschläge werden in den Artikeln beschrieben?",
    "Welche islamistischen Anschläge werden in den Artikeln insgesamt beschrieben?",
    "Welche Politiker nennen die Artikel?",
])
def test_overview_questions(question):
    assert asks_overview(question)


@pytest.mark.parametrize("question", [
    "Wer ist der neue EU-Außenbeauftragte?",
    "Wie viele Menschen nahmen am Millionenmarsch in Bagdad teil?",
    "Welche Stadt gilt als De-facto-Hauptstadt des IS?",
    "Was forderte das irakische Parlament nach der Tötung Soleimanis?",
    "Wie bewerteten die EU-Innenminister den Türkei-Pakt?",
])
def test_fact_questions_are_not_overviews(question):
    assert not asks_overview(question)


def test_the_topic_leaves_out_the_words_that_ask_and_the_time():
    terms = topic_terms("Was passierte im Februar 2020 im Irak?")
    assert terms and all("februar" not in t and "passiert" not in t for t in terms)
    assert any(t.startswith("irak") for t in terms)
