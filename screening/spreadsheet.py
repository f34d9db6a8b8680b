"""One rule for every table we write (CSV or XLSX): text never becomes a formula; and one look for our XLSX tables.

Submitted case names and units are user text; a cell starting with ``= + - @`` would run as a formula when a bureau
opens the file (CSV injection), and openpyxl stores a string starting with ``=`` as a formula outright. A leading
apostrophe keeps such a cell text in both Excel and WPS.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@")


def formula_safe(value):
    """The value to write into a cell: text starting like a formula gets a leading apostrophe; anything else as is."""
    return f"'{value}" if isinstance(value, str) and value[:1] in FORMULA_STARTS else value


def style_table(sheet, *, header_row: int, widths: list[int], header_fill: str | None = None) -> None:
    """The look of every table sheet we export: a large bold title in A1, a bold header row (filled with
    ``header_fill`` when given), the given column widths, wrapped top-aligned cells below the header, and the rows
    above the data frozen so the header stays in view."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet["A1"].font = Font(bold=True, size=14)
    fill = PatternFill("solid", fgColor=header_fill) if header_fill else None
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        if fill is not None:
            cell.fill = fill
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for line in sheet.iter_rows(min_row=header_row + 1):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = f"A{header_row + 1}"
