"""Benchmarks: every figure is printed as a ratio to a bare DuckDB operation on the same data, same run.

Not a timed test: `lokivahti bench` prints the figures; the issues quote them. Each heavy phase runs in a
child process so that its peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from . import SAMPLES_DIR
from .sqlfiles import run_steps
from .store import connect, snapshot_path, work_store_path


def _timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - t0, result


def synthesise_events(store: Path, reference: Path, out_csv: Path, n: int) -> Path:
    """Write a canonical CSV of n events replicated from the county beside `reference` (deterministic).

    The template store gets the county's reference data and every event file of its `events` folder once;
    sql/bench/synthesise_events.sql says why the events are replicated rather than drawn at random."""
    from .ingest.engine import ingest_file
    from .reference import import_reference

    con = connect(store)
    try:
        if con.execute("SELECT count(*) FROM ref_accounts").fetchone()[0] == 0:
            import_reference(con, reference)
        if con.execute("SELECT count(*) FROM events").fetchone()[0] == 0:
            for path in sorted(p for p in (reference.parent / "events").rglob("*") if p.is_file()):
                ingest_file(con, path)
        run_steps(con, "bench/synthesise_events.sql", {"n": n})
        target = str(out_csv).replace("'", "''")
        con.execute(f"COPY bench_events TO '{target}' (HEADER, DELIMITER ',')")
    finally:
        con.close()
    return out_csv


def _child(phase: str, *args: str) -> dict:
    """Run one phase in a child process; returns its JSON result plus its peak memory."""
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.bench", phase, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bench phase {phase} failed: {proc.stderr.strip().splitlines()[-1:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _peak_mib() -> float:
    """This process's own peak resident memory (VmHWM). ru_maxrss is not used: Linux carries the parent's
    high-water mark across fork + exec, so a child would report the bench driver's peak as its own."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- phases (each runs in its own process) -------------------------------------------------------------

def phase_synthesise(store: str, reference: str, out_csv: str, n: str) -> dict:
    t, _ = _timed(synthesise_events, Path(store), Path(reference), Path(out_csv), int(n))
    return {"seconds": t, "peak_mib": _peak_mib()}


def _bare_read(files: list[Path], db_path: str) -> dict:
    """One read_csv over the files (types detected) into a table: the baseline of every ingest figure."""
    listed = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
    con = duckdb.connect(db_path)
    t, _ = _timed(con.execute, f"CREATE OR REPLACE TABLE bare AS SELECT * FROM read_csv([{listed}], header = true, "
                               "union_by_name = true)")
    rows = con.execute("SELECT count(*) FROM bare").fetchall()[0][0]
    con.close()
    return {"seconds": t, "rows": rows, "peak_mib": _peak_mib()}


def phase_bare_read(csv_path: str, db_path: str) -> dict:
    return _bare_read([Path(csv_path)], db_path)


def phase_ingest(csv_path: str, store: str, reference: str) -> dict:
    from .ingest.engine import ingest_file
    from .reference import import_reference

    con = connect(store)
    if con.execute("SELECT count(*) FROM ref_accounts").fetchone()[0] == 0:
        import_reference(con, Path(reference))
    con.execute("SET memory_limit = '1536MB'")
    t, tally = _timed(ingest_file, con, Path(csv_path))
    con.close()
    return {"seconds": t, "rows": tally.records_read, "new": tally.normalised_new,
            "quarantined": tally.quarantined, "peak_mib": _peak_mib()}


def phase_generate(size: str, seed: str, out: str) -> dict:
    """A generated county in the canonical CSV only (`lokivahti generate --formats canonical`)."""
    from .generate import generate

    t, summary = _timed(generate, size, int(seed), Path(out), canonical_only=True)
    return {"seconds": t, "events": sum(summary.events.values()), "staff": summary.staff,
            "clients": summary.clients, "peak_mib": _peak_mib()}


def county_files(county: Path) -> list[Path]:
    """A generated county's event files, in the order `lokivahti ingest` takes them (sorted)."""
    return sorted(p for p in (county / "events").rglob("*.csv") if p.is_file())


def phase_bare_read_folder(county: str, db_path: str) -> dict:
    """The baseline of a county's ingest: one read_csv over all its event files."""
    return _bare_read(county_files(Path(county)), db_path)


def phase_ingest_folder(county: str, store: str) -> dict:
    """`lokivahti reference` and `lokivahti ingest` of a generated county, file by file, as a user runs them."""
    from .ingest.engine import ingest_files
    from .reference import import_reference

    county_dir = Path(county)
    con = connect(store)
    import_reference(con, county_dir / "reference")
    con.execute("SET memory_limit = '1536MB'")
    t, tallies = _timed(ingest_files, con, county_files(county_dir))
    con.close()
    return {"seconds": t, "files": len(tallies), "rows": sum(x.records_read for x in tallies),
            "new": sum(x.normalised_new for x in tallies), "quarantined": sum(x.quarantined for x in tallies),
            "peak_mib": _peak_mib()}


