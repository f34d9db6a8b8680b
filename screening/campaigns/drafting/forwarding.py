"""Forwarding letters: a bureau passing a national call on to its units (``…转发…的通知``).

A forwarding notice is two documents: the bureau's short letter (its own letterhead, number, date and, often, its own
deadline and quotas), then — usually, not always — the forwarded call's full text. What the letter says decides what
the rulebook describes (see ``draft.py``):

- a *relay* (福建省局 forwarding 广电办发〔2024〕63号 with only an earlier upload date): the rulebook is the national
  call; the bureau is ``forwarded_by`` and its date ``dates.provincial_deadline``;
- a *local call* (the letter sets quotas for its own 省级 / 设区市 / 县级 units): the rulebook is the bureau's call —
  its issuer, number, deadline and quotas — and the national call is recorded as ``origin_issuer`` /
  ``origin_notice`` (its deadline as ``dates.origin_deadline``).

This module only finds the parts: where the letter ends, who forwards, the letter's number, and the forwarded call's
issuer, number and title. The title line names both bureaus (``A局关于转发B办公厅关于开展…的通知的通知``, or
``A局转发B办公厅关于…的通知``); reading it as one ``…关于…的通知`` title gave the issuer ``A局转发B办公厅``, which is
the bug this module exists to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .header import NOTICE_NUMBER, ORG, format_number
from .notes import Evidence
from .reading import Notice

_FORWARD_TITLE = re.compile(rf"(?m)^(?:标题:)?(?:({ORG})(?:关于)?|关于)?转发([^\n]{{4,200}}的通知)$")
_REFERENCE = re.compile(r"现将[^\n《]{0,20}《([^》\n]{4,160})》\s*(?:\(\s*(" + NOTICE_NUMBER.pattern + r")\s*\))?")
_ORIGIN_TITLE = re.compile(r"([^\n《“]{0,40}?)关于([^\n]{4,120}?)的通知")
_LETTERHEAD = re.compile(rf"(?m)^({ORG})文件$")
_SIGNATURE = re.compile(rf"(?m)^({ORG})\n(\d{{4}})年(\d{{1,2}})月(\d{{1,2}})日$")


@dataclass(frozen=True)
class Found:
    value: str
    evidence: Evidence


@dataclass(frozen=True)
class Forwarding:
    letter_end: int  # the letter is text[:letter_end]; an attached forwarded call starts there
    attached: bool  # the forwarded call's own text follows the letter
    forwarder: Found | None
    number: Found | None  # the letter's own number
    origin_issuer: Found | None
    origin_number: Found | None
    origin_title: re.Match | None  # ``…关于(name)的通知`` of the forwarded call, wherever it was read
    signature: re.Match | None  # the letter's signature (groups: bureau, year, month, day)


def read_forwarding(notice: Notice) -> Forwarding | None:
    """The forwarding letter's parts, or None when the notice is not a forwarding notice."""
    inner_start, _ = notice.body()
    attached = inner_start > 0
    letter_end = inner_start if attached else len(notice.text)
    title = notice.search(_FORWARD_TITLE, 0, letter_end)
    reference = notice.search(_REFERENCE, 0, letter_end)
    if reference and "转发" not in _sentence_after(notice.text, reference.end()):
        reference = None
    if title is None and reference is None and not attached:
        return None
    origin_number = _origin_number(notice, reference, inner_start if attached else None)
    signature = next(reversed(list(notice.finditer(_SIGNATURE, 0, letter_end))), None)
    return Forwarding(
        letter_end=letter_end,
        attached=attached,
        forwarder=_forwarder(notice, title, signature, letter_end),
        number=_letter_number(notice, letter_end, origin_number),
        origin_issuer=_origin_issuer(notice, title, reference),
        origin_number=origin_number,
        origin_title=_origin_title(notice, title, reference, inner_start if attached else None),
        signature=signature,
    )


def _found(notice: Notice, m: re.Match, group: int, value: str | None = None) -> Found:
    return Found(value if value is not None else m.group(group), notice.match_evidence(m, group))


def _forwarder(notice: Notice, title: re.Match | None, signature: re.Match | None, letter_end: int) -> Found | None:
    if title and title.group(1):
        return _found(notice, title, 1)
    letterhead = notice.search(_LETTERHEAD, 0, letter_end)
    if letterhead:
        return _found(notice, letterhead, 1)
    return _found(notice, signature, 1) if signature else None


def _letter_number(notice: Notice, letter_end: int, origin: Found | None) -> Found | None:
    for m in notice.finditer(NOTICE_NUMBER, 0, letter_end):
        if origin is None or format_number(m) != origin.value:
            return _found(notice, m, 0, format_number(m))
    return None


def _origin_number(notice: Notice, reference: re.Match | None, inner_start: int | None) -> Found | None:
    if reference and reference.group(2):
        number = NOTICE_NUMBER.search(reference.group(2))
        if number:
            return _found(notice, reference, 2, format_number(number))
    if inner_start is not None:
        m = notice.search(NOTICE_NUMBER, inner_start)
        if m:
            return _found(notice, m, 0, format_number(m))
    return None


def _origin_issuer(notice: Notice, title: re.Match | None, reference: re.Match | None) -> Found | None:
    for m, group in ((title, 2), (reference, 1)):
        if m is None:
            continue
        issuer = re.compile(rf"《?({ORG})关于").match(notice.text, m.start(group), m.end(group))
        if issuer:
            return _found(notice, issuer, 1)
    return None


def _origin_title(
    notice: Notice, title: re.Match | None, reference: re.Match | None, inner_start: int | None
) -> re.Match | None:
    """The forwarded call's title: the attached notice's own title line, else the one named in the letter."""
    if inner_start is not None:
        return notice.search(_ORIGIN_TITLE, inner_start)
    for m, group in ((title, 2), (reference, 1)):
        if m is not None:
            found = notice.search(_ORIGIN_TITLE, m.start(group), m.end(group))
            if found:
                return found
    return None


def _sentence_after(text: str, pos: int) -> str:
    ends = [x for x in (text.find(c, pos) for c in "。;\n") if x != -1]
    return text[pos : min(ends, default=len(text))]
