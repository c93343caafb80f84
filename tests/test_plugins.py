"""Extension slots open to other packages (qa.plugins): a toy distribution, written as a module plus
its dist-info with entry_points.txt into a folder on the path (what pip installs, offline and in
milliseconds), brings a corpus format (.rst) and an answerer; `qa` sees both, lazily, once, and a
broken plugin or one that takes a built-in name is left out with a German warning."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qa.plugins import Registry

TOY = '''
"""A toy plugin of qa-de: reStructuredText articles, and an answerer that names the articles it found."""
from dataclasses import replace

from qa.answer import Spec
from qa.ingest.cleaning import decode_text, parse_text
from qa.records import Answer


def read_rst(source, data, digest):
    text = decode_text(data, source)
    article = parse_text(source, text, digest)
    lines = [(a, b) for a, b in article.segments if set(text[a:b]) - set("=-~")]  # underlines are no text
    title = text[lines[0][0]:lines[0][1]] if lines else None
    return replace(article, segments=tuple(lines[1:]), title=title)


class Titles:
    name = "titel"

    def __init__(self, settings):
        self.settings = settings

    def stream(self, question, hits, context):
        text = "Artikel: " + ", ".join(dict.fromkeys(h.chunk.title or h.chunk.source for h in hits[:3]))
        yield text
        yield Answer(text, None, not hits, (), tuple(hits), self.name)


TITLES = Spec("Titel (Beispiel)", Titles)
'''

ENTRY_POINTS = """\
[qa_de.formats]
rst = qa_toy_plugin:read_rst

[qa_de.answerers]
titel = qa_toy_plugin:TITLES
extractive = qa_toy_plugin:TITLES

[qa_de.rerankers]
kaputt = qa_toy_plugin_fehlt:Reranker
"""

RST = """Treffen in München
==================

Josep Borrell ist der neue EU-Außenbeauftragte und traf die Minister in München.
"""


def install_toy(folder: Path) -> Path:
    """The toy distribution as pip would leave it in site-packages: module and dist-info."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "qa_toy_plugin.py").write_text(TOY, encoding="utf-8")
    info = folder / "qa_toy_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: qa-toy-plugin\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(ENTRY_POINTS, encoding="utf-8")
    return folder


@pytest.fixture
def toy(tmp_path, monkeypatch) -> Path:
    folder = install_toy(tmp_path / "site")
    monkeypatch.syspath_prepend(str(folder))
    return folder


def test_qa_sees_the_plugins_format_and_answerer(toy, tmp_path):
    """A fresh `qa` process with the toy distribution installed: the folder listing, the reader,
    the answerer choices and the CLI's help all take them from the registries."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "treffen.rst").write_text(RST, encoding="utf-8")
    (corpus / "notiz.txt").write_text("Ein Satz über das Treffen der Minister in München.\n", encoding="utf-8")
    code = textwrap.dedent(f"""
        from pathlib import Path
        from qa.ingest import formats
        from qa.ingest.corpus import read_article
        from qa.ingest.files import iter_corpus_files
        assert not formats.FORMATS._loaded  # lazily: importing reads no entry points
        corpus = Path({str(corpus)!r})
        print(sorted(p.name for p in iter_corpus_files(corpus)))
        print(formats.format_names())
        article = read_article(corpus / "treffen.rst", corpus)
        print(article.title, "|", article.clean_text)
        from qa.answer import ANSWERERS, choices, label
        print(choices(), label("titel"), ANSWERERS["extractive"].label)
        from qa.retrieval.rerank import RERANKERS
        print(sorted(RERANKERS))
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(toy), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "['notiz.txt', 'treffen.rst']"
    assert lines[1] == "('.txt', '.md', '.html', '.rst')"
    assert lines[2] == "Treffen in München | Josep Borrell ist der neue EU-Außenbeauftragte und traf die Minister in München."
    assert lines[3] == "('extractive', 'llm', 'titel', 'auto') Titel (Beispiel) Extraktiv"  # a built-in name stays
    assert lines[4] == "['diversify', 'none']"  # a plugin that cannot be loaded is left out
    assert "Erweiterung qa_toy_plugin:TITLES (qa_de.answerers) nicht geladen: der Name extractive ist schon vergeben." \
        in run.stderr
    assert "Erweiterung qa_toy_plugin_fehlt:Reranker (qa_de.rerankers) konnte nicht geladen werden" in run.stderr
    cli = subprocess.run([sys.executable, "-m", "qa.cli", "ask", "--help"], capture_output=True, text=True, env=env,
                         timeout=120)
    assert "titel (Titel (Beispiel))" in " ".join(cli.stdout.split()), cli.stdout + cli.stderr


def test_the_plugins_format_and_answerer_through_the_pipeline(toy, monkeypatch, settings, fake_embedder):
    """Ingest a .rst article and answer with the plugin's answerer (registries read afresh here)."""
    from qa import answer
    from qa.ingest import formats
    from qa.pipeline import Pipeline

    for registry in (formats.FORMATS, answer.ANSWERERS):  # read the entry points again (undone after the test)
        monkeypatch.setattr(registry, "_entries", dict(registry._entries))
        monkeypatch.setattr(registry, "_loaded", False)
    (settings.corpus_dir / "treffen.rst").write_text(RST, encoding="utf-8")
    pipeline = Pipeline(settings.replace(answerer="titel"), embedder=fake_embedder)
    report = pipeline.ingest(progress=False)
    assert "treffen.rst" in report.added and len(report.added) == 6
    reply = pipeline.ask("Wer traf die Minister in München?")
    assert reply.answerer == "titel" and reply.text.startswith("Artikel: ")
    assert "Treffen in München" in reply.text  # the .rst article, found and titled by the plugin's reader
    assert {r.source: r.title for r in pipeline.articles()}["treffen.rst"] == "Treffen in München"


def test_entry_points_are_read_once_and_only_when_read(toy, monkeypatch):
    from qa import plugins

    calls = []
    real = plugins.entry_points
    monkeypatch.setattr(plugins, "entry_points", lambda group: calls.append(group) or real(group=group))
    registry = Registry("qa_de.formats", {".txt": "eingebaut"}, normalise=lambda name: f".{name}")
    registry[".neu"] = "gesetzt"  # writing reads nothing
    assert calls == []
    assert ".rst" in registry and registry[".txt"] == "eingebaut" and list(registry) == [".txt", ".neu", ".rst"]
    assert len(registry) == 3 and calls == ["qa_de.formats"]
