"""Requests (request handler): the register of "who viewed my data" requests, registering one, and deciding and
answering it — everything `lokivahti disclose` does, from the screen.

- The register with overdue / soon-due marks; an open request of the same client, requester and period is
  shown before a duplicate is registered; a request can be corrected or cancelled, with its history.
- Registering records how the requester's identity and right to act were verified and the day the request
  was received (the two months run from it), validated by pipelines.identity like the CLI.
- For the chosen request: the decision and its reasons, the redaction that will apply (shown before anything
  is built), the rows that would be released, and the county's reasoned view on lawfulness (11 § 5 mom).
- A held request is decided here — release, partly, refuse — with a ground and written reasoning, by the
  `request_handler` role (the data protection officer sees the page but does not decide); then the answer,
  the written decision or an interim letter is built and offered for download.

The disclosure package reads the published snapshot (read-only) and writes the register and the record of
the answer (itself a disclosure) to the work store. Texts of this workflow are in
pipelines/reports/labels.toml [requests] (fi, sv, en).
"""

import tempfile
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import streamlit as st

from app_pages import _auth, _data
from app_pages._i18n import fi_date, fi_frame, lang, show_table, t
from pipelines import disclosure as mod
from pipelines import identity
from pipelines.disclosure.grounds import REFUSAL_GROUNDS, VERIFICATIONS
from pipelines.disclosure.texts import t as letter_text
from pipelines.reports.labels import text as label_text
from pipelines.reports.queries import open_snapshot


def pt(key: str, **fmt) -> str:
    """A text of this workflow (pipelines/reports/labels.toml [requests]) in the chosen language."""
    return label_text("requests", key, lang(), **fmt)


user = _auth.require("requests")
handler_name = user.get("full_name") or user["name"]
can_decide = user["role"] == "request_handler"
st.header(t("page_requests"))
work = _data.work_path()

st.subheader(t("requests_register"))
register = mod.list_requests(work)
if register.is_empty():
    st.info(t("no_requests"))
else:
    marked = register.with_columns(
        pl.when(pl.col("overdue")).then(pl.lit("🔴 " + t("overdue")))
        .when(pl.col("soon_due")).then(pl.lit("🟠 " + t("soon_due"))).otherwise(pl.lit("")).alias("mark"))
    show_table(fi_frame(marked.select("mark", *[c for c in register.columns if c not in ("overdue", "soon_due")])),
                 hide_index=True, key="requests_table")

with st.expander(t("new_request"), expanded=register.is_empty()), st.form("new_request"):
    c1, c2 = st.columns(2)
    client_id = c1.text_input(t("client_id"), key="req_client", max_chars=identity.MAX_INPUT_CHARS)
    # option words fixed in this run's language (a label read later, in another language, would not match)
    relations = {r: t(f"rel_{r}") for r in ("self", "guardian", "representative")}
    relation = c2.selectbox(t("relation"), list(relations), key="req_relation", format_func=relations.get)
    requester = c1.text_input(t("requester"), key="req_requester", max_chars=200)
    address = c2.text_input(pt("address"), key="req_address", max_chars=300)
    verifications = {v: letter_text("verify_" + v, lang()) for v in VERIFICATIONS}
    verified = c1.selectbox(pt("verified"), list(verifications), key="req_verified", format_func=verifications.get)
    right = c2.text_input(pt("right_to_act"), key="req_right", max_chars=300)
    today = date.today()
    received = c1.date_input(pt("received"), value=today, format="DD.MM.YYYY", key="req_received")
    period = c2.date_input(t("period"), value=(today - timedelta(days=365), today), format="DD.MM.YYYY",
                           key="req_period")
    reason = st.text_input(t("special_reason"), key="req_reason", max_chars=500)
    duplicate_ok = st.checkbox(pt("duplicate_ok"), key="req_duplicate_ok")
    if st.form_submit_button(t("register")):
        try:
            if not (isinstance(period, (tuple, list)) and len(period) == 2):
                raise mod.RequestError(t("period"))
            if relation != "self" and not right.strip():
                raise mod.RequestError(pt("right_to_act"))
            code = identity.validate(client_id)
            duplicates = mod.open_duplicates(work, code, relation, period[0], period[1])
            if duplicates and not duplicate_ok:
                st.warning(pt("duplicate", ids=", ".join(d.request_id for d in duplicates)))
            else:
                made = mod.register_request(work, client_id=code, relation=relation, period_from=period[0],
                                            period_to=period[1], received_on=received,
                                            requester_name=requester or None, requester_address=address or None,
                                            identity_verified=verified, right_to_act=right or None,
                                            handler=handler_name, special_reason=reason or None,
                                            language=lang())  # the letter in the handler's language
                _data.log_lookup("search", "requests", client_id=made.client_id)
                st.success(f"{t('registered')}: {made.request_id} · {t('due')} {fi_date(made.due_on)}")
                st.rerun()
        except (identity.InvalidIdentityCode, mod.RequestError) as exc:
            st.error(f"{pt('invalid')}: {exc}")

