"""One rule for every table we write (CSV or XLSX): text never becomes a formula; and one look for our XLSX tables.

Submitted case names and units are user text; a cell starting with ``= + - @`` would run as a formula when a bureau
opens the file (CSV injection), and openpyxl stores a string starting with ``=`` as a formula outright. A leading
apostrophe keeps such a cell text in both Excel and WPS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Column:
    """One column of a table we export: the key its cell is found under, the header printed, the XLSX width.

    A table is one sequence of these, so a column's header, width and value cannot drift apart by position.
    """

    key: str
    header: str
    width: int


def headers(columns: Sequence[Column]) -> list[str]:
    return [c.header for c in columns]


def cells(columns: Sequence[Column], values: Mapping[str, Any]) -> list[Any]:
    """One row's cells in the table's column order, from its values by column key (every key must be given)."""
    return [values[c.key] for c in columns]


def formula_safe(value):
    """The value to write into a cell: text starting like a formula gets a leading apostrophe; anything else as is."""
    return f"'{value}" if isinstance(value, str) and value[:1] in FORMULA_STARTS else value


def style_table(sheet, *, header_row: int, columns: Sequence[Column], header_fill: str | None = None) -> None:
    """The look of every table sheet we export: a large bold title in A1, a bold header row (filled with
    ``header_fill`` when given), the columns' widths, wrapped top-aligned cells below the header, and the rows
    above the data frozen so the header stays in view."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet["A1"].font = Font(bold=True, size=14)
    fill = PatternFill("solid", fgColor=header_fill) if header_fill else None
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        if fill is not None:
            cell.fill = fill
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for line in sheet.iter_rows(min_row=header_row + 1):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = f"A{header_row + 1}"
