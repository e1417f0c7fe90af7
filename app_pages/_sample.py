"""First run on an empty store: offer to load the bundled sample county.

The pipeline runs in this process through pipelines/steps.py (reference, ingest, check, score), the same
steps the commands run, with their follow-up duties (the last one publishes the snapshot the dashboard reads).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from pipelines import SAMPLES_DIR, steps
from pipelines.config import load_config

from ._i18n import t

SAMPLE = SAMPLES_DIR / "small"


def load_sample(store: Path, sample: Path = SAMPLE, config: dict | None = None) -> list[steps.StepResult]:
    """Run every step on the sample county; stops after a failed reference or ingest step."""
    return steps.run_all(store, sample / "reference", steps.sample_events(sample),
                         config=config if config is not None else load_config())


def offer_sample(store: Path, *, can_load: bool) -> None:
    st.title(t("app_title"))
    st.info(f"{t('no_store')} ({store.name})")
    if not (SAMPLE / "reference").is_dir():
        st.caption(t("sample_missing"))
        return
    if can_load and st.button(t("load_sample"), key="load_sample"):
        with st.spinner(" / ".join(f"lokivahti {name}" for name in steps.ORDER) + " …"):
            results = load_sample(store)
        for r in results:
            if r.ok:
                st.success(f"lokivahti {r.step}: {r.seconds:.1f} s")
            else:
                st.error(f"lokivahti {r.step}: " + "; ".join(r.problems))
        if store.exists():
            st.success(t("sample_loaded"))
            st.button("OK", key="sample_ok")
