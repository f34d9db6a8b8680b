"""Recommendation quotas: how many cases each kind of recommending unit may put forward.

Quota sentences name a unit, then a per-category and/or a total cap:
``各省每个类别报送的典型事例不超过4个，总数不超过12个`` or, with a condition,
``2023年入选案例在3个及以上的省（自治区、直辖市），每个类别推荐不超过4个，总数不超过12个；其余各省…``.
Each ``;``/``。`` clause with a cap becomes one rule; a rule repeated in an attachment's 备注 is kept once. A notice
that lifts quotas (``数量不作限制``) or says nothing gives ``specified = false`` with a note, never an invented cap.
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


def read_quotas(notice: Notice, notes: Notes) -> dict:
    start, _ = notice.body()
    rules: list[dict] = []
    first = None
    for clause, pos in _clauses(notice.text[start:], start):
        rule = _rule(clause)
        if rule is None:
            continue
        evidence = notice.evidence(pos, pos + len(clause))
        rule["clause"] = evidence.clause
        if any(_same(rule, r) for r in rules):
            continue
        notes.source(("rules", len(rules)), evidence)
        if rule.pop("_guessed_total", False):
            notes.unsure(("rules", len(rules)), "名额句未写明是每类还是总数，已按总数起草，请核对。", evidence)
        if rule["unit_kind"] == "other" and not re.search(r"其他|其余|有关单位", rule["unit_label"]):
            notes.unsure(("rules", len(rules)), f"无法判断“{rule['unit_label']}”属于哪类推荐单位，已记为 other，请核对。", evidence)
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


def _clauses(text: str, offset: int):
    pos = 0
    for piece in re.split(r"([;。\n])", text):
        if piece and piece not in ";。\n":
            yield piece, offset + pos
        pos += len(piece)


def _rule(clause: str) -> dict | None:
    if not _CAP.search(clause) or not _ABOUT_CASES.search(clause):
        return None
    clause = re.sub(r"^(?:\d+[.、]|备注:|[\u4e00-\u9fff]{2,8}:)\s*", "", clause.strip())
    per = _PER_CATEGORY.search(clause)
    total = _TOTAL.search(clause)
    rule: dict = {}
    if not per and not total:
        total = _CAP.search(clause)
        rule["_guessed_total"] = True
    condition = _CONDITION.search(clause)
    subject = clause.split(",")[0] if condition else clause[: _subject_end(clause)]
    rule.update({
        "unit_kind": _unit_kind(subject, condition),
        "unit_label": subject.strip() or PLACEHOLDER,
        "per_category": _number(per.group(1)) if per else None,
        "total": _number(total.group(1)) if total else None,
    })
    if condition:
        rule["condition"] = condition.group(1)
    return rule


def _subject_end(clause: str) -> int:
    m = _SUBJECT_END.search(clause, 1)
    return m.start() if m else len(clause)


def _unit_kind(subject: str, condition: re.Match | None) -> str:
    if condition:
        return "province_3plus"
    if "中央" in subject:
        return "central"
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
