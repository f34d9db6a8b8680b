"""The scan phase of PDF extraction: pages that carry images are rendered; those without a text layer are OCR'd
(``ocr``), and every rendered page is searched for a red official seal (``seal``).

It runs after the text phase, inside the same guarded child process (``pdf_worker``), under its own bounded budget:
OCR costs seconds per page where text extraction costs milliseconds, so one deadline for both would either refuse
every scan or let a hostile text PDF run for minutes. Bounds, all in ``Limits``:

- ``max_ocr_pages`` scanned pages at most (``SCREENING_OCR_PAGES``, default 30): more → ``TooManyPages`` before any
  page is read, with the measured pace in the message;
- ``ocr_seconds`` for the whole phase (``SCREENING_OCR_SECONDS``, default 120): checked before every page, and
  Tesseract itself is killed when a page would overrun it → ``ParseTimeout`` saying how far it got;
- the worker's caller learns (``on_start(pages, seconds)``) that the phase begins and moves its kill deadline to
  the same budget; when no page needs OCR (only a seal search) the budget is :data:`SEAL_ONLY_SECONDS`, so a text
  PDF with images never gets the long OCR budget.

Pages with a text layer *and* images (a Word export with a pasted seal image) are rendered at 100 dpi for the seal
search only, the first two and last three of them (``_seal_candidates``). Pages without images are not rendered: a
vector-drawn electronic seal is not looked for (trade-off: the
calls ask for a stamped *scan*; rendering every text page would double the parse time of long PDFs).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

from ..errors import ParseTimeout, ScannedDocument, TooManyPages
from . import ocr, seal
from .guard import Limits

SECONDS_PER_PAGE = 4.0  # the pace quoted in refusals: measured 2.3–2.8 s CPU per page, rounded up for a busy machine
SEAL_ONLY_SECONDS = 10.0  # budget of the phase when no page needs OCR (at most five renders for the seal search)
SEAL_HEAD_PAGES, SEAL_TAIL_PAGES = 2, 3  # text pages with images searched for a seal: the first and the last ones


def scan_pages(
    data: bytes, pages: list, limits: Limits, *, on_start: Callable[[int, float], None] | None = None
) -> list[str]:
    """OCR image-only pages and look for seals on pages with images, in place; returns Chinese notes."""
    scanned = [p for p in pages if not p.chars and p.images]
    with_images = _seal_candidates([p for p in pages if p.chars and p.images])
    if not scanned and not with_images:
        return []
    notes = []
    if scanned and (not limits.ocr or ocr.engine() is None) and any(p.chars for p in pages):
        # some pages have text: read those, leave the images unread (pdf.py notes them), as before OCR existed
        if limits.ocr:
            notes.append("服务器未安装文字识别组件（tesseract-ocr、tesseract-ocr-chi-sim），扫描图片页未能识别。")
        scanned = []
    if scanned:
        if not limits.ocr:
            raise ScannedDocument(detail={"pages": len(scanned), "ocr": "disabled"})
        if ocr.engine() is None:
            raise ScannedDocument(
                "这是扫描件（没有文字层），但服务器未安装文字识别组件（Debian 软件包 tesseract-ocr 和 "
                "tesseract-ocr-chi-sim），无法识别。请联系管理员，或提交由 Word 导出的 PDF 或 .docx 原文件。",
                detail={"pages": len(scanned), "ocr": "unavailable"},
            )
        _check_scan_length(len(scanned), limits)
    budget = limits.ocr_seconds if scanned else min(SEAL_ONLY_SECONDS, limits.ocr_seconds)
    if on_start is not None:
        on_start(len(scanned), budget)
    deadline = time.monotonic() + budget
    document = _open(data)
    for done, page in enumerate(scanned):
        _read_scanned_page(document, page, limits, deadline, done=done, total=len(scanned))
    for page in with_images:
        if time.monotonic() > deadline:
            notes.append(f"页数较多，第 {page.number} 页及以后含图片的页面未检查印章。")
            break
        image, dpi = ocr.render_page(document[page.number - 1], dpi=seal.SEAL_DPI)
        page.seals = [mark.as_dict() for mark in seal.find_seals(image, dpi=dpi)]
        page.seal_checked = True
    return notes


def _seal_candidates(pages: list) -> list:
    """Of the text pages that carry images, the first two and the last three: a form is stamped on its first page or
    beside the signature at its end, and a long Word export full of photos should not pay for a seal search on
    every page (measured 0.23 s of CPU per A4 page for render at 100 dpi + analysis, on a shared 2-core machine)."""
    if len(pages) <= SEAL_HEAD_PAGES + SEAL_TAIL_PAGES:
        return pages
    return pages[:SEAL_HEAD_PAGES] + pages[-SEAL_TAIL_PAGES:]


def _check_scan_length(count: int, limits: Limits) -> None:
    if count > limits.max_ocr_pages:
        raise TooManyPages(
            f"扫描件共 {count} 页，超过文字识别的上限 {limits.max_ocr_pages} 页（每页识别约需 {SECONDS_PER_PAGE:g} 秒）。"
            "请只提交需要预审的页面，或提交由 Word 导出的 PDF 或 .docx 原文件。",
            detail={"scanned_pages": count, "limit": limits.max_ocr_pages},
        )


def _open(data: bytes):
    import pypdfium2

    return pypdfium2.PdfDocument(data)


def _read_scanned_page(document, page, limits: Limits, deadline: float, *, done: int, total: int) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _ocr_timeout(done, total, limits)
    image, dpi = ocr.render_page(document[page.number - 1])
    try:
        result = ocr.recognise(image, dpi=dpi, timeout=remaining)
    except subprocess.TimeoutExpired as error:
        raise _ocr_timeout(done, total, limits) from error
    page.seals = [mark.as_dict() for mark in seal.find_seals(image, dpi=dpi)]
    page.seal_checked = True
    page.ocr_confidence = round(result.confidence, 1)
    page.lines = _as_pdf_lines(result.lines)
    page.chars = result.chars if result.chars >= ocr.MIN_PAGE_CHARS else 0
    if not page.chars:
        page.lines = []


def _as_pdf_lines(lines: list) -> list:
    """OCR lines as ``PdfLine`` for the paragraph builder, evened out the way a text layer would be:

    - **one body size**: a line's box height varies with its glyphs (digits and punctuation are shorter), and the
      builder starts a new paragraph on a size change of 1 pt; lines within 0.75–1.3 × the median height get the
      median, taller ones (headings) keep their own;
    - **straight margins**: a page scanned 1° askew moves the left margin by ~12 pt from top to bottom, half a
      first-line indent; the slope of ``x0`` over ``top`` (least squares, refitted on the lines within 6 pt of the
      first fit, so indented lines do not pull it) is taken out of ``x0`` and ``x1``.
    """
    from statistics import median

    from .pdf_extract import PdfLine

    if not lines:
        return []
    body = median(line.bottom - line.top for line in lines)
    slope = _margin_slope([(line.top, line.x0) for line in lines])
    top0 = lines[0].top
    result = []
    for line in lines:
        height = line.bottom - line.top
        size = body if 0.75 * body <= height <= 1.3 * body else height
        shift = slope * (line.top - top0)
        result.append(
            PdfLine(line.text, line.x0 - shift, line.x1 - shift, line.top, line.bottom, round(size, 1), False)
        )
    return result


def _margin_slope(points: list[tuple[float, float]]) -> float:
    """Slope of the left margin (x0 per point of ``top``); 0 when there are too few lines to tell."""
    for _ in range(2):
        if len(points) < 4:
            return 0.0
        n = len(points)
        mean_y, mean_x = sum(p[0] for p in points) / n, sum(p[1] for p in points) / n
        spread = sum((p[0] - mean_y) ** 2 for p in points)
        if spread == 0:
            return 0.0
        slope = sum((p[0] - mean_y) * (p[1] - mean_x) for p in points) / spread
        intercept = mean_x - slope * mean_y
        low = [p for p in points if p[1] - (intercept + slope * p[0]) < 6]  # indented lines sit above the fit
        points = low if len(low) >= 4 else points
    return max(-0.05, min(0.05, slope))  # at most ~3°: more is not a slight rotation but a bad fit


def _ocr_timeout(done: int, total: int, limits: Limits) -> ParseTimeout:
    return ParseTimeout(
        f"扫描件文字识别超时（{limits.ocr_seconds:g} 秒内只识别了 {done}/{total} 页）。"
        "请只提交需要预审的页面，或提交由 Word 导出的 PDF 或 .docx 原文件。",
        detail={"pages_done": done, "pages": total, "seconds": limits.ocr_seconds},
    )
