"""The report for a terminal, via rich: verdict first, then findings by severity, then the element table."""

from __future__ import annotations

from io import StringIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..report import SEVERITY_LABELS, Report
from .summary import element_rows, headline

_VERDICT_STYLE = {"pass": "bold green", "revise": "bold yellow", "reject": "bold red"}
_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}
_STATUS_STYLE = {"covered": "green", "weak": "yellow", "missing": "red"}


def render_text(report: Report, *, color: bool = False, width: int = 100) -> str:
    """Plain text (or ANSI-coloured when ``color``) for a terminal or a log."""
    out = StringIO()
    console = Console(file=out, force_terminal=color, no_color=not color, width=width, highlight=False)
    h = headline(report)
    console.print(Text(f"预审结论：{h['verdict']}", style=_VERDICT_STYLE[report.verdict]))
    console.print(f"文件：{report.document.filename or '（未命名）'}")
    if h["campaign"]:
        console.print(
            f"征集活动：{h['campaign']}（{h['notice']}）  材料：{h['material']}  类别：{h['category'] or '未声明'}"
        )
    if h["count"] is not None:
        limit = f" / 上限 {h['limit']}" if h["limit"] else ""
        console.print(f"{h['basis']}：{h['count']}{limit}    数据：{h['figures']} 个（每千字 {h['per_1000']}）")
    console.print("  ".join(f"{label} {n}" for label, n in h["counts"].items()))
    for note in report.degraded:
        console.print(Text(f"说明：{note}", style="dim"))
    _print_findings(console, report)
    _print_elements(console, report)
    return out.getvalue()


def _print_findings(console: Console, report: Report) -> None:
    for i, f in enumerate(report.findings, 1):
        console.print()
        console.print(Text(f"{i}. [{SEVERITY_LABELS[f.severity]}] {f.message}", style=_SEVERITY_STYLE[f.severity]))
        for span in f.evidence[:3]:
            snippet = span.text if len(span.text) <= 80 else span.text[:80] + "…"
            console.print(f"   └ {span.label or '原文'}（第 {span.start} 字起）：{snippet}")
        if f.suggestion:
            console.print(f"   建议：{f.suggestion}")
        if f.rule:
            console.print(Text(f"   依据：{f.rule}", style="dim"))


def _print_elements(console: Console, report: Report) -> None:
    rows = element_rows(report)
    if not rows:
        return
    table = Table(title="必备要素", show_lines=False)
    for column in ("要素", "状态", "置信度", "位置"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["name"],
            Text(row["label"], style=_STATUS_STYLE[row["status"]]),
            f"{row['confidence']:.2f}",
            row["where"],
        )
    console.print()
    console.print(table)
