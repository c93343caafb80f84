"""`qa` – Fragen zu den Artikeln im Korpus beantworten, mit Quellenangaben.

    qa ingest [PFAD]            Index aufbauen/aktualisieren
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
    report = pipeline.ensure_index()
    if report is not None and not quiet:
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


ANSWERER = click.option("--answerer", type=click.Choice(["extractive", "llm", "auto"]),
                        help="Antwortverfahren: extraktiv, lokales Sprachmodell oder auto (QA_ANSWERER).")
ANSWERER_NAMES = {"extractive": "extraktiv", "llm": "Sprachmodell"}


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Antwort als JSON-Datensatz (wie qa batch).")
@click.option("--source", "sources", multiple=True, help="Nur in diesem Artikel suchen (mehrfach möglich).")
@ANSWERER
@click.pass_context
def ask(ctx, question, as_json, sources, answerer):
    """Eine Frage stellen und die Antwort mit Quellen erhalten."""
    from qa.citations import format_sources
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
    click.echo(f"\n(Antwort: {ANSWERER_NAMES.get(answer.answerer, answer.answerer)}, "
               f"{answer.latency_ms:.0f} ms)", err=True)


@main.command()
@click.argument("infile", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "outfile", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Ausgabedatei (JSON Lines).")
@ANSWERER
@click.pass_context
def batch(ctx, infile, outfile, answerer):
    """Fragen aus einer JSONL-Datei beantworten (Format: ../shared/eval/README.md)."""
    from qa.evaluation import read_jsonl

    ctx.obj = ctx.obj.with_(answerer=answerer)
    rows = read_jsonl(infile)
    pipeline = _pipeline(ctx)
    _ensure_index(pipeline)
    pipeline.warm_up()
    if pipeline.answerer_for() == "llm":
        pipeline.generative()  # load the model before the first question's clock starts
    count = _write_batch(pipeline, rows, outfile)
    click.echo(f"{count} Antworten geschrieben: {outfile}", err=True)


def _write_batch(pipeline, rows, outfile: Path) -> int:
    from tqdm import tqdm

    from qa.evaluation import run_batch

    outfile.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(outfile, "w", encoding="utf-8") as f:
        for record in tqdm(run_batch(pipeline, rows), total=len(rows), desc="Fragen", unit="Frage",
                           disable=len(rows) < 20, file=sys.stderr):
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


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

    from qa.evaluation import format_score, read_jsonl, score_gold

    rows = read_jsonl(gold)[:limit]
    pipeline = _pipeline(ctx)
    _ensure_index(pipeline)
    pipeline.warm_up()
    target = outfile or Path(tempfile.mkdtemp(prefix="qa-eval-")) / "answers.jsonl"
    _write_batch(pipeline, rows, target)
    result = score_gold({r["id"]: r for r in rows}, {r["id"]: r for r in read_jsonl(target)})
    click.echo(json.dumps(result, ensure_ascii=False, indent=1) if as_json else format_score(result))


def _evaluate_squad(settings, squad_file: Path, baseline: bool, limit, out_dir, outfile, as_json) -> None:
    import re

    from qa.evaluation import write_squad_report
    from qa.squad import evaluate_squad, load_squad

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
        click.echo(f"short_answer EM {a['short_answer_em']:.3f}  F1 {a['short_answer_f1']:.3f}  "
                   f"Antwort enthält Gold {a['answer_contains_gold']:.3f}  Zitat-Treffer {a['citation_hit_rate']:.3f}  "
                   f"Enthaltungen {a['abstention_rate']:.3f}  Latenz p50/p95 {a['latency_ms_p50']}/{a['latency_ms_p95']} ms")
    click.echo(f"Bericht: {written[-1]}", err=True)


if __name__ == "__main__":
    main()
