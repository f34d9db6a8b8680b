"""The call's categories: names from the items of its 征集类别 section, cue words from their definitions.

Categories are written as run-in items: ``（一）新媒体平台建设。是指…``, ``1、组织管理类：主要指…`` or
``1. 视听消费新体验。聚焦…``. The item's title is the name and the rest of the item is the definition. The
section's lead-in often lists the names too (``本次征集分为A、B、C、D四个类别``); the drafter cross-checks the two
and reports any disagreement, and falls back to the list when there are no items.
"""

from __future__ import annotations

import re

from .keywords import cue_words
from .known import Known
from .notes import PLACEHOLDER, Notes
from .outline import Heading, Section
from .reading import Notice
from .unique import make_unique

_SECTION = r"征集类别|申报类别|征集范围|类别"
MAX_MERGED_CUES = 20
_COUNT = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_LISTED = re.compile(r"(?:分为|包括|包含|设)([^。:]{4,120}?)(?:等)?([两二三四五六七八九十])(?:个|大)?类(?:别)?")


def read_categories(notice: Notice, known: Known, notes: Notes, *, family: str) -> list[dict]:
    section = notice.section(_SECTION)
    if section is None:
        notes.unsure("categories", "未找到“征集类别”一节，请手工填写类别。")
        return [_placeholder()]
    items = [i for i in section.items if i.title and not i.standalone]
    listed = _listed_names(notice, section)
    if not items and listed:
        notes.unsure("categories", "类别只在列举句中出现，没有逐项定义；描述和提示词需人工填写。")
        categories = [
            _from_name(name, notice, section, known, notes.at("categories", k), family=family)
            for k, name in enumerate(listed)
        ]
        make_unique(categories, "id", notes.at("categories"), what="类别")
        return categories
    if not items:
        notes.unsure(
            "categories",
            "“征集类别”一节中未找到逐项列出的类别，请手工填写。",
            notice.evidence(section.start, section.heading.end),
        )
        return [_placeholder()]
    if listed and [_bare(n) for n in listed] != [_bare(i.title) for i in items]:
        notes.unsure("categories", f"列举句中的类别（{'、'.join(listed)}）与逐项标题不一致，请核对。")
    definitions = [notice.text[i.body_start : notice.outline.item_end(section, i)].strip() for i in items]
    categories = [
        _category(item, definitions, k, notice, section, known, notes.at("categories", k), family=family)
        for k, item in enumerate(items)
    ]
    for key in ("id", "name"):
        make_unique(categories, key, notes.at("categories"), what="类别")
    return categories


def _category(
    item: Heading,
    definitions: list[str],
    k: int,
    notice: Notice,
    section: Section,
    known: Known,
    notes: Notes,
    *,
    family: str,
) -> dict:
    name = item.title
    definition = definitions[k]
    cues = cue_words(definition, definitions[:k] + definitions[k + 1 :])
    cat = _from_name(name, notice, section, known, notes, family=family, cues=cues, definition=definition)
    notes.source("name", notice.evidence(item.start, item.body_start))
    notes.source("description", notice.evidence(item.body_start, notice.outline.item_end(section, item)))
    cat["clause"] = notice.outline.clause_at(item.start)
    return cat


def _from_name(
    name: str,
    notice: Notice,
    section: Section,
    known: Known,
    notes: Notes,
    *,
    family: str,
    cues: list[str] | None = None,
    definition: str = "",
) -> dict:
    cues = list(cues or [])
    aliases = [_bare(name)] if name.endswith("类") else []
    earlier = known.category(name)
    similar = None if earlier or not definition else known.similar_category(definition, family=family)
    if earlier is not None:
        cat_id = earlier.id
        aliases += [a for a in (earlier.name, *earlier.aliases) if a != name and a not in aliases]
        # The earlier cues were chosen by hand, so they lead; this notice's new words follow.
        cues = list(dict.fromkeys([*earlier.cues, *cues]))[:MAX_MERGED_CUES]
    elif similar is not None:
        cat_id = similar[0].id
        aliases.append(similar[0].name)
        notes.unsure(
            "id",
            f"名称在已有规则中没有出现，但定义与已有类别“{similar[0].name}”（{similar[0].id}）相近"
            f"（提示词重合 {similar[1]:.0%}），已沿用其 id 并把旧名列入 aliases；如不是同一类别请改 id。",
        )
    else:
        cat_id = _fresh_id(name)
        notes.unsure(
            "id", f"新类别“{name}”在已有规则中没有对应，id 为临时值；请改为英文短名，并在 aliases 中写明往年的别名。"
        )
    if not cues:
        cues = [_bare(name)]
        notes.unsure("cues", "定义过短，未能提取提示词，请补充。")
    notes.unsure("description", "描述由定义中的关键词拼成，请用自己的话改写。")
    return {
        "id": cat_id,
        "name": name,
        "aliases": aliases,
        "description": _describe(name, cues),
        "cues": cues,
        "clause": notice.outline.clause_at(section.start),
        "elements": [],
    }


def _describe(name: str, cues: list[str]) -> str:
    return f"{_bare(name)}方面的案例，涉及{'、'.join(cues[:6])}等。" if cues else f"{_bare(name)}方面的案例。"


def _listed_names(notice: Notice, section: Section) -> list[str]:
    m = notice.search(_LISTED, section.heading.end, section.end)
    if not m:
        return []
    names = [n.strip() for n in re.split(r"[、,]|和|及|与", m.group(1)) if n.strip()]
    return names if len(names) == _COUNT.get(m.group(2), len(names)) else []


def _bare(name: str) -> str:
    return name.removesuffix("典型案例").removesuffix("类").strip()


def _fresh_id(name: str) -> str:
    return f"new-{_bare(name)}"  # visibly temporary; the reviewer picks the English id


def _placeholder() -> dict:
    return {
        "id": "todo",
        "name": PLACEHOLDER,
        "aliases": [],
        "description": PLACEHOLDER,
        "cues": [PLACEHOLDER],
        "clause": PLACEHOLDER,
        "elements": [],
    }
