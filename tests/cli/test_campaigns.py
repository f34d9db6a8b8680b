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
