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


# -- a cap on chunks per file -------------------------------------------------------------------
def test_a_file_beyond_the_cap_is_cut_with_a_warning_naming_it():
    from qa.ingest.chunking import chunk_file

    text = "Der Minister sprach in Berlin über die Lage im Irak. " * 400  # one line, ~21 KB
    article = parse_text("lang.txt", text, "abcdef0123456789")
    full = chunk_article(article, chunk_size=200, overlap=1)
    cut, warning = chunk_file(article, chunk_size=200, overlap=1, max_chunks=10)
    assert len(full) > 100 and cut == full[:10]
    assert warning.startswith("lang.txt: nur die ersten 10 Abschnitte eingelesen") and "QA_MAX_CHUNKS_PER_FILE" in warning
    assert chunk_file(article, chunk_size=200, overlap=1, max_chunks=len(full)) == (full, None)


def test_ingest_reports_the_cut_file_and_a_new_cap_reindexes(tmp_path, monkeypatch):
    """`qa ingest` with QA_MAX_CHUNKS_PER_FILE: the long file is indexed up to the cap, the report
    names it in German; the seed articles are untouched by the cap."""
    import shutil

    from click.testing import CliRunner

    from conftest import CORPUS, FakeEmbedder
    from qa import cli as cli_module
    from qa.cli import questions
    from qa.pipeline import Pipeline
    from qa.store.chroma import ChromaStore

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "990_einzeilig.txt").write_text("Die Nato beriet in Brüssel über die Mission im Irak. " * 600,
                                             encoding="utf-8")
    embedder = FakeEmbedder()
    monkeypatch.setattr(questions, "_pipeline", lambda ctx: Pipeline(ctx.obj, embedder=embedder))
    env = {"QA_CORPUS_DIR": str(corpus), "QA_VECTORSTORE_DIR": str(tmp_path / "vs"), "QA_MAX_CHUNKS_PER_FILE": "12"}
    result = CliRunner().invoke(cli_module.main, ["ingest"], env=env)
    assert result.exit_code == 0, result.output
    assert "Warnung: 990_einzeilig.txt: nur die ersten 12 Abschnitte eingelesen" in result.output
    from qa.config import Settings

    settings = Settings(corpus_dir=corpus, vectorstore_dir=tmp_path / "vs", max_chunks_per_file=12)
    records = ChromaStore(settings, embedder).file_records()
    assert records["990_einzeilig.txt"].chunks == 12 and all(r.chunks < 12 for s, r in records.items()
                                                            if s != "990_einzeilig.txt")
    again = CliRunner().invoke(cli_module.main, ["ingest"], env={**env, "QA_MAX_CHUNKS_PER_FILE": "20"})
    assert "Warnung: 990_einzeilig.txt: nur die ersten 20 Abschnitte" in again.output
    assert ChromaStore(settings, embedder).file_records()["990_einzeilig.txt"].chunks == 20
