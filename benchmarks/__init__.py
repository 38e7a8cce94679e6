"""Benchmarks and their synthetic-data generators (run with python -m benchmarks.NAME)."""
