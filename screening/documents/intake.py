"""The two ways in: :func:`load_document` for a file, :func:`from_text` for text already in memory.

``load_document`` is the single entry point for anything a user uploads or names on the command line::

    bytes ─► guard.check_basics (empty, size) ─► guard.file_kind (magic bytes vs extension)
          ─► legacy.convert_to_docx (.doc/.wps, LibreOffice headless, time and memory bounded)
          ─► guard.check_docx ─► docx.docx_blocks          (DOCX)
             pdf.pdf_blocks (isolated, page/time/memory;    (PDF)
                 scanned pages OCR'd, seals found: pdf_scan)
             text.decode ─► text.text_blocks                 (TXT/MD)
          ─► structure.assemble (headings, title, offsets, sections) ─► forms.read_form ─► Document

Every refusal is an ``InputError`` subclass with a Chinese message (``screening.errors``). What a parser library
throws on bad input is reported as ``CorruptDocument`` (``guard.is_parser_failure``); an exception from our own
code is a bug and propagates as itself, so the face logs its traceback and answers an internal error instead of
blaming the user's file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import CorruptDocument, EmptyFile, FileTooLarge, ScreeningError, UsageError
from .forms import read_form
from .guard import MB, Limits, check_basics, check_docx, extension, file_kind, is_parser_failure
from .legacy import conversion_note, convert_to_docx
from .model import Block, Document
from .structure import assemble
from .text import decode, text_blocks


def load_document(source: Path | bytes, *, filename: str, limits: Limits | None = None) -> Document:
    """Read a .docx, .pdf, .txt or .md file (or .doc/.wps via LibreOffice) into a ``Document``, or refuse it.

    ``source`` is a path or the file's bytes; ``filename`` is the name the user gave it (its extension decides
    what the bytes must be). ``limits`` defaults to the operator's settings (``Limits.from_settings()``).
    """
    limits = limits or Limits.from_settings()
    data = _read(source, limits)
    check_basics(data, limits)
    kind = file_kind(data, filename)
    notes: list[str] = []
    if kind == "legacy":
        old = extension(filename).lstrip(".")
        data_to_parse = convert_to_docx(data, kind=old)
        notes.append(conversion_note(old))
        kind = "docx"
    else:
        data_to_parse = data
    try:
        blocks, meta = _parse(data_to_parse, kind, limits)
    except ScreeningError:
        raise
    except Exception as error:
        if not is_parser_failure(error):
            raise  # our bug, not the file's fault (see the module docstring)
        raise CorruptDocument(detail={"reason": f"{type(error).__name__}: {str(error)[:200]}"}) from error
    meta["notes"] = notes + meta.get("notes", [])
    doc = assemble(blocks, format=kind, filename=filename, sha256=hashlib.sha256(data).hexdigest(), **meta)
    if not doc.text.strip():
        raise EmptyFile()
    return _with_form(doc)


def from_text(text: str, *, filename: str = "", format: str = "txt") -> Document:
    """A ``Document`` from text in memory (``format="md"`` reads Markdown headings and tables; forms are read too).

    ``sha256`` is that of the UTF-8 text. No limits apply: the caller already holds the text. Lone surrogates (JSON
    can carry ``"\\ud800"``) cannot be stored or hashed as UTF-8, so they become U+FFFD first.
    """
    text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    blocks = text_blocks(text, markdown=format == "md")
    doc = assemble(blocks, format=format, filename=filename, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())
    return _with_form(doc)


def _read(source: Path | bytes, limits: Limits) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    path = Path(source)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:  # refuse before reading a huge file into memory
            raise FileTooLarge(
                f"文件过大（{size / MB:.1f} MB，上限 {limits.max_bytes / MB:.0f} MB），请压缩图片或删去附图后再提交。",
                detail={"bytes": size, "limit": limits.max_bytes},
            )
        return path.read_bytes()
    except FileNotFoundError as error:
        raise UsageError(f"找不到文件：{path}") from error
    except IsADirectoryError as error:
        raise UsageError(f"这是一个文件夹，不是文件：{path}") from error
    except PermissionError as error:
        raise UsageError(f"没有权限读取文件：{path}") from error


def _parse(data: bytes, kind: str, limits: Limits) -> tuple[list[Block], dict]:
    if kind == "docx":
        check_docx(data, limits)
        return docx_blocks(data), {}
    if kind == "pdf":
        # imported on the first PDF of the process: pdfplumber and the worker cost ~0.1 s that a cold check of a
        # Word or text file need not pay (issue 15)
        from .pdf import pdf_blocks

        blocks, pages, notes, scan = pdf_blocks(data, limits)
        return blocks, {"pages": pages, "notes": notes, "scan": scan}
    decoded = decode(data)
    return text_blocks(decoded.text, markdown=kind == "md"), {
        "encoding": decoded.encoding,
        "notes": list(decoded.notes),
    }


def docx_blocks(data: bytes) -> list[Block]:
    """``docx.docx_blocks``, imported on the first Word file: python-docx costs ~0.07 s of a cold check of a text
    file, which does not need it (issue 15). The PDF reader is imported the same way, in ``_parse``."""
    from .docx import docx_blocks as read

    return read(data)


def _with_form(doc: Document) -> Document:
    """Read the 申报表 fields; a form's case name is a better title than the form's own heading."""
    doc.form = read_form(doc)
    if doc.form:
        doc.notes.append(f"已识别为申报表，读取了 {len(doc.form)} 个栏目：{'、'.join(doc.form)}。")
    case_name = doc.field_value("案例名称")
    if case_name:
        doc.title = case_name
    return doc
