"""Eligibility rules: who may not apply, and what may not be submitted.

Each kind the model knows has a few phrasings in the notices so far; the summary is our own sentence for that kind,
filled with the years and exceptions the notice gives (``2024年已获选…（不包括提名事例）``).
"""

from __future__ import annotations

import re

from .notes import Notes
from .reading import Notice

_PATTERNS: list[tuple[str, re.Pattern]] = [
    (
        "one_category_per_case",
        re.compile(r"同一(?:案例|项目|作品)只能(?:选择|申报)一个类别|每个(?:案例|项目)只能(?:选择|申报)一个类别"),
    ),
    (
        "no_resubmit_same_category",
        re.compile(
            r"((?:\d{4}年)?(?:已)?(?:获选|入选)[^。;]{0,20}?)不(?:可|得|能)再以相同[^。;]{0,8}?类别"
            r"[^。;()]{0,12}(?:\(不包括([^)]+)\))?"
        ),
    ),
    (
        "no_resubmit_same_product",
        re.compile(r"(?:往届|以往|历届|此前)[^。;]{0,40}?相同(?:的)?(?:产品|服务|应用)[^。;]{0,20}?不得(?:重复)?申报"),
    ),
    ("completed_only", re.compile(r"须已(?:实际)?完成|必须已经完成|未完成[^。;]{0,20}?不得申报")),
    ("no_process_documents", re.compile(r"避免(?:直接)?提交[^。;]{0,40}?(?:项目方案|技术方案|工作总结)")),
]

_SUMMARIES = {
    "one_category_per_case": "同一案例只能选择一个类别申报，不得重复申报。",
    "no_resubmit_same_category": "{years}已获选的案例不能以相同类别再次申报{excludes}。",
    "no_resubmit_same_product": "与往届入选案例属于相同产品、服务或应用的，不得再次申报。",
    "completed_only": "案例须已实际完成并取得成效；未完成的不得申报。",
    "no_process_documents": "不要直接提交项目方案、技术方案、工作总结等过程性资料。",
}


def read_eligibility(notice: Notice, notes: Notes) -> list[dict]:
    start, _ = notice.body()
    rules = []
    for kind, pattern in _PATTERNS:
        m = notice.search(pattern, start)
        if not m:
            continue
        rule = {"kind": kind, "summary": _SUMMARIES[kind], "clause": notice.outline.clause_at(m.start())}
        if kind == "no_resubmit_same_category":
            years = [int(y) for y in re.findall(r"(\d{4})年", m.group(1))]
            excludes = (m.group(2) or "").removeprefix("不包括")
            rule["years"] = years
            rule["excludes"] = excludes
            rule["summary"] = rule["summary"].format(
                years=f"{'、'.join(map(str, years))}年" if years else "往届",
                excludes=f"（{excludes}除外）" if excludes else "",
            )
        notes.source((len(rules),), notice.match_evidence(m))
        rules.append(rule)
    if not rules:
        notes.unsure((), "未找到申报资格限制（如已入选不得再报、须已完成、只能报一个类别）；如通知另有规定请补充。")
    return rules
