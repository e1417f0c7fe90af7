"""Behaviour features per staff member and day, computed in SQL (sql/features/), returned as one frame.

The SQL does the heavy part in one pass over the events (an aggregation per system, account, client,
quarter-hour and action; every later step reads that much smaller table). What comes back is one row per
user-day; its normalisation against the peer group and the person's own history is a few column operations
on that frame (`normalise`), so everything after the SQL (the forest, the explanations) is cheap.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import polars as pl
from holidays.countries.finland import Finland  # the one country, not the whole registry (import time)

from ..sqlfiles import bind, frame_of_file, run_file, run_steps, statement

USER_DAY_SQL = "features/001_user_day.sql"
DAY_CLIENTS_SQL = "features/day_clients.sql"
NORMALISE_SQL = "features/002_peer_normalise.sql"
SUPPORT_SQL = "features/support.sql"


def _sql(name: str) -> str:
    return statement(SUPPORT_SQL, name)

# Peer groups smaller than this fall back to the role, then to everyone (a median of two is no yardstick).
DEFAULT_MIN_PEERS = 5
# The person's own history: the median of this many active days, taken from before the recent weeks.
DEFAULT_HISTORY_DAYS = 62
# ... skipping the most recent this many active days, so a habit that started lately is not yet "usual".
DEFAULT_HISTORY_GAP = 28
# A feature's own yardstick needs at least this many older active days (warm-up; until then it is neutral).
DEFAULT_HISTORY_MIN = 20
# Collaborators share at least this many clients; a client opened by more people than this is everyone's.
DEFAULT_MIN_SHARED = 5
DEFAULT_HUB_CLIENTS = 40
# The same-day peer median needs this many peers at work that day; otherwise the peer group's median overall.
SAME_DAY_MIN_PEERS = 3
# A newcomer's first days in post: they open the unit's clients before a caseload of their own is assigned, so
# the clients-without-involvement and sustained aspects are not scored for them yet (warm-up per person).
NEW_IN_POST_DAYS = 60
WARM_UP_ASPECTS = ("uninvolved", "sustained")
# Days of data before the own-baseline excess (t-90 ... t-29 against t-27 ... t) is scored (warm-up).
OWN_EXCESS_WARMUP_DAYS = 56

KEY_COLUMNS = ["staff_id", "day"]
METRICS = ("peer_median", "peer_z", "own_z", "own_median")
CONTEXT_COLUMNS = ["peer_group", "role", "unit_id", "organisation_id"]
# A robust spread: the MAD scaled to a normal standard deviation, or the distance from the median to the 90th
# percentile in the same units when more than half of the peer days share one value (MAD = 0).
MAD_TO_SD = 1.4826
P90_TO_SD = 1.2816


def install_unit_hours(con: duckdb.DuckDBPyConnection) -> None:
    """A temp table of the units' opening hours in quarter-hours (units.csv `opening_hours`; hours.py)."""
    from .hours import parse_opening_hours

    columns = {r[0] for r in con.execute(_sql("ref_unit_columns")).fetchall()}
    rows = con.execute(_sql("unit_hours_rows")).fetchall() if "opening_hours" in columns else []
    con.execute(_sql("unit_hours_table"))
    hours = {}
    for unit, text in rows:
        parsed = parse_opening_hours(text)   # validated on import; a unit row without hours keeps the default
        if parsed is not None and unit not in hours:
            hours[unit] = (unit, parsed.open_from, parsed.open_to, parsed.every_day)
    if hours:
        con.executemany(_sql("unit_hours_insert"), list(hours.values()))


def install_holidays(con: duckdb.DuckDBPyConnection) -> None:
    """A temp table of Finnish public holidays over the years of the user-days (out of hours all day).

    Reads the days from feature_day_clients (the aggregated events), not from the events themselves."""
    first, last = con.execute(_sql("day_range")).fetchone()
    con.execute(_sql("holidays_table"))
    if first is None:
        return
    days = sorted(d for d in Finland(years=range(first.year, last.year + 1)) if isinstance(d, date))
    con.execute(_sql("holidays_insert"), {"days": days})


