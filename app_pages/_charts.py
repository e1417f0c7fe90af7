"""Plotly figures of the dashboard, with Finnish date formats on every time axis."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import numpy as np
import plotly.express as px
import plotly.graph_objects as go
import polars as pl

DATE_TICKS = "%-d.%-m.%Y"
HOVER_TIME = "%{x|%-d.%-m.%Y %H.%M}"
OPEN_END = date(9000, 1, 1)  # an open period is drawn to here at most (callers clamp to the period shown)
SEVERITY_COLOURS = {"critical": "#7f0000", "high": "#d7301f", "medium": "#fc8d59", "low": "#fdcc8a"}


def _finnish_axis(fig: go.Figure) -> go.Figure:
    fig.update_xaxes(tickformat=DATE_TICKS)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend={"orientation": "h", "y": -0.2},
                      legend_title_text="")
    return fig


def main_range(df: pl.DataFrame, x: str, weight: str, share: float = 0.005) -> list | None:
    """The x range holding all but the outer `share` of the weight on each side, plus a day.

    A few clock-skewed events dated years ahead would otherwise squash the real period into a sliver;
    they stay in the data (and in the log_clock_skew findings) and a double-click on the chart autoscales.
    """
    if df.is_empty():
        return None
    per_x = df.group_by(x).agg(pl.col(weight).sum()).sort(x)
    cum = per_x[weight].cum_sum() / per_x[weight].sum()
    lo = per_x.filter(cum >= share)[x][0]
    hi = per_x.filter(cum >= 1 - share)[x][0]
    return [lo - timedelta(days=1), hi + timedelta(days=1)]


def daily_counts(df: pl.DataFrame, title: str, x_range: list | None = None) -> go.Figure:
    """Events per source per day; days without events between a source's first and last day are zeros,
    so a source that went silent shows as a dip to zero."""
    if df.is_empty():
        return go.Figure(layout={"title": title})
    spans = df.group_by("source_system").agg(pl.col("day").min().alias("lo"), pl.col("day").max().alias("hi"))
    grid = spans.with_columns(pl.date_ranges("lo", "hi", "1d").alias("day")).explode("day").select(
        "source_system", "day")
    full = grid.join(df, on=["source_system", "day"], how="left").with_columns(pl.col("events").fill_null(0))
    full = full.sort("source_system", "day")
    # a dash style per source besides its colour (never colour alone); no marker per day: a year of seven
    # sources is 2,500 markers, and drawing them was most of the overview's time in the browser. SVG, not the
    # WebGL plotly express picks above 1,000 points: a browser without a graphics card (a virtual desktop,
    # headless Chromium) draws WebGL in software, which held the overview's first render about 2 s longer on the
    # medium county on a loaded machine; seven SVG lines draw in a few tenths
    fig = px.line(full, x="day", y="events", color="source_system", line_dash="source_system", title=title,
                  render_mode="svg")
    fig.update_xaxes(range=x_range or main_range(df, "day", "events"), title=None)
    fig.update_yaxes(title=None)
    return _finnish_axis(fig)


def stacked_counts(df: pl.DataFrame, x: str, y: str, colour: str, title: str, horizontal=False,
                   x_range: list | None = None, colours: dict[str, str] | None = None) -> go.Figure:
    """Stacked bars; each stack part has its own pattern besides its colour (never colour alone)."""
    patterns = ["", "/", ".", "x", "\\", "+", "-"]
    order = list(colours) if colours else sorted(df[colour].unique().to_list())
    shapes = {v: patterns[i % len(patterns)] for i, v in enumerate(order)}
    common = {"color": colour, "title": title, "color_discrete_map": colours, "pattern_shape": colour,
              "pattern_shape_map": shapes, "category_orders": {colour: order}}
    if horizontal:
        fig = px.bar(df, y=x, x=y, orientation="h", **common)
        fig.update_yaxes(title=None, automargin=True)
    else:
        fig = px.bar(df, x=x, y=y, **common)
        if x_range:
            fig.update_xaxes(range=x_range)
    return _finnish_axis(fig)


def severity_colours(label) -> dict[str, str]:
    """SEVERITY_COLOURS keyed by the severities' words in the chosen language (label: code -> word)."""
    return {label(k): v for k, v in SEVERITY_COLOURS.items()}


# How an access is drawn: findings salient, legitimate accesses muted. Shape and legend label carry the meaning
# as well as colour (colour-blind readers, greyscale print).
CLASS_STYLE = {  # class -> (colour, symbol, size, pattern of bars)
    "finding": ("#b2182b", "x-thin-open", 11, "x"),
    "no_basis": ("#e08214", "triangle-up", 9, "/"),
    "legitimate": ("#9e9e9e", "circle", 5, ""),
}
LANE_CAP = 30  # rows drawn in the detailed chart; the table below lists every access


def access_class(basis: str | None) -> str:
    if basis and str(basis).startswith("finding"):
        return "finding"
    if not basis or basis == "no basis recorded":
        return "no_basis"
    return "legitimate"


