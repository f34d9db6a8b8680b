"""Eligibility that one document can show: the declared category exists in the call, and it was not sent late.

Re-submission bans (an earlier selection in the same category) need the archive and are the duplicates check's job.
An unknown category is a finding here, not an exception, so one bad field still yields a full report.
"""

from __future__ import annotations

import datetime as dt

from ..report import Finding
from .base import CheckContext, CheckResult


def run(ctx: CheckContext) -> CheckResult:
    result = CheckResult("eligibility")
    result.findings += _category_findings(ctx)
    result.findings += _deadline_findings(ctx)
    result.measurement = {
        "declared_category": ctx.declared_category,
        "category": ctx.category.name if ctx.category else None,
        "deadline": ctx.campaign.dates.deadline.isoformat() if ctx.campaign.dates.deadline else None,
        "submitted_on": _date(ctx.inputs.submitted_on).isoformat() if ctx.inputs.submitted_on else None,
    }
    return result


def _categories_clause(ctx: CheckContext) -> str:
    return ctx.cite(ctx.campaign.categories[0].clause.split("（")[0])


def _category_findings(ctx: CheckContext) -> list[Finding]:
    names = "、".join(c.name for c in ctx.campaign.categories)
    declared = ctx.declared_category
    if declared is None:
        return [
            Finding(
                check="eligibility",
                code="eligibility.category_not_declared",
                severity="info",
                rule=_categories_clause(ctx),
                message=f"未声明申报类别。本次征集的类别：{names}。",
                # Face-neutral: the web page and the CLI each add how to declare it (screening.faces).
                suggestion="请指明申报类别，以便按该类别的要素检查。",
            )
        ]
    if ctx.category is None:
        return [
            Finding(
                check="eligibility",
                code="eligibility.unknown_category",
                severity="error",
                rule=_categories_clause(ctx),
                message=f"本次征集没有“{declared}”类别。",
                suggestion=f"请从以下类别中选择：{names}。",
            )
        ]
    findings = []
    if declared.strip() not in (ctx.category.name, ctx.category.id):
        findings.append(
            Finding(
                check="eligibility",
                code="eligibility.category_renamed",
                severity="info",
                rule=ctx.cite(ctx.category.clause),
                message=f"“{declared}”在本次征集中称为“{ctx.category.name}”，已按该类别检查。",
                suggestion=f"申报表中请使用本次通知的类别名称“{ctx.category.name}”。",
            )
        )
    on_form = ctx.document.field_value("征集类别")
    if on_form and not ctx.category.matches(on_form):
        findings.append(
            Finding(
                check="eligibility",
                code="eligibility.form_category_mismatch",
                severity="warning",
                rule=ctx.cite(ctx.category.clause),
                message=f"申报表填写的类别“{on_form}”与所选类别“{ctx.category.name}”不一致。",
                suggestion="请确认申报类别，并使申报表与申报系统中的类别一致。",
            )
        )
    return findings


def _deadline_findings(ctx: CheckContext) -> list[Finding]:
    submitted, dates = ctx.inputs.submitted_on, ctx.campaign.dates
    if submitted is None:
        return []
    submitted = _date(submitted)
    if dates.deadline is None:
        return [
            Finding(
                check="eligibility",
                code="eligibility.no_deadline",
                severity="info",
                message="通知未载明征集截止日期，未检查提交时间。",
            )
        ]
    if submitted > dates.deadline:
        return [
            Finding(
                check="eligibility",
                code="eligibility.late",
                severity="error",
                rule=ctx.cite(dates.deadline_clause),
                message=f"提交日期 {submitted.isoformat()} 晚于征集截止日期 {dates.deadline.isoformat()}。",
                suggestion="逾期材料不予受理；如有特殊情况请与主办单位联系。",
            )
        ]
    return []


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
