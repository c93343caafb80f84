"""The extractive answerer on hand-made passages: types, spans, abstention."""
import pytest

from qa.answer.rules import ABSTAIN_TEXT, ExtractiveAnswerer, extract_short, question_type
from qa.ingest.chunking import chunk_article
from qa.ingest.corpus import parse_text
from qa.records import Hit
from qa.language import words

TEXT = """Nato setzt Ausbildung fort

Der aktuelle Irak-Einsatz der NATO läuft seit Oktober 2018. Dazu schulen mehrere hundert Ausbilder irakische Militärausbilder.
Die Nato-Verteidigungsminister wollen die Mission mit bisher rund 500 Soldaten ausbauen.
Am Abend diskutieren die Minister mit dem neuen EU-Außenbeauftragten Josep Borrell.
Deutschland bildet kurdische Sicherheitskräfte im nordirakischen Erbil aus.
"""


@pytest.fixture
def hits():
    article = parse_text("a.txt", TEXT, "0123456789abcdef")
    return [Hit(c, 1.0 / (i + 1), i + 1) for i, c in enumerate(chunk_article(article, chunk_size=200, overlap=0))]


def answerer(vocabulary_size=50):
    # IDF as in BM25 for a corpus where every term occurs once, unknown terms weigh more
    known = {t for t in __import__("qa.language", fromlist=["analyze"]).analyze(TEXT)}
    return ExtractiveAnswerer(idf=lambda t: 1.0 if t in known else 3.0)


@pytest.mark.parametrize("question, kind, prefix", [
    ("Seit wann läuft der Einsatz?", "date", "Seit"),
    ("Bis wann gilt das Mandat?", "date", "Bis"),
    ("Wann wurde er getötet?", "date", ""),
    ("Wie viele Soldaten sind dort?", "count", ""),
    ("Was kostet der Einsatz?", "money", ""),
    ("Wer ist der neue EU-Außenbeauftragte?", "person", ""),
    ("Wie heißt der Außenminister?", "person", ""),
    ("Wo bildet Deutschland aus?", "place", ""),
    ("In welcher Stadt traf man sich?", "place", ""),
    ("Welches Land könnte übernehmen?", "place", ""),
    ("Vor welcher Konferenz trafen sie sich?", "entity", ""),
    ("Und welche Ausbildungshilfe ist ausgesetzt?", "entity", ""),
    ("Was forderte das Parlament?", "other", ""),
])
def test_question_types(question, kind, prefix):
    qtype = question_type(question)
    assert (qtype.kind, qtype.prefix) == (kind, prefix)


@pytest.mark.parametrize("question, sentence, span", [
    ("Seit wann läuft der Einsatz?", "Der Einsatz läuft seit Oktober 2018.", "Oktober 2018"),
    ("Bis wann will Deutschland das Ziel erreichen?",
     "Sie hatte im November erklärt, dass Deutschland das Ziel bis spätestens 2031 erreichen wolle.", "2031"),
    ("Wie viele Soldaten umfasst die Mission?", "Die Mission mit bisher rund 500 Soldaten wird am 3. Mai ausgebaut.", "rund 500"),
    ("Wie viele Menschen nahmen teil?", "Am 24. Januar nahmen bis zu vier Millionen Menschen teil.", "bis zu vier Millionen"),
    ("Wer ist der neue EU-Außenbeauftragte?", "Sie sprachen mit dem neuen EU-Außenbeauftragten Josep Borrell.", "Josep Borrell"),
    ("Mit welchem Amtskollegen nahm Maas teil?", "Außenminister Maas und sein Amtskollege Blok nahmen teil.", "Blok"),
    ("Welches Land könnte die Flüge übernehmen?", "Derzeit laufen Gespräche mit Italien, das die Flüge übernehmen könnte.", "Italien"),
    ("Wo bildet Deutschland Kräfte aus?", "Deutschland bildet Kräfte im nordirakischen Erbil aus.", "Erbil"),
    ("Wie viele Tornados sind dort?", "Die Luftwaffe fliegt laut Mandat nur noch bis 31. März.", None),
])
def test_short_answers(question, sentence, span):
    assert extract_short(sentence, question_type(question), set(words(question))) == span


