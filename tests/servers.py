"""Starting and stopping the servers that tests and benchmarks run: `qa serve`, `chroma run`,
llama.cpp's server, or any command that answers HTTP on 127.0.0.1.

One place for a free port, waiting until a server answers (failing at once when it exits,
with the end of its log), and terminate-wait-kill. Plain Python without pytest, so that the
benchmarks import it too (`sys.path` gets tests/); a start-up failure is a `ServerError`.

Not here: what a test asks the server, in-process servers (qa.app.serve.Server), and the
environment a test gives `qa serve` beyond `qa_serve_env`'s defaults.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the virtual environment's scripts: qa, chroma
QA_SERVE = [str(BIN / "qa"), "serve"]  # the console script, as users start it
LEAKY = ("QA_HOST", "QA_UI_PASSWORD", "QA_API_KEY", "QA_ANSWERER", "QA_CHROMA_HOST", "QA_ALLOWED_HOSTS",
         "QA_TEST_DISK_FULL", "QA_TEST_KILL_AFTER")
"""Settings of the calling shell (and test faults of tests/qa_fakes.py) that would change what a
test's `qa serve` does."""


class ServerError(RuntimeError):
    """A server exited or did not answer in time (the message ends with its log's last lines)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qa_serve_env(port: int, corpus: Path, vectorstore: Path, **settings: str) -> dict[str, str]:
    """The environment of a `qa serve` on `port` over its own corpus and index folder: this
    process's, offline and without the shell's QA_ settings of `LEAKY`, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if k not in LEAKY}
    env.update(QA_PORT=str(port), QA_CORPUS_DIR=str(corpus), QA_VECTORSTORE_DIR=str(vectorstore),
               GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               ANONYMIZED_TELEMETRY="False", PYTHONUNBUFFERED="1", **settings)
    return env


def log_tail(path: Path | None, lines: int = 40) -> str:
    if path is None:
        return "(kein Protokoll)"
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(kein Protokoll)"


def wait_for_http(url: str, process: subprocess.Popen, timeout: float = 180.0, log: Path | None = None) -> None:
    """Return once `url` answers (2xx or 3xx); a ServerError when the process exits first or
    nothing answers within `timeout` seconds (the process is stopped then)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"the server for {url} exited with code {process.returncode}:\n{log_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=10):
                return
        except OSError:
            time.sleep(0.5)
    stop(process)
    raise ServerError(f"{url} did not answer within {timeout:.0f} s:\n{log_tail(log)}")


def stop(process: subprocess.Popen, timeout: float = 30.0) -> None:
    """Terminate, wait up to `timeout` seconds, then kill; nothing when it has exited."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start(command: list[str], ready_url: str, env: dict | None = None, log: Path | None = None,
          timeout: float = 180.0) -> subprocess.Popen:
    """Start `command` (output to `log`, else discarded) and wait until `ready_url` answers; the
    caller stops it (`stop`), or use `running`."""
    with open(log, "w", encoding="utf-8") if log else open(os.devnull, "w") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_http(ready_url, process, timeout, log)
    except BaseException:
        stop(process)
        raise
    return process


@contextmanager
def running(command: list[str], ready_url: str, env: dict | None = None, log: Path | None = None,
            timeout: float = 180.0) -> Iterator[subprocess.Popen]:
    """`start`, then `stop` when the block ends, also when it fails."""
    process = start(command, ready_url, env, log, timeout)
    try:
        yield process
    finally:
        stop(process)


def start_chroma(path: Path, port: int, timeout: float = 180.0) -> subprocess.Popen:
    """A real `chroma run` on 127.0.0.1:`port` over the data folder `path`, answering."""
    command = [str(BIN / "chroma"), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    return start(command, f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=timeout)
