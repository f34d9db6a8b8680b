"""Required elements (要素) per category, from the 材料编写体例 section.

Two shapes occur:

- one numbered list per category, under a heading naming it:
  ``（一）新媒体平台建设典型案例`` then ``1.自有平台或账号的总体情况；2.…的主要创新做法与实践（可选择…）；…``
- one list for every category, often separated by commas:
  ``材料应包括以下要素：基本情况，创新做法与实践，…，下一步发展计划。``

Each item becomes an element with a short name. A name an earlier rulebook already gave to the same item is reused
(see known.py); otherwise the name is cut from the item: drop the parenthesis, the verb phrase before 的
(取得的, 形成的, …中遇到的), everything before the last remaining 的, and the enumeration commas
(``发展中遇到的问题、困难及破解办法`` → ``问题困难及破解办法``).
"""

from __future__ import annotations

import re

from .keywords import segment
from .known import Known
from .notes import PLACEHOLDER, Notes
from .outline import Section
from .reading import Notice
from .unique import make_unique

SECTION = r"材料编写体例|编写体例|材料要求|申报材料"
_NUMBERED = re.compile(r"(?:^|(?<=[;。\n]))\s*(\d{1,2})[.、](?!\d)\s*")
_SINGLE = re.compile(r"(?:包括|包含|涵盖)(?:但不限于)?(?:以下|如下)?(?:[几一二三四五六七八九十\d]+个)?要素[:]?")
_WHO = re.compile(r"([\u4e00-\u9fff]{2,6}材料|材料)(?:应|须|要)(?:当)?(?:包括|包含)")
_OPTIONAL = re.compile(r"可选择其中一方面或多方面|可选择一方面或多方面|可任选")
_VERB_OF = re.compile(r"[^,、]{0,20}?中遇到的|(?:取得|形成|遇到|可提炼|提炼|实现|达到)的")
_MAX_NAME = 14
_GENERIC = {"情况", "基本", "办法", "应用", "模式", "以及", "及其", "方面", "工作"}


def read_elements(notice: Notice, categories: list[dict], known: Known, notes: Notes) -> tuple[bool, str, str | None]:
    """Fill ``categories[i]["elements"]``; return (elements_specified, elements_note, the material they apply to)."""
    specified, note, material = _read(notice, categories, known, notes)
    if specified:
        notes.unsure("elements_specified", "各要素的 summary 直接取自通知原文，请改写为自己的话。")
    return specified, note, material


def _read(notice: Notice, categories: list[dict], known: Known, notes: Notes) -> tuple[bool, str, str | None]:
    section = notice.section(SECTION)
    if section is None:
        notes.unsure("elements_specified", "未找到“材料编写体例”一节；按“未规定必备要素”起草，请核对。")
        return False, "通知未规定申报材料的必备要素。", None
    material = _who(notice, section)
    per_category = _per_category_lists(notice, section, categories)
    if per_category:
        for k, cat in enumerate(categories):
            span = per_category.get(k)
            cat_notes = notes.at("categories", k, "elements")
            if span is None:
                notes.unsure(("categories", k, "elements"), f"“材料编写体例”中没有“{cat['name']}”的要素列表，请补充。")
                cat["elements"] = [_placeholder()]
                continue
            items = _numbered_items(notice, *span)
            if not items:
                notes.unsure(
                    ("categories", k, "elements"),
                    f"“{cat['name']}”的要素列表没有读出编号条目，请补充。",
                    notice.evidence(*span) if span[0] < span[1] else None,
                )
                cat["elements"] = [_placeholder()]
                continue
            cat["elements"] = _elements(notice, items, known, cat_notes)
        return True, "", material
    single = _single_list(notice, section)
    if single:
        for k, cat in enumerate(categories):
            # Doubts about a shared list are raised once, on the first category; the copies keep their sources.
            cat_notes = notes.at("categories", k, "elements")
            cat["elements"] = _elements(notice, single, known, cat_notes if k == 0 else cat_notes.sources_only())
        notes.unsure(
            "elements_specified",
            "通知给出的是适用于所有类别的一份要素列表，已复制到每个类别；"
            "对要素的疑问只在第一个类别下列出，改动时请同步修改各类别。",
            notice.evidence(single[0][1], single[-1][2]),
        )
        return True, "", material
    notes.unsure(
        "elements_specified",
        "“材料编写体例”一节中未找到编号或逗号分隔的要素列表；按“未规定必备要素”起草，请核对。",
        notice.evidence(section.start, section.heading.end),
    )
    return False, "通知未规定申报材料的必备要素。", None


