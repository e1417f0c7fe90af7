"""Anomalies: the most unusual user-days of the isolation forest, explained in plain words, linked to the timeline."""

import streamlit as st

from app_pages import _auth, _data
from app_pages._i18n import fi_date, lang, t

_auth.require("anomalies")
st.header(t("anomaly_rank"))

first, last = _data.period_bounds()
period = st.date_input(t("period"), value=(first, last), format="DD.MM.YYYY", key="anomaly_period")
date_from, date_to = (period[0], period[-1]) if isinstance(period, (tuple, list)) and period else (first, last)
scores = _data.q("scores_top", date_from=date_from, date_to=date_to, max_rows=50)
if scores.is_empty():
    st.info(t("no_scores"))
    st.stop()

for i, row in enumerate(scores.iter_rows(named=True)):
    explanation = row[f"explanation_{lang()}"] or row["explanation_fi"] or ""
    with st.container(border=True):
        c1, c2, c3 = st.columns([1, 6, 2])
        c1.metric("#", row["rank"], help=f"score {row['score']:.3f}")
        c2.markdown(f"**{row['staff_id']}** · {row['title'] or ''} · {row['unit_id'] or ''} · **{fi_date(row['day'])}**"
                    + (" · ⚑" if row["flagged"] else ""))
        c2.write(explanation)
        if c3.button(t("open_timeline"), key=f"anomaly_open_{i}"):
            st.session_state["timeline_staff"] = row["staff_id"]
            st.session_state["timeline_day"] = row["day"]
            st.switch_page("app_pages/user_timeline.py")
