"""The `qa` command through its installed entry point, as a user runs it."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, DEV_SET
from servers import free_port

QA = str(Path(sys.executable).parent / "qa")


def run(args, env_extra=None, timeout=600, prefix=()):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([*prefix, QA, *args], capture_output=True, text=True, env=env, timeout=timeout)


@pytest.fixture(scope="module")
def index_env(tmp_path_factory):
    """A real index of the seed corpus built by `qa ingest`, shared by the tests of this module."""
    vectorstore = tmp_path_factory.mktemp("cli-vectorstore")
    env = {"QA_CORPUS_DIR": str(CORPUS), "QA_VECTORSTORE_DIR": str(vectorstore)}
    result = run(["ingest"], env)
    assert result.returncode == 0, result.stderr
    assert "5 neu" in result.stdout
    return env


def test_help_is_fast_and_german():
    result = run(["--help"])
    assert result.returncode == 0 and "Fragen zu den Artikeln" in result.stdout
    probe = subprocess.run([sys.executable, "-c", "import sys, qa.cli; print('torch' in sys.modules, 'chromadb' in sys.modules)"],
                           capture_output=True, text=True)
    assert probe.stdout.strip() == "False False"


ENGLISH = re.compile(r"\b(Usage|Options|Commands|Error|Try|Show this|No such|Missing|Invalid|OPTIONS|COMMAND|ARGS|"
                     r"QUESTION|INFILE|PATH|FILE|INTEGER|RANGE|DIRECTORY|default|required|for help|does not exist)\b")


@pytest.mark.parametrize("args, code, german", [
    (["--help"], 0, ["Aufruf: qa [OPTIONEN] BEFEHL [ARGUMENTE]...", "Optionen:", "Befehle:", "Diese Hilfe anzeigen."]),
    (["ask", "--help"], 0, ["Aufruf: qa ask [OPTIONEN] FRAGE", "Diese Hilfe anzeigen und beenden."]),
    (["eval", "--help"], 0, ["--limit ZAHL", "--out-dir ORDNER", "--squad DATEI", "[Standard: 13]"]),
    (["ask", "--bogus", "Frage?"], 2, ["Hilfe mit 'qa ask --help'.", "Fehler: Unbekannte Option '--bogus'."]),
    (["ask", "--jsn", "Frage?"], 2, ["Fehler: Unbekannte Option '--jsn'. Meinten Sie '--json'?"]),
    (["ask"], 2, ["Aufruf: qa ask [OPTIONEN] FRAGE", "Fehler: Es fehlt das Argument 'FRAGE'."]),
    (["batch", "fehlt.jsonl", "--out", "a.jsonl"], 2, ["Datei 'fehlt.jsonl' existiert nicht."]),
    (["batch", "--out"], 2, ["Fehler: Die Option '--out' braucht einen Wert."]),
    (["serve", "--port", "null"], 2, ["Ungültiger Wert für '--port': 'null' ist keine gültige Zahl."]),
    (["frage"], 2, ["Fehler: Unbekannter Befehl 'frage'."]),
])
def test_click_speaks_german(args, code, german):
    """Click's own texts (usage, help, errors) through the entry point, whatever the locale."""
    result = run(args, {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "LANGUAGE": "en"})
    assert result.returncode == code
    out = result.stdout + result.stderr
    for text in german:
        assert text in out
    assert not ENGLISH.search(out), ENGLISH.search(out)


