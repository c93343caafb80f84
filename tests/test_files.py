"""Corpus files on disk: real symbolic links out of the corpus, byte order marks, empty files,
files that cannot be read after the ingest, trafilatura's log (fake embedder)."""
import codecs
import logging
import os
import subprocess
import sys
import textwrap

import pytest

from qa.errors import CorpusError
from qa.ingest.corpus import read_article
from qa.ingest.indexer import ingest
from qa.answer.record import answer_record

SECRET = "root:x:0:0:root:/root:/bin/bash"
TEXT = "Die Nato kündigte am Freitag in Brüssel eine neue Ausbildungsmission für den Irak an."


@pytest.fixture
def outside(tmp_path):
    folder = tmp_path / "draußen"
    (folder / "ordner").mkdir(parents=True)
    (folder / "passwd").write_text(SECRET + "\n", encoding="utf-8")
    (folder / "ordner" / "geheim.txt").write_text(SECRET + "\n", encoding="utf-8")
    return folder


def served_texts(settings, embedder) -> str:
    from qa.retrieval.hybrid import Retriever
    from qa.store.chroma import ChromaStore

    return "\n".join(c.text for c in Retriever(settings, embedder, ChromaStore(settings, embedder)).keyword.chunks)


def test_links_out_of_the_corpus_are_refused_and_reported(settings, fake_embedder, outside):
    from qa.pipeline import Pipeline

    corpus = settings.corpus_dir
    (corpus / "x.txt").symlink_to(outside / "passwd")
    (corpus / "ordner").symlink_to(outside / "ordner", target_is_directory=True)
    (corpus / "schleife.txt").symlink_to(corpus / "schleife.txt")
    (corpus / "intern.txt").symlink_to(corpus / "000_955454e9edcba319.txt")  # stays inside: allowed

    report = ingest(settings, fake_embedder, progress=False)
    reasons = dict(report.skipped)
    assert set(reasons) == {"x.txt", "ordner", "schleife.txt"}
    assert "Verknüpfung nach" in reasons["x.txt"] and "außerhalb des Korpusordners" in reasons["x.txt"]
    assert reasons["ordner"].startswith("Der Ordner ordner ist eine Verknüpfung")
    assert "intern.txt" in report.added and len(report.added) == 6
    assert "root:x:0:0" not in served_texts(settings, fake_embedder)  # was: quoted with a citation
    pipeline = Pipeline(settings, embedder=fake_embedder)
    assert "x.txt" not in {r.source for r in pipeline.articles()}
    with pytest.raises(CorpusError, match="nicht im Korpus"):
        pipeline.article("x.txt")
    assert pipeline.index_is_current()  # refused links do not make every question re-ingest


def test_a_file_replaced_by_a_link_after_the_ingest_is_never_read(settings, fake_embedder, outside):
    from qa.pipeline import Pipeline

    ingest(settings, fake_embedder, progress=False)
    victim = settings.corpus_dir / "001_6d1949913e7253d0.txt"
    victim.unlink()
    victim.symlink_to(outside / "passwd")
    with pytest.raises(CorpusError, match="außerhalb des Korpusordners"):
        read_article(victim, settings.corpus_dir)
    pipeline = Pipeline(settings, embedder=fake_embedder)
    with pytest.raises(CorpusError, match="nicht im Korpus"):
        pipeline.article(victim.name)  # the viewer
    assert not pipeline.index_is_current()
    report = pipeline.ingest(progress=False)
    assert report.removed == [victim.name] and victim.name in dict(report.skipped)
    assert "root:x:0:0" not in served_texts(settings, fake_embedder)


