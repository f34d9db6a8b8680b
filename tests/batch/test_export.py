"""The 推荐排序表 as CSV and XLSX: the notices' columns first, priority order, excluded rows marked, no formulas."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from screening.batch import BatchEdits, assess
from screening.batch.export import OFFICIAL_COLUMNS, export_csv, export_filename, export_xlsx, table_title
from screening.campaigns import get_campaign
from tests.batch.helpers import screened

NRTA_2025 = get_campaign("nrta-2025-media-convergence")


def batch_result(**edits):
    items = [screened(1, name="甲案例", covered=5), screened(2, name="乙案例"), screened(3, name='=HYPERLINK("x")')]
    return assess(items, NRTA_2025, edits=BatchEdits(**edits))


def test_csv_has_the_official_columns_in_priority_order():
    data = export_csv(batch_result())
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel in China opens UTF-8 correctly only with it
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert (
        rows[0][:7]
        == OFFICIAL_COLUMNS
        == ["序号", "案例名称", "征集类别", "申报单位", "联系人", "部门及职务", "联系方式"]
    )
    assert {"预审结论", "预审得分", "名额提示"} <= set(rows[0])
    assert [r[0] for r in rows[1:]] == ["1", "2", "3"]
    assert rows[1][1] == "乙案例" or rows[1][1].startswith("'=")  # full coverage first (ties by upload order)
    assert rows[1][7] == "可推荐"


def test_formulas_are_neutralised():
    rows = list(csv.reader(io.StringIO(export_csv(batch_result()).decode("utf-8-sig"))))
    names = [r[1] for r in rows[1:]]
    assert '\'=HYPERLINK("x")' in names
    sheet = load_workbook(io.BytesIO(export_xlsx(batch_result()))).active
    cells = [c.value for row in sheet.iter_rows(min_row=4) for c in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)


def test_excluded_rows_follow_marked_not_recommended():
    result = batch_result()
    first = result.rows[0].id
    edited = batch_result(order=[r.id for r in result.rows], excluded=[first])
    rows = list(csv.reader(io.StringIO(export_csv(edited).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["1", "2", "未推荐"]
    assert rows[-1][1] == result.rows[0].case_name or rows[-1][1].startswith("'")


def test_xlsx_has_title_header_rows_and_quota_sheet():
    book = load_workbook(io.BytesIO(export_xlsx(batch_result())))
    sheet = book.worksheets[0]
    assert sheet.title == "推荐排序表"
    assert NRTA_2025.name in sheet["A1"].value
    assert [c.value for c in sheet[3]][:7] == OFFICIAL_COLUMNS
    assert sheet.max_row == 3 + 3
    quota = book["名额核对"]
    values = [c.value for row in quota.iter_rows() for c in row if c.value is not None]
    assert "各省（区、市）" in values and "总数" in values


def test_table_title_and_filename():
    result = batch_result()
    assert table_title(result) == "推荐排序表"
    assert export_filename(result, "初审/第一批", "xlsx") == "初审第一批-推荐排序表.xlsx"


def test_a_failed_duplicate_check_and_degraded_reports_are_in_both_exports():
    from screening.batch.export import DUPLICATES_FAILED, batch_notes
    from tests.batch.helpers import unreadable

    degraded = screened(1, name="甲案例")
    degraded.report.degraded.append("未安装向量模型，要素识别只使用关键词。")
    result = assess([degraded, screened(2, name="乙案例"), unreadable(3)], NRTA_2025)
    result.notes.append(DUPLICATES_FAILED)
    assert batch_notes(result)[0] == DUPLICATES_FAILED and "涉及 1 份材料" in batch_notes(result)[1]

    rows = list(csv.reader(io.StringIO(export_csv(result).decode("utf-8-sig"))))
    header, table, notes = rows[0], rows[1 : rows.index([])], rows[rows.index([]) + 1 :]
    marks = {r[header.index("文件名")]: r[header.index("预审未完成项")] for r in table}
    assert marks == {
        "甲案例.docx": "批内查重未完成；未安装向量模型，要素识别只使用关键词。",
        "乙案例.docx": "批内查重未完成",
        "坏文件3.pdf": "",
    }  # unreadable: nothing was checked anyway
    assert notes == [["说明", note] for note in batch_notes(result)]

    book = load_workbook(io.BytesIO(export_xlsx(result)))
    assert "部分检查未完成" in book.worksheets[0]["A2"].value
    assert [c.value for c in book["预审说明"]["A"]] == ["说明", *batch_notes(result)]


def test_a_fully_checked_batch_has_no_notes():
    result = batch_result()
    rows = list(csv.reader(io.StringIO(export_csv(result).decode("utf-8-sig"))))
    assert [] not in rows and all(r[-1] == "" for r in rows[1:])
    assert "预审说明" not in load_workbook(io.BytesIO(export_xlsx(result))).sheetnames