BARE_AGGREGATION = "SELECT account, count(*), count(DISTINCT client_id) FROM events GROUP BY account"


BARE_COPY = "CREATE TEMP TABLE bare_copy AS SELECT * EXCLUDE (raw) FROM events"


def phase_bare_aggregation(store: str) -> dict:
    """The baseline of the check and scoring ratios; also a bare copy of the events table, printed beside them
    as a floor: any step that must carry every event's columns once (the check's context) costs at least it."""
    con = connect(store, read_only=True)
    t, _ = _timed(lambda: con.execute(BARE_AGGREGATION).fetchall())
    t_copy, _ = _timed(con.execute, BARE_COPY)
    con.close()
    return {"seconds": t, "copy_seconds": t_copy, "peak_mib": _peak_mib()}


def phase_check(store: str) -> dict:
    from .checks.runner import run_checks
    from .config import load_config

    con = connect(store)
    t, summary = _timed(run_checks, con, config=load_config(), store_path=Path(store), full=True)
    con.close()
    return {"seconds": t, "peak_mib": _peak_mib(), "summary": _jsonable(summary)}


def phase_score(store: str) -> dict:
    from .config import load_config
    from .scoring import score

    con = connect(store)
    t, summary = _timed(score, con, load_config())
    con.close()
    return {"seconds": t, "peak_mib": _peak_mib(), "summary": _jsonable(summary)}


BARE_SCAN = "SELECT count(*), max(length(document)), max(record_no) FROM events WHERE client_id <> ''"


def _fraction(ratio: float) -> str:
    """A time ratio as the bench prints it: 1/N when faster, Nx when slower."""
    return f"1/{1 / ratio:.1f}" if ratio < 1 else f"{ratio:.2f}x"


def phase_disclosure(store: str) -> dict:
    """One client's answer (the client with the most events, over all time), three ways in the same run:
    from the client layout (`answer_events`), the same answer without it (`answer_events_live`: the same
    enrichment over `events` as ingested, which reads every row group), and a bare aggregate scan of events.
    The client layout is built first (forced; its one-off cost and peak memory are reported), then the store is
    reopened as `lokivahti disclose` opens it. Each is repeated 7 times and its minimum kept; the two answers
    are compared value for value."""
    from .disclosure import answer_events, ensure_client_index
    from .disclosure.answer import answer_events_live

    con = connect(store)
    client, n = con.execute(
        "SELECT client_id, count(*) FROM events WHERE client_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
    ).fetchall()[0]
    build_seconds, _ = _timed(ensure_client_index, con, force=True)
    build_peak = _peak_mib()
    con.close()  # the layout is built by `lokivahti check`; a request is answered later, on a connection of its own
    con = connect(store)
    period = (client, "2000-01-01", "2100-12-31")
    scan_times = [_timed(lambda: con.execute(BARE_SCAN).fetchall())[0] for _ in range(7)]
    naive_times = [_timed(answer_events_live, con, *period)[0] for _ in range(7)]
    answer_times = [_timed(answer_events, con, *period)[0] for _ in range(7)]
    same = answer_events(con, *period).equals(answer_events_live(con, *period))
    # a typical request: the client at the median of events per client
    typical, n_typical = con.execute(
        "SELECT client_id, n FROM (SELECT client_id, count(*) AS n FROM events WHERE client_id IS NOT NULL "
        "GROUP BY 1) ORDER BY n, client_id LIMIT 1 OFFSET (SELECT count(DISTINCT client_id) // 2 FROM events)"
    ).fetchone()
    typical_period = (typical, "2000-01-01", "2100-12-31")
    typical_answer = min(_timed(answer_events, con, *typical_period)[0] for _ in range(7))
    typical_naive = min(_timed(answer_events_live, con, *typical_period)[0] for _ in range(7))
    con.close()
    return {"full_scan_seconds": min(scan_times), "answer_seconds": min(answer_times), "client_events": n,
            "typical_client_events": n_typical, "typical_answer_seconds": typical_answer,
            "typical_naive_answer_seconds": typical_naive,
            "naive_answer_seconds": min(naive_times), "answers_equal": same,
            "layout_build_seconds": build_seconds, "layout_build_peak_mib": build_peak, "peak_mib": _peak_mib()}


