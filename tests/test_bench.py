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
    # the yardstick of the check and scoring ratios is the median of three bare copies, each printed: one copy
    # alone moved a ratio by a third on a shared machine
    base = replicated["bare_aggregation"]
    assert len(base["copy_runs"]) == 3 and base["copy_seconds"] == sorted(base["copy_runs"])[1]
    assert replicated["check_copy_ratio"] == replicated["check"]["seconds"] / base["copy_seconds"]
    assert any("the median of " + ", ".join(f"{x:.2f}" for x in base["copy_runs"]) in line for line in lines)
    # and the check is the median of three, two on fresh copies of the unchecked store: each is printed, and no
    # copy is left behind
    check = replicated["check"]
    assert len(check["runs"]) == 3 and check["seconds"] == sorted(check["runs"])[1]
    assert any("the median of " + ", ".join(f"{x:.2f}" for x in check["runs"]) in line for line in lines)
    assert not list(tmp_path.rglob("check-repeat*"))

    county = results["county"]
    # every generated event is stored once; the files also hold the planted overlapping re-export
    assert county["ingest"]["rows"] == county["bare_read"]["rows"] > county["generate"]["events"]
    assert county["ingest"]["new"] == county["generate"]["events"]
    assert county["disclosure"]["answers_equal"]
    assert any(line.startswith("(tiny county)") and "client answer" in line for line in lines)
    # the retro-dated change moves a row's start inside the events' span: its check has events to re-check,
    # and re-checks them without re-checking the store
    retro = county["retro_involvement"]
    assert retro["changed_row"] and 0 < retro["events_checked"] < retro["events_total"], retro
    assert json.loads((tmp_path / "results.json").read_text())["county"]["ingest_ratio"] > 0


def test_a_county_generated_into_a_store_is_made_once_and_each_run_measures_a_fresh_copy(tmp_path, monkeypatch):
    # the xlarge county (~100 M events) is generated straight into a store, kept, and copied for each run: a check
    # (which stores findings) or a new day (which adds events) must never leave its mark on the next run's data
    from pipelines.benchmarks import run as bench_run

    monkeypatch.setattr(bench_run, "STORE_COUNTIES", ("small",))
    lines: list[str] = []
    skip = frozenset({"score", "disclosure"})
    first = bench_run.run_county_benchmark(tmp_path, "small", lines.append, pages=False, skip=skip)
    assert first["generate"]["events"] == first["events_total"] > 30_000
    assert first["check"]["events_checked"] == first["events_total"]
    assert first["next_day"]["new_events"] > 0
    second = bench_run.run_county_benchmark(tmp_path, "small", lines.append, pages=False, skip=skip)
    assert "generate" not in second and any("generated store reused" in line for line in lines)
    assert second["events_total"] == first["events_total"]


def test_a_phase_that_fails_is_reported_and_the_others_still_run(tmp_path, monkeypatch):
    from pipelines.benchmarks import run as bench_run

    def child(phase, *args):
        if phase == "check":
            raise RuntimeError("bench phase check failed: ['Out of Memory Error']")
        return {"seconds": 2.0, "copy_seconds": 1.0, "events": 100_000_000, "peak_mib": 10.0, "summary": {}}

    monkeypatch.setattr(bench_run, "_child", child)
    lines: list[str] = []
    r: dict = {}
    bench_run._measure_store(tmp_path / "store.duckdb", "(xlarge county)", r, lines.append,
                             reference=tmp_path, skip=frozenset({"disclosure"}))
    assert any("check: not measured" in line and "Out of Memory" in line for line in lines)
    assert r["score_copy_ratio"] == 2.0 and "check" not in r
    assert "next_day" not in r  # an incremental check needs a checked store
