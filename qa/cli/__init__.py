"""`qa` – Fragen zu den Artikeln im Korpus beantworten, mit Quellenangaben.

    qa ingest [PFAD]            Index aufbauen/aktualisieren
    qa serve                    Weboberfläche und API starten (http://127.0.0.1:7860, /v1)
    qa ask "Frage"              eine Frage beantworten (--json: Batch-Datensatz)
    qa batch IN.jsonl --out OUT.jsonl
    qa eval GOLD.jsonl          Batch laufen lassen und bewerten
    qa eval --squad SET.json    SQuAD-Datensatz auswerten (--baseline, --limit N)
    qa train-reader / qa calibrate-reader   das Lesemodell trainieren und kalibrieren

This package is the only place that talks to people on the command line, in German, Click's
own texts included (`german`): the group here translates the library's QAError into German
messages and exit code 1; the commands live in
`questions` (ingest, ask, batch, serve) and `evaluation` (eval, train-reader, calibrate-reader).
Heavy imports (torch, chromadb) happen inside the commands, so `qa --help` stays fast.
"""
from __future__ import annotations

import logging
from pathlib import Path

import click

from qa.cli.german import install, name_placeholders

install()  # Click's own texts in German, before any command is declared

from qa.config import Settings  # noqa: E402
from qa.errors import QAError  # noqa: E402


class GermanError(click.ClickException):
    """A ClickException that prints "Fehler: …" instead of "Error: …"."""

    def show(self, file=None) -> None:
        click.echo(f"Fehler: {self.format_message()}", err=True)


def _pipeline(ctx: click.Context):
    from qa.pipeline import Pipeline

    return Pipeline(ctx.obj)


def _ensure_index(pipeline, quiet: bool = False) -> None:
    report = pipeline.ensure_index(on_wait=lambda message: click.echo(f"Hinweis: {message}", err=True))
    if report is not None and report.busy:  # another process writes the index: said even with --json
        click.echo(f"Hinweis: {report.busy}", err=True)
    elif report is not None and not quiet:
        click.echo(report.summary(), err=True)
        for source, reason in report.skipped:
            click.echo(f"Warnung: {reason}", err=True)


class QAGroup(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except QAError as exc:
            raise GermanError(str(exc)) from exc


CONTEXT = {"help_option_names": ["-h", "--help"]}


@click.group(cls=QAGroup, help=__doc__.split("\n\n")[0], context_settings=CONTEXT)
@click.help_option("-h", "--help", help="Diese Hilfe anzeigen.")
@click.option("--corpus-dir", type=click.Path(path_type=Path), help="Ordner mit den Artikeln (QA_CORPUS_DIR).")
@click.option("--vectorstore-dir", type=click.Path(path_type=Path), help="Ordner des Index (QA_VECTORSTORE_DIR).")
@click.option("--chroma-host", help="Chroma-Server statt lokalem Ordner (QA_CHROMA_HOST).")
@click.option("--chroma-port", type=int, help="Port des Chroma-Servers (QA_CHROMA_PORT).")
@click.option("--embedding-model", help="Einbettungsmodell: Name oder Pfad (QA_EMBEDDING_MODEL).")
@click.option("-v", "--verbose", is_flag=True, help="Ausführliche Protokollausgabe.")
@click.pass_context
def main(ctx, corpus_dir, vectorstore_dir, chroma_host, chroma_port, embedding_model, verbose):
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(name)s: %(message)s")
    try:
        settings = Settings.from_env().with_(corpus_dir=corpus_dir, vectorstore_dir=vectorstore_dir,
                                             chroma_host=chroma_host, chroma_port=chroma_port,
                                             embedding_model=embedding_model)
    except QAError as exc:
        raise GermanError(str(exc)) from exc
    ctx.obj = settings


# the commands register themselves on `main`
from qa.cli import evaluation, questions  # noqa: E402,F401  pyflakes: registered by import

name_placeholders(main)
