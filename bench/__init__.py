"""Benchmarks. `make bench` (or `.venv/bin/python -m bench`) runs them; see docs/benchmarks.md."""
