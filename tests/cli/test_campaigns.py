import json

from typer.testing import CliRunner

from screening.cli import app

runner = CliRunner()


def test_list_shows_every_call():
    result = runner.invoke(app, ["campaigns"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for number in ("广电办发〔2025〕45号", "吉广电明电〔2024〕38号", "广电办发〔2020〕138号", "广电办发〔2024〕63号"):
        assert number in result.stdout


def test_show_one_in_chinese():
    result = runner.invoke(app, ["campaigns", "nrta-2025-media-convergence"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "不超过 1000 字" in result.stdout and "创新发展机制" in result.stdout and "体制机制改革" in result.stdout


def test_unknown_call_is_a_usage_error():
    result = runner.invoke(app, ["campaigns", "no-such-call"])
    assert result.exit_code == 2
    assert "找不到征集活动" in result.stderr


def test_piped_list_prints_each_id_whole_on_its_own_line():
    """CliRunner's stdout is not a terminal, like a pipe: one tab-separated line per call, the id first and whole."""
    result = runner.invoke(app, ["campaigns"], env={"COLUMNS": "40"})
    assert result.exit_code == 0
    first_fields = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert "nrta-2024-smart-network-services" in first_fields and "jilin-2024-media-convergence" in first_fields
    assert all(len(line.split("\t")) == 5 for line in result.stdout.splitlines())


def test_list_as_json():
    result = runner.invoke(app, ["campaigns", "--format", "json"])
    assert result.exit_code == 0
    calls = {c["id"]: c for c in json.loads(result.stdout)}
    assert calls["nrta-2025-media-convergence"]["notice_number"] == "广电办发〔2025〕45号"
    assert "融合生产传播" in [k["name"] for k in calls["nrta-2025-media-convergence"]["categories"]]


def test_one_call_as_json_is_its_rulebook():
    result = runner.invoke(app, ["campaigns", "jilin-2024-media-convergence", "--format", "json"])
    assert result.exit_code == 0
    rulebook = json.loads(result.stdout)
    assert rulebook["id"] == "jilin-2024-media-convergence" and rulebook["materials"]


def test_table_keeps_ids_whole_on_a_narrow_terminal():
    result = runner.invoke(app, ["campaigns", "--format", "table"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    assert "nrta-2024-smart-network-services" in result.stdout
