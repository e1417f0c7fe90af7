"""The benchmark's phases: each runs in a child process (`python -m pipelines.benchmarks.phases PHASE ARGS...`)
and prints one JSON line, so that its peak memory (VmHWM) is its own.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from ..config import load_config
from ..sqlfiles import run_steps, statement
from ..store import connect


def _open(store, *, read_only: bool = False):
    """The store as a step opens it: under the configuration's memory limit, spill folder and threads, so that a
    phase measures what `lokivahti` does (pipelines/store.py connect)."""
    return connect(store, read_only=read_only, config=load_config())


def _q(name: str) -> str:
    return statement("bench/phases.sql", name)


def _timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - t0, result


def synthesise_events(store: Path, reference: Path, out_csv: Path, n: int) -> Path:
    """Write a canonical CSV of n events replicated from the county beside `reference` (deterministic).

    The template store gets the county's reference data and every event file of its `events` folder once;
    sql/bench/synthesise_events.sql says why the events are replicated rather than drawn at random."""
    from ..ingest.engine import ingest_file
    from ..reference import import_reference

    con = _open(store)
    try:
        if con.execute(_q("reference_count")).fetchone()[0] == 0:
            import_reference(con, reference)
        if con.execute(_q("events_count")).fetchone()[0] == 0:
            for path in sorted(p for p in (reference.parent / "events").rglob("*") if p.is_file()):
                ingest_file(con, path)
        run_steps(con, "bench/synthesise_events.sql", {"n": n})
        con.table("bench_events").write_csv(str(out_csv), header=True)
    finally:
        con.close()
    return out_csv


def _child(phase: str, *args: str) -> dict:
    """Run one phase in a child process; returns its JSON result plus its peak memory."""
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.benchmarks.phases", phase, *args], capture_output=True, text=True, check=False
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
    con = duckdb.connect(db_path)
    t, _ = _timed(con.execute, _q("bare_read"), {"files": [str(p) for p in files]})
    rows = con.execute(_q("bare_count")).fetchall()[0][0]
    con.close()
    return {"seconds": t, "rows": rows, "peak_mib": _peak_mib()}


def phase_bare_read(csv_path: str, db_path: str) -> dict:
    return _bare_read([Path(csv_path)], db_path)


def phase_ingest(csv_path: str, store: str, reference: str) -> dict:
    from ..ingest.engine import ingest_file
    from ..reference import import_reference

    con = _open(store)
    if con.execute(_q("reference_count")).fetchone()[0] == 0:
        import_reference(con, Path(reference))
    t, tally = _timed(ingest_file, con, Path(csv_path))
    con.close()
    return {"seconds": t, "rows": tally.records_read, "new": tally.normalised_new,
            "quarantined": tally.quarantined, "peak_mib": _peak_mib()}


def phase_generate(size: str, seed: str, out: str) -> dict:
    """A generated county in the canonical CSV only (`lokivahti generate --formats canonical`)."""
    from ..generate import generate

    t, summary = _timed(generate, size, int(seed), Path(out), canonical_only=True)
    return {"seconds": t, "events": sum(summary.events.values()), "staff": summary.staff,
            "clients": summary.clients, "peak_mib": _peak_mib()}


def phase_generate_vectorised(size: str, seed: str, out: str) -> dict:
    """A county written by the vectorised generator (`lokivahti generate --size large|xlarge`)."""
    from ..generate.vectorised import generate_vectorised

    t, summary = _timed(generate_vectorised, size, int(seed), Path(out))
    return {"seconds": t, "events": sum(summary.events.values()), "staff": summary.staff,
            "clients": summary.clients, "files": summary.files, "peak_mib": _peak_mib()}


def phase_generate_store(size: str, seed: str, out: str) -> dict:
    """A county written by the vectorised generator straight into a store (out/pristine.duckdb, its reference
    folder beside it): the bench's xlarge county, ~100 M events that would be ~15 GB of CSV. The store is
    written under another name and renamed when complete, so an interrupted run is never taken for a cache."""
    from ..generate.vectorised import generate_vectorised

    folder = Path(out)
    partial = folder / "pristine.partial.duckdb"
    for stale in (partial, partial.with_name(partial.name + ".wal")):
        stale.unlink(missing_ok=True)
    t, summary = _timed(generate_vectorised, size, int(seed), folder, store=partial)
    partial.rename(folder / PRISTINE)
    return {"seconds": t, "events": sum(summary.events.values()), "staff": summary.staff,
            "clients": summary.clients, "files": summary.files, "peak_mib": _peak_mib()}


PRISTINE = "pristine.duckdb"


def county_files(county: Path) -> list[Path]:
    """A generated county's event files, in the order `lokivahti ingest` takes them (sorted)."""
    return sorted(p for p in (county / "events").rglob("*.csv") if p.is_file())


