"""Screened materials built directly from Report objects, so the batch logic is tested without the pipeline."""

from __future__ import annotations

from screening.batch import Screened
from screening.report import DocumentInfo, Finding, Report

ELEMENTS = [
    "总体情况",
    "主要创新做法与实践",
    "成效成果与社会反响",
    "可借鉴性与发展潜力",
    "问题困难及破解办法",
    "经验启示",
]


def report(
    *,
    name: str,
    category: str = "新媒体平台建设",
    unit: str = "某市融媒体中心",
    verdict_from: str = "",
    covered: int = 6,
    dims: int = 6,
    warnings: int = 0,
) -> Report:
    """A report whose findings produce the wanted verdict ("" pass, "warning" revise, "error" reject)."""
    findings = [Finding(check="length", code="t.w", severity="warning", message=f"警告{i}") for i in range(warnings)]
    if verdict_from == "error":
        findings.append(Finding(check="length", code="t.e", severity="error", message="超出字数上限"))
    elements = [
        {
            "id": f"e{i}",
            "name": n,
            "status": "covered" if i < covered else "missing",
            "confidence": 0.9,
            "sections": [],
            "paragraphs": [],
            "first_offset": None,
            "by_heading": False,
        }
        for i, n in enumerate(ELEMENTS)
    ]
    dimensions = [{"id": f"d{i}", "name": f"维度{i}", "present": i < dims} for i in range(6)]
    quantities = {
        "mentions": [],
        "count": 0,
        "data_count": 0,
        "per_1000": 0.0,
        "comparisons": 0,
        "newest_year": None,
        "dimensions": dimensions,
    }
    result = Report(
        document=DocumentInfo(
            filename=f"{name}.docx",
            format="docx",
            title=name,
            unit=unit,
            category=category,
            form={
                "案例名称": name,
                "申报单位": unit,
                "征集类别": category,
                "联系人": "张三",
                "职务": "主任",
                "联系电话": "0431-1234567",
            },
        ),
        declared_category=category,
        findings=findings,
        elements={"specified": True, "required": True, "elements": elements},
        quantities=quantities,
    )
    return result.finalise()


def screened(index: int, **kwargs) -> Screened:
    return Screened(
        id=f"id{index}", index=index, filename=f"{kwargs['name']}.docx", report=report(**kwargs), text="正文" * 50
    )


def unreadable(index: int) -> Screened:
    return Screened(
        id=f"id{index}",
        index=index,
        filename=f"坏文件{index}.pdf",
        error={"code": "corrupt", "message": "文件已损坏或不完整"},
    )
