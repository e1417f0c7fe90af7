"""Findings triage: a queue (open and assigned to me first), one finding with its events, the reference data and
the legal basis, its review, and bulk review of several findings.

Review state is keyed by finding: every form widget's key carries the finding id, so opening another finding
can never carry the previous one's status, assignee or unsaved note into it. Each save names the version of the
finding's review history the reviewer saw; when someone saved in between, the save is refused with who changed
it and when (review status flows into client letters, so a silent overwrite would be a wrong answer).
"""

from datetime import date, datetime, timedelta

import polars as pl
import streamlit as st

from app_pages import _auth, _data
from app_pages._i18n import date_text, fi_datetime, fi_frame, lang, show_table, status_label, t, value_label
from pipelines import workstore
from pipelines.checks.texts import rule_text
from pipelines.reports.labels import column_label as _column_label

user = _auth.require("findings")
me = user["name"]
st.header(t("page_findings"))
provider_only = _data.provider_only()
ANY = "—"


def assignees() -> list[str]:
    """Dashboard users who triage (DPO and supervision), the signed-in user first."""
    users = _auth.dashboard_users()
    names = sorted(n for n, r in users.items() if r.get("role") in ("dpo", "supervision"))
    return [me] + [n for n in names if n != me] if me in names or not names else names


def assignee_label(name: str) -> str:
    if not name:
        return t("unassigned")
    role = _auth.dashboard_users().get(name, {}).get("role")
    return f"{name} ({t('role_' + role)})" if role else name


# --- the queue and its filters ---------------------------------------------------------------------------
if "f_queue" not in st.session_state:  # opens on my queue; on the open findings when nothing is assigned to me
    mine = _data.queue_selection("mine", me)[1]
    st.session_state["f_queue"] = "mine" if mine else "open"
filters = _data.q("finding_filters")
options = {k: filters.filter(pl.col("kind") == k)["value"].to_list() for k in ("rule", "severity", "unit", "source")}
first, last = _data.period_bounds()
c = st.columns([3, 4, 2])  # two rows of filters: readable at 1024 px beside the sidebar
queue = c[0].selectbox(t("queue"), _data.QUEUES, key="f_queue", format_func=lambda q: t(f"queue_{q}"))
rule = c[1].selectbox(t("rule"), [ANY] + options["rule"], key="f_rule",
                      format_func=lambda r: t("any") if r == ANY else _data.rule_title(r, lang()))
severity = c[2].selectbox(t("severity"), [ANY] + options["severity"], key="f_severity",
                          format_func=lambda s: t("any") if s == ANY else value_label(s))
c2 = st.columns([2, 2, 2, 3])
status = c2[0].selectbox(t("status"), [ANY] + list(workstore.REVIEW_STATUSES), key="f_status",
                        format_func=lambda s: t("any") if s == ANY else status_label(s), disabled=queue != "all")
source = c2[1].selectbox(t("source"), [ANY] + options["source"], key="f_source",
                        format_func=lambda s: t("any") if s == ANY else s)
unit = c2[2].selectbox(t("unit"), [ANY] + options["unit"], key="f_unit",
                       format_func=lambda u: t("any") if u == ANY else u)
period = c2[3].date_input(t("period"), value=(first, last), format="DD.MM.YYYY", key="f_period")
date_from, date_to = (period[0], period[-1]) if isinstance(period, (tuple, list)) and period else (first, last)

status_mode, status_ids = _data.queue_selection(queue, me, None if status == ANY or queue != "all" else status)
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
shown = _data.with_status(listing.drop("total_rows")).with_columns(
    pl.col("rule_id").map_elements(lambda r: _data.rule_title(r, lang()), return_dtype=pl.Utf8).alias("rule"),
    pl.when(pl.col("staff_name").is_not_null())
    .then(pl.col("staff_name") + pl.lit(" · ") + pl.col("title").fill_null(""))
    .otherwise(pl.col("staff_id").fill_null(pl.col("account"))).alias("staff_name"))
