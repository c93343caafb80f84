"""Start `qa serve` once per test run for the UI tests (browser and concurrency).

The app runs as a subprocess, exactly as a user starts it, with the real corpus,
the real embedding model and a temporary vectorstore; it is stopped when the
test process exits. Its output goes to test-artifacts/ui-server.log.
"""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from conftest import free_port

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
START_TIMEOUT_S = 900  # first run: model conversion + index build on a loaded 2-core machine

_server: dict = {}


def _stop() -> None:
    if _server.get("process") is not None:
        stop_app(_server["process"])
    if _server.get("tmp"):
        shutil.rmtree(_server["tmp"], ignore_errors=True)


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(kein Protokoll)"


def app_url() -> str:
    """URL of the running app; starts it on first use (about 30 s with a warm model cache)."""
    if "url" in _server:
        if _server["process"].poll() is not None:
            raise RuntimeError("qa serve has exited:\n" + _log_tail(_server["log_path"]))
        return _server["url"]
    tmp = Path(tempfile.mkdtemp(prefix="qa-ui-test-"))
    _server["tmp"] = tmp
    atexit.register(_stop)
    url, process, log_path = start_app(REPO / "corpus", tmp / "vectorstore", "ui-server")
    _server.update(process=process, log_path=log_path, url=url)
    return url


def start_app(corpus: Path, vectorstore: Path, name: str) -> tuple[str, subprocess.Popen, Path]:
    """Start a `qa serve` (the console script, as users start it) on its own corpus and index
    folder; (url, process, log path). The caller stops it (`stop_app`); its output goes to
    test-artifacts/<name>.log."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    env = dict(os.environ, QA_VECTORSTORE_DIR=str(vectorstore), QA_CORPUS_DIR=str(corpus), QA_PORT=str(port),
               GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               ANONYMIZED_TELEMETRY="False", PYTHONUNBUFFERED="1")
    for variable in ("QA_UI_PASSWORD", "QA_HOST", "QA_CHROMA_HOST", "QA_API_KEY"):
        env.pop(variable, None)
    log_path = ARTIFACTS / f"{name}.log"
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen([str(Path(sys.executable).parent / "qa"), "serve"], cwd=REPO, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"qa serve exited with {process.returncode}:\n" + _log_tail(log_path))
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status == 200:
                    return url, process, log_path
        except OSError:
            time.sleep(1)
    stop_app(process)
    raise RuntimeError(f"qa serve did not answer on {url} within {START_TIMEOUT_S} s:\n" + _log_tail(log_path))


def stop_app(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