# The events aggregated per statement of the feature SQL's one pass (sql/features/day_clients.sql says why in
# ranges of dates). On the large county (10 M events, one year) one statement spent about 3.2 s of CPU, ranges of
# 0.8-2.5 M events 2.4-2.8 s, ranges of 0.25 M 3.6 s (per-statement costs and less parallel work): a county of up
# to this many events is aggregated at once, as before.
DAY_CLIENTS_CHUNK_EVENTS = 1_500_000


def date_ranges(day_events: list[tuple[date, int]], limit: int = DAY_CLIENTS_CHUNK_EVENTS) -> list[tuple[date, date]]:
    """(first, last) day ranges, both included, that together cover every date (the first from date.min, the last
    to date.max), each holding at most `limit` events of `day_events` ((day, events) in day order) unless one day
    alone holds more. An empty plan is one range: every event at once."""
    starts = [date.min]
    held = 0
    for day, events in day_events:
        if held and held + events > limit:
            starts.append(day)
            held = 0
        held += events
    ends = [s - timedelta(days=1) for s in starts[1:]] + [date.max]
    return list(zip(starts, ends))


def fill_day_clients(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    """feature_day_clients, one range of dates at a time (sql/features/day_clients.sql)."""
    ranges = date_ranges(con.execute(statement(DAY_CLIENTS_SQL, "day_events")).fetchall(), DAY_CLIENTS_CHUNK_EVENTS)
    insert = statement(DAY_CLIENTS_SQL, "insert")
    for first, last in ranges:
        con.execute(insert, bind(insert, {**params, "first_day": first, "last_day": last}))


def catalogue_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[str, float, bool, str, bool]]:
    """(feature, floor, own, aspect, day_context) in catalogue order (needs build_features to have run)."""
    return con.execute(_sql("catalogue")).fetchall()


