"""Provider investigation (supervision unit): a provider's staff, its clients' authorisation bands, and
every access outside them — before the service started, after it ended, or with no authorisation at all.

Every access is classified in DuckDB (sql/dashboard/provider_access_status.sql: by its account, client and day, from
the ingest's account-client-day summary when that adds up to the events); the page receives the counts, one marker
per client, day and status for the chart, and one page of the accesses outside the authorisation.
"""

import polars as pl
import streamlit as st

from app_pages import _auth, _charts, _data
from app_pages._i18n import fi_frame, show_table, t, value_label
from pipelines.reports.provider_pack import STATUS_FI, build_pack, status_totals
from pipelines.reports.return_duties import record_confirmation, return_duties

LANES = 40  # clients drawn in the chart: those with accesses outside the authorisation first, then the busiest

_auth.require("provider")
st.header(t("page_provider"))

providers = _data.q("providers")
if providers.is_empty():
    st.info(t("no_providers"))
    st.stop()
names = {r["organisation_id"]: f"{r['name'] or r['organisation_id']} ({r['organisation_id']})"
         for r in providers.iter_rows(named=True)}
linked = st.query_params.get("provider")  # a link names the provider (an organisation id, no personal data)
if linked in names and st.session_state.get("_provider_link") != linked:
    st.session_state["_provider_link"] = st.session_state["provider_pick"] = linked
if st.session_state.get("provider_pick") not in names:
    st.session_state["provider_pick"] = next(iter(names))
org = st.selectbox(t("provider"), list(names), format_func=names.get, key="provider_pick")
st.query_params["provider"] = org
st.session_state["_provider_link"] = org  # the address now names the chosen provider: not a new link next run
_data.log_lookup("read", "provider", provider_id=org)

staff = _data.q("provider_staff", organisation_id=org)
auths = _data.q("provider_authorisations", organisation_id=org)
summarised = _data.summarised()
counts = _data.q("provider_access_summary", organisation_id=org, summarised=summarised)

summary = status_totals(counts)
# every status, the empty ones too, as a table: nine metrics side by side cut their labels mid-word at 1024 px
statuses = pl.DataFrame({"status": list(STATUS_FI)}).join(summary, on="status", how="left").with_columns(
    pl.col("accesses", "clients", "staff").fill_null(0))
show_table(fi_frame(statuses), hide_index=True, key="provider_status_table")

st.subheader(t("provider_clients"))
per_client = (counts.group_by("client_id")
              .agg(pl.col("accesses").filter(~pl.col("status").is_in(["inside_service", "framework_assessment"]))
                   .sum().alias("outside"),
                   pl.col("accesses").sum().alias("accesses"))
              .sort(["outside", "accesses", "client_id"], descending=[True, True, False]))
lanes = per_client["client_id"].head(LANES).to_list()
lanes += [c for c in auths["client_id"].unique(maintain_order=True).to_list() if c not in set(lanes)][
    :LANES - len(lanes)]
if lanes:
    days = _data.q("provider_access_days", organisation_id=org, summarised=summarised, client_ids=lanes)
    actions = {a: value_label(a) for a in days["actions"].str.split(", ").explode().unique().drop_nulls()}
    days = days.with_columns((pl.col("accesses").cast(pl.Utf8) + " × "
                              + pl.col("actions").str.split(", ").list.eval(pl.element().replace(actions))
                              .list.join(", ")).alias("what"))
    inside = pl.col("status") == "inside_service"
    # days inside the authorisation: one grey bar per client and day, drawn as one path (_charts._day_strips)
    legitimate = days.filter(inside).select(
        pl.col("client_id").alias("lane"), pl.col("event_date").alias("day"),
        (pl.col("what") + " · " + pl.col("sources")).alias("text"))
    events = days.filter(~inside).select(pl.col("first_local").alias("event_local"), pl.col("client_id").alias("lane"),
                                         pl.col("status").alias("basis"), pl.col("what").alias("action"),
                                         pl.col("sources").alias("source_system"))
    bands = auths.filter(pl.col("client_id").is_in(lanes)).select(
        pl.col("client_id").alias("lane"), ("authorisation " + pl.col("phase")).alias("label"),
        pl.col("valid_from").alias("band_start"),
        pl.min_horizontal(pl.col("effective_to"), pl.lit(_data.period_bounds()[1])).alias("band_end"))
    words = {"finding": value_label("finding"), "legitimate": value_label("inside_service"),
             "no_basis": value_label("never_authorised")}
    words |= {f"authorisation {p}": f"{value_label('provider_authorisation')} ({value_label(p)})"
              for p in ("service", "tender")}
    words |= {f"finding: {s}": f"{value_label('finding')}: {value_label(s)}" for s in STATUS_FI}
    # before, after or without the authorisation is a finding (the framework provider's assessment too)
    events = events.with_columns((pl.lit("finding: ") + pl.col("basis")).alias("basis"))
    st.plotly_chart(_charts.timeline(events, bands, names[org], words, legitimate_days=legitimate),
                    key="provider_chart")
show_table(fi_frame(auths), hide_index=True)

st.subheader(t("provider_staff"))
show_table(fi_frame(staff), hide_index=True)

st.subheader(t("outside_auth"))
outside_total = int(summary.filter(~pl.col("status").is_in(["inside_service", "framework_assessment"]))
                    ["accesses"].sum() or 0)
table = st.container()
offset = _data.pager(outside_total, "provider_outside_page")
outside = _data.q("provider_accesses", organisation_id=org, summarised=summarised, outside_only=True,
                  max_rows=_data.MAX_ROWS, row_offset=offset)
if outside_total <= _data.MAX_ROWS:
    table.caption(t("shown_rows", n=_data.MAX_ROWS) + f" ({outside_total})")
table.dataframe(fi_frame(outside), hide_index=True)

st.subheader(t("return_duties"))
duties = return_duties(_data.snapshot(), org, _data.work_path())
show_table(fi_frame(duties), hide_index=True)
open_duties = duties.filter(~pl.col("confirmed"))
if open_duties.height:
    with st.form("confirm_return"):
        keys = [(r["client_id"], r["phase"], r["valid_from"]) for r in open_duties.iter_rows(named=True)]
        pick = st.selectbox(t("confirm_return"), range(len(keys)),
                            format_func=lambda i: f"{keys[i][0]} · {keys[i][1]} · {keys[i][2]:%d.%m.%Y}")
        when = st.date_input(t("confirmed_on"), format="DD.MM.YYYY")
        if st.form_submit_button(t("confirm_return")):
            client_id, phase, valid_from = keys[pick]
            record_confirmation(_data.work_path(), org, client_id, phase, valid_from, when,
                                actor=(_auth.current_user() or {}).get("name", "?"))
            _data.log_lookup("update", "provider", client_id=client_id, provider_id=org)
            st.rerun()

# every client this page named by identity code is a look-up of that client (their own request answer lists it)
_data.log_clients_shown("provider", [*lanes, *auths["client_id"], *outside["client_id"], *duties["client_id"]],
                        provider_id=org)

if st.button(t("export_pack"), key="build_pack"):
    built = build_pack(_data.snapshot(), org, names[org], _data.work_path())
    st.session_state["provider_pack"] = (org, built.zip_bytes)
    _data.log_export("provider", provider_id=org, client_ids=built.client_ids)
pack = st.session_state.get("provider_pack")
if pack and pack[0] == org:
    st.download_button("⬇ ZIP", data=pack[1], file_name=f"valvontaselvitys_{org}.zip",
                       mime="application/zip", key="download_pack")
