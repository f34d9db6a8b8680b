"""PDF layout: from extracted lines and tables (``pdf_extract``) to draft blocks, the way a reader sees the page.

pdfplumber returns one entry per *visual* line; a Chinese paragraph wraps over many. Rebuilding paragraphs:

- A line starts a new paragraph when it is indented (first-line indent, the Chinese 空两格), when the previous line
  stopped well short of the right margin (the last line of a paragraph), when the font size or weight changes (a
  heading), or when a vertical gap of more than one line separates it from the previous line on the same page.
  Otherwise it continues the paragraph, also across a page break.
- Wrapped lines join without a space between CJK characters and with one between Latin words
  (``normalize.join_lines``); spaces extraction put between CJK and digits are removed (``join_pdf_spaces``).
- Typography becomes a style for ``structure.heading_level``: a line clearly larger than the body font is
  ``"large"``, a bold one ``"bold"``; headings are still only short lines.
- Tables found by pdfplumber are cut out of the page's text (their cells would otherwise appear again as loose lines)
  and become table blocks where they stand on the page.
- Page furniture is dropped, with a note: lines in the top or bottom margin (8% of the page height) that repeat on
  most pages once digits are ignored (running headers, "第 3 页 共 10 页"), and page numbers ("- 3 -", "3", "第3页").

Trade-off: these are geometric heuristics tuned on Word/WPS exports and reportlab output; a multi-column layout or a
poster will come out in pdfplumber's line order, which is still readable but not paragraph-perfect.
"""

from __future__ import annotations

import re
from collections import Counter

from ..errors import CorruptDocument, EncryptedDocument
from . import ocr, pdf_worker
from .guard import Limits
from .model import Block, ScanInfo
from .normalize import join_lines, join_pdf_spaces, normalize_text
from .pdf_extract import PdfExtract, PdfLine, PdfPage, PdfTable, extract
from .text import table_block

MARGIN_FRACTION = 0.08
UNMAPPED_LIMIT = 0.05  # share of the text that may be unmappable glyphs before the text layer counts as unusable
LARGE_FONT_RATIO = 1.15
_UNMAPPED = re.compile(r"\(cid:\d+\)")
_PAGE_NUMBER = re.compile(
    r"^[-—–·\s]*(?:第\s*)?#\s*(?:页)?\s*(?:(?:[/／]|共)\s*#\s*页?)?[-—–·\s]*$|^(?:page)?#(?:of#)?$", re.I
)


def pdf_blocks(data: bytes, limits: Limits) -> tuple[list[Block], int, list[str], ScanInfo | None]:
    """Draft blocks, page count, Chinese notes and what the scan phase did (OCR, seals; None when no page was
    rendered) for a PDF, extracted under ``limits`` (isolated by default)."""
    isolate = limits.isolate_pdf and pdf_worker.available()  # elsewhere than Linux: fences 1 and 2 only
    extracted: PdfExtract = pdf_worker.extract_isolated(data, limits) if isolate else extract(data, limits)
    pages = extracted.pages
    notes = ["文件设有权限保护（无需打开密码），已正常读取文字。"] if extracted.encrypted else []
    notes += extracted.notes
    scan = _scan_info(pages)
    if scan and scan.ocr_used:
        read = "、".join(f"第 {p['page']} 页（置信度 {p['confidence']:.0f}）" for p in scan.ocr_pages)
        notes.append(f"以下页面是扫描图片，已用文字识别（OCR）读取，字数只计识别出的文字：{read}。")
    notes += _drop_unmapped_glyphs(pages, encrypted=extracted.encrypted)
    removed = _drop_page_furniture(pages)
    if removed:
        notes.append(f"已删除每页重复的页眉、页脚和页码（共 {removed} 行），不计入字数。")
    image_pages = [p.number for p in pages if not p.chars and p.images]
    if image_pages:
        notes.append(f"第 {'、'.join(map(str, image_pages))} 页是图片，没有识别出文字，未计入。")
    return _layout(pages), len(pages), notes, scan


def _scan_info(pages: list[PdfPage]) -> ScanInfo | None:
    checked = [p for p in pages if p.seal_checked]
    if not checked:
        return None
    ocr_pages = [
        {"page": p.number, "confidence": p.ocr_confidence, "chars": p.chars}
        for p in pages
        if p.ocr_confidence is not None
    ]
    return ScanInfo(
        ocr_pages=ocr_pages,
        ocr_engine=ocr.engine() if ocr_pages else None,
        seal_pages=[p.number for p in checked],
        seals=[{"page": p.number, **mark} for p in checked for mark in p.seals],
    )