def same_as_request(preview, decision, request) -> bool:
    """Whether the decision's preview is the whole answer to the request (its period, nothing withheld, nothing
    redacted), so the page need not build the answer a second time for the decision form: building one reads the
    client's events, a second or more of the page's first render."""
    return (preview is not None and not decision.withheld and not decision.redact_location
            and (decision.released_from, decision.released_to) == (request.period_from, request.period_to))


if register.is_empty():
    st.stop()
st.subheader(t("answer_request"))
request_id = st.selectbox(t("request"), register["request_id"].to_list(), key="request_pick")
request = mod.get_request(work, request_id)
_data.log_lookup("read", "requests", client_id=request.client_id)
letter_lang = request.language if request.language in ("fi", "sv", "en") else "fi"
con = open_snapshot(_data.snapshot())
try:
    decision = mod.decide(con, work, request)
    st.markdown(f"**{t('decision')}:** {pt({'deliver': 'deliver', 'refused': 'refused'}.get(decision.outcome, 'held'))}"
                f" · {t('status')}: {request.status}")
    for reason_text in decision.reason_texts(letter_lang):
        st.write("• " + reason_text)
    preview = None
    if decision.outcome == "deliver":
        st.info(pt("redaction") if decision.redact_location else pt("no_redaction"))
        preview = mod.build_answer(con, request, work_path=work, lang=letter_lang, decision=decision)
        st.caption(t("shown_rows", n=_data.MAX_ROWS) + f" ({preview.height})")
        show_table(fi_frame(preview.drop("examined").head(_data.MAX_ROWS)), hide_index=True, key="answer_preview")
        st.markdown(f"**{pt('view')}**")
        for line in mod.reasoned_view(preview, letter_lang):
            st.write(line)
    elif decision.outcome == "held_for_decision":
        st.warning(pt("held"))
    else:
        st.error(pt("refused"))

    is_open = request.status in ("received", "in_progress", "held_for_decision")
    if is_open:
        with st.expander(pt("decide"), expanded=decision.outcome == "held_for_decision"):
            if not can_decide:
                st.info(pt("only_handler"))
            else:
                full = preview if same_as_request(preview, decision, request) else mod.build_answer(
                    con, request, work_path=work, lang=letter_lang)
                labels = {f"{r['source_system']}:{r['source_event_id']}": f"{r['time']} · {r['worker']} · {r['action']}"
                          for r in full.iter_rows(named=True)}
                with st.form("decide_form"):
                    kind = st.radio(pt("decision_kind"), ["release", "partly", "refuse"], key="decide_kind",
                                    format_func={k: pt("kind_" + k) for k in ("release", "partly", "refuse")}.get,
                                    horizontal=True)
                    ground = st.selectbox(pt("ground"), ["", *REFUSAL_GROUNDS], key="decide_ground",
                                          format_func=lambda g: letter_text("ground_" + g, letter_lang) if g else "—")
                    reasoning = st.text_area(pt("reasoning"), key="decide_reason", max_chars=2000)
                    withheld = st.multiselect(pt("withhold"), list(labels), format_func=lambda k: labels[k],
                                              key="decide_withhold")
                    released = st.date_input(pt("release_period"), value=(request.period_from, request.period_to),
                                             format="DD.MM.YYYY", key="decide_period")
                    lift = st.checkbox(pt("lift"), key="decide_lift")
                    fee = st.text_input(pt("fee"), key="decide_fee", max_chars=50)
                    if st.form_submit_button(pt("record_decision")):
                        start, end = (released if isinstance(released, (tuple, list)) and len(released) == 2
                                      else (request.period_from, request.period_to))
                        narrowed = kind == "partly" and (start, end) != (request.period_from, request.period_to)
                        try:
                            mod.record_professional_decision(
                                work, request_id, decision=kind, by=handler_name, reason=reasoning or None,
                                ground=ground or None, withheld_rows=withheld if kind == "partly" else [],
                                release_from=start if narrowed else None, release_to=end if narrowed else None,
                                keep_redaction=not lift, fee=fee or None)
                            st.success(pt("decided"))
                            st.rerun()
                        except mod.RequestError as exc:
                            st.error(f"{pt('invalid')}: {exc}")
        misuse = st.checkbox(pt("view_in_letter"), key="misuse_view")
        c1, c2 = st.columns(2)
        if c1.button(t("export_answer"), key="export_answer"):
            out_dir = Path(tempfile.mkdtemp(prefix="lokivahti-answer-"))
            try:
                result = mod.export_answer(con, work, request, out_dir, lang=letter_lang, misuse_view=misuse,
                                           actor=handler_name)
                st.session_state["answer_files"] = (
                    request_id, {k: Path(p).read_bytes() for k, p in result.paths.items()},
                    {k: Path(p).name for k, p in result.paths.items()})
                st.success(f"{t('status')}: {result.request.status}")
                if result.decision.redact_location:
                    st.info(pt("redaction"))
            except (mod.RequestError, mod.OutputError) as exc:
                st.error(str(exc))
        if decision.outcome == "held_for_decision" and c2.button(pt("interim"), key="interim_letter"):
            out_dir = Path(tempfile.mkdtemp(prefix="lokivahti-interim-"))
            path = mod.export_interim(con, work, request_id, out_dir, lang=letter_lang, actor=handler_name)
            st.session_state["answer_files"] = (request_id, {"interim": path.read_bytes()}, {"interim": path.name})