def phase_bare_read_folder(county: str, db_path: str) -> dict:
    """The baseline of a county's ingest: one read_csv over all its event files."""
    return _bare_read(county_files(Path(county)), db_path)


def phase_ingest_folder(county: str, store: str) -> dict:
    """`lokivahti reference` and `lokivahti ingest` of a generated county, file by file, as a user runs them."""
    from ..ingest.engine import ingest_files
    from ..reference import import_reference

    county_dir = Path(county)
    con = _open(store)
    import_reference(con, county_dir / "reference")
    t, tallies = _timed(ingest_files, con, county_files(county_dir))
    con.close()
    return {"seconds": t, "files": len(tallies), "rows": sum(x.records_read for x in tallies),
            "new": sum(x.normalised_new for x in tallies), "quarantined": sum(x.quarantined for x in tallies),
            "peak_mib": _peak_mib()}


# Each baseline is timed this many times and its median taken. The copy writes a temp table as large as the events
# (spilled past memory_limit), and one copy of the same ten million events took 3.85 s and 5.44 s in two runs of
# one afternoon while the check beside it took 15.6 and 16.0 s: a single run of the yardstick moved a ratio by a
# third. The median of three keeps one slow or fast copy from setting it; every run is reported.
BASELINE_RUNS = 3


def phase_bare_aggregation(store: str) -> dict:
    """The baseline of the check and scoring ratios; also a bare copy of the events table, printed beside them
    as a floor: any step that must carry every event's columns once (the check's context) costs at least it.
    Both are the median of BASELINE_RUNS runs (`runs`, `copy_runs`: each run's seconds)."""

    con = _open(store, read_only=True)
    runs, copy_runs = [], []
    for _ in range(BASELINE_RUNS):
        runs.append(_timed(lambda: con.execute(_q("bare_aggregation")).fetchall())[0])
        copy_runs.append(_timed(con.execute, _q("bare_copy"))[0])
        con.execute(_q("drop_bare_copy"))
    events = con.execute(_q("events_count")).fetchone()[0]
    con.close()
    return {"seconds": statistics.median(runs), "copy_seconds": statistics.median(copy_runs), "runs": runs,
            "copy_runs": copy_runs, "events": events, "peak_mib": _peak_mib()}


def phase_check(store: str) -> dict:
    """The full check as `lokivahti check --full` runs it (pipelines/steps.py), so the store is left as a user's
    is, with the client copy built; `seconds` is the check alone (the ratio's numerator), `step_seconds` the whole
    step with its duties (the client copy, the snapshot)."""
    from ..steps import check

    step_seconds, step = _timed(check, Path(store), config=load_config(), full=True)
    summary = step.detail.run
    t = summary.seconds
    return {"seconds": t, "step_seconds": step_seconds, "peak_mib": _peak_mib(), "partitions": summary.partitions,
            "events_checked": summary.events_checked, "context_seconds": summary.context_seconds,
            "store_seconds": summary.store_seconds, "rule_seconds": summary.rule_seconds,
            "findings": summary.findings_total}


def phase_score(store: str) -> dict:
    from ..scoring import score

    config = load_config()
    con = connect(store, config=config)
    t, summary = _timed(score, con, config)
    con.close()
    return {"seconds": t, "peak_mib": _peak_mib(), "summary": _jsonable(summary)}


def _timed_check_step(store: str):
    """The check step as `lokivahti check` runs it (pipelines/steps.py: the check, its duties, the snapshot):
    (seconds, the check's result, the step's own publication of the snapshot: its seconds and how, "updated" by
    what changed or "copied" whole)."""
    from ..steps import check

    t, step = _timed(check, Path(store), config=load_config())
    run = step.detail.run
    return t, run, step.publication


