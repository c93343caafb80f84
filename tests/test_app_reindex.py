"""A running app (`qa serve` as a user starts it) while the index changes underneath it.

One app on a copy of the seed corpus, plus a symbolic link out of the corpus. The tests run
in order: questions over the app's API before and after `qa ingest` and `qa ingest --rebuild`
in another process (the app must reopen the index, never fail); before those, a real browser
clicks a Korpus entry whose file was deleted after the ingest (the German message in the
viewer, no Gradio error badge, no server traceback). Retrieved passages (the "Quellen" panel) show what
the app serves, whatever the answer.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import CORPUS

pytestmark = pytest.mark.slow

QA = str(Path(sys.executable).parent / "qa")
CHROMIUM = "/usr/bin/chromium"
QUESTION = "Wie viele Mitglieder zählt die Koalition gegen den IS?"
REMOVED = "004_bde43ff6797f91e1.txt"  # the article that answers QUESTION
ADDED = "005_koalition.txt"
ADDED_TEXT = ("Koalition gegen den IS wächst\n\nDie internationale Koalition gegen den IS zählt inzwischen "
              "83 Mitglieder, teilte das Auswärtige Amt am Montag in Berlin mit.\n")
SECRET = "root:x:0:0:root:/root:/bin/bash"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from ui_helpers import start_app, stop_app

    root = tmp_path_factory.mktemp("app-reindex")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    (root / "passwd").write_text(SECRET + "\n", encoding="utf-8")
    (corpus / "x.txt").symlink_to(root / "passwd")
    url, process, log = start_app(corpus, root / "vectorstore", "app-reindex")
    env = dict(os.environ, QA_CORPUS_DIR=str(corpus), QA_VECTORSTORE_DIR=str(root / "vectorstore"))
    yield SimpleNamespace(url=url, log=log, corpus=corpus, env=env)
    stop_app(process)


def ask(app, question: str) -> dict:
    """One question in a new session (a client keeps its session's conversation)."""
    from gradio_client import Client

    chat, _, status, sources, _ = Client(app.url, verbose=False).predict(question, [], "", "", api_name="/frage")
    return {"chat": str(chat), "status": str(status), "sources": str(sources)}


def answered(result: dict) -> bool:
    """The app answered (an answer or an abstention), rather than a toast and an empty status."""
    return "qa-badge" in result["status"] and "qa-hits" in result["sources"]


def qa(app, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([QA, *args], capture_output=True, text=True, env=app.env, timeout=900)


def test_a_link_out_of_the_corpus_is_refused_and_not_served(app):
    startup = app.log.read_text(encoding="utf-8")
    assert "x.txt ist eine Verknüpfung nach" in startup and "außerhalb des Korpusordners" in startup
    result = ask(app, "root x 0 0 root bin bash")
    assert answered(result)
    assert "root:x:0:0" not in str(result) and "x.txt" not in result["sources"]


def test_viewer_shows_the_german_message_for_a_file_gone_since_the_ingest(app):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} fehlt")
    from playwright.sync_api import expect, sync_playwright

    gone = "003_a0779ffe5682cfbe.txt"
    (app.corpus / gone).unlink()  # still in the index: the Korpus tab lists it
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(locale="de-DE")
        page.set_default_timeout(60_000)
        page.goto(app.url, wait_until="domcontentloaded")
        page.get_by_role("tab", name="Korpus").click()
        page.locator(f"#qa-corpus a[href='#artikel-{gone}']").click()
        inspector = page.locator("#qa-inspector")
        expect(inspector).to_contain_text("Der Artikel kann nicht angezeigt werden.")
        expect(inspector).to_contain_text(f"Die Datei {gone} kann nicht gelesen werden (sie ist nicht mehr vorhanden)")
        page.wait_for_timeout(1000)  # an error state would arrive with the same event
        page.screenshot(path=str(Path(__file__).resolve().parents[1] / "test-artifacts" / "viewer-error.png"))
        shown = inspector.inner_text()
        assert "Error" not in shown and "Fehler" not in shown  # Gradio's error badge (German by our CSS)
        assert page.locator("#qa-inspector .error, [data-testid='toast-body']").count() == 0
        browser.close()
    log = app.log.read_text(encoding="utf-8")
    assert "didn't return enough output values" not in log and "Traceback" not in log


def test_the_app_follows_an_ingest_in_another_process(app):
    before = ask(app, QUESTION)
    assert answered(before) and REMOVED in before["sources"]

    (app.corpus / REMOVED).unlink()
    (app.corpus / ADDED).write_text(ADDED_TEXT, encoding="utf-8")
    run = qa(app, "ingest")
    assert run.returncode == 0, run.stderr
    assert "1 neu" in run.stdout and "2 entfernt" in run.stdout  # and the file the viewer test deleted

    after = ask(app, QUESTION)
    assert answered(after), after  # was: "Ein unerwarteter Fehler ist aufgetreten" (stale Chroma client)
    assert REMOVED not in after["sources"] and ADDED in after["sources"]


def test_the_app_follows_a_rebuild_in_another_process(app):
    run = qa(app, "ingest", "--rebuild")
    assert run.returncode == 0, run.stderr
    result = ask(app, QUESTION)
    assert answered(result), result  # was: "Index … nicht lesbar … Bitte `qa ingest --rebuild` ausführen"
    assert ADDED in result["sources"] and REMOVED not in result["sources"]
    assert "Traceback" not in app.log.read_text(encoding="utf-8")


def test_the_answer_comes_from_the_article_added_while_running(app):
    """Needs the trained reader weights (the placeholders abstain)."""
    result = ask(app, QUESTION)
    assert "83" in result["chat"] and "Beantwortet mit" in result["status"]
