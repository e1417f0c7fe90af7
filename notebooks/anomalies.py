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
# Every staff member's day is described by behaviour features computed in SQL (`sql/features/`): clients
# opened, clients outside the person's caseload (no personal involvement, not as a substitute for an absent
# colleague), clients outside their community (opened by none of their usual collaborators), clients opened out
# of their unit's hours, protected clients without involvement, prints and searches, and windows over 7, 28 and
# 90 days, the calendar week and month. Each feature is compared with the peers (same role and unit; for the
# hours and windows, the peers at work the same day) and with the person's own days from before the recent
# weeks. Per aspect (volume, clients outside the caseload, hours, protected clients, prints and searches,
# sustained patterns) the evidence is weight × ln(1 + the largest deviation); scikit-learn's isolation forest,
# fitted over these aspect columns and their sum, gives the score's scale and how many days reach the flag
# score (0.65); the days' evidence totals order them on that scale (`[model] ranking = "evidence"`), and the
# aspect columns explain each score. A day is flagged when it also has an aspect at least 3 robust standard
# deviations off; consecutive flagged days of one person are one case. Measured on generated year-long counties
# (docs/anomaly-model.md, section "Ranking"): medium seed 41, never used for tuning, precision at N 0.836,
# flagged recall 0.965, slow snooping flagged recall 0.883, 0.31 % of the flags on legitimate days; the
# baselines reach precision at N 0.449 and 0.523.
#
# This notebook only reads the store (nothing is written). Settings:
# - `LOKIVAHTI_STORE`: the store to read (default `lokivahti.duckdb`); if it does not exist, the notebook
#   demonstrates itself on the hand-made toy county;
# - `LOKIVAHTI_LABELS`: the generator's labels folder for the evaluation (default `data_samples/small/labels`);
# - `LOKIVAHTI_NOTEBOOK_FAST=1`: a smaller baseline forest and fewer charts, for tests.

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
from pipelines.scoring.explain import LANGS, case_explanation
from pipelines.scoring.features import model_features
from pipelines.scoring.run import cases_of, fit_and_rank
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

# %% [markdown]
# Peer-normalised: the features as robust deviations from the peers (0 = a typical peer day).

# %%
shown = features[:4] if FAST else features
peer = frame.select([f"{f}_peer_z" for f in shown]).unpivot(variable_name="feature", value_name="peer_z")
fig = px.histogram(peer, x="peer_z", facet_col="feature", facet_col_wrap=4, nbins=40,
                   title="Deviation from the peers, per feature")
fig.update_yaxes(type="log")
fig.show()

# %% [markdown]
# ## Scores and cases

# %%
model, contrib, ranked = fit_and_rank(frame, con, config)
flagged = ranked.filter(pl.col("flagged"))
cases = cases_of(flagged.select("staff_id", "day"))
print(f"{flagged.height} user-days flagged (score ≥ {model.flag_score} on the forest's scale and an aspect "
      f"3 SDs off), {cases.select('staff_id', 'case_no').n_unique()} cases")
parts = pl.DataFrame({a: contrib[:, j] for j, a in enumerate(model.aspects)}).with_columns(
    frame["staff_id"], frame["day"])
top = ranked.sort("rank").head(10).join(parts, on=["staff_id", "day"])
top  # noqa: B018 - the cell's displayed result

# %% [markdown]
# ## Evaluation against the planted anomalies and two baselines
#
# Positives: the planted user-days (`labels/anomalies.csv`); negatives: every other user-day except those with a
# labelled rule violation or near miss (those are the rules' job). `labels/legitimate_days.csv` names heavy or
# unusual days that are ordinary work (a substitute's day, a whole unit on a holiday or an evening shift, a
# round-the-clock unit's night): the share of flags on them is a false-alarm rate. Baselines: a z-score of the
# day's distinct clients within the peer group, and an isolation forest on plain counts; each flags as many days
# as the model.

# %%
have_labels = (labels / "anomalies.csv").exists() and store.exists()
if have_labels:
    result = evaluate_model(con, labels, config)
    methods = {"model": result["model"], **result["baselines"]}
    summary = pl.DataFrame([{"method": m, **{k: b[k] for k in ("roc_auc", "precision_at_n", "flagged_recall",
                                                                "legitimate_flag_share")}}
                            for m, b in methods.items()])
    print(f"{result['model']['n_anomalies']} planted anomalous user-days among {result['model']['n_user_days']:,}; "
          f"precision at N over the better baseline: {result['precision_at_n_over_best_baseline']:+.3f}")
    kinds = pl.DataFrame([{"method": m, "kind": k, "flagged_recall": v["flagged_recall"],
                           "precision_at_n": v["precision_at_n"]}
                          for m, b in methods.items() for k, v in b["by_kind"].items()])
    fig = px.bar(kinds, x="kind", y="flagged_recall", color="method", barmode="group",
                 title="Recall of the flagged set, per planted kind")
    fig.show()
