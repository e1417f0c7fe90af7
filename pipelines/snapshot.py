"""The dashboard's snapshot of the store, published by what changed rather than copied whole.

DuckDB lets one process write a file, so the dashboard reads a published copy of the store. Copying the whole
file after every step cost what the store holds (9.5 s of an 8.8 GB store at 100 M events, for a day's new
events). Instead a few snapshot files take turns: `<store>.published.duckdb` is a symbolic link to the newest,
`<store>.published.<generation>.duckdb`; a publish brings an older one that no reader holds up to date with the
store, renames it to the next generation and switches the link (one rename of a link: atomic). So:

- a reader never sees a half-written file: it opens what the link names, and the link names a finished file;
- a reader holding an older snapshot keeps it: a file is only brought up to date when DuckDB lets the publisher
  open it for writing, which it refuses while any reader holds it; a full copy goes to a file of a new name;
- a file's name is never reused for other content, so DuckDB's cache of open databases (keyed by path) never
  hands a reader an older file under the newest name;
- a publish cut short leaves the link on the last good snapshot; the spare's update is one transaction, and a
  spare is only ever trusted through the record it carries (`snapshot_sync`, a table only snapshots have).

How each table is brought up to date (sql/snapshot/sync.sql):
- APPENDED tables gain the rows of the keys after the spare's mark (the ingest runs since; events and the two
  event summaries are only appended under a new run, and deleted by a retention purge, after which their row
  counts differ and all three are copied whole);
- CLIENT_DAY tables (explanations, the client-sorted copy), which checks and the copy's updates rewrite in
  place, have the client-days replaced that their writers journalled since (sql/schema/012_snapshot_journal.sql:
  a check run, the copy's build and update, each in the transaction of its change), only along an unbroken
  chain of journal records (else that table is copied whole);
- every other table, including any table added later, is copied whole: correct by default, and cheap while
  it is small. A table that grows with the events belongs in one of the two lists.
Then every table's row count is compared on both sides. Any doubt (another schema, a gap in the journal, a
count that differs, no spare free) falls back to a copy of the whole file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from .sqlfiles import quote_identifier, quote_literal, statement, transaction

SQL = "snapshot/sync.sql"
KEEP = 3  # snapshot files kept: the newest, the one a dashboard may still hold from before, and a spare
RECORD = "snapshot_sync"
# table -> (key column, the step of sync.sql that gives the store's mark now)
APPENDED = {
    "events": ("run_id", "run_mark"),
    "account_client_days": ("run_id", "run_mark"),
    "source_day_counts": ("run_id", "run_mark"),
}
# table -> (the family of writers that journal it, how its client_id is kept: "as_keyed" as the client copy keys it,
# "any_case" as the event had it)
CLIENT_DAY = {"explanations": ("explanations", "any_case"), "disclosure_events_by_client": ("client_copy", "as_keyed"),
              "disclosure_index_client_days": ("client_copy", "as_keyed")}
# a client-day table -> the table of its family that lists the client-days it holds: only those dirty client-days
# are deleted from the spare's (a delete from the client-sorted copy reads all of it: 1.3 s at 100 M events)
PRESENT = {"disclosure_events_by_client": "disclosure_index_client_days"}
FAMILIES = ("explanations", "client_copy")


class _Stale(Exception):
    """The spare cannot be brought up to date by what changed (it is then not used)."""


def _q(name: str) -> str:
    return statement(SQL, name)


def generation_path(link: Path, generation: int) -> Path:
    """`<store>.published.<generation>.duckdb` beside the link `<store>.published.duckdb`."""
    return link.with_name(f"{link.stem}.{generation:06d}.duckdb")


def snapshot_files(link: Path) -> list[tuple[int, Path]]:
    """The snapshot files beside the link, oldest generation first."""
    found = []
    for path in link.parent.glob(f"{link.stem}.*.duckdb"):
        middle = path.name[len(link.stem) + 1:-len(".duckdb")]
        if middle.isdigit():
            found.append((int(middle), path))
    return sorted(found)


def current_file(link: Path) -> Path | None:
    """The file the link names (None when there is no link: no snapshot, or one of the whole-copy days)."""
    if not link.is_symlink():
        return None
    return link.parent / os.readlink(link)


def family_state(con: duckdb.DuckDBPyConnection, family: str) -> str:
    """What every writer of a family of client-day tables changes ("explanations": the last check run;
    "client_copy": the copy's recorded state; "" before the copy was first built)."""
    try:
        value = con.execute(_q(f"state_{family}")).fetchone()[0]
    except duckdb.CatalogException:  # the client copy was never built
        value = None
    return value or ""


def journal_days(con: duckdb.DuckDBPyConnection, days: str) -> int:
    """Journal the (client_id, event_date) pairs of the relation `days` (client_id as the client copy keys it);
    returns the record's number, for journal_record. Runs in the writer's own transaction, before the relation
    goes."""
    seq = con.execute(_q("journal_next")).fetchone()[0]
    con.execute(_q("journal_days").replace("__DAYS__", quote_identifier(days)), {"seq": seq})
    return seq


def journal_record(con: duckdb.DuckDBPyConnection, family: str, state_before: str, *, seq: int | None = None,
                   whole: bool = False) -> None:
    """Journal a change of the family's tables: from `state_before` to its state now, over the client-days of
    `seq` (journal_days), or every client-day when `whole` (or no days were journalled). Runs in the writer's own
    transaction, after its change."""
    if seq is None:
        seq, whole = con.execute(_q("journal_next")).fetchone()[0], True
    con.execute(_q("journal_record"), {"seq": seq, "family": family, "whole": whole, "state_before": state_before,
                                       "state_after": family_state(con, family), "now": datetime.now(UTC)})


def _schema(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(_q("schema")).fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [name for (name,) in con.execute(_q("tables")).fetchall()]


def _now_record(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The record a snapshot of the store as it is now carries."""
    return {"schema": _schema(con), "run_mark": str(con.execute(_q("run_mark")).fetchone()[0]),
            "journal_mark": str(con.execute(_q("journal_mark")).fetchone()[0]),
            **{f"state_{family}": family_state(con, family) for family in FAMILIES}}


def _write_record(con: duckdb.DuckDBPyConnection, record: dict[str, str]) -> None:
    con.execute(_q("new_record"))
    for key, value in record.items():
        con.execute(_q("write_record"), {"key": key, "value": value})


def _whole_families(con: duckdb.DuckDBPyConnection, old: dict[str, str], now: dict[str, str]) -> set[str]:
    """The families whose tables must be copied whole: a record since the spare's that changed every client-day,
    or a gap in the family's chain of records from the spare's state to the store's (a writer that journalled
    nothing)."""
    state = {family: old.get(f"state_{family}") for family in FAMILIES}
    whole = set()
    for _seq, family, rec_whole, before, after in con.execute(
            _q("journal_after"), {"seq": int(old["journal_mark"])}).fetchall():
        if family not in state:
            continue
        if before != state[family] or rec_whole:
            whole.add(family)
        state[family] = after
    return whole | {family for family in FAMILIES if state[family] != now[f"state_{family}"]}


def _with_table(name: str, table: str, key: str | None = None) -> str:
    sql = _q(name).replace("__TABLE__", quote_identifier(table))
    return sql.replace("__KEY__", quote_identifier(key)) if key else sql


def _copy_whole(con: duckdb.DuckDBPyConnection, table: str) -> None:
    con.execute(_with_table("whole_forget", table))
    con.execute(_with_table("whole_rows", table))


def _differs(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether the spare's table holds other rows than the store's (as multisets: the count and the sum of the
    rows' hashes): a table copied whole is copied only then."""
    ours, theirs = con.execute(_with_table("fingerprint_both", table)).fetchone()
    return ours != theirs


def _counts_differ(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    ours, theirs = con.execute(_with_table("count_both", table)).fetchone()
    return ours != theirs


def _bring_up_to_date(con: duckdb.DuckDBPyConnection, old: dict[str, str], now: dict[str, str]) -> dict:
    """Bring the attached spare (`snap`) from its record `old` to the store as it is (`now`), in one transaction.
    Returns how each table was brought, and in how many seconds. Raises _Stale (and rolls back) when it cannot be
    done by what changed."""
    if old.get("schema") != now["schema"]:
        raise _Stale("the store's schema changed")
    whole_families = _whole_families(con, old, now)
    marks = {"run_mark": int(old["run_mark"]), "journal_mark": int(old["journal_mark"])}
    tables = _tables(con)
    client_day = [table for table in tables if table in CLIENT_DAY and CLIENT_DAY[table][0] not in whole_families]
    how: dict[str, tuple[str, float]] = {}
    # what is read into temp tables is read first: one transaction may write to one database only
    t0 = time.perf_counter()
    con.execute(_q("dirty_days"), {"seq": marks["journal_mark"], "mark": marks["run_mark"]})
    n_dirty, date_from, date_to = con.execute(_q("dirty_bounds")).fetchone()
    dates = {"date_from": date_from, "date_to": date_to}
    rows = {}
    present: dict[str, tuple[str, int]] = {}  # table -> (the temp table of its dirty client-days it holds, count)
    for table in client_day if n_dirty else []:
        rows[table] = f"snapshot_rows_{len(rows)}"
        con.execute(_with_table(f"rows_{CLIENT_DAY[table][1]}", table).replace("__ROWS__", rows[table]), dates)
        if PRESENT.get(table) in client_day:
            name = f"snapshot_present_{len(present)}"
            con.execute(_q("present_as_keyed").replace("__ROWS__", name)
                        .replace("__PRESENT__", quote_identifier(PRESENT[table])))
            present[table] = (name, con.execute(_q("present_count").replace("__ROWS__", name)).fetchone()[0])
    how["(client-days read)"] = (f"{n_dirty} client-days", time.perf_counter() - t0)
    try:
        with transaction(con):
            appended = [table for table in tables if table in APPENDED]
            for table in appended:
                t0 = time.perf_counter()
                key, mark = APPENDED[table]
                con.execute(_with_table("append_forget", table, key), {"mark": marks[mark]})
                con.execute(_with_table("append_rows", table, key), {"mark": marks[mark]})
                how[table] = ("appended", time.perf_counter() - t0)
            if any(_counts_differ(con, table) for table in appended):  # rows deleted since (a retention purge)
                for table in appended:
                    t0 = time.perf_counter()
                    _copy_whole(con, table)
                    how[table] = ("whole", time.perf_counter() - t0)
            for table in tables:
                t0 = time.perf_counter()
                if table in APPENDED:
                    continue
                if table in rows:
                    if table not in present:
                        con.execute(_with_table(f"forget_{CLIENT_DAY[table][1]}", table), dates)
                    elif present[table][1]:  # else the spare holds none of the dirty client-days
                        con.execute(_with_table("forget_present", table).replace("__ROWS__", present[table][0]))
                    n, row_from, row_to = con.execute(_q("rows_bounds").replace("__ROWS__", rows[table])).fetchone()
                    if n:
                        con.execute(_with_table("client_days_rows", table).replace("__ROWS__", rows[table]),
                                    {"row_from": row_from, "row_to": row_to})
                    how[table] = ("client-days", time.perf_counter() - t0)
                elif table in client_day:  # no client-day changed
                    how[table] = ("unchanged", time.perf_counter() - t0)
                elif table in CLIENT_DAY or _differs(con, table):  # a client-day table of a whole family
                    _copy_whole(con, table)
                    how[table] = ("whole", time.perf_counter() - t0)
                else:
                    how[table] = ("unchanged", time.perf_counter() - t0)
            t0 = time.perf_counter()
            # the appended tables were compared above (and copied whole if they differed)
            for table in (table for table in tables if table not in APPENDED):
                if _counts_differ(con, table):
                    raise _Stale(f"{table}: the spare's row count is not the store's")
            how["(row counts compared)"] = ("", time.perf_counter() - t0)
            _write_record(con, now)
            t0 = time.perf_counter()
        how["(commit)"] = ("", time.perf_counter() - t0)
    finally:
        for name in [*rows.values(), *(name for name, _ in present.values())]:
            con.execute(_q("drop_rows").replace("__ROWS__", name))
        con.execute(_q("drop_dirty"))
    return how


def _try_spare(con: duckdb.DuckDBPyConnection, spare: Path, now: dict[str, str]) -> dict | None:
    """Bring one spare file up to date; None when it is held by a reader or cannot be brought by what changed."""
    try:
        con.execute(_q("attach").replace("__PATH__", quote_literal(str(spare))))
    except duckdb.Error:  # held by a reader (DuckDB's lock), or not a database
        return None
    try:
        try:
            old = dict(con.execute(_q("record")).fetchall())
        except duckdb.CatalogException:
            return None
        try:
            how = _bring_up_to_date(con, old, now)
        except _Stale:
            return None
        t0 = time.perf_counter()
        con.execute(_q("checkpoint_snap"))
        how["(checkpoint)"] = ("", time.perf_counter() - t0)
        return how
    finally:
        con.execute(_q("detach"))


def _whole_copy(con: duckdb.DuckDBPyConnection, store: Path, target: Path, now: dict[str, str]) -> None:
    """A copy of the whole (checkpointed) store file, with its record, under the new generation's name."""
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    shutil.copyfile(store, tmp)
    os.chmod(tmp, 0o600)
    con.execute(_q("attach").replace("__PATH__", quote_literal(str(tmp))))
    try:
        _write_record(con, now)
        con.execute(_q("checkpoint_snap"))
    finally:
        con.execute(_q("detach"))
    os.replace(tmp, target)


def _switch(link: Path, target: Path) -> None:
    """Point the link at `target` atomically (a new link renamed over the old one, or over a plain file)."""
    tmp = link.with_name(link.name + ".link")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(target.name)
    os.replace(tmp, link)


def _prune(link: Path, keep: int) -> None:
    """Delete all but the newest `keep` files. A reader holding one keeps it open: unlinking does not change it."""
    files = snapshot_files(link)
    for _generation, path in files[:-keep] if keep else files:
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".wal").unlink(missing_ok=True)


def publish(con: duckdb.DuckDBPyConnection, store: Path, link: Path, *, update_from_bytes: int = 0) -> dict:
    """Publish the store (held by `con`, checkpointed) as the newest snapshot. Returns what was done:
    {"how": "updated" | "copied", "tables": how each table was brought, "file": the new file}.

    A store file smaller than `update_from_bytes` is copied whole: a small file copies from the page cache in
    less time than a spare takes to be brought up to date (its fixed costs: reading the journal, the client
    copy's keys, the spare's commit and checkpoint). See `[store] snapshot_update_from_mib`."""
    t0 = time.perf_counter()
    _prune_journal(con, link)  # first: the snapshot then holds the journal as the store does
    now = _now_record(con)
    prepared = time.perf_counter() - t0
    files = snapshot_files(link)
    current = current_file(link)
    generation = (files[-1][0] if files else 0) + 1
    target = generation_path(link, generation)
    result: dict = {"how": "copied", "tables": {}, "file": target}
    small = store.stat().st_size < update_from_bytes
    # the newest spare first: it is the least behind (the one a dashboard may still hold is refused by its lock)
    for _generation, spare in ([] if small else reversed(files)):
        if current is not None and spare.resolve() == current.resolve():
            continue
        how = _try_spare(con, spare, now)
        if how is not None:
            spare.with_name(spare.name + ".wal").unlink(missing_ok=True)  # checkpointed: nothing left in it
            os.replace(spare, target)
            result.update(how="updated", tables=how)
            break
    else:
        _whole_copy(con, store, target, now)
    _switch(link, target)
    _prune(link, KEEP)
    result["tables"]["(journal pruned, store's record read)"] = ("", prepared)
    return result


def _prune_journal(con: duckdb.DuckDBPyConnection, link: Path) -> None:
    """Forget the journal records every snapshot file already holds (up to the oldest file's mark), so the journal
    stays as small as the changes of a few publishes."""
    marks = []
    for _generation, path in snapshot_files(link):
        try:
            con.execute(_q("attach_read_only").replace("__PATH__", quote_literal(str(path))))
        except duckdb.Error:
            return  # cannot read a kept snapshot's record now: keep everything until the next publish
        try:
            marks.append(int(dict(con.execute(_q("record")).fetchall())["journal_mark"]))
        except (duckdb.CatalogException, KeyError):
            return
        finally:
            con.execute(_q("detach"))
    if marks and con.execute(_q("journal_first")).fetchone()[0] <= min(marks):  # else nothing to forget: no write
        with transaction(con):
            con.execute(_q("prune_journal_days"), {"seq": min(marks)})
            con.execute(_q("prune_journal"), {"seq": min(marks)})
