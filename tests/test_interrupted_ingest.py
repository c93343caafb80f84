"""`qa ingest` killed after each of its steps, and `qa ingest --rebuild` killed half-way: the next
`qa ingest` finishes or rolls back what the killed one left (no chunk without its file record,
no half-built collection, no mark of an unfinished writer), publishes a new generation, and a
pipeline that was running all along answers from the new state.

The commands run as subprocesses (`tests/qa_fakes.py`: the command line with the fake embedder);
the kill is a SIGKILL the ingest sends itself right after the step (qa.ingest.indexer.STEP_HOOK).
"""
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FakeEmbedder
from qa.ingest.indexer import STEPS

pytestmark = pytest.mark.slow  # the real reader; `qa ingest` subprocesses

TESTS = Path(__file__).resolve().parent
QUESTION = "Wie viele Mitglieder zählt die Koalition gegen den IS?"
REMOVED = "004_bde43ff6797f91e1.txt"  # deleted from the corpus
REFUSED = "003_a0779ffe5682cfbe.txt"  # becomes a binary file: withdrawn
CHANGED = "001_6d1949913e7253d0.txt"  # gets a closing sentence
ORIGINAL = "002_02adc48ef0db0a26.txt"  # gets a copy: the first article of a group
COPY = "006_kopie.txt"
ADDED = "005_koalition.txt"
ADDED_TEXT = ("Koalition gegen den IS wächst\n\nDie internationale Koalition gegen den IS zählt inzwischen "
              "83 Mitglieder, teilte das Auswärtige Amt am Montag in Berlin mit.\n")
NACHTRAG = "Nachtrag: Der Außenminister reist am Dienstag nach Bagdad."