def timeline(events: pl.DataFrame, bands: pl.DataFrame, title: str, labels: dict[str, str] | None = None,
             lane_names: dict[str, str] | None = None, legitimate_days: pl.DataFrame | None = None) -> go.Figure:
    """Every access on a time axis, one lane per client (or person); bands are involvement/authorisation periods.

    events: event_local, lane, basis (+ action, source_system); bands: lane, label, band_start, band_end.
    labels: the legend's words for the classes and band kinds; lane_names: what each lane is called.
    legitimate_days (lane, day, text), when given: days of legitimate accesses drawn as a short grey bar per lane
    and day, all of them one line trace (one SVG path), instead of a marker each (see `_day_strips`).
    At most LANE_CAP lanes are drawn: those with findings first, then the busiest.
    """
    labels = labels or {}
    lane_names = lane_names or {}
    events = events.with_columns(pl.col("basis").map_elements(access_class, return_dtype=pl.Utf8).alias("cls"))
    classes = events.select("lane", "cls")
    if legitimate_days is not None:
        classes = pl.concat([classes, legitimate_days.select("lane", pl.lit("legitimate").alias("cls"))])
    rank = (classes.group_by("lane").agg((pl.col("cls") == "finding").sum().alias("f"), pl.len().alias("n"))
            .sort(["f", "n", "lane"], descending=[True, True, False]))
    lanes = rank["lane"].head(LANE_CAP).to_list()
    if len(lanes) < LANE_CAP and not bands.is_empty():
        lanes += [v for v in bands["lane"].unique(maintain_order=True).to_list() if v not in set(lanes)][
            :LANE_CAP - len(lanes)]
    lanes = sorted(lanes, key=lambda v: lane_names.get(v, v))
    pos = {lane: i for i, lane in enumerate(lanes)}
    events = events.filter(pl.col("lane").is_in(lanes))
    bands = bands.filter(pl.col("lane").is_in(lanes)) if not bands.is_empty() else bands
    traces = []
    palette = ["#c6dbef", "#c7e9c0", "#dadaeb", "#fdd0a2", "#d9d9d9"]
    if not bands.is_empty():  # one horizontal bar trace per band kind (as px.timeline): far lighter than shapes
        bands = bands.with_columns(pl.min_horizontal(pl.col("band_end"), pl.lit(OPEN_END)).alias("band_end"))
        for i, (label, part) in enumerate(bands.group_by("label", maintain_order=True)):
            name = label[0] if isinstance(label, tuple) else label
            starts, ends = part["band_start"].to_list(), part["band_end"].to_list()
            traces.append(go.Bar(
                base=np.array([str(b) for b in starts], dtype=object),
                x=np.array([((e - b).days + 1) * 86_400_000 for b, e in zip(starts, ends)]),
                y=part["lane"].replace_strict(pos, return_dtype=pl.Int32).to_numpy(), orientation="h", width=0.76, opacity=0.6,
                marker={"color": palette[i % len(palette)]}, name=f"▭ {labels.get(name, name)}", hoverinfo="skip"))
    if legitimate_days is not None:
        traces.append(_day_strips(legitimate_days.filter(pl.col("lane").is_in(lanes)), pos,
                                  labels.get("legitimate", "legitimate")))
    for cls in ("legitimate", "no_basis", "finding"):  # findings drawn last, on top
        part = events.filter(pl.col("cls") == cls)
        if part.is_empty():
            continue
        colour, symbol, size, _pattern = CLASS_STYLE[cls]
        # numpy arrays, not lists: plotly validates a list element by element (a second for a busy provider).
        # SVG markers, not WebGL: at most LANE_CAP lanes of a period's accesses, and WebGL drawn in software (no
        # graphics card) cost the provider page more than drawing its 4,000 markers as SVG
        traces.append(go.Scatter(
            x=part["event_local"].to_numpy(), y=part["lane"].replace_strict(pos, return_dtype=pl.Int32).to_numpy(),
            mode="markers",
            name=labels.get(cls, cls),
            marker={"size": size, "symbol": symbol, "color": colour, "line": {"width": 2 if cls == "finding" else 0,
                                                                               "color": colour}},
            text=np.array([f"{labels.get(b, b)} · {a} · {d or ''}" for b, a, d in
                           zip(part["basis"].to_list(), part["action"].to_list(), part["source_system"].to_list())],
                          dtype=object),
            hovertemplate=HOVER_TIME + "<br>%{text}<extra></extra>",
        ))
    fig = go.Figure(data=traces)
    fig.update_yaxes(tickvals=list(pos.values()), ticktext=[lane_names.get(v, v) for v in pos],
                     range=[-0.7, max(len(lanes) - 0.3, 0.7)], automargin=True)
    fig.update_xaxes(type="date")
    fig.update_layout(title=title, height=min(900, max(300, 90 + 26 * len(lanes))))
    return _finnish_axis(fig)