if total <= _data.MAX_ROWS:
    table.caption(t("shown_rows", n=_data.MAX_ROWS) + f" ({total})")
table.dataframe(fi_frame(shown.select("severity", "status", "rule", "day", "staff_name", "organisation_name",
                                      "unit_id", "event_count", "assignee")),
                hide_index=True, key="findings_table", width="stretch")

ids = shown["finding_id"].to_list()
if not ids:
    st.info(t("queue_empty") if queue != "all" else t("nothing_yet"))
    st.stop()
rows = {r["finding_id"]: r for r in shown.iter_rows(named=True)}


def finding_label(fid: str) -> str:
    r = rows[fid]
    return (f"{r['rule']} · {r['staff_name'] or ''} · {date_text(r['day'])} · {value_label(r['severity'])} · "
            f"{status_label(r['status'])}")


# --- bulk review ------------------------------------------------------------------------------------------
with st.expander(t("bulk")):
    with st.form("bulk_form"):
        picked = st.multiselect(t("bulk_pick"), ids, format_func=finding_label, key="bulk_pick")
        b1, b2 = st.columns(2)
        bulk_status = b1.selectbox(t("status"), list(workstore.REVIEW_STATUSES), index=1, key="bulk_status",
                                   format_func=status_label)
        people = assignees()
        bulk_assignee = b2.selectbox(t("assignee"), [""] + people, index=1 if people else 0, key="bulk_assignee",
                                     format_func=assignee_label)
        bulk_note = st.text_input(t("note"), key="bulk_note")
        if st.form_submit_button(t("bulk_apply")) and picked:
            _data.record_reviews("bulk_result", picked, bulk_status, actor=me, assignee=bulk_assignee or None,
                                 note=bulk_note or None)
            st.rerun()
    _data.show_review_result("bulk_result")

# --- one finding ------------------------------------------------------------------------------------------
def keep(extra: str) -> bool:
    """Keep a finding in the picker although the view does not list it (a deep link, or the finding just
    reviewed, which leaves the open queue): the reviewer sees what was saved instead of another finding."""
    one_row = _data.q("finding_one", finding_id=extra)
    if one_row.is_empty():
        return False
    r = _data.with_status(one_row.select("finding_id", "rule_id", "severity", "staff_id", "staff_name",
                                         pl.col("event_date").alias("day"))).row(0, named=True)
    r["rule"] = _data.rule_title(r["rule_id"], lang())
    r["staff_name"] = r["staff_name"] or r["staff_id"]
    rows[extra] = r
    ids.insert(0, extra)
    return True


linked = st.query_params.get("finding")
if linked and linked != st.session_state.get("_finding_link"):  # a new deep link (or a reload): it opens that finding
    st.session_state["_finding_link"] = linked
    if linked in ids or keep(linked):
        st.session_state["finding_pick"] = linked
# The open finding stays open when it leaves the view because of a review (mine, or someone else's in another
# session: the form being filled must not jump to another finding); when the reviewer changes the filters, the
# picker moves to the new list.
view = repr(sorted((k, str(v)) for k, v in criteria.items() if k != "status_ids") + [("queue", queue)])
same_view, st.session_state["_findings_view"] = st.session_state.get("_findings_view") == view, view
current_pick = st.session_state.get("finding_pick")
if current_pick and current_pick not in ids and (same_view or current_pick == st.session_state.get("_just_reviewed")):
    keep(current_pick)
if st.session_state.get("finding_pick") not in ids:
    st.session_state["finding_pick"] = ids[0]
fid = st.selectbox(t("open_finding"), ids, key="finding_pick", format_func=finding_label)
st.session_state["selected_finding"] = st.session_state["_finding_link"] = fid
st.query_params["finding"] = fid  # a reload or a copied address opens the same finding
one = _data.q("finding_one", finding_id=fid)
if one.is_empty():
    st.stop()
