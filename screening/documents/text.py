"""Plain text and Markdown: detecting the encoding and splitting the text into draft blocks.

Encoding detection, cheapest and surest first: a byte-order mark (UTF-8, UTF-16, UTF-32); strict UTF-8; then
strict GB18030 (a superset of GBK and GB2312, what Chinese Windows Notepad wrote for years) against UTF-16 without a
BOM, keeping the decoding that reads most like Chinese prose (common 汉字, CJK punctuation, printable ASCII): both can
decode the same bytes without error, but the wrong one yields rare characters, private-use code points and control
characters; finally ``charset-normalizer`` for the rest (Big5 …). A candidate with a NUL or many control characters is never
accepted, so a binary file renamed ``.txt`` is refused with ``UndecodableText`` rather than read as mojibake.

Splitting: one paragraph per line (Chinese text files put one paragraph on a line; wrapped lines are rare and we do
not guess). Markdown adds ``#`` headings (the marks are dropped from the text) and pipe tables (``| a | b |``), whose
separator row is dropped; other Markdown syntax is kept as written.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from ..errors import UndecodableText
from .model import Block
from .normalize import normalize_newlines, normalize_text

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
MIN_PLAUSIBILITY = 0.9
MAX_CUT_BYTES = 3  # the longest partial character: UTF-8 and GB18030 characters are at most 4 bytes
TRUNCATED_NOTE = "文件末尾有一个不完整的字符（可能是传输中断），已略去。"
_PLAUSIBLE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e\uffe0-\uffe6\u2010-\u2027\x20-\x7e\n\r\t]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


class Decoded(NamedTuple):
    text: str
    encoding: str
    notes: tuple[str, ...] = ()


def decode(data: bytes) -> Decoded:
    """The text of a text file, its encoding and any note; raises ``UndecodableText`` when no encoding fits.

    A file whose last character was cut (an interrupted download or copy) is read without the broken tail, with a
    note, rather than refused: dropping at most the three bytes of one partial character cannot hide anything.
    """
    try:
        return Decoded(*_decode_whole(data))
    except UndecodableText:
        # a partial character is made of high bytes only, so only such a tail may be cut (never a NUL or ASCII)
        cuts = [n for n in range(1, MAX_CUT_BYTES + 1) if len(data) > n and min(data[-n:]) >= 0x80]
        for cut in cuts:  # UTF-8 first: it validates itself, GB18030 would also "read" a cut UTF-8 file as mojibake
            text = _try_decode(data[:-cut], "utf-8")
            if text is not None:
                return Decoded(text, "utf-8", (TRUNCATED_NOTE,))
        for cut in cuts:
            try:
                return Decoded(*_decode_whole(data[:-cut]), notes=(TRUNCATED_NOTE,))
            except UndecodableText:
                continue
        raise


def _decode_whole(data: bytes) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decoded_or_refuse(data, encoding)
    text = _try_decode(data, "utf-8")
    if text is not None:  # valid UTF-8 that is not meant as UTF-8 is vanishingly rare
        return text, "utf-8"
    candidates = [(text, enc) for enc in ("gb18030", *_utf16_guesses(data)) if (text := _try_decode(data, enc))]
    if candidates:
        text, encoding = max(candidates, key=lambda candidate: _plausibility(candidate[0]))
        if _plausibility(text) >= MIN_PLAUSIBILITY:
            return text, encoding
    guess = _charset_normalizer_guess(data)
    text = _try_decode(data, guess) if guess else None
    if text is None or _plausibility(text) < MIN_PLAUSIBILITY:  # charset-normalizer always guesses something
        raise UndecodableText()
    return text, guess


def _plausibility(text: str) -> float:
    """Share of characters that Chinese prose is made of; mojibake scores low (private-use, rare, control chars)."""
    if not text:
        return 0.0
    return len(_PLAUSIBLE.findall(text)) / len(text)


def _decoded_or_refuse(data: bytes, encoding: str | None) -> tuple[str, str]:
    text = _try_decode(data, encoding) if encoding else None
    if text is None:
        raise UndecodableText()
    return text, encoding


def _try_decode(data: bytes, encoding: str) -> str | None:
    """The decoded text, or None when the bytes are invalid in ``encoding`` or decode to binary-looking text."""
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    if "\x00" in text or len(_CONTROL.findall(text)) > max(2, len(text) // 100):
        return None
    return text


def _utf16_guesses(data: bytes) -> tuple[str, ...]:
    """UTF-16 without a BOM is possible only for an even number of bytes; which byte order wins is decided by
    :func:`_plausibility` (ASCII-heavy text has zeros in every other byte; CJK text has none)."""
    return ("utf-16-le", "utf-16-be") if len(data) % 2 == 0 else ()


def _charset_normalizer_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes  # imported late: only unusual files get this far

    best = from_bytes(data[:200_000]).best()
    return best.encoding if best is not None else None


def text_blocks(text: str, *, markdown: bool = False) -> list[Block]:
    """Draft blocks (offsets unset) for a text: paragraphs per line; Markdown headings and pipe tables."""
    blocks: list[Block] = []
    table: list[list[str]] = []
    for raw in normalize_newlines(text).split("\n"):
        line = raw.strip()
        if markdown and line.startswith("|"):
            if not _MD_TABLE_SEPARATOR.match(line):
                table.append([normalize_text(cell) for cell in line.strip("|").split("|")])
            continue
        if table:
            blocks.append(table_block(table))
            table = []
        heading = _MD_HEADING.match(line) if markdown else None
        if heading:
            blocks.append(Block("heading", normalize_text(heading.group(2)), 0, 0, level=len(heading.group(1))))
        elif line:
            blocks.append(Block("paragraph", normalize_text(line), 0, 0))
    if table:
        blocks.append(table_block(table))
    return blocks


def table_block(rows: list[list[str]], *, page: int | None = None) -> Block:
    """A draft table block: cells joined by ``\\t`` within a row and ``\\n`` between rows (empty rows dropped)."""
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    return Block("table", "\n".join("\t".join(row) for row in rows), 0, 0, page=page, rows=rows)
