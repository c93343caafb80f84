"""Sentence splitting and chunk packing, with hand-computed offsets."""
from qa.ingest.chunking import chunk_article, split_sentences
from qa.ingest.corpus import parse_text

TEXT = ("Titel\n"                                     # 0..5
        "Erster Satz am 31. März. Zweiter Satz.\n"    # 6..44
        "Dritter Satz folgt hier.")                   # 45..69


def test_sentences_with_offsets_and_german_dates():
    sentences = split_sentences("Die Frist läuft bis 31. März. Danach nicht mehr.", 100)
    assert [s.text for s in sentences] == ["Die Frist läuft bis 31. März.", "Danach nicht mehr."]
    assert (sentences[0].start, sentences[0].end) == (100, 129)
    assert (sentences[1].start, sentences[1].end) == (130, 148)


def test_abbreviations_do_not_split():
    sentences = split_sentences("Am 3. Jan. 2020 traf sich z. B. Dr. Müller mit Prof. Schmidt. Dann ging er.")
    assert len(sentences) == 2


def test_chunks_hand_computed():
    article = parse_text("t.txt", TEXT, "abcdef0123456789")
    chunks = chunk_article(article, chunk_size=100, overlap=0)
    assert len(chunks) == 1
    chunk = chunks[0]
    assert [(s.start, s.end) for s in chunk.sentences] == [(0, 5), (6, 30), (31, 44), (45, 69)]
    assert chunk.text == "Titel\nErster Satz am 31. März. Zweiter Satz.\nDritter Satz folgt hier."
    assert (chunk.start, chunk.end) == (0, 69)
    assert chunk.id == "t.txt:abcdef012345:0"


def test_chunk_size_and_overlap():
    article = parse_text("t.txt", TEXT, "abcdef0123456789")
    chunks = chunk_article(article, chunk_size=40, overlap=1)
    assert [[s.text for s in c.sentences] for c in chunks] == [
        ["Titel", "Erster Satz am 31. März."],
        ["Erster Satz am 31. März.", "Zweiter Satz."],
        ["Zweiter Satz.", "Dritter Satz folgt hier."],
    ]
    assert [c.position for c in chunks] == [0, 1, 2]
    for chunk in chunks:
        for s in chunk.sentences:
            assert TEXT[s.start:s.end] == s.text


def test_ids_are_deterministic_and_versioned():
    article = parse_text("t.txt", TEXT, "abcdef0123456789")
    first = [c.id for c in chunk_article(article, 40, 1)]
    assert first == [c.id for c in chunk_article(article, 40, 1)]
    assert first != [c.id for c in chunk_article(article, 40, 1, version="ffff0000ffff0000")]


def test_overlong_sentence_is_split_under_the_limit():
    text = "wort " * 1000
    article = parse_text("lang.txt", text, "0" * 16)
    chunks = chunk_article(article, chunk_size=700)
    assert all(len(s.text) <= 2000 for c in chunks for s in c.sentences)
    assert all(text[s.start:s.end] == s.text for c in chunks for s in c.sentences)
