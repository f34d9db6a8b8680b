"""Generators of test documents, shared by every test area (import from here; add what you lack in your own area).

All inputs are made in code, so tests pass on a fresh clone:

- :func:`make_docx` — a Word file with a title, headings (real heading styles or plain numbered lines), paragraphs,
  a table and optionally a 申报表 form.
- :func:`make_form_docx` — just the 申报表 of the 2024 "全国智慧广电网络新服务" call (附件1 layout: 案例名称 …
  案例简介（500字以内）, 申报材料（5000字以内）, 备注), filled with the values you pass.
- :func:`make_pdf` — a PDF in reportlab's built-in CID font STSong-Light (not embedded; pdfminer maps it through
  Adobe-GB1), with paragraphs wrapped at the page width, headings, several pages and an optional ruled table.
- :func:`make_text` — text in a given encoding (``"gb18030"``, ``"utf-16"``, ``"utf-8-sig"`` …).
- :func:`chinese_paragraph` / :func:`chinese_text` — deterministic filler prose with a known Word 字数.
- hostile files: byte-level builders in ``tests/documents/hostile_files.py`` (zip bombs, nested FlateDecode,
  encrypted PDF …), the whole catalogue with expected outcomes in ``tests/hostile.py``.

Every generator returns the bytes and, when given a path, also writes them there.
"""

from __future__ import annotations

import io
from pathlib import Path

FORM_TITLE = "2024年“全国智慧广电网络新服务”申报表"
# Label cells as printed on the 2024 form; the hints in brackets are part of the printed label.
FORM_LABELS = {
    "案例名称": "案例名称",
    "征集类别": "征集类别",
    "案例层级": "案例层级",
    "申报单位": "申报单位",
    "所在地": "所在地",
    "联系人": "联系人",
    "职务": "职 务",
    "联系电话": "联系电话",
    "手机": "手 机",
    "案例简介": "案例简介\n（500字以内）",
    "申报材料": "申报材料\n（5000字以内，可上传图片）",
    "备注": "备注\n（如有视音频等多媒体材料，请在此处附网盘链接）",
}
_PAIRED_ROWS = [("联系人", "职务"), ("联系电话", "手机")]

_FILLER = (
    "本项目围绕智慧广电网络新服务建设目标，依托有线电视网络和五代移动通信基础设施，整合县级融媒体中心资源，"
    "建成覆盖全市的数字化服务平台，累计服务用户超过一百万户，有效提升了基层群众的获得感和满意度。"
)


def _write(data: bytes, path: str | Path | None) -> bytes:
    if path is not None:
        Path(path).write_bytes(data)
    return data


