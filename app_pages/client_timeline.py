"""Client timeline: everyone who accessed one client's data, with the client's involvement and authorisation
bands, under a header with the client's name and protection flags.

A link from a finding names the finding (?from_finding=…), never the client's identity code, so no identity code ends
up in an address, a browser history or a server log; the page takes the client and a fortnight around the
finding from it.
"""

from datetime import timedelta

import streamlit as st

from app_pages import _auth, _data, _timeline
from app_pages._i18n import date_text, t, value_label

_auth.require("client")
st.header(t("page_client"))

first, last = _data.period_bounds()
linked = st.query_params.get("from_finding")
if linked and st.session_state.get("_client_link") != linked:
    one = _data.q("finding_one", finding_id=linked)
    if one.height and one["client_id"][0]:
        st.session_state["_client_link"] = linked
        st.session_state["client_input"] = one["client_id"][0]
        day = one["event_date"][0] or (one["first_time"][0].date() if one["first_time"][0] else None)
        if day:
            st.session_state["client_period"] = (max(first, day - timedelta(days=7)), min(last, day + timedelta(days=7)))
st.session_state.setdefault("client_input", st.session_state.get("timeline_client", ""))
st.session_state.setdefault("client_period", (first, last))

with st.form("client_lookup"):
    c1, c2 = st.columns([2, 2])
    client_id = c1.text_input(t("client_id"), key="client_input")
    period = c2.date_input(t("period"), format="DD.MM.YYYY", key="client_period")
    st.form_submit_button(t("show"))
client_id = client_id.strip().upper()
if not client_id:
    st.stop()
date_from, date_to = (period[0], period[-1]) if isinstance(period, (tuple, list)) and period else (first, last)
st.session_state["timeline_client"] = client_id
_data.log_lookup("search", "client_timeline", client_id=client_id)

header = _data.q("client_header", client_id=client_id)
if header.height:
    h = header.row(0, named=True)
    flags = [f"🛡 {t('protected')}"] if h["security_prohibition"] else []
    if h["placement_secret"]:
        until = f" ({date_text(h['placement_secret_until'], end=True)})" if h["placement_secret_until"] else ""
        flags.append(f"🔒 {t('placement_secret')}{until}")
    if h["deceased_on"]:
        flags.append(f"✝ {t('deceased')} {date_text(h['deceased_on'])}")
    with st.container(border=True):
        st.markdown(f"**{t('client_header')}: {h['full_name'] or client_id}**"
                    + (f" · {date_text(h['birth_date'])}" if h["birth_date"] else ""))
        st.markdown(" · ".join(flags) if flags else t("no_flags"))

staff = _data.q("staff_list")
who = {r["staff_id"]: r["full_name"] or r["staff_id"] for r in staff.iter_rows(named=True)}
orgs = {r["organisation_id"]: r["organisation_name"] for r in staff.iter_rows(named=True)}
criteria = {"client_id": client_id, "date_from": date_from, "date_to": date_to}
events_head = _data.q("client_events", **criteria, max_rows=_data.CHART_MAX, row_offset=0)
lane_names = {}
for r in events_head.select("lane", "staff_id", "organisation_id", "account").unique().iter_rows(named=True):
    person = who.get(r["staff_id"]) or r["account"] or "?"
    lane_names[r["lane"]] = f"{person} ({orgs.get(r['organisation_id'], r['organisation_id'] or '?')})"
bands = _data.q("client_bands", **criteria)
for lane in bands["lane"].unique().to_list() if bands.height else []:
    kind, _, rest = lane.partition(": ")
    if kind == "involvement":
        code, _, whom = rest.partition(" ")
        lane_names[lane] = f"{value_label(code)}: {who.get(whom, whom)}"
    elif kind == "authorisation":
        lane_names[lane] = f"{value_label('provider_authorisation')}: {orgs.get(rest, rest)}"
_timeline.show("client_events", "client_event_bins", bands, criteria, t("accesses"), "client", lane_names)
