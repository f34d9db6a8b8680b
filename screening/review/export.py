"""The review table (审查结果表) as XLSX and CSV: one row per queue entry, in the queue's order.

Columns: 机构, 案例名称, 征集类别, 标记, 审查结论, 审查意见, 审查人, 审查时间, then our own (风险分, 预审结论, 推荐位次,
文件名). Every cell goes through ``screening.spreadsheet.formula_safe`` (case names and notes are user text), and the
CSV carries a BOM for Excel in China, as the bureau's 推荐排序表 does (``screening.batch.export``).
"""

from __future__ import annotations

import csv
import io

from ..spreadsheet import Column, cells, formula_safe, headers, style_table
from .queue import Queue, QueueEntry

TABLE = (
    Column("bureau", "机构", 22),
    Column("case_name", "案例名称", 34),
    Column("category", "征集类别", 16),
    Column("flags", "标记", 30),
    Column("decision", "审查结论", 14),
    Column("note", "审查意见", 36),
    Column("reviewer", "审查人", 12),
    Column("decided_at", "审查时间", 20),
    Column("risk", "风险分", 8),
    Column("verdict", "预审结论", 10),
    Column("rank", "推荐位次", 8),
    Column("filename", "文件名", 24),
)
COLUMNS = headers(TABLE)


def review_rows(queue: Queue) -> list[list]:
    return [_cells(entry) for entry in queue.entries]


def _cells(entry: QueueEntry) -> list:
    item, decision = entry.item, entry.decision
    return cells(
        TABLE,
        {
            "bureau": item.bureau,
            "case_name": item.case_name,
            "category": item.category,
            "flags": "；".join(f.message for f in entry.flags),
            "decision": decision.label if decision else "未审查",
            "note": decision.note if decision else "",
            "reviewer": decision.reviewer if decision else "",
            "decided_at": decision.decided_at.strftime("%Y-%m-%d %H:%M UTC") if decision else "",
            "risk": entry.risk,
            "verdict": item.row.verdict_label,
            "rank": item.rank,
            "filename": item.filename,
        },
    )


def review_csv(queue: Queue) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows([formula_safe(v) for v in row] for row in review_rows(queue))
    return buffer.getvalue().encode("utf-8-sig")


def review_xlsx(queue: Queue) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "审查结果表"
    sheet.append([formula_safe(f"{queue.campaign.name}　审查结果表")])
    sheet.append(COLUMNS)
    for row in review_rows(queue):
        sheet.append([formula_safe(v) for v in row])
    style_table(sheet, header_row=2, columns=TABLE)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def review_filename(queue: Queue, fmt: str) -> str:
    stem = f"{queue.campaign.short_name}-审查结果表"
    return "".join(ch for ch in stem if ch not in '\\/:*?"<>|') + f".{fmt}"
