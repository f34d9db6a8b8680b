"""The headed parts of a material, as the element matcher reads them.

Two outlines: the document's sections (from intake: DOCX heading styles, Chinese numbering), and an implicit one
from short bare lines. Many materials — and every case write-up we have — head their parts with lines such as
"案例背景" that intake cannot tell from a short paragraph, while their numbered list items ("1、云原生技术") become
sections. A line of at most 25 characters without sentence punctuation, with two Han characters in a row and
followed by text, is read as a heading in the implicit outline. The element matcher keeps whichever outline names
more of the call's elements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..documents.model import Document


@dataclass(frozen=True)
class Part:
    """A headed part of the material: a real section, or a short un-numbered line standing as a heading."""

    heading: str
    level: int
    start: int
    body_start: int
    end: int
    parent: int | None


_SENTENCE_PUNCT = re.compile(r"[。！？；，,;!?：:]")
IMPLICIT_HEADING_CHARS = 25
_TWO_HAN = re.compile(r"[\u4e00-\u9fff]{2}")


def section_outline(doc: Document) -> list[Part]:
    parts = []
    index_of = {}
    for index, section in enumerate(doc.sections):
        if section.heading is None or is_title(doc, index):
            continue
        index_of[index] = len(parts)
        parent = index_of.get(section.parent) if section.parent is not None else None
        parts.append(Part(section.heading, section.level, section.start, section.body_start, section.end, parent))
    return parts


def implicit_outline(doc: Document) -> list[Part]:
    blocks = [b for b in doc.blocks if b.text.strip()]
    heads = [
        i
        for i, b in enumerate(blocks[:-1])
        if b.kind == "paragraph"
        and _reads_as_heading(b.text)
        and not (doc.title and b.text.strip() == doc.title)
        and not _reads_as_heading(blocks[i + 1].text)
    ]
    parts = []
    for n, i in enumerate(heads):
        end = blocks[heads[n + 1]].start - 1 if n + 1 < len(heads) else len(doc.text)
        parts.append(Part(blocks[i].text.strip(), 1, blocks[i].start, blocks[i].end, max(end, blocks[i].end), None))
    return parts


def _reads_as_heading(text: str) -> bool:
    """Short, no sentence punctuation, and words rather than a fragment of a wrapped line ("and", "2021")."""
    stripped = text.strip()
    return (
        2 <= len(stripped) <= IMPLICIT_HEADING_CHARS
        and not _SENTENCE_PUNCT.search(stripped)
        and _TWO_HAN.search(stripped) is not None
        and stripped[-1] not in "、（(《“"
    )


def is_title(doc: Document, index: int) -> bool:
    section = doc.sections[index]
    return index == 0 and doc.title is not None and section.heading == doc.title
