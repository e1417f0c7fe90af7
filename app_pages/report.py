"""Monitoring report: the monthly PDF a DPO files as evidence of regular log monitoring."""

from datetime import date

import streamlit as st

from app_pages import _auth, _data
from app_pages._i18n import fi_frame, t
from pipelines.reports.monitoring import build_report, report_data

user = _auth.require("report")
st.header(t("page_report"))
st.caption(t("report_intro"))

first, last = _data.period_bounds()
months = []
y, m = last.year, last.month
while (y, m) >= (first.year, first.month) and len(months) < 36:
    months.append((y, m))
    y, m = (y, m - 1) if m > 1 else (y - 1, 12)
year, month = st.selectbox(t("month"), months or [(date.today().year, date.today().month)],
                           format_func=lambda ym: f"{ym[1]}/{ym[0]}", key="report_month")

data = report_data(_data.snapshot(), _data.work_path(), year, month)
c1, c2, c3 = st.columns(3)
c1.metric(t("events_total"), int(data["events"]["events"].sum() or 0))
c2.metric(t("findings_total"), data["findings"].height)
c3.metric("%", f"{data['reviewed_share'] * 100:.0f} %", help="reviewed share")
st.dataframe(fi_frame(data["events"]), hide_index=True)
st.dataframe(data["by_category"], hide_index=True)

if st.button(t("make_report"), key="make_report"):
    st.session_state["report_pdf"] = ((year, month), build_report(_data.snapshot(), _data.work_path(), year, month,
                                                                  author=user["name"]))
    _data.log_export("report")
pdf = st.session_state.get("report_pdf")
if pdf and pdf[0] == (year, month):
    st.download_button(t("download_pdf"), data=pdf[1], file_name=f"lokivalvonta_{year}-{month:02d}.pdf",
                       mime="application/pdf", key="download_report")
