"""Each face of the service (the web page, the command line) says how to act in its own terms.

The checks say what is wrong and what to do in words every face can show ("未声明申报类别", "请指明申报类别"), never
how to do it in one face: a web page that says "请用 --category" points at a flag its user has never seen, and a
terminal that says "在下拉框中选择" points at a control that is not there. Where the how-to differs by face, the face
keeps a small map from a finding's ``code`` to its own suggestion, and applies it with :func:`speak` just before
rendering. The JSON API keeps the checks' neutral words: its clients are programs, each with its own interface.

A face's suggestion is a function of the whole report, so it can cite what the other checks measured: when no
category is declared, both faces name the category the content suggests, with its probability
(:func:`suggested_category`, from the category check's block).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .report import Report

HowTo = Callable[[Report], str | None]


def speak(report: Report, how_to: Mapping[str, HowTo]) -> Report:
    """A copy of ``report`` whose findings carry the face's suggestion wherever ``how_to`` has one for their code."""
    findings = []
    for finding in report.findings:
        say = how_to.get(finding.code)
        suggestion = say(report) if say else None
        findings.append(finding.model_copy(update={"suggestion": suggestion}) if suggestion else finding)
    return report.model_copy(update={"findings": findings})


def suggested_category(report: Report) -> str:
    """``按内容建议的类别：“X”（可能性 NN%）。`` or "" when the category check ranked nothing."""
    block = report.category_suggestion
    top = block.top if block else None
    if top is None:
        return ""
    return f"按内容建议的类别：“{top.category}”（可能性 {top.probability:.0%}）。"
