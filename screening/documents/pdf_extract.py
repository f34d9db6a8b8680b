"""PDF extraction under limits: pdfminer.six (through pdfplumber) fenced in by page, time, decompression and memory
bounds.

pdfminer is pure Python and trusts the file: it inflates every FlateDecode stream with an unbounded
``zlib.decompress`` (a few KB of nested FlateDecode become gigabytes) and it can loop for a very long time on a
crafted content stream. Three fences, from cheap to blunt:

1. **Bounded inflation.** ``pdfminer.pdftypes`` looks ``zlib`` up as a module attribute, so we give it
   :class:`BoundedZlib`: same functions, but every stream (each stage of a filter chain) stops at
   ``Limits.max_stream_bytes`` and all streams of one file together at ``Limits.max_decoded_bytes`` →
   ``ArchiveBomb``. Installed once, when this module is imported; the bound is per thread, so parallel requests
   do not share a budget. The same goes for CID font width tables (``/W``, ``/W2``): a range such as
   ``0 999999999 500`` makes pdfminer fill a dict entry per code (found by fuzzing: 3.9 GB from a 2.6 KB file), so
   ranges are clipped to the CID space and to a total per table (:func:`bounded_widths` replaces pdfminer's).
2. **Page limit, deadline and reference cycles.** The page count (``/Pages /Count``, then the real tree) is checked before any page is
   parsed (``TooManyPages``), and the clock after every page (``ParseTimeout``): a hostile file stops at the first
   page boundary past the budget instead of running for hours. An object that refers to itself (``2 0 obj 2 0 R``,
   found by fuzzing) would spin pdfminer's ``resolve1`` inside one call, where no deadline reaches:
   :func:`getobj_without_cycles` refuses such chains as a damaged file.
3. **Isolation** (``Limits.isolate_pdf``, on by default): the extraction runs in a child process with a memory cap
   and a hard deadline; see ``screening.documents.pdf_worker``.

Characters are read straight from pdfminer's page layout and grouped into lines here; pdfplumber is used to open the
file and, on pages with ruling lines, to find tables. What comes back is plain data (:class:`PdfPage` lines with
geometry and font size, tables with their cells) for ``screening.documents.pdf`` to lay out into blocks; nothing
here decides what a paragraph is.
"""

from __future__ import annotations

import functools
import io
import logging
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import median

import pdfminer.pdffont
import pdfminer.pdftypes
import pdfplumber  # imported here, not lazily, so the worker server has it loaded and a forked child starts warm
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTLine, LTRect
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError
from pdfminer.pdfexceptions import PDFNotImplementedError
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.pdftypes import PDFObjRef, resolve1
from pdfminer.utils import choplist
from pdfplumber.utils.exceptions import PdfminerException

from ..errors import (
    ArchiveBomb,
    CorruptDocument,
    EmptyFile,
    EncryptedDocument,
    InternalError,
    ParseTimeout,
    ScannedDocument,
    ScreeningError,
    TooManyPages,
)
from .guard import Limits, is_parser_failure
from .pdf_scan import scan_pages

log = logging.getLogger(__name__)

MIN_RULES_FOR_TABLE = 4  # a ruled table needs at least this many lines or rectangles; fewer is decoration


@dataclass(slots=True)
class PdfLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # median font size of the line's characters
    bold: bool


@dataclass(slots=True)
class PdfTable:
    top: float
    bottom: float
    rows: list[list[str]]  # pdfplumber's cells; None (merged) becomes ""; wrapped lines keep their "\n"


@dataclass(slots=True)
class PdfPage:
    number: int  # 1-based
    width: float
    height: float
    lines: list[PdfLine] = field(default_factory=list)
    tables: list[PdfTable] = field(default_factory=list)
    chars: int = 0
    images: int = 0
    ocr_confidence: float | None = None  # 0–100 when the page was read by OCR (``pdf_scan``), else None
    seals: list[dict] = field(default_factory=list)  # red seals found on the rendered page (``seal.SealMark``)
    seal_checked: bool = False  # the page was rendered and searched for a seal


@dataclass(slots=True)
class PdfExtract:
    pages: list[PdfPage]
    encrypted: bool = False  # opened with the empty password (permissions only)
    notes: list[str] = field(default_factory=list)  # Chinese notes from the scan phase


# ---- fence 1: bounded inflation -----------------------------------------------------------------------------------

