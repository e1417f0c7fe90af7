"""Why a user-day was flagged, in words a data protection officer understands (Finnish and English).

Attribution is deliberately simple and honest: for each feature, how much the unusualness score drops
when that feature is replaced by a typical value (its peer-median and own-median deviations set to zero),
with everything else unchanged. The features with the largest drops are the drivers.
"""

from __future__ import annotations

import json

import numpy as np
import polars as pl
from sklearn.ensemble import IsolationForest

from .model import model_columns, unusualness

MAX_DRIVERS = 3

# feature -> (kind, English template, Finnish template). {v} the person's value, {p} the peer median.
TEXTS: dict[str, tuple[str, str, str]] = {
    "events": ("count", "made {v} log events; peers make {p}", "{v} lokitapahtumaa, vertaisilla tavallisesti {p}"),
    "clients": ("count", "opened {v} clients; peers open {p}",
                "avasi {v} asiakkaan tiedot, vertaiset tavallisesti {p}"),
    "new_clients": ("count", "{v} clients never opened before by this person (peers: {p})",
                    "{v} asiakasta, joiden tietoja hän ei ollut aiemmin avannut (vertaiset: {p})"),
    "clients_without_involvement": ("count", "{v} clients with no personal involvement (peers: {p})",
                                    "{v} asiakasta ilman henkilökohtaista asiakassuhdetta (vertaiset: {p})"),
    "no_involvement_share": ("share", "{v} of accesses without personal involvement (peers: {p})",
                             "{v} käytöistä ilman henkilökohtaista asiakassuhdetta (vertaiset: {p})"),
    "out_of_hours_share": ("share", "{v} of events out of working hours, at a weekend or on a holiday (peers: {p})",
                           "{v} tapahtumista työajan ulkopuolella, viikonloppuna tai pyhäpäivänä (vertaiset: {p})"),
    "late_share": ("share", "{v} of events in the evening, at night or early in the morning (peers: {p})",
                   "{v} tapahtumista illalla, yöllä tai aikaisin aamulla (vertaiset: {p})"),
    "out_of_hours_clients": ("count",
                             ("opened {v} clients out of working hours, at a weekend or on a holiday "
                              "(peers: {p})"),
                             ("avasi {v} asiakkaan tiedot työajan ulkopuolella, viikonloppuna tai pyhäpäivänä "
                              "(vertaiset: {p})")),
    "protected_clients": ("count",
                          "opened {v} protected clients (security prohibition or secret placement) (peers: {p})",
                          ("avasi {v} turvakiellon tai salaisen sijoituspaikan piirissä olevan asiakkaan tiedot "
                           "(vertaiset: {p})")),
    "protected_share": ("share", ("{v} of the clients protected (security prohibition or secret placement) "
                                  "(peers: {p})"),
                        "{v} asiakkaista turvakiellon tai salaisen sijoituspaikan piirissä (vertaiset: {p})"),
    "searches_per_view": ("ratio", "{v} searches per record opened (peers: {p})",
                          "{v} hakua avattua asiakastietoa kohden (vertaiset: {p})"),
    "prints_exports": ("count", "printed or exported {v} times (peers: {p})",
                       "tulosti tai vei tietoja {v} kertaa (vertaiset: {p})"),
    "client_units": ("count", "clients of {v} different units (peers: {p})",
                     "asiakkaita {v} eri yksiköstä (vertaiset: {p})"),
    "systems": ("count", "used {v} client systems (peers: {p})", "käytti {v} asiakastietojärjestelmää (vertaiset: {p})"),
    "span_minutes": ("hours", "active over {v} from first to last event (peers: {p})",
                     "aktiivinen {v} ensimmäisestä viimeiseen tapahtumaan (vertaiset: {p})"),
    "max_gap_minutes": ("hours", "a pause of {v} between events (peers: {p})",
                        "tapahtumien välillä {v} tauko (vertaiset: {p})"),
    "protected_out_of_hours_clients": (
        "count", "opened {v} protected clients out of working hours (peers: {p})",
        ("avasi työajan ulkopuolella {v} turvakiellon tai salaisen sijoituspaikan piirissä olevan asiakkaan "
         "tiedot (vertaiset: {p})")),
    "week_clients": ("count", "opened {v} different clients in the last seven days; peers open {p}",
                     "avasi seitsemän päivän aikana {v} eri asiakkaan tiedot, vertaiset tavallisesti {p}"),
    "week_clients_without_involvement": (
        "count", "{v} different clients with no personal involvement in the last seven days (peers: {p})",
        "seitsemän päivän aikana {v} eri asiakasta ilman henkilökohtaista asiakassuhdetta (vertaiset: {p})"),
}
OWN_EN = "; usually {o} for this person"
OWN_FI = "; hänellä itsellään tavallisesti {o}"
PEERS_EN = {"role+unit": "same role and unit", "role": "same role", "all": "all staff"}
PEERS_FI = {"role+unit": "sama rooli ja yksikkö", "role": "sama rooli", "all": "koko henkilöstö"}
LEAD_EN = "Unusual day compared with peers ({peers}) and with this person's own history: "
LEAD_FI = "Poikkeava päivä verrattuna vertaisiin ({peers}) ja henkilön omaan historiaan: "