f = one.row(0, named=True)
if provider_only and f.get("organisation_kind") != "private_provider":
    st.error(t("not_allowed"))
    st.stop()
_data.log_lookup("read", "findings", client_id=f["client_id"], staff_id=f["staff_id"],
                 provider_id=f["organisation_id"] if f.get("organisation_kind") == "private_provider" else None)

st.subheader(f"{_data.rule_title(f['rule_id'], lang())} · {value_label(f['severity'])}")
who = " · ".join(x for x in (f.get("staff_name"), f.get("staff_title"), f.get("unit_id"), f.get("organisation_name"))
                 if x) or (f["account"] or "")
st.write(f"**{who}** · {fi_datetime(f['first_time'])} – {fi_datetime(f['last_time'])} · "
         f"{f['event_count']} × · {f['source_system'] or ''}")
if f["client_id"] and user["role"] == "dpo":
    flags = [t("protected")] if f.get("security_prohibition") else []
    flags += [t("placement_secret")] if f.get("placement_secret") else []
    flags += [f"{t('deceased')} {date_text(f['deceased_on'])}"] if f.get("deceased_on") else []
    st.write(f"{t('client_header')}: **{f.get('client_name') or f['client_id']}**"
             + (" · ⚠ " + ", ".join(flags) if flags else ""))

day = f.get("event_date") or (f["first_time"].date() if f.get("first_time") else None)
links = st.columns(3)
if f["staff_id"] and "dpo" == user["role"]:
    window = {"staff": f["staff_id"]}
    if day:
        window |= {"from": str(day - timedelta(days=7)), "to": str(day + timedelta(days=7))}
    links[0].page_link("app_pages/user_timeline.py", label=t("open_user_timeline"), icon=":material/person_search:",
                       query_params=window)
    links[2].page_link("app_pages/cases.py", label=t("open_case"), icon=":material/folder_shared:",
                       query_params={"staff": f["staff_id"]})
if f["client_id"] and user["role"] == "dpo":
    # the client is named by the finding, never by an identity code in the address
    links[1].page_link("app_pages/client_timeline.py", label=t("open_client_timeline"), icon=":material/child_care:",
                       query_params={"from_finding": fid})

# the anomaly model's working figures: its explanation says them in words (model_id: which model run)
EVIDENCE_HIDDEN = {"model_id", "drivers", "figures", "explanation_fi", "explanation_en"}
FIELD_LISTS = {"differing", "missing"}  # evidence fields whose values are the event's field names


def column_label(name: str, language: str) -> str:
    return _column_label(name, language)


