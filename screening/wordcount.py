"""字数: the counts people mean when a notice says "不超过 3000 字".

Notices never say which count they mean, so we compute all of them and each rulebook material names its basis
(``Material.count``). The keys of :func:`count`:

``word`` — Word's 字数 (the number in Word's 字数统计 dialog; WPS shows a similar one):
    each CJK character counts 1 (汉字, kana, hangul), each full-width punctuation mark or symbol counts 1 (，。、“”——
    ……《》（）and the full-width forms block, including full-width letters and digits), and each *non-Chinese word*
    counts 1. A non-Chinese word is a maximal run of half-width, non-space characters that contains at least one letter
    or digit: ``2024`` is 1, ``5G`` is 1, ``3.5%`` is 1, ``COVID-19`` is 1, ``June 30, 2003`` is 3, a lone ``,`` is 0.
    Half-width punctuation on its own does not count; spaces and line breaks never count.
``hanzi`` — 汉字数: CJK unified ideographs only (no punctuation, no digits, no kana).
``chars`` — 字符数（计空格）: every character except line breaks.
``chars_no_spaces`` — 字符数（不计空格）: every character except whitespace (spaces, tabs, U+3000, line breaks).

Trade-offs and sources: Microsoft and Kingsoft do not document the algorithm; the rule above follows the third-party
descriptions collected in ../shared/research/anchors.md §5.2 (and Word's English rule that "06/30/2003" is one word).
Two choices are ours: curly quotes, dashes, ellipses and the middle dot (U+2010–U+205F punctuation, U+00B7) count as
full-width punctuation because Chinese text uses them as such; and the counts run on ``Document.text``, which is
normalised (see ``screening.documents.normalize``): full-width letters and digits there are already half-width, so
``２０２４`` counts 1, not 4 as Word would. Word also skips text boxes, footnotes and endnotes by default; our text
includes tables (Word counts those too) but never page headers/footers removed during intake.
"""

from __future__ import annotations

import re

COUNT_BASES: tuple[str, ...] = ("word", "hanzi", "chars", "chars_no_spaces")

COUNT_LABELS: dict[str, str] = {
    "word": "字数（按 Word 字数统计口径）",
    "hanzi": "汉字数",
    "chars": "字符数（计空格）",
    "chars_no_spaces": "字符数（不计空格）",
}

# Word's 字数 counts each Chinese/Japanese/Korean character and full-width punctuation mark or symbol, and each run of
# other non-space characters that holds a letter or digit.
_HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KANA_HANGUL_RANGES = "\u3040-\u30ff\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
_PUNCT_RANGES = "\u3001-\u303f\uff01-\uff60\uffe0-\uffee\u2010-\u205f\u00b7"
_EAST_ASIAN = f"[{_HAN_RANGES}{_KANA_HANGUL_RANGES}{_PUNCT_RANGES}]"
_EAST_ASIAN_UNIT = re.compile(_EAST_ASIAN)
_OTHER_RUN = re.compile(f"[^\\s{_HAN_RANGES}{_KANA_HANGUL_RANGES}{_PUNCT_RANGES}]+")
_HAN = re.compile(f"[{_HAN_RANGES}]")
_LINE_BREAKS = re.compile("[\n\r\u2028\u2029]")
_WHITESPACE = re.compile(r"\s")


def count(text: str) -> dict[str, int]:
    """All four counts of ``text``, keyed by the count bases used in rulebooks (see the module docstring)."""
    return {
        "word": word_count(text),
        "hanzi": _HAN.subn("", text)[1],
        "chars": len(text) - _LINE_BREAKS.subn("", text)[1],
        "chars_no_spaces": len(text) - _WHITESPACE.subn("", text)[1],
    }


def word_count(text: str) -> int:
    """Word's 字数 alone; the cheapest way to one number (two C-level scans instead of a Python loop per unit)."""
    east_asian = _EAST_ASIAN_UNIT.subn("", text)[1]
    return east_asian + sum(1 for run in _OTHER_RUN.findall(text) if any(ch.isalnum() for ch in run))


def count_for(text: str, basis: str) -> int:
    """The count of ``text`` on one basis (``"word"``, ``"hanzi"``, ``"chars"`` or ``"chars_no_spaces"``)."""
    if basis not in COUNT_LABELS:
        raise ValueError(f"unknown count basis {basis!r}; expected one of {COUNT_BASES}")
    return word_count(text) if basis == "word" else count(text)[basis]


def count_basis_label(basis: str) -> str:
    """The Chinese name of a count basis, for messages such as 「字数（按 Word 字数统计口径）3120，超过 3000」."""
    if basis not in COUNT_LABELS:
        raise ValueError(f"unknown count basis {basis!r}; expected one of {COUNT_BASES}")
    return COUNT_LABELS[basis]
