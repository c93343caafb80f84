"""`qa eval`, `qa train-reader`, `qa calibrate-reader`: measuring the product and training its reader."""
from __future__ import annotations

import json
from pathlib import Path

import click

from qa.cli.group import GermanError, _ensure_index, _pipeline, main
from qa.cli.questions import _write_batch


@main.command(name="eval")
@click.argument("gold", required=False, metavar="[GOLDDATEI]", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--squad", "squad_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="SQuAD-JSON statt Gold-Datei: eigener Korpus (ein Absatz je Datei) und Index auf Zeit.")
@click.option("--baseline", is_flag=True, help="Mit --squad: BM25, Dense und LangChain-Lehrbuch daneben messen.")
@click.option("--limit", type=click.IntRange(min=1), help="Nur N Fragen (bei --squad gleichmäßig verteilt).")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Mit --squad: Ordner für Bericht und Kennzahlen (Standard: reports/eval-NAME/).")
@click.option("--out", "outfile", type=click.Path(dir_okay=False, path_type=Path),
              help="Antworten zusätzlich hier speichern (JSON Lines).")
@click.option("--json", "as_json", is_flag=True, help="Kennzahlen als JSON ausgeben.")
@click.option("--held-out", type=click.IntRange(min=1),
              help="Mit --squad: nur die Fragen der N Artikel, die `qa train-reader --held-out N` zurückhält "
                   "(gleicher --seed); der Korpus bleibt vollständig.")
@click.option("--seed", type=int, default=13, show_default=True, help="Startwert des Zufallsgenerators.")
@click.option("--reader-only", is_flag=True,
              help="Mit --squad: nur das Lesemodell, der Gold-Absatz ist gegeben (EM/F1, ohne Retrieval).")
@click.pass_context
def evaluate(ctx, gold, squad_file, baseline, limit, out_dir, outfile, as_json, held_out, seed, reader_only):
    """Eine Gold-Datei (Kennzahlen wie score.py) oder mit --squad einen SQuAD-Datensatz auswerten."""
    if (gold is None) == (squad_file is None):
        raise GermanError("Bitte genau eines angeben: eine Gold-Datei (GOLD.jsonl) oder --squad DATEI.json.")
    if squad_file is not None:
        titles = _held_out_titles(squad_file, held_out, seed) if held_out else None
        if reader_only:
            _evaluate_reader(ctx.obj, squad_file, titles)
        else:
            _evaluate_squad(ctx.obj, squad_file, baseline, limit, out_dir, outfile, as_json, titles)
        return
    if baseline or out_dir or held_out or reader_only:
        raise GermanError("--baseline, --out-dir, --held-out und --reader-only gibt es nur zusammen mit --squad.")
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
    timed = any(r.get("time") for r in rows)  # a time-aware set: the date figures too
    if not (timed and as_json):
        score.main(["score.py", str(subset), str(target)] + (["--json"] if as_json else []))
    if timed:
        _time_figures(pipeline, rows, target, as_json)
    if any(r.get("type") for r in rows) and not as_json:  # question types: the figures by type
        _type_figures(rows, target)


def _type_figures(rows: list[dict], answers_file: Path) -> None:
    """qa.eval.breakdown's figures (solved by type, abstentions both ways, headline share)."""
    from qa.eval.batch import read_jsonl
    from qa.eval.breakdown import breakdown
    from qa.eval.score import score

    answers = {a["id"]: a for a in read_jsonl(answers_file)}
    verdicts = {q["id"]: q for q in score({r["id"]: r for r in rows}, answers)["per_question"]}
    for key, value in breakdown(rows, answers, verdicts).items():
        click.echo(f"{key}: {value}")


def _time_figures(pipeline, rows: list[dict], answers_file: Path, as_json: bool) -> None:
    """A time-aware gold file (rows with `time`, qa.eval.timescore): the date figures after score.py's
    lines, or one JSON object with score.py's figures and `time`."""
    from qa.eval.batch import read_jsonl
    from qa.eval.timescore import score_time

    answers = {a["id"]: a for a in read_jsonl(answers_file)}
    figures = score_time(rows, answers, {a.source: a.date for a in pipeline.articles()})
    if not as_json:
        for key, value in figures.items():
            click.echo(f"{key}: {value}")
        return
    from qa.eval.score import score

    standard = score({r["id"]: r for r in rows}, answers)
    standard.pop("per_question")
    click.echo(json.dumps({**standard, "time": figures}, ensure_ascii=False, indent=1))


def _held_out_titles(squad_file: Path, count: int, seed: int) -> set[str]:
    from qa.training.data import load_questions, split_by_article

    _, held = split_by_article(load_questions(squad_file), count, seed)
    return {q.title for q in held}