_budget = threading.local()  # .per_stream, .remaining for the parse running on this thread


def _per_stream() -> int:
    return getattr(_budget, "per_stream", Limits.max_stream_bytes)


def _charge(size: int) -> None:
    remaining = getattr(_budget, "remaining", None)
    if remaining is None:
        return
    _budget.remaining = remaining - size
    if _budget.remaining < 0:
        raise ArchiveBomb(detail={"reason": "decoded streams exceed the per-file budget"})


def _stream_too_large() -> ArchiveBomb:
    return ArchiveBomb(detail={"reason": "a compressed stream inflates beyond the limit", "limit": _per_stream()})


class BoundedZlib:
    """The ``zlib`` module as ``pdfminer.pdftypes`` sees it: ``decompress`` and ``decompressobj`` with a size cap."""

    error = zlib.error

    def decompress(self, data: bytes, *args, **kwargs) -> bytes:
        inflater = zlib.decompressobj()
        out = inflater.decompress(data, _per_stream() + 1)
        if len(out) > _per_stream():
            raise _stream_too_large()
        if not inflater.eof:  # as zlib.decompress does; pdfminer then retries byte by byte (bounded below)
            raise zlib.error("incomplete or truncated stream")
        _charge(len(out))
        return out

    def decompressobj(self, *args, **kwargs) -> _BoundedInflater:
        return _BoundedInflater(zlib.decompressobj(*args, **kwargs))

    def __getattr__(self, name: str):
        return getattr(zlib, name)


class _BoundedInflater:
    def __init__(self, inflater) -> None:
        self._inflater, self._produced = inflater, 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self._inflater.decompress(data, max_length or _per_stream() + 1 - self._produced)
        self._produced += len(out)
        if self._produced > _per_stream():
            raise _stream_too_large()
        _charge(len(out))
        return out

    def __getattr__(self, name: str):
        return getattr(self._inflater, name)


pdfminer.pdftypes.zlib = BoundedZlib()


CID_LAST = 65535  # CIDs are 16-bit (PDF 32000-1, 9.7.6.3): no width table can name a code above this
MAX_WIDTH_ENTRIES = 4 * (CID_LAST + 1)  # per table; a real font's /W lists each CID at most once


def bounded_widths(seq, *, group: int = 3) -> dict:
    """pdfminer's ``get_widths`` (``group=3``, /W) and ``get_widths2`` (``group=5``, /W2), same reading, bounded.

    The array mixes ``first [w …]`` and ``first last w`` (/W2: ``first last w vx vy``). pdfminer fills one entry per
    code of a ``first last`` range, so ``0 999999999 500`` allocates gigabytes. Here each range is clipped to
    0…``CID_LAST`` and all ranges of one table stop at ``MAX_WIDTH_ENTRIES`` codes. Everything else follows
    pdfminer, including its quirks (a stray token does not reset the pending numbers), so real fonts read the same.
    """
    widths: dict = {}
    pending: list = []
    budget = MAX_WIDTH_ENTRIES
    for value in seq:
        value = resolve1(value)
        if isinstance(value, list):
            if pending:
                entries = value if group == 3 else [(w, (vx, vy)) for w, vx, vy in choplist(3, value)]
                for i, entry in enumerate(entries):
                    widths[pending[-1] + i] = entry
                pending = []
        elif isinstance(value, (int, float)):
            pending.append(value)
            if len(pending) == group:
                first, last, *rest = pending
                if isinstance(first, int) and isinstance(last, int):
                    first, last = max(first, 0), min(last, CID_LAST, max(first, 0) + budget - 1)
                    budget -= max(0, last - first + 1)
                    entry = rest[0] if group == 3 else (rest[0], (rest[1], rest[2]))
                    widths.update(dict.fromkeys(range(first, last + 1), entry))
                pending = []
    return widths


pdfminer.pdffont.get_widths = bounded_widths
pdfminer.pdffont.get_widths2 = functools.partial(bounded_widths, group=5)


MAX_REFERENCE_HOPS = 32  # a real file resolves in one or two; only a crafted one needs more
_pdfminer_getobj = PDFDocument.getobj