def phase_publish(store: str) -> dict:
    """What `lokivahti check` does after its rules: the request answers' client index, then the snapshot the
    dashboard reads (the check and score phases call the library, which publishes nothing)."""
    from .disclosure.index import ensure_client_index
    from .store import publish_snapshot

    con = connect(store)
    try:
        try:
            t_index, _ = _timed(ensure_client_index, con)
        except Exception as exc:  # noqa: BLE001 - the pages then read the live tables; reported, not fatal
            t_index = f"not built ({type(exc).__name__}: {exc})"
        counts = con.execute("SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM findings), "
                             "(SELECT count(*) FROM scores)").fetchone()
    finally:
        con.close()
    t_publish, _ = _timed(publish_snapshot, Path(store))
    return {"index_seconds": t_index, "seconds": t_publish, "events": counts[0], "findings": counts[1],
            "scores": counts[2], "peak_mib": _peak_mib()}


def _jsonable(obj):
    try:
        json.dumps(obj)
        return obj
    except TypeError:
        return str(obj)


PHASES = {
    "synthesise": phase_synthesise,
    "bare_read": phase_bare_read, "ingest": phase_ingest, "bare_aggregation": phase_bare_aggregation,
    "check": phase_check, "score": phase_score, "publish": phase_publish, "disclosure": phase_disclosure,
    "generate": phase_generate, "bare_read_folder": phase_bare_read_folder, "ingest_folder": phase_ingest_folder,
}


# ---- the whole benchmark ----------------------------------------------------------------------------------

def run_benchmark(out_dir: Path, sizes: list[int], reference: Path | None = None, pages: bool = True,
                  echo=print, county: str | None = "medium") -> dict:
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
        _measure_store(d / "store.duckdb", f"[{n:,} events]", r, echo)
        results["sizes"][n] = r
    if len(sizes) >= 2 and all("check" in results["sizes"][s] for s in sizes):
        small, large = min(sizes), max(sizes)
        growth = results["sizes"][large]["check"]["seconds"] / results["sizes"][small]["check"]["seconds"]
        results["check_growth"] = growth
        echo(f"checks {large:,} vs {small:,} events: {growth:.2f}x time for {large / small:.0f}x events "
             f"(target <= 12 for 10x)")
    if pages and sizes:
        results["pages"] = _page_timings(out_dir / f"n{min(sizes)}", results["sizes"][min(sizes)], echo)
    if county:
        results["county"] = run_county_benchmark(out_dir, county, echo, pages=pages)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2, default=str))
    return results


def run_county_benchmark(out_dir: Path, size: str, echo=print, *, pages: bool = True, seed: int = 7) -> dict:
    """The same figures on a generated county (`lokivahti generate --size SIZE --formats canonical`): its own
    staff, clients and rhythm instead of the small county's events replicated, so that the per-client and
    per-account densities are a real county's. The dashboard's target (< 2 s per page) is set on the medium
    county; the generated files are kept for the next run."""
    d = out_dir / f"county-{size}"
    d.mkdir(parents=True, exist_ok=True)
    tag = f"({size} county)"  # rich would read "[medium county]" as markup and drop it
    r: dict = {}
    if not county_files(d):
        r["generate"] = g = _child("generate", size, str(seed), str(d))
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
    _measure_store(store, tag, r, echo)
    if pages:
        r["pages"] = _page_timings(d, r, echo)
    return r


def _measure_store(store: Path, tag: str, r: dict, echo) -> None:
    """Bare aggregation vs checks and scoring, and a client's answer vs the same answer without the layout, on
    a store that holds its reference data and events (results into r)."""
    r["bare_aggregation"] = _child("bare_aggregation", str(store))
    base, copy = r["bare_aggregation"]["seconds"], r["bare_aggregation"]["copy_seconds"]
    for phase, target in (("check", 5), ("score", 3)):
        try:
            r[phase] = _child(phase, str(store))
            r[f"{phase}_ratio"] = r[phase]["seconds"] / base
            echo(f"{tag} {phase} {r[phase]['seconds']:.2f} s = {r[f'{phase}_ratio']:.2f}x bare aggregation "
                 f"({base:.3f} s) (target <= {target}); = {r[phase]['seconds'] / copy:.2f}x a bare copy of the "
                 f"events table ({copy:.2f} s); peak {r[phase]['peak_mib']:.0f} MiB")
        except RuntimeError as exc:
            echo(f"{tag} {phase}: not measured ({exc})")
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
        from .dashboard_bench import role_timings

        timings = role_timings(d / "store.duckdb", echo=lambda role, page, seconds: echo(
            f"{tag} dashboard page {page} ({role}): first render {seconds:.2f} s (target < 2)"))
    except Exception as exc:  # noqa: BLE001 - a missing part is reported, not fatal
        echo(f"dashboard page timings: not measured ({exc})")
        return {}
    worst = max(timings.values(), default=0.0)
    echo(f"{tag} dashboard: slowest first render {worst:.2f} s (target < 2)")
    return {f"{role}/{page}": seconds for (role, page), seconds in timings.items()}


if __name__ == "__main__":
    phase, *args = sys.argv[1:]
    print(json.dumps(PHASES[phase](*args), default=str))
