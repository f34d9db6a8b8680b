"""How the command line tells people to act: its own flags, never a web control (see ``screening.faces``)."""

from __future__ import annotations

from ..faces import HowTo, suggested_category
from ..report import Report


def _declare_category(report: Report) -> str:
    block = report.category_suggestion
    top = block.top if block else None
    example = f"（例如 --category {top.category}）" if top else ""
    return f"请用 --category 指明申报类别{example}后重新预审，以便按该类别的要素检查。{suggested_category(report)}"


HOW_TO: dict[str, HowTo] = {"eligibility.category_not_declared": _declare_category}
