"""The clause structure of a notice: ``一、`` sections and their ``（一）`` / ``1.`` items.

Every value the drafter extracts cites the clause it came from in the style the hand-written rulebooks use:
``二、征集类别（一）`` for an item whose title runs into its text ("（一）政治性。符合…"), and
``五、征集和推选安排（二）征集方式`` for an item that is a heading of its own. Notices number their second level
either ``（一）`` or ``1.``; whichever appears first in a section is that section's second level, and the other is a
third level that clause labels leave out (the numbered element lists under 材料编写体例 are such a level).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import NoticeText

_TOP = re.compile(r"^([一二三四五六七八九十]+)、(.{1,24})$")
_ITEM = re.compile(r"^(?:\(([一二三四五六七八九十]+)\)|(\d{1,2})([、.])(?!\d))\s*")
_TITLE_END = re.compile(r"[。:;]")
_MAX_TITLE = 16
_CLOSING = re.compile(r"^特此通知。?$")
_ATTACHMENT = re.compile(r"^附件\s*(\d{0,2})$")
_RUN_IN_TOP = re.compile(r"^([一二三四五六七八九十]+、[\u4e00-\u9fff]{2,10})[。:]")
_RUN_IN_LABEL = re.compile(r"^([\u4e00-\u9fff]{2,8}):")  # "数量及报送要求：各省…" inside an item


@dataclass(frozen=True, slots=True)
class Heading:
    marker: str  # "一、", "（一）" or "1."
    title: str  # "征集类别", or the run-in title of an item ("政治性"); "" when there is none
    start: int  # normalised offsets of the whole line
    end: int
    body_start: int  # just past the title (and its full stop) for a run-in item, past the line for a heading
    standalone: bool  # the line is only a heading (no running text)


@dataclass(frozen=True, slots=True)
class Section:
    heading: Heading
    start: int
    end: int
    items: list[Heading]  # second-level items, in order


class Outline:
    def __init__(self, notice: NoticeText) -> None:
        self.notice = notice
        self.sections = _sections(notice)

    def section(self, pattern: str) -> Section | None:
        """The first top-level section whose title matches ``pattern`` (a regular expression)."""
        return next((s for s in self.sections if re.search(pattern, s.heading.title)), None)

    def section_at(self, pos: int) -> Section | None:
        return next((s for s in self.sections if s.start <= pos < s.end), None)

    def _run_in_top(self, pos: int) -> str:
        """``一、推荐名额`` for a line outside any section that opens with a run-in top-level title (a forwarding
        letter's short points: "一、推荐名额。省级单位…"), else ""."""
        line = self.notice.line_at(pos)
        m = _RUN_IN_TOP.match(line.text) if line else None
        return m.group(1) if m else ""

    def item_at(self, pos: int) -> Heading | None:
        section = self.section_at(pos)
        if section is None:
            return None
        before = [item for item in section.items if item.start <= pos]
        return before[-1] if before else None

    def clause_at(self, pos: int) -> str:
        """The citation for a position: ``二、征集类别（一）`` or ``五、征集和推选安排（二）征集方式``."""
        section = self.section_at(pos)
        if section is None:
            return self._run_in_top(pos) or "正文"
        label = section.heading.marker + section.heading.title
        item = self.item_at(pos)
        if item is not None and item.marker.startswith("（"):
            label += item.marker + (item.title if item.standalone else "")
        elif item is not None:
            label += f" {item.marker}{item.title}"
        line = self.notice.line_at(pos)
        run_in = _RUN_IN_LABEL.match(line.text) if line and (item is None or line.start != item.start) else None
        return f"{label} {run_in.group(1)}" if run_in else label

    def item_end(self, section: Section, item: Heading) -> int:
        following = [i.start for i in section.items if i.start > item.start]
        return following[0] if following else section.end


def _sections(notice: NoticeText) -> list[Section]:
    """Numbered sections, plus the closing part (after 特此通知) and each attachment (附件1) as sections of their own,
    so a signature or an attachment's 备注 is not cited as part of the last numbered item."""
    starts = []
    for line in notice.lines:
        m = _TOP.match(line.text)
        if m and "。" not in line.text and "," not in line.text:
            starts.append((line, Heading(m.group(1) + "、", m.group(2).strip(), line.start, line.end, line.end, True)))
        elif _CLOSING.match(line.text):
            starts.append((line, Heading("", "文末", line.start, line.end, line.end, True)))
        elif m := _ATTACHMENT.match(line.text):
            starts.append((line, Heading("", f"附件{m.group(1)}", line.start, line.end, line.end, True)))
    sections = []
    for k, (line, heading) in enumerate(starts):
        end = starts[k + 1][0].start if k + 1 < len(starts) else len(notice.text)
        items = _items(notice, line.end, end) if heading.marker else []
        sections.append(Section(heading, line.start, end, items))
    return sections


def _items(notice: NoticeText, start: int, end: int) -> list[Heading]:
    found: list[Heading] = []
    kind: str | None = None  # "cn" for （一）, "num" for 1.
    for line in notice.lines:
        if not (start <= line.start < end):
            continue
        m = _ITEM.match(line.text)
        if not m:
            continue
        this_kind = "cn" if m.group(1) else "num"
        kind = kind or this_kind
        if this_kind != kind:
            continue
        marker = f"（{m.group(1)}）" if m.group(1) else m.group(2) + m.group(3)
        found.append(_item_heading(line.text, line.start, line.end, marker, m.end()))
    return found


def _item_heading(text: str, start: int, end: int, marker: str, title_start: int) -> Heading:
    rest = text[title_start:]
    if len(rest) <= _MAX_TITLE and not _TITLE_END.search(rest):
        return Heading(marker, rest.strip(), start, end, end, True)
    m = _TITLE_END.search(rest)
    if m and m.start() <= _MAX_TITLE:
        return Heading(marker, rest[: m.start()].strip(), start, end, start + title_start + m.end(), False)
    return Heading(marker, "", start, end, start + title_start, False)
