"""The report as Markdown, for pasting into a ticket or an e-mail."""

from __future__ import annotations

from ..report import SEVERITY_LABELS, Report
from .summary import element_rows, headline


def render_markdown(report: Report) -> str:
    h = headline(report)
    lines = [f"# 预审报告：{report.document.filename or '（未命名）'}", "", f"**预审结论：{h['verdict']}**", ""]
    if h["campaign"]:
        lines += [
            f"- 征集活动：{h['campaign']}（{h['notice']}）",
            f"- 材料：{h['material']}；类别：{h['category'] or '未声明'}",
        ]
    if h["count"] is not None:
        limit = f"（上限 {h['limit']}）" if h["limit"] else ""
        lines += [f"- {h['basis']}：{h['count']}{limit}", f"- 数据：{h['figures']} 个，每千字 {h['per_1000']}"]
    lines += [f"- 说明：{note}" for note in report.degraded]
    lines += ["", "## 问题与建议", ""]
    if not report.findings:
        lines.append("未发现问题。")
    for i, f in enumerate(report.findings, 1):
        lines.append(f"{i}. **{SEVERITY_LABELS[f.severity]}** {f.message}")
        lines += [f"   - {s.label or '原文'}：“{_one_line(s.text)}”" for s in f.evidence[:3]]
        if f.suggestion:
            lines.append(f"   - 建议：{f.suggestion}")
        if f.rule:
            lines.append(f"   - 依据：{f.rule}")
    rows = element_rows(report)
    if rows:
        lines += ["", "## 必备要素", "", "| 要素 | 状态 | 置信度 | 位置 |", "|---|---|---|---|"]
        lines += [f"| {r['name']} | {r['label']} | {r['confidence']:.2f} | {_cell(r['where'])} |" for r in rows]
    return "\n".join(lines) + "\n"


def _one_line(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
