"""Cases: one person's related findings and flagged days as one matter, with its timeline, history, a review of
all its open findings at once, and the evidence pack (PDF + CSV with the CSV's SHA-256).

The person comes from the address (?staff=S001: a finding's "the person's case" link) or the search box, which
finds people by name, title, unit or number.
"""

from datetime import timedelta

import polars as pl
import streamlit as st

from app_pages import _auth, _charts, _data, _timeline
from app_pages._i18n import date_text, fi_frame, lang, show_table, status_label, t
from pipelines import workstore
from pipelines.reports.case_pack import build_case_pack

user = _auth.require("cases")
st.header(t("page_cases"))
st.caption(t("case_intro"))

cases = _data.q("case_list")
if cases.is_empty():
    st.info(t("case_none"))
    st.stop()
ids = cases["staff_id"].to_list()
rows = {r["staff_id"]: r for r in cases.iter_rows(named=True)}


def label(sid: str) -> str:
    r = rows[sid]
    name = " · ".join(x for x in (r["full_name"], r["title"], r["unit_id"], r["organisation_name"], sid) if x)
    return f"{name} — {r['findings']} / {r['flagged_days']}"


linked = st.query_params.get("staff")
if linked in rows and st.session_state.get("_case_link") != linked:
    st.session_state["_case_link"] = linked
    st.session_state["case_pick"] = linked
if st.session_state.get("case_pick") not in rows:
    st.session_state["case_pick"] = ids[0]
staff_id = st.selectbox(t("case_person"), ids, format_func=label, key="case_pick", help=t("search_staff"))
st.query_params["staff"] = staff_id
st.session_state["_case_link"] = staff_id  # the address now names the chosen person: not a new link next run
_data.log_lookup("read", "cases", staff_id=staff_id)
case = rows[staff_id]
person = case["full_name"] or staff_id

findings = _data.with_status(_data.q("case_findings", staff_id=staff_id))
days = _data.q("case_days", staff_id=staff_id)
open_ids = findings.filter(pl.col("status").is_in(list(_data.OPEN)))["finding_id"].to_list()
m = st.columns(4)
m[0].metric(t("findings_total"), findings.height)
m[1].metric(t("open_total"), len(open_ids))
m[2].metric(t("case_days"), days.height)
m[3].metric(t("period"), f"{date_text(case['first_day'])}–{date_text(case['last_day'])}")

# the case's timeline: the person's accesses per day over the case's span, findings marked
if case["first_day"] and case["last_day"]:
    window = {"staff_id": staff_id, "date_from": case["first_day"] - timedelta(days=7),
              "date_to": case["last_day"] + timedelta(days=7)}
    bins = _data.q("user_event_bins", **window, hourly=False)
    st.subheader(t("case_timeline"))
    if bins.height:
        fig = _charts.binned_timeline(bins, person, _timeline.legend_labels(), hourly=False)
        if days.height:  # the model's flagged days as diamonds under the axis, labelled in the legend
            fig.add_scatter(x=days["day"].to_list(), y=[0] * days.height, mode="markers", name=t("case_days"),
                            marker={"symbol": "diamond", "size": 11, "color": "#542788"},
                            hovertemplate="%{x|%-d.%-m.%Y}<extra></extra>")
        st.plotly_chart(fig, key="case_chart", config={"displaylogo": False})
    st.page_link("app_pages/user_timeline.py", label=t("open_timeline"), icon=":material/person_search:",
                 query_params={"staff": staff_id, "from": str(window["date_from"]), "to": str(window["date_to"])})

st.subheader(t("case_findings"))
shown = findings.with_columns(
    pl.col("rule_id").map_elements(lambda r: _data.rule_title(r, lang()), return_dtype=pl.Utf8).alias("rule"),
    pl.coalesce("client_name", "client_id").alias("client_name"))
show_table(fi_frame(shown.select("day", "severity", "status", "rule", "client_name", "organisation_name",
                                   "event_count", "assignee")), hide_index=True, key="case_findings_table")
_data.log_clients_shown("cases", findings["client_id"])  # the case's findings name their clients
if days.height:
    st.subheader(t("case_days"))
    texts = [_data.explanation(r, lang()) for r in days.iter_rows(named=True)]
    show_table(fi_frame(days.select("day", pl.col("score").round(3)).with_columns(
        pl.Series("explanation", texts, dtype=pl.Utf8))),
                 hide_index=True, key="case_days_table")

if open_ids:
    with st.form(f"case_review_{staff_id}"):
        c1, c2 = st.columns(2)
        status = c1.selectbox(t("status"), list(workstore.REVIEW_STATUSES), index=1, format_func=status_label,
                              key=f"case_status_{staff_id}")
        note = c2.text_input(t("note"), key=f"case_note_{staff_id}")
        if st.form_submit_button(f"{t('case_set_all')} ({len(open_ids)})"):
            _data.record_reviews("case_result", open_ids, status, actor=user["name"], assignee=user["name"],
                                 note=note or None)
            st.rerun()
_data.show_review_result("case_result")

st.subheader(t("case_history"))
history = workstore.review_history_of(_data.work_path(), findings["finding_id"].to_list())
history = history.with_columns(pl.col("at").str.to_datetime("%Y-%m-%dT%H:%M:%S%z", strict=False)).select(
    "at", "actor", "status", "assignee", "note", "finding_id")
show_table(fi_frame(history), hide_index=True, key="case_history_table")

if st.button(t("case_export"), key="case_export"):
    statuses = dict(zip(findings["finding_id"].to_list(), findings["status"].to_list()))
    pack = build_case_pack(_data.snapshot(), staff_id, person=person, statuses=statuses,
                           history=history.drop("finding_id"), lang=lang(), author=user["name"])
    st.session_state["case_pack"] = (staff_id, pack)
    _data.log_export("cases", staff_id=staff_id)
got = st.session_state.get("case_pack")
if got and got[0] == staff_id:
    pack = got[1]
    st.write(f"{t('sha256')}: `{pack.sha256}`")
    d1, d2 = st.columns(2)
    d1.download_button(f"⬇ {pack.pdf_name}", data=pack.pdf_bytes, file_name=pack.pdf_name, mime="application/pdf",
                       key="case_pdf")
    d2.download_button(f"⬇ {pack.csv_name}", data=pack.csv_bytes, file_name=pack.csv_name, mime="text/csv",
                       key="case_csv")
