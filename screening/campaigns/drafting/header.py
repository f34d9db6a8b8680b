"""Who issued the call, its number, name and year, its dates and its deadline.

Notices put these in different places: a web page's metadata block (发文机关 / 成文日期 / 发布日期), a letterhead
(``…文件``), the title (``国家广播电视总局办公厅关于开展…的通知``) or the signature at the end (issuer, then a date
line). The drafter reads each place and records which one it used. A provincial bureau that forwards a national call
(``…转发…的通知``) is the *forwarder*: the rulebook describes the forwarded call, and the forwarder's own earlier upload
date becomes ``dates.provincial_deadline``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .notes import PLACEHOLDER, Notes
from .reading import Notice

_ORG = r"[\u4e00-\u9fff]{2,30}?(?:办公厅|局|部|委员会|委|办公室|中心|总台)"
NOTICE_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,10})[〔\[【(]\s*(\d{4})\s*[〕\]】)]\s*(\d{1,4})\s*号")
_DATE = r"(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?"
_CN_DATE = r"(\d{4})年(\d{1,2})月(\d{1,2})日"
_TITLE = re.compile(r"(?m)^(?:标题:)?([^\n]{0,40}?)关于([^\n]{4,120}?)的通知")
_SIGNATURE = re.compile(rf"(?m)^({_ORG})\n{_CN_DATE}$")  # issuer on one line, date on the next (not "…日印发")
_DEADLINE = re.compile(rf"截止(?:时间|日期)?(?:为|是|:)?\s*{_DATE}")
_DAY_BEFORE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:前|之前|以前)")
_NAME_TAIL = re.compile(r"(?:的)?(?:工作|活动)?$")
_NAME_HEAD = re.compile(r"^(?:组织)?(?:开展|做好|举办|组织)")


@dataclass
class Header:
    issuer: str
    notice_number: str
    name: str
    year: int | None
    level: str  # national | provincial
    forwarded_by: str | None
    forwarding_notice: str | None
    dates: dict


def read_header(notice: Notice, notes: Notes) -> Header:
    start, _ = notice.body()
    forwarding = start > 0
    number = _notice_number(notice, start, notes)
    title = notice.search(_TITLE, start) if forwarding else _main_title(notice)
    issuer = _issuer(notice, title, start, notes)
    name = _name(notice, title, notes)
    year = _year(name, number)
    if year is None:
        notes.unsure("year", "未能从标题或文号中读出年份，请填写。")
    forwarded_by = forwarding_notice = None
    if forwarding:
        forwarded_by, forwarding_notice = _forwarder(notice, start, notes)
    level = "provincial" if re.search(r"省|自治区|市", issuer) and "国家" not in issuer else "national"
    if issuer == PLACEHOLDER:
        notes.unsure("level", "发文机关不明，无法判断是全国还是省级征集，请核对。")
    dates = _dates(notice, start, issuer, year, notes.at("dates"))
    return Header(issuer, number, name, year, level, forwarded_by, forwarding_notice, dates)


def parse_date(groups: tuple[str | None, ...]) -> dt.date | None:
    try:
        y, m, d = (int(g) for g in groups)  # type: ignore[arg-type]
        return dt.date(y, m, d)
    except (TypeError, ValueError):
        return None


def format_number(m: re.Match) -> str:
    return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"


def _notice_number(notice: Notice, start: int, notes: Notes) -> str:
    m = notice.search(NOTICE_NUMBER, start)
    if m is None:
        notes.unsure("notice_number", "未找到发文字号（如“广电办发〔2025〕45号”），请填写。")
        return PLACEHOLDER
    notes.source("notice_number", notice.match_evidence(m))
    return format_number(m)


def _main_title(notice: Notice) -> re.Match | None:
    titles = list(notice.finditer(_TITLE))
    # Prefer a title line that names its issuer; a metadata "标题:" line repeats the bare title.
    return next((t for t in titles if t.group(1)), titles[0] if titles else None)


def _issuer(notice: Notice, title: re.Match | None, start: int, notes: Notes) -> str:
    field = notice.search(rf"发文机关:\n?({_ORG})\n", start)
    if field:
        notes.source("issuer", notice.match_evidence(field, 1))
        return field.group(1)
    if title and re.fullmatch(_ORG, title.group(1)):
        notes.source("issuer", notice.match_evidence(title, 1))
        return title.group(1)
    letterhead = notice.search(rf"(?m)^({_ORG})文件$", start)
    if letterhead:
        notes.source("issuer", notice.match_evidence(letterhead, 1))
        return letterhead.group(1)
    signature = _signatures(notice, start)
    if signature:
        notes.source("issuer", notice.match_evidence(signature[-1], 1))
        notes.unsure("issuer", "发文机关取自文末落款，请核对。", notice.match_evidence(signature[-1], 1))
        return signature[-1].group(1)
    notes.unsure("issuer", "未找到发文机关，请填写。")
    return PLACEHOLDER


def _name(notice: Notice, title: re.Match | None, notes: Notes) -> str:
    if title is None:
        notes.unsure("name", "未找到通知标题（“关于…的通知”），请填写征集活动名称。")
        return PLACEHOLDER
    name = _NAME_TAIL.sub("", _NAME_HEAD.sub("", re.sub(r"[ “”\"]", "", title.group(2))))
    notes.source("name", notice.match_evidence(title, 2))
    return name


def _year(name: str, number: str) -> int | None:
    m = re.search(r"(20\d{2})年", name) or re.search(r"〔(\d{4})〕", number)
    return int(m.group(1)) if m else None


def _forwarder(notice: Notice, start: int, notes: Notes) -> tuple[str | None, str | None]:
    title = notice.search(rf"({_ORG})转发", 0, start)
    number = notice.search(NOTICE_NUMBER, 0, start)
    if title:
        notes.source("forwarded_by", notice.match_evidence(title, 1))
    else:
        notes.unsure("forwarded_by", "这是一份转发通知，但未读出转发单位，请填写。")
    if number:
        notes.source("forwarding_notice", notice.match_evidence(number))
    return (title.group(1) if title else None), (format_number(number) if number else None)


def _signatures(notice: Notice, start: int = 0, end: int | None = None) -> list[re.Match]:
    return list(notice.finditer(_SIGNATURE, start, end))


def _dates(notice: Notice, start: int, issuer: str, year: int | None, notes: Notes) -> dict:
    dates: dict = {}
    issued = notice.search(rf"成文日期:\n?{_DATE}", start)
    signed = [s for s in _signatures(notice, start) if s.group(1) == issuer] or _signatures(notice, start)
    if issued:
        dates["issued"] = parse_date(issued.groups())
        notes.source("issued", notice.match_evidence(issued))
    elif signed:
        dates["issued"] = parse_date(signed[-1].groups()[1:])
        notes.source("issued", notice.match_evidence(signed[-1]))
    published = notice.search(rf"发布日期:\n?{_DATE}")
    if published:
        dates["published"] = parse_date(published.groups())
        notes.source("published", notice.match_evidence(published))

    deadline = notice.search(_DEADLINE, start)
    if deadline:
        dates["deadline"] = parse_date(deadline.groups())
        evidence = notice.match_evidence(deadline)
        dates["deadline_clause"] = evidence.clause
        notes.source("deadline", evidence)
    else:
        notes.unsure("deadline", "未找到征集截止时间（“截止时间为…”），请填写。")

    if start > 0:
        _provincial_deadline(notice, start, dates, notes)
    missing = [label for key, label in (("issued", "成文日期"), ("published", "发布日期")) if key not in dates]
    if missing:
        dates["note"] = f"通知文本未载{'和'.join(missing)}。"
        notes.unsure("note", f"未读到{'、'.join(missing)}；如另有来源请补填。")
    if year and dates.get("deadline") and dates["deadline"].year != year:
        notes.unsure("deadline", f"截止日期的年份与征集年份 {year} 不一致，请核对。", evidence)
    return dates


def _provincial_deadline(notice: Notice, start: int, dates: dict, notes: Notes) -> None:
    """The forwarder's own date ("请于4月25日前上传"), in the forwarding letter before the forwarded notice."""
    m = notice.search(_DAY_BEFORE, 0, start)
    if not m:
        return
    letter_date = next((s for s in _signatures(notice, 0, start)), None)
    year = m.group(1) or (letter_date and letter_date.group(2)) or (dates.get("deadline") and dates["deadline"].year)
    day = parse_date((year, m.group(2), m.group(3)))
    if day:
        dates["provincial_deadline"] = day
        notes.source("provincial_deadline", notice.match_evidence(m))
        if not m.group(1):
            notes.unsure("provincial_deadline", f"转发单位的报送日期未写年份，按 {day.year} 年补全，请核对。",
                         notice.match_evidence(m))