def _day_strips(days: pl.DataFrame, pos: dict, name: str) -> go.Scatter:
    """Days of legitimate accesses as one line trace: a grey bar from the start to the end of each day on its
    lane, the days separated by gaps (None), so consecutive days read as one bar and a lone day as a short one.

    A marker per lane and day was a few thousand SVG elements on a provider's chart (a year of thirty clients),
    most of the page's drawing time in the browser; one path is drawn at once, however many days it holds. The
    grey bar is muted beside the findings' red crosses and reads by its shape as well as its colour."""
    n = days.height
    # a date axis reads numbers as milliseconds since 1970 (UTC, as it reads dates): a compact binary array
    start = days["day"].cast(pl.Datetime("ms")).cast(pl.Int64).cast(pl.Float64).to_numpy()
    xs = np.concatenate([start, start + 86_340_000.0, np.full(n, np.nan)])  # 0.00 to 23.59 of the day; a gap
    y = days["lane"].replace_strict(pos, return_dtype=pl.Float32).to_numpy()
    dates = days["day"].dt.strftime("%-d.%-m.%Y")
    # the hover text on each day's start only (the end and the gap carry none: a chart's worth of text, not three)
    text = np.array((dates + "<br>" + days["text"]).to_list() + [""] * n + [None] * n, dtype=object)
    order = np.arange(3 * n).reshape(3, n).T.ravel()  # start, end, gap of each day in turn
    colour = CLASS_STYLE["legitimate"][0]
    return go.Scatter(x=xs[order], y=np.concatenate([y, y, np.full(n, np.nan, dtype=np.float32)])[order],
                      mode="lines", connectgaps=False, name=name, line={"color": colour, "width": 7},
                      text=text[order], hovertemplate="%{text}<extra>" + name + "</extra>")


def binned_timeline(bins: pl.DataFrame, title: str, labels: dict[str, str], hourly: bool) -> go.Figure:
    """Accesses counted per day (or hour) and class, stacked: a year of a busy worker's work in one light chart.

    bins: bin_start, cls (finding / no_basis / legitimate), accesses. Bars carry a pattern per class besides
    colour, and findings are also marked with a cross above their bar so a single one is not lost in a tall day.
    """
    fig = go.Figure()
    for cls in ("legitimate", "no_basis", "finding"):
        part = bins.filter(pl.col("cls") == cls)
        if part.is_empty():
            continue
        colour, _symbol, _size, pattern = CLASS_STYLE[cls]
        fig.add_trace(go.Bar(x=part["bin_start"].to_numpy(), y=part["accesses"].to_numpy(), name=labels.get(cls, cls),
                             marker={"color": colour, "pattern": {"shape": pattern}},
                             hovertemplate=("%{x|%-d.%-m.%Y %H}" if hourly else "%{x|%-d.%-m.%Y}")
                             + "<br>%{y}<extra>" + labels.get(cls, cls) + "</extra>"))
    found = bins.filter(pl.col("cls") == "finding")
    if not found.is_empty():
        totals = bins.group_by("bin_start").agg(pl.col("accesses").sum().alias("total"))
        top = found.join(totals, on="bin_start")
        fig.add_trace(go.Scatter(x=top["bin_start"].to_list(), y=[v * 1.05 + 1 for v in top["total"].to_list()],
                                 mode="markers", name=labels.get("finding", "finding"), showlegend=False,
                                 marker={"symbol": "x-thin-open", "size": 10, "color": CLASS_STYLE["finding"][0],
                                         "line": {"width": 2, "color": CLASS_STYLE["finding"][0]}},
                                 hoverinfo="skip"))
    fig.update_layout(barmode="stack", title=title, height=360, bargap=0.1)
    fig.update_xaxes(type="date")
    return _finnish_axis(fig)


_warm_lock = threading.Lock()
_warmed = False


def warm_up() -> None:
    """Build and serialise one tiny figure of every kind the pages draw, once per server process.

    Plotly loads its trace classes and their validators on first use: about half a second of the first chart page
    after the server started, a second on a loaded machine. The sign-in form calls this in the background while
    the user types (app_pages/_data.py: warm_up), so no page pays it."""
    global _warmed
    with _warm_lock:
        if _warmed:
            return
        _warmed = True
    day = date(2025, 1, 1)
    daily = pl.DataFrame({"source_system": ["a", "a"], "day": [day, day + timedelta(days=1)], "events": [1, 2]})
    weekly = pl.DataFrame({"week": [day], "severity": ["high"], "findings": [1]})
    events = pl.DataFrame({"event_local": [datetime(2025, 1, 1, 9)], "lane": ["x"], "basis": ["finding: x"],
                           "action": ["read"], "source_system": ["a"]})
    bands = pl.DataFrame({"lane": ["x"], "label": ["unit"], "band_start": [day], "band_end": [day]})
    bins = pl.DataFrame({"bin_start": [datetime(2025, 1, 1)], "cls": ["finding"], "accesses": [1]})
    for fig in (daily_counts(daily, ""), stacked_counts(weekly, "week", "findings", "severity", ""),
                timeline(events, bands, "", legitimate_days=bands.select("lane", pl.col("band_start").alias("day"),
                                                                         pl.col("label").alias("text"))),
                binned_timeline(bins, "", {}, hourly=False)):
        fig.to_json()
