"""Recommendation quotas: how many cases each kind of recommending unit may put forward.

Quota sentences name a unit, then a per-category and/or a total cap:
``各省每个类别报送的典型事例不超过4个，总数不超过12个`` or, with a condition,
``2023年入选案例在3个及以上的省（自治区、直辖市），每个类别推荐不超过4个，总数不超过12个；其余各省…``.
Each ``;``/``。`` clause with a cap becomes one rule; a rule repeated in an attachment's 备注 is kept once. A notice
that lifts quotas (``数量不作限制``) or says nothing gives ``specified = false`` with a note, never an invented cap.

A bureau's own call gives caps per unit level, often two in one sentence: ``每个设区市台推荐不超过2个，县级台推荐不超过
1个``. A clause is therefore cut at a comma where a part names another unit and has its own cap (the second part of
``各省每个类别…不超过4个，总数不超过12个`` names no unit, so it stays with the first). Unit levels: 中央 → central,
县级 / 县（市、区） → county, 设区市 / 市（州） / 地市 → city, 省 / 省级 → province, else other.
"""

from __future__ import annotations

import re

from .notes import PLACEHOLDER, Notes
from .reading import Notice

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_N = r"(\d+|[一二两三四五六七八九十])"
_CAP = re.compile(rf"不(?:超过|多于|得超过)\s*{_N}\s*(?:个|项|件)")
_PER_CATEGORY = re.compile(rf"每(?:个)?类(?:别)?[^,;。]{{0,30}}?不(?:超过|多于|得超过)\s*{_N}")
_TOTAL = re.compile(rf"(?:总数|合计|共计|总计|累计)[^,;。]{{0,30}}?不(?:超过|多于|得超过)\s*{_N}")
_ABOUT_CASES = re.compile(r"案例|事例|项目|推荐|申报|报送")
_CONDITION = re.compile(r"(\d{4}年[^,;。]{0,30}?\d+个及以上)的?(?:省|地区)")
_UNLIMITED = re.compile(r"(?:数量|名额)(?:不作限制|不限|不设限制)")
_RANKING = re.compile(r"优先级|推荐排序表|按[^。]{0,8}排序|以[^。]{0,8}为序")
_SUBJECT_END = re.compile(r"每|各自|总数|,|报送|推荐|申报")
_COUNTY = re.compile(r"县级|县\(市、?区?\)|县\(区\)|县区|县市区|各县")
_CITY = re.compile(r"设区市|设区的市|省辖市|地级市|地市|市级|市\(州\)|市州|各市")
_UNIT_WORD = re.compile(rf"中央|其他单位|其余|{_COUNTY.pattern}|{_CITY.pattern}|省|自治区|直辖市|兵团")


def read_quotas(notice: Notice, notes: Notes, span: tuple[int, int] | None = None) -> dict:
    """The quota rules written in ``span`` (default: the call's own text, after any forwarding letter)."""
    start, end = span or notice.body()
    rules: list[dict] = []
    first = None
    for part, pos in _clauses(notice.text[start:end], start):
        for rule, offset, length in _rules(part):
            evidence = notice.evidence(pos + offset, pos + offset + length)
            if _keep(rule, evidence, rules, notes):
                rules.append(rule)
                first = first or evidence
    ranking = notice.search(_RANKING, start)
    quotas: dict = {"specified": bool(rules), "ranking_required": bool(ranking)}
    if ranking:
        notes.source("ranking_required", notice.match_evidence(ranking))
    if rules:
        quotas["rules"] = rules
        quotas["clause"] = first.clause
        if all(r.get("per_category") is None for r in rules):
            quotas["note"] = "只规定了总数，未规定每个类别的上限。"
        return quotas
    lifted = notice.search(_UNLIMITED, start)
    if lifted:
        evidence = notice.match_evidence(lifted)
        quotas["note"] = f"通知明确“{_sentence(notice, lifted.start())}”。"
        quotas["clause"] = evidence.clause
        notes.source("note", evidence)
    else:
        quotas["note"] = "通知未规定推荐名额。"
        notes.unsure("specified", "未找到推荐名额（“不超过N个”）；按“未规定”起草，请核对。")
    return quotas


def sets_quotas(notice: Notice, start: int, end: int) -> bool:
    """Whether ``[start, end)`` holds at least one quota rule (a forwarding letter with its own quotas)."""
    return any(rule for part, _ in _clauses(notice.text[start:end], start) for rule in _rules(part))


