"""Review criteria (政治性, 创新性, 实效性, 典型性 …) from the run-in items of the 征集要求 / 评选标准 section.

They are information for the report, not checks, so a short keyword summary is enough for a draft.
"""

from __future__ import annotations

from .keywords import cue_words
from .notes import Notes
from .reading import Notice

_SECTION = r"征集要求|申报要求|评选标准|评审标准|推选标准|推荐标准|基本条件"


def read_criteria(notice: Notice, notes: Notes) -> list[dict]:
    section = notice.section(_SECTION)
    items = [i for i in section.items if i.title and not i.standalone and len(i.title) <= 8] if section else []
    if not items:
        notes.unsure((), "未找到逐项列出的评审标准（如“（一）政治性。…”）；如通知另有表述请补充。")
        return []
    texts = [notice.text[i.body_start : notice.outline.item_end(section, i)].strip() for i in items]
    criteria = []
    for k, item in enumerate(items):
        words = cue_words(texts[k], texts[:k] + texts[k + 1 :], limit=5)
        summary = f"看重{'、'.join(words)}。" if words else f"{item.title}。"
        criteria.append({"name": item.title, "summary": summary, "clause": notice.outline.clause_at(item.start)})
        notes.source((k,), notice.evidence(item.start, notice.outline.item_end(section, item)))
    notes.unsure((), "评审标准的摘要由关键词拼成，请用自己的话改写。")
    return criteria
