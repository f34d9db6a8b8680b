"""``screening batch DIR_OR_ZIP --campaign ID --out DIR``, mounted the way ``screening.cli`` mounts it."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
import typer
from typer.testing import CliRunner

from screening.cli import batch as batch_cli
from tests.factories import chinese_text, make_docx, make_form_docx

CAMPAIGN = "nrta-2025-media-convergence"

cli = typer.Typer()
cli.add_typer(batch_cli.app, name="batch")
runner = CliRunner()


def form(name: str, unit: str, category: str = "新媒体平台建设") -> bytes:
    body = "\n".join(["一、总体情况", *chinese_text(600), "二、成效", "用户规模达到120万人，同比增长35%。"])
    return make_form_docx(
        {
            "案例名称": name,
            "征集类别": category,
            "申报单位": unit,
            "联系人": "王五",
            "职务": "科长",
            "联系电话": "0431-1111111",
            "申报材料": body,
        }
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("materials")
    (root / "一.docx").write_bytes(form("智慧社区服务平台", "长春市融媒体中心"))
    (root / "二.docx").write_bytes(form("县级融媒体改革", "吉林市广播电视台", "创新发展机制"))
    (root / "三.docx").write_bytes(make_docx(title="短材料", sections=[("一、总体情况", 1, ["只有一句话。"])]))
    (root / "损坏.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00" * 20)
    (root / "说明.xls").write_bytes(b"x")
    return root


def test_folder_batch_writes_reports_summary_and_table(folder, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(cli, ["batch", str(folder), "--campaign", CAMPAIGN, "--out", str(out), "--no-model"])
    assert result.exit_code == 0, result.output
    reports = sorted(p.name for p in (out / "reports").glob("*.json"))
    assert len(reports) == 4 and reports[0].startswith("001-")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["schema"] == "screening.batch/1" and len(summary["rows"]) == 4
    assert summary["counts"]["unreadable"] == 1
    rows = list(csv.reader(io.StringIO((out / "推荐排序表.csv").read_text(encoding="utf-8-sig"))))
    table, notes = rows[: rows.index([])], rows[rows.index([]) + 1 :]  # --no-model: reports are degraded, and say so
    assert table[0][:3] == ["序号", "案例名称", "征集类别"] and len(table) == 5
    assert notes and all(note[0] == "说明" for note in notes)
    assert (out / "推荐排序表.xlsx").stat().st_size > 0
    markdown = (out / "summary.md").read_text(encoding="utf-8")
    assert "名额核对" in markdown and "智慧社区服务平台" in markdown and "> 注意：" in markdown
    assert "说明.xls" in result.output  # skipped files are named


def test_zip_batch(folder, tmp_path):
    archive = tmp_path / "materials.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(folder / "一.docx", "材料/一.docx")
    out = tmp_path / "zip-out"
    result = runner.invoke(
        cli, ["batch", str(archive), "--campaign", CAMPAIGN, "--out", str(out), "--unit-kind", "central", "--no-model"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["unit_kind"] == "central" and summary["rows"][0]["case_name"] == "智慧社区服务平台"


def test_usage_and_input_errors_have_their_exit_codes(folder, tmp_path):
    unknown = runner.invoke(cli, ["batch", str(folder), "--campaign", "no-such", "--out", str(tmp_path / "x")])
    assert unknown.exit_code == 2 and "找不到征集活动" in unknown.output
    missing = runner.invoke(cli, ["batch", str(tmp_path / "nothing"), "--campaign", CAMPAIGN, "--out", str(tmp_path)])
    assert missing.exit_code == 2
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../evil.txt", "x")
    refused = runner.invoke(cli, ["batch", str(bomb), "--campaign", CAMPAIGN, "--out", str(tmp_path / "y")])
    assert refused.exit_code == 3 and "非法路径" in refused.output
