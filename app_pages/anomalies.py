"""Anomalies: the most unusual user-days of the isolation forest, explained in plain words, linked to the person's
timeline and case; twenty to a page."""

from datetime import timedelta

import streamlit as st

from app_pages import _auth, _data
from app_pages._i18n import date_text, lang, t

PER_PAGE = 20

_auth.require("anomalies")
st.header(t("anomaly_rank"))

first, last = _data.period_bounds()
period = st.date_input(t("period"), value=(first, last), format="DD.MM.YYYY", key="anomaly_period")
date_from, date_to = (period[0], period[-1]) if isinstance(period, (tuple, list)) and period else (first, last)
scores = _data.q("scores_top", date_from=date_from, date_to=date_to, max_rows=_data.MAX_ROWS)
if scores.is_empty():
    st.info(t("no_scores"))
    st.stop()
names = {r["staff_id"]: r["full_name"] for r in _data.q("staff_list").iter_rows(named=True)}
listing = st.container()
offset = _data.pager(scores.height, "anomaly_page", rows=PER_PAGE)

for i, row in enumerate(scores.slice(offset, PER_PAGE).iter_rows(named=True), start=offset):
    explanation = _data.explanation(row, lang())
    with listing.container(border=True):
        c1, c2, c3 = st.columns([1, 6, 2])
        c1.metric("#", row["rank"], help=f"{row['score']:.3f}")
        who = " · ".join(x for x in (names.get(row["staff_id"]), row["title"], row["unit_id"]) if x) or row["staff_id"]
        c2.markdown(f"**{who}** · **{date_text(row['day'])}**" + (f" · ⚑ {t('flagged')}" if row["flagged"] else ""))
        c2.write(explanation)
        if c3.button(t("open_timeline"), key=f"anomaly_open_{i}"):
            st.session_state["timeline_staff"] = row["staff_id"]
            st.switch_page("app_pages/user_timeline.py", query_params={
                "staff": row["staff_id"], "from": str(max(first, row["day"] - timedelta(days=7))),
                "to": str(min(last, row["day"] + timedelta(days=7)))})
        c3.page_link("app_pages/cases.py", label=t("open_case"), query_params={"staff": row["staff_id"]})
