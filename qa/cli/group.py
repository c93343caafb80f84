"""The `qa` command group: the global options that make the Settings, the translation of the
library's QAError into German messages and exit code 1, and the helpers the commands share
(`_pipeline`, `_ensure_index`, `GermanError`).

The commands (qa.cli.questions, qa.cli.evaluation) import this module and register themselves on
`main`; the package (qa.cli) imports them and is what `qa` runs.
"""
from __future__ import annotations

import logging
from pathlib import Path

import click

from qa.cli.german import install

install()  # Click's own texts in German, before any command is declared

from qa.config import Settings  # noqa: E402
from qa.errors import QAError  # noqa: E402


class GermanError(click.ClickException):
    """A ClickException that prints "Fehler: …" instead of "Error: …"."""

    def show(self, file=None) -> None:
        click.echo(f"Fehler: {self.format_message()}", err=True)


def _check_names(settings: Settings) -> None:
    """The registries judge the names the settings give (answerer, reranker, store): an unknown
    one is refused before any command starts (imported here, not at the top: `qa --help` stays fast)."""
    from qa.answer import check as check_answerer
    from qa.retrieval.rerank import check as check_reranker
    from qa.store import check as check_store

    check_answerer(settings.answerer)
    check_reranker(settings.reranker)
    check_store(settings.store)


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
HELP = "`qa` – Fragen zu den Artikeln im Korpus beantworten, mit Quellenangaben."


@click.group(cls=QAGroup, help=HELP, context_settings=CONTEXT)
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
        _check_names(settings)
    except QAError as exc:
        raise GermanError(str(exc)) from exc
    ctx.obj = settings
