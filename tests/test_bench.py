"""`lokivahti bench` end to end on small inputs: every phase runs and reports what the issues quote.

Not a timed test: nothing here compares a duration with a target. It asserts that each figure is measured on
the data it claims (rows ingested, the same answer two ways), so that the benchmark cannot silently measure
an empty store or a failed phase.
"""

from __future__ import annotations

import json

import pytest

from pipelines.benchmarks import run_benchmark

pytestmark = pytest.mark.slow


def test_the_benchmark_measures_every_phase_on_replicated_and_generated_events(tmp_path):
    lines: list[str] = []
    results = run_benchmark(tmp_path, [20_000], pages=False, echo=lines.append, county="tiny")

    replicated = results["sizes"][20_000]
    assert replicated["ingest"]["rows"] == 20_000 and replicated["ingest"]["quarantined"] == 0
    assert replicated["bare_read"]["rows"] == 20_000
    for phase in ("check", "score", "disclosure"):
        assert phase in replicated, f"{phase} not measured: {lines}"
    assert replicated["disclosure"]["answers_equal"]
    assert replicated["check"]["seconds"] > 0 and replicated["ingest_ratio"] > 0

    county = results["county"]
    # every generated event is stored once; the files also hold the planted overlapping re-export
    assert county["ingest"]["rows"] == county["bare_read"]["rows"] > county["generate"]["events"]
    assert county["ingest"]["new"] == county["generate"]["events"]
    assert county["disclosure"]["answers_equal"]
    assert any(line.startswith("(tiny county)") and "client answer" in line for line in lines)
    assert json.loads((tmp_path / "results.json").read_text())["county"]["ingest_ratio"] > 0