def short_name(item: str) -> str:
    """A short element name cut from the notice's item (see the module docstring)."""
    s = re.sub(r"\([^)]{0,200}\)?", "", item).strip(" ;。,")
    s = _VERB_OF.sub("", s)
    if "的" in s and not re.search(r"[,，](?:以及|及)对", s):
        head, tail = s[: s.rindex("的")], s[s.rindex("的") + 1 :]
        when = re.search(r"(?:下一阶段|下一步|下阶段|未来|今后)$", head)  # 下一阶段的发展计划: the time is the point
        s = (when.group(0) if when else "") + tail
    parts = [p for p in s.split(",") if p]
    if len(parts) > 1 and re.match(r"(?:以及|及)对", parts[-1]):  # "…，及对行业…的影响": a side effect, not the point
        parts = parts[:-1]
        s = "与".join(re.sub(r"^未来|能力$", "", x) for x in parts[0].split("、"))
    elif len(parts) > 1:
        rest = re.sub(r"^(?:以及|及|和|并)", "", parts[-1])
        s = parts[0].split("、")[0] + "与" + re.sub(r"^未来", "", rest)
    if "与" in s and "及" in s and s.index("与") < s.index("及"):
        s = s.replace("与", "", 1).replace("及", "与", 1)
    return s.replace("、", "")


def _who(notice: Notice, section: Section) -> str | None:
    m = notice.search(_WHO, section.start, section.end)
    return m.group(1) if m and m.group(1) != "材料" else None


def _per_category_lists(notice: Notice, section: Section, categories: list[dict]) -> dict[int, tuple[int, int]]:
    """Category index → normalised span of its list, for headings naming a category."""
    found = {}
    for item in section.items:
        if not item.standalone:
            continue
        title = item.title.removesuffix("典型案例").removesuffix("案例")
        for k, cat in enumerate(categories):
            names = {cat["name"], cat["name"].removesuffix("类"), *cat["aliases"]}
            if title in names or any(n and n in item.title for n in names):
                found[k] = (item.end, notice.outline.item_end(section, item))
    return found


def _numbered_items(notice: Notice, start: int, end: int) -> list[tuple[str, int, int]]:
    """``1.…;2.…`` items as (text, start, end), keeping only the run numbered 1, 2, 3, … from the first 1."""
    marks = list(notice.finditer(_NUMBERED, start, end))
    run = []
    for m in marks:
        if int(m.group(1)) == len(run) + 1:
            run.append(m)
        elif run:
            break
    items = []
    for k, m in enumerate(run):
        stop = run[k + 1].start() if k + 1 < len(run) else _list_end(notice, m.end(), end)
        text = notice.text[m.end() : stop].strip().rstrip(";。")
        items.append((text, m.end(), m.end() + len(text)))
    return items


def _list_end(notice: Notice, start: int, end: int) -> int:
    """The last item runs to the end of its line (the next line is another paragraph)."""
    newline = notice.text.find("\n", start, end)
    return newline if newline != -1 else end


