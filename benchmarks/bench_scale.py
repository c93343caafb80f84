"""Scale benchmark: growing corpora from 10kGNAD, local folder or Chroma server.

    python benchmarks/bench_scale.py [--sizes 100,1028,5000,10000] [--server] [--out DIR]

For each size it prints articles, chunks, ingest time of the increment and in total, chunks/s
of the ingest against the bare encoder's rate (measured on the same kind of chunks), index size
on disk, peak memory, and query latency p50/p95 for retrieval alone and the full extractive answer;
it draws `scale.png` (latency and ingest time against corpus size) into --out.

Data: ../shared/data/10kgnad/test.csv (1,028 DER STANDARD articles, CC BY-NC-SA 4.0; read in
place, never copied into the repository). Sizes above 1,028 are made of copies of those articles
under distinct file names (the output says so): retrieval then sees duplicates, which does not
change what is measured here (time and memory), but answers are not judged.

The corpus grows in steps and each step is an incremental ingest of the new files only, which
is also how a user grows an archive. Nothing is asserted: these are figures to read.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(1, str(REPO / "tests"))  # servers.py: starting and stopping `chroma run`
GNAD = REPO.parent / "shared" / "data" / "10kgnad" / "test.csv"


def load_gnad(path: Path) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return [(row[0], row[1]) for row in csv.reader(f, delimiter=";", quotechar="'") if len(row) == 2]


def write_corpus(corpus: Path, articles: list[tuple[str, str]], start: int, stop: int) -> None:
    """Files start..stop-1; beyond the data set they are copies with distinct names."""
    for i in range(start, stop):
        label, text = articles[i % len(articles)]
        copy = i // len(articles)
        name = f"gnad_{i % len(articles):04d}" + (f"_kopie{copy}" if copy else "") + ".txt"
        (corpus / name).write_text(text, encoding="utf-8")


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))]


def questions_from(articles: list[tuple[str, str]], n: int, seed: int = 7) -> list[str]:
    """Question-like queries made from sentences of the articles (their words, their topics)."""
    rng = random.Random(seed)
    out = []
    for label, text in rng.sample(articles, n):
        words = text.split()[5:17]
        out.append(f"Was berichtet der Artikel über {' '.join(words)}?")
    return out


def start_server(data: Path) -> tuple[subprocess.Popen, int]:
    from servers import free_port, start_chroma  # tests/servers.py

    port = free_port()
    return start_chroma(data, port, timeout=120), port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=GNAD)
    parser.add_argument("--sizes", default="100,1028,5000,10000")
    parser.add_argument("--server", action="store_true", help="use a `chroma run` server on 127.0.0.1")
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "scale")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    from qa.ingest.chunking import chunk_article
    from qa.config import Settings
    from qa.ingest.corpus import parse_text
    from qa.embedding.embedder import load_embedder
    from qa.pipeline import Pipeline

    articles = load_gnad(args.data)
    work = Path(tempfile.mkdtemp(prefix="qa-scale-"))
    corpus = work / "corpus"
    corpus.mkdir()
    settings = Settings.from_env().with_(corpus_dir=corpus, vectorstore_dir=work / "vectorstore",
                                         collection="scale")
    server = None
    if args.server:
        server, port = start_server(work / "server-data")
        settings = settings.with_(chroma_host="127.0.0.1", chroma_port=port)
    embedder = load_embedder(settings)

    sample = [c.text for a in articles[:120] for c in chunk_article(parse_text("x", a[1], "0" * 16))][:480]
    embedder.embed_passages(sample[:16])
    t = time.perf_counter()
    embedder.embed_passages(sample)
    encoder_rate = len(sample) / (time.perf_counter() - t)
    mode = f"Chroma server 127.0.0.1:{settings.chroma_port}" if args.server else "local folder"
    print(f"# scale benchmark, {mode}, {embedder.name}, {os.cpu_count()} cores")
    print(f"# data: {len(articles)} 10kGNAD articles; sizes above {len(articles)} are copies with distinct names")
    print(f"# bare encoder: {encoder_rate:.1f} chunks/s on {len(sample)} chunks of these articles")
    header = ("articles", "chunks", "ingest_step_s", "ingest_total_s", "ingest_chunks_per_s", "vs_encoder",
              "in_encoder", "index_mb", "peak_rss_mb", "open_s", "retrieve_p50_ms", "retrieve_p95_ms", "answer_p50_ms",
              "answer_p95_ms", "check_s")
    print("\t".join(header))
    print("# vs_encoder: ingest rate / bare encoder rate (two measurements, noisy under load); in_encoder: share of"
          " the ingest's wall time spent inside embed_passages (same run); check_s: `index_is_current` on an"
          " unchanged corpus (what every `qa ask` pays)")
    encoder_seconds = [0.0]
    embed_passages = embedder.embed_passages

    def timed_embed(texts):
        t0 = time.perf_counter()
        try:
            return embed_passages(texts)
        finally:
            encoder_seconds[0] += time.perf_counter() - t0

    embedder.embed_passages = timed_embed
    rows, done, total_ingest = [], 0, 0.0
    queries = questions_from(articles, args.queries)
    for size in sizes:
        write_corpus(corpus, articles, done, size)
        done = size
        pipeline = Pipeline(settings, embedder=embedder)
        encoder_seconds[0] = 0.0
        t = time.perf_counter()
        report = pipeline.ingest(progress=False)
        step = time.perf_counter() - t
        total_ingest += step
        t = time.perf_counter()
        retriever = pipeline.retriever  # loads chunks and builds the keyword index
        pipeline.warm_up()
        open_s = time.perf_counter() - t
        retrieve, answer = [], []
        for q in queries:
            t = time.perf_counter()
            retriever.search(q)
            retrieve.append(1000 * (time.perf_counter() - t))
            answer.append(pipeline.ask(q).latency_ms)
        t = time.perf_counter()
        assert pipeline.index_is_current()
        check_s = time.perf_counter() - t
        index_bytes = dir_size(work / ("server-data" if args.server else "vectorstore"))
        row = dict(articles=size, chunks=retriever.size, ingest_step_s=round(step, 1),
                   ingest_total_s=round(total_ingest, 1),
                   ingest_chunks_per_s=round(report.chunks_written / step, 1) if step else 0.0,
                   vs_encoder=round(report.chunks_written / step / encoder_rate, 3) if step else 0.0,
                   in_encoder=round(encoder_seconds[0] / step, 3) if step else 0.0,
                   index_mb=round(index_bytes / 1e6, 1), peak_rss_mb=round(peak_rss_mb(), 0),
                   open_s=round(open_s, 2),
                   retrieve_p50_ms=round(statistics.median(retrieve), 1), retrieve_p95_ms=round(pct(retrieve, .95), 1),
                   answer_p50_ms=round(statistics.median(answer), 1), answer_p95_ms=round(pct(answer, .95), 1),
                   check_s=round(check_s, 2))
        rows.append(row)
        print("\t".join(str(row[h]) for h in header), flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    name = "scale-server" if args.server else "scale"
    (args.out / f"{name}.json").write_text(json.dumps({"mode": mode, "encoder_chunks_per_s": encoder_rate,
                                                       "rows": rows}, indent=1))
    plot(rows, args.out / f"{name}.png", mode)
    print(f"# written: {args.out / (name + '.json')}, {args.out / (name + '.png')}")
    if server is not None:
        from servers import stop

        stop(server)


def plot(rows: list[dict], path: Path, mode: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [r["articles"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for key, label in (("retrieve_p50_ms", "Retrieval p50"), ("retrieve_p95_ms", "Retrieval p95"),
                       ("answer_p50_ms", "Antwort p50"), ("answer_p95_ms", "Antwort p95")):
        left.plot(x, [r[key] for r in rows], marker="o", label=label)
    left.set(xlabel="Artikel", ylabel="ms", title="Antwortzeit je Frage")
    left.legend()
    right.plot(x, [r["ingest_total_s"] for r in rows], marker="o", label="Einlesen gesamt (s)")
    right.set(xlabel="Artikel", ylabel="s", title="Einlesezeit")
    right.legend()
    fig.suptitle(f"Skalierung ({mode})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
