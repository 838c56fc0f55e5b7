"""factbot benchmarks (run: benchmarks/run.py)."""
