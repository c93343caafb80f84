"""`qa` – Fragen zu den Artikeln im Korpus beantworten, mit Quellenangaben.

    qa ingest [PFAD]            Index aufbauen/aktualisieren
    qa serve                    Weboberfläche und API starten (http://127.0.0.1:7860, /v1)
    qa ask "Frage"              eine Frage beantworten (--json: Batch-Datensatz)
    qa batch IN.jsonl --out OUT.jsonl
    qa eval GOLD.jsonl          Batch laufen lassen und bewerten
    qa eval --squad SET.json    SQuAD-Datensatz auswerten (--baseline, --limit N)
    qa train-reader / qa calibrate-reader   das Lesemodell trainieren und kalibrieren

This package is the only place that talks to people on the command line, in German, Click's
own texts included (`german`): the group (`group`) translates the library's QAError into German
messages and exit code 1; the commands live in
`questions` (ingest, ask, batch, serve) and `evaluation` (eval, train-reader, calibrate-reader).
Heavy imports (torch, chromadb) happen inside the commands, so `qa --help` stays fast.
"""
from __future__ import annotations

from qa.cli import evaluation, questions  # noqa: F401  the commands register themselves on `main`
from qa.cli.german import name_placeholders
from qa.cli.group import main  # the `qa` command (pyproject: qa.cli:main)

name_placeholders(main)
