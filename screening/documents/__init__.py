"""Document intake: any accepted file becomes one ``Document`` (see ``model.py``), or a clear refusal.

Public entry points::

    load_document(source: Path | bytes, *, filename: str, limits: Limits | None = None) -> Document
    from_text(text: str, *, filename: str = "", format: str = "txt") -> Document
    field_document(doc: Document, name: str) -> Document        # one 申报表 field as its own material
    document_info(doc: Document) -> screening.report.DocumentInfo

Modules, one idea each: ``intake`` (the pipeline, start here), ``guard`` (limits and refusals before parsing),
``text`` / ``docx`` / ``pdf`` (formats to draft blocks; a PDF is extracted by ``pdf_extract`` under bounds, in a
throw-away process from ``pdf_worker``; pages without a text layer are rendered and read by ``ocr`` in the scan
phase, ``pdf_scan``, which also looks for red official seals with ``seal``), ``legacy`` (.doc/.wps through
LibreOffice, bounded), ``normalize``, ``structure`` (headings, title, offsets, sections), ``forms`` (申报表), ``info``
(the report's document part). 字数 conventions live in ``screening.wordcount``.
"""

from .forms import field_document
from .guard import Limits
from .info import document_info
from .intake import from_text, load_document
from .model import Block, Document, FormField, Section

__all__ = [
    "Block",
    "Document",
    "FormField",
    "Limits",
    "Section",
    "document_info",
    "field_document",
    "from_text",
    "load_document",
]
