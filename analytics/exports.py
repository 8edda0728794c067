"""Spreadsheet-safe CSV: every download of the app and the CLI's CSV output go through here.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and tab or carriage
return can start one too), so a roster name like `=HYPERLINK("http://evil","click")` could run
when a champion opens the export. Every *string* cell starting with one of those characters gets a
single quote `'` in front, which spreadsheets show as text. The first character is checked after
Unicode compatibility normalisation (NFKC), because spreadsheets fold full-width and small forms
(`＝`, `＋`, `－`, `＠`, `﹦`, ...) to the ASCII ones; the minus sign `−` is escaped too. Numeric
columns are written as they are: a negative number such as -3 stays a number.
"""

from __future__ import annotations

import polars as pl

_FORMULA_PATTERN = "^[=+\\-@\t\r\u2212]"  # \u2212: the minus sign, which NFKC keeps


def escape_formula(column: pl.Expr) -> pl.Expr:
    """Prefix a single quote to string cells a spreadsheet would read as a formula (checked
    after NFKC, so full-width and other compatibility forms count as their ASCII character)."""
    starts_formula = column.str.normalize("NFKC").str.contains(_FORMULA_PATTERN)
    return pl.when(starts_formula).then(pl.lit("'") + column).otherwise(column)


def _as_text(name: str, dtype: pl.DataType) -> pl.Expr | None:
    """An expression turning a list or struct column into one text cell, else None."""
    if isinstance(dtype, pl.Struct):
        return pl.col(name).struct.json_encode().alias(name)
    if isinstance(dtype, pl.List | pl.Array):
        items = (
            pl.col(name).cast(pl.List(dtype.inner)) if isinstance(dtype, pl.Array) else pl.col(name)
        )
        return items.list.eval(pl.element().cast(pl.String)).list.join(", ").alias(name)
    return None


def _flatten_nested(frame: pl.DataFrame) -> pl.DataFrame:
    """Turn list/struct columns into text so CSV can hold them (one cell per value)."""
    expressions = [_as_text(name, dtype) for name, dtype in frame.schema.items()]
    expressions = [e for e in expressions if e is not None]
    return frame.with_columns(expressions) if expressions else frame


def safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every string cell formula-escaped (same grain and columns as the input)."""
    frame = _flatten_nested(frame)
    text_columns = [
        name for name, dtype in frame.schema.items() if dtype in (pl.String, pl.Categorical)
    ]
    if not text_columns:
        return frame
    return frame.with_columns(
        escape_formula(pl.col(name).cast(pl.String)).alias(name) for name in text_columns
    )


def to_safe_csv(frame: pl.DataFrame, *, excel_bom: bool = False) -> bytes:
    """Encode a frame as UTF-8 CSV that is safe to open in a spreadsheet.

    `excel_bom=True` prepends a UTF-8 byte-order mark so Excel shows accented names correctly;
    the CLI leaves it off so the output pipes cleanly into other tools.
    """
    text = safe_frame(frame).write_csv()
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if excel_bom else data
