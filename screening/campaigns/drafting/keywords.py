"""Cue words for a category, from its definition in the notice.

Two sources, in this order:

1. *Enumerated phrases*: definitions list their fields as ``在数据服务、政务服务、民生服务和技术支撑服务等…``;
   each listed item of 2–6 characters is a ready-made cue, exactly as applicants will write it.
2. *Distinctive words*: jieba's TF-IDF keywords (IDF from jieba's bundled general-Chinese table, so nothing is
   downloaded), minus words that also occur in most of the *other* categories' definitions: 取得, 成效, 案例 appear
   in every definition and would suggest every category equally.

The trade-off is recall over precision: a person reviewing the draft deletes a weak cue in seconds, but would not
think of a missing one.
"""

from __future__ import annotations

import logging
import re
from functools import cache

MAX_CUES = 14
_MAX_TEXT = 3000
_SPLIT = re.compile(r"[、,;。:“”\"()]|(?<=[^一])(?:和|或|及|与|以及)(?=[^一-龥]?[一-龥]{2})")
_LEAD = re.compile(
    r"^(?:是指|主要指|指|在|围绕|通过|针对|聚焦|运用|利用|依托|借助|面向|着力|积极|加快|推进|提升|加强|打造|建立|提供|拓展|优化|创新|构建|完善"
    r"|深化|以|对|为|把|将|向)+"
)
_TAIL = re.compile(r"(?:等(?:一方面或多方面|方面|领域|行业)?|的?相关案例).*$")
_STOP = {
    "案例",
    "相关案例",
    "方面",
    "一方面",
    "多方面",
    "成效",
    "显著成效",
    "突出成效",
    "取得",
    "显著",
    "突出",
    "具有",
    "能够",
    "有利于",
    "进一步",
    "是指",
    "主要",
    "主要指",
    "相关",
    "推动",
    "推进",
    "形成",
    "发展",
    "实现",
    "积极",
    "着力",
    "新模式",
    "新业态",
    "新应用",
    "一体化",
    "有效",
    "持续",
    "不断",
    "深化",
    "加快",
    "提升",
    "拓展",
    "推选",
    "推荐",
    "申报",
    "广电",
    "媒体",
    "场景",
    "打造",
    "效能",
    "发力",
    "智化",
    "平台",
}


def cue_words(definition: str, others: list[str], *, limit: int = MAX_CUES) -> list[str]:
    """Cue words for one definition, given the other categories' definitions as background."""
    definition, others = definition[:_MAX_TEXT], [o[:_MAX_TEXT] for o in others]  # definitions are a paragraph
    common = _common_words(others)
    cues: list[str] = []
    for phrase in _enumerated(definition):
        _add(cues, phrase, common)
    for word in _distinctive(definition, common):
        _add(cues, word, common)
    return cues[:limit]


def _add(cues: list[str], word: str, common: set[str]) -> None:
    if word in _STOP or word in common or len(word) < 2:
        return
    if any(word in c for c in cues):  # "政务" adds nothing once "政务服务" is there
        return
    cues.append(word)


def _enumerated(text: str) -> list[str]:
    out = []
    for part in _SPLIT.split(text):
        part = _TAIL.sub("", _LEAD.sub("", part.strip()))
        if 2 <= len(part) <= 6 and re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9+]+", part):
            out.append(part)
    return out


def _distinctive(text: str, common: set[str]) -> list[str]:
    analyse = _jieba_analyse()
    words = analyse.extract_tags(text, topK=30, allowPOS=("n", "nz", "vn", "ns", "nt", "eng", "l"))
    return [w for w in words if w not in common]


def _common_words(others: list[str]) -> set[str]:
    """Words present in at least half of the other definitions (at least two): the notice's boilerplate."""
    if len(others) < 2:
        return set()
    cut = _jieba().lcut
    counts: dict[str, int] = {}
    for text in others:
        for word in set(cut(text)):
            counts[word] = counts.get(word, 0) + 1
    need = max(2, (len(others) + 1) // 2)
    return {w for w, n in counts.items() if n >= need and len(w) >= 2}


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


@cache
def _jieba_analyse():
    _jieba()
    import jieba.analyse

    return jieba.analyse


def segment(text: str) -> list[str]:
    """jieba words of a short phrase (used to derive cues for element names)."""
    return _jieba().lcut(text)
