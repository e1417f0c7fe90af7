"""The one guard against spreadsheet formula injection, for every CSV and XLSX Lokivahti writes.

A log field is untrusted: a cell beginning with `=`, `+`, `-`, `@` (or a tab / carriage return that
some spreadsheets skip) is evaluated as a formula when the export is opened. Such text gets a leading
apostrophe, the convention spreadsheets show as literal text (OWASP CSV injection).

The start of the value is not the only cell start. Excel splits a CSV on the list separator of its
locale, and in Finnish that is `;`, not `,`: `x;=cmd|' /C calc'!A0` is two cells there, the second a
formula. So every segment after a `,` or `;` (and any spaces) that begins with a formula character is
neutralised as well.
"""

from __future__ import annotations

import re

import polars as pl

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
# A cell start: the value's start, or just after either list separator (with any spaces kept).
_CELL_START = re.compile(r"(^|[;,])([ ]*)(?=[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20])")
_POLARS_PATTERN = r"(^|[;,])([ ]*)([=+\-@\t\r\x{FF1D}\x{FF0B}\x{FF0D}\x{FF20}])"


def neutralise(value):
    """Text with every formula-starting cell defused; anything that is not text is returned as it is."""
    if isinstance(value, str):
        return _CELL_START.sub(lambda m: m.group(1) + m.group(2) + "'", value)
    return value


def neutralise_text(value) -> str:
    """For writers that need text: None is the empty cell, anything else its string, neutralised."""
    return "" if value is None else neutralise(str(value))


def neutralise_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Every text column neutralised as neutralise() does; dates and numbers are untouched."""
    exprs = []
    for name, dtype in df.schema.items():
        if dtype == pl.Utf8:
            exprs.append(pl.col(name).str.replace_all(_POLARS_PATTERN, "${1}${2}'${3}").alias(name))
        else:
            exprs.append(pl.col(name))
    return df.select(exprs) if exprs else df
