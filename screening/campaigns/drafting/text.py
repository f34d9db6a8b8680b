"""A notice's text, normalised for pattern matching, with every character traceable to the original.

Notices arrive as web-page copies, PDF extractions and Word files, so the same clause can be written
``（一）`` or ``(一)``, ``5,000字`` or ``5000 字``, and a paragraph can be cut in two by a page break. Matching all of
that with regular expressions written for one spelling is hopeless, so the drafter reads a *normalised* view:

- every character goes through NFKC (full-width brackets, commas, colons and digits become ASCII; 、。“” stay);
- tabs (between table cells) become line breaks; spaces next to a CJK character or a digit are dropped
  (``2024 年`` → ``2024年``, ``63 号`` → ``63号``);
- HTML tags (``<p>`` around form cells) and Markdown heading marks (``### 一、征集类别``) are dropped;
- lines are stripped, blank lines dropped, and a line that was cut mid-sentence (it is long, it does not end with
  sentence punctuation and the next line does not start a new numbered item) is joined to the next one.

``offsets[i]`` is the position in the original text of normalised character ``i``, so any match can be reported
as a span of the text the user gave us. The trade-off: the normalised view is lossy (it is never shown to a user);
quotes shown to users are always cut from the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A line may be joined to the next only when it looks cut: shorter lines are titles, labels or table cells.
_MIN_CUT_LINE = 15
_SENTENCE_END = set("。;:!?：；！？)")
_ITEM_START = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d{1,2}[、.](?!\d)|附件)")
_MARKDOWN_HEADING = re.compile(r"#{1,6}\s*")  # used with .match(text, pos): anchored at pos
# Lines that stand alone even after a long unfinished line: a signature's issuer or date, a parenthesised remark.
_STANDALONE = re.compile(
    r"^(?:\(|[\u4e00-\u9fff]{2,30}(?:办公厅|局|部|委员会|办公室|中心)$|\d{4}年\d{1,2}月\d{1,2}日$)"
)


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def _is_dense(ch: str) -> bool:
    """Characters between which a space is an extraction artefact, not a word boundary."""
    return _is_cjk(ch) or ch.isdigit() or ch in "“”、。,;:()%"


@dataclass(frozen=True, slots=True)
class Line:
    """One logical line (a paragraph or a heading) of the normalised text."""

    text: str
    start: int  # offset in the normalised text
    end: int


class NoticeText:
    """The normalised view of a notice plus the map back to the original text."""

    def __init__(self, original: str) -> None:
        self.original = original
        chars, offsets = _normalise_chars(original)
        chars, offsets = _drop_markup(chars, offsets)
        chars, offsets = _drop_soft_spaces(chars, offsets)
        self.text, self.offsets, self.lines = _logical_lines(chars, offsets)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised ``[start, end)`` to the original text."""
        if start >= end:
            pos = self.offsets[start] if start < len(self.offsets) else len(self.original)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1

    def quote(self, start: int, end: int) -> str:
        """The original text behind a normalised span, with its line breaks folded."""
        a, b = self.original_span(start, end)
        return re.sub(r"\s*\n\s*", "", self.original[a:b]).strip()

    def line_at(self, pos: int) -> Line | None:
        return next((line for line in self.lines if line.start <= pos < line.end), None)


def _normalise_chars(original: str) -> tuple[list[str], list[int]]:
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(original):
        for out in unicodedata.normalize("NFKC", ch):
            chars.append("\n" if out in "\r\t" else out)  # a tab separates table cells: keep them apart
            offsets.append(i)
    return chars, offsets


_TAG = re.compile(r"</?[a-zA-Z][^<>\n]{0,80}>")


def _drop_markup(chars: list[str], offsets: list[int]) -> tuple[list[str], list[int]]:
    """Remove HTML tags that web copies and PDF-to-Markdown tools leave around table cells (<p>, <br/>, …)."""
    joined = "".join(chars)
    drop = {i for m in _TAG.finditer(joined) for i in range(m.start(), m.end())}
    if not drop:
        return chars, offsets
    keep = [i for i in range(len(chars)) if i not in drop]
    return [chars[i] for i in keep], [offsets[i] for i in keep]


def _drop_soft_spaces(chars: list[str], offsets: list[int]) -> tuple[list[str], list[int]]:
    """Remove runs of spaces next to a dense character (CJK, digit, Chinese punctuation) or a line end."""
    keep_chars: list[str] = []
    keep_offsets: list[int] = []
    n = len(chars)
    i = 0
    while i < n:
        if chars[i] in " \xa0":
            j = i
            while j < n and chars[j] in " \xa0":
                j += 1
            before = keep_chars[-1] if keep_chars else "\n"
            after = chars[j] if j < n else "\n"
            if _is_dense(before) or _is_dense(after) or "\n" in (before, after):  # keep spaces between Latin words
                i = j
                continue
            keep_chars.append(" ")
            keep_offsets.append(offsets[i])
            i = j
            continue
        keep_chars.append(chars[i])
        keep_offsets.append(offsets[i])
        i += 1
    return keep_chars, keep_offsets


def _logical_lines(chars: list[str], offsets: list[int]) -> tuple[str, list[int], list[Line]]:
    """Strip lines, drop blank ones and Markdown marks, join lines cut mid-sentence; one ``\\n`` between lines."""
    merged: list[tuple[str, list[int]]] = []
    previous_raw = ""
    for text, offs in _stripped_lines(chars, offsets):
        # Judge the raw line before, not the merged one: a long line must not swallow a run of short table cells.
        if merged and _is_cut(previous_raw) and not _ITEM_START.match(text) and not _STANDALONE.match(text):
            prev_text, prev_offs = merged[-1]
            merged[-1] = (prev_text + text, prev_offs + offs)
        else:
            merged.append((text, offs))
        previous_raw = text

    out_text: list[str] = []
    out_offsets: list[int] = []
    lines: list[Line] = []
    for text, offs in merged:
        start = len(out_offsets)
        out_text.append(text)
        out_offsets.extend(offs)
        lines.append(Line(text, start, start + len(text)))
        out_offsets.append(offs[-1] + 1)  # the line break after the line maps just past its last character
    return "\n".join(out_text) + ("\n" if out_text else ""), out_offsets, lines


def _stripped_lines(chars: list[str], offsets: list[int]) -> list[tuple[str, list[int]]]:
    """Each non-blank line without surrounding spaces or a leading Markdown heading mark, with its offsets."""
    text = "".join(chars)
    out = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        mark = _MARKDOWN_HEADING.match(text, start, end)
        if mark:
            start = mark.end()
        if start < end:
            out.append((text[start:end], offsets[start:end]))
    return out


def _is_cut(line: str) -> bool:
    return len(line) >= _MIN_CUT_LINE and line[-1] not in _SENTENCE_END and not line.endswith("通知")
