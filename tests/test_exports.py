"""Spreadsheet-safe CSV: formula-like text is escaped, numbers are not."""

from __future__ import annotations

import csv
import datetime as dt
import io

import polars as pl
import pytest

from analytics.exports import safe_frame, to_safe_csv


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_hyperlink_formula_is_escaped() -> None:
    frame = pl.DataFrame({"name": ['=HYPERLINK("http://evil.example","click")', "Ann"]})
    rows = _rows(to_safe_csv(frame))
    # header, then the formula with a leading quote, then the plain name untouched
    assert rows == [["name"], ['\'=HYPERLINK("http://evil.example","click")'], ["Ann"]]


def test_every_dangerous_prefix_is_escaped() -> None:
    values = ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx", "a=b", "", None]
    frame = pl.DataFrame({"text": values})
    escaped = safe_frame(frame)["text"].to_list()
    # the six dangerous first characters get a quote; '=' later in the text, empty and null do not
    assert escaped == ["'=1+1", "'+44 20", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "a=b", "", None]


def test_negative_numbers_stay_numeric() -> None:
    frame = pl.DataFrame({"delta": [-3, 4], "rate": [-0.5, 0.25], "label": ["-3", "ok"]})
    rows = _rows(to_safe_csv(frame))
    # numeric columns are written as numbers; only the string cell "-3" is quoted
    assert rows[1] == ["-3", "-0.5", "'-3"]
    assert rows[2] == ["4", "0.25", "ok"]


def test_sql_looking_values_are_kept_verbatim() -> None:
    name = "Robert'); DROP TABLE roster;--"
    rows = _rows(to_safe_csv(pl.DataFrame({"name": [name]})))
    assert rows[1] == [name]


def test_dates_lists_and_structs_become_single_cells() -> None:
    frame = pl.DataFrame(
        {
            "day": [dt.date(2026, 3, 2)],
            "tags": [["=a", "b"]],
            "meta": [{"k": 1}],
        }
    )
    rows = _rows(to_safe_csv(frame))
    # list joined with ", " then escaped as a whole (it starts with '='); struct as JSON
    assert rows[1] == ["2026-03-02", "'=a, b", '{"k":1}']


def test_excel_bom_is_optional() -> None:
    frame = pl.DataFrame({"name": ["café"]})
    assert to_safe_csv(frame).startswith(b"name")
    assert to_safe_csv(frame, excel_bom=True).startswith(b"\xef\xbb\xbfname")
    assert "café" in to_safe_csv(frame).decode("utf-8")


def test_empty_frame_keeps_header() -> None:
    frame = pl.DataFrame(schema={"person_id": pl.String, "n": pl.Int64})
    assert _rows(to_safe_csv(frame)) == [["person_id", "n"]]


@pytest.mark.parametrize(
    "cell",
    [
        '\uff1dHYPERLINK("http://evil")',  # ＝ full-width equals
        "\uff0b1+1",  # ＋ full-width plus
        "\uff0d2+3",  # － full-width hyphen-minus
        "\uff20SUM(A1)",  # ＠ full-width commercial at
        "\ufe66cmd",  # ﹦ small equals
        "\ufe62cmd",  # ﹢ small plus
        "\ufe63cmd",  # ﹣ small hyphen-minus
        "\ufe6bcmd",  # ﹫ small commercial at
        "\u2212 3",  # − minus sign
    ],
)
def test_compatibility_forms_of_formula_prefixes_are_escaped(cell: str) -> None:
    frame = pl.DataFrame({"name": [cell]})
    assert safe_frame(frame)["name"].to_list() == ["'" + cell]


@pytest.mark.parametrize("cell", ["\uff21nn", "Zoë", "ｱﾝ", "１２"])
def test_compatibility_forms_of_plain_text_are_kept(cell: str) -> None:
    frame = pl.DataFrame({"name": [cell]})
    assert safe_frame(frame)["name"].to_list() == [cell]
