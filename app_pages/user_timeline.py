"""User timeline: every access of one staff member, findings salient and legitimate accesses muted, over the
involvement and authorisation bands that explain them; binned per day when the period holds many accesses.

The address carries the staff member and the window (?staff=S001&from=2025-05-20&to=2025-06-03), so a link from a
finding opens the right fortnight and a reload keeps it.
"""

from datetime import date, timedelta

import streamlit as st

from app_pages import _auth, _data, _timeline
from app_pages._i18n import fi_frame, show_table, t

_auth.require("user")
st.header(t("page_user"))

staff = _data.q("staff_list")
ids = staff["staff_id"].to_list()
if not ids:
    st.info(t("nothing_yet"))
    st.stop()
names = {r["staff_id"]: r["full_name"] or r["staff_id"] for r in staff.iter_rows(named=True)}
labels = {r["staff_id"]: " · ".join(x for x in (r["full_name"], r["title"], r["unit_id"], r["organisation_name"],
                                                 r["staff_id"]) if x)
          for r in staff.iter_rows(named=True)}
first, last = _data.period_bounds()


def _param_date(name: str) -> date | None:
    try:
        return date.fromisoformat(st.query_params.get(name, ""))
    except ValueError:
        return None


preset = st.query_params.get("staff") or st.session_state.get("timeline_staff")
day = st.session_state.get("timeline_day")
if _param_date("from") and _param_date("to"):
    default_period = (_param_date("from"), _param_date("to"))
elif day:
    default_period = (max(first, day - timedelta(days=7)), min(last, day + timedelta(days=7)))
else:
    default_period = (first, last)
if st.session_state.get("_user_link") != (preset, default_period):  # a new link: its window wins over the widgets
    st.session_state["_user_link"] = (preset, default_period)
    st.session_state["user_period"] = default_period
    if preset in ids:
        st.session_state["user_staff"] = preset
if st.session_state.get("user_staff") not in ids:
    st.session_state["user_staff"] = ids[0]
st.session_state.setdefault("user_period", default_period)

c1, c2 = st.columns([3, 2])
staff_id = c1.selectbox(t("staff"), ids, format_func=labels.get, key="user_staff", help=t("search_staff"))
period = c2.date_input(t("period"), format="DD.MM.YYYY", key="user_period")
date_from, date_to = (period[0], period[-1]) if isinstance(period, (tuple, list)) and period else default_period
st.session_state["timeline_staff"] = staff_id
st.query_params.update({"staff": staff_id, "from": str(date_from), "to": str(date_to)})
# the address now names the chosen person and period: the next run must not take it for a new link (it reset the
# first choice made after the page opened through the navigation back to the first staff member)
st.session_state["_user_link"] = (staff_id, (date_from, date_to))
_data.log_lookup("read", "user_timeline", staff_id=staff_id)

criteria = {"staff_id": staff_id, "date_from": date_from, "date_to": date_to}
bands = _data.q("user_bands", **criteria)
_timeline.show("user_events", "user_event_bins", bands, criteria, f"{t('accesses')}: {names[staff_id]}", "user",
               clients_page="user_timeline")
show_table(fi_frame(_data.q("staff_rows", staff_id=staff_id)), hide_index=True)
