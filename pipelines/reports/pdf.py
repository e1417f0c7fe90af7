"""A small PDF writer on fpdf2 with a Unicode font (DejaVu Sans when installed), for Finnish text."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from fpdf import FPDF

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


CELL_MAX = 400  # characters of one table cell; cells wrap, and a longer text ends at a word, never inside one


def _shorten(text: str, limit: int = CELL_MAX) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


class ReportPdf(FPDF):
    def __init__(self, title: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report_title = title
        self.set_auto_page_break(True, margin=15)
        regular, bold = DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            self.add_font("DejaVu", "", str(regular))
            self.add_font("DejaVu", "B", str(bold))
            self.family = "DejaVu"
        else:  # core font: Latin-1 only, enough for Finnish letters
            self.family = "Helvetica"
        self.set_title(title)
        self.set_creator("Lokivahti")
        self.add_page()

    def header(self):
        self.set_font(self.family, "B", 9)
        self.cell(0, 6, self.report_title, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self):
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.cell(0, 6, f"{self.page_no()}/{{nb}}", align="C")

    def h1(self, text: str):
        self.set_font(self.family, "B", 15)
        self.multi_cell(0, 8, self.safe(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def h2(self, text: str):
        self.ln(2)
        self.set_font(self.family, "B", 12)
        self.multi_cell(0, 7, self.safe(text), new_x="LMARGIN", new_y="NEXT")

    def para(self, text: str):
        self.set_font(self.family, "", 10)
        self.multi_cell(0, 5, self.safe(text), new_x="LMARGIN", new_y="NEXT")

    def table(self, df: pl.DataFrame, max_rows: int = 40):
        """A simple table of the first max_rows rows (all values as text)."""
        if df.is_empty():
            self.para("—")
            return
        self.set_font(self.family, "", 8)
        shown = df.head(max_rows).select(pl.all().cast(pl.Utf8).fill_null(""))
        with super().table(text_align="LEFT", first_row_as_headings=True, line_height=4.5) as table:
            table.row([self.safe(c) for c in shown.columns])
            for row in shown.iter_rows():
                table.row([self.safe(_shorten(v)) for v in row])
        if df.height > max_rows:
            self.para(f"… {df.height - max_rows} more")

    def safe(self, text) -> str:
        text = "" if text is None else str(text)
        if self.family == "Helvetica":
            return text.encode("latin-1", "replace").decode("latin-1")
        return text

    def bytes(self) -> bytes:
        self.alias_nb_pages()
        return bytes(self.output())
