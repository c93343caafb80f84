"""Synthetic cloze questions for the reader's warm-up phase (qa.training.cloze)."""
from qa.training.cloze import candidates, cloze_questions

PARAGRAPH = ("Der Siebenjährige Krieg begann im Jahr 1756 in Europa. Preußen verlor dabei 180.000 Soldaten "
             "in zahlreichen Schlachten. Friedrich der Große führte die Armee am 5. November 1757 bei Roßbach.")


def test_spans_are_dates_numbers_and_names():
    from qa.ingest.chunking import split_sentences

    found = [[(word, s.text[a:b]) for word, a, b in candidates(s.text)] for s in split_sentences(PARAGRAPH)]
    assert found[0][:2] == [("Wann", "1756"), ("Wer oder was", "Siebenjährige Krieg")]
    assert found[1][0] == ("Wie viele", "180.000")
    assert found[2][0] == ("Wann", "5. November 1757")


def test_questions_point_at_their_span_in_the_paragraph():
    questions = cloze_questions([("Krieg", PARAGRAPH)], seed=3)
    assert len(questions) == 3  # one per sentence
    for q in questions:
        start = q.starts[0]
        assert PARAGRAPH[start:start + len(q.answers[0])] == q.answers[0]
        assert q.answers[0] not in q.question  # the span is what is asked for, not given
        assert q.question.endswith("?") and q.question.split()[0] in ("Wann", "Wie", "Wer", "Was")
    assert cloze_questions([("Krieg", PARAGRAPH)], seed=3) == questions  # fixed seed, same questions
