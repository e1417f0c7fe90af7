"""Neutralise spreadsheet formula injection in exported log data.

A log field is untrusted: a cell beginning with `=`, `+`, `-`, `@` (or a tab / carriage return that
some spreadsheets skip) would be evaluated as a formula when the export is opened. We prefix such
text with an apostrophe, the convention spreadsheets show as literal text (OWASP CSV injection).
"""

from __future__ import annotations

import polars as pl

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(DANGEROUS_START):
        return "'" + value
    return value


def neutralise_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Every text column with dangerous leading characters prefixed; dates and numbers are untouched."""
    exprs = []
    for name, dtype in df.schema.items():
        if dtype == pl.Utf8:
            col = pl.col(name)
            exprs.append(
                pl.when(col.str.contains(r"^[=+\-@\t\r]")).then(pl.lit("'") + col).otherwise(col).alias(name)
            )
        else:
            exprs.append(pl.col(name))
    return df.select(exprs) if exprs else df
