"""`qa batch` with bad rows, missing and repeated ids, and a run that fails half-way
(click's CliRunner on the CLI entry point; fake embedder, real reader)."""
import json
import shutil

import pytest
from click.testing import CliRunner

from conftest import CORPUS, FakeEmbedder
from qa.answer.record import answer_record

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
    from qa.cli import questions
    from qa.pipeline import Pipeline

    reader = Pipeline(settings).reader  # loaded once per test
    # `qa batch` builds its pipeline through qa.cli.questions' name for the helper
    monkeypatch.setattr(questions, "_pipeline", lambda ctx: Pipeline(ctx.obj, embedder=FakeEmbedder(), reader=reader))
    env = {"QA_CORPUS_DIR": str(settings.corpus_dir), "QA_VECTORSTORE_DIR": str(settings.vectorstore_dir)}
    return lambda *args: CliRunner().invoke(cli_module.main, list(args), env=env)


@pytest.mark.slow
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


@pytest.mark.slow
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


# -- input that once crashed a run: error records, never a traceback ---------------------------
LONG_QUESTION = ("Wer ist der neue EU-Außenbeauftragte? " + "Und was sagte er über die Zusammenarbeit mit der "
                 "NATO im Irak? " * 40)[:1499] + "?"
HARD_ROWS = [
    '{"id": "s1", "question": "Wer ist \\ud800 der neue EU-Außenbeauftragte?"}',
    '{"id": "s2", "question": "Wer?", "history": [{"role": "user", "content": "\\udfff"}]}',
    '{"id": "\\ud800", "question": "Wer?"}',
    "[" * 50_000 + "]" * 50_000,
    '{"id": "tief", "question": "Wer?", "x": ' + "{\"a\": " * 40 + "1" + "}" * 40 + "}",
    json.dumps({"id": "gross", "question": "Wer ist das?", "history": [{"role": "user", "content": "Wort " * 180_000}]}),
    json.dumps({"id": "lang", "question": LONG_QUESTION}, ensure_ascii=False),
    '{"id": "gut", "question": "Wer ist der neue EU-Außenbeauftragte?"}',
]


@pytest.mark.slow
def test_hard_lines_get_error_records_and_long_questions_answers(cli, tmp_path):
    infile, out = tmp_path / "fragen.jsonl", tmp_path / "antworten.jsonl"
    infile.write_text("\n".join(HARD_ROWS) + "\n", encoding="utf-8")
    result = cli("batch", str(infile), "--out", str(out))
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(HARD_ROWS)
    errors = {r["line"]: r["error"] for r in records if "error" in r}
    assert sorted(errors) == [1, 2, 3, 4, 5, 6]
    assert all("Surrogate" in errors[line] for line in (1, 2, 3)) and records[2]["id"] is None
    assert all("verschachtelt" in errors[line] for line in (4, 5))
    assert "Beitrag 1 in „history“ ist zu lang (900.000 Zeichen" in errors[6]
    assert [r["id"] for r in records[6:]] == ["lang", "gut"] and all(r["answer"] for r in records[6:])


@pytest.mark.slow
def test_fuzzed_batch_lines_always_get_one_record(tmp_path_factory):
    """Any line: exactly one record that can be written as JSON, an answer or a German error."""
    from hypothesis import HealthCheck, given, settings, strategies as st

    from qa.config import Settings
    from qa.eval.batch import answer_rows, read_rows, write_records
    from qa.pipeline import Pipeline

    tmp = tmp_path_factory.mktemp("batch-fuzz")
    corpus = tmp / "corpus"
    shutil.copytree(CORPUS, corpus)
    pipeline = Pipeline(Settings(corpus_dir=corpus, vectorstore_dir=tmp / "vectorstore"), embedder=FakeEmbedder())
    pipeline.ingest(progress=False)
    text = st.one_of(st.text(max_size=30), st.text(st.characters(codec=None, exclude_categories=()), max_size=10),
                     st.sampled_from(["Wer ist der neue EU-Außenbeauftragte?", "", "x" * 2100, "?",
                                      "Wer ist \ud800 Borrell?", "Wort " * 5000]))
    scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), text)
    junk = st.recursive(scalar, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(text, inner, max_size=3)), max_leaves=8)
    row = st.fixed_dictionaries({"question": st.one_of(text, junk)}, optional={
        "id": junk, "history": st.one_of(st.lists(st.fixed_dictionaries({"role": st.one_of(text, junk),
                                                                        "content": st.one_of(text, junk)}),
                                                  max_size=2), junk)})
    line = st.one_of(row.map(json.dumps), junk.map(json.dumps), st.binary(max_size=40).map(
        lambda b: b.decode("latin-1")), st.integers(1, 60).map(lambda n: "[" * n + "]" * n))
    path, out = tmp / "zeile.jsonl", tmp / "antwort.jsonl"

    @settings(max_examples=100, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(line)
    def check(raw):
        raw = raw.replace("\n", " ").replace("\r", " ")
        if not raw.strip():
            return
        path.write_bytes(raw.encode("utf-8", "surrogatepass"))
        records = list(answer_rows(pipeline, read_rows(path)))
        assert len(records) == 1 and write_records(records, out) == 1
        record = json.loads(out.read_text(encoding="utf-8"))
        assert isinstance(record["answer"], str) and record["answer"]
        if "error" in record:
            assert record["error"].startswith("Zeile 1") and record["abstained"] is True

    check()


def test_an_abstained_record_names_no_span():
    from qa.records import Answer

    abstained = Answer(text="Dazu enthalten die Artikel keine Angaben.", short_answer=None, abstained=True,
                       citations=(), hits=(), answerer="extractive", span="Bagdad")
    answered = Answer(text="„…“ [1]", short_answer=None, abstained=False, citations=(), hits=(),
                      answerer="extractive", span="Bagdad")
    assert "span" not in answer_record(abstained) and answer_record(answered)["span"] == "Bagdad"
