"""Why a user-day or a case was flagged, in words a data protection officer understands (Finnish, Swedish, English).

The explanation is the aspect decomposition the forest was fitted over (evidence.py): each aspect's evidence
is its contribution, the aspects are named in order of their evidence, and within the aspect the feature that
deviates most is the driver. The forest's score is not a sum of these parts; the parts say what set the day
apart. A case (consecutive flagged days of one person) is explained once, over all its days: the clients and
the peers' typical number summed over the case, and the ratio ("from 3 March to 28 March opened 81 clients
outside their caseload, 4x their peers").

What is stored is structured (per day the drivers; per case the period, the aspects, the figures and the
review feedback); the words are in sql/features/explanation_texts.toml in three languages, and
`explanation_text(row, lang)` renders either. The Finnish and English texts are also stored as columns
(explanation_fi, explanation_en) for the reports that read them directly.
"""

from __future__ import annotations

import json
import math
import tomllib
from functools import cache

import numpy as np
import polars as pl

from .. import SQL_DIR
from .evidence import EvidenceModel

MAX_DRIVERS = 3
# Flagged days whose columns are read into Python lists at a time (explain_rows).
EXPLAIN_CHUNK = 2048
LANGS = ("fi", "sv", "en")
TEXTS_PATH = SQL_DIR / "features" / "explanation_texts.toml"
# A case is told by one day-level feature per aspect, summed over its days against the same-day peer medians.
CASE_FEATURE = {"volume": "clients", "uninvolved": "clients_uncovered", "hours": "out_of_hours_clients",
                "protected": "protected_uninvolved_clients", "output": "prints_exports",
                "sustained": "clients_uncovered"}
SV_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
             "november", "december")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


@cache
def texts() -> dict:
    """sql/features/explanation_texts.toml, read once."""
    with TEXTS_PATH.open("rb") as f:
        return tomllib.load(f)


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"explanations exist in {', '.join(LANGS)}, not {lang!r}")
    return lang


def _text(section: str, key: str, lang: str) -> str:
    return texts()[section][key][_lang(lang)]


def _peers(peer_group: str | None, lang: str) -> str:
    kind = (peer_group or "all").split(":", 1)[0]
    table = texts()["peers"]
    return (table.get(kind) or table["all"])[_lang(lang)]


def aspect_name(aspect: str, lang: str) -> str:
    names = texts()["aspect"].get(aspect)
    return names[_lang(lang)] if names else aspect


def _fmt(kind: str, x: float | None, lang: str) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    comma = lang in ("fi", "sv")
    if kind == "share":
        return f"{round(100 * x)} %"
    if kind == "hours":
        text = f"{x / 60:.1f}"
        return (text.replace(".", ",") + (" t" if lang == "fi" else " h")) if comma else text + " h"
    if kind == "ratio":
        text = f"{x:.1f}"
        return text.replace(".", ",") if comma else text
    return f"{x:.0f}" if float(x).is_integer() else (f"{x:.1f}".replace(".", ",") if comma else f"{x:.1f}")


def _feature(feature: str) -> dict:
    return texts()["feature"].get(feature) or {
        "kind": "count", "day": {"fi": feature + " {v} (vertaiset: {p})", "sv": feature + " {v} (kollegerna: {p})",
                                 "en": feature + " {v} (peers: {p})"}}


def driver_text(driver: dict, lang: str) -> str:
    spec = _feature(driver["feature"])
    kind = spec["kind"]
    text = spec["day"][_lang(lang)].format(v=_fmt(kind, driver["value"], lang),
                                           p=_fmt(kind, driver["peer_median"], lang))
    own = driver.get("own_median")
    if own is not None and abs(driver.get("own_z") or 0) >= 1:
        text += _text("lead", "own", lang).format(o=_fmt(kind, own, lang))
    return text


def explanation(drivers: list[dict], lang: str, peer_group: str | None = "role+unit") -> str:
    lead = _text("lead", "day", lang).format(peers=_peers(peer_group, lang))
    if not drivers:
        return lead + _text("lead", "no_driver", lang)
    return lead + "; ".join(driver_text(d, lang) for d in drivers) + "."


