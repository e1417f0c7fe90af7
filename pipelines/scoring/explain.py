"""Why a user-day or a case was flagged, in words a data protection officer understands (Finnish and English).

The explanation is the aspect decomposition the forest was fitted over (evidence.py): each aspect's evidence
is its contribution, the aspects are named in order of their evidence, and within the aspect the feature that
deviates most is the driver. The forest's score is not a sum of these parts; the parts say what set the day
apart. A case (consecutive flagged
days of one person) is explained once, over all its days: the clients and the peers' typical number summed
over the case, and the ratio ("from 3 March to 28 March opened 81 clients outside their caseload, 4x their
peers").
"""

from __future__ import annotations

import json

import numpy as np
import polars as pl

from .evidence import EvidenceModel

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
    "clients_uncovered": ("count", ("{v} clients outside their caseload (no personal involvement, not as a "
                          "substitute) (peers: {p})"),
                          ("{v} asiakasta oman asiakasmäärän ulkopuolelta (ei henkilökohtaista asiakassuhdetta eikä "
                          "sijaisuutta) (vertaiset: {p})")),
    "unaffine_clients": ("count", "{v} clients none of their usual collaborators works with (peers: {p})",
                         ("{v} asiakasta, joiden asioita kukaan hänen tavallisista työpareistaan ei hoida "
                         "(vertaiset: {p})")),
    "protected_uninvolved_clients": (
        "count", "opened {v} protected clients without personal involvement (peers: {p})",
        ("avasi {v} turvakiellon tai salaisen sijoituspaikan piirissä olevan asiakkaan tiedot ilman "
        "henkilökohtaista asiakassuhdetta (vertaiset: {p})")),
    "week_clients_uncovered": ("count", "{v} different clients outside their caseload in seven days (peers: {p})",
                               ("seitsemän päivän aikana {v} eri asiakasta oman asiakasmäärän ulkopuolelta "
                               "(vertaiset: {p})")),
    "month_clients_uncovered": ("count", "{v} different clients outside their caseload in 28 days (peers: {p})",
                                ("28 päivän aikana {v} eri asiakasta oman asiakasmäärän ulkopuolelta "
                                "(vertaiset: {p})")),
    "quarter_clients_uncovered": ("count", "{v} different clients outside their caseload in 90 days (peers: {p})",
                                  ("90 päivän aikana {v} eri asiakasta oman asiakasmäärän ulkopuolelta "
                                  "(vertaiset: {p})")),
    "cum_excess_28": ("count", "{v} more clients outside their caseload than peers over 28 days (peers: {p})",
                      ("28 päivän aikana {v} asiakasta enemmän oman asiakasmäärän ulkopuolelta kuin vertaisilla "
                      "(vertaiset: {p})")),
    "own_excess_28": ("count", "{v} more such clients in 28 days than in their own earlier weeks (peers: {p})",
                      ("28 päivän aikana {v} tällaista asiakasta enemmän kuin hänellä itsellään aiemmin "
                      "(vertaiset: {p})")),
    "unaffine_28": ("count", "{v} clients outside their community in 28 days (peers: {p})",
                    "28 päivän aikana {v} asiakasta oman työyhteisönsä ulkopuolelta (vertaiset: {p})"),
    "week_excess": ("count", "{v} more clients outside their caseload than peers this week (peers: {p})",
                    ("tällä viikolla {v} asiakasta enemmän oman asiakasmäärän ulkopuolelta kuin vertaisilla "
                    "(vertaiset: {p})")),
    "month_excess": ("count", "{v} more clients outside their caseload than peers this month (peers: {p})",
                     ("tässä kuussa {v} asiakasta enemmän oman asiakasmäärän ulkopuolelta kuin vertaisilla "
                     "(vertaiset: {p})")),
}
# A case is told by one day-level feature per aspect, summed over its days against the same-day peer medians.
CASE_FEATURE = {"volume": "clients", "uninvolved": "clients_uncovered", "hours": "out_of_hours_clients",
                "protected": "protected_uninvolved_clients", "output": "prints_exports",
                "sustained": "clients_uncovered"}
CASE_TEXTS = {
    "clients": ("opened {v} clients", "avasi {v} asiakkaan tiedot"),
    "clients_uncovered": ("opened {v} clients outside their caseload",
                          "avasi {v} asiakkaan tiedot oman asiakasmääränsä ulkopuolelta"),
    "out_of_hours_clients": ("opened {v} clients out of their unit's hours",
                             "avasi {v} asiakkaan tiedot yksikkönsä aukioloajan ulkopuolella"),
    "protected_uninvolved_clients": ("opened {v} protected clients without personal involvement",
                                     "avasi {v} suojatun asiakkaan tiedot ilman henkilökohtaista asiakassuhdetta"),
    "prints_exports": ("printed or exported {v} times", "tulosti tai vei tietoja {v} kertaa"),
}
ASPECT_NAMES = {"volume": ("volume", "määrä"), "uninvolved": ("clients without involvement", "asiakassuhteettomat"),
                "hours": ("hours", "ajankohta"), "protected": ("protected clients", "suojatut asiakkaat"),
                "output": ("prints and searches", "tulosteet ja haut"), "sustained": ("sustained pattern", "pitkäkestoisuus")}
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


