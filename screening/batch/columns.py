"""The table's columns read from a report: 案例名称, 征集类别, 申报单位, 联系人, 部门及职务, 联系方式.

They come from the 申报表 fields when the material is a form (field names differ between calls, so each column has
a list of names, first present wins), else from what intake detected (title, unit, category).
"""

from __future__ import annotations

from pathlib import Path

from ..report import Report
from .models import Screened

# 申报表 field names differ between calls and forms; the first one present wins.
_FORM_KEYS = {
    "case_name": ("案例名称", "项目名称"),
    "category": ("征集类别", "申报类别", "类别"),
    "unit": ("申报单位", "推荐单位"),
    "contact": ("联系人",),
    "position": ("部门及职务", "职务", "部门"),
    "phone": ("联系方式", "联系电话", "手机", "电话"),
}


def _form_value(report: Report, column: str) -> str:
    form = report.document.form
    for key in _FORM_KEYS[column]:
        if form.get(key):
            return form[key].strip()
    return ""


def case_name_of(item: Screened) -> str:
    if item.report is None:
        return ""
    return _form_value(item.report, "case_name") or (item.report.document.title or "")


def columns_of(item: Screened) -> dict[str, str]:
    if item.report is None:
        return {"case_name": Path(item.filename).stem}
    report, doc = item.report, item.report.document
    phones = [v for key in ("联系电话", "手机", "联系方式") if (v := doc.form.get(key, "").strip())]
    return {
        "case_name": case_name_of(item) or Path(item.filename).stem,
        "category": report.category or doc.category or _form_value(report, "category"),
        "unit": doc.unit or _form_value(report, "unit"),
        "contact": _form_value(report, "contact"),
        "position": _form_value(report, "position"),
        "phone": "；".join(dict.fromkeys(phones)),
    }


def problems_of(report: Report | None) -> list[str]:
    if report is None:
        return []
    return [f.message for f in report.findings if f.severity in ("error", "warning")]