def feedback_text(feedback: dict | None, lang: str) -> str:
    """The review feedback sentence of a case or day: {"explained_aspects": [...], "confirmed": n}."""
    if not feedback:
        return ""
    out = []
    if feedback.get("explained_aspects"):
        out.append(_text("lead", "feedback_explained", lang).format(aspects=", ".join(feedback["explained_aspects"])))
    if feedback.get("confirmed"):
        out.append(_text("lead", "feedback_confirmed", lang).format(n=feedback["confirmed"]))
    return " ".join(out)


def explain_rows(model: EvidenceModel, rows: pl.DataFrame, contrib: np.ndarray,
                 notes: list[tuple[str, str]] | None = None) -> pl.DataFrame:
    """For the given user-days (rows of the feature frame, aligned with contrib [row, aspect]): drivers JSON
    (the top aspects, each by its most deviating feature) and texts fi/en; `notes` adds a review-feedback
    sentence (fi, en) per row."""
    aspects = list(model.aspects)
    # the columns a driver reads, each as one list (a row's named dict of every column cost more than the texts),
    # EXPLAIN_CHUNK rows at a time (a Python object per value: bounded, whatever the number of flagged days)
    wanted = list(dict.fromkeys(["peer_group"] + [f"{f}{m}" for fs in model.aspects.values() for f in fs
                                                  for m in ("", "_peer_median", "_peer_z", "_own_z", "_own_median")]))
    # each row's aspects by their evidence, largest first (ties in aspect order), the first MAX_DRIVERS
    order = np.argsort(-contrib, axis=1, kind="stable")[:, :MAX_DRIVERS] if len(contrib) else np.zeros((0, 0), int)
    out: list[tuple[str, str, str]] = []
    for lo in range(0, rows.height, EXPLAIN_CHUNK):
        part = rows.slice(lo, EXPLAIN_CHUNK)
        col = {c: part[c].to_list() if c in part.columns else [None] * part.height for c in wanted}
        out += [_explain_row(model, aspects, col, k, order[lo + k], contrib[lo + k], notes[lo + k] if notes else None)
                for k in range(part.height)]
    fi, en, drivers = (list(x) for x in zip(*out)) if out else ([], [], [])
    return pl.DataFrame({"staff_id": rows["staff_id"].cast(pl.Utf8), "day": rows["day"].cast(pl.Date),
                         "explanation_fi": pl.Series(fi, dtype=pl.Utf8), "explanation_en": pl.Series(en, dtype=pl.Utf8),
                         "drivers": pl.Series(drivers, dtype=pl.Utf8)})


def _explain_row(model: EvidenceModel, aspects: list[str], col: dict[str, list], k: int, order: np.ndarray,
                 contrib: np.ndarray, note: tuple[str, str] | None) -> tuple[str, str, str]:
    """(fi, en, drivers JSON) of the row k of `col` (its chunk's columns), whose aspects in order are `order`."""
    drivers = []
    peer_group = col["peer_group"][k]
    for j in order:
        if contrib[j] <= 0:
            break
        features = model.aspects[aspects[j]]
        _z, f = max((_num(col[f"{f}_peer_z"][k]) or 0.0, f) for f in features)
        drivers.append({
            "aspect": aspects[j],
            "feature": f,
            "value": _num(col[f][k]),
            "peer_median": _num(col[f"{f}_peer_median"][k]),
            "peer_z": _num(col[f"{f}_peer_z"][k]),
            "own_z": _num(col[f"{f}_own_z"][k]),
            "own_median": _num(col[f"{f}_own_median"][k]),
            "contribution": round(float(contrib[j]), 4),
            "peer_group": peer_group,
        })
    fi, en = explanation(drivers, "fi", peer_group), explanation(drivers, "en", peer_group)
    if note and note[0]:
        fi, en = fi + " " + note[0], en + " " + note[1]
    return fi, en, json.dumps(drivers, ensure_ascii=False)


