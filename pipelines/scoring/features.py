"""Behaviour features per staff member and day, computed in SQL (sql/features/), returned as one frame.

The SQL does the heavy part in one pass over the events (an aggregation per system, account, client,
quarter-hour and action; every later step reads that much smaller table). What comes back is one row per
user-day; its normalisation against the peer group and the person's own history is a few column operations
on that frame (`normalise`), so everything after the SQL (the forest, the explanations) is cheap.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
from holidays.countries.finland import Finland  # the one country, not the whole registry (import time)

from ..sqlfiles import frame_of_file, run_steps

USER_DAY_SQL = "features/001_user_day.sql"
NORMALISE_SQL = "features/002_peer_normalise.sql"

# Peer groups smaller than this fall back to the role, then to everyone (a median of two is no yardstick).
DEFAULT_MIN_PEERS = 5
# The person's own history: the median of this many previous active days.
DEFAULT_HISTORY_DAYS = 28

KEY_COLUMNS = ["staff_id", "day"]
METRICS = ("peer_median", "peer_z", "own_z", "own_median")
CONTEXT_COLUMNS = ["peer_group", "role", "unit_id", "organisation_id"]
# A robust spread: the MAD scaled to a normal standard deviation, or the distance from the median to the 90th
# percentile in the same units when more than half of the peer days share one value (MAD = 0).
MAD_TO_SD = 1.4826
P90_TO_SD = 1.2816


def install_holidays(con: duckdb.DuckDBPyConnection) -> None:
    """A temp table of Finnish public holidays over the years of the user-days (out of hours all day).

    Reads the days from feature_slots (the aggregated events), not from the events themselves."""
    first, last = con.execute("SELECT min(day), max(day) FROM feature_slots").fetchone()
    con.execute("CREATE OR REPLACE TEMP TABLE feature_holidays (day DATE PRIMARY KEY)")
    if first is None:
        return
    days = sorted(d for d in Finland(years=range(first.year, last.year + 1)) if isinstance(d, date))
    con.execute("INSERT INTO feature_holidays SELECT unnest(CAST(? AS DATE[]))", [days])


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


def normalise(frame: pl.DataFrame, catalogue: list[tuple[str, float]], history_days: int) -> pl.DataFrame:
    """Add `<f>_peer_median`, `<f>_peer_z`, `<f>_own_z`, `<f>_own_median` for each (feature, floor) of the
    catalogue (sql/features/002_peer_normalise.sql explains the formulas). `frame` has one row per
    (staff_id, day) and a peer_group column; the result is sorted by (staff_id, day)."""
    features = [f for f, _floor in catalogue]
    frame = frame.sort(KEY_COLUMNS)
    medians = frame.group_by("peer_group").agg(
        [pl.col(f).median().alias(f"{f}_peer_median") for f in features]
        + [pl.col(f).quantile(0.9, interpolation="linear").alias(f"{f}__p90") for f in features])
    frame = frame.join(medians, on="peer_group", how="left", maintain_order="left")
    spread = frame.group_by("peer_group").agg(
        [(pl.col(f) - pl.col(f"{f}_peer_median")).abs().median().alias(f"{f}__mad") for f in features])
    frame = frame.join(spread, on="peer_group", how="left", maintain_order="left")
    columns = []
    for f, floor in catalogue:
        x, median = pl.col(f), pl.col(f"{f}_peer_median")
        scale = pl.max_horizontal(MAD_TO_SD * pl.col(f"{f}__mad"), (pl.col(f"{f}__p90") - median) / P90_TO_SD,
                                  pl.lit(float(floor)))
        own = x.shift(1).rolling_median(window_size=history_days, min_samples=1).over("staff_id")
        columns += [((x - median) / scale).alias(f"{f}_peer_z"), own.alias(f"{f}_own_median"),
                    ((x - own) / scale).fill_null(0.0).alias(f"{f}_own_z")]
    frame = frame.with_columns(columns)
    return frame.drop([c for c in frame.columns if "__" in c])


def build_features(con: duckdb.DuckDBPyConnection, config: dict) -> pl.DataFrame:
    """One row per (staff_id, day), sorted: context, raw features, and per feature `<f>_peer_median`,
    `<f>_peer_z`, `<f>_own_z` and `<f>_own_median`.

    Leaves the temp tables feature_account_staff, feature_user_day, feature_peer_of_day and feature_catalogue
    on `con`.
    """
    params = _params(config)
    run_steps(con, USER_DAY_SQL, params, after={"slots": install_holidays})
    run_steps(con, NORMALISE_SQL, params)
    catalogue = [(f, float(floor)) for f, floor in
                 con.execute("SELECT feature, floor FROM feature_catalogue ORDER BY ord").fetchall()]
    features = [f for f, _floor in catalogue]
    raw = frame_of_file(con, "features/user_day_rows.sql")
    raw_columns = [c for c in raw.columns if c not in KEY_COLUMNS + CONTEXT_COLUMNS]
    if raw.height:
        frame = normalise(raw, catalogue, params["history_days"])
    else:
        frame = raw.with_columns(
            [pl.lit(None, dtype=pl.Float64).alias(f"{f}_{m}") for f in features for m in METRICS])
    ordered = KEY_COLUMNS + CONTEXT_COLUMNS + raw_columns + [f"{f}_{m}" for f in features for m in METRICS]
    return frame.select(ordered)
