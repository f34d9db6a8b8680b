"""Normalisation of extracted text, done per block *before* offsets are assigned.

Because every block is normalised first and ``Document.text`` is built from the normalised blocks, all offsets index
the normalised text and stay exact; nothing maps back to the raw file. What changes:

- soft hyphens (U+00AD), zero-width spaces/joiners and byte-order marks are removed (invisible, but they split words
  and numbers);
- full-width letters and digits (``２０２４``, ``ＡＩ``) become half-width, and a full-width point between digits
  (``３．５``) becomes ``.``, so numbers parse and match; full-width *punctuation* (，。％：) is kept, it is how
  Chinese is written and it counts in 字数;
- leading/trailing whitespace of each paragraph, including the full-width indent ``\\u3000\\u3000``, is stripped;
- for PDF text only (:func:`join_pdf_spaces`), spaces that extraction inserted between a CJK character and another
  CJK character, digit or letter (``2026 年度``, ``智 慧``) are removed. DOCX and plain text keep the applicant's
  spaces, because there they were typed.

Repeated page headers, footers and page numbers are a page-level matter; see ``screening.documents.pdf``.
"""

from __future__ import annotations

import re

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_FULLWIDTH_ALNUM = {
    code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
}
_FULLWIDTH_POINT = re.compile(r"(?<=\d)．(?=\d)")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3001-\u303f\uff01-\uff60"
_SPACE_AFTER_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u3000]+(?=[{_CJK}0-9A-Za-z%])")
_SPACE_BEFORE_CJK = re.compile(rf"(?<=[0-9A-Za-z%])[ \t\u3000]+(?=[{_CJK}])")
_LINE_ENDINGS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c]")


def normalize_text(text: str) -> str:
    """The normalisation applied to every paragraph or table cell, whatever the format (see the module docstring)."""
    text = _INVISIBLE.sub("", text)
    text = text.translate(_FULLWIDTH_ALNUM)
    text = _FULLWIDTH_POINT.sub(".", text)
    return text.strip()


def normalize_newlines(text: str) -> str:
    """Windows, old-Mac and Unicode line separators (and form feeds) become ``\\n``."""
    return _LINE_ENDINGS.sub("\n", text)


def join_pdf_spaces(text: str) -> str:
    """Remove the spaces PDF extraction puts between CJK characters and digits/letters (``2026 年度`` → ``2026年度``)."""
    text = _SPACE_AFTER_CJK.sub("", text)
    return _SPACE_BEFORE_CJK.sub("", text)


def join_lines(lines: list[str]) -> str:
    """Join visually wrapped lines of one paragraph: no space between CJK, one space between Latin words."""
    joined = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if joined and _needs_space(joined[-1], line[0]):
            joined += " "
        joined += line
    return joined


def _needs_space(left: str, right: str) -> bool:
    return left.isascii() and right.isascii() and left not in "-/(" and right.isalnum()
