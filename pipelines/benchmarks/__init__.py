"""Benchmarks, apart from the library: `lokivahti bench` prints every performance figure as a ratio to a bare
DuckDB operation on the same data, measured in the same run (docs/benchmarks.md).

phases.py: one measured step per child process; run.py: the driver; dashboard.py: page render timings.
Nothing here is imported by the pipeline itself.
"""

__all__ = ["run_benchmark", "run_county_benchmark"]


def __getattr__(name: str):
    """The driver on first use: `python -m pipelines.benchmarks.phases` runs in each child process, and a package
    that imported the driver (which imports phases) would load phases twice there."""
    if name in __all__:
        from . import run

        return getattr(run, name)
    raise AttributeError(name)