def test_every_text_click_translates_has_german():
    """The catalogue covers every text the installed Click marks for translation."""
    import ast

    import click

    from qa.cli.german import MESSAGES, PLURALS

    missing = []
    for module in sorted(Path(click.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                texts = [a.value for a in node.args[:2 if node.func.id == "ngettext" else 1] if isinstance(a, ast.Constant)]
                if node.func.id == "_" and texts and texts[0] not in MESSAGES:
                    missing.append(texts[0])
                if node.func.id == "ngettext" and len(texts) == 2 and tuple(texts) not in PLURALS:
                    missing.append(tuple(texts))
    assert not missing


@pytest.mark.slow
def test_ingest_is_incremental(index_env):
    result = run(["ingest"], index_env)
    assert result.returncode == 0 and "5 unverändert" in result.stdout and "0 neu" in result.stdout


@pytest.mark.slow
def test_ask_prints_answer_and_sources(index_env):
    result = run(["ask", "Seit wann läuft der aktuelle Irak-Einsatz der NATO?"], index_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Seit Oktober 2018 [1].")
    assert "Quellen:\n[1] 002_02adc48ef0db0a26.txt – Offiziell wurde die NATO-Mission" in result.stdout  # a derived title
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Modelle werden geladen …\n")  # not ~15 s of silence


@pytest.mark.slow
def test_ask_json_is_a_batch_record(index_env):
    result = run(["ask", "--json", "Wer gewann die Bundestagswahl 2021?"], index_env)
    record = json.loads(result.stdout)
    assert "Modelle werden geladen …" in result.stderr
    assert record["abstained"] is True and record["citations"] == []
    assert record["answer"] == "Dazu enthalten die Artikel keine Angaben."
    assert record["answerer"] == "extractive" and record["retrieved"]


@pytest.mark.slow
def test_batch_follows_the_contract_and_eval_scores_it(index_env, tmp_path):
    out = tmp_path / "answers.jsonl"
    result = run(["batch", str(DEV_SET), "--out", str(out)], index_env)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    gold = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [r["id"] for r in rows] == [g["id"] for g in gold]
    keys = {"id", "answer", "short_answer", "abstained", "citations", "retrieved", "answerer", "latency_ms"}
    for row in rows:
        assert keys <= set(row)
        for c in row["citations"]:
            assert c["title"] and c["title"].strip()  # every article has a title, derived where the file names none
            raw = (CORPUS / c["source"]).read_text(encoding="utf-8")
            assert raw[c["start"]:c["end"]] == c["quote"]
    cited = {c["source"] for row in rows for c in row["citations"]}
    assert {"001_6d1949913e7253d0.txt", "002_02adc48ef0db0a26.txt", "004_bde43ff6797f91e1.txt"} <= cited  # no headline line
    # the shared scorer agrees with `qa eval`
    scorer = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score.py"
    evaluated = run(["eval", str(DEV_SET), "--json"], index_env)
    ours = json.loads(evaluated.stdout)
    assert ours["solved"] >= 22  # of 25 with the shipped reader (tests/test_pipeline.py says why)
    if scorer.exists():
        theirs = json.loads(subprocess.run([sys.executable, str(scorer), str(DEV_SET), str(out), "--json"],
                                           capture_output=True, text=True).stdout)
        assert theirs["solved_rate"] == ours["solved_rate"]


@pytest.mark.parametrize("question, message", [
    ("", "Bitte geben Sie eine Frage ein"),
    ("x" * 100_000, "Die Frage ist zu lang"),
])
def test_bad_questions(question, message, tmp_path):
    result = run(["ask", question], {"QA_VECTORSTORE_DIR": str(tmp_path / "vs")})
    assert result.returncode == 1
    assert result.stderr.startswith("Fehler: ") and message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_empty_corpus_folder(tmp_path):
    (tmp_path / "leer").mkdir()
    result = run(["ingest", str(tmp_path / "leer")], {"QA_VECTORSTORE_DIR": str(tmp_path / "vs")})
    assert result.returncode == 1 and "keine lesbaren Artikel" in result.stderr


@pytest.mark.slow
def test_missing_index_is_built_on_first_ask(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "003_a0779ffe5682cfbe.txt", corpus)
    (corpus / "binär.txt").write_bytes(b"\x00\xff\x00\xfe")
    env = {"QA_CORPUS_DIR": str(corpus), "QA_VECTORSTORE_DIR": str(tmp_path / "vs")}
    result = run(["ask", "Wie heißt der niederländische Außenminister?"], env)
    assert result.returncode == 0, result.stderr
    assert "Index aktualisiert: 1 neu" in result.stderr and "übersprungen" in result.stderr
    assert "Blok" in result.stdout


@pytest.mark.slow
def test_server_down_is_a_message(tmp_path):
    port = free_port()
    result = run(["--chroma-host", "127.0.0.1", "--chroma-port", str(port), "ask", "Wer ist Borrell?"])
    assert result.returncode == 1
    assert f"Chroma-Server 127.0.0.1:{port} ist nicht erreichbar" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_model_mismatch_says_to_rebuild(index_env):
    result = run(["--embedding-model", "/nicht/vorhanden", "ask", "Wer ist Borrell?"], index_env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "/nicht/vorhanden" in result.stderr


@pytest.mark.slow
def test_ask_works_without_network(index_env):
    """`unshare -n`: a new network namespace with no interface but loopback (needs root)."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-n", "true"]).returncode != 0:
        if os.environ.get("CI"):
            pytest.fail("unshare -n is not available in CI")
        pytest.skip("unshare -n not permitted here")
    result = run(["ask", "Wo will Deutschland libysche Sicherheitskräfte ausbilden?"], index_env,
                 prefix=("unshare", "-n"))
    assert result.returncode == 0, result.stderr
    assert "Tunesien" in result.stdout


@pytest.mark.slow
def test_batch_gives_bad_rows_an_error_record_and_the_others_answers(index_env, tmp_path):
    infile, out = tmp_path / "fragen.jsonl", tmp_path / "antworten.jsonl"
    infile.write_text('{"id": "q1", "question": "Wer ist der neue EU-Außenbeauftragte?"}\n'
                      '{"id": "q2", "question": 42}\n[1, 2]\n{"id": "q4", "question": "Wo?", "history": {}}\n'
                      '{"id": "q5", "question": "Wer gewann die Bundestagswahl 2021?"}\n', encoding="utf-8")
    result = run(["batch", str(infile), "--out", str(out)], index_env)
    assert result.returncode == 0 and "Traceback" not in result.stderr  # was: a traceback at row 2
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["q1", "q2", None, "q4", "q5"]
    assert [r.get("line") for r in records if "error" in r] == [2, 3, 4]
    assert "muss ein Text sein" in records[1]["error"] and "kein JSON-Objekt" in records[2]["error"]
    assert records[4]["abstained"] is True and "error" not in records[4]
    assert "5 Antworten geschrieben" in result.stderr


@pytest.mark.slow
def test_links_out_of_the_corpus_are_never_quoted(tmp_path):
    """A real symbolic link to a file outside the corpus, next to an empty .txt, an empty page and
    a UTF-16 article: the index is built on the first `qa ask`, with German warnings only."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (tmp_path / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (corpus / "x.txt").symlink_to(tmp_path / "passwd")
    (corpus / "leer.txt").write_text("", encoding="utf-8")
    (corpus / "leer.html").write_text("<html></html>", encoding="utf-8")
    (corpus / "utf16.txt").write_text("Die Bundeswehr bildet in Tunesien libysche Sicherheitskräfte aus.\n",
                                      encoding="utf-16")
    env = {"QA_CORPUS_DIR": str(corpus), "QA_VECTORSTORE_DIR": str(tmp_path / "vs")}
    result = run(["ingest"], env)
    assert result.returncode == 0, result.stderr
    assert "Warnung: Die Datei x.txt ist eine Verknüpfung nach" in result.stderr
    assert "Warnung: Die Datei leer.txt ist leer" in result.stderr
    assert "Index aktualisiert: 6 neu" in result.stdout  # the five articles and the UTF-16 one
    assert "trafilatura" not in result.stderr and "discarding" not in result.stderr
    asked = run(["ask", "--json", "root x 0 0 root /root /bin/bash"], env)
    assert asked.returncode == 0, asked.stderr
    record = json.loads(asked.stdout)
    assert "x.txt" not in {hit["source"] for hit in record["retrieved"]}  # was: retrieved and quoted
    assert "root:x:0:0" not in asked.stdout


@pytest.mark.slow
def test_eval_reports_date_figures_for_a_time_aware_set(index_env, tmp_path):
    """`qa eval` on rows with a `time` field (benchmarks/time_de, the questions over the seeds)
    prints the date figures next to score.py's."""
    source = Path(__file__).resolve().parents[1] / "benchmarks" / "time_de" / "questions.jsonl"
    rows = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip() and "gnad_" not in line]
    gold = tmp_path / "time.jsonl"
    gold.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run(["eval", str(gold), "--json"], index_env)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["questions"] == len(rows) and "solved_rate" in figures
    time = figures["time"]
    assert time["conflict_questions"] == 3 and time["silent_picks"] == 0
    assert time["relative_resolved"] >= 0.8 and time["date_right"] >= 0.8
    text = run(["eval", str(gold)], index_env)
    assert "relative_resolved: " in text.stdout and "silent_picks: 0" in text.stdout


@pytest.mark.slow
def test_ask_names_the_time_taken_from_the_question(index_env):
    question = "Was beschlossen die NATO-Minister im Februar 2020?"
    result = run(["ask", question], index_env)
    assert result.returncode == 0, result.stderr
    assert "Zeit aus der Frage: Februar 2020" in result.stderr
    removed = run(["ask", "--ignore-question-time", question], index_env)
    assert removed.returncode == 0 and "Zeit aus der Frage" not in removed.stderr
    record = json.loads(run(["ask", "--json", "--ignore-question-time", question], index_env).stdout)
    assert "question_time" not in record


@pytest.mark.slow
def test_batch_rewrites_a_follow_up_from_its_history(index_env, tmp_path):
    questions = tmp_path / "fragen.jsonl"
    questions.write_text(json.dumps({"id": "f1", "question": "Mit wem diskutiert er am Abend?", "history": [
        {"role": "user", "content": "Wer ist der neue EU-Außenbeauftragte?"},
        {"role": "assistant", "content": "Neuer EU-Außenbeauftragter ist Josep Borrell [1]."}]}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    out = tmp_path / "antworten.jsonl"
    result = run(["batch", str(questions), "--out", str(out)], index_env)
    assert result.returncode == 0, result.stderr
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["understood_as"] == "Mit wem diskutiert Josep Borrell am Abend?"
    assert not record["abstained"] and record["citations"][0]["source"] == "002_02adc48ef0db0a26.txt"