def aspect_weights(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """aspect -> weight, in order (sql/features/002_peer_normalise.sql, step aspects)."""
    return {a: float(w) for a, w in con.execute(_sql("aspect_weights")).fetchall()}


def model_features(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The ordered feature list of the catalogue (needs build_features to have run on this connection)."""
    return [r[0] for r in catalogue_rows(con)]


def _params(config: dict) -> dict:
    checks, model = config.get("checks", {}), config.get("model", {})
    return {
        "work_start": int(checks.get("working_hours_start", 7)),
        "work_end": int(checks.get("working_hours_end", 18)),
        "min_peers": int(model.get("min_peers", DEFAULT_MIN_PEERS)),
        "history_days": int(model.get("history_days", DEFAULT_HISTORY_DAYS)),
        "history_gap": int(model.get("history_gap", DEFAULT_HISTORY_GAP)),
        "min_shared": int(model.get("min_shared_clients", DEFAULT_MIN_SHARED)),
        "hub_clients": int(model.get("hub_clients", DEFAULT_HUB_CLIENTS)),
    }


# A day adds at most this many clients to the excess windows, and adds to them from this many on (derive).
DAILY_EXCESS_CAP = 5.0
CONTRIBUTES_AT = 1.0
# Window features: counted only on a day that itself adds to them (see derive). Their spread is the peer MAD
# alone (or the floor): a pattern repeated on many days of one person must not widen its own yardstick
# through the 90th percentile.
GATED = ("cum_excess_28", "unaffine_28", "own_excess_28", "week_clients_uncovered", "month_clients_uncovered",
         "quarter_clients_uncovered", "week_excess", "month_excess")


def derive(frame: pl.DataFrame) -> pl.DataFrame:
    """Features over each person's days, from the user-day columns (sorted by staff_id, day; needs
    `clients_uncovered_peer_median`):

    - `cum_excess_28`: the sum over the 28 days ending on the day of the clients opened without personal
      involvement (and not as a substitute) beyond the peer median: a few a day adds up;
    - `own_excess_28`: the distinct such clients of the last 28 days beyond the person's own rate in the days
      t-90 ... t-29 (scaled to 28 days), so the yardstick predates the recent weeks; 0 until the data reaches
      back OWN_EXCESS_WARMUP_DAYS days (warm-up);
    - `unaffine_28`: clients outside the person's community over the last 28 days (daily counts summed);
    - `week_excess`, `month_excess`: the same excess summed over the person's calendar week (ISO) and month:
      the user-week and user-month, scored beside the user-day, so the first days of a slow pattern count too.

    A day adds at most DAILY_EXCESS_CAP clients to the excess windows: they measure persistence, the day's
    own volume is measured by the day's features.
    `_contributes` marks the days that add to these windows (at least CONTRIBUTES_AT such clients above the peer
    median): a window
    stays high for weeks after one busy day, and the later days are not re-flagged by the window alone
    (normalise sets the window features' deviations to 0 on the other days).
    """
    first = frame["day"].min()
    covered = (pl.min_horizontal(pl.lit(62), (pl.col("day") - pl.lit(first)).dt.total_days() - 28)).clip(0, 62)
    excess = (pl.col("clients_uncovered") - pl.col("clients_uncovered_peer_median")).clip(0, DAILY_EXCESS_CAP)
    frame = frame.with_columns(
        excess.alias("_excess"),
        (pl.col("month_clients_uncovered") - pl.col("before_clients_uncovered") * 28 / covered.cast(pl.Float64))
        .alias("_own"),
        covered.alias("_covered"),
    )
    frame = frame.with_columns(
        pl.col("_excess").rolling_sum_by("day", window_size="28d").over("staff_id").alias("cum_excess_28"),
        pl.col("unaffine_clients").rolling_sum_by("day", window_size="28d").over("staff_id").alias("unaffine_28"),
        pl.col("_excess").sum().over("staff_id", pl.col("day").dt.truncate("1w")).alias("week_excess"),
        pl.col("_excess").sum().over("staff_id", pl.col("day").dt.truncate("1mo")).alias("month_excess"),
        pl.when(pl.col("_covered") >= OWN_EXCESS_WARMUP_DAYS - 28).then(pl.col("_own").clip(0, None))
        .otherwise(0.0).alias("own_excess_28"),
        (pl.col("_excess") >= CONTRIBUTES_AT).alias("_contributes"),
    )
    return frame.drop("_excess", "_own", "_covered")


def _peer_medians(frame: pl.DataFrame, features: list[str], same_day: set[str]) -> pl.DataFrame:
    """`<f>_peer_median`: the peer group's median over all its days; for the features of the day context
    (`same_day`: the hours), the median of the peers at work the same day when at least SAME_DAY_MIN_PEERS of
    them are (a holiday the whole unit worked, a unit whose day runs late: their members are compared with
    each other, and such a day is not unusual for them)."""
    overall = frame.group_by("peer_group").agg([pl.col(f).median().alias(f"{f}__all") for f in features])
    frame = frame.join(overall, on="peer_group", how="left", maintain_order="left")
    daily = [f for f in features if f in same_day]
    if daily:
        same = frame.group_by("peer_group", "day").agg(
            [pl.len().alias("__n")] + [pl.col(f).median().alias(f"{f}__day") for f in daily])
        frame = frame.join(same, on=["peer_group", "day"], how="left", maintain_order="left")
    enough = pl.col("__n") >= SAME_DAY_MIN_PEERS if daily else pl.lit(False)
    frame = frame.with_columns([
        (pl.when(enough).then(pl.col(f"{f}__day")).otherwise(pl.col(f"{f}__all")) if f in same_day
         else pl.col(f"{f}__all")).alias(f"{f}_peer_median") for f in features])
    return frame.drop([c for c in frame.columns if c.endswith(("__all", "__day")) or c == "__n"])


def normalise(frame: pl.DataFrame, catalogue: list[tuple], history_days: int,
              history_gap: int = DEFAULT_HISTORY_GAP) -> pl.DataFrame:
    """Add `<f>_peer_median`, `<f>_peer_z`, `<f>_own_z`, `<f>_own_median` for each (feature, floor, own,
    aspect, day_context) of the catalogue (sql/features/002_peer_normalise.sql explains the formulas). `frame`
    has one row per (staff_id, day) and a peer_group column; the result is sorted by (staff_id, day)."""
    features = [row[0] for row in catalogue]
    same_day = {row[0] for row in catalogue if len(row) > 4 and row[4]}
    frame = frame.sort(KEY_COLUMNS)
    base = [f for f in features if f in frame.columns]
    if "clients_uncovered" not in base:
        base.append("clients_uncovered")
    frame = _peer_medians(frame, base, same_day)
    frame = derive(frame)
    derived = [f for f in features if f not in base]
    if derived:
        frame = _peer_medians(frame, derived, same_day)
    # the spread of the deviations from each day's yardstick (robust: MAD, or the 90th percentile when more than
    # half of the deviations are 0), over the whole peer group
    devs = frame.select("peer_group", *[(pl.col(f) - pl.col(f"{f}_peer_median")).alias(f) for f in features])
    spread = devs.group_by("peer_group").agg(
        [(pl.col(f) - pl.col(f).median()).abs().median().alias(f"{f}__mad") for f in features]
        + [(pl.col(f).quantile(0.9, interpolation="linear") - pl.col(f).median()).alias(f"{f}__p90")
           for f in features])
    frame = frame.join(spread, on="peer_group", how="left", maintain_order="left")
    first_day = frame["day"].min()
    newcomer = ((pl.col("days_in_post") >= 0) & (pl.col("days_in_post") < NEW_IN_POST_DAYS)
                & (pl.col("day") - pl.col("days_in_post").cast(pl.Int64) * pl.duration(days=1) > pl.lit(first_day))
                ).fill_null(False) if "days_in_post" in frame.columns else pl.lit(False)
    # The person's own days t-(gap+history) ... t-(gap+1) (active days), never the recent weeks: one rolling
    # median per feature, computed once as a column (each deviation below reads it, several times over).
    frame = frame.with_columns(
        [(pl.col(f).shift(history_gap).rolling_median(window_size=history_days, min_samples=DEFAULT_HISTORY_MIN)
          .over("staff_id") if own_history else pl.lit(None, dtype=pl.Float64)).alias(f"{f}_own_median")
         for f, _floor, own_history, *_rest in catalogue]
        + [newcomer.alias("__newcomer")])
    newcomer = pl.col("__newcomer")
    columns = []
    for f, floor, _own_history, *rest in catalogue:
        aspect = rest[0] if rest else None
        x, median, own = pl.col(f), pl.col(f"{f}_peer_median"), pl.col(f"{f}_own_median")
        p90 = pl.col(f"{f}__p90") / P90_TO_SD if f not in GATED else pl.lit(0.0)
        scale = pl.max_horizontal(MAD_TO_SD * pl.col(f"{f}__mad"), p90, pl.lit(float(floor)))
        peer_z, own_z = (x - median) / scale, ((x - own) / scale).fill_null(0.0)
        if f in GATED:
            peer_z = pl.when(pl.col("_contributes")).then(peer_z).otherwise(pl.min_horizontal(peer_z, 0.0))
            own_z = pl.when(pl.col("_contributes")).then(own_z).otherwise(pl.min_horizontal(own_z, 0.0))
        if aspect in WARM_UP_ASPECTS:
            peer_z = pl.when(newcomer).then(pl.min_horizontal(peer_z, 0.0)).otherwise(peer_z)
            own_z = pl.when(newcomer).then(pl.min_horizontal(own_z, 0.0)).otherwise(own_z)
        columns += [peer_z.alias(f"{f}_peer_z"), own_z.alias(f"{f}_own_z")]
    frame = frame.with_columns(columns)
    return frame.drop([c for c in frame.columns if "__" in c or c == "_contributes"])


SLOT_MASKS = ("slots_early", "slots_late")
# Rows of the (row, quarter-hour) bit matrix unpacked at a time: bounded memory at any store size (the active
# quarter-hours' positions of this many user-days are a few MB).
_SPAN_CHUNK = 16_384


def span_and_pause(early: np.ndarray, late: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(session span, longest pause) in minutes per user-day, from the day's active quarter-hours as two 48-bit
    masks (quarter-hours 0..47 and 48..95; sql/features/001_user_day.sql, step staff_day): the span from the
    first to the last active quarter-hour, the longest distance between two consecutive active ones (0 on a day
    with one active quarter-hour or none).

    Read from the active quarter-hours themselves (the set bits' positions, row by row in order), not from the
    whole 96-wide matrix: a day has a few dozen active quarter-hours, so each step touches those only (at ten
    million events about a third of the time of a running maximum over all 96 columns)."""
    n = len(early)
    span, pause = np.zeros(n), np.zeros(n)
    for lo in range(0, n, _SPAN_CHUNK):
        hi = min(n, lo + _SPAN_CHUNK)
        halves = [np.ascontiguousarray(m[lo:hi], dtype="<i8").view(np.uint8).reshape(-1, 8)[:, :6]
                  for m in (early, late)]
        rows, quarters = np.nonzero(np.unpackbits(np.hstack(halves), axis=1, bitorder="little"))
        if len(rows) == 0:
            continue
        new_row = rows[1:] != rows[:-1]
        starts = np.flatnonzero(np.concatenate([[True], new_row]))            # each active day's first quarter-hour
        ends = np.concatenate([starts[1:], [len(rows)]]) - 1                  # ... and its last
        steps = np.concatenate([np.where(new_row, 0, np.diff(quarters)), [0]])   # to the next one of the same day
        day = lo + rows[starts]
        span[day] = 15 * (quarters[ends] - quarters[starts])
        pause[day] = 15 * np.maximum.reduceat(steps, starts)
    return span, pause


def with_span_and_pause(raw: pl.DataFrame) -> pl.DataFrame:
    """The user-day rows with span_minutes and max_gap_minutes in place of the quarter-hour masks."""
    if not set(SLOT_MASKS) <= set(raw.columns):
        return raw
    span, pause = span_and_pause(raw["slots_early"].fill_null(0).to_numpy(), raw["slots_late"].fill_null(0).to_numpy())
    at = raw.columns.index("slots_early")
    out = raw.drop(SLOT_MASKS)
    return out.insert_column(at, pl.Series("span_minutes", span)).insert_column(
        at + 1, pl.Series("max_gap_minutes", pause))


def _day_clients_and_holidays(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    fill_day_clients(con, params)
    install_holidays(con)   # over the days just aggregated


def build_features(con: duckdb.DuckDBPyConnection, config: dict) -> pl.DataFrame:
    """One row per (staff_id, day), sorted: context, raw features, and per feature `<f>_peer_median`,
    `<f>_peer_z`, `<f>_own_z` and `<f>_own_median`.

    Leaves the temp tables feature_account_staff, feature_user_day, feature_peer_of_day and feature_catalogue
    on `con`; the larger intermediate ones are dropped once the frame is read (sql/features/release.sql), and
    DuckDB's allocator returns freed memory to the system as it goes (support.sql, return_freed_memory), so the
    SQL's peak and the normalisation's do not add up.
    """
    params = _params(config)
    con.execute(_sql("return_freed_memory"))   # the SQL's freed memory leaves before the frame work starts
    run_steps(con, USER_DAY_SQL, params, after={"account_staff": install_unit_hours,
                                                "day_clients": lambda c: _day_clients_and_holidays(c, params)})
    run_steps(con, NORMALISE_SQL, params)
    catalogue = [(f, float(floor), bool(own), aspect, bool(day)) for f, floor, own, aspect, day in catalogue_rows(con)]
    features = [row[0] for row in catalogue]
    raw = with_span_and_pause(frame_of_file(con, "features/user_day_rows.sql"))
    run_file(con, "features/release.sql")
    if raw.height:
        frame = normalise(raw, catalogue, params["history_days"], params["history_gap"])
    else:
        frame = raw.with_columns([pl.lit(None, dtype=pl.Float64).alias(f) for f in features if f not in raw.columns]
                                 + [pl.lit(None, dtype=pl.Float64).alias(f"{f}_{m}") for f in features for m in METRICS])
    raw_columns = [c for c in frame.columns if c not in KEY_COLUMNS + CONTEXT_COLUMNS and not c.endswith(METRICS)]
    ordered = KEY_COLUMNS + CONTEXT_COLUMNS + raw_columns + [f"{f}_{m}" for f in features for m in METRICS]
    return frame.select(ordered)