def _date_text(d, lang: str) -> str:
    if isinstance(d, str):
        from datetime import date
        d = date.fromisoformat(d)
    if lang == "fi":
        return f"{d.day}.{d.month}.{d.year}"
    months = SV_MONTHS if lang == "sv" else EN_MONTHS
    return f"{d.day} {months[d.month - 1]} {d.year}"


def case_figures(days: pl.DataFrame, aspects: list[str]) -> list[dict]:
    """For each driving aspect (in order) its case feature summed over the case's days, and the peers' medians
    of those days summed: [{"aspect", "feature", "value", "peers"}] (a feature told once)."""
    out, seen = [], set()
    for aspect in aspects:
        f = CASE_FEATURE.get(aspect)
        if f is None or f in seen or f not in days.columns:
            continue
        seen.add(f)
        v = float(days[f].sum())
        p = float(days[f"{f}_peer_median"].fill_null(0.0).sum()) if f"{f}_peer_median" in days.columns else 0.0
        if v > 0:
            out.append({"aspect": aspect, "feature": f, "value": v, "peers": round(p, 4)})
    return out


def case_text(evidence: dict, lang: str) -> str:
    """One sentence for a case from its structured evidence (first_day, last_day, days, peer_group, figures,
    feedback): its period, and for each figure the case's clients against the peers' ("... opened 81 clients
    outside their caseload, 4x their peers")."""
    first, last, n = evidence["first_day"], evidence["last_day"], evidence.get("days", 1)
    peers = _peers(evidence.get("peer_group"), lang)
    if first == last:
        lead = _text("lead", "case_day", lang).format(day=_date_text(first, lang))
    else:
        lead = _text("lead", "case_period", lang).format(first=_date_text(first, lang), last=_date_text(last, lang),
                                                         days=n)
    parts = []
    for fig in evidence.get("figures", []):
        spec = _feature(fig["feature"])
        v, p = fig["value"], fig["peers"]
        text = spec.get("case", spec["day"])[_lang(lang)].format(v=_fmt("count", v, lang), p=_fmt("count", p, lang))
        if p >= 1:
            ratio = f"{v / p:.1f}".rstrip("0").rstrip(".")
            ratio = ratio.replace(".", ",") if lang in ("fi", "sv") else ratio
            text += _text("lead", "case_ratio", lang).format(ratio=ratio, peers=peers)
        else:
            text += _text("lead", "case_no_peers", lang).format(peers=peers)
        parts.append(text)
    sentence = lead + (" " + "; ".join(parts) + "." if parts else _text("lead", "case_unusual", lang))
    note = feedback_text(evidence.get("feedback"), lang)
    return (sentence + " " + note).strip()


def case_explanation(days: pl.DataFrame, aspects: list[str], lang: str, peer_group: str | None) -> str:
    """case_text of a case given as its days (rows of the feature frame)."""
    return case_text({"first_day": days["day"].min(), "last_day": days["day"].max(), "days": days.height,
                      "peer_group": peer_group, "figures": case_figures(days, aspects)}, lang)


def explanation_text(row: dict, lang: str) -> str:
    """The explanation of a stored model result in `lang` (fi, sv or en): `row` is a finding's evidence (a case:
    dict or JSON text, or a row with an `evidence` column) or a scores row (with its `drivers`)."""
    evidence = row.get("evidence", row) if isinstance(row, dict) else row
    if isinstance(evidence, str):
        evidence = json.loads(evidence)
    if isinstance(evidence, dict) and "first_day" in evidence:
        return case_text(evidence, lang)
    drivers = row.get("drivers") if isinstance(row, dict) else None
    if isinstance(drivers, str):
        drivers = json.loads(drivers)
    drivers = drivers or []
    peer_group = row.get("peer_group") or next((d.get("peer_group") for d in drivers if d.get("peer_group")), None)
    return explanation(drivers, lang, peer_group)


def _num(v):
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else round(v, 4)
