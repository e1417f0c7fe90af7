"""Moved to pipelines/benchmarks/dashboard.py (the benchmarks live apart from the library); this name stays so
that existing imports and `python -m pipelines.dashboard_bench` keep working."""

from .benchmarks.dashboard import PAGES, ROLES, main, page_timings, role_timings

__all__ = ["PAGES", "ROLES", "main", "page_timings", "role_timings"]

if __name__ == "__main__":
    raise SystemExit(main())
