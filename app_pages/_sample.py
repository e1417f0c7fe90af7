"""First run on an empty store: offer to load the bundled sample county through the real CLI.

The pipeline runs in a subprocess (reference, ingest, check, score), exactly as a user would run it,
then publishes the snapshot the dashboard reads.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import streamlit as st

from pipelines import SAMPLES_DIR
from pipelines.store import publish_snapshot

from ._i18n import t

SAMPLE = SAMPLES_DIR / "small"


def sample_steps(store: Path, sample: Path = SAMPLE) -> list[list[str]]:
    cli = [sys.executable, "-c", "from pipelines.cli import main; main()", "--store", str(store)]
    events = sorted(str(p) for p in (sample / "events").rglob("*") if p.is_file())
    return [cli + ["reference", str(sample / "reference")], cli + ["ingest", *events], cli + ["check"],
            cli + ["score"]]


def load_sample(store: Path, sample: Path = SAMPLE) -> list[tuple[str, int]]:
    """Run every step; returns (step, exit code). Stops at the first failure (reference and ingest are required)."""
    results = []
    for step in sample_steps(store, sample):
        done = subprocess.run(step, capture_output=True, text=True, timeout=1800, check=False)
        results.append((step[5], done.returncode))
        if done.returncode != 0 and step[5] in ("reference", "ingest"):
            break
    if store.exists():
        publish_snapshot(store)
    return results


def offer_sample(store: Path, *, can_load: bool) -> None:
    st.title(t("app_title"))
    st.info(f"{t('no_store')} ({store.name})")
    if not (SAMPLE / "reference").is_dir():
        st.caption(t("sample_missing"))
        return
    if can_load and st.button(t("load_sample"), key="load_sample"):
        with st.spinner("lokivahti reference / ingest / check / score …"):
            results = load_sample(store)
        for step, code in results:
            (st.success if code == 0 else st.error)(f"lokivahti {step}: exit {code}")
        if store.exists():
            st.success(t("sample_loaded"))
            st.button("OK", key="sample_ok")