def _fmt(kind: str, x: float | None, lang: str) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "–"
    if kind == "share":
        return f"{round(100 * x)} %"
    if kind == "hours":
        h = x / 60
        text = f"{h:.1f}"
        return (text.replace(".", ",") + " t") if lang == "fi" else text + " h"
    if kind == "ratio":
        text = f"{x:.1f}"
        return text.replace(".", ",") if lang == "fi" else text
    return f"{x:.0f}" if float(x).is_integer() else (f"{x:.1f}".replace(".", ",") if lang == "fi" else f"{x:.1f}")


def driver_text(driver: dict, lang: str) -> str:
    kind, en, fi = TEXTS.get(driver["feature"], ("count", driver["feature"] + " {v} (peers: {p})",
                                                  driver["feature"] + " {v} (vertaiset: {p})"))
    template = fi if lang == "fi" else en
    text = template.format(v=_fmt(kind, driver["value"], lang), p=_fmt(kind, driver["peer_median"], lang))
    own = driver.get("own_median")
    if own is not None and abs(driver.get("own_z") or 0) >= 1:
        text += (OWN_FI if lang == "fi" else OWN_EN).format(o=_fmt(kind, own, lang))
    return text


def explanation(drivers: list[dict], lang: str, peer_group: str | None = "role+unit") -> str:
    kind = (peer_group or "all").split(":", 1)[0]
    if lang == "fi":
        lead = LEAD_FI.format(peers=PEERS_FI.get(kind, PEERS_FI["all"]))
    else:
        lead = LEAD_EN.format(peers=PEERS_EN.get(kind, PEERS_EN["all"]))
    if not drivers:
        return lead + ("ei yksittäistä selittävää piirrettä." if lang == "fi" else "no single feature explains it.")
    return lead + "; ".join(driver_text(d, lang) for d in drivers) + "."


def contributions(forest: IsolationForest, x: np.ndarray, features: list[str]) -> np.ndarray:
    """[row, feature]: drop of the unusualness score when the feature's two columns are set to typical (0)."""
    columns = model_columns(features)
    base = unusualness(forest, x)
    n, k = len(x), len(features)
    if n == 0:
        return np.zeros((0, k))
    neutral = np.repeat(x[:, None, :], k, axis=1)  # [row, feature, column]
    for j, f in enumerate(features):
        for kind in ("peer_z", "own_z"):
            neutral[:, j, columns.index(f"{f}_{kind}")] = 0.0
    changed = unusualness(forest, neutral.reshape(n * k, -1)).reshape(n, k)
    return base[:, None] - changed


def explain_rows(forest: IsolationForest, x: np.ndarray, rows: pl.DataFrame, features: list[str],
                 own_medians: pl.DataFrame | None = None) -> pl.DataFrame:
    """For the given user-days (rows of the feature frame, aligned with x): drivers JSON and texts fi/en."""
    contrib = contributions(forest, x, features)
    out = []
    for i, row in enumerate(rows.iter_rows(named=True)):
        order = np.argsort(-contrib[i], kind="stable")
        drivers = []
        for j in order[:MAX_DRIVERS]:
            f = features[j]
            if contrib[i, j] <= 0:
                break
            if max(_num(row.get(f"{f}_peer_z")) or 0, _num(row.get(f"{f}_own_z")) or 0) <= 0:
                continue  # less than usual is not what made the day suspicious
            drivers.append({
                "feature": f,
                "value": _num(row.get(f)),
                "peer_median": _num(row.get(f"{f}_peer_median")),
                "peer_z": _num(row.get(f"{f}_peer_z")),
                "own_z": _num(row.get(f"{f}_own_z")),
                "own_median": _num(row.get(f"{f}_own_median")),
                "contribution": round(float(contrib[i, j]), 4),
            })
        out.append({
            "staff_id": row["staff_id"], "day": row["day"],
            "explanation_fi": explanation(drivers, "fi", row.get("peer_group")),
            "explanation_en": explanation(drivers, "en", row.get("peer_group")),
            "drivers": json.dumps(drivers, ensure_ascii=False),
        })
    schema = {"staff_id": pl.Utf8, "day": pl.Date, "explanation_fi": pl.Utf8, "explanation_en": pl.Utf8,
              "drivers": pl.Utf8}
    return pl.DataFrame(out, schema=schema)


def _num(v):
    if v is None:
        return None
    v = float(v)
    return None if np.isnan(v) else round(v, 4)
