"""Scanned and stamped files: OCR confidence per page, and the red seal a call requires.

- ``scan.low_confidence`` (warning): a page read by OCR with a mean confidence under ``ocr.LOW_CONFIDENCE``; its
  text may be wrong, so 字数 and every other figure on it are uncertain.
- ``seal.missing`` (warning, with the clause): the call wants the applicant's material as a stamped scan
  (``Campaign.stamping``, ``submitter = "applicant"``), the uploaded PDF was searched and no red official seal was
  found. A PDF with a text layer and no images (a Word export) has nothing stamped on it and gets the same finding.
- ``seal.scan_required`` (info): the same call, but only a Word/text file was uploaded; the stamped PDF is still due.
  When the PDF comes along as the companion (two files in one self-check), the PDF is the one searched.

Measurement block ``scan``: OCR'd pages with confidence, the engine, pages searched for a seal and seals found.
"""

from __future__ import annotations

from ..documents.ocr import LOW_CONFIDENCE
from ..report import Finding
from .base import CheckContext, CheckResult


def run(ctx: CheckContext) -> CheckResult:
    result = CheckResult("scan")
    scan = ctx.document.scan
    if scan is not None:
        result.measurement = {
            "ocr_pages": scan.ocr_pages,
            "ocr_engine": scan.ocr_engine,
            "low_confidence_below": LOW_CONFIDENCE,
            "seal_pages": scan.seal_pages,
            "seals": scan.seals,
        }
        result.findings += _low_confidence(scan.ocr_pages)
    result.findings += _seal_findings(ctx)
    return result


def _low_confidence(ocr_pages: list[dict]) -> list[Finding]:
    return [
        Finding(
            check="scan",
            code="scan.low_confidence",
            severity="warning",
            message=f"第 {page['page']} 页是扫描图片，文字识别置信度只有 {page['confidence']:.0f}（低于 {LOW_CONFIDENCE:.0f}），"
            "识别出的文字可能有误，该页的字数和数据仅供参考。",
            suggestion="请重新清晰扫描该页（200–300 dpi，页面摆正），或同时提交 Word 原文件。",
        )
        for page in ocr_pages
        if page["confidence"] is not None and page["confidence"] < LOW_CONFIDENCE
    ]


def _seal_findings(ctx: CheckContext) -> list[Finding]:
    required = [r for r in ctx.campaign.stamping if r.submitter == "applicant"]
    if not required:
        return []
    rule = required[0]
    companion = ctx.inputs.companion
    doc = (
        ctx.document
        if ctx.document.format == "pdf"
        else companion
        if companion is not None and companion.format == "pdf"
        else None
    )
    if doc is None:
        return [
            Finding(
                check="seal",
                code="seal.scan_required",
                severity="info",
                message=f"本次征集要求{rule.document}提交{rule.format}（加盖{rule.seal}）；本文件是 Word/文本版，"
                "盖章扫描件需另行提交。",
                rule=ctx.cite(rule.clause),
                suggestion="请同时提交加盖公章的扫描 PDF；可与本文件一起自查，系统会比对两版内容。",
            )
        ]
    if doc.scan is not None and doc.scan.seals:
        return []
    return [
        Finding(
            check="seal",
            code="seal.missing",
            severity="warning",
            message=f"本次征集要求{rule.document}加盖{rule.seal}后提交扫描 PDF，但在 {doc.filename or 'PDF 文件'} 中没有找到红色公章。",
            rule=ctx.cite(rule.clause),
            suggestion="请在打印件上加盖公章后扫描为 PDF 再提交（印章需清晰可见）；若已盖章，请检查扫描是否为彩色。",
        )
    ]
