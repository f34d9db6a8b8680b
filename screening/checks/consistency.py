"""Word ↔ stamped PDF consistency, when the applicant sends both versions (``ctx.inputs.companion``).

The self-check with two files and the bureau batch (pairs by file stem) pass the other version as the companion
``Document``; without one this check does nothing. Each difference (``screening.consistency.compare``) is a warning
showing both passages side by side: 数字不一致, 内容不一致, or a sentence present in only one version. Measurement block
``consistency``: overall similarity and every difference with its offsets in each version.
"""

from __future__ import annotations

from ..consistency import Difference, compare
from ..report import Finding, Span
from .base import CheckContext, CheckResult

MAX_FINDINGS = 20  # past this the versions are simply different documents; the measurement block keeps the rest


def run(ctx: CheckContext) -> CheckResult:
    result = CheckResult("consistency")
    companion = ctx.inputs.companion
    if companion is None:
        return result
    comparison = compare(ctx.document, companion)
    result.measurement = {"other": companion.filename, **comparison.to_dict()}
    names = (_label(ctx.document), _label(companion))
    result.findings = [_finding(d, names) for d in comparison.differences[:MAX_FINDINGS]]
    if len(comparison.differences) > MAX_FINDINGS:
        result.findings.append(
            Finding(
                check="consistency",
                code="consistency.many_differences",
                severity="warning",
                message=f"两个版本共有 {len(comparison.differences)} 处不一致（只列出前 {MAX_FINDINGS} 处），"
                f"整体相似度 {comparison.similarity:.0f}%，可能不是同一份材料。",
                suggestion="请确认两个文件是同一份材料的 Word 版和盖章扫描版。",
            )
        )
    return result


def _label(doc) -> str:
    kind = (
        "扫描 PDF 版" if doc.scan is not None and doc.scan.ocr_used else "PDF 版" if doc.format == "pdf" else "Word 版"
    )
    return f"{kind}（{doc.filename}）" if doc.filename else kind


def _finding(difference: Difference, names: tuple[str, str]) -> Finding:
    a, b = difference.a, difference.b
    evidence = [Span(start=a["start"], end=a["end"], text=a["text"], label=names[0])] if a else []
    if difference.kind == "number_changed":
        message = (
            f"两个版本的数字不一致：{names[0]}为“{'、'.join(difference.figures_a) or '无'}”，"
            f"{names[1]}为“{'、'.join(difference.figures_b) or '无'}”。{names[0]}：“{a['text']}” ｜ {names[1]}：“{b['text']}”"
        )
        code = "consistency.number_changed"
    elif difference.kind == "text_changed":
        message = f"两个版本的文字不一致。{names[0]}：“{a['text']}” ｜ {names[1]}：“{b['text']}”"
        code = "consistency.text_changed"
    elif difference.kind == "missing_in_b":
        message = f"这段文字只出现在{names[0]}中，{names[1]}中没有：“{a['text']}”"
        code = "consistency.missing_in_other"
    else:
        message = f"这段文字只出现在{names[1]}中，{names[0]}中没有：“{b['text']}”"
        code = "consistency.missing_in_this"
    return Finding(
        check="consistency",
        code=code,
        severity="warning",
        message=message,
        evidence=evidence,
        suggestion="同一份材料的 Word 版和盖章扫描版应完全一致，请核对后统一修改并重新盖章扫描。",
    )
