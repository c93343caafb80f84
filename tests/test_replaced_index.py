"""A running `qa serve` whose index folder is repaired or replaced by another process: after
`qa ingest --rebuild` recovered a damaged folder, and after `rm -r vectorstore; qa ingest`, the
server reopens the folder that is there now (its identity changed) and answers from it, over
HTTP, without a restart.

The commands run as subprocesses through `tests/qa_fakes.py` (the command line with the fake
embedder: the server and the ingests must use the same one); the server's reader is the real one.
"""
import json
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ADDED, ADDED_TEXT, CORPUS, qa_fake
from servers import free_port, qa_serve_env, running

pytestmark = pytest.mark.slow  # a `qa serve` subprocess with the real reader

TESTS = Path(__file__).resolve().parent
QUESTION = "Wie viele Mitglieder zählt die Koalition gegen den IS?"
ANSWERING = "004_bde43ff6797f91e1.txt"


def call(url: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def ask(server) -> tuple[int, dict]:
    return call(server.url + "v1/ask", {"question": QUESTION})


def sources(record: dict) -> set[str]:
    return {hit["source"] for hit in record["retrieved"]}


@pytest.fixture
def server(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    port = free_port()
    env = qa_serve_env(port, corpus, tmp_path / "vectorstore")
    run = qa_fake(env, "ingest")
    assert run.returncode == 0, run.stderr
    log = tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}/"
    with running([sys.executable, str(TESTS / "qa_fakes.py"), "serve"], url + "health", env, log, timeout=600):
        yield type("Server", (), {"url": url, "env": env, "corpus": corpus, "index": tmp_path / "vectorstore",
                                  "log": log})


def test_the_server_reopens_a_repaired_or_replaced_index_folder(server):
    status, record = ask(server)
    assert status == 200 and ANSWERING in sources(record)

    with open(server.index / "chroma.sqlite3", "r+b") as catalogue:  # damaged underneath the server
        catalogue.write(b"kaputt" * 2000)
    status, error = ask(server)
    assert status == 503 and "qa ingest --rebuild" in error["error"]["message"]

    rebuilt = qa_fake(server.env, "ingest", "--rebuild")  # as the message says, in another process
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "beschädigt und wird für den Neuaufbau entfernt" in rebuilt.stderr  # a new folder
    status, record = ask(server)
    assert status == 200, record  # was: 503 until the server was restarted
    assert ANSWERING in sources(record)
    status, health = call(server.url + "health")
    assert status == 200 and health["articles"] == 5

    shutil.rmtree(server.index)  # a user starts over
    (server.corpus / ADDED).write_text(ADDED_TEXT, encoding="utf-8")
    built = qa_fake(server.env, "ingest")
    assert built.returncode == 0 and "6 neu" in built.stdout, built.stderr
    status, record = ask(server)
    assert status == 200 and ADDED in sources(record), record  # was: the deleted files, without the new article
    status, health = call(server.url + "health")
    assert status == 200 and health["articles"] == 6
    assert "Traceback" not in server.log.read_text(encoding="utf-8")