def qa_ingest(env, *args, kill_after: str | None = None) -> subprocess.CompletedProcess:
    env = dict(env, QA_TEST_KILL_AFTER=kill_after or "")
    return subprocess.run([sys.executable, str(TESTS / "qa_fakes.py"), "ingest", *args], env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def reader_model():
    """The reader, loaded once for the module (answer quality does not matter here)."""
    from qa.config import Settings
    from qa.pipeline import Pipeline

    return Pipeline(Settings()).reader


@pytest.fixture
def indexed(settings):
    """The seed corpus indexed (in this process), and the environment of `qa` for it."""
    from qa.ingest.indexer import ingest

    ingest(settings, FakeEmbedder(), progress=False)
    env = dict(os.environ, QA_CORPUS_DIR=str(settings.corpus_dir), QA_VECTORSTORE_DIR=str(settings.vectorstore_dir))
    env.pop("QA_CHROMA_HOST", None)
    return settings, env


def change_everything(corpus: Path) -> None:
    """One change for every step of an ingest: a file removed, one refused, one changed, one new,
    and a copy of an indexed article (its group is written after the copy is live)."""
    (corpus / REMOVED).unlink()
    (corpus / REFUSED).write_bytes(b"\x00\x01\x02binary\x00" * 20)
    changed = corpus / CHANGED
    changed.write_text(changed.read_text(encoding="utf-8") + f"\n\n{NACHTRAG}\n", encoding="utf-8")
    (corpus / ADDED).write_text(ADDED_TEXT, encoding="utf-8")
    original = (corpus / ORIGINAL).read_text(encoding="utf-8")
    (corpus / COPY).write_text("Eine Agenturmeldung\n\n" + original.split("\n", 1)[1], encoding="utf-8")


def leftovers(settings) -> dict:
    """What the index holds that no committed file record accounts for."""
    from qa.store.chroma import ChromaStore
    from qa.store.chroma_head import head_name

    store = ChromaStore(settings, FakeEmbedder())
    records = store.file_records()
    live = {source: r.version for source, r in records.items() if not r.skipped}
    orphans = [chunk.id for chunk, version in store.all_chunks() if live.get(chunk.source) != version]
    names = {c.name for c in store.client.list_collections()}
    head = store.client.get_collection(head_name(settings.collection)).metadata
    return {"orphans": orphans, "count": store.count() - sum(r.chunks for r in records.values() if not r.skipped),
            "collections": names - {head_name(settings.collection), head["qa_chunks"], head["qa_files"]},
            "unfinished": head.get("qa_unfinished", False)}


CLEAN = {"orphans": [], "count": 0, "collections": set(), "unfinished": False}


def new_state_served(reader) -> None:
    """The running pipeline answers from the index as the corpus is now."""
    answer = reader.ask(QUESTION)  # through stream(): the path of the CLI, the app and the API
    found = {hit.chunk.source for hit in answer.hits}
    assert ADDED in found and REMOVED not in found and REFUSED not in found, found
    articles = {r.source: r for r in reader.articles()}
    assert REMOVED not in articles and REFUSED not in articles and ADDED in articles
    assert articles[COPY].group == ORIGINAL and articles[ORIGINAL].group == ORIGINAL
    changed = " ".join(c.text for c in reader.retriever.article_chunks(CHANGED))
    assert NACHTRAG in changed
    assert all(hit.chunk.source != REMOVED for hit in reader.retrieve("Koalition gegen den IS Mitglieder", k=30))


@pytest.mark.parametrize("step", [step for step in STEPS if step != "repaired"])  # "repaired": below
def test_ingest_killed_after_a_step_is_finished_by_the_next(indexed, reader_model, step):
    from qa.ingest.indexer import ingest
    from qa.pipeline import Pipeline

    settings, env = indexed
    reader = Pipeline(settings, embedder=FakeEmbedder(), reader=reader_model)
    assert REMOVED in {hit.chunk.source for hit in reader.ask(QUESTION).hits}
    first = reader.store.generation

    change_everything(settings.corpus_dir)
    killed = qa_ingest(env, kill_after=step)
    assert killed.returncode == -signal.SIGKILL, f"the ingest never reached {step}: {killed.stderr}"

    again = qa_ingest(env)
    assert again.returncode == 0, again.stderr
    assert leftovers(settings) == CLEAN  # was: 102 orphan chunks after files:committed
    new_state_served(reader)  # was: the old state (the next run published nothing)
    assert reader.store.generation != first

    third = ingest(settings, FakeEmbedder(), progress=False)  # nothing is left to do: nothing is published
    assert not third.changed and not third.recovered and not third.wrote
    assert not reader.refresh()


def test_the_report_says_what_was_cleaned_up(indexed):
    settings, env = indexed
    change_everything(settings.corpus_dir)
    assert qa_ingest(env, kill_after="files:committed").returncode == -signal.SIGKILL
    assert leftovers(settings)["count"] > 0  # the old chunks of the changed file

    again = qa_ingest(env)
    assert again.returncode == 0, again.stderr
    assert "0 neu, 0 geändert, 0 entfernt" in again.stdout  # the killed run did those
    assert "abgebrochener Lauf bereinigt" in again.stdout and "verwaiste Abschnitte entfernt" in again.stdout


def test_a_clean_up_that_is_killed_is_done_by_the_next_run(indexed, reader_model):
    from qa.pipeline import Pipeline

    settings, env = indexed
    reader = Pipeline(settings, embedder=FakeEmbedder(), reader=reader_model)
    reader.ask(QUESTION)
    change_everything(settings.corpus_dir)
    assert qa_ingest(env, kill_after="files:committed").returncode == -signal.SIGKILL
    assert qa_ingest(env, kill_after="repaired").returncode == -signal.SIGKILL  # the step this adds
    again = qa_ingest(env)
    assert again.returncode == 0 and "abgebrochener Lauf bereinigt" in again.stdout, again.stderr
    assert leftovers(settings) == CLEAN
    new_state_served(reader)


def test_qa_ask_finishes_a_killed_ingest_first(indexed, reader_model):
    """`qa ask`, `qa serve` … check the index before answering (Pipeline.ensure_index): a killed
    ingest makes it out of date even where every file record matches the folder."""
    from qa.pipeline import Pipeline

    settings, env = indexed
    change_everything(settings.corpus_dir)
    assert qa_ingest(env, kill_after="old:deleted").returncode == -signal.SIGKILL
    checking = Pipeline(settings, embedder=FakeEmbedder(), reader=reader_model)
    assert not checking.index_is_current()
    report = checking.ensure_index(progress=False)
    assert report is not None and report.recovered
    assert leftovers(settings) == CLEAN and checking.index_is_current()
    new_state_served(checking)


def test_a_killed_rebuild_leaves_nothing_behind(indexed, reader_model):
    from qa.pipeline import Pipeline

    settings, env = indexed
    reader = Pipeline(settings, embedder=FakeEmbedder(), reader=reader_model)
    before = {hit.chunk.source for hit in reader.ask(QUESTION).hits}
    generation = reader.store.generation
    killed = qa_ingest(env, "--rebuild", kill_after="chunks:added")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert leftovers(settings)["collections"]  # the half-built pair
    assert {hit.chunk.source for hit in reader.ask(QUESTION).hits} == before  # the old index serves

    again = qa_ingest(env)  # nothing changed in the corpus
    assert again.returncode == 0, again.stderr
    assert leftovers(settings) == CLEAN  # was: the half-built pair stayed
    assert "Reste eines abgebrochenen Neuaufbaus gelöscht" in again.stdout
    assert {hit.chunk.source for hit in reader.ask(QUESTION).hits} == before
    assert reader.store.generation == generation  # readers never saw the pair: nothing to publish


def test_a_rebuild_that_runs_out_of_space_deletes_its_collections(indexed):
    settings, env = indexed
    env = dict(env, QA_TEST_DISK_FULL="1")
    run = qa_ingest(env, "--rebuild")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert leftovers(settings) == CLEAN
