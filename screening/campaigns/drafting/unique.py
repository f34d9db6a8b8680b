"""Keeping ids and names unique where the rulebook model requires it (categories, materials, a category's elements).

Two parts of a notice can map to the same id (two categories both resembling last year's ``mechanism``, or
申报材料 and 详细材料 both being ``detailed``); the model would then refuse the whole draft. Rather than drop one,
the later one gets a numbered suffix and a doubt, so the draft still validates and the reviewer decides.
"""

from __future__ import annotations

from .notes import Notes


def make_unique(parts: list[dict], key: str, notes: Notes, *, what: str) -> None:
    """Suffix repeated ``part[key]`` values with ``-2``, ``-3`` … (in place) and record a doubt on each renamed part."""
    seen: set[str] = set()
    for k, part in enumerate(parts):
        value = part[key]
        if value in seen:
            n = 2
            while f"{value}-{n}" in seen:
                n += 1
            part[key] = f"{value}-{n}"
            notes.at(k).unsure(key, f"{what}的 {key}“{value}”重复，已改为“{part[key]}”，请核对。")
        seen.add(part[key])
