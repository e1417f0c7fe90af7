"""The pipeline's steps: reference -> ingest -> check -> score, each with the duties that follow it.

Every face calls these: the commands (`lokivahti reference|ingest|check|score`), the dashboard's sample loader
and the benchmark. A step opens the store, does its work, closes the store, then does its follow-up duties,
so no face has to remember them:

- check: imports the dashboard's own access log first (the auditors are audited by the same rules), then
  rebuilds the client-sorted copy request answers read, then publishes the snapshot the dashboard reads;
- score: brings the client-sorted copy up to date with the model's findings, then publishes the snapshot (when
  there was anything to score);
- reference and ingest publish nothing: their data reaches the dashboard through the next check.

Each step returns a StepResult: what it did (`detail`, the step's own result), what went wrong with the
input (`problems`, one line each), and the snapshot it published. Configuration is passed in, never looked up.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, LokivahtiError
from .sqlfiles import statement
from .store import connect, publish_snapshot_detail, work_store_path

ORDER = ("reference", "ingest", "check", "score")
# Without these the later steps have nothing to work on: a run stops after their failure.
REQUIRED = ("reference", "ingest")


@dataclass
class StepResult:
    step: str
    detail: object = None                 # the step's own result: see each step
    problems: list[str] = field(default_factory=list)
    published: Path | None = None         # the snapshot published after the step, if any
    publication: dict | None = None       # how it was published (pipelines/store.py publish_snapshot_detail)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def _done(result: StepResult, started: float) -> StepResult:
    result.seconds = time.perf_counter() - started
    return result


def reference(store: Path, folder: Path, *, config: dict) -> StepResult:
    """Imports a reference-data folder (replaces the previous snapshot of it). detail: the import's summary
    ({import_id, rows, rejects}); rows kept out are in `rejects`, not problems (the import went through)."""
    from .reference import import_reference

    t0 = time.perf_counter()
    con = connect(store, config=config)
    try:
        detail = import_reference(con, Path(folder))
    finally:
        con.close()
    return _done(StepResult("reference", detail), t0)


def expand_folders(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a folder becomes the files below it, in path order (hidden files skipped)."""
    expanded: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            expanded.extend(sorted(p for p in path.rglob("*") if p.is_file()
                                   and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        else:
            expanded.append(path)
    return expanded


def ingest(store: Path, paths: Iterable[Path], *, config: dict, source: str | None = None,
           on_file: Callable | None = None) -> StepResult:
    """Ingest event files (folders stand for the files below them), each file (or a batch of canonical CSV files,
    pipelines/ingest/engine.py) in its own transaction.
    detail: the Tally of every file ingested. A file with bad input is refused, named in `problems`, and
    the store is as it was before that file; the other files go in. `on_file(path, tally, problem)` is
    called after each file (tally None when it was refused)."""
    from .ingest.engine import ingest_files

    t0 = time.perf_counter()
    result = StepResult("ingest", [])
    files = expand_folders(paths)
    con = connect(store, config=config)

    def each(path, tally, refusal: InputError | None) -> None:
        problem = None
        if refusal is not None:
            problem = f"{refusal} (file not ingested; store unchanged)"
            result.problems.append(problem)
        else:
            result.detail.append(tally)
        if on_file:
            on_file(path, tally, problem)

    try:
        ingest_files(con, files, source=source, config=config, on_file=each)
    finally:
        con.close()
    return _done(result, t0)


@dataclass
class Checked:
    """What `check` did: the check run, the explained share per source system, and the own-use log's import
    (rows imported, dashboard users the users file does not know)."""
    run: object
    shares: object
    own_use: object = None


def check(store: Path, *, config: dict, full: bool = False) -> StepResult:
    """Run the rule catalogue (incrementally unless `full`) with the work store's review status, then the
    duties: the client-sorted copy for request answers (only the client-days whose verdicts the run changed are
    replaced, with those of the new events: after a new day, not its whole margin; after a retro-dated reference
    change, not every account-day it re-examined),
    and the published snapshot. detail: Checked; its shares are the explained share of the examined events."""
    from .checks.runner import run_check
    from .disclosure.index import client_copy_piece_events, update_client_index
    from .ingest.applog import import_app_access_log
    from .workstore import current_reviews

    t0 = time.perf_counter()
    work = work_store_path(Path(store))
    con = connect(store, config=config)
    try:
        imported = import_app_access_log(con, work, config)
        run = run_check(con, config, force_full=full, reviews=current_reviews(work))
        shares = run.shares  # of the events this run examined: the duties cost what the check cost
        update_client_index(con, "chk_touched", previous_check_run=run.previous_check_run_id,
                            rebuild=run.scope.full, piece_events=client_copy_piece_events(config))
    finally:
        con.close()
    result = StepResult("check", Checked(run, shares, imported))
    _publish(result, store, config)
    return _done(result, t0)


def score(store: Path, *, config: dict) -> StepResult:
    """Fit the anomaly model (the review decisions on earlier model findings feed back) and write scores and
    model findings, bring the client-sorted copy up to date with them, then publish the snapshot. detail: the scoring summary (`user_days` 0 when there was
    nothing to score; then nothing is published)."""
    from .scoring import score as score_store
    from .workstore import current_reviews

    t0 = time.perf_counter()
    reviews = current_reviews(work_store_path(Path(store)))
    con = connect(store, config=config)
    try:
        con.execute(statement(MODEL_TOUCHED_SQL, "before"))
        summary = score_store(con, config, reviews=reviews)
        _update_client_copy_after_score(con, config)
    finally:
        con.close()
    result = StepResult("score", summary)
    if summary.get("user_days"):
        _publish(result, store, config)
    return _done(result, t0)


def _publish(result: StepResult, store: Path, config: dict) -> None:
    t0 = time.perf_counter()
    result.publication = publish_snapshot_detail(store, config=config)
    result.publication["seconds"] = time.perf_counter() - t0
    result.published = result.publication["link"]


MODEL_TOUCHED_SQL = "disclosure/model_findings_touched.sql"


def _update_client_copy_after_score(con, config: dict) -> str | None:
    """A scoring run replaces the model's findings, which the client-sorted copy lists with each event it
    questions: the copy replaces the client-days whose model findings changed (none when the same cases are
    found again), as after a check, so a client's answer neither loses the model's cases nor falls back to
    reading the whole store until the next check."""
    from .disclosure.index import client_copy_piece_events, update_client_index

    con.execute(statement(MODEL_TOUCHED_SQL, "touched"))
    latest_check = con.execute(statement(MODEL_TOUCHED_SQL, "latest_check_run")).fetchall()[0][0]
    if latest_check is None:  # never checked: the check step builds the copy
        return None
    return update_client_index(con, "score_touched_days", previous_check_run=latest_check,
                               piece_events=client_copy_piece_events(config))


def run_all(store: Path, reference_folder: Path, event_paths: Iterable[Path], *, config: dict,
            on_step: Callable[[StepResult], None] | None = None) -> list[StepResult]:
    """reference -> ingest -> check -> score on one store; stops after a failed required step."""
    runs = {
        "reference": lambda: reference(store, reference_folder, config=config),
        "ingest": lambda: ingest(store, event_paths, config=config),
        "check": lambda: check(store, config=config),
        "score": lambda: score(store, config=config),
    }
    results = []
    for name in ORDER:
        try:
            result = runs[name]()
        except LokivahtiError as exc:
            result = StepResult(name, problems=[str(exc)])
        results.append(result)
        if on_step:
            on_step(result)
        if not result.ok and result.step in REQUIRED:
            break
    return results


def sample_events(sample: Path) -> list[Path]:
    """The event files of a sample county folder (its `events` folder, every file below it)."""
    return expand_folders([Path(sample) / "events"])
