"""The whole benchmark: for each size, synthesise or generate the events, then every phase against its bare
baseline measured in the same run (docs/benchmarks.md says what each figure is).
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import SAMPLES_DIR
from ..store import snapshot_path, work_store_path
from .phases import _child, _fraction, county_files


def run_benchmark(out_dir: Path, sizes: list[int], reference: Path | None = None, pages: bool = True,
                  echo=print, county: str | None = "medium", skip: frozenset[str] = frozenset()) -> dict:
    """For each size: synthesise, bare read vs ingest, bare aggregation vs checks/scoring, answer vs scan."""
    reference = reference or SAMPLES_DIR / "small" / "reference"
    out_dir.mkdir(parents=True, exist_ok=True)
    results: dict = {"sizes": {}}
    for n in sizes:
        d = out_dir / f"n{n}"
        d.mkdir(exist_ok=True)
        csv_path = d / "events.csv"
        if not csv_path.exists():
            t = _child("synthesise", str(d / "synth.duckdb"), str(reference), str(csv_path), str(n))["seconds"]
            echo(f"[{n:,} events] synthesised canonical CSV in {t:.1f} s ({csv_path.stat().st_size / 2**20:.0f} MiB)")
        store = d / "store.duckdb"
        # a snapshot or work store left by an earlier run would show the dashboard that run's findings
        for stale in (store, d / "bare.duckdb", snapshot_path(store), work_store_path(store)):
            stale.unlink(missing_ok=True)
        r: dict = {}
        r["bare_read"] = _child("bare_read", str(csv_path), str(d / "bare.duckdb"))
        r["ingest"] = _child("ingest", str(csv_path), str(d / "store.duckdb"), str(reference))
        r["ingest_ratio"] = r["ingest"]["seconds"] / r["bare_read"]["seconds"]
        echo(f"[{n:,} events] bare read_csv {r['bare_read']['seconds']:.2f} s; ingest {r['ingest']['seconds']:.2f} s "
             f"= {r['ingest_ratio']:.2f}x (target <= 3); ingest peak memory {r['ingest']['peak_mib']:.0f} MiB "
             f"(target <= 2048)")
        _measure_store(d / "store.duckdb", f"[{n:,} events]", r, echo, reference=reference, skip=skip)
        results["sizes"][n] = r
    if len(sizes) >= 2 and all("check" in results["sizes"][s] for s in sizes):
        small, large = min(sizes), max(sizes)
        growth = results["sizes"][large]["check"]["seconds"] / results["sizes"][small]["check"]["seconds"]
        results["check_growth"] = growth
        echo(f"checks {large:,} vs {small:,} events: {growth:.2f}x time for {large / small:.0f}x events "
             f"(target <= 11 for 10x)")
    if pages and sizes:
        results["pages"] = _page_timings(out_dir / f"n{min(sizes)}", results["sizes"][min(sizes)], echo)
    if county:
        results["county"] = run_county_benchmark(out_dir, county, echo, pages=pages, skip=skip)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2, default=str))
    return results


def run_county_benchmark(out_dir: Path, size: str, echo=print, *, pages: bool = True, seed: int = 7,
                         skip: frozenset[str] = frozenset()) -> dict:
    """The same figures on a generated county (`lokivahti generate --size SIZE --formats canonical`): its own
    staff, clients and rhythm instead of the small county's events replicated, so that the per-client and
    per-account densities are a real county's. The dashboard's target (< 2 s per page) is set on the medium
    county; the generated files are kept for the next run."""
    d = out_dir / f"county-{size}"
    d.mkdir(parents=True, exist_ok=True)
    tag = f"({size} county)"  # rich would read "[medium county]" as markup and drop it
    r: dict = {}
    if not county_files(d):
        from ..generate.sizes import VECTORISED

        r["generate"] = g = _child("generate_vectorised" if size in VECTORISED else "generate", size, str(seed), str(d))
        echo(f"{tag} generated {g['events']:,} events, {g['staff']:,} staff, {g['clients']:,} clients in "
             f"{g['seconds']:.0f} s (peak {g['peak_mib']:.0f} MiB)")
    store = d / "store.duckdb"
    for stale in (store, d / "bare.duckdb", snapshot_path(store), work_store_path(store)):
        stale.unlink(missing_ok=True)
    r["bare_read"] = _child("bare_read_folder", str(d), str(d / "bare.duckdb"))
    r["ingest"] = _child("ingest_folder", str(d), str(store))
    r["ingest_ratio"] = r["ingest"]["seconds"] / r["bare_read"]["seconds"]
    echo(f"{tag} {r['ingest']['rows']:,} events in {r['ingest']['files']} files: bare read_csv "
         f"{r['bare_read']['seconds']:.2f} s; ingest {r['ingest']['seconds']:.2f} s = {r['ingest_ratio']:.2f}x "
         f"(target <= 3); peak {r['ingest']['peak_mib']:.0f} MiB")
    _measure_store(store, tag, r, echo, reference=d / "reference", skip=skip)
    if pages:
        r["pages"] = _page_timings(d, r, echo)
    return r


def _measure_store(store: Path, tag: str, r: dict, echo, *, reference: Path, skip: frozenset[str] = frozenset()) -> None:
    """Bare aggregation and bare copy vs checks and scoring, a client's answer vs the same answer without the
    layout, then the incremental checks (a new day; a retro-dated involvement change), on a store that holds
    its reference data and events (results into r). Phases named in `skip` are not run."""
    r["bare_aggregation"] = _child("bare_aggregation", str(store))
    base, copy = r["bare_aggregation"]["seconds"], r["bare_aggregation"]["copy_seconds"]
    for phase, target in (("check", 3), ("score", 1.5)):
        if phase in skip:
            continue
        try:
            r[phase] = _child(phase, str(store))
            r[f"{phase}_ratio"] = r[phase]["seconds"] / base
            r[f"{phase}_copy_ratio"] = r[phase]["seconds"] / copy
            parts = f" in {r[phase]['partitions']} partitions" if "partitions" in r[phase] else ""
            echo(f"{tag} {phase} {r[phase]['seconds']:.2f} s{parts} = {r[f'{phase}_copy_ratio']:.2f}x a bare copy of "
                 f"the events table ({copy:.2f} s) (target <= {target}); = {r[f'{phase}_ratio']:.2f}x bare "
                 f"aggregation ({base:.3f} s); peak {r[phase]['peak_mib']:.0f} MiB (target <= 2048)")
        except RuntimeError as exc:
            echo(f"{tag} {phase}: not measured ({exc})")
    if "disclosure" not in skip:
        _measure_disclosure(store, tag, r, echo, copy)
    if "incremental" not in skip and "check" in r:
        _measure_incremental(store, tag, r, echo, reference)


def _measure_incremental(store: Path, tag: str, r: dict, echo, reference: Path) -> None:
    """The two incremental figures of a checked store: each must stay under 10 s however large the store."""
    try:
        r["next_day"] = n = _child("next_day", str(store), str(store.parent / "next_day.csv"))
        echo(f"{tag} incremental check of one new day ({n['new_events']:,} events, ingested in "
             f"{n['ingest_seconds']:.1f} s): {n['seconds']:.2f} s over {n['events_checked']:,} events "
             f"({n['scope']}, {n['scope_dates']} dates) (target < 10); peak {n['peak_mib']:.0f} MiB")
        r["retro_involvement"] = x = _child("retro_involvement", str(store), str(reference), str(store.parent))
        echo(f"{tag} retro-dated involvement change (reference re-imported in {x['import_seconds']:.1f} s): check "
             f"{x['seconds']:.2f} s over {x['events_checked']:,} of {x['events_total']:,} events ({x['scope']}: "
             f"{x['scope_reason']}) (target < 10); peak {x['peak_mib']:.0f} MiB")
    except RuntimeError as exc:
        echo(f"{tag} incremental checks: not measured ({exc})")


def _measure_disclosure(store: Path, tag: str, r: dict, echo, copy: float) -> None:
    try:
        r["disclosure"] = _child("disclosure", str(store))
        dr = r["disclosure"]
        r["disclosure_naive_ratio"] = dr["answer_seconds"] / dr["naive_answer_seconds"]
        r["disclosure_ratio"] = dr["answer_seconds"] / dr["full_scan_seconds"]
        echo(f"{tag} client answer {dr['answer_seconds'] * 1000:.1f} ms ({dr['client_events']:,} events) "
             f"vs the same answer without the client layout {dr['naive_answer_seconds'] * 1000:.1f} ms "
             f"= {_fraction(r['disclosure_naive_ratio'])} (target <= 1/20)"
             + ("" if dr["answers_equal"] else "; THE TWO ANSWERS DIFFER"))
        echo(f"{tag} client answer vs a bare aggregate scan of events "
             f"{dr['full_scan_seconds'] * 1000:.1f} ms = {_fraction(r['disclosure_ratio'])}; client layout built "
             f"once in {dr['layout_build_seconds']:.1f} s (peak {dr['layout_build_peak_mib']:.0f} MiB)")
        r["disclosure_copy_ratio"] = dr["answer_seconds"] / copy
        echo(f"{tag} client answer vs a full scan of events (a bare copy of every column, {copy:.2f} s) "
             f"= {_fraction(r['disclosure_copy_ratio'])}")
        r["disclosure_typical_ratio"] = dr["typical_answer_seconds"] / dr["typical_naive_answer_seconds"]
        echo(f"{tag} typical client (median, {dr['typical_client_events']:,} events): answer "
             f"{dr['typical_answer_seconds'] * 1000:.1f} ms vs without the layout "
             f"{dr['typical_naive_answer_seconds'] * 1000:.1f} ms = {_fraction(r['disclosure_typical_ratio'])}")
    except RuntimeError as exc:
        echo(f"{tag} disclosure: not measured ({exc})")


def _seconds(value) -> str:
    return f"{value:.2f} s" if isinstance(value, (int, float)) else str(value)


def _page_timings(d: Path, r: dict, echo) -> dict:
    """Each dashboard page's first render, for every role that sees it, on the size's checked and scored store
    (published first, as `lokivahti check` and `score` do). Not measured on a store the check or score
    phase failed on: its pages would show no findings or no anomalies and look faster than they are."""
    missing = [phase for phase in ("check", "score") if phase not in r]
    if missing:
        echo(f"dashboard page timings: not measured ({' and '.join(missing)} did not run on this store)")
        return {}
    try:
        r["publish"] = _child("publish", str(d / "store.duckdb"))
        p = r["publish"]
        tag = f"[{p['events']:,} events]"  # rich would read "[dashboard ...]" as markup and drop it
        echo(f"{tag} dashboard store: {p['findings']:,} findings, {p['scores']:,} scores; client index "
             f"{_seconds(p['index_seconds'])}, snapshot published in {p['seconds']:.2f} s")
        from .dashboard import role_timings

        timings = role_timings(d / "store.duckdb", echo=lambda role, page, seconds: echo(
            f"{tag} dashboard page {page} ({role}): first render {seconds:.2f} s (target < 2)"))
    except Exception as exc:  # noqa: BLE001 - a missing part is reported, not fatal
        echo(f"dashboard page timings: not measured ({exc})")
        return {}
    worst = max(timings.values(), default=0.0)
    echo(f"{tag} dashboard: slowest first render {worst:.2f} s (target < 2)")
    out = {f"{role}/{page}": seconds for (role, page), seconds in timings.items()}
    try:  # the same pages measured in Chromium: until Streamlit is idle and every chart is drawn
        from .browser import browser_timings

        shown = browser_timings(d / "store.duckdb", echo=lambda role, page, seconds: echo(
            f"{tag} dashboard page {page} ({role}) in Chromium: first render {seconds:.2f} s (target < 2)"))
        out |= {f"browser/{role}/{page}": seconds for (role, page), seconds in shown.items()}
        echo(f"{tag} dashboard in Chromium: slowest first render {max(shown.values(), default=0.0):.2f} s (target < 2)")
    except Exception as exc:  # noqa: BLE001 - no Chromium here: reported, not fatal
        echo(f"dashboard page timings in Chromium: not measured ({exc})")
    return out


