"""`lokivahti score`: rank every staff member's day by how unusual it is, and raise the flagged ones as cases."""

from rich.table import Table

from .. import steps
from ..cli import app
from ._common import config, out, store


@app.command("score")
def score_command():
    """Build behaviour features per staff member and day, score them against peers and the person's own older
    days ([model] in lokivahti.toml), write scores (rank 1 = most unusual) with explanations in Finnish and English, and put the flagged
    user-days into findings as `model_anomaly` cases (stable ids, so review status survives re-scoring). The
    review decisions on earlier model findings feed back (docs/anomaly-model.md)."""
    summary = steps.score(store(), config=config()).detail
    if not summary.get("user_days"):
        out.print("no events with a known account yet: nothing to score (run `lokivahti ingest` first)")
        return
    t = Table("", "", title="anomaly model")
    for label, key in (("model", "model_id"), ("user-days scored", "user_days"), ("staff", "staff"),
                       ("period", None), ("features", "features"), ("flagged user-days", "flagged"),
                       ("cases (model_anomaly findings)", "cases"), ("of which high severity", "high_severity"),
                       ("seconds", "seconds")):
        value = f"{summary['training_from']} – {summary['training_to']}" if key is None else summary.get(key)
        t.add_row(label, str(value)[:16] if key == "model_id" else str(value))
    out.print(t)
