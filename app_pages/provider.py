"""Provider investigation (supervision unit): a provider's staff, its clients' authorisation bands, and
every access outside them — before the service started, after it ended, or with no authorisation at all."""

import polars as pl
import streamlit as st

from app_pages import _auth, _charts, _data
from app_pages._i18n import fi_frame, t
from pipelines.reports.provider_pack import STATUS_FI, build_pack

_auth.require("provider")
st.header(t("page_provider"))

providers = _data.q("providers")
if providers.is_empty():
    st.info(t("no_providers"))
    st.stop()
names = {r["organisation_id"]: f"{r['name'] or r['organisation_id']} ({r['organisation_id']})"
         for r in providers.iter_rows(named=True)}
org = st.selectbox(t("provider"), list(names), format_func=names.get, key="provider_pick")
_data.log_lookup("read", "provider", provider_id=org)

staff = _data.q("provider_staff", organisation_id=org)
auths = _data.q("provider_authorisations", organisation_id=org)
acc = _data.q("provider_accesses", organisation_id=org, max_rows=20000)

summary = acc.group_by("status").agg(pl.len().alias("n"), pl.col("client_id").n_unique().alias("clients"))
cols = st.columns(5)
for col, status in zip(cols, STATUS_FI):
    row = summary.filter(pl.col("status") == status)
    col.metric(STATUS_FI[status] if st.session_state.get("lang") == "fi" else status.replace("_", " "),
               int(row["n"][0]) if row.height else 0)

st.subheader(t("provider_clients"))
if acc.height or auths.height:
    events = acc.select("event_local", "source_system", "action", pl.col("client_id").alias("lane"),
                        pl.col("status").alias("basis"))
    bands = auths.select(pl.col("client_id").alias("lane"), ("authorisation " + pl.col("phase")).alias("label"),
                         pl.col("valid_from").alias("band_start"),
                         pl.min_horizontal(pl.col("effective_to"),
                                           pl.lit(_data.period_bounds()[1])).alias("band_end"))
    lanes = events["lane"].unique().head(40).to_list() + bands["lane"].unique().head(40).to_list()
    st.plotly_chart(_charts.timeline(events.filter(pl.col("lane").is_in(lanes)),
                                     bands.filter(pl.col("lane").is_in(lanes)), names[org]), key="provider_chart")
st.dataframe(fi_frame(auths), hide_index=True)

st.subheader(t("provider_staff"))
st.dataframe(fi_frame(staff), hide_index=True)

st.subheader(t("outside_auth"))
outside = acc.filter(pl.col("status") != "inside_service")
st.caption(t("shown_rows", n=_data.MAX_ROWS) + f" ({outside.height})")
st.dataframe(fi_frame(outside.head(_data.MAX_ROWS)), hide_index=True)

if st.button(t("export_pack"), key="build_pack"):
    st.session_state["provider_pack"] = (org, build_pack(_data.snapshot(), org, names[org]))
    _data.log_export("provider", provider_id=org)
pack = st.session_state.get("provider_pack")
if pack and pack[0] == org:
    st.download_button("⬇ ZIP", data=pack[1], file_name=f"valvontaselvitys_{org}.zip",
                       mime="application/zip", key="download_pack")
