"""``Notice``: what every extractor reads: the normalised text, its clause outline, and evidence in original offsets."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .notes import Evidence
from .outline import Outline, Section
from .text import NoticeText


class Notice:
    def __init__(self, text: str) -> None:
        self.source = NoticeText(text)
        self.text = self.source.text  # normalised; see text.py
        self.outline = Outline(self.source)

    def evidence(self, start: int, end: int, *, clause: str | None = None) -> Evidence:
        """Evidence for a normalised span: its clause, its span in the original text and the original words."""
        a, b = self.source.original_span(start, end)
        return Evidence(clause or self.outline.clause_at(start), a, b, self.source.quote(start, end))

    def match_evidence(self, m: re.Match, group: int | str = 0) -> Evidence:
        return self.evidence(m.start(group), m.end(group))

    def finditer(self, pattern: str | re.Pattern, start: int = 0, end: int | None = None) -> Iterator[re.Match]:
        """Matches of ``pattern`` inside ``[start, end)`` of the normalised text (offsets stay global)."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        return rx.finditer(self.text, start, len(self.text) if end is None else end)

    def search(self, pattern: str | re.Pattern, start: int = 0, end: int | None = None) -> re.Match | None:
        return next(self.finditer(pattern, start, end), None)

    def section(self, pattern: str) -> Section | None:
        return self.outline.section(pattern)

    def body(self) -> tuple[int, int]:
        """Where the call's own text runs: after a forwarding letter, from the forwarded notice's title on."""
        m = self.search(_FORWARDED_TITLE)
        return (m.start(), len(self.text)) if m and self.search(r"转发", 0, m.start()) else (0, len(self.text))


# A title line of the forwarded (inner) notice: "…关于开展…的通知" on its own line, not the forwarding title itself,
# and not the letter's "附件:…的通知" line or a "《…》" citation of it.
_FORWARDED_TITLE = re.compile(r"(?m)^(?!.*转发)(?!附件)(?![^\n]*《)[^\n]{0,30}关于[^\n]{4,80}的通知$")
