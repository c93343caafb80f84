"""`qa batch` with bad rows, missing and repeated ids, and a run that fails half-way
(click's CliRunner on the CLI entry point; fake embedder, real reader)."""
import json

import pytest
from click.testing import CliRunner

from conftest import FakeEmbedder

ROWS = [
    '{"id": "q1", "question": "Wer ist der neue EU-Außenbeauftragte?"}',
    '{"id": "q2", "question": 42}',
    '{"id": "q3", "question": "Und seit wann?", "history": "Borrell"}',
    '["keine", "Zeile", "als", "Objekt"]',
    '{"id": "q5", "question": "Seit wann läuft der Irak-Einsatz der NATO?"',
    '',
    '{"question": "Wo bildet Deutschland kurdische Sicherheitskräfte aus?"}',
    '{"id": "q1", "question": "Wie viele Mitglieder zählt die Koalition gegen den IS?", "history": [{"role": "user", "content": "Hallo"}]}',
    '{"id": "q8", "question": "   "}',
    '{"id": "q9", "question": "Wer?", "history": [{"role": "user", "content": 7}]}',
]


@pytest.fixture
def cli(settings, monkeypatch):
    """Run `qa` in-process against the temporary corpus and index, with the fake embedder."""
    from qa import cli as cli_module
    from qa.pipeline import Pipeline

    reader = Pipeline(settings).reader  # loaded once per test
    monkeypatch.setattr(cli_module, "_pipeline", lambda ctx: Pipeline(ctx.obj, embedder=FakeEmbedder(), reader=reader))
    env = {"QA_CORPUS_DIR": str(settings.corpus_dir), "QA_VECTORSTORE_DIR": str(settings.vectorstore_dir)}
    return lambda *args: CliRunner().invoke(cli_module.main, list(args), env=env)


def test_every_row_gets_a_record_and_bad_rows_a_german_error(cli, tmp_path):
    infile, out = tmp_path / "fragen.jsonl", tmp_path / "antworten.jsonl"
    infile.write_text("\n".join(ROWS) + "\n", encoding="utf-8")
    result = cli("batch", str(infile), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 9  # every non-empty line, in order
    by_line = {r.get("line"): r for r in records if "error" in r}
    assert sorted(by_line) == [2, 3, 4, 5, 9, 10]
    assert "„question“ muss ein Text sein, nicht eine Zahl" in by_line[2]["error"]
    assert "„history“ muss eine Liste" in by_line[3]["error"]
    assert "kein JSON-Objekt" in by_line[4]["error"] and by_line[4]["id"] is None
    assert "kein gültiges JSON" in by_line[5]["error"]
    assert "Bitte geben Sie eine Frage ein" in by_line[9]["error"]
    assert "Beitrag 1 in „history“" in by_line[10]["error"]
    for record in by_line.values():
        assert record["answer"] == record["error"] and record["abstained"] is True and record["citations"] == []
    answered = [r for r in records if "error" not in r]
    assert [r["id"] for r in answered] == ["q1", None, "q1"]
    for record in answered:
        assert {"answer", "short_answer", "abstained", "citations", "retrieved", "answerer", "latency_ms"} <= set(record)
    assert "Ohne id: Zeile 7" in result.output
    assert "Die id \"q1\" kommt mehrfach vor (Zeilen 1 und 8)" in result.output
    assert "9 Antworten geschrieben" in result.output and "6 mit Fehler: Zeile 2, 3, 4, 5, 9, 10" in result.output


def test_a_run_that_fails_leaves_the_previous_output_untouched(cli, tmp_path, monkeypatch):
    from qa.errors import ServerUnavailableError
    from qa.pipeline import Pipeline

    infile, out = tmp_path / "fragen.jsonl", tmp_path / "antworten.jsonl"
    infile.write_text("\n".join(ROWS[:1] + ROWS[6:8]) + "\n", encoding="utf-8")
    out.write_text('{"id": "alt"}\n', encoding="utf-8")
    real_ask, calls = Pipeline.ask, []

    def ask_then_fail(self, question, history=(), *args, **kwargs):
        calls.append(question)
        if len(calls) == 2:
            raise ServerUnavailableError("Der Chroma-Server antwortet nicht mehr.")
        return real_ask(self, question, history, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "ask", ask_then_fail)
    result = cli("batch", str(infile), "--out", str(out))
    assert result.exit_code == 1 and "Fehler: Der Chroma-Server antwortet nicht mehr." in result.output
    assert out.read_text(encoding="utf-8") == '{"id": "alt"}\n'  # was: only the rows before the failure
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []

    monkeypatch.setattr(Pipeline, "ask", real_ask)
    assert cli("batch", str(infile), "--out", str(out)).exit_code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


def test_reading_rows_never_raises_for_a_line(tmp_path):
    from qa.eval.batch import id_warnings, read_rows

    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"id": "a", "question": "Wer?"}\n\xff\xfe kaputt\n{"id": "a", "question": "Wo?"}\n')
    rows = read_rows(path)
    assert [r.line for r in rows] == [1, 2, 3]
    assert rows[1].problem == "Zeile 2 ist kein gültiger UTF-8-Text."
    assert id_warnings(rows) == ['Die id "a" kommt mehrfach vor (Zeilen 1 und 3); die Antworten lassen sich '
                                 'nicht eindeutig zuordnen.']
