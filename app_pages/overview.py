"""Overview: is every source logging, did ingest balance, what is open, who carries the most risk.

Every figure is counted in DuckDB (daily counts per source, findings per rule, severity, week and open or not);
the page receives a few hundred rows whatever the size of the county.
"""

from datetime import timedelta

import polars as pl
import streamlit as st

from app_pages import _auth, _charts, _data
from app_pages._i18n import date_text, fi_frame, lang, show_table, t, value_label

_auth.require("overview")
st.header(t("page_overview"))

daily = _data.q("events_per_source_day")
first, last, outliers = _data.period_span()
if outliers:
    st.caption(t("outliers", n=outliers, first=date_text(first), last=date_text(last)))
tally = _data.q("ingest_tally")
counts = _data.q("findings_overview", provider_only=False, closed_ids=_data.ids_with_status(_data.CLOSED))
open_ = counts.filter(pl.col("is_open"))

c1, c2, c3, c4 = st.columns(4)
c1.metric(t("events_total"), f"{int(daily['events'].sum() or 0):,}".replace(",", " "))
c2.metric(t("findings_total"), f"{int(counts['findings'].sum() or 0):,}".replace(",", " "))
c3.metric(t("open_total"), f"{int(open_['findings'].sum() or 0):,}".replace(",", " "))
c4.metric(t("quarantined_total"), f"{int(tally['quarantined'].sum() or 0):,}".replace(",", " "))

st.plotly_chart(_charts.daily_counts(daily, t("events_per_day"),
                                      [first - timedelta(days=1), last + timedelta(days=1)]), key="daily_chart")

st.subheader(t("ingest_tally"))
show_table(fi_frame(tally), hide_index=True)

left, right = st.columns(2)
# Open findings per rule as a table, a column per severity: long rule titles read whole, the counts are exact,
# and the page draws one chart fewer (each costs a noticeable part of the first render in the browser).
severities = [s for s in _charts.SEVERITY_COLOURS if s in set(open_["severity"].to_list())]
by_rule = (open_.group_by("rule_id", "severity").agg(pl.col("findings").sum())
           .pivot(on="severity", index="rule_id", values="findings") if open_.height else pl.DataFrame())
with left:
    st.markdown(f"**{t('open_findings')}**")
    if by_rule.is_empty():
        st.info(t("nothing_yet"))
    else:
        by_rule = (by_rule.with_columns(pl.col(s).fill_null(0) for s in severities)
                   .with_columns(pl.sum_horizontal(severities).alias("total"))
                   .sort(["total", *severities, "rule_id"], descending=[True] * (len(severities) + 1) + [False]))
        shown = by_rule.select(
            pl.col("rule_id").map_elements(lambda r: _data.rule_title(r, lang()), return_dtype=pl.Utf8)
            .alias(t("rule")),
            *[pl.col(s).alias(value_label(s)) for s in severities], pl.col("total").alias(t("total")))
        show_table(shown, hide_index=True, key="rule_table")
trend = (counts.group_by("week", "severity").agg(pl.col("findings").sum()).sort("week", "severity")
         .with_columns(pl.col("severity").map_elements(value_label, return_dtype=pl.Utf8)))
with right:
    if trend.is_empty():
        st.info(t("nothing_yet"))
    else:
        st.plotly_chart(_charts.stacked_counts(trend, "week", "findings", "severity", t("findings_trend"),
                                               x_range=[first, last],
                                               colours=_charts.severity_colours(value_label)),
                        key="trend_chart")

st.subheader(t("top_users"))
top = _data.q("top_users", provider_only=False, max_rows=20)
staff = _data.q("staff_list").select("staff_id", pl.col("full_name").alias("staff_name"), "title", "unit_id")
top = top.join(staff, on="staff_id", how="left").select("staff_name", "title", "unit_id", "staff_id", "findings",
                                                        "severity_weight", "flagged_days", "risk")
show_table(fi_frame(top), hide_index=True, key="top_users_table")
