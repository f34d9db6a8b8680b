"""The report as JSON (schema ``screening.report/2``): UTF-8 Chinese kept readable, not \\u-escaped."""

from __future__ import annotations

import json

from ..report import Report


def render_json(report: Report | list[Report]) -> str:
    """One report as an object, several as an array."""
    data = [r.to_json_dict() for r in report] if isinstance(report, list) else report.to_json_dict()
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
