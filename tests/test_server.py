"""Server mode: a real `chroma run` on 127.0.0.1, the same code through HttpClient."""
import pytest

from conftest import CORPUS
from servers import free_port, start_chroma, stop

pytestmark = pytest.mark.slow  # `chroma run` and the real embedder


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    port = free_port()
    process = start_chroma(tmp_path_factory.mktemp("chroma-server") / "db", port)
    yield port
    stop(process, timeout=20)


def test_ingest_and_ask_against_a_chroma_server(chroma_server, real_embedder, tmp_path):
    from qa.config import Settings
    from qa.pipeline import Pipeline

    settings = Settings(corpus_dir=CORPUS, vectorstore_dir=tmp_path / "unused", chroma_host="127.0.0.1",
                        chroma_port=chroma_server, collection="server-test")
    pipeline = Pipeline(settings, embedder=real_embedder)
    report = pipeline.ingest(progress=False)
    assert len(report.added) == 5
    assert not (tmp_path / "unused").exists()  # nothing local in server mode

    answer = pipeline.ask("In welcher Stadt traf sich Ashton Carter mit den Verteidigungsministern der Anti-IS-Koalition?")
    assert "Stuttgart" in answer.text and answer.citations[0].source == "004_bde43ff6797f91e1.txt"

    again = Pipeline(settings, embedder=real_embedder).ingest(progress=False)
    assert again.unchanged == 5 and not again.changed


def test_server_going_away_is_a_german_error(real_embedder, tmp_path):
    from qa.config import Settings
    from qa.errors import ServerUnavailableError
    from qa.pipeline import Pipeline

    settings = Settings(corpus_dir=CORPUS, chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(ServerUnavailableError, match="nicht erreichbar"):
        Pipeline(settings, embedder=real_embedder).ask("Wer ist Borrell?")
