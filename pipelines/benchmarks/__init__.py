"""Benchmarks, apart from the library: `lokivahti bench` prints every performance figure as a ratio to a bare
DuckDB operation on the same data, measured in the same run (docs/benchmarks.md).

phases.py: one measured step per child process; run.py: the driver; dashboard.py: page render timings.
Nothing here is imported by the pipeline itself.
"""

from .run import run_benchmark, run_county_benchmark

__all__ = ["run_benchmark", "run_county_benchmark"]