def phase_arrive_next_day(store: str, out_csv: str) -> dict:
    """A busy day's events arrive a day later (sql/bench/next_day.sql) and are ingested: the input of the check
    step that phase_check_step then times in a process of its own (so its peak memory is the step's own)."""
    from ..ingest.engine import ingest_file

    con = _open(store)
    run_steps(con, "bench/next_day.sql")
    con.table("bench_next_day").write_csv(str(out_csv), header=True)
    t_ingest, tally = _timed(ingest_file, con, Path(out_csv))
    con.close()
    return {"ingest_seconds": t_ingest, "new_events": tally.normalised_new, "peak_mib": _peak_mib()}


def phase_retro_reference(store: str, reference: str, work: str, days: str = "60") -> dict:
    """A retro-dated change of involvement: the reference folder is re-imported with one personal involvement
    row starting `days` days earlier (fewer when no row's start lies that far after the first event), so that the
    days it gains lie inside the events' span.
    phase_check_step then times the check step that follows, which must re-check only the account-days that row
    gains (its old days are unchanged), never the whole store."""
    import csv
    import shutil
    from datetime import timedelta

    from ..reference import import_reference

    folder = Path(work) / "reference-retro"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(reference, folder)
    con = _open(store)
    chosen = con.execute(_q("retro_involvement_row"), {"days": int(days)}).fetchone()
    path = folder / "involvement.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, changed = rows[0], None
    col = {name: i for i, name in enumerate(header)}
    for row in rows[1:]:
        if chosen and (row[col["client_id"]], row[col["staff_id"]], row[col["valid_from"]]) == (
                chosen[0], chosen[1], chosen[2].isoformat()):
            row[col["valid_from"]] = (chosen[2] - timedelta(days=chosen[3])).isoformat()
            changed = row
            break
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    t_import, _ = _timed(import_reference, con, folder)
    total = con.execute(_q("events_count")).fetchall()[0][0]
    con.close()
    return {"import_seconds": t_import, "changed_row": changed is not None, "events_total": total,
            "days_earlier": chosen[3] if chosen else 0, "peak_mib": _peak_mib()}


def phase_check_step(store: str) -> dict:
    """The check step a user waits for after new events or a reference change (the incremental check, its
    duties and the snapshot), timed whole, in its own process: `peak_mib` is the step's alone."""
    t, summary, publication = _timed_check_step(store)
    return {"seconds": t, "check_seconds": summary.seconds, "publish_seconds": publication["seconds"],
            "publish_how": publication["how"],
            "scope": summary.scope.kind, "scope_reason": summary.scope.reason,
            "scope_dates": len(summary.scope.dates), "events_checked": summary.events_checked,
            "partitions": summary.partitions, "peak_mib": _peak_mib()}


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
    from ..disclosure import answer_events, ensure_client_index
    from ..disclosure.answer import answer_events_live

    con = _open(store)
    client, n = con.execute(_q("busiest_client")).fetchall()[0]
    build_seconds, _ = _timed(ensure_client_index, con, force=True)
    build_peak = _peak_mib()
    con.close()  # the layout is built by `lokivahti check`; a request is answered later, on a connection of its own
    con = _open(store)
    period = (client, "2000-01-01", "2100-12-31")
    scan_times = [_timed(lambda: con.execute(_q("bare_scan")).fetchall())[0] for _ in range(7)]
    naive_times = [_timed(answer_events_live, con, *period)[0] for _ in range(7)]
    answer_times = [_timed(answer_events, con, *period)[0] for _ in range(7)]
    same = answer_events(con, *period).equals(answer_events_live(con, *period))
    # a typical request: the client at the median of events per client
    typical, n_typical = con.execute(_q("median_client")).fetchone()
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
    from ..disclosure.index import ensure_client_index
    from ..store import publish_snapshot

    con = _open(store)
    try:
        try:
            t_index, _ = _timed(ensure_client_index, con)
        except Exception as exc:  # noqa: BLE001 - the pages then read the live tables; reported, not fatal
            t_index = f"not built ({type(exc).__name__}: {exc})"
        counts = con.execute(_q("published_counts")).fetchone()
    finally:
        con.close()
    t_publish, _ = _timed(publish_snapshot, Path(store), config=load_config())
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
    "generate_vectorised": phase_generate_vectorised, "generate_store": phase_generate_store,
    "arrive_next_day": phase_arrive_next_day, "retro_reference": phase_retro_reference, "check_step": phase_check_step,
}


if __name__ == "__main__":
    phase, *args = sys.argv[1:]
    print(json.dumps(PHASES[phase](*args), default=str))
