"""German question answering over news articles, with citations. See README.md."""
import os

# OpenMP threads (torch, llama.cpp) that spin while waiting collapse when anything else uses a core:
# on 2 shared cores a query embedding took 837 ms p50 instead of 30 ms (benchmarks/bench_pipeline.py).
# Must be set before torch loads libgomp; an explicit setting by the user wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