def _single_list(notice: Notice, section: Section) -> list[tuple[str, int, int]]:
    m = notice.search(_SINGLE, section.start, section.end)
    if not m:
        return []
    numbered = _numbered_items(notice, m.end(), section.end)
    if numbered:
        return numbered
    stop = notice.text.find("。", m.end(), section.end)
    line_end = notice.text.find("\n", m.end(), section.end)
    stop = min(x for x in (stop, line_end, section.end) if x != -1)
    body = notice.text[m.end() : stop]
    sep = "," if "," in body else ("、" if "、" in body else ";")
    items, pos = [], m.end()
    for part in body.split(sep):
        text = part.strip()
        if text:
            items.append((text, pos, pos + len(part)))
        pos += len(part) + 1
    return items if len(items) >= 2 else []


def _elements(notice: Notice, items: list[tuple[str, int, int]], known: Known, notes: Notes) -> list[dict]:
    out: list[dict] = []
    for k, (text, start, end) in enumerate(items):
        out.append(_element(text, k, known, notes.at(k)))
        notes.at(k).source("name", notice.evidence(start, end))
    fresh = [el["name"] for el in out if el["id"].startswith("element-")]
    if fresh:
        notes.unsure((), f"要素 {'、'.join(fresh)} 在已有规则中没有对应，id 为临时值（element-序号），请改为英文短名。")
    make_unique(out, "id", notes, what="同一类别中要素")
    _borrow_roles(out, known)
    return out


def _borrow_roles(elements: list[dict], known: Known) -> None:
    """An element that kept an earlier element's id plays its role too (``role``: what the checks treat it as; the
    id's doubt, if any, covers both); an id renamed by ``make_unique`` or fresh plays none, so no category gets two
    results elements."""
    roles = {el.id: el.role for el in known.elements() if el.role}
    for el in elements:
        if el["id"] in roles:
            el["role"] = roles[el["id"]]


def _element(item: str, position: int, known: Known, notes: Notes) -> dict:
    core = short_name(item)
    earlier = known.element_named_for(item, core)
    optional = bool(_OPTIONAL.search(item))
    if earlier is not None:
        el = {"id": earlier.id, "name": earlier.name, "summary": _summary(item), "cues": list(earlier.cues)}
        if earlier.name != core:
            notes.unsure("name", f"名称沿用已有规则中的“{earlier.name}”（按本通知原文截取为“{core}”），请核对。")
    else:
        like = known.element_like(core)
        el = {
            "id": like.id if like else f"element-{position + 1}",
            "name": core,
            "summary": _summary(item),
            "cues": _cues(core, like.cues if like else []),
        }
        if like:
            notes.unsure("id", f"id 借用已有要素“{like.name}”（{like.id}）的 id 和提示词（提示词相近），请核对。")
        if not (2 <= len(core) <= _MAX_NAME):
            notes.unsure("name", f"自动截取的要素名称“{core}”过长或过短，请改写。")
        elif core not in item.replace("、", ""):
            notes.unsure("name", f"要素名称“{core}”由原文拼接压缩而成，请核对。")
    if optional:
        el["optional_aspects"] = True
    return el


def _summary(item: str) -> str:
    text = re.sub(r"\((?:可选择其中一方面或多方面|可选择一方面或多方面)\)", "", item).strip(" ;。")
    return text + "。"


def _cues(name: str, borrowed: list[str]) -> list[str]:
    """The name, its parts (问题及破解办法 → 问题, 破解办法), and the jieba words of any long part."""
    words = []
    for part in re.split(r"[与及或和、]", name):
        if 2 <= len(part) <= 6:
            words.append(part)
        else:
            words += [w for w in segment(part) if len(w) >= 2 and w not in _GENERIC]
    cues = ([name] if len(name) <= 8 else []) + words
    cues += [c for c in borrowed if c not in cues]
    return list(dict.fromkeys(cues)) or [name]


def _placeholder() -> dict:
    return {"id": "todo", "name": PLACEHOLDER, "summary": PLACEHOLDER, "cues": [PLACEHOLDER]}
