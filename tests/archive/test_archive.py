"""Archive: seeding the shipped selections, validated imports (CSV/XLSX, English or Chinese headers), export."""

import csv

import pytest
from openpyxl import Workbook
from sqlalchemy import event

from screening import db
from screening.archive import Archive, ArchiveRecordRow, read_table
from screening.errors import InputError, UnsupportedFormat

HEADER_ZH = ["年份", "征集活动", "类别", "案例名称", "申报单位", "省份", "正文"]


@pytest.fixture
def archive(tmp_path):
    return Archive(db.get_engine(f"sqlite:///{tmp_path / 'a.db'}"), seed=False)


def _write_csv(path, header, rows, encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_shipped_selections_are_seeded_once_with_their_sources(tmp_path):
    engine = db.get_engine(f"sqlite:///{tmp_path / 'seed.db'}")
    first = Archive(engine)
    records = first.records()
    assert len(records) == 27
    assert all(r.source and r.kind == "selection" for r in records)
    assert any(r.case_name == "全国IPTV“看中国”平台" and r.year == 2025 for r in records)
    Archive(engine)  # a second start must not seed again
    assert Archive(engine, seed=False).count() == 27


def test_csv_import_reports_bad_rows_by_number_and_keeps_good_ones(archive, tmp_path):
    path = _write_csv(
        tmp_path / "in.csv",
        HEADER_ZH,
        [
            ["2024", "全国广播电视媒体融合典型案例", "融合生产传播", "甲案例", "甲市融媒体中心", "浙江", ""],
            ["二〇二四", "全国广播电视媒体融合典型案例", "", "乙案例", "乙台", "", ""],
            ["2023", "", "", "丙案例", "", "", ""],
            ["", "", "", "", "", "", ""],
            ["2024年", "全国智慧广电网络新服务", "", "丁案例", "丁公司", "江苏", "正文"],
        ],
        encoding="gb18030",
    )
    result = archive.import_file(path)
    assert result.imported == 2
    assert [e.row for e in result.errors] == [3, 4]
    assert "年份" in result.errors[0].reason
    assert "征集活动" in result.errors[1].reason and "申报单位" in result.errors[1].reason
    assert {r.case_name for r in archive.records()} == {"甲案例", "丁案例"}
    again = archive.import_file(path)
    assert again.imported == 0 and [s.row for s in again.skipped] == [2, 6]


def test_xlsx_import_with_english_headers(archive, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["year", "campaign", "category", "case_name", "unit", "province", "text", "extra"])
    sheet.append([2022, "全国智慧广电网络新服务", "智慧乡村创新应用", "戊案例", "戊公司", "江苏", "一段正文", "x"])
    book.save(tmp_path / "in.xlsx")
    result = archive.import_file(tmp_path / "in.xlsx")
    assert result.imported == 1 and not result.errors
    [record] = archive.records()
    assert (record.year, record.text, record.kind) == (2022, "一段正文", "selection")


def test_missing_required_column_rejects_the_whole_file(archive, tmp_path):
    path = _write_csv(tmp_path / "bad.csv", ["年份", "案例名称"], [["2024", "甲"]])
    with pytest.raises(InputError, match="申报单位"):
        archive.import_file(path)
    assert archive.count() == 0


def test_unsupported_and_corrupt_files_raise_input_errors(archive, tmp_path):
    (tmp_path / "x.txt").write_text("年份", encoding="utf-8")
    with pytest.raises(UnsupportedFormat):
        archive.import_file(tmp_path / "x.txt")
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError):
        archive.import_file(tmp_path / "x.xlsx")


def test_a_failing_write_imports_nothing_from_the_file(archive, tmp_path):
    path = _write_csv(
        tmp_path / "in.csv",
        HEADER_ZH,
        [["2024", "甲活动", "", "甲", "甲单位", "", ""], ["2024", "乙活动", "", "乙", "乙单位", "", ""]],
    )

    def fail_on_second(_mapper, _conn, row):
        if row.case_name == "乙":
            raise RuntimeError("disk full")

    event.listen(ArchiveRecordRow, "before_insert", fail_on_second)
    try:
        with pytest.raises(RuntimeError):
            archive.import_file(path)
    finally:
        event.remove(ArchiveRecordRow, "before_insert", fail_on_second)
    assert archive.count() == 0


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_round_trips_through_import(archive, tmp_path, suffix):
    archive.store_submission(
        campaign_id="nrta-2025-media-convergence",
        campaign_name="2025年全国广播电视媒体融合典型案例征集和推选",
        year=2025,
        case_name="己案例",
        unit="己台",
        category="综合信息服务",
        text="正文内容",
    )
    archive.import_rows([{"year": "2024", "campaign": "甲活动", "unit": "甲单位", "case_name": "甲"}])
    out = tmp_path / f"out{suffix}"
    assert archive.export(out, chinese_headers=True) == 2
    rows = read_table(out)
    assert {r["case_name"] for r in rows} == {"己案例", "甲"}
    fresh = Archive(db.get_engine(f"sqlite:///{tmp_path / f'fresh{suffix}.db'}"), seed=False)
    result = fresh.import_file(out)
    assert result.imported == 2 and not result.errors
    assert {(r.kind, r.case_name, r.text) for r in fresh.records()} == {
        ("submission", "己案例", "正文内容"),
        ("selection", "甲", ""),
    }


def test_write_listeners_see_new_records(archive):
    seen = []
    archive.subscribe(seen.extend)
    record = archive.store_submission(campaign_id="c", campaign_name="活动", year=2025, case_name="庚", unit="庚台")
    assert [r.id for r in seen] == [record.id] and record.kind == "submission"


def test_export_neutralises_spreadsheet_formulas(archive, tmp_path):
    archive.import_rows([{"year": "2024", "campaign": "甲活动", "unit": "甲单位", "case_name": '=HYPERLINK("x")'}])
    archive.export(tmp_path / "out.xlsx")
    from openpyxl import load_workbook

    cells = [c.value for c in load_workbook(tmp_path / "out.xlsx").worksheets[0][2]]
    assert '\'=HYPERLINK("x")' in cells
