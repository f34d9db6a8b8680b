"""Headings, levels, title and sections: turning a list of blocks into a ``Document``.

Every parser (text, DOCX, PDF) produces *draft* blocks: ``Block`` objects in reading order whose ``start``/``end`` are
not yet known (left at 0). :func:`assemble` normalises nothing; it decides which paragraphs are headings, finds the
title, joins the block texts with one ``\\n`` into ``Document.text``, fills in the offsets and builds the sections.

Heading levels come from, in order of trust:

1. the parser: DOCX heading styles (``Heading 2`` / ``标题 2`` → 2) and Markdown ``#`` marks arrive as ``kind="heading"``
   with their level already set;
2. Chinese official-document numbering at the start of a short line (GB/T 9704 habit)::

       一、 第一部分 第一章        level 1
       （一） (一) 第一节          level 2
       1.  1、 1． 第一，          level 3
       （1） (1) ①                 level 4

3. typography, for PDFs: a short un-numbered line set in a larger font (``style="large"``) is level 1, a bold one
   (``style="bold"``) level 2;
4. only in a document where none of the above found a heading: short label lines without punctuation followed by a
   real paragraph ("案例概述" then prose) are level 1, as in write-ups that mark sections by line breaks alone.

Levels are absolute (一、 is always 1), not ranks within the document, so a document that jumps from 一、 straight to
1. gets sections of levels 1 and 3; nesting still works because a section's parent is the nearest earlier section
with a smaller level. A numbered line is a heading only if it is short and reads like a title (no sentence inside):
"（一）加强组织领导。全市各部门要……" stays a paragraph, because splitting a run-in heading off its paragraph would
move offsets away from what the applicant wrote.
"""

from __future__ import annotations

import re

from .model import Block, Document, Section

MAX_HEADING_CHARS = 40  # longer numbered lines are paragraphs that start with a list marker
MAX_TITLE_CHARS = 60
MAX_BARE_HEADING_CHARS = 15  # an un-numbered heading ("案例概述") is a short label

_CN_NUM = "一二三四五六七八九十百零〇"
_NUMBERING: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^[{_CN_NUM}]+\s*[、.．]")),
    (1, re.compile(rf"^第[{_CN_NUM}\d]+\s*(?:部分|章|篇)")),
    (2, re.compile(rf"^[（(]\s*[{_CN_NUM}]+\s*[）)]")),
    (2, re.compile(rf"^第[{_CN_NUM}\d]+\s*节")),
    (3, re.compile(r"^\d{1,2}\s*(?:[、．]|\.(?!\d))")),
    (3, re.compile(rf"^第[{_CN_NUM}]+\s*[，,、]")),
    (4, re.compile(r"^[（(]\s*\d{1,2}\s*[）)]")),
    (4, re.compile(r"^[\u2460-\u2473]")),  # ① … ⑳
]
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_ANY_PUNCTUATION = re.compile(r"[，。、；：！？,.;:!?“”\"'（）()《》…—]")
_TOC_ENTRY = re.compile(r"(?:[.．·…]{3,}|\t)\s*\d+\s*$")  # "一、总体情况……3": a table of contents line
_TOC_STYLE = re.compile(r"^(?:toc|目录)\s*\d", re.IGNORECASE)
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_TYPOGRAPHY_LEVELS = {"large": 1, "bold": 2}


def numbering_level(line: str) -> int:
    """The level implied by a Chinese numbering marker at the start of ``line``, or 0 when there is none (or when the
    marker stands alone, as "1." on its own line before the item's text)."""
    stripped = line.strip()
    for level, pattern in _NUMBERING:
        match = pattern.match(stripped)
        if match:
            return level if stripped[match.end() :].strip() else 0
    return 0


def style_level(style: str | None) -> int:
    """The heading level of a DOCX style name (``Heading 2``, ``标题 2``), else 0."""
    match = _HEADING_STYLE.match(style.strip()) if style else None
    return int(match.group(1)) if match else 0


def reads_like_heading(line: str) -> bool:
    """Short, without a sentence inside (a trailing 。 or ： is allowed: "一、总体情况。", "1.建设内容："), and not a
    table-of-contents entry ("一、总体情况……3")."""
    text = line.strip()
    if not text or len(text) > MAX_HEADING_CHARS or _TOC_ENTRY.search(text):
        return False
    return not _SENTENCE_END.search(text[:-1])


def heading_level(line: str, *, style: str | None = None) -> int:
    """The heading level of one paragraph (1 = top), or 0 when it is body text.

    ``style`` is the DOCX style name or the PDF typography mark (``"large"``/``"bold"``). A heading style wins; then
    numbering on a heading-like line; then typography on a heading-like line. Table-of-contents styles (``toc 1``,
    ``目录 1``) never make headings, or every heading would appear twice.
    """
    if style and _TOC_STYLE.match(style):
        return 0
    by_style = style_level(style)
    if by_style:
        return by_style
    if not reads_like_heading(line):
        return 0
    return numbering_level(line) or _TYPOGRAPHY_LEVELS.get(style or "", 0)


