"""Benchmarks for okr-es: run ``python -m benchmarks.run`` (see docs/performance.md)."""
