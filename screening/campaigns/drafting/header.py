"""Who issued the call, its number, name and year, its dates and its deadline.

Notices put these in different places: a web page's metadata block (发文机关 / 成文日期 / 发布日期), a letterhead
(``…文件``), the title (``国家广播电视总局办公厅关于开展…的通知``) or the signature at the end (issuer, then a date
line). The drafter reads each place and records which one it used.

A bureau's forwarding notice (``…转发…的通知``, parts found by ``forwarding.py``) is read one of two ways:

- a *relay* (the letter adds only its own earlier date): the rulebook describes the forwarded call; the bureau is
  ``forwarded_by`` and its date ``dates.provincial_deadline`` — the hand-checked convention of
  nrta-2024-smart-network-services;
- a *local call* (the letter sets its own quotas): the bureau is the issuer, its number and its date are the call's,
  and the forwarded call is recorded as ``origin_issuer`` / ``origin_notice`` / ``dates.origin_deadline``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .deadlines import find_deadline
from .notes import PLACEHOLDER, Notes
from .reading import Notice

if TYPE_CHECKING:
    from .forwarding import Forwarding, Found

ORG = r"[\u4e00-\u9fff]{2,30}?(?:办公厅|局|部|委员会|委|办公室|中心|总台)"
NOTICE_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,10})[〔\[【(]\s*(\d{4})\s*[〕\]】)]\s*(\d{1,4})\s*号")
_DATE = r"(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?"
_CN_DATE = r"(\d{4})年(\d{1,2})月(\d{1,2})日"
_TITLE = re.compile(r"(?m)^(?:标题:)?([^\n]{0,40}?)关于([^\n]{4,120}?)的通知")
_SIGNATURE = re.compile(rf"(?m)^({ORG})\n{_CN_DATE}$")  # issuer on one line, date on the next (not "…日印发")
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
    origin_issuer: str | None = None
    origin_notice: str | None = None


def read_header(notice: Notice, notes: Notes, forwarding: Forwarding | None = None, *, local: bool = False) -> Header:
    """The header of a call; of a forwarding notice, as a relay or (``local``) as the bureau's own call."""
    if forwarding is not None:
        return _forwarded_header(notice, notes, forwarding, local=local)
    number = _notice_number(notice, 0, notes)
    title = _main_title(notice)
    issuer = _issuer(notice, title, 0, notes)
    name = _name(notice, title, notes)
    year = _year_or_flag(name, number, notes)
    dates = _call_dates(notice, notes.at("dates"), issuer=issuer, year=year)
    return Header(issuer, number, name, year, _level(issuer, notes), None, None, dates)


def _forwarded_header(notice: Notice, notes: Notes, fwd: Forwarding, *, local: bool) -> Header:
    start = fwd.letter_end if fwd.attached else len(notice.text)  # where the forwarded call's own text runs
    name = _name(notice, fwd.origin_title, notes)
    if fwd.attached:
        origin_number = _notice_number(notice, start, notes, key="origin_notice" if local else "notice_number")
        origin_issuer = _issuer(notice, fwd.origin_title, start, notes, key="origin_issuer" if local else "issuer")
    else:
        origin_number = _found_or_flag(
            fwd.origin_number, "origin_notice" if local else "notice_number", "未读出被转发通知的文号，请填写。", notes
        )
        origin_issuer = _found_or_flag(
            fwd.origin_issuer, "origin_issuer" if local else "issuer", "未读出被转发通知的发文机关，请填写。", notes
        )
    if local:
        return _local_call(notice, notes, fwd, name, origin_issuer, origin_number)
    year = _year_or_flag(name, origin_number, notes)
    forwarder = _found_or_flag(fwd.forwarder, "forwarded_by", "这是一份转发通知，但未读出转发单位，请填写。", notes)
    number = fwd.number.value if fwd.number else None
    if fwd.number:
        notes.source("forwarding_notice", fwd.number.evidence)
    dates = _call_dates(notice, notes.at("dates"), issuer=origin_issuer, year=year, start=start)
    _provincial_deadline(notice, fwd, year, dates, notes.at("dates"))
    return Header(
        origin_issuer,
        origin_number,
        name,
        year,
        _level(origin_issuer, notes),
        None if forwarder == PLACEHOLDER else forwarder,
        number,
        dates,
    )


def _local_call(
    notice: Notice, notes: Notes, fwd: Forwarding, name: str, origin_issuer: str, origin_number: str
) -> Header:
    """The bureau's own call: its issuer, number and date; the forwarded call's deadline kept as origin_deadline."""
    issuer = _found_or_flag(
        fwd.forwarder, "issuer", "这是一份转发通知，但未读出转发单位（本通知的发文机关），请填写。", notes
    )
    number = _found_or_flag(fwd.number, "notice_number", "未找到转发通知自己的发文字号，请填写。", notes)
    year = _year_or_flag(name, number, notes)
    dates = _call_dates(
        notice,
        notes.at("dates"),
        issuer=issuer,
        year=year,
        end=fwd.letter_end,
        signature_year=fwd.signature and int(fwd.signature.group(2)),
    )
    if fwd.attached:
        origin = find_deadline(notice, fwd.letter_end, year=year)
        if origin:
            dates["origin_deadline"] = origin.date
            notes.source(("dates", "origin_deadline"), notice.match_evidence(origin.match))
    notes.unsure(
        "issuer",
        "转发单位另定了本地名额，已按本单位的征集起草：发文机关、文号、截止时间和名额取自转发通知，"
        "被转发的通知记为 origin_issuer / origin_notice，请核对。",
    )
    return Header(
        issuer,
        number,
        name,
        year,
        _level(issuer, notes),
        None,
        None,
        dates,
        origin_issuer=origin_issuer,
        origin_notice=origin_number,
    )


