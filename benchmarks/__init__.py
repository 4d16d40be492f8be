"""Benchmarks: `python -m benchmarks.run` (see README, "Performance")."""