def explain_rows(model: EvidenceModel, rows: pl.DataFrame, contrib: np.ndarray,
                 notes: list[tuple[str, str]] | None = None) -> pl.DataFrame:
    """For the given user-days (rows of the feature frame, aligned with contrib [row, aspect]): drivers JSON
    (the top aspects, each by its most deviating feature) and texts fi/en; `notes` adds a review-feedback
    sentence (fi, en) per row."""
    aspects = list(model.aspects)
    out = []
    for i, row in enumerate(rows.iter_rows(named=True)):
        drivers = []
        for j in np.argsort(-contrib[i], kind="stable")[:MAX_DRIVERS]:
            if contrib[i, j] <= 0:
                break
            features = model.aspects[aspects[j]]
            zs = [(_num(row.get(f"{f}_peer_z")) or 0.0, f) for f in features]
            _z, f = max(zs)
            drivers.append({
                "aspect": aspects[j],
                "feature": f,
                "value": _num(row.get(f)),
                "peer_median": _num(row.get(f"{f}_peer_median")),
                "peer_z": _num(row.get(f"{f}_peer_z")),
                "own_z": _num(row.get(f"{f}_own_z")),
                "own_median": _num(row.get(f"{f}_own_median")),
                "contribution": round(float(contrib[i, j]), 4),
            })
        fi, en = explanation(drivers, "fi", row.get("peer_group")), explanation(drivers, "en", row.get("peer_group"))
        if notes and notes[i][0]:
            fi, en = fi + " " + notes[i][0], en + " " + notes[i][1]
        out.append({"staff_id": row["staff_id"], "day": row["day"], "explanation_fi": fi, "explanation_en": en,
                    "drivers": json.dumps(drivers, ensure_ascii=False)})
    schema = {"staff_id": pl.Utf8, "day": pl.Date, "explanation_fi": pl.Utf8, "explanation_en": pl.Utf8,
              "drivers": pl.Utf8}
    return pl.DataFrame(out, schema=schema)


def _date_text(d, lang: str) -> str:
    if lang == "fi":
        return f"{d.day}.{d.month}.{d.year}"
    return f"{d.day} {d.strftime('%B')} {d.year}"


def case_explanation(days: pl.DataFrame, aspects: list[str], lang: str, peer_group: str | None) -> str:
    """One sentence for a case: its period, and for each driving aspect the case feature summed over the case
    days against the peers' medians of those days ("... opened 81 clients outside their caseload, 4x their peers")."""
    first, last = days["day"].min(), days["day"].max()
    kind = (peer_group or "all").split(":", 1)[0]
    peers = (PEERS_FI if lang == "fi" else PEERS_EN).get(kind, PEERS_EN["all"])
    if first == last:
        lead = f"On {_date_text(first, lang)}" if lang == "en" else _date_text(first, lang)
    else:
        lead = (f"From {_date_text(first, lang)} to {_date_text(last, lang)} ({days.height} days flagged)"
                if lang == "en" else f"{_date_text(first, lang)}–{_date_text(last, lang)} ({days.height} päivää)")
    parts, seen = [], set()
    for aspect in aspects:
        f = CASE_FEATURE.get(aspect)
        if f is None or f in seen or f not in days.columns:
            continue
        seen.add(f)
        v = float(days[f].sum())
        p = float(days[f"{f}_peer_median"].fill_null(0.0).sum()) if f"{f}_peer_median" in days.columns else 0.0
        if v <= 0:
            continue
        en, fi = CASE_TEXTS[f]
        text = (fi if lang == "fi" else en).format(v=_fmt("count", v, lang))
        if p >= 1:
            ratio = f"{v / p:.1f}".rstrip("0").rstrip(".")
            ratio = ratio.replace(".", ",") if lang == "fi" else ratio
            text += (f", {ratio}× vertaisiin ({peers}) nähden" if lang == "fi" else f", {ratio}× their peers ({peers})")
        else:
            text += (f"; vertaisilla ({peers}) tavallisesti ei yhtään" if lang == "fi"
                     else f"; peers ({peers}) typically none")
        parts.append(text)
    if not parts:
        return lead + (": poikkeava jakso." if lang == "fi" else ": an unusual period.")
    return lead + " " + "; ".join(parts) + "."


def _num(v):
    if v is None:
        return None
    v = float(v)
    return None if np.isnan(v) else round(v, 4)
