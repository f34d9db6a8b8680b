"""The submission deadline, in the many ways notices write it.

National calls say ``征集的截止时间为2025年4月11日``; bureaus write ``请于4月25日前上传…``,
``于2020年5月15日前将纸质材料寄送至省局``, ``报送时间截至…``, ``…（星期五）17:00之前报送`` or a range
``申报时间为4月1日至5月15日``. Three kinds of phrase, tried in this order, the first match in the range winning:

1. *explicit* — ``截止(时间|日期)…DATE`` or ``DATE截止``: the notice names the deadline, nothing else can mean it;
2. *before* — ``(于|在|请于) DATE (之|以)?前`` or ``截至 DATE``, only when the same sentence has a submission verb
   (报送, 寄送, 上传, 提交, 申报…) and says nothing of a case's state (已上线, 建成, 投入使用…; ``已盖章`` is fine). Without that test,
   eligibility dates (``2023年12月31日前建成投用的项目``, ``截至2023年12月31日已上线运营的服务均可申报``) would be
   read as deadlines;
3. *range* — ``(征集|申报|报送)时间…DATE至DATE``: the end of the window.

A date written without its year (``4月25日前``) takes the year the caller gives (the letter's signature or the call's
year) and is flagged for review. In the four seed notices every national call states an *explicit* deadline, and
the one bureau letter (福建省局) a *before* phrase; tests/campaigns/draft_notices.py ``DEADLINE_PHRASES`` holds the
other forms, and dates that must not be read as deadlines.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .reading import Notice

_DAY = r"(?:(\d{4})\s*年)?(\d{1,2})月(\d{1,2})日"
_ISO_DAY = r"(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?"
# What may stand between a day and 前: a weekday, a time of day (17:00, 下午5点, 24时, 下班).
_TIME = (
    r"(?:\((?:星期|周)[一二三四五六日天]\))?(?:上午|中午|下午|晚上)?"
    r"(?:\d{1,2}(?::\d{2}|[时点](?:\d{1,2}分|半|整)?))?(?:下班)?"
)
_EXPLICIT = re.compile(rf"截止(?:时间|日期)?(?:为|是|:|到|至)?\s*{_ISO_DAY}|{_DAY}{_TIME}(?:为)?截止")
_BEFORE = re.compile(rf"(?:截至|截止到|(?:于|在)\s*){_DAY}{_TIME}(?:(?:之|以)?前)?|{_DAY}{_TIME}(?:之|以)?前")
_RANGE = re.compile(
    rf"(?:征集|申报|报送|推荐|上传|提交)(?:时间|日期|期限)(?:为|是|:)?\s*{_DAY}(?:起)?(?:至|到|-|~|—)\s*{_DAY}"
)
_SUBMIT = re.compile(r"报送|报至|报来|报省|寄送|寄至|寄达|送至|送达|上传|提交|申报|发送|发至|交至|报名|推荐|汇总|报给")
# A case's state, which makes a date an eligibility cut-off; "已盖章的材料" is not one.
_CASE_STATE = re.compile(
    r"已(?:经)?(?:上线|建成|投入|投用|运营|运行|开通|实施|完成|落地)|建成|上线|投入使用|投入运营|投用"
)


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    match: re.Match
    year_given: bool  # False: the notice wrote only month and day; the year was supplied


def find_deadline(
    notice: Notice, start: int = 0, end: int | None = None, *, year: int | None = None
) -> Deadline | None:
    """The deadline written in ``[start, end)`` of the notice, or None. ``year`` completes a day written without one."""
    for reader in (_explicit, _before, _range):
        found = reader(notice, start, end, year)
        if found is not None:
            return found
    return None


def _explicit(notice: Notice, start: int, end: int | None, year: int | None) -> Deadline | None:
    for m in notice.finditer(_EXPLICIT, start, end):
        found = _dated(m, year)
        if found is not None:
            return found
    return None


def _before(notice: Notice, start: int, end: int | None, year: int | None) -> Deadline | None:
    for m in notice.finditer(_BEFORE, start, end):
        text = m.group(0)
        introduced = text.startswith(("截至", "截止到", "于", "在"))
        if introduced and not text.endswith("前") and not text.startswith(("截至", "截止到")):
            continue  # "于5月15日召开" is an event, not a deadline
        sentence = _sentence(notice.text, m.start(), m.end())
        if not _SUBMIT.search(sentence) or _CASE_STATE.search(sentence):
            continue
        found = _dated(m, year)
        if found is not None:
            return found
    return None


def _dated(m, year: int | None) -> Deadline | None:
    """The deadline a match of ``_EXPLICIT`` or ``_BEFORE`` names: both patterns carry two alternative
    (year, month, day) groups, the first with the year written, the second without."""
    groups = m.groups()
    triple = groups[0:3] if groups[1] is not None else groups[3:6]
    day = _date(triple, year)
    return Deadline(day, m, triple[0] is not None) if day is not None else None


def _range(notice: Notice, start: int, end: int | None, year: int | None) -> Deadline | None:
    for m in notice.finditer(_RANGE, start, end):
        first_year, _, _, end_year, month, day_ = m.groups()
        given = end_year or first_year
        day = _date((given, month, day_), year)
        if day is not None:
            return Deadline(day, m, given is not None)
    return None


def _date(groups, year: int | None) -> dt.date | None:
    y, m, d = groups
    try:
        return dt.date(int(y) if y else int(year), int(m), int(d))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around ``[start, end)``: from the last 。;\\n before it to the next one after it."""
    a = max(text.rfind(c, 0, start) for c in "。;\n") + 1
    b = min((x for x in (text.find(c, end) for c in "。;\n") if x != -1), default=len(text))
    return text[a:b]
