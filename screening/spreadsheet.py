"""One rule for every table we write (CSV or XLSX): text never becomes a formula.

Submitted case names and units are user text; a cell starting with ``= + - @`` would run as a formula when a bureau
opens the file (CSV injection), and openpyxl stores a string starting with ``=`` as a formula outright. A leading
apostrophe keeps such a cell text in both Excel and WPS.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@")


def formula_safe(value):
    """The value to write into a cell: text starting like a formula gets a leading apostrophe; anything else as is."""
    return f"'{value}" if isinstance(value, str) and value[:1] in FORMULA_STARTS else value
