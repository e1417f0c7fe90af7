"""`lokivahti evaluate --labels DIR`: precision and recall of every rule against the generator's labels."""

import json
from pathlib import Path

import typer
from rich.table import Table

from ..checks.evaluate import evaluate_rules
from ..cli import app
from ..errors import LokivahtiError
from ._common import config, open_ro, out


def _evaluate(con, labels: Path, cfg: dict) -> dict:
    """The rules against their labels and, when the labels plant anomalies, the model against its baselines.
    The model's evaluation fits the model afresh on the store's features, so it needs no earlier scoring run."""
    result = evaluate_rules(con, labels)
    if (labels / "anomalies.csv").exists():
        from ..scoring import evaluate_model

        model = evaluate_model(con, labels, cfg)
        result["model"], result["baselines"] = model["model"], model["baselines"]
    else:
        result["model"] = {"status": f"model: no planted anomalies in {labels / 'anomalies.csv'}"}
        result["baselines"] = {}
    return result


def _pct(x) -> str:
    return "-" if x is None else f"{x:.3f}"


@app.command("evaluate")
def evaluate_command(
    labels: Path = typer.Option(..., "--labels", help="The generator's labels folder (event_labels.csv, key_labels.csv, anomalies.csv)."),
    format: str = typer.Option("text", "--format", help="text or json."),
):
    """Compare findings with the synthetic county's labels: tp, fp, fn, precision and recall per rule and
    category, the explained share of legitimate accesses, and the anomaly model against its baselines."""
    if format not in ("text", "json"):
        raise LokivahtiError(f"--format must be text or json, not {format!r}")
    con = open_ro()
    try:
        result = _evaluate(con, labels, config())
    finally:
        con.close()
    if format == "json":
        out.file.write(json.dumps(result, ensure_ascii=False, indent=1, default=str) + "\n")
        return
    t = Table(title="rules against labels")
    t.add_column("rule", no_wrap=True, min_width=32)
    for name in ("tp", "fp", "fn", "precision", "recall", "false /10k legit"):
        t.add_column(name, no_wrap=True, justify="right")
    for rule_id, r in result["rules"].items():
        per_10k = r.get("false_per_10k_legitimate")
        t.add_row(rule_id, str(r["tp"]), str(r["fp"]), str(r["fn"]), _pct(r["precision"]), _pct(r["recall"]),
                  "-" if per_10k is None else f"{per_10k:.2f}")
    out.print(t)
    c = Table("category", "tp", "fp", "fn", "precision", "recall", title="categories")
    for cat, r in result["categories"].items():
        c.add_row(cat, str(r["tp"]), str(r["fp"]), str(r["fn"]), _pct(r["precision"]), _pct(r["recall"]))
    out.print(c)
    share = result["explained_share"]
    out.print(f"explained share of legitimate accesses: {_pct(share['overall'])} "
              f"({share['legitimate_accesses']:,} legitimate accesses)")
    for source, value in share["by_source"].items():
        out.print(f"  {source}: {_pct(value)}")
    model = result.get("model") or {}
    if "status" in model:
        out.print(model["status"])
        return
    scalars = {k: v for k, v in model.items() if not isinstance(v, (dict, list))}
    out.print("model: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in scalars.items()))
    for name, base in (result.get("baselines") or {}).items():
        if isinstance(base, dict):
            flat = {k: v for k, v in base.items() if not isinstance(v, (dict, list))}
            out.print(f"baseline {name}: " + ", ".join(
                f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in flat.items()))
