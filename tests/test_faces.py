"""Each face says how to act in its own terms: the web page names no CLI flag, the CLI no web control, and both name
the category the content suggests, with its probability, when none was declared."""

from __future__ import annotations

import re
from pathlib import Path

from api import wording as web
from screening.cli import wording as cli
from screening.faces import speak, suggested_category
from screening.report import DocumentInfo, Finding, Report
from screening.results import CategorySuggestion, RankedCategory

NEUTRAL = "请指明申报类别，以便按该类别的要素检查。"


def _report(*, ranked: list[tuple[str, float]] | None = None) -> Report:
    suggestion = None
    if ranked is not None:
        suggestion = CategorySuggestion(
            ranked=[RankedCategory(category=name, id=f"c{i}", probability=p) for i, (name, p) in enumerate(ranked)],
            model="test",
            degraded=False,
            warning_threshold=0.7,
            threshold="fixed",
            declared=None,
            declared_in=None,
        )
    findings = [
        Finding(
            check="eligibility",
            code="eligibility.category_not_declared",
            severity="info",
            message="未声明申报类别。",
            suggestion=NEUTRAL,
        ),
        Finding(check="length", code="length.over_limit", severity="error", message="超出字数。", suggestion="删减。"),
    ]
    return Report(document=DocumentInfo(filename="a.docx"), findings=findings, category_suggestion=suggestion)


def _how_to(report: Report) -> str:
    return next(f.suggestion for f in report.findings if f.code == "eligibility.category_not_declared")


def test_each_face_says_how_to_declare_the_category_in_its_own_terms():
    report = _report(ranked=[("融合生产传播", 0.734), ("新媒体平台建设", 0.266)])
    on_web, on_cli = _how_to(speak(report, web.HOW_TO)), _how_to(speak(report, cli.HOW_TO))
    assert "--" not in on_web and "申报类别" in on_web
    assert "--category 融合生产传播" in on_cli and "下拉" not in on_cli and "上传页" not in on_cli
    for text in (on_web, on_cli):
        assert "“融合生产传播”（可能性 73%）" in text


def test_speak_changes_only_the_codes_the_face_words_and_copies_the_report():
    report = _report(ranked=[("融合生产传播", 0.5)])
    spoken = speak(report, web.HOW_TO)
    assert _how_to(report) == NEUTRAL  # the core's report is untouched
    assert [f.suggestion for f in spoken.findings][1] == "删减。"
    assert [f.code for f in spoken.findings] == [f.code for f in report.findings]


def test_without_a_ranking_the_faces_still_say_how_but_name_no_category():
    report = _report(ranked=None)
    assert suggested_category(report) == ""
    assert "可能性" not in _how_to(speak(report, cli.HOW_TO)) and "--category" in _how_to(speak(report, cli.HOW_TO))
    assert "可能性" not in _how_to(speak(report, web.HOW_TO))


def test_no_core_message_names_a_face():
    """The checks' own words (what the JSON API returns) name neither a CLI flag nor a web control."""
    root = Path(__file__).resolve().parents[1] / "screening"
    sources = [p for p in root.rglob("*.py") if "cli" not in p.parts and p.name != "faces.py"]
    said = [(p.name, m) for p in sources for m in re.findall(r'(?:message|suggestion)=f?"([^"]*)"', p.read_text())]
    assert said, "the pattern must find the checks' messages"
    assert not [(name, m) for name, m in said if re.search(r"--[a-z]|下拉框|上传页|按钮", m)]