def test_answer_cites_the_evidence_sentence(hits):
    answer = answerer().answer("Seit wann läuft der aktuelle Irak-Einsatz der NATO?", hits)
    assert not answer.abstained
    assert answer.short_answer == "Oktober 2018"
    assert answer.text.startswith("Seit Oktober 2018 [1].")
    citation = answer.citations[0]
    assert citation.quote == "Der aktuelle Irak-Einsatz der NATO läuft seit Oktober 2018."
    assert TEXT[citation.start:citation.end] == citation.quote


def test_abstains_when_the_passages_do_not_cover_the_question(hits):
    answer = answerer().answer("Wer gewann die Bundestagswahl 2021?", hits)
    assert answer.abstained and answer.text == ABSTAIN_TEXT and answer.citations == ()


def test_abstains_when_a_count_is_asked_and_none_is_there(hits):
    # the passage about the evening talks matches every word but states no number
    answer = answerer().answer("Wie viele Minister diskutieren am Abend mit dem EU-Außenbeauftragten?", hits)
    assert answer.abstained
    answer = answerer().answer("Wie viele Ausbilder schulen irakische Militärausbilder?", hits)
    assert not answer.abstained and answer.short_answer == "mehrere hundert"
    answer = answerer().answer("Wie viele Soldaten umfasst die Mission der Nato-Verteidigungsminister?", hits)
    assert not answer.abstained and answer.short_answer == "rund 500"


def test_no_hits_abstains():
    assert answerer().answer("Seit wann läuft der Einsatz?", []).abstained


def test_untyped_question_starts_with_the_quote_not_a_guess(hits):
    answer = answerer().answer("Was wollen die Nato-Verteidigungsminister mit der Mission tun?", hits)
    assert not answer.abstained
    assert answer.text.startswith("„Die Nato-Verteidigungsminister wollen die Mission")


def test_the_sentence_next_to_the_evidence_is_quoted_when_it_nearly_matches(monkeypatch):
    import qa.answer.rules as answering

    text = ("Das Parlament tagt in Edinburgh. Die Hauptaufgabe der Ausschüsse im Parlament besteht darin, "
            "Zeugen zu befragen. Die Ausschüsse prüfen außerdem Gesetzentwürfe der Regierung. Im Sommer ruht die Arbeit.")
    passages = [Hit(c, 1.0, i + 1) for i, c in enumerate(chunk_article(parse_text("p.txt", text, "0" * 16)))]
    question = "Was ist die Hauptaufgabe der Ausschüsse?"
    answer = ExtractiveAnswerer(idf=lambda t: 1.0).answer(question, passages)
    # the runner-up scores ~0.83 of the best: below the general bar (0.85), above the neighbour's (0.7)
    assert [c.quote[:30] for c in answer.citations] == ["Die Hauptaufgabe der Ausschüss", "Die Ausschüsse prüfen außerdem"]
    assert text[answer.citations[1].start:answer.citations[1].end] == answer.citations[1].quote
    monkeypatch.setattr(answering, "NEIGHBOUR_RATIO", 0.9)
    assert len(ExtractiveAnswerer(idf=lambda t: 1.0).answer(question, passages).citations) == 1


def test_a_name_after_a_stripped_noun_loses_its_particle():
    from qa.answer.rules import _strip_known_words

    sentence = "Vor Manning wurde der Rekord von John Elway gehalten."
    start = sentence.index("Rekord")
    assert _strip_known_words(start, "Rekord von John Elway", {"rekord"}) == (sentence.index("John"), "John Elway")
    # a name that starts with its particle keeps it, and so does a one-word rest after a role
    assert _strip_known_words(0, "von der Leyen", {"rekord"}) == (0, "von der Leyen")
    assert _strip_known_words(0, "Premierminister al- Kadhimi", set())[1] == "al- Kadhimi"
