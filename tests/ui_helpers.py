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
import tempfile
from pathlib import Path

from servers import QA_SERVE, free_port, log_tail, qa_serve_env, start, stop

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
START_TIMEOUT_S = 900  # first run: model conversion + index build on a loaded 2-core machine

_server: dict = {}


def _stop() -> None:
    if _server.get("process") is not None:
        stop_app(_server["process"])
    if _server.get("tmp"):
        shutil.rmtree(_server["tmp"], ignore_errors=True)


def app_url() -> str:
    """URL of the running app; starts it on first use (about 30 s with a warm model cache)."""
    if "url" in _server:
        if _server["process"].poll() is not None:
            raise RuntimeError("qa serve has exited:\n" + log_tail(_server["log_path"]))
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
    log_path = ARTIFACTS / f"{name}.log"
    url = f"http://127.0.0.1:{port}/"
    process = start(QA_SERVE, url, qa_serve_env(port, corpus, vectorstore), log_path, START_TIMEOUT_S)
    return url, process, log_path


stop_app = stop  # terminate, wait, kill (tests/servers.py)


# -- driving the app in Chromium (tests/test_ui_browser.py, tests/test_ui_layout.py) -----------

CHROMIUM = "/usr/bin/chromium"  # Debian's Chromium; never `playwright install`
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
ANSWER_TIMEOUT_MS = 180_000  # generous: a loaded 2-core machine, first question after start
UI_TIMEOUT_MS = 60_000


def chromium_or_skip(playwright):
    """Launch Chromium; skip the test without it locally, fail in CI (CI=true)."""
    import pytest

    if not os.path.exists(CHROMIUM):
        reason = f"{CHROMIUM} fehlt (apt-get install chromium)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def open_app(browser, width: int, height: int, scheme: str = "light"):
    """A new browser context (its own local storage) showing the app; returns the page."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="de-DE",
                                  color_scheme=scheme)
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT_MS)
    page.goto(app_url(), wait_until="domcontentloaded", timeout=UI_TIMEOUT_MS)
    page.locator("#qa-question textarea").wait_for()
    from playwright.sync_api import expect

    expect(page.locator("#qa-header")).to_contain_text("Artikel im Korpus")  # the page's load event has run
    return page


def ask(page, question: str):
    """Type a question, send it, and return the locator of its answer bubble (once final)."""
    from playwright.sync_api import expect

    bots = page.locator("#qa-chat .bot-row")
    before = bots.count()
    page.locator("#qa-question textarea").fill(question)
    page.locator("#qa-question textarea").press("Enter")
    expect(bots).to_have_count(before + 1, timeout=ANSWER_TIMEOUT_MS)
    answer = bots.nth(before)
    expect(answer).to_contain_text("Extraktiv", timeout=ANSWER_TIMEOUT_MS)  # the final answer's meta line
    expect(page.locator("#qa-status")).not_to_contain_text("Suche läuft", timeout=ANSWER_TIMEOUT_MS)
    settle(page)
    return answer


def settle(page) -> None:
    """Wait until the page's height has not changed for 10 frames: the outputs after the answer
    (sources, Markdown, the list of chats) render a moment later, and the browser's scroll
    anchoring moves the page while they do — a measurement taken meanwhile is taken mid-move."""
    page.wait_for_function("""() => new Promise((done) => {
        let height = -1, still = 0;
        const tick = () => {
            const now = document.documentElement.scrollHeight;
            still = now === height ? still + 1 : 0;
            height = now;
            if (still >= 10) done(true); else requestAnimationFrame(tick);
        };
        tick();
    })""", timeout=ANSWER_TIMEOUT_MS)


def box(locator) -> dict:
    """The element's bounding box in viewport coordinates (x, y, width, height)."""
    found = locator.bounding_box()
    assert found is not None, f"{locator} wird nicht angezeigt"
    return found


def inside_viewport(page, locator, slack: float = 0.5) -> bool:
    """Whether the element lies wholly inside the window (not just partly)."""
    b, view = box(locator), page.viewport_size
    return (b["x"] >= -slack and b["y"] >= -slack and b["x"] + b["width"] <= view["width"] + slack
            and b["y"] + b["height"] <= view["height"] + slack)


def overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


CONTRAST_JS = """(element) => {
  // WCAG 2.x contrast of the element's text colour against what lies behind it
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, bottom) => { const a = top[3] + bottom[3] * (1 - top[3]);
    return a === 0 ? [0, 0, 0, 0] : [0, 1, 2].map(i => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a).concat([a]); };
  const layers = [];
  for (let e = element; e; e = e.parentElement) {
    const bg = parse(getComputedStyle(e).backgroundColor);
    if (bg && bg[3] > 0) { layers.push(bg); if (bg[3] >= 1) break; }
  }
  let background = [255, 255, 255, 1];  // the canvas behind everything
  for (const layer of layers.reverse()) background = over(layer, background);
  const text = over(parse(getComputedStyle(element).color), background);
  const lum = (c) => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const [l1, l2] = [lum(text), lum(background)].sort((a, b) => b - a);
  return {ratio: (l1 + 0.05) / (l2 + 0.05), color: getComputedStyle(element).color,
          background: 'rgb(' + background.slice(0, 3).map(Math.round).join(',') + ')'};
}"""


def contrast(locator) -> dict:
    """{"ratio", "color", "background"} of the element's text (WCAG 2.x contrast ratio)."""
    return locator.evaluate(CONTRAST_JS)