@pytest.mark.parametrize("encoding, data", [
    ("utf-16-le", codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")),
    ("utf-16-be", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")),
    ("utf-32-le", codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le")),
    ("utf-32-be", codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be")),
])
def test_utf16_and_utf32_with_a_byte_order_mark_are_text(tmp_path, encoding, data):
    (tmp_path / "artikel.txt").write_bytes(data)
    article = read_article(tmp_path / "artikel.txt", tmp_path)  # was: "keine Textdatei"
    assert article.source_text == TEXT and article.segments == ((0, len(TEXT)),)


@pytest.mark.parametrize("content", [b"", b"  \n\n\t\n", codecs.BOM_UTF8])
def test_an_empty_file_is_refused_with_a_warning_and_not_listed(settings, fake_embedder, content):
    from qa.pipeline import Pipeline

    (settings.corpus_dir / "leer.txt").write_bytes(content)
    report = ingest(settings, fake_embedder, progress=False)
    assert dict(report.skipped) == {"leer.txt": "Die Datei leer.txt ist leer und wird übersprungen."}
    assert "leer.txt" not in report.added
    assert "leer.txt" not in {r.source for r in Pipeline(settings, embedder=fake_embedder).articles()}


class CitingAnswerer:
    """Cites the first sentence of the best hit, whatever the question (plumbing only)."""

    name = "zitiert"

    def stream(self, question, hits, context):
        from qa.records import Answer, Citation

        chunk = hits[0].chunk
        sentence = chunk.sentences[0]
        citation = Citation(number=1, source=chunk.source, chunk_id=chunk.id, quote=sentence.text,
                            start=sentence.start, end=sentence.end)
        yield Answer(text=f"{sentence.text} [1]", short_answer=None, abstained=False, citations=(citation,),
                     hits=tuple(hits), answerer=self.name)


def test_a_file_unreadable_since_the_ingest_is_not_served_silently(settings, fake_embedder, monkeypatch):
    from qa.answer import ANSWERERS, Spec
    from qa.ingest import scan
    from qa.pipeline import Pipeline

    monkeypatch.setitem(ANSWERERS, "zitiert", Spec("Zitiert", lambda settings: CitingAnswerer()))
    pipeline = Pipeline(settings, embedder=fake_embedder)
    pipeline.ingest(progress=False)
    question = "Wie viele Mitglieder zählt die Koalition gegen den IS?"
    cited = pipeline.ask(question, answerer="zitiert").citations[0].source
    (settings.corpus_dir / cited).unlink()

    answer = pipeline.ask(question, answerer="zitiert")
    assert answer.citations[0].source == cited
    assert answer.notes == (f"Die Datei {cited} kann nicht gelesen werden (sie ist nicht mehr vorhanden). "
                            "Das Zitat [1] stammt aus dem Index und lässt sich im Artikel nicht mehr prüfen.",)
    assert answer_record(answer, "q")["notes"] == list(answer.notes)  # batch records say so too
    with pytest.raises(CorpusError, match="nicht mehr vorhanden"):
        pipeline.article(cited)  # the viewer

    # a file that is still there but cannot be read (as root, permissions do not stop reading)
    other = next(r.source for r in pipeline.articles() if r.source != cited)
    real_read = scan.read_corpus_file

    def refuse(path, corpus, limit=None):
        if path.name == other:
            raise PermissionError(13, "Permission denied")
        return real_read(path, corpus, limit)

    monkeypatch.setattr(scan, "read_corpus_file", refuse)
    monkeypatch.setattr("qa.ingest.corpus.read_corpus_file", refuse)
    (settings.corpus_dir / other).touch()  # a new mtime: the scan reads it again
    assert not pipeline.index_is_current()
    report = pipeline.ingest(progress=False)
    assert report.withdrawn == [other] and "keine Leseberechtigung" in dict(report.skipped)[other]
    assert other not in {r.source for r in pipeline.articles()}
    assert other not in {h.chunk.source for h in pipeline.ask(question, answerer="zitiert").hits}
    assert pipeline.index_is_current()  # withdrawn: no ingest on every question
    monkeypatch.undo()
    fixed = pipeline.ingest(progress=False)  # readable again: back in the index
    assert other in fixed.updated or other in fixed.added


def test_trafilatura_log_lines_do_not_reach_stderr(tmp_path):
    (tmp_path / "leer.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "seite.html").write_text("<html><body><p>" + TEXT + "</p></body></html>", encoding="utf-8")
    script = textwrap.dedent(f"""
        import logging
        logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")  # as the CLI does
        from pathlib import Path
        from qa.errors import CorpusError
        from qa.ingest.corpus import read_article
        folder = Path({str(tmp_path)!r})
        print(read_article(folder / "seite.html", folder).source_text)
        try:
            read_article(folder / "leer.html", folder)
        except CorpusError as exc:
            print(exc)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert TEXT in run.stdout and "keinen erkennbaren Artikeltext" in run.stdout
    assert run.stderr == ""  # was: "trafilatura.core: discarding data: None" and the like