def getobj_without_cycles(doc: PDFDocument, objid: int) -> object:
    """``PDFDocument.getobj`` that follows reference chains itself, with a bound, and refuses a cycle.

    pdfminer's ``resolve1`` loops ``while isinstance(x, PDFObjRef)``; when an object is a reference to itself (or a
    ring of them) that loop never ends. ``PDFObjRef.resolve`` calls ``doc.getobj``, so replacing the method guards
    every resolution: what it returns is never a reference, and a ring raises ``PDFSyntaxError`` (a damaged file)
    instead. It replaces the class's method rather than one document's because ``PDFDocument.__init__`` already
    resolves the trailer's ``/Root`` (a fuzz-found file loops right there, before any instance could be fenced).
    """
    obj, seen = _pdfminer_getobj(doc, objid), [objid]
    while isinstance(obj, PDFObjRef):
        if obj.objid in seen or len(seen) > MAX_REFERENCE_HOPS:
            raise PDFSyntaxError(f"reference cycle through objects {seen}")
        seen.append(obj.objid)
        obj = _pdfminer_getobj(doc, obj.objid)
    return obj


PDFDocument.getobj = getobj_without_cycles


# ---- fence 2: extraction with page limit and deadline -------------------------------------------------------------


def extract(data: bytes, limits: Limits, *, on_scan_start: Callable[[int, float], None] | None = None) -> PdfExtract:
    """Text lines and tables of every page, then the scan phase (OCR of pages without a text layer, seal search;
    ``pdf_scan``, its own budget), in this process (fences 1 and 2 only). ``on_scan_start(n, seconds)`` is called
    when the scan phase begins, with the number of pages to OCR and the phase's budget."""
    extracted = extract_text(data, limits)
    extracted.notes = scan_pages(data, extracted.pages, limits, on_start=on_scan_start)
    _check_has_text(extracted.pages)
    return extracted


def extract_text(data: bytes, limits: Limits) -> PdfExtract:
    """Text lines and tables of every page from the text layer only, under the parse deadline."""
    deadline = time.monotonic() + limits.parse_seconds
    _budget.per_stream, _budget.remaining = limits.max_stream_bytes, limits.max_decoded_bytes
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            encrypted = bool(pdf.doc.encryption)
            _check_page_count(_declared_page_count(pdf), limits)
            pages = pdf.pages
            _check_page_count(len(pages), limits)
            extracted = []
            for page in pages:
                if time.monotonic() > deadline:
                    raise _timeout(page.page_number - 1, len(pages), limits)
                extracted.append(_extract_page(page))
                page.close()
    except ScreeningError:
        raise
    except PdfminerException as error:
        raise translate_error(
            error.args[0] if error.args and isinstance(error.args[0], BaseException) else error
        ) from error
    except Exception as error:  # MemoryError, RecursionError, and pdfminer's own bugs on malformed input
        raise translate_error(error) from error
    finally:
        _budget.remaining = None
    return PdfExtract(extracted, encrypted)


def translate_error(error: BaseException) -> ScreeningError:
    """pdfminer's exceptions (and the bugs malformed input triggers in it) as our error classes; an exception from
    our own code (``guard.is_parser_failure`` says which) is a bug: logged here with its traceback, where it
    happened (this may be the isolated worker, whose exceptions cannot travel as themselves), and answered as
    ``InternalError``, never blamed on the file."""
    if isinstance(error, ScreeningError):
        return error
    if isinstance(error, PDFEncryptionError) or (isinstance(error, PDFNotImplementedError) and "Crypt" in str(error)):
        return EncryptedDocument(detail={"reason": type(error).__name__})
    if isinstance(error, MemoryError):
        return ArchiveBomb(
            "文件解析所需内存超出限制（疑似压缩炸弹或结构异常），已拒绝处理。请用 Word 重新导出 PDF 后再提交。"
        )
    if not is_parser_failure(error):
        log.error("PDF 解析中的程序错误（不是文件的问题）", exc_info=error)
        return InternalError()
    return CorruptDocument(detail={"reason": f"{type(error).__name__}: {str(error)[:200]}"})