def _found_or_flag(found: Found | None, key: str, message: str, notes: Notes) -> str:
    """The value a forwarding letter gave, with its source; or the placeholder and a doubt."""
    if found is None:
        notes.unsure(key, message)
        return PLACEHOLDER
    notes.source(key, found.evidence)
    return found.value


def _level(issuer: str, notes: Notes) -> str:
    if issuer == PLACEHOLDER:
        notes.unsure("level", "发文机关不明，无法判断是全国还是省级征集，请核对。")
    return "provincial" if re.search(r"省|自治区|市", issuer) and "国家" not in issuer else "national"


def _year_or_flag(name: str, number: str, notes: Notes) -> int | None:
    year = _year(name, number)
    if year is None:
        notes.unsure("year", "未能从标题或文号中读出年份，请填写。")
    return year


def parse_date(groups: tuple[str | None, ...]) -> dt.date | None:
    try:
        y, m, d = (int(g) for g in groups)  # type: ignore[arg-type]
        return dt.date(y, m, d)
    except (TypeError, ValueError):
        return None


def format_number(m: re.Match) -> str:
    return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"


def _notice_number(notice: Notice, start: int, notes: Notes, *, key: str = "notice_number") -> str:
    m = notice.search(NOTICE_NUMBER, start)
    if m is None:
        notes.unsure(key, "未找到发文字号（如“广电办发〔2025〕45号”），请填写。")
        return PLACEHOLDER
    notes.source(key, notice.match_evidence(m))
    return format_number(m)


def _main_title(notice: Notice) -> re.Match | None:
    titles = list(notice.finditer(_TITLE))
    # Prefer a title line that names its issuer; a metadata "标题:" line repeats the bare title.
    return next((t for t in titles if t.group(1)), titles[0] if titles else None)


def _issuer(notice: Notice, title: re.Match | None, start: int, notes: Notes, *, key: str = "issuer") -> str:
    field = notice.search(rf"发文机关:\n?({ORG})\n", start)
    if field:
        notes.source(key, notice.match_evidence(field, 1))
        return field.group(1)
    if title and re.fullmatch(ORG, title.group(1)):
        notes.source(key, notice.match_evidence(title, 1))
        return title.group(1)
    letterhead = notice.search(rf"(?m)^({ORG})文件$", start)
    if letterhead:
        notes.source(key, notice.match_evidence(letterhead, 1))
        return letterhead.group(1)
    signature = _signatures(notice, start)
    if signature:
        notes.source(key, notice.match_evidence(signature[-1], 1))
        notes.unsure(key, "发文机关取自文末落款，请核对。", notice.match_evidence(signature[-1], 1))
        return signature[-1].group(1)
    notes.unsure(key, "未找到发文机关，请填写。")
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


def _signatures(notice: Notice, start: int = 0, end: int | None = None) -> list[re.Match]:
    return list(notice.finditer(_SIGNATURE, start, end))


def _call_dates(
    notice: Notice,
    notes: Notes,
    *,
    issuer: str,
    year: int | None,
    start: int = 0,
    end: int | None = None,
    signature_year: int | None = None,
) -> dict:
    """成文日期, 发布日期 and the deadline written in ``[start, end)``; what is missing is said, not guessed."""
    dates: dict = {}
    issued = notice.search(rf"成文日期:\n?{_DATE}", start, end)
    signed = [s for s in _signatures(notice, start, end) if s.group(1) == issuer] or _signatures(notice, start, end)
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

    fill_year = signature_year or (dates["issued"].year if dates.get("issued") else None) or year
    deadline = find_deadline(notice, start, end, year=fill_year)
    if deadline:
        dates["deadline"] = deadline.date
        evidence = notice.match_evidence(deadline.match)
        dates["deadline_clause"] = evidence.clause
        notes.source("deadline", evidence)
        if not deadline.year_given:
            notes.unsure("deadline", f"截止日期未写年份，按 {deadline.date.year} 年补全，请核对。", evidence)
        elif year and deadline.date.year != year:
            notes.unsure("deadline", f"截止日期的年份与征集年份 {year} 不一致，请核对。", evidence)
    else:
        notes.unsure("deadline", "未找到征集截止时间（“截止时间为…”“请于…前报送”等），请填写。")

    missing = [label for key, label in (("issued", "成文日期"), ("published", "发布日期")) if key not in dates]
    if missing:
        dates["note"] = f"通知文本未载{'和'.join(missing)}。"
        notes.unsure("note", f"未读到{'、'.join(missing)}；如另有来源请补填。")
    return dates


def _provincial_deadline(notice: Notice, fwd: Forwarding, year: int | None, dates: dict, notes: Notes) -> None:
    """The forwarder's own date ("请于4月25日前上传"), in the forwarding letter before the forwarded notice."""
    letter_year = (fwd.signature and int(fwd.signature.group(2))) or (dates.get("deadline") and dates["deadline"].year)
    found = find_deadline(notice, 0, fwd.letter_end, year=letter_year or year)
    if not found:
        return
    dates["provincial_deadline"] = found.date
    evidence = notice.match_evidence(found.match)
    notes.source("provincial_deadline", evidence)
    if not found.year_given:
        notes.unsure(
            "provincial_deadline", f"转发单位的报送日期未写年份，按 {found.date.year} 年补全，请核对。", evidence
        )
