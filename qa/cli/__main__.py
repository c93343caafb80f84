"""`python -m qa.cli`: the same command line as `qa` (qa.cli.main); nothing of its own."""
from qa.cli import main

main()
