"""Findings triage: filter, open one finding with its events, the reference data and the legal basis, review it."""

import json

import polars as pl
import streamlit as st

from app_pages import _auth, _data
from app_pages._i18n import fi_datetime, fi_frame, lang, status_label, t
from pipelines import workstore
from pipelines.checks.catalogue import member_meta

user = _auth.require("findings")
st.header(t("page_findings"))
provider_only = _data.provider_only()


@st.cache_data(show_spinner=False)
def rule_meta() -> dict[str, dict]:
    """Metadata of each member of the catalogue, the model too (legal basis, titles, false positives), by id."""
    return member_meta()


filters = _data.q("finding_filters")
options = {k: filters.filter(pl.col("kind") == k)["value"].to_list() for k in ("rule", "severity", "unit", "source")}
first, last = _data.period_bounds()
ANY = "—"
c = st.columns(6)
rule = c[0].selectbox(t("rule"), [ANY] + options["rule"], key="f_rule")
severity = c[1].selectbox(t("severity"), [ANY] + options["severity"], key="f_severity")
status = c[2].selectbox(t("status"), [ANY] + list(workstore.REVIEW_STATUSES), key="f_status",
                        format_func=lambda s: s if s == ANY else status_label(s))
unit = c[3].selectbox(t("unit"), [ANY] + options["unit"], key="f_unit")
source = c[4].selectbox(t("source"), [ANY] + options["source"], key="f_source")
period = c[5].date_input(t("period"), value=(first, last), format="DD.MM.YYYY", key="f_period")
date_from, date_to = (period[0], period[-1]) if isinstance(period, (tuple, list)) and period else (first, last)

status_mode, status_ids = _data.status_selection(None if status == ANY else status)
criteria = {"provider_only": provider_only, "rule": None if rule == ANY else rule,
            "severity": None if severity == ANY else severity, "unit": None if unit == ANY else unit,
            "source": None if source == ANY else source, "date_from": date_from, "date_to": date_to,
            "status_mode": status_mode, "status_ids": status_ids}
first_page = _data.q("findings_list", **criteria, max_rows=_data.MAX_ROWS, row_offset=0)
total = int(first_page["total_rows"][0]) if first_page.height else 0
table = st.container()  # the list above its page picker
offset = _data.pager(total, "findings_page")
listing = first_page if offset == 0 else _data.q("findings_list", **criteria, max_rows=_data.MAX_ROWS,
                                                 row_offset=offset)
shown = _data.with_status(listing.drop("total_rows"))
if total <= _data.MAX_ROWS:
    table.caption(t("shown_rows", n=_data.MAX_ROWS) + f" ({total})")
table.dataframe(fi_frame(shown.select("finding_id", "rule_id", "severity", "status", "day", "source_system",
                                      "staff_id", "organisation_id", "unit_id", "event_count", "assignee")),
                hide_index=True, key="findings_table")

ids = shown["finding_id"].to_list()
if not ids:
    st.info(t("nothing_yet"))
    st.stop()
preset = st.session_state.get("selected_finding")
index = ids.index(preset) if preset in ids else 0
fid = st.selectbox(t("open_finding"), ids, index=index, key="finding_pick",
                   format_func=lambda i: f"{i[:12]} · {shown.filter(pl.col('finding_id') == i)['rule_id'][0]}")
st.session_state["selected_finding"] = fid
one = _data.q("finding_one", finding_id=fid)
if one.is_empty():
    st.stop()
f = one.row(0, named=True)
if provider_only and f.get("organisation_kind") != "private_provider":
    st.error(t("not_allowed"))
    st.stop()
_data.log_lookup("read", "findings", client_id=f["client_id"], staff_id=f["staff_id"],
                 provider_id=f["organisation_id"] if f.get("organisation_kind") == "private_provider" else None)

meta = rule_meta().get(f["rule_id"], {})
title = meta.get(f"title_{lang()}") or meta.get("title_fi") or meta.get("title") or f["rule_id"]
st.subheader(f"{title} · {f['severity']}")
st.write(f"{fi_datetime(f['first_time'])} – {fi_datetime(f['last_time'])} · {f['event_count']} · "
         f"{f['source_system'] or ''} · {f['staff_id'] or f['account'] or ''}")
with st.expander(t("legal_basis"), expanded=True):
    st.write(meta.get("legal_basis") or "—")
    if meta.get("description"):
        st.caption(meta["description"])
    if meta.get("false_positives"):
        st.caption(f"{t('false_positives')}: {meta['false_positives']}")
    if f.get("evidence"):
        try:
            st.json(json.loads(f["evidence"]) if isinstance(f["evidence"], str) else f["evidence"], expanded=False)
        except ValueError:
            st.code(str(f["evidence"]))

st.markdown(f"**{t('finding_events')}**")
st.dataframe(fi_frame(_data.q("finding_events", finding_id=fid, max_rows=_data.MAX_ROWS)), hide_index=True)

st.markdown(f"**{t('reference_rows')}**")
r1, r2, r3 = st.columns(3)
if f["client_id"]:
    r1.caption(t("involvement"))
    r1.dataframe(fi_frame(_data.q("client_involvement", client_id=f["client_id"])), hide_index=True)
    r2.caption(t("authorisations"))
    r2.dataframe(fi_frame(_data.q("client_authorisations", client_id=f["client_id"])), hide_index=True)
if f["staff_id"]:
    r3.caption(t("staff_row"))
    r3.dataframe(fi_frame(_data.q("staff_rows", staff_id=f["staff_id"])), hide_index=True)

current = shown.filter(pl.col("finding_id") == fid).row(0, named=True)
st.markdown(f"**{t('set_status')}** ({status_label(current['status'])})")
with st.form("review"):
    choices = [s for s in workstore.REVIEW_STATUSES if s != "new"]
    new_status = st.selectbox(t("status"), choices, format_func=status_label, key="review_status",
                              index=choices.index(current["status"]) if current["status"] in choices else 0)
    assignee = st.text_input(t("assignee"), value=current.get("assignee") or user["name"], key="review_assignee")
    note = st.text_area(t("note"), key="review_note")
    if st.form_submit_button(t("save")):
        workstore.record_review(_data.work_path(), fid, new_status, actor=user["name"],
                                assignee=assignee or None, note=note or None)
        st.session_state["review_saved"] = fid
        st.rerun()
if st.session_state.pop("review_saved", None) == fid:
    st.success(t("saved"))

st.markdown(f"**{t('history')}**")
history = workstore.review_history(_data.work_path(), fid)
history = history.with_columns(pl.col("at").str.to_datetime("%Y-%m-%dT%H:%M:%S%z", strict=False),
                               pl.col("status").map_elements(status_label, return_dtype=pl.Utf8))
st.dataframe(fi_frame(history), hide_index=True, key="history_table")
