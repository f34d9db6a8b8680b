"""The data a call asks applicants to give (数量规模、用户反馈、收支情况…), as dimension ids.

The dimension names come from ``corpora/lexicons/dimensions.toml``; a few other words the notices use for the same
or additional dimensions are mapped here. When the data sentence has a ``包括但不限于`` list, that list is the
dimensions; otherwise the ``反映…等方面的数据`` list is.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache

from ...nlp import read_toml
from .notes import Notes
from .reading import Notice

# Notice words → dimension id, beyond each dimension's own name in the lexicon.
_EXTRA_WORDS = {
    "用户规模": "scale",
    "经济效益": "finance",
    "社会效益": "social_benefit",
    "市场竞争力": "competitiveness",
}
_DATA_SENTENCE = re.compile(r"[^。\n]{0,300}数据[^。\n]{0,300}(?:。|$)")
_INCLUDING = re.compile(r"包括但不限于([^。;等]{0,120})")
_REFLECTING = re.compile(r"反映([^。;]{0,120}?)等方面的数据")


def read_data(notice: Notice, notes: Notes) -> dict | None:
    start, _ = notice.body()
    words = dimension_words()
    for m in notice.finditer(_DATA_SENTENCE, start):
        sentence = m.group(0)
        listed = _INCLUDING.search(sentence) or _REFLECTING.search(sentence)
        if not listed:
            continue
        found = [(w, words[w], sentence.find(w)) for w in words if w in listed.group(1)]
        if not found:
            continue
        evidence = notice.match_evidence(m)
        block = notice.text[max(start, m.start() - 200) : m.end() + 200]
        dims = []
        for word, dim_id, _ in sorted(found, key=lambda t: t[2]):
            if all(d["id"] != dim_id for d in dims):
                dims.append({"id": dim_id, "name": word, "clause": evidence.clause})
        notes.source("dimensions", evidence)
        comparisons = "对比性数据" in block or "对比数据" in block
        subjective = bool(re.search(r"避免[^。]{0,6}(?:主观|感性)", block))
        return {
            "dimensions": dims,
            "comparisons_encouraged": comparisons,
            "avoid_subjective": subjective,
            "clause": evidence.clause,
            "summary": _summary(dims, comparisons, subjective),
        }
    notes.unsure((), "未找到对数据的要求（如“包括但不限于数量规模、用户反馈…”）；如通知另有要求请补充。")
    return None


def _summary(dims: list[dict], comparisons: bool, subjective: bool) -> str:
    parts = [f"材料须用数据说明{'、'.join(d['name'] for d in dims)}"]
    if comparisons:
        parts.append("可加入对比数据")
    if subjective:
        parts.append("少用主观感性的描述")
    return "，".join(parts) + "。"


@cache
def dimension_words() -> dict[str, str]:
    """Word → dimension id: each dimension's name from the lexicon, plus the extra notice words above."""
    words = dict(_EXTRA_WORDS)
    try:
        lexicon = read_toml("dimensions.toml")
    except (OSError, tomllib.TOMLDecodeError):  # a broken lexicon costs the drafter names, not the draft
        lexicon = {}
    for dim_id, entry in lexicon.items():
        if isinstance(entry, dict) and entry.get("name"):
            words[entry["name"]] = dim_id
    return words
