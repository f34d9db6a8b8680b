"""The 推荐排序表's columns, defined once (``TABLE``), and the ones read from a report: 案例名称, 征集类别, 申报单位,
联系人, 部门及职务, 联系方式.

Those come from the 申报表 fields when the material is a form, else from what intake detected (title, unit,
category). Field names differ between calls and forms (项目名称, 联系方式 …); ``documents.forms.FIELD_ALIASES``
maps every spelling to one field name when the form is read, so a column names the canonical fields only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..report import Report
from ..spreadsheet import Column
from .models import Screened


@dataclass(frozen=True)
class TableColumn(Column):
    official: bool = False  # one of the notice attachments' columns, which lead the table
    form: tuple[str, ...] = ()  # the 申报表 fields (canonical names) it is read from; several are joined with ；


# The table as exported (``export.py``): the notices' attachment columns first, so they can be pasted into the
# official form; our columns follow and can be deleted before sending.
TABLE = (
    TableColumn("number", "序号", 6, official=True),
    TableColumn("case_name", "案例名称", 34, official=True, form=("案例名称",)),
    TableColumn("category", "征集类别", 14, official=True, form=("征集类别",)),
    TableColumn("unit", "申报单位", 26, official=True, form=("申报单位",)),
    TableColumn("contact", "联系人", 10, official=True, form=("联系人",)),
    TableColumn("position", "部门及职务", 18, official=True, form=("职务",)),
    TableColumn("phone", "联系方式", 18, official=True, form=("联系电话", "手机")),
    TableColumn("verdict", "预审结论", 10),
    TableColumn("score", "预审得分", 9),
    TableColumn("reasons", "排序理由", 36),
    TableColumn("problems", "主要问题", 48),
    TableColumn("over_quota", "名额提示", 30),
    TableColumn("note", "备注", 20),
    TableColumn("filename", "文件名", 24),
    TableColumn("unchecked", "预审未完成项", 30),
)
_BY_KEY = {c.key: c for c in TABLE}


def _form_value(report: Report, column: str) -> str:
    """The column's form fields that are filled in, joined (one field: its value)."""
    form = report.document.form
    return "；".join(dict.fromkeys(v for key in _BY_KEY[column].form if (v := form.get(key, "").strip())))


def case_name_of(item: Screened) -> str:
    if item.report is None:
        return ""
    return _form_value(item.report, "case_name") or (item.report.document.title or "")


def columns_of(item: Screened) -> dict[str, str]:
    if item.report is None:
        return {"case_name": Path(item.filename).stem}
    report, doc = item.report, item.report.document
    return {
        "case_name": case_name_of(item) or Path(item.filename).stem,
        "category": report.declared_category or doc.category or _form_value(report, "category"),
        "unit": doc.unit or _form_value(report, "unit"),
        "contact": _form_value(report, "contact"),
        "position": _form_value(report, "position"),
        "phone": _form_value(report, "phone"),
    }


def problems_of(report: Report | None) -> list[str]:
    if report is None:
        return []
    return [f.message for f in report.findings if f.severity in ("error", "warning")]
