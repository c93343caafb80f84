"""Start the browser UI: `python app.py [--port 7860] [--host 127.0.0.1] [--password ...]`,
the same as `qa serve` (settings from QA_* variables; see README)."""
import sys

from qa.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