def _declared_page_count(pdf) -> int:
    try:
        return int(resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"]))
    except Exception:  # a missing or odd /Count: fall back to walking the tree
        return 0


def _check_page_count(count: int, limits: Limits) -> None:
    if count > limits.max_pages:
        raise TooManyPages(
            f"文件共 {count} 页，超过 {limits.max_pages} 页的处理上限。申报材料通常不超过几十页，请只提交正文部分。",
            detail={"pages": count, "limit": limits.max_pages},
        )


def _timeout(done: int, total: int, limits: Limits) -> ParseTimeout:
    return ParseTimeout(
        f"文件解析超时（{limits.parse_seconds:g} 秒内只读完 {done}/{total} 页），文件结构可能异常。"
        "请用 Word 或 WPS 重新导出 PDF 后再提交。",
        detail={"pages_done": done, "pages": total, "seconds": limits.parse_seconds},
    )


def _extract_page(page) -> PdfPage:
    """One page: characters straight from pdfminer's layout (pdfplumber's per-object bookkeeping doubled the time),
    grouped into lines; pdfplumber's table finder only on pages that have ruling lines to find tables with."""
    chars, rules, images = _walk(page.layout, page)
    result = PdfPage(page.page_number, float(page.width), float(page.height), chars=len(chars), images=images)
    tables = page.find_tables() if rules >= MIN_RULES_FOR_TABLE else []
    for table in tables:
        x0, top, x1, bottom = table.bbox
        chars = [c for c in chars if not (x0 <= c.x_mid <= x1 and top <= c.y_mid <= bottom)]
        rows = [[cell or "" for cell in row] for row in table.extract()]
        result.tables.append(PdfTable(float(top), float(bottom), rows))
    result.lines = _lines(chars)
    return result


@dataclass(slots=True)
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool

    @property
    def x_mid(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def y_mid(self) -> float:
        return (self.top + self.bottom) / 2


def _walk(layout, page) -> tuple[list[_Char], int, int]:
    """Characters (in pdfplumber's top-down coordinates), the number of ruling lines/rectangles, and of images."""
    chars, rules, images = [], 0, 0
    mb_x0, mb_top = page.mediabox[:2]
    stack = list(layout)
    while stack:
        item = stack.pop()
        if isinstance(item, LTChar):
            text = item.get_text()
            chars.append(
                _Char(
                    text,
                    item.x0 + mb_x0,
                    item.x1 + mb_x0,
                    page.height - item.y1 + mb_top,
                    page.height - item.y0 + mb_top,
                    float(item.size),
                    "bold" in item.fontname.lower(),
                )
            )
        elif isinstance(item, (LTRect, LTLine, LTCurve)):
            rules += 1
        elif isinstance(item, LTImage):
            images += 1
        elif isinstance(item, LTContainer):
            stack.extend(item)
    return chars, rules, images


def _lines(chars: list[_Char]) -> list[PdfLine]:
    """Group characters into visual lines: same baseline band (vertical centres within half a font size), read left
    to right; a gap wider than a fifth of the font size between two glyphs becomes a space."""
    lines: list[list[_Char]] = []
    for char in sorted(chars, key=lambda c: (round(c.top), c.x0)):
        if lines and abs(lines[-1][0].y_mid - char.y_mid) <= lines[-1][0].size / 2:
            lines[-1].append(char)
        else:
            lines.append([char])
    result = []
    for members in lines:
        members.sort(key=lambda c: c.x0)
        text = members[0].text
        for left, right in zip(members, members[1:]):
            if right.x0 - left.x1 > right.size / 5 and not left.text.isspace() and not right.text.isspace():
                text += " "
            text += right.text
        visible = [c for c in members if not c.text.isspace()]
        if not visible or not text.strip():
            continue
        bold = sum(c.bold for c in visible) * 2 > len(visible)
        result.append(
            PdfLine(
                text.strip(),
                min(c.x0 for c in visible),
                max(c.x1 for c in visible),
                min(c.top for c in visible),
                max(c.bottom for c in visible),
                median(c.size for c in visible),
                bold,
            )
        )
    return result


def _check_has_text(pages: list[PdfPage]) -> None:
    """Nothing readable at all (no text layer, and OCR read nothing): a scan when there are images, else empty."""
    if any(page.chars for page in pages):
        return
    if any(page.images for page in pages):
        raise ScannedDocument(
            "这是扫描件或图片版 PDF，文字识别也没有读出可用的文字（可能是图片太模糊、分辨率太低或页面是空白的）。"
            "请重新清晰扫描（建议 200–300 dpi），或提交由 Word 导出的 PDF 或 .docx 原文件。",
            detail={"pages": len(pages), "ocr": "nothing_read"},
        )
    raise EmptyFile("PDF 中没有可读的文字（可能是空白页），请检查后重新提交。")
