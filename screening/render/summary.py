"""What every human-readable format shows, computed once: headline numbers and the element table."""

from __future__ import annotations

from typing import Any

from ..report import SEVERITY_LABELS, VERDICT_LABELS, Report

STATUS_LABELS = {"covered": "已覆盖", "weak": "较弱", "missing": "缺失"}


def headline(report: Report) -> dict[str, Any]:
    length, quantities = report.length, report.quantities
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in SEVERITY_LABELS}
    return {
        "verdict": VERDICT_LABELS[report.verdict],
        "campaign": report.campaign.name if report.campaign else None,
        "notice": report.campaign.notice_number if report.campaign else None,
        "material": length.material_name if length else report.material,  # 详细材料, not its id
        "category": report.declared_category,
        "count": length.count if length else None,
        "basis": length.basis_label if length else None,
        "limit": length.limit if length else None,
        "figures": quantities.data_count if quantities else None,
        "per_1000": quantities.per_1000 if quantities else None,
        "counts": {SEVERITY_LABELS[s]: n for s, n in counts.items()},
    }


def element_rows(report: Report) -> list[dict[str, Any]]:
    """One row per element: name, status label, confidence, where (headings or paragraph count)."""
    rows = []
    for e in report.elements.elements if report.elements else []:
        where = "、".join(s.heading for s in e.sections) or (f"{len(e.paragraphs)} 个相关段落" if e.paragraphs else "—")
        rows.append(
            {
                "name": e.name,
                "status": e.status,
                "label": STATUS_LABELS[e.status],
                "confidence": e.confidence,
                "where": where,
            }
        )
    return rows
