"""Load benchmark of `qa serve` (UI and API in one process): latencies under concurrent users.

    python benchmarks/bench_api.py [--clients 50] [--rounds 4] [--ui-users 30]
                                   [--llm fake|real|none] [--fake-seconds 20] [--sweep 1,10,30,50]

Four phases against one in-process server (the code `qa serve` runs) on 127.0.0.1, over the
seed corpus with the real models and a temporary index:

1. api    `--clients` clients ask extractive questions over POST /v1/chat/completions at the
          same moment, `--rounds` questions each (issue 14: 50 clients, p95 < 1.5 s, no errors);
2. ui     `--ui-users` gradio_client sessions ask one extractive question each through the UI's
          API (/frage) at the same moment (issue 12 item 5: 30 users, p95 < 1.5 s);
3. mixed  while one generative answer runs, extractive questions go to the API and to the UI
          every half second; each should be answered within 1.5 s (issue 12 item 5).
          `--llm real` uses the generative answerer as installed; it asks the model only when the
          reader finds good evidence (else it answers at once). `--llm model` has the installed
          llama.cpp model write `llm_max_tokens` tokens about the best passage whatever the
          evidence: the real CPU load of a generative answer. `--llm fake` (the default) streams
          a word every `--fake-seconds`/20 s without using the CPU: it shows the scheduling (a slow
          answer holds a slot of the gate, not the extractive path), not CPU contention. The
          output says which one ran.
4. sweep  (issue 21 item 5) for each client count of `--sweep`: that many API clients ask
          `--rounds` extractive questions each at the same moment; a client refused with 429 waits
          its Retry-After and asks again (as the openai package does). Meanwhile /health and
          /v1/models are timed every half second, and one UI session asks one question a second
          after the start. Per count: answers per second, p50/p95 of an answer (retries included),
          429s, the slowest /health and /v1/models, the UI question's time.

Prints figures only; nothing is asserted (machines are shared and noisy).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(1, str(REPO / "tests"))  # servers.py: a free port

QUESTIONS = [
    "Seit wann läuft der aktuelle Irak-Einsatz der NATO?",
    "Wer ist der neue EU-Außenbeauftragte?",
    "Wie viele Soldaten umfasst die Ausbildungsmission der Nato im Irak bisher?",
    "Wo bildet Deutschland kurdische Sicherheitskräfte aus?",
    "Bis wann will Deutschland das Zwei-Prozent-Ziel der Nato erreichen?",
    "Wie viele Mitglieder zählt die Koalition gegen den IS?",
    "In welcher Stadt traf sich Ashton Carter mit den Verteidigungsministern der Anti-IS-Koalition?",
    "Wer führt die neue irakische Regierung?",
    "Wo will Deutschland libysche Sicherheitskräfte ausbilden?",
    "Welcher Ort wurde neben Bagdad als Ausbildungsort ausgewählt?",
]
TARGET_S = 1.5
LLM_MODES = {"fake": "simuliert: schläft statt zu rechnen", "model": "echtes Modell, fester Auftrag",
             "real": "generatives Verfahren wie installiert"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))] if ordered else float("nan")


def summary(name: str, seconds: list[float], errors: list[str], wall: float | None = None) -> dict:
    figures = {"phase": name, "requests": len(seconds) + len(errors), "errors": len(errors),
               "p50_s": round(percentile(seconds, 0.50), 3), "p95_s": round(percentile(seconds, 0.95), 3),
               "max_s": round(max(seconds, default=float("nan")), 3)}
    if wall:
        figures["throughput_per_s"] = round(len(seconds) / wall, 1)
    print(f"{name:6s} {figures['requests']:4d} requests  p50 {figures['p50_s']:.3f} s  p95 {figures['p95_s']:.3f} s  "
          f"max {figures['max_s']:.3f} s  errors {len(errors)}"
          + (f"  ({figures['throughput_per_s']}/s)" if wall else "")
          + f"  target p95 < {TARGET_S} s: {'ja' if figures['p95_s'] < TARGET_S and not errors else 'NEIN'}")
    for error in sorted(set(errors))[:5]:
        print(f"       error: {error}")
    return figures


# -- requests ------------------------------------------------------------------------------
def api_ask(http, url: str, question: str, model: str = "qa-extraktiv") -> tuple[float, str | None]:
    started = time.perf_counter()
    try:
        response = http.post(f"{url}/v1/chat/completions", timeout=300,
                             json={"model": model, "messages": [{"role": "user", "content": question}]})
        body = response.json()
        ok = response.status_code == 200 and "citations" in body and body["choices"][0]["message"]["content"]
        error = None if ok else f"HTTP {response.status_code}: {str(body)[:120]}"
    except Exception as exc:  # a benchmark counts failures, whatever they are
        error = f"{type(exc).__name__}: {exc}"
    return time.perf_counter() - started, error


def ui_ask(client, question: str, method: str = "extractive") -> tuple[float, str | None]:
    started = time.perf_counter()
    try:
        chat, *_ = client.predict(question, [], "", "", method, api_name="/frage")
        answered = chat and chat[-1]["role"] == "assistant" and "Extraktiv" in str(chat[-1]["content"])
        error = None if answered else "no answer in the chat (the app showed an error)"
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
    return time.perf_counter() - started, error


def split(results) -> tuple[list[float], list[str]]:
    return [s for s, e in results if e is None], [e for _, e in results if e is not None]


# -- phases --------------------------------------------------------------------------------
def phase_api(url: str, clients: int, rounds: int) -> dict:
    import httpx

    barrier = threading.Barrier(clients)

    def client(index: int):
        with httpx.Client() as http:
            barrier.wait()
            return [api_ask(http, url, QUESTIONS[(index + r) % len(QUESTIONS)]) for r in range(rounds)]

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = [r for rs in pool.map(client, range(clients)) for r in rs]
    return summary("api", *split(results), wall=time.perf_counter() - started)


def phase_ui(url: str, users: int) -> dict:
    from gradio_client import Client

    sessions = [Client(f"{url}/", verbose=False) for _ in range(users)]  # connecting is not timed
    barrier = threading.Barrier(users)

    def user(index: int):
        barrier.wait()
        return ui_ask(sessions[index], QUESTIONS[index % len(QUESTIONS)])

    started = time.perf_counter()
    with ThreadPoolExecutor(users) as pool:
        results = list(pool.map(user, range(users)))
    return summary("ui", *split(results), wall=time.perf_counter() - started)


def phase_mixed(url: str, llm: str) -> dict:
    import httpx
    from gradio_client import Client

    generative: dict = {}

    def slow():
        with httpx.Client() as http:
            generative["seconds"], generative["error"] = api_ask(http, url, QUESTIONS[1], model="qa-llm")

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(1.0)
    ui, api, index = Client(f"{url}/", verbose=False), httpx.Client(), 0
    api_results, ui_results = [], []
    while thread.is_alive() and index < 400:
        api_results.append(api_ask(api, url, QUESTIONS[index % len(QUESTIONS)]))
        ui_results.append(ui_ask(ui, QUESTIONS[(index + 3) % len(QUESTIONS)]))
        index += 1
        time.sleep(0.5)
    thread.join()
    print(f"mixed  generative answer ({llm}): {generative['seconds']:.1f} s"
          + (f", error {generative['error']}" if generative["error"] else ""))
    return {"generative_s": round(generative["seconds"], 1), "generative_error": generative["error"], "llm": llm,
            "api": summary("+api", *split(api_results)), "ui": summary("+ui", *split(ui_results))}


def phase_sweep(url: str, counts: list[int], rounds: int) -> list[dict]:
    import httpx
    from gradio_client import Client

    rows = []
    with httpx.Client() as http, ThreadPoolExecutor(4) as pool:  # untimed: the first burst starts threads and queues
        list(pool.map(lambda q: api_ask(http, url, q), QUESTIONS[:4]))
        ui_ask(Client(f"{url}/", verbose=False), QUESTIONS[0])
    print("sweep  clients  answers/s   p50 s   p95 s   429s  health max s  models max s  ui s")
    for count in counts:
        ui = Client(f"{url}/", verbose=False) if count > 1 else None
        barrier, refused, done = threading.Barrier(count + 1), [], threading.Event()

        def client(index: int):
            with httpx.Client() as http:
                barrier.wait()
                return [patient_ask(http, url, QUESTIONS[(index + r) % len(QUESTIONS)], refused) for r in range(rounds)]

        def probe(path: str, out: list):
            with httpx.Client() as http:
                while not done.is_set():
                    started = time.perf_counter()
                    http.get(f"{url}{path}", timeout=60)
                    out.append(time.perf_counter() - started)
                    done.wait(0.5)

        health, models, ui_result = [], [], []
        probes = [threading.Thread(target=probe, args=(path, out))
                  for path, out in (("/health", health), ("/v1/models", models))]
        with ThreadPoolExecutor(count) as pool:
            futures = [pool.submit(client, i) for i in range(count)]
            barrier.wait()
            started = time.perf_counter()
            time.sleep(0.2)
            for thread in probes:
                thread.start()
            if ui is not None:
                time.sleep(0.8)
                ui_result.append(ui_ask(ui, QUESTIONS[3]))
            results = [r for f in futures for r in f.result()]
            wall = time.perf_counter() - started
        done.set()
        for thread in probes:
            thread.join()
        seconds, errors = split(results)
        row = {"clients": count, "answers": len(seconds), "errors": len(errors), "per_s": round(len(seconds) / wall, 2),
               "p50_s": round(percentile(seconds, 0.5), 2), "p95_s": round(percentile(seconds, 0.95), 2),
               "refused_429": len(refused), "health_max_s": round(max(health, default=0.0), 2),
               "models_max_s": round(max(models, default=0.0), 2),
               "ui_s": round(ui_result[0][0], 2) if ui_result and ui_result[0][1] is None else None}
        rows.append(row)
        print(f"       {count:7d}  {row['per_s']:9.2f}  {row['p50_s']:6.2f}  {row['p95_s']:6.2f}  {len(refused):5d}"
              f"  {row['health_max_s']:12.2f}  {row['models_max_s']:12.2f}  "
              + ("–" if ui is None else f"{row['ui_s']}" if row["ui_s"] is not None else f"Fehler: {ui_result[0][1]}")
              + (f"  errors {len(errors)}: {errors[0]}" if errors else ""))
    return rows


def patient_ask(http, url: str, question: str, refused: list) -> tuple[float, str | None]:
    """api_ask that waits the Retry-After of a 429 and asks again; the time counts all tries."""
    started = time.perf_counter()
    for _ in range(50):
        response = http.post(f"{url}/v1/chat/completions", timeout=300,
                             json={"model": "qa-extraktiv", "messages": [{"role": "user", "content": question}]})
        if response.status_code != 429:
            break
        refused.append(response.headers.get("retry-after"))
        time.sleep(float(response.headers.get("retry-after") or 1))
    ok = response.status_code == 200 and response.json()["choices"][0]["message"]["content"]
    return time.perf_counter() - started, None if ok else f"HTTP {response.status_code}: {response.text[:120]}"


# -- setup ---------------------------------------------------------------------------------
def fake_llm(seconds: float):
    """A generative answerer that streams 20 words over `seconds` without using the CPU."""
    from dataclasses import replace

    from qa.answer import Spec

    class Fake:
        name = "llm"

        def __init__(self, settings, evidence):
            self.extractive = evidence

        def stream(self, question, hits, context):
            for _ in range(20):
                time.sleep(seconds / 20)
                yield "… "
            *_, answer = self.extractive.stream(question, hits, context)
            yield replace(answer, answerer=self.name)

    return Spec("Lokales Sprachmodell (simuliert)", Fake, lambda settings: True, "qa-llm", slow=True,
                needs=("evidence",))


def model_llm():
    """The installed model generating about the best passage, whatever the evidence."""
    from dataclasses import replace

    from qa.answer import Spec
    from qa.answer.llm import make_backend

    class Generating:
        name = "llm"

        def __init__(self, settings, evidence):
            self.backend, self.settings = make_backend(settings), settings
            self.extractive = evidence

        def stream(self, question, hits, context):
            prompt = f"Fasse diesen Text ausführlich zusammen:\n\n{hits[0].chunk.text}"
            yield from self.backend.stream([{"role": "user", "content": prompt}], self.settings.llm_max_tokens, [])
            *_, answer = self.extractive.stream(question, hits, context)
            yield replace(answer, answerer=self.name)

    return Spec("Lokales Sprachmodell (fester Auftrag)", Generating, lambda settings: True, "qa-llm", slow=True,
                needs=("evidence",))


def start_server(args):
    from qa.answer import ANSWERERS
    from qa.app.serve import launch
    from qa.config import Settings
    from qa.pipeline import Pipeline
    from servers import free_port  # tests/servers.py

    store = Path(tempfile.mkdtemp(prefix="qa-bench-api-"))
    settings = Settings.from_env().with_(corpus_dir=REPO / "corpus", vectorstore_dir=store, host="127.0.0.1",
                                         port=free_port(), api_key=None)
    if args.llm == "fake":
        ANSWERERS["llm"] = fake_llm(args.fake_seconds)
    elif args.llm == "model":
        ANSWERERS["llm"] = model_llm()
    pipeline = Pipeline(settings)
    pipeline.ensure_index(progress=False)
    pipeline.warm_up("extractive")
    if args.llm != "none":
        pipeline.answerer("llm")  # load the model before the clocks start
    return launch(settings, pipeline=pipeline, block=False), f"http://127.0.0.1:{settings.port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent API clients (phase api; 0: skip)")
    parser.add_argument("--rounds", type=int, default=4, help="questions per API client")
    parser.add_argument("--ui-users", type=int, default=30, help="simultaneous UI sessions (phase ui; 0: skip)")
    parser.add_argument("--llm", choices=["fake", "model", "real", "none"], default="fake",
                        help="generative answer of phase mixed (none: skip the phase)")
    parser.add_argument("--fake-seconds", type=float, default=20.0, help="duration of the fake generative answer")
    parser.add_argument("--sweep", default="1,10,30,50",
                        help="client counts of phase sweep, comma-separated (empty: skip)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    import logging

    import httpx

    logging.basicConfig(level=logging.WARNING)
    server, url = start_server(args)
    figures = {}
    try:
        alone = [api_ask(httpx, url, q)[0] for q in QUESTIONS]
        print(f"server {url}; one extractive answer alone over the API: p50 {percentile(alone, 0.5):.3f} s")
        if args.clients:
            figures["api"] = phase_api(url, args.clients, args.rounds)
        if args.ui_users:
            figures["ui"] = phase_ui(url, args.ui_users)
        if args.llm != "none":
            figures["mixed"] = phase_mixed(url, LLM_MODES[args.llm])
        counts = [int(c) for c in args.sweep.split(",") if c.strip()]
        if counts:
            figures["sweep"] = phase_sweep(url, counts, args.rounds)
    finally:
        server.close()
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