def chinese_paragraph(n_chars: int, *, seed: int = 0) -> str:
    """Chinese prose of exactly ``n_chars`` characters, all counted by Word's 字数 (汉字 and full-width punctuation)."""
    start = seed % len(_FILLER)
    text = (_FILLER * (n_chars // len(_FILLER) + 2))[start : start + n_chars]
    return text


def chinese_text(n_chars: int, *, paragraph_chars: int = 300) -> list[str]:
    """Paragraphs totalling ``n_chars`` counted characters, each at most ``paragraph_chars`` long."""
    paragraphs, seed = [], 0
    while n_chars > 0:
        size = min(paragraph_chars, n_chars)
        paragraphs.append(chinese_paragraph(size, seed=seed))
        n_chars -= size
        seed += 7
    return paragraphs


# ---- DOCX ---------------------------------------------------------------------------------------------------------


def make_docx(
    path: str | Path | None = None,
    *,
    title: str | None = None,
    sections: list[tuple[str, int, list[str]]] = (),
    table: list[list[str]] | None = None,
    form: dict[str, str] | None = None,
) -> bytes:
    """A .docx: optional form first, then the title (style ``Title``), sections, then the table.

    ``sections`` holds ``(heading, level, paragraphs)``: level ≥ 1 writes the heading in style ``Heading <level>``;
    level 0 writes it as a plain ``Normal`` paragraph, so only its Chinese numbering (一、 （一） …) marks it.
    ``table`` is a list of rows of cell texts (first row is the header). ``form`` fills the 申报表 table as
    :func:`make_form_docx` does.
    """
    import docx

    document = docx.Document()
    if form is not None:
        _add_form(document, form)
    if title:
        document.add_paragraph(title, style="Title")
    for heading, level, paragraphs in sections:
        if level >= 1:
            document.add_heading(heading, level=level)
        else:
            document.add_paragraph(heading)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    if table:
        _add_table(document, table)
    buffer = io.BytesIO()
    document.save(buffer)
    return _write(buffer.getvalue(), path)


def _add_table(document, rows: list[list[str]]) -> None:
    width = max(len(row) for row in rows)
    grid = document.add_table(rows=len(rows), cols=width)
    grid.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            grid.cell(r, c).text = value


def make_form_docx(fields: dict[str, str], path: str | Path | None = None, *, heading: str = FORM_TITLE) -> bytes:
    """A 申报表 as the 2024 智慧广电网络新服务 call prints it (附件1), with ``fields`` filled in.

    ``fields`` maps canonical names (案例名称, 征集类别, 案例层级, 申报单位, 所在地, 联系人, 职务, 联系电话, 手机,
    案例简介, 申报材料, 备注) to values; missing ones stay blank. A value with ``\\n`` becomes several paragraphs in
    its cell. The table has four columns: single fields span columns 2–4; 联系人/职务 and 联系电话/手机 share a row.
    """
    import docx

    document = docx.Document()
    _add_form(document, fields, heading=heading)
    buffer = io.BytesIO()
    document.save(buffer)
    return _write(buffer.getvalue(), path)


def _add_form(document, fields: dict[str, str], *, heading: str = FORM_TITLE) -> None:
    document.add_paragraph(heading, style="Title")
    paired = {name for pair in _PAIRED_ROWS for name in pair}
    order = [name for name in FORM_LABELS if name not in paired or name in (p[0] for p in _PAIRED_ROWS)]
    grid = document.add_table(rows=len(order), cols=4)
    grid.style = "Table Grid"
    for r, name in enumerate(order):
        pair = next((p for p in _PAIRED_ROWS if p[0] == name), None)
        if pair:
            for c, part in enumerate(pair):
                _set_cell(grid.cell(r, 2 * c), FORM_LABELS[part])
                _set_cell(grid.cell(r, 2 * c + 1), fields.get(part, ""))
        else:
            _set_cell(grid.cell(r, 0), FORM_LABELS[name])
            value_cell = grid.cell(r, 1).merge(grid.cell(r, 3))
            _set_cell(value_cell, fields.get(name, ""))


def _set_cell(cell, value: str) -> None:
    lines = value.split("\n")
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


# ---- PDF ----------------------------------------------------------------------------------------------------------


def _cid_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def make_pdf(
    path: str | Path | None = None,
    *,
    pages: list[list[str | tuple[str, int]]] | None = None,
    paragraphs: list[str | tuple[str, int]] | None = None,
    table: list[list[str]] | None = None,
    table_page: int = 1,
    header: str | None = None,
    page_numbers: bool = False,
    encrypt=None,
    image_only: bool = False,
) -> bytes:
    """A Chinese PDF in STSong-Light, A4, paragraphs wrapped at the text width with a two-character first-line indent.

    Give either ``pages`` (one list of items per page; the items must fit) or ``paragraphs`` (flowed over as many
    pages as needed, a long paragraph continuing on the next page). An item is a paragraph string, or
    ``(heading, level)`` for a heading line set larger (level 1: 18pt, 2: 15pt, 3+: 13pt; body 12pt). ``table``
    (rows of cells, first row the header) is drawn ruled below the text of page ``table_page`` (with ``pages``) or
    after the last paragraph (with ``paragraphs``). ``header`` is repeated at the top of every page;
    ``page_numbers`` prints "- n -" at the bottom. ``encrypt`` is a user password (or a
    ``reportlab.lib.pdfencrypt.StandardEncryption`` for owner-only protection). ``image_only`` draws a grey raster
    instead of any text (a "scan").
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(buffer := io.BytesIO(), pagesize=A4, encrypt=encrypt, invariant=1)
    writer = _PdfWriter(pdf, A4, header=header, page_numbers=page_numbers)
    if image_only:
        for _ in pages or [[]]:
            _draw_scan(pdf, *A4)
            pdf.showPage()
    elif pages is not None:
        for number, items in enumerate(pages, start=1):
            for item in items:
                writer.item(item)
            if table and number == table_page:
                writer.table(table)
            writer.end_page()
    else:
        for item in paragraphs or []:
            writer.item(item)
        if table:
            writer.table(table)
        writer.end_page()
    pdf.save()
    return _write(buffer.getvalue(), path)


class _PdfWriter:
    """Draws items top to bottom, starting a new page (with header and page number) when the page is full."""

    MARGIN, BODY_SIZE = 72, 12

    def __init__(self, pdf, pagesize, *, header: str | None, page_numbers: bool) -> None:
        self.pdf, (self.width, self.height) = pdf, pagesize
        self.header, self.page_numbers = header, page_numbers
        self.font, self.number = _cid_font(), 1
        self.y = self.height - self.MARGIN

    def item(self, item) -> None:
        text, size, is_heading = _item_size(item, self.BODY_SIZE)
        self.pdf.setFont(self.font, size)
        for line in _wrap(text, size, self.width - 2 * self.MARGIN, indent=not is_heading):
            if self.y - size * 1.5 < self.MARGIN:
                self.end_page()
                self.pdf.setFont(self.font, size)
            self.y -= size * 1.5
            self.pdf.drawString(self.MARGIN, self.y, line)
        self.y -= size * 0.5

    def table(self, rows: list[list[str]]) -> None:
        if self.y - 22 * len(rows) - 10 < self.MARGIN:
            self.end_page()
        _draw_table(self.pdf, rows, self.font, self.MARGIN, self.y - 10, self.width - 2 * self.MARGIN)
        self.y -= 22 * len(rows) + 20

    def end_page(self) -> None:
        self.pdf.setFont(self.font, 9)
        if self.header:
            self.pdf.drawCentredString(self.width / 2, self.height - 40, self.header)
        if self.page_numbers:
            self.pdf.drawCentredString(self.width / 2, 36, f"- {self.number} -")
        self.pdf.showPage()
        self.number += 1
        self.y = self.height - self.MARGIN


def _item_size(item, body_size: int) -> tuple[str, int, bool]:
    if isinstance(item, tuple):
        text, level = item
        return text, {1: 18, 2: 15}.get(level, 13), True
    return item, body_size, False


def _wrap(text: str, size: int, width: float, *, indent: bool) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], "\u3000\u3000" if indent else ""
    for char in text:
        if stringWidth(line + char, "STSong-Light", size) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines


def _draw_table(pdf, rows: list[list[str]], font: str, left: float, top: float, width: float) -> None:
    columns = max(len(row) for row in rows)
    cell_w, cell_h = width / columns, 22
    pdf.setFont(font, 10)
    for r, row in enumerate(rows):
        y = top - (r + 1) * cell_h
        for c in range(columns):
            x = left + c * cell_w
            pdf.rect(x, y, cell_w, cell_h)
            if c < len(row):
                pdf.drawString(x + 4, y + 7, row[c])


def _draw_scan(pdf, width: float, height: float) -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (200, 280), color=235)
    for x in range(20, 180, 3):  # faint "lines of text" so the page is not blank
        for y in range(30, 260, 12):
            image.putpixel((x, y), 40)
    pdf.drawImage(ImageReader(image), 0, 0, width, height)


# ---- text ---------------------------------------------------------------------------------------------------------


def make_text(text: str, encoding: str = "utf-8", path: str | Path | None = None) -> bytes:
    """``text`` encoded as ``encoding`` (``"utf-16"`` writes a BOM, ``"utf-16-le"`` does not; likewise utf-8-sig)."""
    return _write(text.encode(encoding), path)
