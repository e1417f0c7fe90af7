"""Behaviour features per staff member and day, computed in SQL (sql/features/), returned as one frame.

The SQL does the heavy part: two passes over the events (one per staff-day without clients, one per
staff-day-client for the access events; pauses come from a quarter-hour bitmask, so no ordered pass is needed).
What comes back is one row per user-day, so everything after it (the forest, the explanations) is cheap.
"""

from __future__ import annotations

from datetime import date

import duckdb
import holidays
import polars as pl

from ..ingest.engine import _steps  # the `-- step:` splitter shared by every multi-step SQL file

USER_DAY_SQL = "features/001_user_day.sql"
NORMALISE_SQL = "features/002_peer_normalise.sql"

# Peer groups smaller than this fall back to the role, then to everyone (a median of two is no yardstick).
DEFAULT_MIN_PEERS = 5
# The person's own history: the median of this many previous active days.
DEFAULT_HISTORY_DAYS = 28

KEY_COLUMNS = ["staff_id", "day"]
METRICS = ("peer_median", "peer_z", "own_z", "own_median")
CONTEXT_COLUMNS = ["peer_group", "role", "unit_id", "organisation_id"]


def _run(con: duckdb.DuckDBPyConnection, relative: str, params: dict) -> None:
    for _name, sql in _steps(relative):
        con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})


def frame_of(con: duckdb.DuckDBPyConnection, sql: str) -> pl.DataFrame:
    """A parameterless query as a polars frame (through Arrow, without the DB-API copy)."""
    return pl.from_arrow(con.sql(sql).to_arrow_table())


def install_holidays(con: duckdb.DuckDBPyConnection) -> None:
    """A temp table of Finnish public holidays over the years the events cover (out of hours all day)."""
    first, last = con.execute("SELECT min(event_date), max(event_date) FROM events").fetchone()
    con.execute("CREATE OR REPLACE TEMP TABLE feature_holidays (day DATE PRIMARY KEY)")
    if first is None:
        return
    days = sorted(holidays.Finland(years=range(first.year, last.year + 1)).keys())
    con.executemany("INSERT INTO feature_holidays VALUES (?)", [[d] for d in days if isinstance(d, date)])


def model_features(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The ordered feature list of the catalogue (needs build_features to have run on this connection)."""
    return [r[0] for r in con.execute("SELECT feature FROM feature_catalogue ORDER BY ord").fetchall()]


def _params(config: dict) -> dict:
    checks, model = config.get("checks", {}), config.get("model", {})
    return {
        "work_start": int(checks.get("working_hours_start", 7)),
        "work_end": int(checks.get("working_hours_end", 18)),
        "min_peers": int(model.get("min_peers", DEFAULT_MIN_PEERS)),
        "history_days": int(model.get("history_days", DEFAULT_HISTORY_DAYS)),
    }


def build_features(con: duckdb.DuckDBPyConnection, config: dict) -> pl.DataFrame:
    """One row per (staff_id, day), sorted: context, raw features, and per feature `<f>_peer_median`,
    `<f>_peer_z`, `<f>_own_z` and `<f>_own_median`.

    Leaves the temp tables feature_user_day, feature_normalised and feature_catalogue on `con`.
    """
    params = _params(config)
    install_holidays(con)
    _run(con, USER_DAY_SQL, params)
    _run(con, NORMALISE_SQL, params)
    features = model_features(con)
    normalised = frame_of(con, "SELECT staff_id, day, feature, peer_median, peer_z, own_z, own_median "
                                "FROM feature_normalised")
    context = frame_of(con, "SELECT staff_id, day, peer_group, role, unit_id, organisation_id FROM feature_peer_of_day")
    raw = frame_of(con, "SELECT * FROM feature_user_day")
    frame = raw.join(context, on=KEY_COLUMNS, how="left")
    if normalised.height:
        wide = normalised.pivot(on="feature", index=KEY_COLUMNS, values=list(METRICS))
        rename = {}
        for f in features:
            for metric in METRICS:
                for candidate in (f"{metric}_{f}", f"{metric}_feature_{f}"):
                    if candidate in wide.columns:
                        rename[candidate] = f"{f}_{metric}"
        wide = wide.rename(rename)
        frame = frame.join(wide, on=KEY_COLUMNS, how="left")
    else:
        frame = frame.with_columns(
            [pl.lit(None, dtype=pl.Float64).alias(f"{f}_{m}") for f in features for m in METRICS]
        )
    ordered = KEY_COLUMNS + CONTEXT_COLUMNS + [c for c in raw.columns if c not in KEY_COLUMNS] + [
        f"{f}_{m}" for f in features for m in METRICS
    ]
    return frame.select(ordered).sort(KEY_COLUMNS)
