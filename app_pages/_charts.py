"""Plotly figures of the dashboard, with Finnish date formats on every time axis."""

from __future__ import annotations

from datetime import date, timedelta

import plotly.express as px
import plotly.graph_objects as go
import polars as pl

DATE_TICKS = "%-d.%-m.%Y"
HOVER_TIME = "%{x|%-d.%-m.%Y %H.%M}"
OPEN_END = date(9000, 1, 1)  # an open period is drawn to here at most (callers clamp to the period shown)
SEVERITY_COLOURS = {"critical": "#7f0000", "high": "#d7301f", "medium": "#fc8d59", "low": "#fdcc8a"}


def _finnish_axis(fig: go.Figure) -> go.Figure:
    fig.update_xaxes(tickformat=DATE_TICKS)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend={"orientation": "h", "y": -0.2})
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


def daily_counts(df: pl.DataFrame, title: str) -> go.Figure:
    """Events per source per day; days without events between a source's first and last day are zeros,
    so a source that went silent shows as a dip to zero."""
    if df.is_empty():
        return go.Figure(layout={"title": title})
    spans = df.group_by("source_system").agg(pl.col("day").min().alias("lo"), pl.col("day").max().alias("hi"))
    grid = spans.with_columns(pl.date_ranges("lo", "hi", "1d").alias("day")).explode("day").select(
        "source_system", "day")
    full = grid.join(df, on=["source_system", "day"], how="left").with_columns(pl.col("events").fill_null(0))
    full = full.sort("source_system", "day")
    fig = px.line(full, x="day", y="events", color="source_system", title=title, markers=True)
    fig.update_xaxes(range=main_range(df, "day", "events"))
    return _finnish_axis(fig)


def stacked_counts(df: pl.DataFrame, x: str, y: str, colour: str, title: str, horizontal=False,
                   x_range: list | None = None) -> go.Figure:
    data = df
    colours = SEVERITY_COLOURS if colour == "severity" else None
    if horizontal:
        fig = px.bar(data, y=x, x=y, color=colour, orientation="h", title=title, color_discrete_map=colours)
    else:
        fig = px.bar(data, x=x, y=y, color=colour, title=title, color_discrete_map=colours)
        if x_range:
            fig.update_xaxes(range=x_range)
    return _finnish_axis(fig)


def timeline(events: pl.DataFrame, bands: pl.DataFrame, title: str) -> go.Figure:
    """Every access on a time axis, one lane per client (or person); bands are involvement/authorisation periods.

    events: event_local, lane, basis (+ hover columns); bands: lane, label, band_start, band_end.
    """
    lanes = sorted(set(events["lane"].to_list()) | set(bands["lane"].to_list() if not bands.is_empty() else []))
    pos = {lane: i for i, lane in enumerate(lanes)}
    fig = go.Figure()
    band_colours = {}
    palette = px.colors.qualitative.Pastel
    shapes = []  # one layout update: fig.add_shape per band is slow with many bands
    for row in bands.iter_rows(named=True):
        label = row["label"]
        colour = band_colours.setdefault(label, palette[len(band_colours) % len(palette)])
        y = pos[row["lane"]]
        shapes.append({"type": "rect", "x0": row["band_start"], "x1": min(row["band_end"], OPEN_END) + timedelta(days=1),
                       "y0": y - 0.35, "y1": y + 0.35, "fillcolor": colour, "opacity": 0.5,
                       "line": {"width": 0}, "layer": "below"})
    fig.update_layout(shapes=shapes)
    for label, colour in band_colours.items():  # legend entries for the bands
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=f"▭ {label}",
                                 marker={"symbol": "square", "size": 12, "color": colour}))
    for basis, part in events.group_by("basis", maintain_order=True):
        name = basis[0] if isinstance(basis, tuple) else basis
        is_finding = str(name).startswith("finding")
        fig.add_trace(go.Scatter(
            x=part["event_local"].to_list(), y=[pos[v] for v in part["lane"].to_list()], mode="markers", name=name,
            marker={"size": 10 if is_finding else 7, "symbol": "x" if is_finding else "circle"},
            text=[f"{a} {d or ''}" for a, d in zip(part["action"].to_list(), part["source_system"].to_list())],
            hovertemplate=HOVER_TIME + "<br>%{text}<extra>" + str(name) + "</extra>",
        ))
    fig.update_yaxes(tickvals=list(pos.values()), ticktext=list(pos.keys()), range=[-0.7, max(len(lanes) - 0.3, 0.7)])
    fig.update_xaxes(type="date")
    fig.update_layout(title=title, height=max(300, 60 + 28 * len(lanes)))
    return _finnish_axis(fig)
