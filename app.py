"""Start the browser UI: `python app.py [--port 7860] [--host 127.0.0.1] [--password ...]`.

Builds or updates the index first, then serves on 127.0.0.1 (no share link, analytics off).
Environment: QA_PORT, QA_HOST, QA_UI_USER (default "qa"), QA_UI_PASSWORD, and the QA_* settings.
"""
import argparse
import logging
import os
import sys

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before anything imports gradio


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Weboberfläche für Fragen an die Nachrichtenartikel.",
                                     add_help=False)
    parser.add_argument("-h", "--help", action="help", help="Diese Hilfe anzeigen.")
    parser.add_argument("--host", default=os.environ.get("QA_HOST") or "127.0.0.1",
                        help="Adresse (QA_HOST; Standard 127.0.0.1, andere Adressen nur mit Passwort).")
    parser.add_argument("--port", type=int, default=os.environ.get("QA_PORT") or 7860, help="Port (QA_PORT; Standard 7860).")
    parser.add_argument("--password", default=os.environ.get("QA_UI_PASSWORD"),
                        help="Passwort für die Anmeldung (QA_UI_PASSWORD); Benutzername: QA_UI_USER oder „qa“.")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")

    from qa.config import Settings
    from qa.errors import QAError
    from qa.pipeline import Pipeline
    from qa.ui import check_bind, launch

    auth = (os.environ.get("QA_UI_USER") or "qa", args.password) if args.password else None
    try:
        check_bind(args.host, auth)
        settings = Settings.from_env()
        pipeline = Pipeline(settings)
        print("Index wird geprüft …", flush=True)
        report = pipeline.ensure_index(progress=True)
        print(report.summary() if report else "Index ist aktuell.", flush=True)
        for _, reason in report.skipped if report else ():
            print(f"Warnung: {reason}", file=sys.stderr)
        app = launch(settings, host=args.host, port=args.port, auth=auth, pipeline=pipeline, block=False)
        print(f"Oberfläche: http://{args.host}:{args.port} (beenden mit Strg+C)", flush=True)
        app.block_thread()
    except QAError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
    except OSError:  # port taken, address not available
        print(f"Fehler: Die Oberfläche kann nicht auf {args.host}:{args.port} starten – ist der Port belegt? "
              "Einen anderen mit --port oder QA_PORT wählen.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
