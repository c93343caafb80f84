"""Articles of 10kGNAD (DER STANDARD, CC BY-NC-SA 4.0) written out at run time for evaluation sets.

10kGNAD may be used for benchmarks and evaluation only and never enters the repository: the
evaluation sets under benchmarks/ name articles by their row in `test.csv` ("gnad_0123.txt" is
the 0-based row 123) and this module writes their text, exactly as in the CSV field plus a
trailing newline, into a temporary corpus.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Iterable

DEFAULT_CSV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "10kgnad" / "test.csv"


def read_texts(csv_path: Path = DEFAULT_CSV) -> list[str]:
    """The article texts of test.csv, by row."""
    with open(csv_path, encoding="utf-8", newline="") as f:
        return [row[1] for row in csv.reader(f, delimiter=";", quotechar="'") if len(row) >= 2]


def name(row: int) -> str:
    return f"gnad_{row:04d}.txt"


def rows_cited(rows: Iterable[dict]) -> set[int]:
    """The 10kGNAD rows a gold file's rows name (in `sources` and `about`)."""
    found = set()
    for r in rows:
        for source in list(r.get("sources") or []) + ([r["about"]] if r.get("about") else []):
            if m := re.fullmatch(r"gnad_(\d+)\.txt", source):
                found.add(int(m.group(1)))
    return found


def write_articles(rows: Iterable[int], target: Path, csv_path: Path = DEFAULT_CSV) -> list[str]:
    """Write the articles of these rows into `target` (created); their file names."""
    texts = read_texts(csv_path)
    target.mkdir(parents=True, exist_ok=True)
    names = []
    for row in sorted(set(rows)):
        (target / name(row)).write_text(texts[row] + "\n", encoding="utf-8")
        names.append(name(row))
    return names