def looks_like_title(block: Block) -> bool:
    """A first line that names the document: short, un-numbered, not a sentence, or styled as a title."""
    if block.kind == "table":
        return False
    if block.style and block.style.lower() in {"title", "标题"}:
        return True
    text = block.text.strip()
    return (
        0 < len(text) <= MAX_TITLE_CHARS
        and not numbering_level(text)
        and not _SENTENCE_END.search(text)
        and not text.endswith(("，", "：", ":", ","))
    )


def assemble(
    drafts: list[Block],
    *,
    format: str,
    filename: str = "",
    detect_title: bool = True,
    **meta,
) -> Document:
    """Build a ``Document`` from draft blocks (reading order, offsets unknown).

    Empty blocks are dropped. Paragraphs become headings when :func:`heading_level` says so. When ``detect_title``
    is set, the first block becomes ``Document.title`` if it looks like one and other blocks follow; it stays a
    paragraph (``style="title"`` unless the parser gave a style) so the title is not a section of its own. ``meta``
    passes the remaining ``Document`` fields through (``pages``, ``sha256``, ``notes``, ``encoding``, ``form``).
    """
    blocks = [b for b in drafts if b.text.strip()]
    title = meta.pop("title", None)
    if (
        detect_title
        and title is None
        and len(blocks) > 1
        and blocks[0].kind != "heading"
        and looks_like_title(blocks[0])
    ):
        title = blocks[0].text.strip()
        blocks[0].style = blocks[0].style or "title"
        first_body = 1
    else:
        first_body = 0
    for block in blocks[first_body:]:
        if block.kind == "paragraph":
            level = heading_level(block.text, style=block.style)
            if level:
                block.kind, block.level = "heading", level
    if not any(block.kind == "heading" for block in blocks):
        _mark_bare_headings(blocks[first_body:])
    _set_offsets(blocks)
    text = "\n".join(b.text for b in blocks)
    return Document(
        text=text,
        blocks=blocks,
        sections=build_sections(blocks),
        format=format,
        filename=filename,
        title=title,
        **meta,
    )


def _mark_bare_headings(blocks: list[Block]) -> None:
    """In a document with no numbered or styled heading at all, short label lines followed by a real paragraph
    ("案例概述", "主要做法") are its headings, level 1. Only then: where a document numbers its headings, an
    un-numbered short line is more likely a caption or a label than a section."""
    for block, following in zip(blocks, blocks[1:]):
        if block.kind == "paragraph" and following.kind == "paragraph" and _is_bare_heading(block.text, following.text):
            block.kind, block.level = "heading", 1


def _is_bare_heading(line: str, following: str) -> bool:
    text = line.strip()
    return (
        0 < len(text) <= MAX_BARE_HEADING_CHARS
        and bool(_HAN.search(text))
        and not _ANY_PUNCTUATION.search(text)
        and len(following) > 2 * len(text)
        and bool(_SENTENCE_END.search(following))
    )


def _set_offsets(blocks: list[Block]) -> None:
    position = 0
    for block in blocks:
        block.start = position
        block.end = position + len(block.text)
        position = block.end + 1  # the joining "\n"


def build_sections(blocks: list[Block]) -> list[Section]:
    """One section per heading, plus a leading untitled one when text precedes the first heading.

    A section ends where the next heading of the same or a higher rank (smaller level) begins, so its ``end`` covers
    its subsections; its ``blocks`` are its own blocks only.
    """
    sections: list[Section] = []
    open_stack: list[int] = []  # indices of sections that may still receive subsections, outermost first
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            while open_stack and _closes(sections[open_stack[-1]], block.level):
                open_stack.pop()
            parent = open_stack[-1] if open_stack else None
            body_start = block.end
            sections.append(Section(block.text, block.level, block.start, block.end, body_start, [index], parent))
            open_stack.append(len(sections) - 1)
        else:
            if not sections:
                sections.append(Section(None, 0, block.start, block.end, block.start, [], None))
                open_stack.append(0)
            sections[open_stack[-1]].blocks.append(index)
        for open_index in open_stack:  # the block lies inside every open section
            sections[open_index].end = block.end
    for section in sections:
        if section.heading is not None and section.end > section.start + len(section.heading):
            section.body_start = section.start + len(section.heading) + 1  # skip the "\n" after the heading
    return sections


def _closes(section: Section, heading_level: int) -> bool:
    """A new heading closes the untitled leading section and every open section of the same or a lower rank."""
    return section.heading is None or section.level >= heading_level


def section_at(doc: Document, offset: int) -> Section | None:
    """The innermost section containing ``offset`` (for labelling evidence with its heading)."""
    best = None
    for section in doc.sections:
        if section.start <= offset <= section.end and (best is None or section.level >= best.level):
            best = section
    return best
