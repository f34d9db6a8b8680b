"""The 推荐排序表 / 推荐汇总表 a bureau sends with its recommendations, as XLSX and CSV.

The columns are ``columns.TABLE``: first those of the notices' attachments (序号, 案例名称, 征集类别, 申报单位, 联系人,
部门及职务, 联系方式), so the table can be pasted into the official form, then ours (预审结论, 预审得分, 排序理由,
主要问题, 名额提示, 备注 …), which can be deleted before sending. Rows are in the batch's current priority order; only the
rows the bureau includes are numbered and listed first, the excluded ones follow under 未推荐 so nothing silently
disappears from the file.

CSV is UTF-8 with a BOM, which Excel in China opens correctly (without it Excel guesses GBK and shows mojibake).
XLSX is written with openpyxl: a title row naming the call, a bold frozen header, wrapped text, and a second sheet
with the quota status.

Nothing hidden in what a bureau sends on: when a check did not run fully (the in-batch duplicate comparison failed,
or a report was made without a capability such as the embedding model, ``Report.degraded``), the affected rows say
so in the 预审未完成项 column, and the batch-level notes follow the table: a 预审说明 sheet in the XLSX (announced in
the subtitle row) and trailing 说明 rows in the CSV, after one empty row so a paste of the table stops before them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from ..campaigns.model import Campaign
from ..spreadsheet import cells, formula_safe, headers, style_table
from .columns import TABLE
from .models import BatchReport, BatchRow

COLUMNS = headers(TABLE)
OFFICIAL_COLUMNS = headers([c for c in TABLE if c.official])
NOT_RECOMMENDED = "未推荐"
NOTES_SHEET = "预审说明"
NOTE_LABEL = "说明"
DUPLICATES_FAILED = "本批材料之间的重复检查未能完成，表中未列出批内重复。"
DUPLICATES_UNCHECKED_MARK = "批内查重未完成"


def recommender_table(campaign: Campaign) -> str:
    """The name of the table the recommender sends: the rulebook's ``[export] table`` (推荐汇总表 in the 2024 and
    2020 calls, 推荐排序表 in Jilin's and where the notice names none)."""
    return campaign.export.table


def table_title(result: BatchReport) -> str:
    """The table's name, chosen from the rulebook when the batch was assessed (``recommender_table``)."""
    return result.table_title


def table_rows(result: BatchReport) -> list[list]:
    """The table body: included rows numbered in priority order, then the excluded ones marked 未推荐."""
    included = [r for r in result.rows if r.included]
    excluded = [r for r in result.rows if not r.included]
    numbered = [(str(n), r) for n, r in enumerate(included, start=1)] + [(NOT_RECOMMENDED, r) for r in excluded]
    return [_cells(number, row, row_marks(result, row)) for number, row in numbered]


def _cells(number: str, row: BatchRow, marks: list[str]) -> list:
    return cells(
        TABLE,
        {
            "number": number,
            "case_name": row.case_name,
            "category": row.category,
            "unit": row.unit,
            "contact": row.contact,
            "position": row.position,
            "phone": row.phone,
            "verdict": row.verdict_label,
            "score": row.score,
            "reasons": "；".join(row.reasons),
            "problems": "；".join(row.warnings + [d.message for d in row.duplicates]),
            "over_quota": "；".join(row.over_quota),
            "note": row.note,
            "filename": row.filename,
            "unchecked": "；".join(marks),
        },
    )


def row_marks(result: BatchReport, row: BatchRow) -> list[str]:
    """What was not fully checked for this row: the batch's failed duplicate comparison, the report's gaps."""
    marks = [DUPLICATES_UNCHECKED_MARK] if DUPLICATES_FAILED in result.notes and row.error is None else []
    return marks + list(dict.fromkeys(row.degraded))


def batch_notes(result: BatchReport) -> list[str]:
    """The batch-level notes, then each distinct gap of the reports with how many rows it affects."""
    notes = list(dict.fromkeys(result.notes))
    gaps: dict[str, int] = {}
    for row in result.rows:
        for note in dict.fromkeys(row.degraded):
            gaps[note] = gaps.get(note, 0) + 1
    notes += [f"{note}（涉及 {count} 份材料，见“预审未完成项”列）" for note, count in gaps.items()]
    return notes


def export_csv(result: BatchReport) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows([formula_safe(v) for v in row] for row in table_rows(result))
    notes = batch_notes(result)
    if notes:
        writer.writerow([])
        writer.writerows([NOTE_LABEL, formula_safe(note)] for note in notes)
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(result: BatchReport) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = table_title(result)
    sheet.append([f"{result.campaign.name}　{table_title(result)}"])
    notes = batch_notes(result)
    warning = f"注意：部分检查未完成，见“{NOTES_SHEET}”表和“预审未完成项”列。" if notes else ""
    sheet.append(
        [
            f"{result.campaign.notice_number}　预审生成于 {dt.date.today().isoformat()}，排序与结论供参考，以审核意见为准。"
            f"{warning}"
        ]
    )
    sheet.append(COLUMNS)
    for row in table_rows(result):
        sheet.append([formula_safe(v) for v in row])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    style_table(sheet, header_row=3, columns=TABLE, header_fill="DDE5F0")
    _quota_sheet(book.create_sheet("名额核对"), result)
    if notes:
        _notes_sheet(book.create_sheet(NOTES_SHEET), notes)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _quota_sheet(sheet, result: BatchReport) -> None:
    quota = result.quota
    sheet.append(["推荐单位类型", quota.unit_label or quota.unit_kind])
    sheet.append(["依据", quota.rule])
    if not quota.specified:
        sheet.append(["名额", quota.note])
        return
    if quota.condition:
        sheet.append(["适用条件", quota.condition])
    sheet.append([])
    sheet.append(["范围", "推荐数", "上限", "是否超出"])
    for line in quota.lines:
        scope = f"类别：{line.category}" if line.scope == "category" else "总数"
        sheet.append([scope, line.count, line.limit, "超出" if not line.ok else "未超出"])
    for message in quota.messages:
        sheet.append([message])
    sheet.column_dimensions["A"].width = 40


def _notes_sheet(sheet, notes: list[str]) -> None:
    sheet.append([NOTE_LABEL])
    for note in notes:
        sheet.append([formula_safe(note)])
    sheet.column_dimensions["A"].width = 100


def export_filename(result: BatchReport, title: str, fmt: str) -> str:
    stem = f"{title or result.campaign.name}-{table_title(result)}"
    return "".join(ch for ch in stem if ch not in '\\/:*?"<>|') + f".{fmt}"
