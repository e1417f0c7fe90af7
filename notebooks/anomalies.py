# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Unusual days of record use: the anomaly model, looked at
#
# Every staff member's day is described by behaviour features computed in SQL (`sql/features/`): how many
# clients and events, clients never opened before, accesses without personal involvement, the out-of-hours
# share, protected clients, searches per record opened, prints and exports, units of the clients seen, source
# systems, session length and the longest pause. Each feature is compared with the person's peers (same role
# and unit) and with their own previous days; an isolation forest ranks the days on those comparisons.
#
# This notebook only reads the store (nothing is written). Settings:
# - `LOKIVAHTI_STORE`: the store to read (default `lokivahti.duckdb`); if it does not exist, the notebook
#   demonstrates itself on the hand-made toy county;
# - `LOKIVAHTI_LABELS`: the generator's labels folder for the evaluation (default `data_samples/small/labels`);
# - `LOKIVAHTI_NOTEBOOK_FAST=1`: a smaller forest and fewer charts, for tests.

# %%
import os
import tempfile
from pathlib import Path

import plotly.express as px
import plotly.graph_objects as go
import polars as pl

from pipelines import SAMPLES_DIR
from pipelines.config import load_config
from pipelines.scoring import build_features
from pipelines.scoring.evaluate import evaluate_model
from pipelines.scoring.features import model_features
from pipelines.scoring.run import fit_and_rank
from pipelines.scoring.toy import load_toy_county
from pipelines.store import connect, store_path

FAST = os.environ.get("LOKIVAHTI_NOTEBOOK_FAST") == "1"
config = load_config()
if FAST:
    config = {**config, "model": {**config["model"], "n_estimators": 60}}

store = store_path(None)
if store.exists():
    con = connect(store, read_only=True)
    source = f"store {store.name}"
else:
    demo = Path(tempfile.mkdtemp()) / "toy.duckdb"
    con = connect(demo)
    load_toy_county(con)
    source = "the hand-made toy county (no store found)"
labels = Path(os.environ.get("LOKIVAHTI_LABELS") or SAMPLES_DIR / "small" / "labels")
print(f"reading {source}; fast mode: {FAST}")

# %% [markdown]
# ## Features per staff member and day

# %%
frame = build_features(con, config)
features = model_features(con)
print(f"{frame.height:,} user-days of {frame['staff_id'].n_unique():,} staff members, "
      f"{frame['day'].min()} – {frame['day'].max()}; {len(features)} features")
frame.select(features).describe()

# %%
shown = features[:4] if FAST else features
long = frame.select(["peer_group", *shown]).unpivot(index="peer_group", variable_name="feature", value_name="value")
fig = px.box(long, x="feature", y="value", points=False, title="Raw feature values per user-day")
fig.update_yaxes(type="log")
fig.show()

# %% [markdown]
# Peer-normalised: the same features as robust z against the peer group (0 = a typical peer day).

# %%
peer = frame.select([f"{f}_peer_z" for f in shown]).unpivot(variable_name="feature", value_name="peer_z")
fig = px.histogram(peer, x="peer_z", facet_col="feature", facet_col_wrap=4, nbins=40,
                   title="Peer z per feature")
fig.update_yaxes(type="log")
fig.show()

# %% [markdown]
# ## Scores

# %%
forest, x, ranked = fit_and_rank(frame, features, config)
fig = px.histogram(ranked, x="score", color="flagged", nbins=60, title="Unusualness score of every user-day")
fig.show()
top = ranked.sort("rank").head(10).join(frame.select("staff_id", "day", "peer_group", "clients",
                                                      "clients_without_involvement", "out_of_hours_share"),
                                        on=["staff_id", "day"])
top  # noqa: B018 - the cell's displayed result

# %% [markdown]
# ## Evaluation against the planted anomalies and two baselines
#
# Positives: the planted user-days (`labels/anomalies.csv`); negatives: every other user-day except those with
# a labelled rule violation (those are the rules' job). Baselines: the largest global |z| of the raw features,
# and the same isolation forest on raw features.

# %%
if (labels / "anomalies.csv").exists() and store.exists():
    result = evaluate_model(con, labels, config)
    rows = [{"method": "model (peer-normalised forest)", **{k: result["model"][k] for k in ("roc_auc", "precision_at_50")}}]
    for name, block in result["baselines"].items():
        rows.append({"method": name, **{k: block[k] for k in ("roc_auc", "precision_at_50")}})
    table = pl.DataFrame(rows)
    fig = go.Figure([go.Bar(name=m, x=table["method"], y=table[m]) for m in ("roc_auc", "precision_at_50")])
    fig.update_layout(barmode="group", title=f"{result['model']['n_anomalies']} planted anomalies among "
                                             f"{result['model']['n_user_days']:,} user-days")
    fig.show()
    display_table = table
else:
    print("no labels for this store: evaluation skipped")
    display_table = pl.DataFrame({"method": [], "roc_auc": [], "precision_at_50": []})
display_table  # noqa: B018 - the cell's displayed result

# %%
con.close()
