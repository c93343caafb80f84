"""While answering, the app and the pipeline connect to nothing but loopback.

A socket audit hook (PEP 578) in a fresh interpreter records every address the process
resolves or connects to while it loads the models, opens the index, starts the Gradio app,
answers through the app's HTTP API and through the pipeline. (The CLI is run without any
network at all in tests/test_cli.py::test_ask_works_without_network.)
"""
import json
import subprocess
import sys
import textwrap

import pytest

from conftest import CORPUS
from servers import free_port

pytestmark = pytest.mark.slow  # the real models and the app in a subprocess

SCRIPT = textwrap.dedent("""
    import json, os, sys
    seen = []

    def audit(event, args):
        if event in ("socket.connect", "socket.sendto", "socket.getaddrinfo", "socket.gethostbyname"):
            target = args[1] if event in ("socket.connect", "socket.sendto") else args[0]
            seen.append([event, repr(target)])

    sys.addaudithook(audit)
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from qa.config import Settings
    from qa.pipeline import Pipeline
    from qa.app.serve import launch

    settings = Settings(corpus_dir={corpus!r}, vectorstore_dir={store!r}, port={port})
    pipeline = Pipeline(settings)
    pipeline.ingest(progress=False)
    app = launch(settings, pipeline=pipeline, block=False)
    from gradio_client import Client

    client = Client("http://127.0.0.1:{port}/", verbose=False)
    result = client.predict("Wer ist der neue EU-Außenbeauftragte?", [], "", "", api_name="/frage")
    answer = pipeline.ask("Wie viele Mitglieder zählt die Koalition gegen den IS?")
    app.close()
    print("RESULT " + json.dumps({{"seen": seen, "api": "Borrell" in json.dumps(result, ensure_ascii=False),
                                  "pipeline": "60" in answer.text}}))
""")

LOOPBACK = ("'127.0.0.1'", "('127.0.0.1'", "'localhost'", "('localhost'", "'::1'", "('::1'")


def test_no_connection_beyond_loopback(tmp_path):
    script = SCRIPT.format(corpus=str(CORPUS), store=str(tmp_path / "vs"), port=free_port())
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(next(line[7:] for line in run.stdout.splitlines() if line.startswith("RESULT ")))
    assert result["api"] and result["pipeline"], "the app or the pipeline did not answer"
    assert result["seen"], "the audit hook saw no socket at all (the app must have used loopback)"
    outside = [(event, target) for event, target in result["seen"]
               if not target.startswith(LOOPBACK) and not target.startswith(("'/", "b'", "'\\\\x00"))]
    assert outside == [], f"connections beyond loopback: {outside}"