finally:
    con.close()

got = st.session_state.get("answer_files")
if got and got[0] == request_id:
    for kind, data in got[1].items():
        st.download_button(f"⬇ {got[2][kind]}", data=data, file_name=got[2][kind], key=f"answer_dl_{kind}")

with st.expander(pt("history")):
    history = mod.request_history(work, request_id)
    show_table(history, hide_index=True, key="request_history")
    if request.status in ("received", "in_progress", "held_for_decision") and can_decide:
        with st.form("correct_form"):
            new_received = st.date_input(pt("correct_received"), value=request.received_on, format="DD.MM.YYYY",
                                         key="correct_received")
            why = st.text_input(pt("correct_reason"), key="correct_reason", max_chars=500)
            if st.form_submit_button(pt("correct_received")):
                try:
                    mod.correct_request(work, request_id, by=handler_name, reason=why, received_on=new_received)
                    st.success(pt("corrected"))
                    st.rerun()
                except mod.RequestError as exc:
                    st.error(f"{pt('invalid')}: {exc}")
        with st.form("cancel_form"):
            why = st.text_input(pt("cancel_reason"), key="cancel_reason", max_chars=500)
            if st.form_submit_button(pt("cancel")):
                try:
                    mod.cancel_request(work, request_id, by=handler_name, reason=why)
                    st.success(pt("cancelled"))
                    st.rerun()
                except mod.RequestError as exc:
                    st.error(f"{pt('invalid')}: {exc}")
