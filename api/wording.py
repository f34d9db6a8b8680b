"""How the web page tells people to act: its own controls, never a command-line flag (see ``screening.faces``).

Applied to every report the web shows (the self-check page, a batch item, the API's ``Accept: text/html`` answer);
the JSON API keeps the checks' neutral words.
"""

from __future__ import annotations

from screening.faces import HowTo, suggested_category
from screening.report import Report


def _declare_category(report: Report) -> str:
    return f"请返回上传页，在“申报类别”中选择类别后重新预审，以便按该类别的要素检查。{suggested_category(report)}"


HOW_TO: dict[str, HowTo] = {"eligibility.category_not_declared": _declare_category}
