"""The ``Document``: what every check reads, whatever file it came from.

A Document is a normalised text plus the structure found in it. All offsets (``start``, ``end``) index into
``Document.text`` so evidence can be highlighted exactly; blocks are joined by one ``\\n`` in reading order.

- ``blocks``: headings, paragraphs and tables in reading order. A table block's ``text`` is its cells joined by
  ``\\t`` within a row and ``\\n`` between rows; its cells are also kept in ``rows``. Table text appears once in
  ``text`` (never again as loose lines).
- ``sections``: one per heading (plus a leading untitled section for text before the first heading), nested by level.
- ``form``: the fields of an application form (申报表) when the file is one; each long field (案例简介, 申报材料) can be
  screened as its own material (``screening.documents.field_document(doc, name)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "table"]


@dataclass(slots=True)
class Block:
    kind: BlockKind
    text: str
    start: int
    end: int
    level: int = 0  # heading level, 1 = top (一、); 0 for paragraphs and tables
    page: int | None = None  # 1-based page for PDFs
    rows: list[list[str]] | None = None  # table cells, tables only
    style: str | None = None  # DOCX style name or "bold"/"large" for PDF, when known


@dataclass(slots=True)
class Section:
    heading: str | None  # None for the text before the first heading
    level: int
    start: int  # offset of the heading (or of the first block)
    end: int  # offset just past the section's last block, including subsections
    body_start: int  # offset just past the heading line
    blocks: list[int] = field(default_factory=list)  # indices into Document.blocks, own blocks only (no subsections)
    parent: int | None = None  # index into Document.sections

    def text(self, doc: Document) -> str:
        return doc.text[self.start : self.end]


@dataclass(slots=True)
class FormField:
    name: str  # canonical name, e.g. 案例名称, 征集类别, 案例简介, 申报材料
    value: str
    start: int = -1  # offsets into Document.text when the value appears there, else -1
    end: int = -1


@dataclass(slots=True)
class ScanInfo:
    """What the scan phase of a PDF did: pages read by OCR (with confidence) and red seals found."""

    ocr_pages: list[dict] = field(default_factory=list)  # {"page": 2, "confidence": 88.5, "chars": 512}
    ocr_engine: str | None = None
    seal_pages: list[int] = field(default_factory=list)  # pages rendered and searched for a seal
    seals: list[dict] = field(default_factory=list)  # {"page": 3, "bbox": [x0, top, x1, bottom], "rim_coverage": 1.0}

    @property
    def ocr_used(self) -> bool:
        return bool(self.ocr_pages)


@dataclass(slots=True)
class Document:
    text: str
    blocks: list[Block]
    sections: list[Section]
    format: str  # "pdf" | "docx" | "txt" | "md"
    filename: str = ""
    sha256: str = ""
    pages: int | None = None
    title: str | None = None
    form: dict[str, FormField] = field(default_factory=dict)
    notes: list[str] = field(
        default_factory=list
    )  # Chinese notes on what normalisation did (e.g. removed page footers)
    encoding: str | None = None  # detected encoding for text files
    scan: ScanInfo | None = None  # PDFs only: which pages were OCR'd, seals found (``pdf_scan``)

    @property
    def is_form(self) -> bool:
        return bool(self.form)

    def field_value(self, name: str) -> str | None:
        f = self.form.get(name)
        return f.value if f else None
