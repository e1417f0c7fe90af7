"""User timeline: every access of one staff member, coloured by basis or finding, over involvement bands."""

from datetime import timedelta

import streamlit as st

from app_pages import _auth, _charts, _data
from app_pages._i18n import fi_frame, t

_auth.require("user")
st.header(t("page_user"))

staff = _data.q("staff_list")
ids = staff["staff_id"].to_list()
if not ids:
    st.info(t("nothing_yet"))
    st.stop()
labels = {r["staff_id"]: f"{r['staff_id']} · {r['title'] or ''} · {r['unit_id'] or ''}" for r in staff.iter_rows(named=True)}
preset = st.session_state.get("timeline_staff")
first, last = _data.period_bounds()
day = st.session_state.get("timeline_day")
default_period = (max(first, day - timedelta(days=7)), min(last, day + timedelta(days=7))) if day else (first, last)

c1, c2 = st.columns([2, 2])
staff_id = c1.selectbox(t("staff"), ids, index=ids.index(preset) if preset in ids else 0,
                        format_func=labels.get, key="user_staff")
period = c2.date_input(t("period"), value=default_period, format="DD.MM.YYYY", key="user_period")
date_from, date_to = (period[0], period[-1]) if isinstance(period, (tuple, list)) and period else default_period
st.session_state["timeline_staff"] = staff_id
_data.log_lookup("read", "user_timeline", staff_id=staff_id)

criteria = {"staff_id": staff_id, "date_from": date_from, "date_to": date_to}
events, total = _data.timeline_events("user_events", **criteria)
bands = _data.q("user_bands", **criteria)
st.caption(t("timeline_hint"))
if events.is_empty():
    st.info(t("nothing_yet"))
else:
    if total > events.height:
        st.caption(t("chart_first", n=events.height, total=total))
    st.plotly_chart(_charts.timeline(events, bands, f"{t('accesses')}: {staff_id}"), key="user_chart")
st.dataframe(fi_frame(_data.q("staff_rows", staff_id=staff_id)), hide_index=True)
_data.timeline_table("user_events", events, total, "user_events_page", **criteria)