def _evaluate_reader(settings, squad_file: Path, titles: set[str] | None) -> None:
    """The reader alone, gold paragraph given (what `qa train-reader` reports for held-out articles)."""
    from qa.training.data import load_impossible, load_questions
    from qa.reader.model import load_reader
    from qa.training.train import evaluate_reader

    questions = [q for q in load_questions(squad_file) if titles is None or q.title in titles]
    impossible = [] if titles is not None else load_impossible(squad_file)  # SQuAD 2.0: its own unanswerable ones
    reader = load_reader(settings.cache_dir, settings.reader_weights_dir, settings.reader_dtype,
                         settings.inference)
    click.echo(json.dumps(evaluate_reader(reader, questions, impossible=impossible), ensure_ascii=False, indent=1))


def _evaluate_squad(settings, squad_file: Path, baseline: bool, limit, out_dir, outfile, as_json,
                    titles: set[str] | None = None) -> None:
    import re

    from qa.eval.report import coverage_line, write_squad_report
    from qa.eval.squad import evaluate_squad, load_squad, only_articles

    dataset = load_squad(squad_file)
    if titles is not None:
        dataset = only_articles(dataset, titles)
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
        click.echo(coverage_line(result["coverage_curve"], result["operating_point"]))
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
@click.option("--cloze-epochs", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Epochen einer Vorphase mit synthetischen Lückentext-Fragen über den Trainingsabsätzen.")
@click.option("--extra-data", "extra", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Weitere SQuAD-JSON-Fragen nur fürs Training (z. B. tests/data/xquad_de/xquad.de.extra.json).")
@click.option("--train-articles", type=click.IntRange(min=0), default=0, show_default=True,
              help="Nur auf so vielen der übrigen Artikel trainieren (0: alle; für eine Lernkurve).")
@click.option("--lr", type=float, help="Lernrate der ersten Phase (Standard: LoRA 1e-3, voll 3e-4).")
@click.option("--seed", type=int, default=13, show_default=True, help="Startwert des Zufallsgenerators.")
@click.pass_context
def train_reader(ctx, data_path, out_dir, held_out, method, epochs, null_epochs, cloze_epochs, extra, train_articles, lr,
                 seed):
    """Das Lesemodell trainieren (CPU, fp32; etwa 20–40 Minuten auf 2 Kernen)."""
    from qa.training.train import TrainConfig, train_reader as train

    rates = {"lr": lr or 1e-3, "null_lr": 2e-4} if method == "lora" else {"lr": lr or 3e-4, "null_lr": 5e-5}
    config = TrainConfig(method=method, epochs=epochs, null_epochs=null_epochs, cloze_epochs=cloze_epochs,
                         held_out=held_out, train_articles=train_articles, seed=seed, **rates)
    figures = train(data_path, out_dir, config, ctx.obj.cache_dir, extra=list(extra), progress=True)
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
@click.option("--seed", type=int, default=13, show_default=True, help="Startwert des Zufallsgenerators.")
@click.option("--into", "target", type=click.Path(file_okay=False, path_type=Path),
              help="calibration.json zusätzlich hierhin schreiben (z. B. qa/reader/weights).")
@click.option("--gold", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Zusätzlich die Fragen dieser Gold-Datei (Format von ../shared/eval) über --gold-corpus "
                   "(mehrfach möglich, paarweise).")
@click.option("--gold-corpus", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Korpus der jeweiligen --gold-Datei (Standard: corpus).")
@click.option("--news", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="SQuAD-2.0-Datei mit Nachrichtenabsätzen und eigenen unbeantwortbaren Fragen "
                   "(z. B. data/newsqa_de/newsqa_de.calibration.json); ihre Absätze bilden einen eigenen Korpus.")
@click.pass_context
def calibrate_reader(ctx, weights_dir, data_path, held_out, seed, target, gold, gold_corpus, news):
    """Die Konfidenz des Lesemodells auf zurückgehaltenen Artikeln kalibrieren (Ende-zu-Ende)."""
    import shutil

    from qa.training.calibrate import calibrate
    from qa.training.data import load_questions, split_by_article

    from dataclasses import asdict

    if len(gold_corpus) > len(gold):
        raise GermanError("Jede --gold-corpus-Angabe braucht eine --gold-Datei davor.")
    corpora = list(gold_corpus) + [Path("corpus")] * (len(gold) - len(gold_corpus))
    _, held = split_by_article(load_questions(data_path), held_out, seed)
    result = calibrate(ctx.obj, data_path, weights_dir, {q.title for q in held}, seed,
                       golds=list(zip(gold, corpora)), news=list(news))
    click.echo(json.dumps(asdict(result), ensure_ascii=False, indent=1))
    if target:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(weights_dir / "calibration.json", target / "calibration.json")
