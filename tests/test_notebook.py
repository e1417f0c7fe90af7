"""The anomaly notebook runs top to bottom (jupytext -> nbclient, kernel python3) in fast mode.

On the small county when data_samples/small has been ingested into a store here; otherwise on the toy county
the notebook builds for itself when no store exists.
"""

from __future__ import annotations

import jupytext
import pytest
from nbclient import NotebookClient

from pipelines import PROJECT_ROOT

NOTEBOOK = PROJECT_ROOT / "notebooks" / "anomalies.py"


def _kernel_name() -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    if "python3" not in KernelSpecManager().find_kernel_specs():
        import subprocess
        import sys

        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--user"], check=True, capture_output=True)
    return "python3"


def _run(tmp_path, monkeypatch, store):
    monkeypatch.setenv("LOKIVAHTI_NOTEBOOK_FAST", "1")
    monkeypatch.setenv("LOKIVAHTI_STORE", str(store))
    nb = jupytext.read(NOTEBOOK)
    NotebookClient(nb, kernel_name=_kernel_name(), timeout=120,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


def _outputs(nb) -> str:
    return "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


def test_the_notebook_runs_on_the_toy_county_when_there_is_no_store(tmp_path, monkeypatch):
    nb = _run(tmp_path, monkeypatch, tmp_path / "missing.duckdb")
    text = _outputs(nb)
    assert "hand-made toy county" in text
    assert "user-days of 12 staff members" in text
    figures = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert len(figures) >= 3   # feature deviations, score distribution, a case timeline


def test_the_notebook_evaluates_the_small_county_in_fast_mode(tmp_path, monkeypatch, small_county):
    if not (small_county / "labels" / "anomalies.csv").exists():
        pytest.skip("the small county has no anomaly labels yet")
    from pipelines.config import load_config
    from pipelines.errors import InputError
    from pipelines.ingest.engine import ingest_file
    from pipelines.reference import import_reference
    from pipelines.store import connect

    store = tmp_path / "small.duckdb"
    con = connect(store)
    import_reference(con, small_county / "reference")
    for path in sorted(p for p in (small_county / "events").rglob("*") if p.is_file()):
        try:
            ingest_file(con, path, config=load_config())
        except InputError:
            pass
    con.close()
    monkeypatch.setenv("LOKIVAHTI_LABELS", str(small_county / "labels"))
    text = _outputs(_run(tmp_path, monkeypatch, store))
    assert "planted anomalous user-days" in text and "precision at N over the better baseline" in text
