"""The dashboard's charts as Vega-Lite specifications, with Finnish date formats (d.m.yyyy) on every time axis.

Why Vega-Lite and not Plotly: the browser loads a chart library before it draws the first chart of a page, and
Streamlit's Plotly module is 4.7 MB of JavaScript that took 1.8-2.2 s to import in Chromium on the shared machine
(load about 11), most of a chart page's first render; its Vega-Lite module took 0.2-0.25 s there. The pages' charts are
lines, bars and points, which Vega-Lite draws as well. Each function returns a plain dict for
`st.vega_lite_chart(spec=...)`; the values travel inline, with times as local wall-clock strings (no zone: the
browser would otherwise move them to its own time zone, and the store's local times are already Helsinki's).

Colour is never the only carrier of meaning: lines have a dash pattern per series, points a shape per class, and
a timeline's findings are crosses drawn over everything else (legitimate accesses muted grey circles).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl

DATE_TICKS = "%-d.%-m.%Y"
HOUR_TICKS = "%-d.%-m. %H.%M"
DATE_TIME = "%-d.%-m.%Y %H.%M"
OPEN_END = date(9000, 1, 1)  # an open period is drawn to here at most (callers clamp to the period shown)
SEVERITY_COLOURS = {"critical": "#7f0000", "high": "#d7301f", "medium": "#fc8d59", "low": "#fdcc8a"}
SEVERITY_SHAPES = {"critical": "diamond", "high": "triangle-up", "medium": "square", "low": "circle"}
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [1, 3], [10, 5], [4, 2, 1, 2]]
CROSS = "M-1,-1L1,1M1,-1L-1,1"  # an X (Vega's own "cross" is a filled plus, too heavy for a single access)

# How an access is drawn: findings salient, legitimate accesses muted. Shape and legend label carry the meaning
# as well as colour (colour-blind readers, greyscale print).
CLASS_STYLE = {  # class -> (colour, shape, size (area), dash of bar outlines)
    "finding": ("#b2182b", CROSS, 110, [1, 0]),
    "no_basis": ("#e08214", "triangle-up", 60, [4, 2]),
    "legitimate": ("#9e9e9e", "circle", 22, [1, 0]),
}
CLASSES = ("legitimate", "no_basis", "finding")  # drawing order: findings last, on top
LANE_CAP = 30  # rows drawn in the detailed chart; the table below lists every access
BAND_COLOURS = ["#c6dbef", "#c7e9c0", "#dadaeb", "#fdd0a2", "#d9d9d9"]


def stamp(value) -> str | None:
    """A date or local time as Vega reads it as local wall-clock time ('2025-05-01T00:00:00')."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(timespec="seconds")
    return f"{value.isoformat()}T00:00:00"


