"""`qa ingest`, `qa ask`, `qa batch`, `qa serve`: the commands people answer questions with."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from qa.cli.group import GermanError, _ensure_index, _pipeline, main

LOADING = "Modelle werden geladen …"
"""Said on stderr before the models load, so that the seconds until the answer are not silent."""


@main.command()
@click.argument("path", required=False, metavar="[PFAD]", type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Index komplett neu aufbauen.")
@click.pass_context
def ingest(ctx, path, rebuild):
    """Artikel einlesen und den Index aufbauen oder aktualisieren."""
    if path is not None:
        ctx.obj = ctx.obj.with_(corpus_dir=path)
    pipeline = _pipeline(ctx)
    report = pipeline.ingest(rebuild=rebuild)
    for source, reason in report.skipped:
        click.echo(f"Warnung: {reason}", err=True)
    if not report.added and not report.updated and not report.unchanged:
        from qa.ingest.formats import format_names

        raise GermanError(f"Im Korpusordner {ctx.obj.corpus_dir} liegen keine lesbaren Artikel "
                          f"({', '.join(format_names())}).")
    click.echo(report.summary())


def _answerer_option():
    from qa.answer import ANSWERERS, choices

    names = ", ".join(f"{name} ({spec.label})" for name, spec in ANSWERERS.items())
    return click.option("--answerer", type=click.Choice(choices()),
                        help=f"Antwortverfahren: {names} oder auto (QA_ANSWERER).")


ANSWERER = _answerer_option()


@main.command()
@click.argument("question", metavar="FRAGE")
@click.option("--json", "as_json", is_flag=True, help="Antwort als JSON-Datensatz (wie qa batch).")
@click.option("--source", "sources", multiple=True, help="Nur in diesem Artikel suchen (mehrfach möglich).")
@click.option("--ignore-question-time", is_flag=True,
              help="Eine Zeitangabe der Frage („im Februar 2020“, „zuletzt“) nicht zur Bevorzugung von Artikeln nutzen.")
@ANSWERER
@click.pass_context
def ask(ctx, question, as_json, sources, ignore_question_time, answerer):
    """Eine Frage stellen und die Antwort mit Quellen erhalten."""
    from qa.answer.citations import format_sources
    from qa.pipeline import clean_question
    from qa.answer.base import Streamed
    from qa.filters import make_filters

    clean_question(question, ctx.obj.max_question_chars)  # reject bad input before loading models
    click.echo(LOADING, err=True)  # ~4 s on 2 cores: encoder, index, reader
    if ctx.obj.inference == "auto":  # one question per process: a start without torch (qa/embedding/cpu.py)
        ctx.obj = ctx.obj.replace(inference="onnx")
    pipeline = _pipeline(ctx)
    _ensure_index(pipeline, quiet=as_json)
    pipeline.warm_up(answerer)
    filters = make_filters(sources, question_time=not ignore_question_time)
    stream = Streamed(pipeline.stream(question, filters=filters, answerer=answerer))
    for delta in stream:
        if not as_json:
            click.echo(delta, nl=False)
    answer = stream.answer
    if as_json:
        from qa.answer.record import answer_record

        click.echo(json.dumps(answer_record(answer), ensure_ascii=False))
        return
    if stream.text.strip() != answer.text.strip():
        click.echo("\n\nGeprüfte Antwort (nur belegte Sätze):")
        click.echo(answer.text, nl=False)
    click.echo()
    if answer.citations:
        click.echo("\nQuellen:")
        click.echo(format_sources(answer.citations))
    if answer.understood_as:
        click.echo(f"Verstanden als: {answer.understood_as}", err=True)
    for note in answer.notes:
        click.echo(f"Hinweis: {note}", err=True)
    if answer.question_time is not None:
        from qa.dates import describe_time

        click.echo(f"Zeit aus der Frage: {describe_time(answer.question_time)} – Artikel aus dieser Zeit werden "
                   "bevorzugt, andere nicht ausgeschlossen (abschalten: --ignore-question-time).", err=True)
    from qa.answer import label

    click.echo(f"\n(Antwort: {label(answer.answerer)}, "
               f"{answer.latency_ms:.0f} ms)", err=True)


@main.command()
@click.argument("infile", metavar="FRAGEN.jsonl", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "outfile", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Ausgabedatei (JSON Lines).")
@ANSWERER
@click.pass_context
def batch(ctx, infile, outfile, answerer):
    """Fragen aus einer JSONL-Datei beantworten (Format: ../shared/eval/README.md).

    Jede Zeile bekommt einen Datensatz; eine fehlerhafte Zeile einen mit „error“. Die Ausgabe
    wird erst am Ende an ihren Platz gelegt (eine abgebrochene Ausführung lässt sie unverändert)."""
    from qa.eval.batch import id_warnings, read_rows

    ctx.obj = ctx.obj.with_(answerer=answerer)
    rows = read_rows(infile)
    for warning in id_warnings(rows) + [row.problem for row in rows if row.problem]:
        click.echo(f"Warnung: {warning}", err=True)
    click.echo(LOADING, err=True)
    pipeline = _pipeline(ctx)
    _ensure_index(pipeline)
    pipeline.warm_up()  # models load before the first question's clock starts
    records = _write_batch(pipeline, rows, outfile)
    failed = [r["line"] for r in records if "error" in r]
    click.echo(f"{len(records)} Antworten geschrieben: {outfile}"
               + (f" ({len(failed)} mit Fehler: Zeile {', '.join(map(str, failed))})" if failed else ""), err=True)


def _write_batch(pipeline, rows, outfile: Path) -> list[dict]:
    """Answer the rows (`qa.eval.batch.BatchRow`) and write the records atomically."""
    from tqdm import tqdm

    from qa.eval.batch import answer_rows, write_records

    records = []
    progress = tqdm(answer_rows(pipeline, rows), total=len(rows), desc="Fragen", unit="Frage",
                    disable=len(rows) < 20, file=sys.stderr)
    write_records((records.append(r) or r for r in progress), outfile)
    return records



@main.command()
@click.option("--host", help="Adresse (QA_HOST; Standard 127.0.0.1, andere Adressen nur mit Passwort).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (QA_PORT; Standard 7860).")
@click.option("--password", help="Passwort für die Anmeldung (QA_UI_PASSWORD); Benutzername: QA_UI_USER oder „qa“.")
@click.pass_context
def serve(ctx, host, port, password):
    """Weboberfläche und API starten (baut oder aktualisiert zuerst den Index).

    Die OpenAI-kompatible API liegt unter /v1 auf demselben Port; mit QA_API_KEY verlangt sie
    diesen Schlüssel (außerhalb von 127.0.0.1 ist er Pflicht)."""
    from qa.app.serve import check_serve, launch

    settings = ctx.obj = ctx.obj.with_(host=host, port=port, ui_password=password)
    check_serve(settings)
    pipeline = _pipeline(ctx)
    click.echo("Index wird geprüft …")
    report = pipeline.ensure_index(progress=True, on_wait=lambda message: click.echo(f"Hinweis: {message}"))
    click.echo(report.summary() if report else "Index ist aktuell.")
    for _, reason in report.skipped if report else ():
        click.echo(f"Warnung: {reason}", err=True)
    try:
        app = launch(settings, pipeline=pipeline, block=False)
    except OSError as exc:  # port taken, address not available
        raise GermanError(f"Die Oberfläche kann nicht auf {settings.host}:{settings.port} starten – ist der Port "
                          "belegt? Einen anderen mit --port oder QA_PORT wählen.") from exc
    click.echo(f"Oberfläche: http://{settings.host}:{settings.port} · API: http://{settings.host}:{settings.port}/v1"
               f"{' (mit Schlüssel)' if settings.api_key else ''} (beenden mit Strg+C)")
    app.block_thread()