else:
    print("no labels for this store: evaluation skipped")
    summary = pl.DataFrame({"method": [], "roc_auc": [], "precision_at_n": [], "flagged_recall": [],
                            "legitimate_flag_share": []})
summary  # noqa: B018 - the cell's displayed result

# %% [markdown]
# Score distributions: planted days against the rest (and the legitimate heavy days, when labelled).

# %%
scored = ranked.join(frame.select("staff_id", "day"), on=["staff_id", "day"])
if have_labels:
    planted = pl.read_csv(labels / "anomalies.csv", infer_schema=False).select(
        "staff_id", pl.col("date").str.to_date().alias("day"), pl.col("scenario").alias("label"))
    legit_path = labels / "legitimate_days.csv"
    legit = (pl.read_csv(legit_path, infer_schema=False).select(
        "staff_id", pl.col("date").str.to_date().alias("day"), (pl.lit("legitimate: ") + pl.col("kind")).alias("label"))
        if legit_path.exists() else pl.DataFrame(schema={"staff_id": pl.Utf8, "day": pl.Date, "label": pl.Utf8}))
    marks = pl.concat([planted, legit]).unique(["staff_id", "day"], keep="first")
    scored = scored.join(marks, on=["staff_id", "day"], how="left").with_columns(
        pl.col("label").fill_null("ordinary day"))
else:
    scored = scored.with_columns(pl.when(pl.col("flagged")).then(pl.lit("flagged")).otherwise(pl.lit("not flagged"))
                                 .alias("label"))
fig = px.box(scored, x="label", y="score", points=False, title="Score by kind of day")
fig.add_hline(y=model.flag_score, line_dash="dot", annotation_text="flag score")
fig.show()

# %% [markdown]
# ## One case's timeline
#
# The case with the most flagged days: the person's daily clients outside their caseload against the peers'
# median, and the day's score, with the case's days marked.

# %%
if cases.height:
    longest = cases.group_by("staff_id", "case_no").agg(pl.len().alias("days"), pl.col("day").min().alias("first"),
                                                       pl.col("day").max().alias("last")).sort(
        ["days", "staff_id"], descending=[True, False]).row(0, named=True)
    person = frame.filter(pl.col("staff_id") == longest["staff_id"]).join(
        ranked.select("staff_id", "day", "score", "flagged"), on=["staff_id", "day"]).sort("day")
    fig = go.Figure()
    fig.add_bar(x=person["day"], y=person["clients_uncovered"], name="clients outside the caseload")
    fig.add_scatter(x=person["day"], y=person["clients_uncovered_peer_median"], name="peers' median", mode="lines")
    fig.add_scatter(x=person["day"], y=person["score"], name="score", yaxis="y2", mode="markers",
                    marker={"color": ["crimson" if f else "grey" for f in person["flagged"]]})
    fig.add_vrect(x0=longest["first"], x1=longest["last"], fillcolor="crimson", opacity=0.1, line_width=0)
    fig.update_layout(title=f"Case of {longest['staff_id']}: {longest['first']} – {longest['last']} "
                            f"({longest['days']} flagged days)",
                      yaxis2={"overlaying": "y", "side": "right", "title": "score"})
    fig.show()
else:
    print("no case flagged")

# %% [markdown]
# The same case as the data protection officer reads it, in the three languages of the dashboard
# (sql/features/explanation_texts.toml; the stored evidence is structured, the words are chosen at display).

# %%
if cases.height:
    case_days = cases.filter((pl.col("staff_id") == longest["staff_id"]) & (pl.col("day") >= longest["first"])
                             & (pl.col("day") <= longest["last"])).select("staff_id", "day")
    rows = frame.with_row_index("_row").join(case_days, on=["staff_id", "day"])
    part = contrib[rows["_row"].to_numpy()].sum(axis=0)
    aspects = list(model.aspects)
    order = [aspects[j] for j in part.argsort(kind="stable")[::-1] if part[j] > 0][:3]
    for code in LANGS:
        print(f"{code}: {case_explanation(rows, order, code, rows['peer_group'][0])}")

# %%
con.close()