def _stamped(df: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """`columns` (dates or local times) as stamp() strings, in one vectorised pass."""
    return df.with_columns(pl.col(c).cast(pl.Datetime).dt.strftime("%Y-%m-%dT%H:%M:%S") for c in columns)


def _time_axis(field: str, *, title=None, domain=None, hourly=False, time_unit: str | None = None) -> dict:
    axis = {"format": HOUR_TICKS if hourly else DATE_TICKS, "formatType": "time", "labelOverlap": True,
            "title": title}
    enc = {"field": field, "type": "temporal", "axis": axis}
    if time_unit:
        enc["timeUnit"] = time_unit
    if domain:
        enc["scale"] = {"domain": [stamp(d) for d in domain]}
    return enc


def _legend(**extra) -> dict:
    return {"orient": "bottom", "title": None, "labelLimit": 320, **extra}


def _frame(title: str, height: int, layers: list[dict] | None = None, **spec) -> dict:
    # SVG, not canvas: a drawn chart is then visible in the page itself (the browser benchmark and tests wait for
    # its marks), and at the sizes drawn here (at most CHART_MAX points) it is as quick
    out = {"title": title, "height": height, "config": {"legend": {"columns": 3}},
           "usermeta": {"embedOptions": {"renderer": "svg"}}, **spec}
    if layers is not None:
        out["layer"] = layers
    return out


def main_range(df: pl.DataFrame, x: str, weight: str, share: float = 0.005) -> list | None:
    """The x range holding all but the outer `share` of the weight on each side, plus a day.

    A few clock-skewed events dated years ahead would otherwise squash the real period into a sliver;
    they stay in the data (and in the log_clock_skew findings)."""
    if df.is_empty():
        return None
    per_x = df.group_by(x).agg(pl.col(weight).sum()).sort(x)
    cum = per_x[weight].cum_sum() / per_x[weight].sum()
    lo = per_x.filter(cum >= share)[x][0]
    hi = per_x.filter(cum >= 1 - share)[x][0]
    return [lo - timedelta(days=1), hi + timedelta(days=1)]


def daily_counts(df: pl.DataFrame, title: str, x_range: list | None = None) -> dict:
    """Events per source per day; days without events between a source's first and last day are zeros,
    so a source that went silent shows as a dip to zero. A dash pattern per source besides its colour."""
    if df.is_empty():
        return _frame(title, 300, data={"values": []}, mark="line")
    spans = df.group_by("source_system").agg(pl.col("day").min().alias("lo"), pl.col("day").max().alias("hi"))
    grid = spans.with_columns(pl.date_ranges("lo", "hi", "1d").alias("day")).explode("day").select(
        "source_system", "day")
    full = grid.join(df, on=["source_system", "day"], how="left").with_columns(pl.col("events").fill_null(0))
    x_range = x_range or main_range(df, "day", "events")
    if x_range:  # a line point far outside the period is not drawn at all (the axis is clipped anyway)
        full = full.filter(pl.col("day").is_between(x_range[0] - timedelta(days=31), x_range[1] + timedelta(days=31)))
    full = _stamped(full.sort("source_system", "day"), "day").select("source_system", "day", "events")
    sources = sorted(full["source_system"].unique().to_list())
    return _frame(title, 320, data={"values": full.to_dicts()}, mark={"type": "line", "clip": True, "strokeWidth": 1.5},
                  encoding={"x": _time_axis("day", domain=x_range),
                            "y": {"field": "events", "type": "quantitative", "title": None},
                            "color": {"field": "source_system", "type": "nominal", "legend": _legend(),
                                      "scale": {"domain": sources}},
                            "strokeDash": {"field": "source_system", "type": "nominal", "legend": _legend(),
                                           "scale": {"domain": sources,
                                                     "range": [DASHES[i % len(DASHES)] for i in range(len(sources))]}},
                            "tooltip": [{"field": "source_system", "title": " "},
                                        {"field": "day", "type": "temporal", "format": DATE_TICKS, "title": "  "},
                                        {"field": "events", "type": "quantitative", "title": "   "}]})


def weekly_counts(df: pl.DataFrame, x: str, y: str, series: str, title: str, x_range: list | None = None,
                  colours: dict[str, str] | None = None, shapes: dict[str, str] | None = None) -> dict:
    """A count per week and series (findings per severity): one line per series, each with its own point shape
    and colour, so the series read apart in greyscale too."""
    order = list(colours) if colours else sorted(df[series].unique().to_list())
    order = [s for s in order if s in set(df[series].to_list())] or order
    values = _stamped(df.select(x, y, series), x).to_dicts()
    colour = {"field": series, "type": "nominal", "legend": _legend(), "scale": {"domain": order}}
    if colours:
        colour["scale"]["range"] = [colours[s] for s in order]
    shape = {"field": series, "type": "nominal", "legend": _legend(),
             "scale": {"domain": order, "range": [(shapes or {}).get(s, "circle") for s in order]}}
    return _frame(title, 320, data={"values": values},
                  mark={"type": "line", "point": {"filled": True, "size": 45}, "clip": True, "strokeWidth": 1.5},
                  encoding={"x": _time_axis(x, domain=x_range),
                            "y": {"field": y, "type": "quantitative", "title": None},
                            "color": colour, "shape": shape,
                            "tooltip": [{"field": series, "title": " "},
                                        {"field": x, "type": "temporal", "format": DATE_TICKS, "title": "  "},
                                        {"field": y, "type": "quantitative", "title": "   "}]})


def severity_colours(label) -> dict[str, str]:
    """SEVERITY_COLOURS keyed by the severities' words in the chosen language (label: code -> word)."""
    return {label(k): v for k, v in SEVERITY_COLOURS.items()}


def severity_shapes(label) -> dict[str, str]:
    return {label(k): v for k, v in SEVERITY_SHAPES.items()}


def access_class(basis: str | None) -> str:
    if basis and str(basis).startswith("finding"):
        return "finding"
    if not basis or basis == "no basis recorded":
        return "no_basis"
    return "legitimate"


def _class_scales(words: dict[str, str], present: list[str], extra: dict[str, tuple[str, str]] | None = None):
    """(colour, shape) encodings over the classes present (by their words), plus extra {word: (colour, shape)}."""
    domain = [words.get(c, c) for c in present] + list(extra or {})
    colours = [CLASS_STYLE[c][0] for c in present] + [v[0] for v in (extra or {}).values()]
    shapes = [CLASS_STYLE[c][1] for c in present] + [v[1] for v in (extra or {}).values()]
    colour = {"field": "what", "type": "nominal", "legend": _legend(), "scale": {"domain": domain, "range": colours}}
    shape = {"field": "what", "type": "nominal", "legend": _legend(), "scale": {"domain": domain, "range": shapes}}
    return colour, shape


def timeline(events: pl.DataFrame, bands: pl.DataFrame, title: str, labels: dict[str, str] | None = None,
             lane_names: dict[str, str] | None = None, x_range: list | None = None) -> dict:
    """Every access on a time axis, one lane per client (or person); bands are involvement/authorisation periods.

    events: event_local, lane, basis (+ action, source_system); bands: lane, label, band_start, band_end.
    labels: the legend's words for the classes and band kinds; lane_names: what each lane is called; x_range: the
    period shown (first and last day), so an open-ended band does not stretch the axis to its far end.
    At most LANE_CAP lanes are drawn: those with findings first, then the busiest.
    """
    labels = labels or {}
    domain = [x_range[0], x_range[1] + timedelta(days=1)] if x_range else None
    lane_names = lane_names or {}
    events = events.with_columns(pl.col("basis").map_elements(access_class, return_dtype=pl.Utf8).alias("cls"))
    rank = (events.group_by("lane").agg((pl.col("cls") == "finding").sum().alias("f"), pl.len().alias("n"))
            .sort(["f", "n", "lane"], descending=[True, True, False]))
    lanes = rank["lane"].head(LANE_CAP).to_list()
    if len(lanes) < LANE_CAP and not bands.is_empty():
        lanes += [v for v in bands["lane"].unique(maintain_order=True).to_list() if v not in set(lanes)][
            :LANE_CAP - len(lanes)]
    lanes = sorted(lanes, key=lambda v: (lane_names.get(v, v), v))
    shown: dict[str, str] = {}  # lane -> the name on the axis, made unique (two people of one name)
    for lane in lanes:
        name = lane_names.get(lane, lane) or "?"
        shown[lane] = name if name not in shown.values() else f"{name} ({lane})"
    order = list(shown.values())
    y = {"field": "row", "type": "ordinal", "title": None, "sort": order, "scale": {"domain": order},
         "axis": {"labelLimit": 260}}
    layers = []
    bands = bands.filter(pl.col("lane").is_in(lanes)) if not bands.is_empty() else bands
    if not bands.is_empty():
        kinds = bands["label"].unique(maintain_order=True).to_list()
        band_rows = (bands.with_columns(pl.min_horizontal(pl.col("band_end"), pl.lit(OPEN_END)).alias("band_end"))
                     .with_columns(pl.col("band_end") + timedelta(days=1)))  # the last day is inside the band
        band_rows = _stamped(band_rows, "band_start", "band_end").select(
            pl.col("lane").replace_strict(shown, return_dtype=pl.Utf8).alias("row"),
            pl.col("label").replace_strict({k: f"▭ {labels.get(k, k)}" for k in kinds}, return_dtype=pl.Utf8)
            .alias("band"), "band_start", "band_end")
        layers.append({"data": {"values": band_rows.to_dicts()},
                       "mark": {"type": "bar", "opacity": 0.6, "clip": True},
                       "encoding": {"x": _time_axis("band_start", domain=domain), "x2": {"field": "band_end"}, "y": y,
                                    "fill": {"field": "band", "type": "nominal", "legend": _legend(),
                                             "scale": {"domain": [f"▭ {labels.get(k, k)}" for k in kinds],
                                                       "range": [BAND_COLOURS[i % len(BAND_COLOURS)]
                                                                 for i in range(len(kinds))]}},
                                    "tooltip": None}})
    events = events.filter(pl.col("lane").is_in(lanes))
    present = [c for c in CLASSES if c in set(events["cls"].to_list())]
    if events.height:
        words = {c: labels.get(c, c) for c in CLASSES}
        points = events.sort(pl.col("cls").replace_strict({c: i for i, c in enumerate(CLASSES)}, return_dtype=pl.Int8),
                             "event_local")
        hover = [f"{_dmy_hm(t)} · {labels.get(b, b)} · {a or ''} · {d or ''}" for t, b, a, d in
                 zip(points["event_local"].to_list(), points["basis"].to_list(), points["action"].to_list(),
                     points["source_system"].to_list())]
        points = _stamped(points, "event_local").select(
            pl.col("lane").replace_strict(shown, return_dtype=pl.Utf8).alias("row"), "event_local",
            pl.col("cls").replace_strict(words, return_dtype=pl.Utf8).alias("what"), pl.Series("hover", hover))
        colour, shape = _class_scales(words, present)
        layers.append({"data": {"values": points.to_dicts()},
                       "mark": {"type": "point", "filled": False, "clip": True},
                       "encoding": {"x": _time_axis("event_local", domain=domain), "y": y, "color": colour, "shape": shape,
                                    "size": {"field": "what", "type": "nominal", "legend": None,
                                             "scale": {"domain": [words[c] for c in present],
                                                       "range": [CLASS_STYLE[c][2] for c in present]}},
                                    "strokeWidth": {"field": "what", "type": "nominal", "legend": None,
                                                    "scale": {"domain": [words[c] for c in present],
                                                              "range": [2.2 if c == "finding" else 1.3
                                                                        for c in present]}},
                                    "tooltip": {"field": "hover", "type": "nominal"}}})
    if not layers:
        return _frame(title, 200, data={"values": []}, mark="point")
    return _frame(title, {"step": 24}, layers)


def _dmy_hm(ts) -> str:
    return f"{ts.day}.{ts.month}.{ts.year} {ts.hour:02d}.{ts.minute:02d}" if ts is not None else ""


def binned_timeline(bins: pl.DataFrame, title: str, labels: dict[str, str], hourly: bool,
                    marked_days: tuple[str, list] | None = None) -> dict:
    """Accesses counted per day (or hour) and class, stacked: a year of a busy worker's work in one light chart.

    bins: bin_start, cls (finding / no_basis / legitimate), accesses. Each class has its own outline dash besides
    its colour, and a bin with findings is also marked with a cross above its bar, so a single finding is not lost
    in a tall day. marked_days: (legend word, days) drawn as diamonds on the axis (a case's flagged days).
    """
    words = {c: labels.get(c, c) for c in CLASSES}
    present = [c for c in CLASSES if c in set(bins["cls"].to_list())] if bins.height else []
    unit = "yearmonthdatehours" if hourly else "yearmonthdate"
    fmt = "%-d.%-m.%Y %H" if hourly else DATE_TICKS
    x = _time_axis("bin_start", hourly=hourly, time_unit=unit)
    values = _stamped(bins, "bin_start").with_columns(
        pl.col("cls").replace_strict(words, return_dtype=pl.Utf8).alias("what"),
        pl.col("cls").replace_strict({c: i for i, c in enumerate(CLASSES)}, return_dtype=pl.Int8).alias("rank"))
    extra = {marked_days[0]: ("#542788", "diamond")} if marked_days and marked_days[1] else {}
    colour, shape = _class_scales(words, present, extra)
    layers = [{"data": {"values": values.select("bin_start", "what", "rank", "accesses").to_dicts()},
               "mark": {"type": "bar", "stroke": "#303030", "strokeWidth": 0.6},
               "encoding": {"x": x, "y": {"field": "accesses", "type": "quantitative", "stack": "zero", "title": None},
                            "color": colour,
                            "strokeDash": {"field": "what", "type": "nominal", "legend": None,
                                           "scale": {"domain": [words[c] for c in present],
                                                     "range": [CLASS_STYLE[c][3] for c in present]}},
                            "order": {"field": "rank", "type": "quantitative"},
                            "tooltip": [{"field": "bin_start", "type": "temporal", "timeUnit": unit, "format": fmt,
                                         "title": " "}, {"field": "what", "title": "  "},
                                        {"field": "accesses", "type": "quantitative", "title": "   "}]}}]
    found = bins.filter(pl.col("cls") == "finding")
    if not found.is_empty():
        totals = bins.group_by("bin_start").agg(pl.col("accesses").sum().alias("total"))
        top = _stamped(found.join(totals, on="bin_start"), "bin_start").select(
            "bin_start", (pl.col("total") * 1.05 + 1).alias("above"), pl.lit(words["finding"]).alias("what"))
        layers.append({"data": {"values": top.to_dicts()},
                       "mark": {"type": "point", "filled": False, "size": 90, "strokeWidth": 2.2},
                       "encoding": {"x": x | {"bandPosition": 0.5}, "y": {"field": "above", "type": "quantitative"}, "color": colour,
                                    "shape": shape, "tooltip": None}})
    if extra:
        days = pl.DataFrame({"bin_start": [stamp(d) for d in marked_days[1]]}).with_columns(
            pl.lit(0).alias("zero"), pl.lit(marked_days[0]).alias("what"))
        layers.append({"data": {"values": days.to_dicts()}, "mark": {"type": "point", "filled": True, "size": 80},
                       "encoding": {"x": x | {"bandPosition": 0.5}, "y": {"field": "zero", "type": "quantitative"}, "color": colour,
                                    "shape": shape,
                                    "tooltip": {"field": "bin_start", "type": "temporal", "format": DATE_TICKS}}})
    return _frame(title, 340, layers)
