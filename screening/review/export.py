"""The review table (审查结果表) as XLSX and CSV: one row per queue entry, in the queue's order.

Columns: 机构, 案例名称, 征集类别, 标记, 审查结论, 审查意见, 审查人, 审查时间, then our own (风险分, 预审结论, 推荐位次,
文件名). Every cell goes through ``screening.spreadsheet.formula_safe`` (case names and notes are user text), and the
CSV carries a BOM for Excel in China, as the bureau's 推荐排序表 does (``screening.export``).
"""

from __future__ import annotations

import csv
import io

from ..spreadsheet import formula_safe, style_table
from .queue import Queue, QueueEntry

COLUMNS = ["机构", "案例名称", "征集类别", "标记", "审查结论", "审查意见", "审查人", "审查时间",
           "风险分", "预审结论", "推荐位次", "文件名"]
WIDTHS = [22, 34, 16, 30, 14, 36, 12, 20, 8, 10, 8, 24]


def review_rows(queue: Queue) -> list[list]:
    return [_cells(entry) for entry in queue.entries]


def _cells(entry: QueueEntry) -> list:
    item, decision = entry.item, entry.decision
    return [
        item.bureau, item.case_name, item.category, "；".join(f.message for f in entry.flags),
        decision.label if decision else "未审查", decision.note if decision else "",
        decision.reviewer if decision else "",
        decision.decided_at.strftime("%Y-%m-%d %H:%M UTC") if decision else "",
        entry.risk, item.row.verdict_label, item.rank, item.filename,
    ]


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
    style_table(sheet, header_row=2, widths=WIDTHS)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def review_filename(queue: Queue, fmt: str) -> str:
    stem = f"{queue.campaign.short_name}-审查结果表"
    return "".join(ch for ch in stem if ch not in '\\/:*?"<>|') + f".{fmt}"
