#!/usr/bin/env python3
"""Near-duplicate detection at ingest (qa.ingest.duplicates) on 10kGNAD plus syndicated copies.

    python benchmarks/bench_duplicates.py [--csv PATH] [--copies 500] [--scale 10000] [--encoder 40]

1. Quality: every 10kGNAD test article (1,028) plus `--copies` syndicated copies made from the
   first ones (the same article under another headline, with agency boilerplate added and 10 %
   of its sentences changed: words dropped and replaced). All go through `place()`, the code
   the ingest runs. Pairs in one group are the predictions; a copy and its original are the
   truth. Pairs of two originals are counted as false (and listed with their true Jaccard
   similarity: 10kGNAD has a few real copies of its own).
2. Overhead: the detection's own time per article (fingerprint, LSH query and insert) with
   `--scale` articles in the index (originals and copies, and distinct pseudo-articles made by
   mixing sentences of different articles), against the encoder's time per article (its chunks
   embedded, measured on `--encoder` articles). A full 10k ingest takes hours on this machine:
   the ratio is extrapolated from the measured per-article times.

10kGNAD is CC BY-NC-SA 4.0: it is read from ../shared, never copied into the repository.
"""
from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
GNAD = REPO.parent / "shared" / "data" / "10kgnad" / "test.csv"
BOILERPLATE = ("Foto: APA/dpa", "Mehr zum Thema", "Teilen auf Facebook", "Kommentar schreiben",
               "(APA, red, 14.3.2016)", "Dieser Artikel erschien zuerst in der Printausgabe.")
HEADLINES = ("Eilmeldung", "Neue Entwicklung", "Aktuell", "Hintergrund", "Bericht")


def load(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        return [row[1] for row in csv.reader(f, delimiter=";", quotechar="'") if len(row) >= 2]


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def syndicate(text: str, rng: random.Random, filler: list[str]) -> str:
    """Another headline, agency boilerplate, and 10 % of the sentences changed (a third of their
    words dropped or replaced by words from other articles)."""
    parts = sentences(text)
    for i in rng.sample(range(len(parts)), max(1, round(len(parts) * 0.1))):
        words = parts[i].split()
        for j in rng.sample(range(len(words)), max(1, len(words) // 3)):
            words[j] = rng.choice(filler) if rng.random() < 0.5 else ""
        parts[i] = " ".join(w for w in words if w)
    headline = f"{rng.choice(HEADLINES)}: {' '.join(parts[0].split()[:6])}"
    lines = [headline, rng.choice(BOILERPLATE), " ".join(parts[1:] if len(parts) > 2 else parts)]
    return "\n\n".join(lines + rng.sample(BOILERPLATE, 2))


def articles_of(texts: dict[str, str]):
    from qa.ingest.corpus import parse_text

    return [parse_text(name, text, "0" * 16) for name, text in texts.items()]


def quality(originals: list[str], copies: int, rng: random.Random) -> dict:
    from qa.ingest.duplicates import place, shingles

    filler = [w for text in originals[-50:] for w in text.split()]
    texts = {f"gnad_{i:04d}.txt": text for i, text in enumerate(originals)}
    truth = set()
    for i in range(copies):
        texts[f"kopie_{i:04d}.txt"] = syndicate(originals[i], rng, filler)
        truth.add(tuple(sorted((f"gnad_{i:04d}.txt", f"kopie_{i:04d}.txt"))))
    articles = articles_of(texts)
    started = time.perf_counter()
    placed, _ = place({}, articles, lambda source: None)
    seconds = time.perf_counter() - started
    groups: dict[str, list[str]] = {}
    for source, (group, _) in placed.items():
        if group:
            groups.setdefault(group, []).append(source)
    predicted = {tuple(sorted(p)) for members in groups.values() for p in combinations(members, 2)}
    hits = predicted & truth
    clean = {a.source: set(shingles(a.clean_text)) for a in articles}
    extra = [(a, b, len(clean[a] & clean[b]) / len(clean[a] | clean[b])) for a, b in sorted(predicted - truth)]
    return {"articles": len(articles), "copies": copies, "predicted_pairs": len(predicted),
            "precision": len(hits) / len(predicted) if predicted else 1.0, "recall": len(hits) / len(truth),
            "other_pairs": extra, "seconds": seconds, "ms_per_article": seconds / len(articles) * 1000}


def overhead(originals: list[str], scale: int, encoder_articles: int, rng: random.Random) -> dict:
    """Detection time per article at `scale` indexed articles, and the encoder's per article."""
    from qa.config import Settings
    from qa.embedding.embedder import load_embedder
    from qa.ingest.chunking import chunk_article
    from qa.ingest.duplicates import DuplicateIndex, fingerprint

    pool = [s for text in originals for s in sentences(text)]
    texts = list(originals)
    while len(texts) < scale:  # distinct pseudo-articles: sentences of different articles mixed
        texts.append(" ".join(rng.sample(pool, 12)))
    articles = articles_of({f"a{i:05d}.txt": t for i, t in enumerate(texts[:scale])})
    index, timings = DuplicateIndex(), []
    for article in articles:
        started = time.perf_counter()
        index.assign(article.source, fingerprint(article.clean_text))
        timings.append(time.perf_counter() - started)
    last = timings[-1000:]
    embedder = load_embedder(Settings())
    sample = articles[:encoder_articles]
    chunks = [c.text for a in sample for c in chunk_article(a)]
    embedder.embed_passages(chunks[:8])  # warm up
    started = time.perf_counter()
    embedder.embed_passages(chunks)
    encoder = (time.perf_counter() - started) / len(sample)
    detection = sum(last) / len(last)
    return {"scale": scale, "detection_ms_first_1000": sum(timings[:1000]) / 1000 * 1000,
            "detection_ms_last_1000": detection * 1000, "encoder_ms_per_article": encoder * 1000,
            "encoder_articles": len(sample), "encoder_chunks": len(chunks), "overhead": detection / encoder}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, default=GNAD)
    parser.add_argument("--copies", type=int, default=500)
    parser.add_argument("--scale", type=int, default=10000)
    parser.add_argument("--encoder", type=int, default=40, help="articles whose chunks the encoder embeds")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    originals = load(args.csv)
    q = quality(originals, args.copies, random.Random(args.seed))
    print(f"# near-duplicates: {q['articles']} articles ({q['copies']} syndicated copies), "
          f"{q['predicted_pairs']} pairs grouped")
    print(f"precision {q['precision']:.3f}  recall {q['recall']:.3f}  "
          f"detection {q['ms_per_article']:.2f} ms/article ({q['seconds']:.1f} s)")
    for a, b, jaccard in q["other_pairs"][:20]:
        print(f"  other pair: {a} {b} (Jaccard of the trigram sets {jaccard:.2f})")
    o = overhead(originals, args.scale, args.encoder, random.Random(args.seed))
    print(f"# overhead at {o['scale']} indexed articles: detection {o['detection_ms_last_1000']:.2f} ms/article "
          f"(first 1000: {o['detection_ms_first_1000']:.2f}), encoder {o['encoder_ms_per_article']:.0f} ms/article "
          f"({o['encoder_chunks']} chunks of {o['encoder_articles']} articles)")
    print(f"ingest time added by the detection: {o['overhead'] * 100:.2f} % (extrapolated from per-article times)")


if __name__ == "__main__":
    main()
