"""Materials and their word limits: ``综合材料不超过1000字``, ``详细材料不超过 5,000 字``, ``申报表中简介不超过500字``.

The application form printed with some notices repeats the limits as ``案例简介（500字以内）``; those mentions name the
form field a material is entered in (``form_field``) rather than new materials. A material is linked to a form field
when their limits agree. The notices never say which count a limit uses, so every material is checked by Word's 字数
and says so in ``count_note``.
"""

from __future__ import annotations

import re

from .elements import SECTION as ELEMENTS_SECTION
from .known import Known
from .notes import Notes
from .reading import Notice
from .unique import make_unique

_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)"
_LIMIT = re.compile(
    rf"([\u4e00-\u9fff]{{2,12}}?)(?:字数)?(?:应|须|要|原则上)?(?:不超过|不多于|不得超过|不超出|控制在|限)\s*{_NUMBER}\s*字(?:以内|之内)?"
)
_IN_FORM = re.compile(rf"([\u4e00-\u9fff]{{2,8}})\s*\({_NUMBER}\s*字(?:以内|之内)")
_NAME_CUT = re.compile(r".{0,12}(?:表中|中的|中|的|,|:|。|;)")
# Our own ids for the materials the calls so far have used; earlier rulebooks take precedence (known.py).
_USUAL_IDS = {
    "综合材料": "summary",
    "简介": "summary",
    "案例简介": "summary",
    "摘要": "summary",
    "详细材料": "detailed",
    "申报材料": "detailed",
    "申报表": "application",
}


def read_materials(
    notice: Notice, known: Known, notes: Notes, *, elements_for: str | None, elements_specified: bool
) -> list[dict]:
    start, _ = notice.body()
    materials: list[dict] = []
    for m in notice.finditer(_LIMIT, start):
        name = _NAME_CUT.sub("", m.group(1)) or m.group(1)
        limit = int(m.group(2).replace(",", ""))
        if any(x["name"] == name and x["limit"] == limit for x in materials):
            continue
        k = len(materials)
        evidence = notice.match_evidence(m)
        materials.append(
            {
                "id": _material_id(name, known, notes.at(k)),
                "name": name,
                "limit": limit,
                "count": "word",
                "count_note": f"通知只写“{evidence.text}”，未说明计数口径；按 Word“字数”统计口径检查，同时报告汉字数与字符数。",
                "elements_required": False,
                "form_field": None,
                "clause": evidence.clause,
            }
        )
        notes.at(k).source("limit", evidence)
    _link_form_fields(notice, start, materials, notes)
    if not materials:
        materials.append(_unlimited(notice, start, known, notes.at(0)))
    make_unique(materials, "id", notes, what="材料")
    _mark_elements(materials, elements_for, elements_specified, notes)
    return materials


def _material_id(name: str, known: Known, notes: Notes) -> str:
    found = known.material_id(name) or _USUAL_IDS.get(name)
    if found:
        return found
    notes.unsure("id", f"材料“{name}”没有现成的 id，请填写（如 summary / detailed）。")
    return f"material-{name}"


def _link_form_fields(notice: Notice, start: int, materials: list[dict], notes: Notes) -> None:
    for m in notice.finditer(_IN_FORM, start):
        field, limit = m.group(1), int(m.group(2).replace(",", ""))
        same = [x for x in materials if x["limit"] == limit]
        if len(same) != 1:
            notes.unsure(
                "materials",
                f"申报表字段“{field}”（{limit}字以内）无法唯一对应到通知正文中的材料，请核对。",
                notice.match_evidence(m),
            )
            continue
        k = materials.index(same[0])
        same[0]["form_field"] = field
        if field.endswith(same[0]["name"]) and field != same[0]["name"]:  # 简介 → 案例简介, the form's own label
            same[0]["name"] = field
        notes.at(k).source("form_field", notice.match_evidence(m))


def _unlimited(notice: Notice, start: int, known: Known, notes: Notes) -> dict:
    """A call without word limits still needs one material: the application form when it mentions one."""
    form = notice.search(r"申报表", start)
    name = "申报表" if form else "申报材料"
    section = notice.section(ELEMENTS_SECTION)
    anchor = form.start() if form else (section.start if section else start)
    notes.unsure("limit", "通知未规定字数上限；已按“只报告字数、不作超限判断”起草，请核对。")
    return {
        "id": _material_id(name, known, notes),
        "name": name,
        "limit": None,
        "count": "word",
        "count_note": "通知未规定字数上限，只报告字数，不作超限判断。",
        "elements_required": False,
        "form_field": None,
        "clause": notice.outline.clause_at(anchor),
    }


def _mark_elements(materials: list[dict], elements_for: str | None, specified: bool, notes: Notes) -> None:
    """Which materials are checked for the elements: the one the notice names, plus the detailed material."""
    if not specified:
        return
    for _k, m in enumerate(materials):
        if m["name"] == elements_for or m["id"] == "detailed":
            m["elements_required"] = True
    if not any(m["elements_required"] for m in materials):
        largest = max(materials, key=lambda m: m["limit"] or 0)
        largest["elements_required"] = True
        notes.unsure(
            ("materials", materials.index(largest), "elements_required"),
            "通知未说明哪份材料须包含要素，已假定为字数上限最大的材料，请核对。",
        )