def _drop_unmapped_glyphs(pages: list[PdfPage], *, encrypted: bool) -> list[str]:
    """Glyphs pdfminer cannot map to text come out as ``(cid:123)``. A few are dropped with a note; when they are
    a large part of the text the text layer is unusable, and saying so beats screening gibberish."""
    total = sum(len(line.text) for page in pages for line in page.lines) or 1
    unmapped = sum(len(m) for page in pages for line in page.lines for m in _UNMAPPED.findall(line.text))
    if unmapped == 0:
        return []
    if unmapped / total > UNMAPPED_LIMIT:
        if encrypted:
            raise EncryptedDocument("文件设有权限保护，文字无法正确提取，请取消保护（或另存为不加密的 PDF）后再提交。")
        raise CorruptDocument(
            "PDF 的字体缺少文字编码信息，无法正确提取文字。请提交 .docx 原文件，或用 Word 重新导出 PDF。"
        )
    for page in pages:
        for line in page.lines:
            line.text = _UNMAPPED.sub("", line.text)
    return ["部分字符无法从 PDF 字体中识别，已略去，字数可能略少于原文。"]


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _in_margin(line: PdfLine, page: PdfPage) -> bool:
    return line.top < page.height * MARGIN_FRACTION or line.bottom > page.height * (1 - MARGIN_FRACTION)


def _drop_page_furniture(pages: list[PdfPage]) -> int:
    """Remove running headers/footers and page numbers in place; returns how many lines went."""
    seen = Counter()
    for page in pages:
        seen.update({_furniture_key(line.text) for line in page.lines if _in_margin(line, page)})
    threshold = max(2, 0.6 * len(pages))
    repeated = {key for key, n in seen.items() if n >= threshold}
    removed = 0
    for page in pages:
        keep = []
        for line in page.lines:
            key = _furniture_key(line.text)
            if _in_margin(line, page) and (key in repeated or _PAGE_NUMBER.match(key)):
                removed += 1
            else:
                keep.append(line)
        page.lines = keep
    return removed


def _layout(pages: list[PdfPage]) -> list[Block]:
    lines = [line for page in pages for line in page.lines]
    if not lines:
        return [table_block(_clean_rows(t.rows), page=p.number) for p in pages for t in p.tables]
    body_size = Counter(round(line.size) for line in lines for _ in line.text).most_common(1)[0][0]
    body = [line for line in lines if round(line.size) == body_size] or lines
    left = Counter(round(line.x0) for line in body).most_common(1)[0][0]
    right = max(line.x1 for line in body)
    builder = _ParagraphBuilder(body_size, left, right)
    for page in pages:
        items: list[PdfLine | PdfTable] = sorted([*page.lines, *page.tables], key=lambda item: item.top)
        builder.new_page(page.number)
        for item in items:
            if isinstance(item, PdfTable):
                builder.add_table(item)
            else:
                builder.add_line(item)
    return builder.finish()


def _clean_rows(rows: list[list[str]]) -> list[list[str]]:
    return [[normalize_text(join_pdf_spaces(join_lines(cell.split("\n")))) for cell in row] for row in rows]


class _ParagraphBuilder:
    """Accumulates lines into paragraphs (see the module docstring for when a line starts a new one)."""

    def __init__(self, body_size: float, left: float, right: float) -> None:
        self.body_size, self.left, self.right = body_size, left, right
        self.blocks: list[Block] = []
        self.current: list[PdfLine] = []
        self.current_page = 1
        self.page = 1
        self.same_page = False  # the previous line is on the current page

    def new_page(self, number: int) -> None:
        self.page, self.same_page = number, False

    def add_table(self, table: PdfTable) -> None:
        self._flush()
        self.blocks.append(table_block(_clean_rows(table.rows), page=self.page))
        self.same_page = False

    def add_line(self, line: PdfLine) -> None:
        if self.current and self._starts_paragraph(self.current[-1], line):
            self._flush()
        if not self.current:
            self.current_page = self.page
        self.current.append(line)
        self.same_page = True

    def _starts_paragraph(self, previous: PdfLine, line: PdfLine) -> bool:
        unit = line.size
        return (
            abs(line.size - previous.size) > 1
            or line.bold != previous.bold
            or line.x0 > self.left + 0.8 * unit
            or previous.x1 < self.right - 1.5 * previous.size
            or (self.same_page and line.top - previous.bottom > 1.2 * unit)
        )

    def _flush(self) -> None:
        if not self.current:
            return
        text = normalize_text(join_pdf_spaces(join_lines([line.text for line in self.current])))
        first = self.current[0]
        style = "large" if first.size > self.body_size * LARGE_FONT_RATIO else "bold" if first.bold else None
        self.blocks.append(Block("paragraph", text, 0, 0, page=self.current_page, style=style))
        self.current = []

    def finish(self) -> list[Block]:
        self._flush()
        return self.blocks
