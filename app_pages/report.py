"""Monitoring report: the monthly PDF a DPO files as evidence of regular log monitoring, in the interface's
language. The month list holds the months that have events (inside the data's real period, so a few events
dated years ahead do not push it into the future)."""

import polars as pl
import streamlit as st

from app_pages import _auth, _data
from app_pages._i18n import fi_frame, lang, show_table, t
from pipelines.reports.monitoring import build_report, report_data

user = _auth.require("report")
st.header(t("page_report"))
st.caption(t("report_intro"))

first, last = _data.period_bounds()
months = [(r["year"], r["month"]) for r in _data.q("report_months", date_from=first, date_to=last).iter_rows(named=True)]
if not months:
    st.info(t("no_months"))
    st.stop()
year, month = st.selectbox(t("month"), months, format_func=lambda ym: f"{ym[1]}/{ym[0]}", key="report_month")

data = report_data(_data.snapshot(), _data.work_path(), year, month)
c1, c2, c3 = st.columns(3)
c1.metric(t("events_total"), f"{int(data['events']['events'].sum() or 0):,}".replace(",", " "))
c2.metric(t("findings_total"), data["findings"].height)
c3.metric(t("reviewed_share"), f"{data['reviewed_share'] * 100:.0f} %")
show_table(fi_frame(data["events"]), hide_index=True, key="report_events")
by_category = data["by_category"]
if by_category.width > 1:
    by_category = by_category.rename({c: t(f"st_{c}") for c in by_category.columns if c != "category"})
show_table(fi_frame(by_category.with_columns(pl.col("category").cast(pl.Utf8))), hide_index=True,
             key="report_categories")

if st.button(t("make_report"), key="make_report"):
    st.session_state["report_pdf"] = ((year, month), build_report(_data.snapshot(), _data.work_path(), year, month,
                                                                  author=user["name"], lang=lang()))
    _data.log_export("report")
pdf = st.session_state.get("report_pdf")
if pdf and pdf[0] == (year, month):
    st.download_button(t("download_pdf"), data=pdf[1], file_name=f"lokivalvonta_{year}-{month:02d}.pdf",
                       mime="application/pdf", key="download_report")
