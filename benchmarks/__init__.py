"""Benchmarks of the nightly pipeline against a pandas baseline and the read-once DuckDB floor.

`kpiwh bench` (orchestration/cli.py) drives `benchmarks.runner`; every measured program runs as a
subprocess whose whole process tree is sampled for memory. No Dagster imports here: the nightly
job is measured exactly as `kpiwh run` runs it.
"""
