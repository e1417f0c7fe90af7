"""The supervision unit's investigation pack for one private provider: PDF summary + CSV + XLSX evidence.

What the supervision unit needs (seed 000 §4-6): which of the provider's staff accessed which clients,
whether each access fell inside the provider's authorisation period for that client, and what happened
before the service started or after it ended. Evidence cells are neutralised against formula injection.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from ..checks.summaries import summaries_current
from ..safe_cells import neutralise, neutralise_frame
from .queries import open_snapshot, run
from .return_duties import return_duties

STATUS_FI = {"inside_service": "luvituksen aikana", "framework_assessment": "puitesopimustuottajan arviointi",
             "tender_phase": "tarjousvaihe", "never_authorised": "ei luvitusta", "never_started": "palvelu ei alkanut",
             "before_start": "ennen luvitusta", "cancelled": "luvitus peruttu", "after_end": "luvituksen päätyttyä",
             "after_employment": "palvelussuhteen päätyttyä"}
REASON_FI = {"ended": "palvelu päättyi", "cancelled": "luvitus peruttu", "never_started": "palvelu ei alkanut",
             "tender_without_service": "tarjousvaihe ilman palvelua"}


def pack_data(snapshot: Path, organisation_id: str, max_rows: int = 100_000,
              work_path: Path | None = None) -> dict[str, pl.DataFrame]:
    con = open_snapshot(snapshot)
    try:
        # the classification reads the ingest's account-client-day summary when it adds up to the events
        summarised = summaries_current(con)
        return {
            "return_duties": return_duties(con, organisation_id, work_path),
            "staff": run(con, "provider_staff", organisation_id=organisation_id),
            "authorisations": run(con, "provider_authorisations", organisation_id=organisation_id),
            "accesses": run(con, "provider_accesses", organisation_id=organisation_id, summarised=summarised,
                            outside_only=False, max_rows=max_rows, row_offset=0),
            "outside": run(con, "provider_accesses", organisation_id=organisation_id, summarised=summarised,
                           outside_only=True, max_rows=max_rows, row_offset=0),
            "counts": run(con, "provider_access_summary", organisation_id=organisation_id, summarised=summarised),
        }
    finally:
        con.close()


def status_totals(counts: pl.DataFrame) -> pl.DataFrame:
    """Accesses, clients and staff per status, from provider_access_summary (status, client, staff, accesses):
    every access counted, however many the evidence lists."""
    if counts.is_empty():
        return pl.DataFrame(schema={"status": pl.Utf8, "accesses": pl.Int64, "clients": pl.UInt32,
                                    "staff": pl.UInt32})
    return (counts.group_by("status")
            .agg(pl.col("accesses").sum().cast(pl.Int64), pl.col("client_id").n_unique().alias("clients"),
                 pl.col("staff_id").n_unique().alias("staff"))
            .sort(["accesses", "status"], descending=[True, False]))


def _text_frame(df: pl.DataFrame) -> pl.DataFrame:
    out = []
    for name, dtype in df.schema.items():
        if dtype == pl.Date:
            out.append(pl.col(name).dt.strftime("%-d.%-m.%Y"))
        elif isinstance(dtype, pl.Datetime):
            out.append(pl.col(name).dt.strftime("%-d.%-m.%Y %H.%M"))
        else:
            out.append(pl.col(name))
    return neutralise_frame(df.select(out))


def xlsx_bytes(sheets: dict[str, pl.DataFrame]) -> bytes:
    """One worksheet per frame; every cell written as a string or number, never as a formula."""
    buf = io.BytesIO()
    import xlsxwriter  # imported when a pack is built: the dashboard page reads this module's helpers first

    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    for name, df in sheets.items():
        sheet = book.add_worksheet(name[:31])
        for c, col in enumerate(df.columns):
            sheet.write_string(0, c, col, bold)
        for r, row in enumerate(df.iter_rows(), start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(neutralise(value)))
    book.close()
    return buf.getvalue()


@dataclass(frozen=True)
class ProviderPack:
    """The pack's zip, and every client it names (by identity code): the export is logged once per client."""
    zip_bytes: bytes
    client_ids: tuple[str, ...]


def build_pack(snapshot: Path, organisation_id: str, provider_name: str = "",
               work_path: Path | None = None) -> ProviderPack:
    """A zip with summary.pdf, accesses.csv and evidence.xlsx (work_path: the work store holding the
    supervision unit's return-or-delete confirmations)."""
    data = pack_data(snapshot, organisation_id, work_path=work_path)
    acc = data["accesses"]
    summary = status_totals(data["counts"])
    outside = data["outside"]
    from .pdf import ReportPdf  # the PDF library (about a second to import) only when a pack is built

    pdf = ReportPdf(f"Lokivahti · valvontaselvitys {organisation_id}")
    pdf.h1(f"Palveluntuottajan valvontaselvitys: {provider_name or organisation_id}")
    pdf.para(f"Laadittu {datetime.now(UTC):%d.%m.%Y}. Hyvinvointialuelaki 611/2021 10 § 2 mom; "
             "Helsingin ohje luottamuksellisten lastensuojelun asiakastietojen antamisesta (erikseen luvitettu asiakas).")
    pdf.h2("Käytöt suhteessa luvitukseen")
    pdf.table(summary.with_columns(pl.col("status").replace(STATUS_FI)) if summary.height else summary)
    total = int(summary["accesses"].sum() or 0)
    if total > acc.height:
        pdf.para(f"Liitteissä ensimmäiset {acc.height} käyttöä ajan mukaan ({total} kaikkiaan); "
                 f"luvituksen ulkopuoliset käytöt enintään {outside.height} riviä.")
    pdf.h2("Henkilöstö")
    pdf.table(_text_frame(data["staff"]))
    pdf.h2("Luvitukset asiakkaittain")
    pdf.table(_text_frame(data["authorisations"]))
    duties = data["return_duties"]
    pdf.h2("Asiakirjojen palautus- tai poistovelvollisuus")
    pdf.para(f"Päättyneitä tai alkamatta jääneitä luvituksia {duties.height}, joista vahvistamatta "
             f"{duties.filter(~pl.col('confirmed')).height}. Pysyväisohje (kohdat 4-5): palvelun päättyessä tai "
             "jäädessä toteutumatta tuottajan on palautettava lasta koskevat asiakirjat ja poistettava tiedot.")
    if duties.height:
        pdf.table(_text_frame(duties.select("client_id", "phase", "effective_to", "reason", "duty_from",
                                            "confirmed_on").with_columns(pl.col("reason").replace(REASON_FI))),
                  max_rows=60)
    pdf.h2("Käytöt luvituksen ulkopuolella (enintään 60)")
    pdf.table(_text_frame(outside.select("event_local", "staff_id", "client_id", "action", "document", "status")),
              max_rows=60)
    evidence = {"accesses": _text_frame(acc), "outside_authorisation": _text_frame(outside),
                "staff": _text_frame(data["staff"]), "authorisations": _text_frame(data["authorisations"]),
                "return_duties": _text_frame(duties)}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("summary.pdf", pdf.bytes())
        z.writestr("accesses.csv", evidence["accesses"].write_csv())
        z.writestr("evidence.xlsx", xlsx_bytes(evidence))
    named = pl.concat([f.select(pl.col("client_id").cast(pl.Utf8)) for f in
                       (acc, outside, data["authorisations"], duties) if "client_id" in f.columns])
    return ProviderPack(buf.getvalue(), tuple(named["client_id"].drop_nulls().unique(maintain_order=True)))
