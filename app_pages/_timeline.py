"""The timeline shared by the user and client pages: every access one by one while there are few enough to
read, counts per day (or hour) when there are many, and the table of accesses page by page in both cases.

A busy worker has tens of thousands of accesses a year; drawing each one made an 8,000-pixel chart that took ten
seconds in the browser. Above CHART_MAX accesses the chart is the binned one, and narrowing the period (the
date input, or a link from a finding that opens a two-week window) brings back the detailed one.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from app_pages import _charts, _data
from app_pages._i18n import t, value_label

HOURLY_DAYS = 3  # a window this short is binned per hour


def legend_labels() -> dict[str, str]:
    words = {c: value_label(c) for c in ("finding", "legitimate", "no_basis")}
    words |= {k: value_label(k) for k in ("responsible_worker", "work_pair", "unit", "referral", "supervision_case",
                                           "provider_authorisation", "statutory_right", "no basis recorded")}
    words |= {"authorisation service": f"{value_label('provider_authorisation')} ({value_label('service')})",
              "authorisation tender": f"{value_label('provider_authorisation')} ({value_label('tender')})"}
    return words


def show(events_sql: str, bins_sql: str, bands: pl.DataFrame, criteria: dict, title: str, key: str,
         lane_names: dict[str, str] | None = None, *, clients_page: str | None = None) -> None:
    """Chart and table of one timeline query (user_events / client_events) for `criteria`. With `clients_page`
    (a staff member's timeline, whose events name many clients), every client the chart or the table names is
    logged as looked up on that page (_data.log_clients_shown)."""
    head = _data.q(events_sql, **criteria, max_rows=_data.CHART_MAX, row_offset=0)
    total = int(head["total_rows"][0]) if head.height else 0
    events = head.drop("total_rows")
    st.caption(t("timeline_hint"))
    if total == 0 and bands.is_empty():
        st.info(t("nothing_yet"))
        return
    if total > _data.CHART_MAX:
        hourly = (criteria["date_to"] - criteria["date_from"]).days < HOURLY_DAYS
        bins = _data.q(bins_sql, **criteria, hourly=hourly)
        st.caption(t("aggregated", total=f"{total:,}".replace(",", " "), n=_data.CHART_MAX,
                     bin=t("bin_hour" if hourly else "bin_day")))
        st.plotly_chart(_charts.binned_timeline(bins, title, legend_labels(), hourly), key=f"{key}_chart",
                        config={"displaylogo": False})
    else:
        lanes = events["lane"].n_unique() if events.height else 0
        if lanes > _charts.LANE_CAP:
            st.caption(t("lanes_capped", n=_charts.LANE_CAP, total=lanes))
        st.plotly_chart(_charts.timeline(events, bands, title, legend_labels(), lane_names), key=f"{key}_chart",
                        config={"displaylogo": False})
        if clients_page:
            _data.log_clients_shown(clients_page, events["client_id"])
    _data.timeline_table(events_sql, events, total, f"{key}_page", clients_page=clients_page, **criteria)

