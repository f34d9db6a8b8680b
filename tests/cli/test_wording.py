"""The command line's own words: without --category it says to use --category (never a web control) and names the
category the content suggests, with its probability."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from screening.cli import app
from tests.checks.materials import CAMPAIGN, material_text

runner = CliRunner()


def test_check_without_a_category_names_the_flag_and_the_suggestion(tmp_path):
    path = tmp_path / "材料.txt"
    path.write_text(material_text(), encoding="utf-8")
    result = runner.invoke(app, ["check", str(path), "--campaign", CAMPAIGN, "--no-model"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "未声明申报类别" in result.stdout and "请用 --category" in result.stdout
    assert re.search(r"按内容建议的类别：“[^”]+”（可能性 \d+%）", result.stdout)
    assert "上传页" not in result.stdout and "下拉" not in result.stdout
    assert result.stdout.count("以便按该类别的要素检查") == 1
