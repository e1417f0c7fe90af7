"""Requests (request handler): the register of "who viewed my data" requests with overdue / soon-due marks,
a form to register a request, and the answer (decision, letter, spreadsheet) built by pipelines.disclosure.

The disclosure package reads the published snapshot (read-only) and writes the register and the record of
the answer (itself a disclosure) to the work store.
"""

import tempfile
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import streamlit as st

from app_pages import _auth, _data
from app_pages._i18n import fi_date, fi_frame, lang, t
from pipelines import disclosure
from pipelines.reports.queries import open_snapshot

user = _auth.require("requests")
st.header(t("page_requests"))


mod = disclosure
work = _data.work_path()

st.subheader(t("requests_register"))
register = mod.list_requests(work)
if register.is_empty():
    st.info(t("no_requests"))
else:
    marked = register.with_columns(
        pl.when(pl.col("overdue")).then(pl.lit("🔴 " + t("overdue")))
        .when(pl.col("soon_due")).then(pl.lit("🟠 " + t("soon_due"))).otherwise(pl.lit("")).alias("mark"))
    st.dataframe(fi_frame(marked.select("mark", *[c for c in register.columns if c not in ("overdue", "soon_due")])),
                 hide_index=True, key="requests_table")

with st.expander(t("new_request"), expanded=register.is_empty()), st.form("new_request"):
    c1, c2 = st.columns(2)
    client_id = c1.text_input(t("client_id"), key="req_client")
    relation = c2.selectbox(t("relation"), ["self", "guardian", "representative"], key="req_relation",
                            format_func=lambda r: t(f"rel_{r}"))
    requester = c1.text_input(t("requester"), key="req_requester")
    today = date.today()
    period = c2.date_input(t("period"), value=(today - timedelta(days=365), today), format="DD.MM.YYYY",
                           key="req_period")
    reason = st.text_input(t("special_reason"), key="req_reason")
    if st.form_submit_button(t("register")):
        if client_id.strip() and isinstance(period, (tuple, list)) and len(period) == 2:
            made = mod.register_request(work, client_id=client_id.strip().upper(), relation=relation,
                                        period_from=period[0], period_to=period[1],
                                        requester_name=requester or None, handler=user["name"],
                                        special_reason=reason or None, language=lang())
            _data.log_lookup("search", "requests", client_id=made.client_id)
            st.success(f"{t('registered')}: {made.request_id} · {t('due')} {fi_date(made.due_on)}")
            st.rerun()
        else:
            st.error(t("client_id"))

if register.is_empty():
    st.stop()
st.subheader(t("answer_request"))
request_id = st.selectbox(t("request"), register["request_id"].to_list(), key="request_pick")
request = mod.get_request(work, request_id)
_data.log_lookup("read", "requests", client_id=request.client_id)
con = open_snapshot(_data.snapshot())
try:
    decision = mod.decide(con, work, request)
    st.markdown(f"**{t('decision')}:** {decision.outcome}")
    for reason_text in decision.reason_texts(lang()):
        st.write("• " + reason_text)
    if decision.outcome == "deliver":
        preview = mod.build_answer(con, request, work_path=work, lang=lang(), decision=decision)
        st.caption(t("shown_rows", n=_data.MAX_ROWS) + f" ({preview.height})")
        st.dataframe(fi_frame(preview.head(_data.MAX_ROWS)), hide_index=True, key="answer_preview")
    if st.button(t("export_answer"), key="export_answer"):
        out_dir = Path(tempfile.mkdtemp(prefix="lokivahti-answer-"))
        result = mod.export_answer(con, work, request, out_dir, lang=lang())
        st.session_state["answer_files"] = (request_id, {k: Path(p).read_bytes() for k, p in result.paths.items()},
                                            {k: Path(p).name for k, p in result.paths.items()})
        st.success(f"{t('status')}: {result.request.status}")
finally:
    con.close()
got = st.session_state.get("answer_files")
if got and got[0] == request_id:
    for kind, data in got[1].items():
        st.download_button(f"⬇ {got[2][kind]}", data=data, file_name=got[2][kind], key=f"answer_dl_{kind}")