def evidence_value(value) -> str:
    """One evidence value as a person reads it: codes in words, dates d.m.yyyy, yes/no, lists joined."""
    import re

    if value is None:
        return "—"
    if isinstance(value, bool) or value in ("True", "False"):
        return value_label(value if isinstance(value, bool) else value == "True")
    if isinstance(value, list):
        return ", ".join(evidence_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{column_label(k, lang())} {evidence_value(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",") if lang() != "en" else f"{value:g}"
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date_text(date.fromisoformat(text))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}.*", text):
        return fi_datetime(datetime.fromisoformat(text))
    if ":" in text and "|" in text:  # a peer group: "role+unit:provider_worker|P01-SH"
        return " · ".join(value_label(v) for v in text.split(":", 1)[1].split("|"))
    return value_label(text)


def evidence_lines(evidence) -> str:
    """The rule's evidence (JSON) as a short list of its fields, named and valued in words. Not a highlighted code
    block: that element loads a 1.5 MB syntax-highlighting module into the browser, half a second of the page's
    first render under load. The anomaly model's evidence shows its explanation in the chosen language (written
    from its drivers) instead of the drivers themselves."""
    import json

    try:
        fields = json.loads(evidence) if isinstance(evidence, str) else evidence
    except ValueError:
        fields = None
    if not isinstance(fields, dict):
        return str(evidence).replace("`", "")
    def value(k, v) -> str:  # a list of field names (differing, missing) names them as the tables' headers do
        if k in FIELD_LISTS and isinstance(v, list):
            return ", ".join(column_label(str(x), lang()) for x in v)
        return evidence_value(v)

    lines = [f"- {column_label(k, lang())}: {value(k, v)}".replace("`", "")
             for k, v in fields.items() if k not in EVIDENCE_HIDDEN]
    if fields.get("drivers") is not None or fields.get("explanation_fi"):
        text = _data.explanation(fields, lang())
        if text:
            lines.append(f"- {t('explanation')}: {text}")
    return "\n".join(lines)


# the user-facing texts (sql/checks/rule_texts.toml), with the act in force on the event's date
texts = rule_text(f["rule_id"], lang(), on=f.get("event_date") or f.get("first_time"))
with st.expander(t("legal_basis"), expanded=True):
    st.write(texts.legal_basis or "—")
    if texts.description:
        st.caption(texts.description)
    if texts.false_positives:
        st.caption(f"{t('false_positives')}: {texts.false_positives}")
    if f.get("evidence"):
        st.caption(t("evidence"))
        st.markdown(evidence_lines(f["evidence"]))

st.markdown(f"**{t('finding_events')}**")
events = _data.without_identity_codes(_data.q("finding_events", finding_id=fid, max_rows=_data.MAX_ROWS))
show_table(fi_frame(events), hide_index=True, key="finding_events_table")

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

# --- the review of this finding ---------------------------------------------------------------------------
current = _data.reviews().filter(pl.col("finding_id") == fid)
cur = current.row(0, named=True) if current.height else {"status": "new", "assignee": None, "version": 0}
seen_key = f"review_seen_{fid}"
if st.session_state.get("review_open") != fid:  # opened now: this is the version the reviewer starts from
    st.session_state["review_open"] = fid
    st.session_state[seen_key] = int(cur["version"] or 0)
st.markdown(f"**{t('set_status')}** ({status_label(cur['status'])})")
with st.form(f"review_{fid}"):
    choices = list(workstore.REVIEW_STATUSES)
    now_status = cur["status"] if cur["status"] != "new" else "under_review"
    new_status = st.selectbox(t("status"), choices, format_func=status_label, key=f"review_status_{fid}",
                              index=choices.index(now_status))
    people = [""] + assignees()
    if cur["assignee"] and cur["assignee"] not in people:
        people.append(cur["assignee"])
    assignee = st.selectbox(t("assignee"), people, key=f"review_assignee_{fid}", format_func=assignee_label,
                            index=people.index(cur["assignee"] or me) if (cur["assignee"] or me) in people else 0)
    note = st.text_area(t("note"), key=f"review_note_{fid}")
    if st.form_submit_button(t("save")):
        try:
            version = workstore.record_review(_data.work_path(), fid, new_status, actor=me, assignee=assignee or None,
                                              note=note or None, expected_version=st.session_state[seen_key])
            st.session_state[seen_key] = version
            st.session_state["review_saved"] = st.session_state["_just_reviewed"] = fid
            st.rerun()
        except workstore.ReviewConflict as conflict:
            from datetime import datetime

            st.session_state[seen_key] = conflict.version  # the reviewer has now seen it; saving again is deliberate
            st.error(t("conflict", actor=conflict.actor, at=fi_datetime(datetime.fromisoformat(conflict.at))))
if st.session_state.pop("review_saved", None) == fid:
    st.success(t("saved"))

st.markdown(f"**{t('history')}**")
history = workstore.review_history(_data.work_path(), fid)
history = history.with_columns(pl.col("at").str.to_datetime("%Y-%m-%dT%H:%M:%S%z", strict=False))
show_table(fi_frame(history), hide_index=True, key=f"history_table_{fid}")
