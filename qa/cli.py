"""`qa` – Fragen zu den Artikeln im Korpus beantworten, mit Quellenangaben.

    qa ingest [PFAD]            Index aufbauen/aktualisieren
    qa serve                    Weboberfläche und API starten (http://127.0.0.1:7860, /v1)
    qa ask "Frage"              eine Frage beantworten (--json: Batch-Datensatz)
    qa batch IN.jsonl --out OUT.jsonl
    qa eval GOLD.jsonl          Batch laufen lassen und bewerten
    qa eval --squad SET.json    SQuAD-Datensatz auswerten (--baseline, --limit N)

Only this module talks to people on the command line: it translates the
library's QAError into German messages and exit code 1. Heavy imports (torch,
chromadb) happen inside the commands, so `qa --help` stays fast.
"""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from qa.config import Settings
from qa.errors import QAError


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


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
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
        raise GermanError(f"Im Korpusordner {ctx.obj.corpus_dir} liegen keine lesbaren Artikel "
                          "(.txt, .md, .html).")
    click.echo(report.summary())


def _answerer_option():
    from qa.answer import ANSWERERS, choices

    names = ", ".join(f"{name} ({spec.label})" for name, spec in ANSWERERS.items())
    return click.option("--answerer", type=click.Choice(choices()),
                        help=f"Antwortverfahren: {names} oder auto (QA_ANSWERER).")


ANSWERER = _answerer_option()


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Antwort als JSON-Datensatz (wie qa batch).")
@click.option("--source", "sources", multiple=True, help="Nur in diesem Artikel suchen (mehrfach möglich).")
@ANSWERER
@click.pass_context
def ask(ctx, question, as_json, sources, answerer):
    """Eine Frage stellen und die Antwort mit Quellen erhalten."""
    from qa.answer.citations import format_sources
    from qa.pipeline import clean_question
    from qa.records import Answer, Filters

    clean_question(question, ctx.obj.max_question_chars)  # reject bad input before loading models
    pipeline = _pipeline(ctx)
    _ensure_index(pipeline, quiet=as_json)
    filters = Filters(sources=tuple(sources)) if sources else None
    streamed, answer = [], None
    for event in pipeline.stream(question, filters=filters, answerer=answerer):
        if isinstance(event, Answer):
            answer = event
        elif not as_json:
            streamed.append(event)
            click.echo(event, nl=False)
    if as_json:
        click.echo(json.dumps(answer.to_record(), ensure_ascii=False))
        return
    if "".join(streamed).strip() != answer.text.strip():
        click.echo("\n\nGeprüfte Antwort (nur belegte Sätze):")
        click.echo(answer.text, nl=False)
    click.echo()
    if answer.citations:
        click.echo("\nQuellen:")
        click.echo(format_sources(answer.citations))
    for note in answer.notes:
        click.echo(f"Hinweis: {note}", err=True)
    from qa.answer import label

    click.echo(f"\n(Antwort: {label(answer.answerer)}, "
               f"{answer.latency_ms:.0f} ms)", err=True)


@main.command()
@click.argument("infile", type=click.Path(exists=True, dir_okay=False, path_type=Path))
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


@main.command(name="eval")
@click.argument("gold", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--squad", "squad_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="SQuAD-JSON statt Gold-Datei: eigener Korpus (ein Absatz je Datei) und Index auf Zeit.")
@click.option("--baseline", is_flag=True, help="Mit --squad: BM25, Dense und LangChain-Lehrbuch daneben messen.")
@click.option("--limit", type=click.IntRange(min=1), help="Nur N Fragen (bei --squad gleichmäßig verteilt).")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Mit --squad: Ordner für Bericht und Kennzahlen (Standard: reports/eval-NAME/).")
@click.option("--out", "outfile", type=click.Path(dir_okay=False, path_type=Path),
              help="Antworten zusätzlich hier speichern (JSON Lines).")
@click.option("--json", "as_json", is_flag=True, help="Kennzahlen als JSON ausgeben.")
@click.pass_context
def evaluate(ctx, gold, squad_file, baseline, limit, out_dir, outfile, as_json):
    """Eine Gold-Datei (Kennzahlen wie score.py) oder mit --squad einen SQuAD-Datensatz auswerten."""
    if (gold is None) == (squad_file is None):
        raise GermanError("Bitte genau eines angeben: eine Gold-Datei (GOLD.jsonl) oder --squad DATEI.json.")
    if squad_file is not None:
        _evaluate_squad(ctx.obj, squad_file, baseline, limit, out_dir, outfile, as_json)
        return
    if baseline or out_dir:
        raise GermanError("--baseline und --out-dir gibt es nur zusammen mit --squad.")
    import tempfile

    from qa.eval import score
    from qa.eval.batch import as_rows, read_jsonl

    rows = read_jsonl(gold)[:limit]
    pipeline = _pipeline(ctx)
    _ensure_index(pipeline)
    pipeline.warm_up()
    folder = Path(tempfile.mkdtemp(prefix="qa-eval-"))
    target = outfile or folder / "answers.jsonl"
    _write_batch(pipeline, as_rows(rows), target)
    subset = folder / "gold.jsonl"  # the rows asked (all, or the first --limit)
    subset.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    score.main(["score.py", str(subset), str(target)] + (["--json"] if as_json else []))