def _keep(rule: dict, evidence, rules: list[dict], notes: Notes) -> bool:
    """Record a rule's source and doubts; False for a repeat (a 备注 restating a rule)."""
    rule["clause"] = evidence.clause
    if any(_same(rule, r) for r in rules):
        return False
    notes.source(("rules", len(rules)), evidence)
    if rule.pop("_guessed_total", False):
        notes.unsure(("rules", len(rules)), "名额句未写明是每类还是总数，已按总数起草，请核对。", evidence)
    if rule["unit_kind"] == "other" and not re.search(r"其他|其余|有关单位", rule["unit_label"]):
        notes.unsure(
            ("rules", len(rules)), f"无法判断“{rule['unit_label']}”属于哪类推荐单位，已记为 other，请核对。", evidence
        )
    return True


def _clauses(text: str, offset: int):
    pos = 0
    for piece in re.split(r"([;。\n])", text):
        if piece and piece not in ";。\n":
            yield piece, offset + pos
        pos += len(piece)


def _rules(clause: str) -> list[tuple[dict, int, int]]:
    """The rules of one clause, each with its offset and length inside the clause."""
    if not _ABOUT_CASES.search(clause):
        return []
    out = []
    for offset, piece in _unit_pieces(clause):
        rule = _rule(piece)
        if rule is not None:
            out.append((rule, offset, len(piece)))
    return out


def _unit_pieces(clause: str) -> list[tuple[int, str]]:
    """Cut a clause at each comma where the next part names a unit and has its own cap, once a cap has been seen."""
    pieces: list[list] = []  # [offset, text, has_cap]
    pos = 0
    for part in re.split(r"(?<=,)", clause):
        capped = bool(_CAP.search(part))
        if pieces and not (capped and pieces[-1][2] and _UNIT_WORD.search(part[: _cap_start(part)])):
            pieces[-1][1] += part
            pieces[-1][2] = pieces[-1][2] or capped
        else:
            pieces.append([pos, part, capped])
        pos += len(part)
    return [(offset, text.rstrip(",")) for offset, text, _ in pieces]


def _cap_start(part: str) -> int:
    m = _CAP.search(part)
    return m.start() if m else len(part)


def _rule(clause: str) -> dict | None:
    if not _CAP.search(clause):
        return None
    clause = re.sub(r"^(?:\d+[.、]|备注:|[\u4e00-\u9fff]{2,8}:)\s*", "", clause.strip())
    per = _PER_CATEGORY.search(clause)
    total = _TOTAL.search(clause)
    rule: dict = {}
    if not per and not total:
        total = _CAP.search(clause)
        rule["_guessed_total"] = True
    condition = _CONDITION.search(clause)
    subject = clause.split(",")[0] if condition else _subject(clause)
    rule.update(
        {
            "unit_kind": _unit_kind(subject, condition),
            "unit_label": subject.strip() or PLACEHOLDER,
            "per_category": _number(per.group(1)) if per else None,
            "total": _number(total.group(1)) if total else None,
        }
    )
    if condition:
        rule["condition"] = condition.group(1)
    return rule


def _subject(clause: str) -> str:
    """Who the cap is for: the words before the capped part's verb when that part names a unit
    (``请各市(州)组织申报,每个市(州)推荐总数不超过3个`` → ``每个市(州)``), else the clause's opening words."""
    capped = next((part for part in clause.split(",") if _CAP.search(part)), "")
    if _UNIT_WORD.search(capped[: _cap_start(capped)]):
        return capped[: _subject_end(capped)]
    return clause[: _subject_end(clause)]


def _subject_end(clause: str) -> int:
    m = _SUBJECT_END.search(clause, 1)
    return m.start() if m else len(clause)


def _unit_kind(subject: str, condition: re.Match | None) -> str:
    if condition:
        return "province_3plus"
    if "中央" in subject:
        return "central"
    if _COUNTY.search(subject):
        return "county"
    if _CITY.search(subject):
        return "city"
    if re.search(r"省|自治区|直辖市|兵团", subject) and not re.search(r"其他单位", subject):
        return "province"
    return "other"


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _CN_DIGITS[text]


def _same(a: dict, b: dict) -> bool:
    keys = ("unit_kind", "per_category", "total")
    return all(a.get(k) == b.get(k) for k in keys)


def _sentence(notice: Notice, pos: int) -> str:
    start = max(notice.text.rfind(c, 0, pos) for c in "。\n;") + 1
    end = min(x for x in (notice.text.find("。", pos), notice.text.find("\n", pos), len(notice.text)) if x != -1)
    return notice.source.quote(start, end)
