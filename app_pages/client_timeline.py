"""Client timeline: everyone who accessed one client's data, with involvement and authorisation bands."""

import streamlit as st

from app_pages import _auth, _charts, _data
from app_pages._i18n import t

_auth.require("client")
st.header(t("page_client"))

first, last = _data.period_bounds()
with st.form("client_lookup"):
    c1, c2 = st.columns([2, 2])
    client_id = c1.text_input(t("client_id"), value=st.session_state.get("timeline_client", ""), key="client_input")
    period = c2.date_input(t("period"), value=(first, last), format="DD.MM.YYYY", key="client_period")
    st.form_submit_button(t("show"))
client_id = client_id.strip().upper()
if not client_id:
    st.stop()
date_from, date_to = (period[0], period[-1]) if isinstance(period, (tuple, list)) and period else (first, last)
st.session_state["timeline_client"] = client_id
_data.log_lookup("search", "client_timeline", client_id=client_id)

criteria = {"client_id": client_id, "date_from": date_from, "date_to": date_to}
events, total = _data.timeline_events("client_events", **criteria)
bands = _data.q("client_bands", **criteria)
st.caption(t("timeline_hint"))
if events.is_empty() and bands.is_empty():
    st.info(t("nothing_yet"))
    st.stop()
if total > events.height:
    st.caption(t("chart_first", n=events.height, total=total))
st.plotly_chart(_charts.timeline(events, bands, t("accesses")), key="client_chart")
_data.timeline_table("client_events", events, total, "client_events_page", **criteria)
