"""`screening check`: formats, the document-only mode, exit codes and Chinese messages on stderr."""

import json

import pytest
from typer.testing import CliRunner

from screening import pipeline
from screening.cli import check as check_module
from screening.cli.check import app
from screening.embeddings import Embedders
from screening.services import Services
from tests.checks.materials import CAMPAIGN, CATEGORY, material_text

runner = CliRunner()


def chosen_models(monkeypatch, embedders: Embedders) -> None:
    """What ``Embedders.chosen`` (the models POLICY chose) gives the command's service."""
    monkeypatch.setattr(Embedders, "chosen", classmethod(lambda cls, model_dir: embedders))


@pytest.fixture(autouse=True)
def content_only(monkeypatch):
    monkeypatch.setattr(pipeline, "later_steps", lambda: ())
    # lexical and deterministic whether or not this machine has built the models (test_model_options covers them)
    chosen_models(monkeypatch, Embedders())


def spy_on_screening(monkeypatch, seen: dict) -> None:
    """Record the elements embedder and the submission date the command screens with, then screen lexically."""

    def spy(services, *a, inputs, **k):
        seen.update(embedder=services.embedders.elements, submitted_on=inputs.submitted_on.isoformat())
        return pipeline.screen_source(Services(), *a, inputs=inputs, **k)

    monkeypatch.setattr(check_module, "screen_source", spy)


@pytest.mark.parametrize("flags, expect_models", [((), True), (("--no-model",), False)])
def test_model_options_follow_the_policy_unless_told_not_to(monkeypatch, material_file, flags, expect_models):
    seen = {}
    chosen_models(monkeypatch, Embedders(elements="policy-embedder"))
    spy_on_screening(monkeypatch, seen)
    result = _check(material_file, "--campaign", CAMPAIGN, "--submitted-on", "2025-01-01", *flags)
    assert result.exit_code == 0, result.output
    assert seen.get("embedder") == ("policy-embedder" if expect_models else None)
    assert seen["submitted_on"] == "2025-01-01"


@pytest.fixture
def material_file(tmp_path):
    path = tmp_path / "材料.txt"
    path.write_text(material_text(drop="problems"), encoding="utf-8")
    return path


def _check(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_json_report(material_file):
    result = _check(material_file, "--campaign", CAMPAIGN, "--category", CATEGORY, "--format", "json")
    assert result.exit_code == 0  # screened, whatever the verdict
    data = json.loads(result.stdout)
    assert data["verdict"] == "reject"
    assert "elements.missing" in [f["code"] for f in data["findings"]]


def test_text_report_is_readable(material_file):
    result = _check(material_file, "--campaign", CAMPAIGN, "--category", CATEGORY)
    assert result.exit_code == 0
    assert "预审结论：不符合要求" in result.stdout and "问题困难及破解办法" in result.stdout


def test_html_highlights_evidence(material_file, tmp_path):
    material_file.write_text(material_text() + "\n节目播出后反响热烈，<b>各方</b>都很关注。", encoding="utf-8")
    out = tmp_path / "report.html"
    result = _check(material_file, "--campaign", CAMPAIGN, "--category", CATEGORY, "--format", "html", "--out", out)
    assert result.exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<mark class=" in page and 'href="#finding-' in page
    assert "http" not in page.split("<body>")[0]  # self-contained: nothing fetched
    assert "&lt;b&gt;各方&lt;/b&gt;" in page and "<b>各方</b>" not in page  # the material is escaped


def test_markdown(material_file):
    result = _check(material_file, "--campaign", CAMPAIGN, "--format", "md")
    assert result.exit_code == 0 and result.stdout.startswith("# 预审报告")


def test_without_campaign_prints_only_the_document_part(material_file):
    result = _check(material_file, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"document"} and data["document"]["counts"]["word"] > 0


def test_several_files_go_to_a_directory(material_file, tmp_path):
    second = tmp_path / "第二份.txt"
    second.write_text(material_text(), encoding="utf-8")
    out = tmp_path / "reports"
    result = _check(material_file, second, "--campaign", CAMPAIGN, "--format", "json", "--out", out)
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["材料.json", "第二份.json"]


def test_unknown_campaign_is_a_usage_error(material_file):
    result = _check(material_file, "--campaign", "no-such-call")
    assert result.exit_code == 2 and "找不到征集活动" in result.stderr


def test_unknown_format_is_a_usage_error(material_file):
    result = _check(material_file, "--campaign", CAMPAIGN, "--format", "pdf")
    assert result.exit_code == 2 and "输出格式" in result.stderr


def test_unknown_material_is_a_usage_error(material_file):
    result = _check(material_file, "--campaign", CAMPAIGN, "--material", "附件九")
    assert result.exit_code == 2 and "没有材料" in result.stderr


def test_unreadable_file_exits_3(tmp_path):
    bad = tmp_path / "伪装.pdf"
    bad.write_bytes(b"MZ\x90\x00 this is not a pdf")
    result = _check(bad, "--campaign", CAMPAIGN)
    assert result.exit_code == 3 and result.stderr.startswith("错误：")


def test_missing_file_exits_3(tmp_path):
    result = _check(tmp_path / "没有这个文件.txt", "--campaign", CAMPAIGN)
    assert result.exit_code == 3 and "找不到文件" in result.stderr


@pytest.mark.parametrize("mount", ["add_typer", "command"])
def test_mounted_under_a_parent_app(material_file, mount):
    import typer

    from screening.cli import check as check_module

    parent = typer.Typer()
    if mount == "add_typer":
        parent.add_typer(check_module.app, name="check")
    else:
        parent.command("check")(check_module.check)
    parent.command("other")(lambda: None)
    result = runner.invoke(parent, ["check", str(material_file), "--campaign", CAMPAIGN, "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["material"] == "detailed"
