"""The document part of a report (``screening.report.DocumentInfo``): what was read, and how much of it."""

from __future__ import annotations

from ..report import DocumentInfo
from ..wordcount import count
from .model import Document


def document_info(doc: Document) -> DocumentInfo:
    """Format, pages, title, unit and category (from a 申报表), the four counts of ``doc.text``, sections, form
    fields and intake notes. Counts cover the whole text, tables included; for one form field use
    ``field_document`` first."""
    return DocumentInfo(
        filename=doc.filename,
        format=doc.format,
        sha256=doc.sha256,
        pages=doc.pages,
        title=doc.title,
        unit=doc.field_value("申报单位") or None,
        category=doc.field_value("征集类别") or None,
        counts=count(doc.text),
        sections=[
            {"heading": s.heading, "level": s.level, "start": s.start, "end": s.end, "counts": count(s.text(doc))}
            for s in doc.sections
        ],
        form={name: f.value for name, f in doc.form.items()},
        notes=list(doc.notes),
    )