def _evaluate_squad(settings, squad_file: Path, baseline: bool, limit, out_dir, outfile, as_json) -> None:
    import re

    from qa.eval.report import write_squad_report
    from qa.eval.squad import evaluate_squad, load_squad

    dataset = load_squad(squad_file)
    name = re.sub(r"[^\w.-]+", "-", squad_file.stem).strip("-") or "squad"
    out_dir = out_dir or Path("reports") / f"eval-{name}"
    result = evaluate_squad(settings, dataset, limit=limit, baseline=baseline, progress=True)
    written = write_squad_report(result, out_dir)
    if outfile:
        outfile.parent.mkdir(parents=True, exist_ok=True)
        outfile.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in result["rows"]),
                           encoding="utf-8")
    if as_json:
        click.echo(json.dumps({k: v for k, v in result.items() if k != "rows"}, ensure_ascii=False, indent=1))
    else:
        a = result["answers"]
        click.echo(f"{result['dataset']['questions']} Fragen, {result['dataset']['paragraphs']} Absätze, "
                   f"Index {result['index']['build_seconds']} s")
        for variant, r in result["retrieval"].items():
            click.echo(f"{variant:10s} R@1 {r['recall_at_1']:.3f}  R@5 {r['recall_at_5']:.3f}  "
                       f"R@10 {r['recall_at_10']:.3f}  MRR@10 {r['mrr_at_10']:.3f}")
        click.echo(f"Span EM {a['span_em']:.3f}  F1 {a['span_f1']:.3f}  "
                   f"short_answer EM {a['short_answer_em']:.3f}  F1 {a['short_answer_f1']:.3f}  "
                   f"Antwort enthält Gold {a['answer_contains_gold']:.3f}  Zitat-Treffer {a['citation_hit_rate']:.3f}  "
                   f"Enthaltungen {a['abstention_rate']:.3f}  Latenz p50/p95 {a['latency_ms_p50']}/{a['latency_ms_p95']} ms")
    click.echo(f"Bericht: {written[-1]}", err=True)


@main.command(name="train-reader")
@click.option("--data", "data_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=Path("tests/data/xquad_de/xquad.de.json"), show_default=True,
              help="SQuAD-JSON mit deutschen Fragen (Standard: XQuAD-de, CC BY-SA 4.0).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Ordner für Gewichte und manifest.json (für das Produkt: qa/reader/weights).")
@click.option("--held-out", type=click.IntRange(min=0), default=10, show_default=True,
              help="So viele ganze Artikel zurückhalten und darauf messen (0: alles trainieren).")
@click.option("--method", type=click.Choice(["lora", "full"]), default="lora", show_default=True,
              help="LoRA-Adapter trainieren oder alle Encoder-Schichten feinjustieren.")
@click.option("--epochs", type=click.FloatRange(min=0), default=4.0, show_default=True,
              help="Epochen der ersten Phase (nur Fenster mit Antwort).")
@click.option("--null-epochs", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Epochen der zweiten Phase (alle Fenster, auch ohne Antwort).")
@click.option("--lr", type=float, help="Lernrate der ersten Phase (Standard: LoRA 1e-3, voll 3e-4).")
@click.option("--seed", type=int, default=13, show_default=True)
@click.pass_context
def train_reader(ctx, data_path, out_dir, held_out, method, epochs, null_epochs, lr, seed):
    """Das Lesemodell trainieren (CPU, fp32; etwa 20–40 Minuten auf 2 Kernen)."""
    from qa.reader.train import TrainConfig, train_reader as train

    rates = {"lr": lr or 1e-3, "null_lr": 2e-4} if method == "lora" else {"lr": lr or 3e-4, "null_lr": 5e-5}
    config = TrainConfig(method=method, epochs=epochs, null_epochs=null_epochs, held_out=held_out, seed=seed, **rates)
    figures = train(data_path, out_dir, config, ctx.obj.cache_dir, progress=True)
    figures.pop("held_out_titles", None)
    click.echo(json.dumps(figures, ensure_ascii=False, indent=1))
    click.echo(f"Gewichte: {out_dir / 'reader.safetensors'}", err=True)


@main.command(name="calibrate-reader")
@click.option("--weights", "weights_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              required=True, help="Gewichte eines Trainings mit zurückgehaltenen Artikeln (qa train-reader --held-out N).")
@click.option("--data", "data_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=Path("tests/data/xquad_de/xquad.de.json"), show_default=True)
@click.option("--held-out", type=click.IntRange(min=1), default=10, show_default=True,
              help="Dieselbe Zahl zurückgehaltener Artikel wie beim Training (gleicher Seed: dieselben Artikel).")
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--into", "target", type=click.Path(file_okay=False, path_type=Path),
              help="calibration.json zusätzlich hierhin schreiben (z. B. qa/reader/weights).")
@click.option("--gold", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Zusätzlich die Fragen dieser Gold-Datei (Format von ../shared/eval) über --gold-corpus.")
@click.option("--gold-corpus", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("corpus"),
              show_default=True)
@click.pass_context
def calibrate_reader(ctx, weights_dir, data_path, held_out, seed, target, gold, gold_corpus):
    """Die Konfidenz des Lesemodells auf zurückgehaltenen Artikeln kalibrieren (Ende-zu-Ende)."""
    import shutil

    from qa.reader.calibrate import calibrate
    from qa.reader.data import load_questions, split_by_article

    from dataclasses import asdict

    _, held = split_by_article(load_questions(data_path), held_out, seed)
    result = calibrate(ctx.obj, data_path, weights_dir, {q.title for q in held}, seed, gold=gold, gold_corpus=gold_corpus)
    click.echo(json.dumps(asdict(result), ensure_ascii=False, indent=1))
    if target:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(weights_dir / "calibration.json", target / "calibration.json")


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


if __name__ == "__main__":
    main()
